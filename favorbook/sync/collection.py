"""One DAV collection synced both ways: the steps every kind of item takes, once.

A kind is an ``Adapter``: cards (``sync.contacts``) and tasks (``sync.tasks``), which keep
their records in ``sync_item``, and the phone's inbox list (``sync.inbox``) and the
meetings calendars (``sync.calendars``), which keep theirs in their own tables. An
adapter reads the server's text into favorbook (cards and tasks merge three ways against
the text last synced), says what goes up and what a 412 or a delete means for its items,
and where its records and its sync token are kept. ``CollectionSync`` does the rest, the
same way for every kind:

1. **List** what changed: the ``sync-collection`` REPORT from the stored token (RFC 6578);
   a token the server forgot is dropped at once and the REPORT asked again without one; a
   server without the REPORT gives a full ETag listing. Of a full listing, every item the
   server had confirmed and no longer lists was deleted there.
2. **Check** (the adapter), before any change: guards, the backup before a first sync.
3. **Pull** the changed items in multiget batches; each batch is read in one transaction.
4. **Deleted on the server**: in batches, one transaction each.
5. **Local deletes**: ``DELETE If-Match``; a 412 (changed on the server meanwhile) brings
   the server's copy back: an edit beats a delete.
6. **Push** in batches, the requests of a batch in parallel: new items with
   ``If-None-Match: *`` (a retry after a lost reply meets a 412 and finds its own item:
   never a duplicate), changes with ``If-Match``; the outcomes of a batch are recorded in
   one transaction. A 412 fetches the server's copy, merges it (the adapter) and sends once
   more; a copy gone meanwhile goes up again as new. The first upload of many new items
   (``BULK_MIN``) into a collection the listing showed empty goes up in one request where
   the server can take a whole collection at once (Radicale; see ``push_bulk`` for why
   that is safe); elsewhere, or when it is refused, one by one as above.
7. **The sync token** is stored last, and only when the run was not cancelled and every
   change it covers was read.

The sync token, for every kind:

- Before the first upload that creates an item, the stored token is cleared: some servers
  (Xandikos) leave an item created after a token and deleted before the next sync out of
  that sync's delta, so a run that stops after creating (killed, failed) starts the next
  from a full listing, which sees every delete.
- At the end, after changes of its own, the run asks once more: when the only changes
  since are its own (their ETags are the ones it stored), the newer token is kept; else,
  after creating, none (a full listing next time), and otherwise the token of step 1.

An item counts as on the server only once the server confirmed it (``confirmed``): an
upload answered, or an item read from the server. One queued but never confirmed (a run
killed mid-upload) is neither "deleted on the server" nor deleted there by a local delete;
when its upload did arrive, the listing shows it and its record takes the listed ETag.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from favorbook.errors import SyncError
from favorbook.sync import store
from favorbook.sync.dav import (
    AuthFailed,
    NotSupported,
    PreconditionFailed,
    ServerFailed,
    TokenInvalid,
    Unreachable,
    norm_href,
    props_xml,
)

GUARD_SHARE = 0.2
GUARD_MIN = 5
"""A sync stops and asks before removing more than GUARD_SHARE (and more than GUARD_MIN)
of what it synced: contacts, tasks, or contacts deleted on the rep's other devices."""


def too_many_removed(count: int, total: int) -> bool:
    """Whether removing ``count`` of ``total`` synced items needs the rep's yes first."""
    return count > GUARD_MIN and count > GUARD_SHARE * total


PUSH_WORKERS = 4
"""Requests in flight at once while sending (servers take them in parallel)."""
BULK_MIN = 100
"""New items from which a first upload into an empty collection goes up in one request
(below it, one by one takes a few seconds at most)."""
BULK_MAX_BYTES = 25_000_000
"""At most this much in that one request (Radicale takes up to 100 MB, and parses it all in
memory); the rest one by one."""
BULK_SECONDS_PER_ITEM = 0.1
"""How long the server may take per item of that request (and of the listing after it),
on top of the client's timeout: it writes each item, and then its history, to disk."""
_SAFE_UID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]{0,200}")
"""UIDs that Radicale files under ``<uid><suffix>`` (so the address is known beforehand)."""


