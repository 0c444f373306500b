"""Follow-ups and stay-in-touch dates, both ways, with the account's CalDAV tasks calendar:
the tasks of ``sync.collection``.

The engine (``sync.engine.sync_account``) calls ``sync_tasks`` after the contacts. The
collection engine lists, fetches, pushes and keeps the sync token; this module says what a
task means here:

- **Pull.** Changed tasks are merged field by field (title, due day, done) against the text
  last synced (``sync_item.base_text``): a field changed on the server is taken (the server
  wins where both sides changed it); a field changed here stays and goes up. Completing a
  follow-up's task on the phone completes the follow-up, moving its DUE reschedules it;
  completing a stay-in-touch task counts as a touch (a conversation is logged, which moves
  the contact's next stay-in-touch day). A task deleted on the server marks its follow-up
  done (nothing is destroyed) unless it was changed here since (an edit beats a delete: it
  goes up again). A follow-up task that another favorbook (a second laptop) put up for a
  contact we have becomes a follow-up here. A task that cannot be read keeps the sync token
  where it was, so it is read again next time.
- **Push.** New follow-ups and stay-in-touch days go up at ``<calendar>/<uid>.ics``, changed
  ones over their ETag; a 412 merges the server's copy and sends the result. Deleted
  follow-ups (tombstones), archived contacts' tasks and dates that are no longer set are
  deleted on the server.

Transport: the account's ``sync.dav.DavClient`` (``requests``), the same client as the
contacts. It sends bodies byte-exact and turns every failure into one SyncError that names the
account; see the module notes of ``sync.dav`` and the report of issue 9 for why not
``caldav``'s DAVClient.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from favorbook.sync import store, vtodo
from favorbook.sync.collection import Adapter, CollectionSync, Upload, too_many_removed

log = logging.getLogger(__name__)

KIND = "tasks"
ICAL_TYPE = "text/calendar; charset=utf-8"
PULL_BATCH = 50
PUSH_BATCH = 50
TOUCHED_SUMMARY = "Stay in touch: ticked off on another device"


@dataclass
class _Local:
    """A task as favorbook has it now."""

    task: vtodo.Task
    name: str
    label: str
    followup_id: int | None
    contact_id: int


def sync_tasks(
    account,
    client_or_password,
    report,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    allow_mass_delete: bool = False,
) -> None:
    """Sync the account's tasks calendar both ways; counts go into ``report``.

    ``client_or_password``: the ``sync.dav.DavClient`` of the account, or its password.
    Raises SyncError when the server fails (what was done so far is kept), and
    SyncGuardTripped (reason "tasks", before any change to the follow-ups) when more than
    a fifth (and more than 5) of the synced tasks are gone from the server, unless
    ``allow_mass_delete``: a calendar emptied or replaced on the server would otherwise
    mark every follow-up done here.
    """
    if not account.calendar_url:
        return
    client = client_or_password
    if isinstance(client, str):
        from favorbook.sync.dav import DavClient

        client = DavClient(account.url, account.username, client, account=account.name)
    coll = _collection(account)
    adapter = Tasks(allow_mass_delete)
    CollectionSync(adapter, account, coll, client, report, progress, cancelled).run()


def _collection(account):
    """The tasks collection of the account; another calendar picked: started over."""
    return store.collection_at(account, KIND, account.calendar_url)


def _key(task: vtodo.Task, summary: str) -> tuple:
    """What must match between favorbook and the server for a task to need no upload."""
    return (task.title, task.due, task.done, task.contact_uid, summary)


def _needs_upload(base: vtodo.Task, local: _Local, server: vtodo.Task) -> bool:
    """Whether favorbook has a value the server lacks that changed here since ``base``.

    A value changed only on the server is not sent back (it was taken, or, for the due day
    of a stay-in-touch task, favorbook works its own out and sends it when it moves here).
    """
    mine = _key(local.task, vtodo.summary_for(local.task, local.name))
    theirs = _key(server, server.summary)
    before = _key(base, base.summary)
    return any(m != t and m != b for m, t, b in zip(mine, theirs, before, strict=True))


class Tasks(Adapter):
    noun = "tasks"
    data_kind = "tasks"
    content_type = ICAL_TYPE

    def __init__(self, allow_mass_delete: bool = False):
        self.allow_mass_delete = allow_mass_delete
        self.by_uid: dict[str, store.SyncItem] = {}
        self.by_href: dict[str, store.SyncItem] = {}
        self.locals: dict[str, _Local] = {}

    @property
    def pull_batch(self) -> int:
        return PULL_BATCH

    @property
    def push_batch(self) -> int:
        return PUSH_BATCH

    def check(self, listing) -> None:
        """Stop before any change when the server lost many of the synced tasks at once."""
        from favorbook.errors import SyncGuardTripped

        total, count = len(listing.synced), len(listing.gone)
        if self.allow_mass_delete or not too_many_removed(count, total):
            return
        raise SyncGuardTripped(
            f"The tasks calendar of account {self.sync.account.name!r} no longer holds "
            f"{count} of the {total} tasks synced with it; syncing would mark their "
            "follow-ups done. The follow-ups were not changed. If the tasks were removed "
            "on purpose, sync again and allow it; else check the server.",
            reason="tasks",
            count=count,
            total=total,
        )

    def begin(self, listing) -> None:
        items = store.items(self.coll)
        self.by_uid = {i.uid: i for i in items}
        self.by_href = {i.href: i for i in items if i.href}
        self.locals = _local_tasks()

    # -- pull --------------------------------------------------------------------------

    def pull(self, hrefs: list[str], fetched: dict[str, tuple[str, str]]) -> None:
        for href in hrefs:
            if href in fetched:
                etag, text = fetched[href]
                self._pulled(href, etag, _crlf(text))

    def _pulled(self, href: str, etag: str, text: str) -> Upload | None:
        """A task that is new or changed on the server; what must go up (it is dirty)."""
        try:
            server = vtodo.from_ical(text)
        except ValueError:
            if vtodo.uid_of(text) is None and "BEGIN:VTODO" not in text.upper():
                return None  # an event or journal in the same calendar: not ours
            self.error(f"{href}: the task cannot be read; it was left as it is.")
            self.sync.incomplete = True
            return None
        item = self.by_href.get(href) or self.by_uid.get(server.uid)
        local = self.locals.get(server.uid)
        if item is not None and item.deleted and local is None:
            # Deleted here, changed there: the edit wins; it comes back as new below.
            self._drop(item)
            item = None
        if item is None:
            if local is not None:
                return self._adopt(href, etag, text, server, local)
            if server.kind == vtodo.FOLLOWUP:
                self._create_followup(href, etag, text, server)
            return None
        if local is None:
            # Gone here (archived contact, no stay-in-touch day any more): the local
            # deletes delete it with the ETag we know, meet a 412 and take the server's copy.
            return None
        return self._merge(item, local, href, etag, text, server)

    def _adopt(self, href, etag, text, server, local: _Local) -> Upload | None:
        """A task of ours on the server that we have no record of (a retry after a lost
        reply, or a second favorbook): take it as the base, then what we have goes up."""
        # A stay-in-touch day is worked out on each computer from its own log: a second
        # favorbook does not overwrite the day already there until its own day moves.
        base = server
        if local.task.kind == vtodo.TOUCH:
            base = replace(local.task, summary=vtodo.summary_for(local.task, local.name))
        return self._settle(None, local, href, etag, text, server, base)

    def _create_followup(self, href, etag, text, server: vtodo.Task) -> None:
        """A follow-up another favorbook put up for a contact we have: make it here too."""
        from favorbook.services import followups
        from favorbook.sync.vault import regid

        if not server.contact_uid or server.due is None:
            return
        contact_id = store.active_contact_id(server.contact_uid)
        if contact_id is None or store.followup_uid_taken(server.uid):
            return
        title = server.title or "Follow up"
        with store.atomic():
            fid = followups.add_followup(contact_id, server.due, title)
            done_at = (server.done_at or _now()) if server.done else None
            store.update_followup(fid, uid=server.uid, done_at=done_at)
            regid.follow_uid(fid, server.uid, "followup")  # another device's same task meets it
            local = _local_followups(fid)[server.uid]
            self.locals[server.uid] = local
            self._save_item(None, local, href=href, etag=etag, base_text=text, dirty=False)
        self.report.pulled += 1

    def _merge(self, item, local: _Local, href, etag, text, server: vtodo.Task) -> Upload | None:
        """Three-way: what changed on the server is taken, what changed here stays."""
        base = _parse_or(item.base_text, server)
        changes = {
            name: value
            for name, value in server.fields().items()
            if base.fields()[name] != value and local.task.fields()[name] != value
        }
        if changes:
            local = self._apply(local, server, changes)
            self.report.pulled += 1
        return self._settle(item, local, href, etag, text, server, base)

    def _settle(self, item, local: _Local, href, etag, text, server, base) -> Upload | None:
        """The server's copy becomes the base; favorbook's values the server lacks that
        changed here since ``base`` go up (the item stays dirty until they did)."""
        need = _needs_upload(base, local, server)
        item = self._save_item(item, local, href=href, etag=etag, base_text=text, dirty=need)
        if not need:
            return None
        new_text = vtodo.to_ical(
            local.task, contact_name=local.name, contact_label=local.label, base=text
        )
        return Upload(href, new_text, item, etag=etag, local=local)

    def _apply(self, local: _Local, server: vtodo.Task, changes: dict) -> _Local:
        """Write the server's changes into favorbook; the local task as it is then."""
        from favorbook.services import conversations, followups

        with store.atomic():
            if local.followup_id is not None:
                if changes.get("title"):
                    store.update_followup(local.followup_id, title=changes["title"][:500])
                if changes.get("due") is not None:
                    followups.reschedule(local.followup_id, changes["due"])
                if "done" in changes:
                    followups.complete(local.followup_id, bool(changes["done"]))
                    if changes["done"] and server.done_at is not None:
                        store.update_followup(local.followup_id, done_at=server.done_at)
                fresh = _local_followups(local.followup_id)
            else:
                if changes.get("done"):
                    conversations.log_conversation(
                        local.contact_id, "outbound", TOUCHED_SUMMARY, channel="other"
                    )
                # A due day moved on the phone is not taken: favorbook works it out from
                # the conversation log and the contact's cadence.
                fresh = _local_touches([local.contact_id])
        new = fresh.get(local.task.uid)
        if new is None:  # the date is gone (no cadence): the push step deletes the task
            self.locals.pop(local.task.uid, None)
            return local
        self.locals[local.task.uid] = new
        return new

    # -- deleted on the server ---------------------------------------------------------

    def server_deleted(self, items: list[store.SyncItem]) -> None:
        for gone in items:
            item = self.by_href.get(gone.href)
            if item is not None:
                self._gone(item)

    def _gone(self, item) -> None:
        """A task deleted on the server."""
        local = self.locals.get(item.uid)
        if local is None:
            self._drop(item)
            return
        if (item.dirty or item.deleted) and _changed_here(item, local):
            # Changed here since: the edit wins, it goes up again as a new task.
            self._park(item, dirty=True)
            return
        if local.followup_id is not None and not local.task.done:
            store.update_followup(local.followup_id, done_at=_now())
            self.report.pulled += 1
        self._park(item, dirty=False)

    # -- local deletes -----------------------------------------------------------------

    def tombstones(self) -> list[store.SyncItem]:
        """Deleted follow-ups, archived contacts' tasks, dates no longer set."""
        return [item for uid, item in self.by_uid.items() if uid not in self.locals]

    def forget(self, item) -> None:
        self._drop(item)

    def revive(self, item, etag: str, text: str) -> Upload | None:
        """Changed on the server since: an edit beats a delete. Our record goes; the
        server's copy is taken as new (a follow-up comes back if its contact is here)."""
        href = item.href
        self._drop(item)
        return self._pulled(href, etag, _crlf(text))

    # -- push ------------------------------------------------------------------------

    def outgoing(self) -> list[tuple[_Local, object]]:
        sends = [
            (self.locals[uid], item)
            for uid, item in self.by_uid.items()
            # deleted here and back (undo): linked again, sent if changed
            if uid in self.locals and (item.dirty or item.deleted)
        ]
        sends += [(local, None) for uid, local in self.locals.items() if uid not in self.by_uid]
        return sends

    def to_send(self, batch: list[tuple[_Local, object]]) -> list[Upload]:
        uploads, unchanged = [], []
        for local, item in batch:
            if item is None or item.href is None:
                uploads.append(self._new(local, item))
            elif not _changed_here(item, local):
                unchanged.append((local, item))
            else:
                text = vtodo.to_ical(
                    local.task,
                    contact_name=local.name,
                    contact_label=local.label,
                    base=item.base_text,
                )
                uploads.append(Upload(item.href, text, item, etag=item.etag, local=local))
        with store.atomic():
            for local, item in unchanged:
                self._save_item(item, local, dirty=False)
        return uploads

    def _new(self, local: _Local, item) -> Upload:
        text = vtodo.to_ical(local.task, contact_name=local.name, contact_label=local.label)
        href = self.sync.base + local.task.uid + ".ics"
        return Upload(href, text, item, create=True, local=local)

    def sent(self, upload: Upload, etag: str | None) -> None:
        values = {"href": upload.href, "etag": etag, "base_text": upload.text}
        self._save_item(upload.item, upload.local, dirty=False, **values)

    # -- a first upload in one request --------------------------------------------------

    bulk_suffix = ".ics"

    def bulk_part(self, upload: Upload, uid: str) -> str | None:
        """The VTODO of the upload, when it holds one VTODO with that UID and nothing else
        (no time zone: the server files the components of one request by their UID)."""
        match = _ONE_VTODO.fullmatch(upload.text)
        if match is None or _uid_line(match.group("todo")) != uid:
            return None
        return match.group("todo")

    def bulk_body(self, parts: list[str]) -> bytes:
        """One calendar with every VTODO."""
        head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{vtodo.PRODID}\r\n"
        return (head + "".join(parts) + "END:VCALENDAR\r\n").encode("utf-8")

    def recreate(self, upload: Upload) -> Upload:
        """Deleted on the server meanwhile: an edit beats a delete, up it goes again."""
        if upload.item is not None:
            self._park(upload.item, dirty=True)
        return self._new(upload.local, upload.item)

    def server_copy(self, upload: Upload, etag: str, text: str) -> Upload | None:
        text = _crlf(text)
        if upload.create:
            # There already: our own upload whose reply was lost, or another favorbook's.
            if upload.item is not None:
                self._drop(upload.item)
            return self._pulled(upload.href, etag, text)
        try:
            server = vtodo.from_ical(text)
        except ValueError:
            self.error(f"{upload.href}: the task on the server cannot be read.")
            return None
        return self._merge(upload.item, upload.local, upload.href, etag, text, server)

    # -- bookkeeping -----------------------------------------------------------------

    def _save_item(self, item, local: _Local, **values):
        if item is None:
            item = store.SyncItem(collection=self.coll.id, uid=local.task.uid)
        old_href = item.href
        item.followup = local.followup_id
        item.contact = local.contact_id if local.followup_id is None else None
        item.deleted = False
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        if old_href and old_href != item.href and self.by_href.get(old_href) is item:
            del self.by_href[old_href]
        self.by_uid[item.uid] = item
        if item.href:
            self.by_href[item.href] = item
        return item

    def _park(self, item, *, dirty: bool) -> None:
        """Deleted on the server: remembered without href, uploaded again only if changed."""
        if item.href in self.by_href:
            del self.by_href[item.href]
        item.href = None
        item.etag = None
        item.base_text = ""
        item.dirty = dirty
        item.save()

    def _drop(self, item) -> None:
        if item.href in self.by_href:
            del self.by_href[item.href]
        self.by_uid.pop(item.uid, None)
        store.drop(item)


