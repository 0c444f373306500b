"""Follow-ups and stay-in-touch dates, both ways, with the account's CalDAV tasks calendar.

The engine (``sync.engine.sync_account``) calls ``sync_tasks`` after the contacts. One run:

1. **Pull.** What changed on the server since the last run: the ``sync-collection`` REPORT
   with the collection's token, or a full ETag listing where the server has no tokens or
   forgot ours. Changed tasks are fetched (``calendar-multiget``) and merged field by field
   (title, due day, done) against the text last synced (``sync_item.base_text``): a field
   changed on the server is taken (the server wins where both sides changed it); a field
   changed here stays and goes up. Completing a follow-up's task on the phone completes the
   follow-up, moving its DUE reschedules it; completing a stay-in-touch task counts as a touch
   (a conversation is logged, which moves the contact's next stay-in-touch day). A task
   deleted on the server marks its follow-up done (nothing is destroyed) unless it was
   changed here since (an edit beats a delete: it goes up again). A follow-up task that
   another favorbook (a second laptop) put up for a contact we have becomes a follow-up here.
2. **Push.** New follow-ups and stay-in-touch days go up with ``If-None-Match: *`` at
   ``<calendar>/<uid>.ics`` (so a retry after a lost reply meets a 412, fetches the same task
   and stops: never a duplicate); changed ones with ``If-Match``; a 412 means fetch, merge and
   try once more. Deleted follow-ups (tombstones), archived contacts' tasks and dates that
   are no longer set are deleted on the server.

Every item is committed on its own, so a failure half-way (server down, 401, 5xx, timeout, a
cut reply) loses nothing and the next run picks up where this one stopped; the token is only
kept once every change it covers was applied.

Transport: the account's ``sync.dav.DavClient`` (``requests``), the same client as the
contacts. It sends bodies byte-exact and turns every failure into one SyncError that names the
account; see the module notes of ``sync.dav`` and the report of issue 9 for why not
``caldav``'s DAVClient.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from favorbook.errors import SyncError
from favorbook.sync import vtodo

log = logging.getLogger(__name__)

KIND = "tasks"
ICAL_TYPE = "text/calendar; charset=utf-8"
PUSH_BATCH = 50
PUSH_WORKERS = 4
"""Uploads in flight at once (servers take them in parallel)."""
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
) -> None:
    """Sync the account's tasks calendar both ways; counts go into ``report``.

    ``client_or_password``: the ``sync.dav.DavClient`` of the account, or its password.
    Raises SyncError when the server fails (what was done so far is kept).
    """
    if not account.calendar_url:
        return
    client = client_or_password
    if isinstance(client, str):
        from favorbook.sync.dav import DavClient

        client = DavClient(account.url, account.username, client, account=account.name)
    _TaskSync(account, client, report, progress, cancelled).run()


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


class _TaskSync:
    def __init__(self, account, client, report, progress, cancelled):
        from favorbook.db.models import SyncCollection, SyncItem

        self.account = account
        self.client = client
        self.report = report
        self.progress = progress
        self.cancelled = cancelled
        self.collection, _ = SyncCollection.get_or_create(
            account=account.id, kind=KIND, defaults={"url": account.calendar_url}
        )
        if self.collection.url != account.calendar_url:  # another calendar picked: start over
            SyncItem.delete().where(SyncItem.collection == self.collection.id).execute()
            self.collection.url = account.calendar_url
            self.collection.sync_token = None
            self.collection.save()
        self.url = (
            account.calendar_url
            if account.calendar_url.endswith("/")
            else (account.calendar_url + "/")
        )
        self.base_path = _path(self.url)
        items = list(SyncItem.select().where(SyncItem.collection == self.collection.id))
        self.by_uid = {i.uid: i for i in items}
        self.by_href = {i.href: i for i in items if i.href}
        self.locals = _local_tasks()
        self.handled: set[str] = set()
        self.step = 0
        self.total = 0
        self.pull_failed = False
        self.created = 0
        self.sent = 0

    # -- the run -----------------------------------------------------------------------

    def run(self) -> None:
        changed, gone, token = self._server_changes()
        self.total = len(changed) + len(gone) + len(self.locals) + len(self.by_uid)
        if self._stop():
            return
        hrefs = sorted(changed)
        for start in range(0, len(hrefs), 50):
            chunk = hrefs[start : start + 50]
            fetched = self.client.multiget(self.url, chunk, kind="tasks")
            for href in chunk:
                if href in fetched:
                    etag, text = fetched[href]
                    self._pulled(href, etag, _crlf(text))
                self._tick()
            if self._stop():
                return
        for href in sorted(gone):
            item = self.by_href.get(href)
            if item is not None:
                self._gone(item)
            self._tick()
            if self._stop():
                return
        self._push()
        if token is not None and not self.pull_failed and not self.report.cancelled:
            if self.created or self.sent:
                token = self._token_after_own_changes(token)
            self._set_token(token)
        if self.progress is not None:
            self.progress(max(self.total, 1), max(self.total, 1), "Tasks")

    def _token_after_own_changes(self, token: str) -> str | None:
        """A token that includes what this run sent, when nothing else changed meanwhile.

        The token of the pull predates our uploads, and some servers (Xandikos) leave an
        item created after a token and deleted before the next sync out of that sync's
        delta. So ask once more: if the only changes since are ours, the newer token is
        safe; else, after creating, none (a full listing next time sees every delete).
        """
        from favorbook.db.models import SyncItem

        fallback = None if self.created else token
        try:
            changes, newer = self.client.sync_collection(self.url, token)
        except SyncError:
            return fallback
        mine = {
            i.href: i.etag
            for i in SyncItem.select(SyncItem.href, SyncItem.etag).where(
                (SyncItem.collection == self.collection.id) & SyncItem.href.is_null(False)
            )
        }
        for href, etag in changes.items():
            if etag is None and href not in mine:
                continue  # our own DELETE
            if href not in mine or not etag or etag != mine[href]:
                return fallback
        return newer or fallback

    def _set_token(self, token: str | None) -> None:
        from favorbook.db.models import SyncCollection

        self.collection.sync_token = token
        self.collection.save(only=[SyncCollection.sync_token])

    def _stop(self) -> bool:
        if self.cancelled is not None and self.cancelled():
            self.report.cancelled = True
            return True
        return False

    def _tick(self) -> None:
        self.step += 1
        if self.progress is not None:
            self.progress(min(self.step, self.total), max(self.total, 1), "Tasks")

    def _server_changes(self) -> tuple[dict[str, str], set[str], str | None]:
        """({href: etag} changed or new, {href} deleted, new sync token or None)."""
        from favorbook.db.models import SyncCollection
        from favorbook.sync.dav import NotSupported, TokenInvalid

        token = self.collection.sync_token
        try:
            delta, new_token = self.client.sync_collection(self.url, token)
        except (TokenInvalid, NotSupported):
            delta, new_token = None, None
            if token:  # the token is no good: a full listing, and a new token next time
                self.collection.sync_token = None
                self.collection.save(only=[SyncCollection.sync_token])
        if delta is not None:
            changed = {h: e for h, e in delta.items() if e is not None}
            gone = {h for h, e in delta.items() if e is None}
            if not token:  # everything there is: what we know and is not listed is gone
                gone |= {h for h in self.by_href if h not in delta}
        else:
            listing = self.client.list_etags(self.url)
            changed = dict(listing)
            gone = {h for h in self.by_href if h not in listing}
        # Our own uploads come back in the delta; their ETag is the one we keep.
        changed = {
            h: e
            for h, e in changed.items()
            if not (h in self.by_href and e and self.by_href[h].etag == e)
        }
        return changed, gone, new_token

    # -- pull --------------------------------------------------------------------------

    def _pulled(self, href: str, etag: str, text: str) -> None:
        """A task that is new or changed on the server."""
        try:
            server = vtodo.from_ical(text)
        except ValueError:
            if vtodo.uid_of(text) is None and "BEGIN:VTODO" not in text.upper():
                return  # an event or journal in the same calendar: not ours
            self.report.errors.append(f"{href}: the task cannot be read; it was left as it is.")
            self.pull_failed = True
            return
        item = self.by_href.get(href) or self.by_uid.get(server.uid)
        local = self.locals.get(server.uid)
        if item is not None and item.deleted and local is None:
            # Deleted here, changed there: the edit wins; it comes back as new below.
            self._drop(item)
            item = None
        if item is None:
            if local is not None:
                self._adopt(href, etag, text, server, local)
            elif server.kind == vtodo.FOLLOWUP:
                self._create_followup(href, etag, text, server)
            return
        if local is None:
            # Gone here (archived contact, no stay-in-touch day any more): the push step
            # deletes it with the ETag we know, meets a 412 and takes the server's copy.
            return
        self.handled.add(item.uid)
        self._merge(item, local, href, etag, text, server)

    def _adopt(self, href, etag, text, server, local: _Local) -> None:
        """A task of ours on the server that we have no record of (a retry after a lost
        reply, or a second favorbook): take it as the base, then what we have goes up."""
        item = self._save_item(
            None,
            local,
            href=href,
            etag=etag,
            base_text=text,
            dirty=True,
        )
        self.handled.add(local.task.uid)
        # A stay-in-touch day is worked out on each computer from its own log: a second
        # favorbook does not overwrite the day already there until its own day moves.
        base = server
        if local.task.kind == vtodo.TOUCH:
            base = replace(local.task, summary=vtodo.summary_for(local.task, local.name))
        self._upload_if_needed(item, local, server, text, etag, base)

    def _create_followup(self, href, etag, text, server: vtodo.Task) -> None:
        """A follow-up another favorbook put up for a contact we have: make it here too."""
        from favorbook.db.models import Contact, FollowUp, db
        from favorbook.services import followups

        if not server.contact_uid or server.due is None:
            return
        contact = Contact.get_or_none(
            (Contact.uid == server.contact_uid) & Contact.archived_at.is_null()
        )
        if contact is None or FollowUp.select().where(FollowUp.uid == server.uid).exists():
            return
        title = server.title or "Follow up"
        with db.atomic():
            fid = followups.add_followup(contact.id, server.due, title)
            FollowUp.update(
                uid=server.uid, done_at=(server.done_at or _now()) if server.done else None
            ).where(FollowUp.id == fid).execute()
            local = _local_followups(FollowUp.id == fid)[server.uid]
            self.locals[server.uid] = local
            self._save_item(None, local, href=href, etag=etag, base_text=text, dirty=False)
        self.handled.add(server.uid)
        self.report.pulled += 1

    def _merge(self, item, local: _Local, href, etag, text, server: vtodo.Task) -> None:
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
        item = self._save_item(item, local, href=href, etag=etag, base_text=text, dirty=True)
        self._upload_if_needed(item, local, server, text, etag, base)

    def _apply(self, local: _Local, server: vtodo.Task, changes: dict) -> _Local:
        """Write the server's changes into favorbook; the local task as it is then."""
        from favorbook.db.models import FollowUp, db
        from favorbook.services import conversations, followups

        with db.atomic():
            if local.followup_id is not None:
                if changes.get("title"):
                    FollowUp.update(title=changes["title"][:500]).where(
                        FollowUp.id == local.followup_id
                    ).execute()
                if changes.get("due") is not None:
                    followups.reschedule(local.followup_id, changes["due"])
                if "done" in changes:
                    followups.complete(local.followup_id, bool(changes["done"]))
                    if changes["done"] and server.done_at is not None:
                        FollowUp.update(done_at=server.done_at).where(
                            FollowUp.id == local.followup_id
                        ).execute()
                fresh = _local_followups(FollowUp.id == local.followup_id)
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

    def _gone(self, item) -> None:
        """A task deleted on the server."""
        from favorbook.db.models import FollowUp, db

        local = self.locals.get(item.uid)
        if local is None:
            self.handled.add(item.uid)
            self._drop(item)
            return
        if (item.dirty or item.deleted) and _changed_here(item, local):
            # Changed here since: the edit wins, it goes up again as a new task (below).
            self._park(item, dirty=True)
            return
        self.handled.add(item.uid)
        with db.atomic():
            if local.followup_id is not None and not local.task.done:
                FollowUp.update(done_at=_now()).where(FollowUp.id == local.followup_id).execute()
                self.report.pulled += 1
            self._park(item, dirty=False)

    # -- push ------------------------------------------------------------------------

    def _push(self) -> None:
        deletes, sends = [], []
        for uid, item in list(self.by_uid.items()):
            if uid in self.handled:
                continue
            local = self.locals.get(uid)
            if local is None:
                deletes.append(item)
            elif item.deleted:  # deleted here and back (undo): linked again, sent if changed
                sends.append((local, item))
            elif item.href is None:
                if item.dirty:
                    sends.append((local, item))
            elif item.dirty:
                sends.append((local, item))
        sends += [
            (local, None)
            for uid, local in self.locals.items()
            if uid not in self.by_uid and uid not in self.handled
        ]
        for item in deletes:
            if self._stop():
                return
            self._delete_remote(item)
            self._tick()
        for start in range(0, len(sends), PUSH_BATCH):
            if self._stop():
                return
            self._send(sends[start : start + PUSH_BATCH])

    def _send(self, batch: list[tuple[_Local, object]]) -> None:
        """Upload a batch (the requests in parallel), then record each outcome here."""
        from concurrent.futures import ThreadPoolExecutor

        from favorbook.db.models import db

        jobs, unchanged = [], []
        for local, item in batch:
            if item is None or item.href is None:
                href = self.base_path + local.task.uid + ".ics"
                text = vtodo.to_ical(local.task, contact_name=local.name, contact_label=local.label)
                jobs.append((local, item, href, text, None, True))
            elif not _changed_here(item, local):
                unchanged.append((local, item))
            else:
                text = vtodo.to_ical(
                    local.task,
                    contact_name=local.name,
                    contact_label=local.label,
                    base=item.base_text,
                )
                jobs.append((local, item, item.href, text, item.etag, False))
        if unchanged:
            with db.atomic():
                for local, item in unchanged:
                    self._save_item(item, local, dirty=False)
        if any(job[5] for job in jobs) and self.collection.sync_token is not None:
            # Some servers (Xandikos) leave an item created after a token and deleted before
            # the next sync out of that sync's delta: after creating, start from a full
            # listing next time, so such a delete is seen.
            self._set_token(None)
        self.created += sum(1 for job in jobs if job[5])
        self.sent += len(jobs)
        with ThreadPoolExecutor(PUSH_WORKERS) as pool:
            outcomes = list(pool.map(self._put, jobs))
        fatal = None
        with db.atomic():  # what went up is recorded, whatever failed after it
            for job, (status, value) in zip(jobs, outcomes, strict=True):
                local, item, href, text, _etag, _new = job
                if status == "ok" and value:
                    self._save_item(item, local, href=href, etag=value, base_text=text, dirty=False)
                    self.report.pushed += 1
        for job, (status, value) in zip(jobs, outcomes, strict=True):
            local, item, href, text, _etag, new = job
            if status == "ok" and not value:  # no ETag in the reply: ask for it
                etag = (self.client.get(href) or ("", ""))[0]
                self._save_item(item, local, href=href, etag=etag, base_text=text, dirty=False)
                self.report.pushed += 1
            elif status == "412":
                if fatal is None:
                    self._conflicted(local, item, href, new)
            elif status == "error":
                if _fatal(value):
                    fatal = fatal or value
                else:
                    self.report.errors.append(str(value))
            self._tick()
        if fatal is not None:
            raise fatal

    def _put(self, job) -> tuple[str, object]:
        """One upload, network only (runs in a worker thread)."""
        from favorbook.sync.dav import PreconditionFailed

        _local, _item, href, text, etag, new = job
        try:
            got = self.client.put(href, text, etag=etag, create=new, content_type=ICAL_TYPE)
        except PreconditionFailed:
            return "412", None
        except SyncError as exc:
            return "error", exc
        return "ok", got

    def _conflicted(self, local: _Local, item, href: str, new: bool) -> None:
        """A 412: fetch the server's copy, merge, and try once more."""
        got = self.client.get(href)
        if got is None:
            if new:
                raise SyncError(
                    f"Account {self.account.name!r}: {href} is both there and not there; "
                    "sync again."
                )
            # Deleted there meanwhile: an edit wins, up it goes again.
            self._park(item, dirty=True)
            self._send([(local, item)])
            return
        etag, server_text = got
        server_text = _crlf(server_text)
        if new:
            # There already: our own upload whose reply was lost, or another favorbook's.
            if item is not None:
                self._drop(item)
            self._pulled(href, etag, server_text)
            return
        try:
            server = vtodo.from_ical(server_text)
        except ValueError:
            self.report.errors.append(f"{href}: the task on the server cannot be read.")
            return
        self._merge(item, local, href, etag, server_text, server)

    def _upload_if_needed(
        self, item, local: _Local, server: vtodo.Task, text: str, etag, base: vtodo.Task
    ) -> None:
        """After a merge: send what changed here and the server's copy lacks."""
        from favorbook.sync.dav import PreconditionFailed

        if not _needs_upload(base, local, server):
            self._save_item(item, local, dirty=False)
            return
        new_text = vtodo.to_ical(
            local.task, contact_name=local.name, contact_label=local.label, base=text
        )
        self.sent += 1
        try:
            new_etag = self.client.put(item.href, new_text, etag=etag, content_type=ICAL_TYPE)
        except PreconditionFailed:
            # Changed again meanwhile: it stays dirty and is merged next time.
            self.report.errors.append(
                f"{item.href}: the task changed on the server while it was merged; "
                "it is merged again next sync."
            )
            return
        if not new_etag:
            new_etag = (self.client.get(item.href) or ("", ""))[0]
        self._save_item(item, local, etag=new_etag, base_text=new_text, dirty=False)
        self.report.pushed += 1

    def _delete_remote(self, item) -> None:
        from favorbook.sync.dav import PreconditionFailed

        if item.href:
            try:
                self.client.delete(item.href, item.etag)
            except PreconditionFailed:
                # Changed on the server since: an edit beats a delete. Forget our record and
                # take the server's copy as new (a follow-up comes back if its contact is here).
                href = item.href
                self._drop(item)
                got = self.client.get(href)
                if got is not None:
                    self._pulled(href, got[0], _crlf(got[1]))
                return
            self.report.deleted += 1
            self.sent += 1
        self._drop(item)

    # -- bookkeeping -----------------------------------------------------------------

    def _save_item(self, item, local: _Local, **values):
        from favorbook.db.models import SyncItem

        if item is None:
            item = SyncItem(collection=self.collection.id, uid=local.task.uid)
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
        if item.id is not None:
            item.delete_instance()