@dataclass
class Upload:
    """One item to send: ``text`` to ``href``, new (``create``) or over ``etag``."""

    href: str
    text: str
    item: store.SyncItem | None = None
    """Its record; None for an item favorbook has no record of yet (tasks)."""
    etag: str | None = None
    create: bool = False
    local: object = None
    """The adapter's own view of the item (tasks: the favorbook task)."""


@dataclass
class Listing:
    """What the server holds now, against what favorbook recorded."""

    present: dict[str, str]
    """{href: etag} listed (all of a full listing, else those changed since the token)."""
    fetch: list[str]
    """The hrefs to read: new, or with another ETag than the one recorded."""
    gone: list[store.SyncItem]
    """Confirmed items the server deleted."""
    synced: list[store.SyncItem]
    """Every item the server had confirmed."""
    token: str | None
    full: bool


class Adapter:
    """One kind of item. ``sync`` (the run) is set by ``CollectionSync``."""

    noun = "items"
    """In the progress texts: "Receiving contacts", "Sending tasks"."""
    data_kind = "contacts"
    """``DavClient.multiget``'s kind: "contacts" (address-data) or "tasks" (calendar-data)."""
    content_type = "text/vcard; charset=utf-8"
    pull_batch = 100
    push_batch = 100
    sync: CollectionSync

    # -- the run's parts, for the adapter's own use ----------------------------------

    @property
    def report(self):
        return self.sync.report

    @property
    def client(self):
        return self.sync.client

    @property
    def coll(self):
        return self.sync.coll

    def error(self, text: str) -> None:
        self.sync.report.errors.append(text)

    # -- hooks ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Before the listing."""

    def check(self, listing: Listing) -> None:
        """After the listing, before any change: raise to stop the run."""

    def begin(self, listing: Listing) -> None:
        """Right before the pull."""

    def pull(self, hrefs: list[str], fetched: dict[str, tuple[str, str]]) -> None:
        """Read a batch of the server's items (inside one transaction); ``fetched`` has
        (etag, text) of those of ``hrefs`` still there."""
        raise NotImplementedError

    def server_deleted(self, items: list[store.SyncItem]) -> None:
        """Items deleted on the server (inside one transaction)."""
        raise NotImplementedError

    def tombstones(self) -> list[store.SyncItem]:
        """Items to delete on the server."""
        raise NotImplementedError

    def revive(self, item: store.SyncItem, etag: str, text: str) -> Upload | None:
        """Deleted here, changed on the server (a DELETE met a 412): take the server's
        copy (inside a transaction); what to send back, if anything."""
        raise NotImplementedError

    def forget(self, item: store.SyncItem) -> None:
        """Drop the record of an item gone from the server."""
        store.drop(item)

    def finished(self) -> None:
        """After a run that was not cancelled and did not fail."""

    # -- where the records are kept (``sync_item``, unless the adapter says otherwise) --

    def items(self) -> list:
        """Every record of the collection: objects with ``href``, ``etag``, ``base_text``."""
        return store.items(self.coll)

    def unconfirmed_deletes(self) -> list:
        return store.unconfirmed_deletes(self.coll)

    def adopt(self, item, etag: str) -> None:
        """An upload of ours that the listing shows arrived: its ETag."""
        store.set_etag(item, etag)

    def save_token(self, token: str | None) -> None:
        store.set_token(self.coll, token)

    def etags(self) -> dict[str, str]:
        """{href: etag} of the records."""
        return store.etags(self.coll)

    # -- how the server is read (a sync-collection REPORT and multigets, by default) --

    def changes(self) -> tuple[dict[str, str | None], str | None, bool] | None:
        """The listing, when the adapter makes it itself (``CollectionSync.changes``'s
        shape); None for the sync-collection REPORT from the stored token."""
        return None

    def fetch(self, hrefs: list[str]) -> dict[str, tuple[str, str]]:
        """{href: (etag, text)} of ``hrefs`` still on the server."""
        return self.client.multiget(self.sync.url, hrefs, kind=self.data_kind)

    def outgoing(self) -> list:
        """What may go up, in the adapter's own terms (``to_send`` reads a batch of it)."""
        raise NotImplementedError

    def to_send(self, batch: list) -> list[Upload]:
        """The uploads of a batch of ``outgoing``; the unchanged ones are marked clean."""
        raise NotImplementedError

    def sent(self, upload: Upload, etag: str | None) -> None:
        """The server took ``upload`` (inside a transaction): record it as the new base."""
        store.confirm(upload.item, etag, upload.text)

    def recreate(self, upload: Upload) -> Upload:
        """The item was deleted on the server while it was being sent: an edit beats a
        delete, so it goes up again as new; the upload."""
        raise NotImplementedError

    def server_copy(self, upload: Upload, etag: str, text: str) -> Upload | None:
        """An upload met a 412: merge the server's copy (``etag``, ``text``); what to send
        over it (``If-Match: etag``), or None when nothing is left to send."""
        raise NotImplementedError

    # -- a first upload in one request (``CollectionSync.push_bulk``) ----------------------

    bulk_suffix = ""
    """How this kind's item addresses end (".vcf"); "" for a kind never sent in bulk."""

    def bulk_part(self, upload: Upload, uid: str) -> str | None:
        """What of ``upload`` goes into the one request (its text, or the component), or
        None when it must go up on its own (its UID is not ``uid``, more than one item)."""
        return None

    def bulk_body(self, parts: list[str]) -> bytes:
        """The one request's body: every part, as a whole collection."""
        raise NotImplementedError


