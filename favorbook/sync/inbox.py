"""Capture from the phone: the "favorbook inbox" task list on the sync account.

The rep turns it on once (``enable_inbox``): favorbook creates a VTODO calendar
named "favorbook inbox" on the account (or takes the one already there). On the
phone the rep writes tasks into it with any CalDAV app. Every sync
(``sync_inbox``) runs the list through the collection engine (``sync.collection``)
with the ``Inbox`` adapter: each task not seen before becomes a waiting capture,
once per UID and account, so nothing is ever imported twice (completed or cancelled
tasks are left alone); then the captures the rep accepted or dismissed since go up
marked COMPLETED (never deleted: the phone keeps its history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from favorbook.errors import NotFoundError, SyncError, ValidationError
from favorbook.services import captures
from favorbook.services._common import utc_now
from favorbook.services.dates import local_datetime_text
from favorbook.sync import accounts, store
from favorbook.sync.collection import Adapter, CollectionSync, Source, Upload
from favorbook.sync.dav import ICAL_TYPE
from favorbook.sync.store import AccountCalendar, InboxCapture, SyncAccount

INBOX_NAME = "favorbook inbox"
INBOX = "inbox"
MAX_CAPTURE_CHARS = 20_000


@dataclass
class CaptureView:
    id: int
    uid: str
    text: str
    captured_at: dt.datetime
    suggestion: captures.Suggestion

    @property
    def when_text(self) -> str:
        return local_datetime_text(self.captured_at)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uid": self.uid,
            "captured_at": self.captured_at.replace(tzinfo=dt.UTC).isoformat(),
            "text": self.text,
            "suggestion": self.suggestion.as_json(),
        }


def inbox_calendar(row: SyncAccount) -> AccountCalendar | None:
    found = store.calendars(row.id, INBOX)
    return found[0] if found else None


def is_enabled(account: str | None = None) -> bool:
    try:
        return inbox_calendar(accounts.the_account(account)) is not None
    except (NotFoundError, ValidationError):
        return False


def enable_inbox(account: str | None = None, *, client=None) -> str:
    """Turn capture on: the account's "favorbook inbox" list (created when missing); its URL."""
    from urllib.parse import urljoin

    from favorbook.sync.discovery import calendar_home, list_collections

    row = accounts.the_account(account)
    have = inbox_calendar(row)
    if have is not None:
        return have.url
    own = client is None
    client = client or accounts.client_for(row)
    try:
        home = calendar_home(client, row.url)
        if home is None:
            raise SyncError(
                f"Account {row.name!r}: the server offers no calendar home; favorbook cannot "
                "create the inbox list there."
            )
        found = [c for c in list_collections(client, home, "tasks") if c.name == INBOX_NAME]
        if found:
            url = found[0].url
        else:
            home = home if home.endswith("/") else home + "/"
            url = client.mkcol(
                urljoin(client.absolute(home), "favorbook-inbox/"), INBOX_NAME, "tasks"
            )
    finally:
        if own:
            client.close()
    store.add_calendar(row.id, INBOX, url, INBOX_NAME)
    return url


def disable_inbox(account: str | None = None) -> None:
    """Stop fetching the inbox (the list on the server and the captures stay)."""
    row = accounts.the_account(account)
    store.remove_calendars(row.id, INBOX)


def _todo(text: str):
    from favorbook.formats.meetings import parse_calendar

    cal = parse_calendar(text, "a capture")
    for comp in cal.walk("VTODO"):
        return comp
    for comp in cal.walk("VJOURNAL"):
        return comp
    return None


def _capture_text(todo) -> str:
    summary = str(todo.get("SUMMARY", "") or "").strip()
    body = str(todo.get("DESCRIPTION", "") or "").strip()
    if body and body != summary:
        return f"{summary}\n{body}".strip()
    return summary


