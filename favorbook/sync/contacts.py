"""Contact sync with one CardDAV address book, both ways.

One run:

1. Ask the server what changed: the ``sync-collection`` REPORT from the stored token
   (RFC 6578); without token support, or when the token expired, a full ETag listing.
2. Guards, before any change: an address book that had cards and comes back empty, or
   more than 20 % (and more than 5) of the synced contacts to archive or delete, raise
   SyncGuardTripped unless ``allow_mass_delete``. Then the backup before the first sync.
3. Pull: changed cards in ``addressbook-multiget`` batches of 100, each batch merged
   (field-level, three-way, ``sync.merge``) and written in one transaction. A card
   deleted on the server archives its contact (restorable) unless it was edited here:
   an edit beats a delete, and the card goes up again.
4. Push: new contacts with ``If-None-Match: *`` at ``<book>/<uid>.vcf`` (a retry after a
   lost reply gets 412, fetches the same card, and is done: never a duplicate); changed
   ones with ``If-Match``; a 412 means fetch, merge, try once more. Local deletes go
   with ``DELETE If-Match``. Results are written per batch.
5. The new sync token is stored last, so a sync that fails half-way starts the next
   from the old one; cards already handled then match their stored ETags.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

from favorbook.db.models import Contact, SyncCollection, SyncItem, db
from favorbook.errors import FavorbookError, SyncError, SyncGuardTripped
from favorbook.sync import conflicts as conflict_list
from favorbook.sync import vcard_fields as vf
from favorbook.sync.dav import (
    AuthFailed,
    NotSupported,
    PreconditionFailed,
    ServerFailed,
    TokenInvalid,
    Unreachable,
    norm_href,
)
from favorbook.sync.merge import merge3, same

BATCH = 100
PUSH_WORKERS = 4
"""Requests in flight at once while sending (servers take them in parallel)."""
GUARD_SHARE = 0.2
GUARD_MIN = 5


class _Run:
    def __init__(self, account, coll, client, report, progress, cancelled):
        self.account = account
        self.coll = coll
        self.client = client
        self.report = report
        self._progress = progress
        self._cancelled = cancelled
        self.book = norm_href(coll.url, coll.url)
        if not self.book.endswith("/"):
            self.book += "/"
        self.done = 0
        self.total = 0

    # --- helpers --------------------------------------------------------------------

    def progress(self, text: str, step: int = 0) -> None:
        self.done += step
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total, text)

    def cancelled(self) -> bool:
        if self._cancelled is not None and self._cancelled():
            self.report.cancelled = True
            return True
        return False

    def error(self, text: str) -> None:
        self.report.errors.append(text)

    def items(self) -> list[SyncItem]:
        return list(SyncItem.select().where(SyncItem.collection == self.coll.id))

    def href_for(self, uid: str) -> str:
        safe = uid if uid and "/" not in uid and uid not in (".", "..") else None
        if safe is None:
            from favorbook.services._common import new_uid

            safe = new_uid()
        return self.book + safe + ".vcf"

    # --- 1. what changed on the server ----------------------------------------------

    def server_changes(self) -> tuple[dict[str, str], set[str], str | None, bool]:
        """(present {href: etag} to look at, deleted hrefs, new token, full listing)."""
        token = self.coll.sync_token
        try:
            try:
                changes, new_token = self.client.sync_collection(self.coll.url, token)
            except TokenInvalid:
                if not token:
                    raise NotSupported("no token support") from None
                token = None
                changes, new_token = self.client.sync_collection(self.coll.url, None)
        except NotSupported:
            listing = self.client.list_etags(self.coll.url)
            return dict(listing), set(), None, True
        present = {h: e for h, e in changes.items() if e is not None}
        deleted = {h for h, e in changes.items() if e is None}
        return present, deleted, new_token, token is None

    # --- the run ----------------------------------------------------------------------

    def run(self, allow_mass_delete: bool) -> None:
        self.relink()
        present, deleted, new_token, full = self.server_changes()
        items = self.items()
        by_href = {i.href: i for i in items if i.href}
        # Only a card the server confirmed having can be "deleted on the server" or count
        # for the guards; one queued (its address chosen) but never confirmed, as after a
        # sync killed half-way, is just not there yet: it goes up below (or, when its
        # upload did reach the server, the card at its address is fetched and linked).
        synced = {h: i for h, i in by_href.items() if _confirmed(i)}
        if full:
            deleted = {h for h in synced if h not in present}
        deleted &= set(synced)
        gone = [by_href[h] for h in sorted(deleted)]
        tombstones = [
            i for i in items if i.contact_id is None and i.deleted and i.href and _confirmed(i)
        ]
        self.guard(list(synced.values()), present, gone, tombstones, full, allow_mass_delete)
        self.backup_first()
        self.adopt_tombstones(by_href, present)
        fetch = [
            h
            for h, etag in present.items()
            if h not in by_href or by_href[h].etag != etag or not by_href[h].etag
        ]
        self.total = len(fetch) + len(gone) + len(tombstones)
        self.progress("Receiving contacts")
        self.pull(fetch, by_href)
        if self.cancelled():
            return
        self.server_deleted(gone)
        if self.cancelled():
            return
        self.push()
        if self.cancelled():
            return
        self.delete_on_server()
        if new_token and not self.report.cancelled:
            if self.report.pushed or self.report.deleted:
                new_token = self.token_after_own_changes(new_token)
            SyncCollection.update(sync_token=new_token).where(
                SyncCollection.id == self.coll.id
            ).execute()

    def adopt_tombstones(self, by_href: dict[str, SyncItem], present: dict[str, str]) -> None:
        """A contact deleted here before its upload was confirmed, whose card did reach the
        server (the sync was killed before the reply was stored): the card at its address
        is ours, so it is deleted there too, rather than fetched back as a new contact."""
        with db.atomic():
            for href, item in by_href.items():
                if (
                    item.contact_id is None
                    and item.deleted
                    and not _confirmed(item)
                    and present.get(href)
                ):
                    item.etag = present[href]
                    item.save(only=[SyncItem.etag])

    def token_after_own_changes(self, token: str) -> str:
        """A token that includes what this sync sent, when nothing else changed meanwhile.

        The token of step 1 predates our own PUTs; a card we created and someone then
        deletes would never show in a later delta from it (created and deleted within the
        window). So ask once more: if the only changes since are ours (their ETags are
        the ones we stored), the newer token is safe to keep; else keep the old one and
        the next sync looks at the rest.
        """
        try:
            changes, newer = self.client.sync_collection(self.coll.url, token)
        except SyncError:
            return token
        mine = {i.href: i.etag for i in self.items() if i.href}
        for href, etag in changes.items():
            if etag is None and href not in mine:
                continue  # our own DELETE
            if href not in mine or etag != mine[href] or not etag:
                return token
        return newer or token

    def relink(self) -> None:
        """Items whose contact came back (undo of a delete) point at it again."""
        with db.atomic():
            db.execute_sql(
                "UPDATE sync_item SET deleted = 0, contact_id = "
                "(SELECT c.id FROM contact c WHERE c.uid = sync_item.uid) "
                "WHERE collection_id = ? AND contact_id IS NULL AND followup_id IS NULL "
                "AND EXISTS (SELECT 1 FROM contact c WHERE c.uid = sync_item.uid) "
                "AND NOT EXISTS (SELECT 1 FROM sync_item o JOIN contact c ON c.id = o.contact_id "
                "WHERE o.collection_id = sync_item.collection_id AND c.uid = sync_item.uid)",
                (self.coll.id,),
            )
            SyncItem.update(deleted=False).where(
                (SyncItem.collection == self.coll.id)
                & SyncItem.contact.is_null(False)
                & (SyncItem.deleted == True)  # noqa: E712
            ).execute()

    # --- 2. guards and backup ------------------------------------------------------------

    def guard(self, synced, present, gone, tombstones, full, allow: bool) -> None:
        if allow or not synced:
            return
        total = len(synced)
        name = self.account.name
        if (full and not present) or len(gone) >= total:
            raise SyncGuardTripped(
                f"The address book of account {name!r} came back empty, but {total} "
                "contacts were synced with it. Nothing was changed. If the cards were "
                "removed on purpose, sync again and allow it; else check the server.",
                reason="empty",
                count=total,
                total=total,
            )
        local_cards = vf.local_cards([i.contact_id for i in gone if i.contact_id])
        archive = [
            i
            for i in gone
            if i.contact_id is None or not self.edited_since_base(i, local_cards.get(i.contact_id))
        ]
        count = len(archive) + len(tombstones)
        if count > GUARD_MIN and count > GUARD_SHARE * total:
            raise SyncGuardTripped(
                f"Syncing account {name!r} would remove {count} of {total} synced contacts "
                "(on this computer or on the server). Nothing was changed. Sync again and "
                "allow it if that is what you want.",
                reason="mass_delete",
                count=count,
                total=total,
            )

    def backup_first(self) -> None:
        from favorbook.db.models import SyncAccount
        from favorbook.services import backup
        from favorbook.services._common import utc_now

        if self.account.backed_up_at is not None:
            return
        try:
            backup.backup_now()
        except FavorbookError as exc:
            raise SyncError(
                f"Account {self.account.name!r}: the backup before the first sync failed "
                f"({exc}). Nothing was synced."
            ) from exc
        self.account.backed_up_at = utc_now()
        SyncAccount.update(backed_up_at=self.account.backed_up_at).where(
            SyncAccount.id == self.account.id
        ).execute()

    @staticmethod
    def edited_since_base(item: SyncItem, local_text: str | None) -> bool:
        if local_text is None:
            return False
        try:
            base = vf.card_fields(item.base_text) if item.base_text else vf.empty_fields()
        except vf.CardUnreadable:
            return True
        return not same(base, vf.card_fields(local_text))

    # --- 3. pull ---------------------------------------------------------------------------

    def pull(self, fetch: list[str], by_href: dict[str, SyncItem]) -> None:
        by_uid = {i.uid: i for i in self.items()}
        for start in range(0, len(fetch), BATCH):
            if self.cancelled():
                return
            chunk = fetch[start : start + BATCH]
            cards = self.client.multiget(self.coll.url, chunk)
            linked = [
                by_href[h].contact_id for h in chunk if h in by_href and by_href[h].contact_id
            ]
            with db.atomic():
                local = vf.local_cards(linked)
                for href in chunk:
                    if href in cards:
                        etag, text = cards[href]
                        self.pull_one(href, etag, text, by_href, by_uid, local)
            self.progress("Receiving contacts", len(chunk))

    def pull_one(self, href, etag, text, by_href, by_uid, local) -> None:
        """Merge one server card into its contact (all inside the batch's transaction)."""
        item = by_href.get(href)
        try:
            server = vf.card_fields(text)
        except vf.CardUnreadable as exc:
            self.error(f"A card on the server cannot be read ({href}: {exc}); it was left out.")
            self.store_unreadable(item, href, etag, text)
            return
        uid = vf.card_uid(text) or unquote(posixpath.basename(href)).removesuffix(".vcf")
        if item is None and uid in by_uid and by_uid[uid].href in (None, href):
            item = by_uid[uid]  # our own new card whose reply was lost, or a moved card
        if item is None or item.contact_id is None:
            self.pull_new(item, href, etag, text, uid, server, by_href, by_uid)
            return
        local_text = local.get(item.contact_id) or vf.local_card(item.contact_id)
        try:
            base = vf.card_fields(item.base_text) if item.base_text else vf.empty_fields()
        except vf.CardUnreadable:
            base = vf.empty_fields()
        self.merge_into(item, base, vf.card_fields(local_text), server)
        item.href, item.etag, item.base_text = href, etag, text
        item.save()

    def merge_into(self, item: SyncItem, base, local, server) -> bool:
        """Merge, write the result to the contact, record conflicts; True when the
        merged card must go up (the item is marked dirty accordingly)."""
        result = merge3(base, local, server)
        if result.local_changed:
            try:
                vf.apply(result.fields, item.contact_id)
            except FavorbookError as exc:
                self.error(f"{vf.show('name', server['name'])}: not updated here ({exc}).")
                item.dirty = False
                return False
            self.report.pulled += 1
        for c in result.conflicts:
            conflict_list.record(
                self.account.id, item.contact_id, item.uid, c.field, c.local, c.server
            )
            self.report.conflicts += 1
        item.dirty = result.server_changed
        return result.server_changed

    def pull_new(self, item, href, etag, text, uid, server, by_href, by_uid) -> None:
        """A card favorbook does not have linked: link it to the contact with its UID
        (merged, server wins on differences), or make a new contact."""
        existing = Contact.get_or_none(Contact.uid == uid) if uid else None
        taken = existing is not None and (
            SyncItem.select()
            .where((SyncItem.collection == self.coll.id) & (SyncItem.contact == existing.id))
            .exists()
        )
        if item is None:
            item = SyncItem(collection=self.coll.id, uid=uid)
        item.href, item.etag, item.base_text, item.deleted = href, etag, text, False
        if taken:
            self.error(
                f"Two cards on the server have the UID {uid} ({href}); the second was left out."
            )
            self.store_unreadable(None, href, etag, text, uid=href)
            return
        if existing is not None:
            item.contact = existing.id
            if existing.archived_at is not None:
                from favorbook.services import contacts

                contacts.restore_contact(existing.id)
            self.merge_into(
                item, vf.empty_fields(), vf.card_fields(vf.local_card(existing.id)), server
            )
        else:
            try:
                item.contact = vf.apply(server, None, uid=uid)
            except FavorbookError as exc:
                self.error(f"{vf.show('name', server['name'])}: not added here ({exc}).")
                self.store_unreadable(item, href, etag, text)
                return
            self.report.pulled += 1
            item.dirty = False
        if item.uid != uid and not (
            SyncItem.select()
            .where((SyncItem.collection == self.coll.id) & (SyncItem.uid == uid))
            .exists()
        ):
            item.uid = uid
        item.save()
        by_href[href] = item
        by_uid[item.uid] = item

    def store_unreadable(self, item, href, etag, text, uid: str = "") -> None:
        """Remember a card favorbook cannot use, so it is not fetched again until it
        changes, and never deleted from the server (no contact, not a tombstone)."""
        if item is None:
            uid = uid or vf.card_uid(text) or href
            item = SyncItem.get_or_none(
                (SyncItem.collection == self.coll.id) & (SyncItem.uid == uid)
            ) or SyncItem(collection=self.coll.id, uid=uid, contact=None)
        item.href, item.etag, item.dirty = href, etag, False
        if item.contact_id is None:
            item.base_text, item.deleted = text, False
        item.save()

    # --- deleted on the server --------------------------------------------------------------

    def server_deleted(self, gone: list[SyncItem]) -> None:
        from favorbook.services import contacts

        if not gone:
            return
        local = vf.local_cards([i.contact_id for i in gone if i.contact_id])
        with db.atomic():
            for item in gone:
                text = local.get(item.contact_id) if item.contact_id else None
                if item.contact_id is None or text is None:
                    item.delete_instance()
                elif self.edited_since_base(item, text):
                    # An edit beats a delete: the card goes up again, as new.
                    item.etag, item.base_text, item.dirty = None, "", True
                    item.save()
                else:
                    if not contacts.is_archived(item.contact_id):
                        contacts.archive_contact(item.contact_id)
                    item.delete_instance()
                    self.report.deleted += 1
        self.progress("Receiving contacts", len(gone))

    # --- 4. push ----------------------------------------------------------------------------

    def new_items(self) -> None:
        """A sync item for every active local contact not yet in the address book."""
        linked = SyncItem.select(SyncItem.contact).where(
            (SyncItem.collection == self.coll.id) & SyncItem.contact.is_null(False)
        )
        fresh = (
            Contact.select(Contact.id, Contact.uid)
            .where(Contact.archived_at.is_null() & Contact.id.not_in(linked))
            .tuples()
        )
        taken = {
            uid
            for (uid,) in SyncItem.select(SyncItem.uid)
            .where(SyncItem.collection == self.coll.id)
            .tuples()
        }
        rows = [
            {
                "collection": self.coll.id,
                "uid": uid,
                "href": self.href_for(uid),
                "contact": cid,
                "dirty": True,
                "base_text": "",
            }
            for cid, uid in fresh
            if uid not in taken
        ]
        with db.atomic():
            for start in range(0, len(rows), 500):
                SyncItem.insert_many(rows[start : start + 500]).execute()

    def push(self) -> None:
        self.new_items()
        dirty = list(
            SyncItem.select().where(
                (SyncItem.collection == self.coll.id)
                & (SyncItem.dirty == True)  # noqa: E712
                & SyncItem.contact.is_null(False)
            )
        )
        self.total += len(dirty)
        self.progress("Sending contacts")
        for start in range(0, len(dirty), BATCH):
            if self.cancelled():
                return
            chunk = dirty[start : start + BATCH]
            local = vf.local_cards([i.contact_id for i in chunk])
            jobs = []
            clean = []
            for item in chunk:
                text = local.get(item.contact_id)
                if text is None:
                    continue
                is_new = item.etag is None and not item.base_text
                if not is_new and self.same_as_base(item, text):
                    clean.append(item)
                else:
                    jobs.append((item, text, is_new))
            with ThreadPoolExecutor(PUSH_WORKERS) as pool:
                results = list(pool.map(lambda job: self.put(*job), jobs))
            retry, fatal = [], None
            with db.atomic():
                for item in clean:
                    SyncItem.update(dirty=False).where(SyncItem.id == item.id).execute()
                for (item, text, _), outcome in zip(jobs, results, strict=True):
                    if outcome[0] == "ok":
                        SyncItem.update(etag=outcome[1], base_text=text, dirty=False).where(
                            SyncItem.id == item.id
                        ).execute()
                        self.report.pushed += 1
                    elif outcome[0] == "412":
                        retry.append(item)
                    elif fatal is None and _fatal(outcome[1]):
                        fatal = outcome[1]
                    elif not _fatal(outcome[1]):
                        self.error(str(outcome[1]))
            if fatal is not None:
                raise fatal
            for item in retry:
                self.resolve_412(item)
            self.progress("Sending contacts", len(chunk))

    @staticmethod
    def same_as_base(item: SyncItem, text: str) -> bool:
        try:
            return same(vf.card_fields(item.base_text), vf.card_fields(text))
        except vf.CardUnreadable:
            return False

    def put(self, item: SyncItem, text: str, is_new: bool):
        """Send one card (network only, no database); ("ok", etag) / ("412",) / ("error", msg)."""
        try:
            etag = self.client.put(item.href, text, etag=item.etag, create=is_new)
        except PreconditionFailed:
            return ("412",)
        except SyncError as exc:
            return ("error", exc)
        return ("ok", etag)

    def resolve_412(self, item: SyncItem) -> None:
        """The card changed on the server (or exists already): fetch, merge, try once more."""
        item = SyncItem.get_by_id(item.id)
        got = self.client.get(item.href)
        if got is None:  # deleted on the server meanwhile: an edit beats a delete
            text = vf.local_card(item.contact_id)
            etag = self.client.put(item.href, text, create=True)
            item.etag, item.base_text, item.dirty = etag, text, False
            item.save()
            self.report.pushed += 1
            return
        etag, server_text = got
        try:
            server = vf.card_fields(server_text)
        except vf.CardUnreadable:
            self.error(f"The server's copy of {item.href} cannot be read; it was not changed.")
            return
        try:
            base = vf.card_fields(item.base_text) if item.base_text else vf.empty_fields()
        except vf.CardUnreadable:
            base = vf.empty_fields()
        with db.atomic():
            local = vf.card_fields(vf.local_card(item.contact_id))
            must_push = self.merge_into(item, base, local, server)
            item.etag, item.base_text = etag, server_text
            item.save()
        if not must_push:
            return
        text = vf.local_card(item.contact_id)
        try:
            new_etag = self.client.put(item.href, text, etag=etag)
        except PreconditionFailed:
            self.error(f"{item.href} keeps changing on the server; it goes up with the next sync.")
            return
        SyncItem.update(etag=new_etag, base_text=text, dirty=False).where(
            SyncItem.id == item.id
        ).execute()
        self.report.pushed += 1

    # --- local deletes -----------------------------------------------------------------------

    def delete_on_server(self) -> None:
        tombstones = list(
            SyncItem.select().where(
                (SyncItem.collection == self.coll.id)
                & SyncItem.contact.is_null()
                & SyncItem.followup.is_null()
                & (SyncItem.deleted == True)  # noqa: E712
            )
        )
        for item in tombstones:
            if self.cancelled():
                return
            if item.href and _confirmed(item):
                try:
                    self.client.delete(item.href, item.etag)
                except PreconditionFailed:
                    self.revive(item)
                    continue
                self.report.deleted += 1
            item.delete_instance()
            self.progress("Sending contacts", 1)

    def revive(self, item: SyncItem) -> None:
        """Deleted here, edited on the server: the edit wins, the contact comes back."""
        got = self.client.get(item.href)
        if got is None:
            item.delete_instance()
            return
        etag, text = got
        with db.atomic():
            self.pull_one(item.href, etag, text, {item.href: item}, {}, {})


def _confirmed(item: SyncItem) -> bool:
    """Whether the server confirmed having this card: an upload answered (an ETag, or the
    text sent kept as the base when the server gave no ETag) or a card fetched from it."""
    return item.etag is not None or bool(item.base_text)


def _fatal(exc: SyncError) -> bool:
    """A failure that will hit every other request too (network, password, server down)."""
    return isinstance(exc, Unreachable | AuthFailed | ServerFailed)


def sync_contacts(
    account,
    client,
    report,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    allow_mass_delete: bool = False,
) -> None:
    """Sync the account's address book both ways (see the module docstring)."""
    coll = SyncCollection.get_or_none(
        (SyncCollection.account == account.id) & (SyncCollection.kind == "contacts")
    )
    if coll is None:
        return
    _Run(account, coll, client, report, progress, cancelled).run(allow_mass_delete)