def confirmed(item: store.SyncItem) -> bool:
    """Whether the server confirmed having this item: an upload answered (an ETag, or the
    text sent kept as the base when the server gave no ETag) or an item read from it."""
    return item.etag is not None or bool(item.base_text)


def _etag(item: store.SyncItem | None) -> str | None:
    return None if item is None else item.etag


def fatal(exc: SyncError) -> bool:
    """A failure that will hit every other request too (network, password, server down)."""
    return isinstance(exc, Unreachable | AuthFailed | ServerFailed)


@dataclass
class Source:
    """A collection whose records an adapter keeps in a table of its own (the inbox list, a
    meetings calendar): its address, and no sync token (each run lists it whole)."""

    url: str
    sync_token: str | None = None


@dataclass
class Tally:
    """What a run did, when it is not part of an account's sync (``engine.SyncReport``)."""

    pulled: int = 0
    pushed: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class CollectionSync:
    """One run over one collection (see the module docstring)."""

    adapter: Adapter
    account: object
    coll: store.SyncCollection
    client: object
    report: object
    on_progress: Callable[[int, int, str], None] | None = None
    on_cancelled: Callable[[], bool] | None = None
    done: int = 0
    total: int = 0
    created: int = 0
    """Uploads of new items sent by this run."""
    changed: int = 0
    """Changes of this run's own sent to the server (uploads and deletes)."""
    incomplete: bool = False
    """A change the listing covers was not read: the token is not kept."""
    token_base: str | None = None
    """The token the run's own changes are checked against at the end: the listing's, or
    the one read right after a whole-collection upload."""
    was_empty: bool = False
    """The listing was full and the server held nothing (and nothing was synced before)."""
    url: str = field(init=False)
    base: str = field(init=False)
    """The collection's path (unquoted, with a trailing slash): where new items go."""

    def __post_init__(self) -> None:
        self.adapter.sync = self
        self.url = self.coll.url if self.coll.url.endswith("/") else self.coll.url + "/"
        self.base = norm_href(self.url, self.url)

    # -- helpers ----------------------------------------------------------------------

    def progress(self, sending: bool, step: int = 0) -> None:
        self.done += step
        if self.on_progress is not None:
            verb = "Sending" if sending else "Receiving"
            self.on_progress(min(self.done, self.total), self.total, f"{verb} {self.adapter.noun}")

    def cancelled(self) -> bool:
        if self.on_cancelled is not None and self.on_cancelled():
            self.report.cancelled = True
            return True
        return False

    def error(self, text: str) -> None:
        self.report.errors.append(text)

    # -- the run ----------------------------------------------------------------------

    def run(self) -> None:
        ad = self.adapter
        ad.prepare()
        if ad.bulk_suffix:
            self.restore_props()
        listing = self.listing()
        self.token_base = listing.token
        self.was_empty = listing.full and not listing.present and not listing.synced
        ad.check(listing)
        self.adopt_uploads(listing)
        ad.begin(listing)
        self.total = len(listing.fetch) + len(listing.gone)
        self.progress(False)
        self.pull(listing.fetch)
        for step in (lambda: self.server_deleted(listing.gone), self.delete_on_server, self.push):
            if self.cancelled():
                return
            step()
        self.keep_token(self.token_base)
        if not self.report.cancelled:
            ad.finished()

    # -- 1. the listing ---------------------------------------------------------------

    def changes(self) -> tuple[dict[str, str | None], str | None, bool]:
        """{href: etag, None when deleted}, the new token, and whether that is everything
        there is (a full listing) rather than the changes since the stored token."""
        own = self.adapter.changes()
        if own is not None:
            return own
        token = self.coll.sync_token
        try:
            try:
                changes, new_token = self.client.sync_collection(self.url, token)
            except TokenInvalid:
                if not token:
                    raise NotSupported("no token support") from None
                self.set_token(None)  # the server forgot it: start over from everything
                token = None
                changes, new_token = self.client.sync_collection(self.url, None)
        except NotSupported:
            return dict(self.client.list_etags(self.url)), None, True
        return changes, new_token, token is None

    def listing(self) -> Listing:
        changes, token, full = self.changes()
        present = {h: e for h, e in changes.items() if e is not None}
        by_href = {i.href: i for i in self.adapter.items() if i.href}
        synced = {h: i for h, i in by_href.items() if confirmed(i)}
        if full:  # everything there is: what is not listed is gone
            deleted = set(synced) - set(present)
        else:
            deleted = {h for h, e in changes.items() if e is None} & set(synced)
        fetch = [h for h, e in present.items() if not e or _etag(by_href.get(h)) != e]
        gone = [synced[h] for h in sorted(deleted)]
        return Listing(present, sorted(fetch), gone, list(synced.values()), token, full)

    def adopt_uploads(self, listing: Listing) -> None:
        """Items deleted here before their upload was confirmed, whose upload did reach the
        server (the run was killed before the reply was recorded): the item at their
        address is ours, so it is deleted there too, not read back as new."""
        with store.atomic():
            for item in self.adapter.unconfirmed_deletes():
                etag = listing.present.get(item.href)
                if etag:
                    listing.fetch = [h for h in listing.fetch if h != item.href]
                    self.adapter.adopt(item, etag)

    # -- 3. pull ----------------------------------------------------------------------

    def pull(self, fetch: list[str]) -> None:
        size = self.adapter.pull_batch
        for start in range(0, len(fetch), size):
            if self.cancelled():
                return
            chunk = fetch[start : start + size]
            fetched = self.adapter.fetch(chunk)
            with store.atomic():
                self.adapter.pull(chunk, fetched)
            self.progress(False, len(chunk))

    # -- 4. deleted on the server -------------------------------------------------------

    def server_deleted(self, gone: list[store.SyncItem]) -> None:
        size = self.adapter.pull_batch
        for start in range(0, len(gone), size):
            if self.cancelled():
                return
            chunk = gone[start : start + size]
            with store.atomic():
                self.adapter.server_deleted(chunk)
            self.progress(False, len(chunk))

    # -- 5. local deletes ---------------------------------------------------------------

    def delete_on_server(self) -> None:
        tombstones = self.adapter.tombstones()
        self.total += len(tombstones)
        for item in tombstones:
            if self.cancelled():
                return
            if item.href and confirmed(item):
                try:
                    self.client.delete(item.href, item.etag)
                except PreconditionFailed:
                    self.revive(item)
                    continue
                self.report.deleted += 1
                self.changed += 1
            self.adapter.forget(item)
            self.progress(True, 1)

    def revive(self, item: store.SyncItem) -> None:
        """Deleted here, changed on the server: the change wins, the item comes back."""
        got = self.client.get(item.href)
        if got is None:
            self.adapter.forget(item)
            return
        with store.atomic():
            again = self.adapter.revive(item, *got)
        if again is not None:
            self.send_once(again)

    # -- 6. push ------------------------------------------------------------------------

    def push(self) -> None:
        todo = self.adapter.outgoing()
        self.total += len(todo)
        self.progress(True)
        size = self.adapter.push_batch
        first = 0
        if self.adapter.bulk_suffix and self.was_empty and len(todo) >= BULK_MIN:
            first = self.push_first(todo, size)
        for start in range(first, len(todo), size):
            if self.cancelled():
                return
            chunk = todo[start : start + size]
            self.send(self.adapter.to_send(chunk))
            self.progress(True, len(chunk))

    def push_first(self, todo: list, size: int) -> int:
        """The first upload into an empty collection: as many batches as fit go up in one
        request (``push_bulk``), what it did not take one by one; how many of ``todo``
        are done."""
        uploads: list[Upload] = []
        done = volume = 0
        while done < len(todo) and volume < BULK_MAX_BYTES:
            batch = self.adapter.to_send(todo[done : done + size])
            uploads += batch
            volume += sum(len(u.text) for u in batch)
            done += len(todo[done : done + size])
        rest = self.push_bulk(uploads)
        self.progress(True, done - len(rest))
        for start in range(0, len(rest), size):
            if self.cancelled():
                return len(todo)
            chunk = rest[start : start + size]
            self.send(chunk)
            self.progress(True, len(chunk))
        return done

    def bulk_parts(self, uploads: list[Upload]) -> tuple[list[Upload], list[str], list[Upload]]:
        """The uploads that may go up in one request, their parts, and the others: new
        items at ``<collection>/<uid><suffix>`` with a plain UID (the address the server
        gives them is then that one), each UID once."""
        suffix = self.adapter.bulk_suffix
        chosen, parts, rest, seen = [], [], [], set()
        for upload in uploads:
            name = posixpath.basename(upload.href)
            uid = name[: -len(suffix)] if name.endswith(suffix) else ""
            part = None
            if (
                upload.create
                and upload.href == self.base + name
                and _SAFE_UID.fullmatch(uid)
                and not uid.lower().endswith(suffix)
                and uid not in seen
            ):
                part = self.adapter.bulk_part(upload, uid)
            if part is None:
                rest.append(upload)
                continue
            seen.add(uid)
            chosen.append(upload)
            parts.append(part)
        return chosen, parts, rest

    def push_bulk(self, uploads: list[Upload]) -> list[Upload]:
        """Send new items into an empty collection in one request; what is left to send one
        by one (all of them when the server cannot, or the collection is not empty).

        Only on Radicale, whose PUT of a collection replaces it whole (items and
        properties): so only when one PROPFIND shows it holds nothing, and with that
        PROPFIND's collection ETag in ``If-Match`` (Radicale checks it under its write lock
        right before replacing). An item a phone adds meanwhile changes that ETag: the PUT
        meets a 412 and nothing is replaced; the items go up one by one (``If-None-Match``,
        never overwriting). The properties (name, color, description, which components a
        calendar takes) are kept here before the PUT and written back after it, also on
        the next sync when this one stops in between. Then one listing gives each item's
        ETag, and the sync token that the next sync starts from.
        """
        chosen, parts, rest = self.bulk_parts(uploads)
        if len(chosen) < BULK_MIN:
            return uploads
        try:
            state = self.client.collection_state(self.url)
        except SyncError as exc:
            if fatal(exc):
                raise
            return uploads
        if not state.radicale or state.members or not state.etag:
            return uploads
        body = self.adapter.bulk_body(parts)
        timeout = self.client.timeout + BULK_SECONDS_PER_ITEM * len(chosen)
        store.set_props_to_restore(self.coll, props_xml(state.props))
        self.before_sending(chosen)
        try:
            self.client.put_collection(
                self.url,
                body,
                etag=state.etag,
                content_type=self.adapter.content_type,
                timeout=timeout,
            )
        except SyncError as exc:
            if fatal(exc):
                raise  # it may have been done: the properties are written back next time
            store.set_props_to_restore(self.coll, None)  # refused (412 too): nothing done
            return uploads
        self.restore_props()
        return self.confirm_bulk(chosen, timeout) + rest

    def confirm_bulk(self, chosen: list[Upload], timeout: float) -> list[Upload]:
        """After the whole-collection PUT: one listing; every item listed at its address is
        confirmed with its ETag; those not listed go up one by one. Its token is where the
        next sync starts when the collection holds nothing but what was sent."""
        try:
            changes, token = self.client.sync_collection(self.url, None, timeout=timeout)
        except NotSupported:
            changes, token = dict(self.client.list_etags(self.url)), None
        left = []
        with store.atomic():
            for upload in chosen:
                etag = changes.get(upload.href)
                if etag:
                    self.adapter.sent(upload, etag)
                    self.report.pushed += 1
                else:
                    left.append(upload)
        ours = {u.href for u in chosen}
        if token and not left and all(h in ours and e for h, e in changes.items()):
            self.token_base = token
        return left

    def restore_props(self) -> None:
        """Write back the properties of a collection replaced whole (see ``push_bulk``)."""
        props = store.props_to_restore(self.coll)
        if props is None:
            return
        try:
            if props:
                self.client.proppatch(self.url, props)
        except SyncError as exc:
            if fatal(exc):
                raise
            self.error(str(exc))
        store.set_props_to_restore(self.coll, None)

    def before_sending(self, uploads: list[Upload]) -> None:
        created = sum(1 for u in uploads if u.create)
        if created and self.coll.sync_token is not None:
            self.set_token(None)  # see the module docstring: the token after creating
        self.created += created
        self.changed += len(uploads)

    def send(self, uploads: list[Upload]) -> None:
        """A batch: the requests in parallel, then each outcome recorded, in one transaction
        (what went up is recorded, whatever failed after it); then the 412s resolved."""
        self.before_sending(uploads)
        with ThreadPoolExecutor(PUSH_WORKERS) as pool:
            outcomes = list(pool.map(self.put, uploads))
        retry, failure = [], None
        with store.atomic():
            for upload, (status, value) in zip(uploads, outcomes, strict=True):
                if status == "ok":
                    self.adapter.sent(upload, value)
                    self.report.pushed += 1
                elif status == "412":
                    retry.append(upload)
                elif fatal(value):
                    failure = failure or value
                else:
                    self.error(str(value))
        if failure is not None:
            raise failure
        for upload in retry:
            self.resolve_412(upload)

    def put(self, upload: Upload) -> tuple[str, object]:
        """Send one item (network only, no database): ("ok", etag), ("412", None) or
        ("error", the SyncError)."""
        try:
            etag = self.client.put(
                upload.href,
                upload.text,
                etag=upload.etag,
                create=upload.create,
                content_type=self.adapter.content_type,
            )
        except PreconditionFailed:
            return "412", None
        except SyncError as exc:
            return "error", exc
        return "ok", etag

    def resolve_412(self, upload: Upload) -> None:
        """Changed on the server (or there already): fetch, merge, send once more."""
        got = self.client.get(upload.href)
        if got is None:
            again = self.adapter.recreate(upload)
        else:
            with store.atomic():
                again = self.adapter.server_copy(upload, *got)
        if again is not None:
            self.send_once(again)

    def send_once(self, upload: Upload) -> None:
        """One more upload, after a merge; a second 412 leaves it for the next sync."""
        self.before_sending([upload])
        status, value = self.put(upload)
        if status == "412":
            self.error(
                f"{upload.href} keeps changing on the server; it goes up with the next sync."
            )
            return
        if status == "error":
            raise value
        with store.atomic():
            self.adapter.sent(upload, value)
        self.report.pushed += 1

    # -- 7. the token -------------------------------------------------------------------

    def set_token(self, token: str | None) -> None:
        self.coll.sync_token = token
        self.adapter.save_token(token)

    def keep_token(self, token: str | None) -> None:
        if self.report.cancelled or self.incomplete:
            return
        if token is not None and self.changed:
            token = self.token_after_own_changes(token)
        self.set_token(token)

    def token_after_own_changes(self, token: str) -> str | None:
        """A token that includes what this run sent, when nothing else changed meanwhile.

        The token of the listing predates this run's own changes. So ask once more: if the
        only changes since are ours (their ETags are the ones recorded), the newer token is
        safe to keep; else, after creating, none (see the module docstring), else the old
        one, and the next sync looks at the rest.
        """
        fallback = None if self.created else token
        try:
            changes, newer = self.client.sync_collection(self.url, token)
        except SyncError:
            return fallback
        mine = self.adapter.etags()
        for href, etag in changes.items():
            if etag is None and href not in mine:
                continue  # our own DELETE
            if href not in mine or not etag or etag != mine[href]:
                return fallback
        return newer or fallback