def _when(todo) -> dt.datetime:
    for name in ("CREATED", "DTSTAMP", "LAST-MODIFIED", "DTSTART"):
        prop = todo.get(name)
        value = getattr(prop, "dt", None)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.astimezone()
            return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    return utc_now()


def _completed(text: str) -> str:
    """The task marked COMPLETED (100 %), the rest of the text as it was."""
    import icalendar

    from favorbook.formats.meetings import parse_calendar

    cal = parse_calendar(text, "a capture")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for todo in list(cal.walk("VTODO")):
        for name in ("STATUS", "COMPLETED", "PERCENT-COMPLETE", "LAST-MODIFIED", "DTSTAMP"):
            todo.pop(name, None)
        todo.add("status", "COMPLETED")
        todo.add("completed", now)
        todo.add("percent-complete", 100)
        todo.add("last-modified", now)
        todo.add("dtstamp", now)
    for journal in list(cal.walk("VJOURNAL")):
        journal.pop("STATUS", None)
        journal.add("status", "FINAL")
    return cal.to_ical().decode("utf-8") if isinstance(cal, icalendar.Calendar) else text


@dataclass
class _Record:
    """A capture as the collection engine sees it: confirmed while the server lists it."""

    id: int
    href: str
    etag: str
    base_text: str = ""


class Inbox(Adapter):
    """The inbox list on the collection engine: new tasks become captures (once per UID),
    decided captures go up marked COMPLETED (``If-Match``; a 412 reads the phone's newer
    copy and marks that one), and nothing is ever created or deleted on the server."""

    noun = "captures"
    data_kind = "tasks"
    content_type = ICAL_TYPE

    def __init__(self, row: SyncAccount) -> None:
        self.row = row
        self.known: dict[str, int] = {}

    # -- records: the account's captures ------------------------------------------------

    def items(self) -> list[_Record]:
        return [_Record(c.id, c.href, c.etag) for c in store.captures(self.row.id) if c.etag]

    def unconfirmed_deletes(self) -> list:
        return []

    def save_token(self, token: str | None) -> None:
        return None  # each run lists the list whole

    def etags(self) -> dict[str, str]:
        return {i.href: i.etag for i in self.items()}

    # -- down ------------------------------------------------------------------------

    def begin(self, listing) -> None:
        self.known = store.captures_known(self.row.id)

    def pull(self, hrefs: list[str], fetched: dict[str, tuple[str, str]]) -> None:
        for href in hrefs:
            if href in fetched:
                self._read(href, *fetched[href])

    def _read(self, href: str, etag: str, text: str) -> None:
        try:
            todo = _todo(text)
        except ValidationError as exc:
            self.error(f"Inbox: {href} cannot be read ({exc.message}); left on the server")
            return
        if todo is None:
            return
        uid = str(todo.get("UID", "") or "") or href
        if uid in self.known:
            store.update_capture(self.known[uid], href=href, etag=etag, raw=text)
            return
        status = str(todo.get("STATUS", "") or "").upper()
        if status in ("COMPLETED", "CANCELLED") or todo.get("COMPLETED") is not None:
            return  # done on the phone: nothing waits
        body = _capture_text(todo)
        if len(body) > MAX_CAPTURE_CHARS:
            body = body[:MAX_CAPTURE_CHARS]
            self.error(f"Inbox: {href} is very long; its first 20,000 characters kept")
        store.add_capture(
            account=self.row.id,
            uid=uid,
            href=href,
            etag=etag,
            text=body or "(empty)",
            raw=text,
            captured_at=_when(todo),
        )
        self.known[uid] = 0
        self.report.pulled += 1

    def server_deleted(self, items: list[_Record]) -> None:
        """Deleted on the phone: the capture stays here; nothing is left to mark done."""
        for item in items:
            store.update_capture(item.id, etag="")
            store.complete_decided(item.id, utc_now())

    def tombstones(self) -> list:
        return []

    # -- up: the decided captures, marked done --------------------------------------------

    def outgoing(self) -> list[InboxCapture]:
        return store.captures_decided(self.row.id)

    def to_send(self, batch: list[InboxCapture]) -> list[Upload]:
        uploads = []
        for capture in batch:
            if not capture.etag:  # gone from the server: nothing left to mark
                store.update_capture(capture.id, completed_at=utc_now())
                continue
            upload = self._marked(capture.href, capture.raw, capture.etag, capture)
            if upload is not None:
                uploads.append(upload)
        return uploads

    def _marked(self, href: str, text: str, etag: str | None, capture) -> Upload | None:
        try:
            done = _completed(text)
        except ValidationError as exc:
            self.error(f"Inbox: {href} cannot be marked done ({exc.message})")
            return None
        return Upload(href, done, etag=etag or None, local=capture)

    def sent(self, upload: Upload, etag: str | None) -> None:
        store.update_capture(
            upload.local.id, completed_at=utc_now(), etag=etag or "", raw=upload.text
        )

    def recreate(self, upload: Upload) -> None:
        """Deleted on the phone meanwhile: nothing left to mark."""
        store.update_capture(upload.local.id, completed_at=utc_now(), etag="")

    def server_copy(self, upload: Upload, etag: str, text: str) -> Upload | None:
        """Changed on the phone meanwhile: mark its newer copy done."""
        return self._marked(upload.href, text, etag, upload.local)