# -- favorbook's side --------------------------------------------------------------------


def _local_tasks() -> dict[str, _Local]:
    """Every task that should be on the server: follow-ups (open and done) and the next
    stay-in-touch day of each contact that has one; archived contacts' are left out."""
    out = _local_followups()
    out.update(_local_touches(None))
    return out


def _label(name: str, title: str, org: str) -> str:
    role = ", ".join(p for p in (title, org) if p)
    return f"{name} ({role})" if role else name


def _local_followups(followup_id: int | None = None) -> dict[str, _Local]:
    out = {}
    for fid, uid, title, due, done_at, cid, cuid, name, ctitle, org in store.followup_rows(
        followup_id
    ):
        task = vtodo.followup_task(uid, title, _date(due), _datetime(done_at), cuid)
        out[uid] = _Local(task, name, _label(name, ctitle, org or ""), fid, cid)
    return out


def _local_touches(contact_ids: list[int] | None) -> dict[str, _Local]:
    out = {}
    for cid, cuid, name, ctitle, due, org in store.touch_rows(contact_ids):
        task = vtodo.touch_task(cuid, _date(due))
        out[task.uid] = _Local(task, name, _label(name, ctitle, org or ""), None, cid)
    return out


def _changed_here(item, local: _Local) -> bool:
    """Whether favorbook's task differs from the text last synced."""
    if not item.base_text:
        return True
    base = _parse_or(item.base_text, None)
    if base is None:
        return True
    summary = vtodo.summary_for(local.task, local.name)
    return _key(local.task, summary) != _key(base, base.summary)


def _parse_or(text: str, default):
    if not text:
        return default
    try:
        return vtodo.from_ical(text)
    except ValueError:
        return default


_ONE_VTODO = re.compile(
    r"BEGIN:VCALENDAR\r\n(?:(?!BEGIN:)[^\r\n]*\r\n)*?"
    r"(?P<todo>BEGIN:VTODO\r\n(?:(?!BEGIN:VTODO|BEGIN:VCALENDAR|END:VTODO)[^\r\n]*\r\n)*"
    r"END:VTODO\r\n)"
    r"(?:(?!BEGIN:)[^\r\n]*\r\n)*?END:VCALENDAR\r\n"
)
"""A calendar text holding exactly one VTODO (its alarms inside it) and no other component."""


def _uid_line(todo: str) -> str | None:
    """The UID of a VTODO's text, when its line is plain (not folded, no parameters)."""
    found = re.findall(r"(?m)^UID:([^\r\n]*)\r\n(?![ \t])", todo)
    return found[0] if len(found) == 1 else None


def _crlf(text: str) -> str:
    """Line ends as iCalendar has them (CRLF), whatever the transport did to them."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _now() -> dt.datetime:
    from favorbook.services._common import utc_now

    return utc_now()
