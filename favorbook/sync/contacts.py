"""Contact sync with one CardDAV address book, both ways: the cards of ``sync.collection``.

The engine (``sync.collection``) lists, fetches, pushes and keeps the sync token; this
module says what a card means here:

- Guards, before any change: an address book that had cards and comes back empty, or
  more than 20 % (and more than 5) of the synced contacts to archive or delete, raise
  SyncGuardTripped unless ``allow_mass_delete``. Then the backup before the first sync.
- Pull: each card merged field by field (three-way against the card last synced,
  ``sync.merge``) into its contact, or linked to the contact with its UID, or a new
  contact; a card that cannot be read is remembered (not fetched again until it changes,
  never deleted from the server). A card deleted on the server archives its contact
  (restorable) unless it was edited here: an edit beats a delete, and the card goes up
  again.
- Push: every active contact has a card at ``<book>/<uid>.vcf``; a contact changed since
  its card was last synced goes up. A 412 merges the server's card and sends the result.
  Deleted contacts' cards are deleted on the server.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import unquote

from favorbook.errors import FavorbookError, SyncError, SyncGuardTripped
from favorbook.sync import conflicts as conflict_list
from favorbook.sync import store
from favorbook.sync import vcard_fields as vf
from favorbook.sync.collection import (
    Adapter,
    CollectionSync,
    Listing,
    Upload,
    too_many_removed,
)
from favorbook.sync.merge import merge3, same
from favorbook.sync.store import SyncItem

BATCH = 100
"""Cards per multiget and per batch of uploads."""


class Cards(Adapter):
    noun = "contacts"
    data_kind = "contacts"
    content_type = "text/vcard; charset=utf-8"

    def __init__(self, account, allow_mass_delete: bool = False):
        self.account = account
        self.allow_mass_delete = allow_mass_delete
        self.by_href: dict[str, SyncItem] = {}
        self.by_uid: dict[str, SyncItem] = {}

    @property
    def pull_batch(self) -> int:
        return BATCH

    @property
    def push_batch(self) -> int:
        return BATCH

    def href_for(self, uid: str) -> str:
        safe = uid if uid and "/" not in uid and uid not in (".", "..") else None
        if safe is None:
            from favorbook.services._common import new_uid

            safe = new_uid()
        return self.sync.base + safe + ".vcf"

    # --- before the listing: contacts back from the trash ------------------------------

    def prepare(self) -> None:
        """Items whose contact came back (undo of a delete) point at it again."""
        store.relink_contacts(self.coll)

    # --- guards and backup ---------------------------------------------------------------

    def check(self, listing: Listing) -> None:
        tombstones = [i for i in listing.synced if i.contact_id is None and i.deleted]
        if not self.allow_mass_delete and listing.synced:
            self.guard(listing, tombstones)
        self.backup_first()

    def guard(self, listing: Listing, tombstones: list[SyncItem]) -> None:
        total = len(listing.synced)
        gone = listing.gone
        name = self.account.name
        if (listing.full and not listing.present) or len(gone) >= total:
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
            if i.contact_id is None or not edited_since_base(i, local_cards.get(i.contact_id))
        ]
        count = len(archive) + len(tombstones)
        if too_many_removed(count, total):
            raise SyncGuardTripped(
                f"Syncing account {name!r} would remove {count} of {total} synced contacts "
                "(on this computer or on the server). Nothing was changed. Sync again and "
                "allow it if that is what you want.",
                reason="mass_delete",
                count=count,
                total=total,
            )

    def backup_first(self) -> None:
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
        store.update_account(self.account, backed_up_at=utc_now())

    # --- pull ------------------------------------------------------------------------------

    def begin(self, listing: Listing) -> None:
        items = store.items(self.coll)
        self.by_href = {i.href: i for i in items if i.href}
        self.by_uid = {i.uid: i for i in items}

    def pull(self, hrefs: list[str], fetched: dict[str, tuple[str, str]]) -> None:
        by_href = self.by_href
        linked = [by_href[h].contact_id for h in hrefs if h in by_href and by_href[h].contact_id]
        local = vf.local_cards(linked)
        for href in hrefs:
            if href in fetched:
                etag, text = fetched[href]
                self.pull_one(href, etag, text, local)

    def pull_one(self, href, etag, text, local, by_href=None, by_uid=None) -> None:
        """Merge one server card into its contact (inside the batch's transaction)."""
        by_href = self.by_href if by_href is None else by_href
        by_uid = self.by_uid if by_uid is None else by_uid
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
        self.merge_into(item, base_fields(item), vf.card_fields(local_text), server)
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
        existing = store.contact_with_uid(uid) if uid else None
        taken = existing is not None and store.contact_linked(self.coll, existing.id)
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
        if item.uid != uid and not store.uid_taken(self.coll, uid):
            item.uid = uid
        item.save()
        by_href[href] = item
        by_uid[item.uid] = item

    def store_unreadable(self, item, href, etag, text, uid: str = "") -> None:
        """Remember a card favorbook cannot use, so it is not fetched again until it
        changes, and never deleted from the server (no contact, not a tombstone)."""
        if item is None:
            uid = uid or vf.card_uid(text) or href
            item = store.item_with_uid(self.coll, uid) or SyncItem(
                collection=self.coll.id, uid=uid, contact=None
            )
        item.href, item.etag, item.dirty = href, etag, False
        if item.contact_id is None:
            item.base_text, item.deleted = text, False
        item.save()

    # --- deleted on the server --------------------------------------------------------------

    def server_deleted(self, items: list[SyncItem]) -> None:
        from favorbook.services import contacts

        local = vf.local_cards([i.contact_id for i in items if i.contact_id])
        for item in items:
            text = local.get(item.contact_id) if item.contact_id else None
            if item.contact_id is None or text is None:
                item.delete_instance()
            elif edited_since_base(item, text):
                # An edit beats a delete: the card goes up again, as new.
                item.etag, item.base_text, item.dirty = None, "", True
                item.save()
            else:
                if not contacts.is_archived(item.contact_id):
                    contacts.archive_contact(item.contact_id)
                item.delete_instance()
                self.report.deleted += 1

    # --- local deletes -----------------------------------------------------------------------

    def tombstones(self) -> list[SyncItem]:
        return store.card_tombstones(self.coll)

    def revive(self, item: SyncItem, etag: str, text: str) -> None:
        """Deleted here, edited on the server: the edit wins, the contact comes back."""
        self.pull_one(item.href, etag, text, {}, {item.href: item}, {})

    # --- push ----------------------------------------------------------------------------

    def outgoing(self) -> list[SyncItem]:
        """Every active contact has a card: new ones are queued (their address chosen,
        unconfirmed); then every changed card."""
        fresh = store.contacts_without_item(self.coll)
        store.queue_cards(self.coll, [(cid, uid, self.href_for(uid)) for cid, uid in fresh])
        return store.dirty_cards(self.coll)

    def to_send(self, batch: list[SyncItem]) -> list[Upload]:
        local = vf.local_cards([i.contact_id for i in batch])
        uploads, clean = [], []
        for item in batch:
            text = local.get(item.contact_id)
            if text is None:
                continue
            is_new = item.etag is None and not item.base_text
            if not is_new and same_as_base(item, text):
                clean.append(item.id)
            else:
                uploads.append(Upload(item.href, text, item, etag=item.etag, create=is_new))
        store.mark_clean(clean)
        return uploads

    # --- a first upload in one request -----------------------------------------------------

    bulk_suffix = ".vcf"

    def bulk_part(self, upload: Upload, uid: str) -> str | None:
        """The card itself, when it is one card with that UID."""
        text = upload.text
        if text.upper().count("BEGIN:VCARD") != 1 or vf.card_uid(text) != uid:
            return None
        return text if text.endswith("\n") else text + "\r\n"

    def bulk_body(self, parts: list[str]) -> bytes:
        """The cards one after the other (an address book as one vCard file)."""
        return "".join(parts).encode("utf-8")

    def recreate(self, upload: Upload) -> Upload:
        """Deleted on the server meanwhile: an edit beats a delete."""
        text = vf.local_card(upload.item.contact_id)
        return Upload(upload.href, text, upload.item, create=True)

    def server_copy(self, upload: Upload, etag: str, text: str) -> Upload | None:
        item = store.item(upload.item.id)
        try:
            server = vf.card_fields(text)
        except vf.CardUnreadable:
            self.error(f"The server's copy of {item.href} cannot be read; it was not changed.")
            return None
        local = vf.card_fields(vf.local_card(item.contact_id))
        must_push = self.merge_into(item, base_fields(item), local, server)
        item.etag, item.base_text = etag, text
        item.save()
        if not must_push:
            return None
        return Upload(item.href, vf.local_card(item.contact_id), item, etag=etag)


def base_fields(item: SyncItem) -> vf.Fields:
    """The fields of the card last synced (none when there is none or it is unreadable)."""
    try:
        return vf.card_fields(item.base_text) if item.base_text else vf.empty_fields()
    except vf.CardUnreadable:
        return vf.empty_fields()


def edited_since_base(item: SyncItem, local_text: str | None) -> bool:
    if local_text is None:
        return False
    try:
        base = vf.card_fields(item.base_text) if item.base_text else vf.empty_fields()
    except vf.CardUnreadable:
        return True
    return not same(base, vf.card_fields(local_text))


def same_as_base(item: SyncItem, text: str) -> bool:
    try:
        return same(vf.card_fields(item.base_text), vf.card_fields(text))
    except vf.CardUnreadable:
        return False


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
    coll = store.collection(account, "contacts")
    if coll is None:
        return
    adapter = Cards(account, allow_mass_delete)
    CollectionSync(adapter, account, coll, client, report, progress, cancelled).run()