def sync_inbox(row: SyncAccount, client, report) -> None:
    """The inbox part of a sync: new captures down, decided ones up as done (errors in the
    report), through the collection engine."""
    cal = inbox_calendar(row)
    if cal is None:
        return
    try:
        CollectionSync(Inbox(row), row, Source(cal.url), client, report).run()
    except SyncError as exc:
        report.errors.append(f"Inbox: {exc}")


# --- the captures waiting --------------------------------------------------------------


def waiting(*, on: dt.date | None = None) -> list[CaptureView]:
    """The captures waiting for the rep, oldest first, each with its suggestion."""
    rows = store.captures_waiting()
    out = []
    # Read from every contact (0.17 s at 100,000): only when a capture waits.
    nicknames = captures.nickname_map() if rows else {}
    for cid, uid, text, when in rows:
        when = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
        local_day = when.replace(tzinfo=dt.UTC).astimezone().date()
        suggestion = captures.suggest(text, on=on or local_day, nicknames=nicknames)
        out.append(CaptureView(cid, uid, text, when, suggestion))
    return out


def waiting_count() -> int:
    return store.waiting_count()


def _decide(capture_id: int, status: str) -> InboxCapture:
    capture = store.capture(capture_id)
    if capture is None:
        raise NotFoundError("That capture is not in the inbox any more.")
    if capture.status != "waiting":
        raise ValidationError("capture", f"this capture was {capture.status} already")
    capture.status = status
    capture.decided_at = utc_now()
    store.update_capture(capture_id, status=status, decided_at=capture.decided_at)
    return capture


def accept(capture_id: int, suggestion: captures.Suggestion | None = None) -> tuple[str, int]:
    """Write the capture's record (its suggestion, or the one given, as edited) and mark
    the capture accepted, in one transaction; the record's kind and id."""
    with store.atomic():
        capture = store.capture(capture_id)
        if capture is None:
            raise NotFoundError("That capture is not in the inbox any more.")
        when = capture.captured_at
        when = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
        if suggestion is None:
            local_day = when.replace(tzinfo=dt.UTC).astimezone().date()
            suggestion = captures.suggest(capture.text, on=local_day)
        result = captures.apply(suggestion, when=when.replace(tzinfo=dt.UTC))
        _decide(capture_id, "accepted")
    return result


def mark_accepted(capture_id: int) -> None:
    """The capture was turned into a record in the usual form: accepted."""
    _decide(capture_id, "accepted")


def dismiss(capture_id: int) -> None:
    """Nothing to record: the capture leaves the inbox (completed on the server too)."""
    _decide(capture_id, "dismissed")