# -- favorbook's side --------------------------------------------------------------------


def _local_tasks() -> dict[str, _Local]:
    """Every task that should be on the server: follow-ups (open and done) and the next
    stay-in-touch day of each contact that has one; archived contacts' are left out."""
    from favorbook.db.models import Contact

    out = _local_followups(Contact.archived_at.is_null())
    out.update(_local_touches(None))
    return out


def _label(name: str, title: str, org: str) -> str:
    role = ", ".join(p for p in (title, org) if p)
    return f"{name} ({role})" if role else name


def _local_followups(where) -> dict[str, _Local]:
    from peewee import JOIN

    from favorbook.db.models import Contact, FollowUp, Organization

    query = (
        FollowUp.select(
            FollowUp.id,
            FollowUp.uid,
            FollowUp.title,
            FollowUp.due_on,
            FollowUp.done_at,
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.title,
            Organization.name,
        )
        .join(Contact, on=(FollowUp.contact == Contact.id))
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(where & Contact.archived_at.is_null())
        .tuples()
    )
    out = {}
    for fid, uid, title, due, done_at, cid, cuid, name, ctitle, org in query:
        task = vtodo.followup_task(uid, title, _date(due), _datetime(done_at), cuid)
        out[uid] = _Local(task, name, _label(name, ctitle, org or ""), fid, cid)
    return out


def _local_touches(contact_ids: list[int] | None) -> dict[str, _Local]:
    from peewee import JOIN

    from favorbook.db.models import Contact, Organization

    query = (
        Contact.select(
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.title,
            Contact.touch_due_on,
            Organization.name,
        )
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.archived_at.is_null() & Contact.touch_due_on.is_null(False))
    )
    if contact_ids is not None:
        query = query.where(Contact.id.in_(contact_ids))
    out = {}
    for cid, cuid, name, ctitle, due, org in query.tuples():
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


def _fatal(exc: SyncError) -> bool:
    """A failure every other request would meet too (network, password, server down)."""
    from favorbook.sync.dav import AuthFailed, ServerFailed, Unreachable

    return isinstance(exc, Unreachable | AuthFailed | ServerFailed)


def _parse_or(text: str, default):
    if not text:
        return default
    try:
        return vtodo.from_ical(text)
    except ValueError:
        return default


def _path(url: str) -> str:
    from urllib.parse import unquote

    return unquote(urlsplit(url).path)


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
