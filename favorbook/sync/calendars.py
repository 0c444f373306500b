"""The rep's meetings from the sync account's calendars, and the upcoming-meetings list.

The rep picks which event calendars of the account favorbook reads (stored per
account as ``account_calendar`` rows of role "meetings"). Each fetch asks every
picked calendar for the events that overlap the coming weeks (a CalDAV
calendar-query REPORT with a time-range) and keeps them as the server sent them in
``calendar_event``, so the Meetings page shows them offline; recurrences and time
zones are expanded when shown (``formats.meetings``).

``upcoming`` is what the Meetings page and ``favorbook meetings`` list: the
occurrences of today and the next days, each attendee matched to a contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from favorbook.errors import NotFoundError, SyncError, ValidationError
from favorbook.formats import meetings as ics
from favorbook.services import meetings as logbook
from favorbook.services._common import utc_now
from favorbook.sync import accounts, inbox, store
from favorbook.sync.collection import Adapter, CollectionSync, Source, Tally
from favorbook.sync.discovery import Collection, calendar_home, list_collections
from favorbook.sync.store import AccountCalendar, SyncAccount

FETCH_BEHIND_DAYS = 7
"""Meetings this many days back stay at hand (to log one after a long trip)."""
FETCH_AHEAD_DAYS = 31
MEETINGS, INBOX = "meetings", "inbox"


@dataclass
class CalendarChoice:
    name: str
    url: str
    picked: bool


@dataclass
class UpcomingMeeting:
    meeting: ics.Meeting
    contact_ids: list[int | None]
    """Parallel to ``meeting.attendees``: the contact each one matched, or None."""
    logged_ids: list[int] = field(default_factory=list)
    """The conversations this occurrence was logged as (empty: not logged)."""

    @property
    def matched(self) -> list[int]:
        return list(dict.fromkeys(c for c in self.contact_ids if c is not None))

    @property
    def ended(self) -> bool:
        return self.meeting.end <= dt.datetime.now(dt.UTC)

    def as_json(self) -> dict:
        m = self.meeting
        return {
            "uid": m.uid,
            "start": m.start.isoformat(),
            "end": m.end.isoformat(),
            "all_day": m.all_day,
            "title": m.title,
            "location": m.location,
            "organizer": m.organizer.email if m.organizer else None,
            "attendees": [
                {"name": a.name, "email": a.email or None, "contact_id": cid}
                for a, cid in zip(m.attendees, self.contact_ids, strict=True)
            ],
            "logged": bool(self.logged_ids),
        }


def event_calendars(account: str | None = None, *, client=None) -> list[CalendarChoice]:
    """The account's calendars that take events, and which of them the rep picked."""
    row = accounts.the_account(account)
    own = client is None
    client = client or accounts.client_for(row)
    try:
        home = calendar_home(client, row.url)
        found: list[Collection] = list_collections(client, home, "events") if home else []
    finally:
        if own:
            client.close()
    picked = {c.url for c in _calendars(row, MEETINGS)}
    skip = {c.url for c in _calendars(row, INBOX)}
    return [CalendarChoice(c.name, c.url, c.url in picked) for c in found if c.url not in skip]


def _calendars(row: SyncAccount, role: str) -> list[AccountCalendar]:
    return store.calendars(row.id, role)


def picked_calendars(account: str | None = None) -> list[CalendarChoice]:
    row = accounts.the_account(account)
    return [CalendarChoice(c.name, c.url, True) for c in _calendars(row, MEETINGS)]


def pick_calendars(account: str | None, chosen: Sequence[tuple[str, str]]) -> None:
    """Read meetings from exactly these calendars ((name, url) pairs) of the account."""
    row = accounts.the_account(account)
    urls = {url for _name, url in chosen}
    with store.atomic():
        store.remove_calendars(row.id, MEETINGS, keep=urls)
        have = {c.url for c in _calendars(row, MEETINGS)}
        for name, url in chosen:
            if url not in have:
                store.add_calendar(row.id, MEETINGS, url, name or url)
                have.add(url)


class Meetings(Adapter):
    """One picked meetings calendar on the collection engine: listed by a calendar-query
    REPORT over the window (each run lists it whole, ETags and texts in one request);
    an event new or changed since is stored, one gone (deleted, or out of the window)
    dropped, and nothing ever goes up."""

    noun = "meetings"
    data_kind = "tasks"  # calendar-data

    def __init__(self, cal: AccountCalendar, start: dt.datetime, end: dt.datetime) -> None:
        self.cal = cal
        self.start, self.end = start, end
        self.texts: dict[str, tuple[str, str]] = {}

    # -- records: the calendar's stored events ------------------------------------------

    def items(self) -> list:
        return store.calendar_events(self.cal)

    def unconfirmed_deletes(self) -> list:
        return []

    def save_token(self, token: str | None) -> None:
        return None

    def etags(self) -> dict[str, str]:
        return {e.href: e.etag for e in self.items()}

    # -- the server: one calendar-query gives the window's ETags and texts ---------------

    def changes(self):
        self.texts = self.client.calendar_query(self.cal.url, self.start, self.end)
        return {href: etag for href, (etag, _text) in self.texts.items()}, None, True

    def fetch(self, hrefs: list[str]) -> dict[str, tuple[str, str]]:
        return {h: self.texts[h] for h in hrefs if h in self.texts}

    def pull(self, hrefs: list[str], fetched: dict[str, tuple[str, str]]) -> None:
        for href in hrefs:
            if href in fetched:
                store.put_event(self.cal, href, *fetched[href])
                self.report.pulled += 1

    def server_deleted(self, items: list) -> None:
        store.drop_events(self.cal, [e.href for e in items])

    def tombstones(self) -> list:
        return []

    def outgoing(self) -> list:
        return []

    def finished(self) -> None:
        store.fetched(self.cal, utc_now())


def fetch_meetings(
    account: str | None = None,
    *,
    client=None,
    on: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Fetch the events of the picked calendars into the cache; how many resources each
    calendar holds in the window now.

    A calendar that fails keeps what was fetched before; the error is raised after the
    others are done, naming it.
    """
    row = accounts.the_account(account)
    cals = _calendars(row, MEETINGS)
    if not cals:
        return 0
    on = on or dt.date.today()
    start, _ = ics.window(0, on=on - dt.timedelta(days=FETCH_BEHIND_DAYS))
    _, end = ics.window(FETCH_AHEAD_DAYS, on=on)
    own = client is None
    client = client or accounts.client_for(row)
    total, failures = 0, []
    try:
        for cal in cals:
            if progress:
                progress(f"Reading meetings from {cal.name}")
            tally = Tally()
            adapter = Meetings(cal, start, end)
            try:
                CollectionSync(adapter, row, Source(cal.url), client, tally).run()
            except SyncError as exc:
                failures.append(str(exc))
                continue
            failures.extend(tally.errors)
            total += len(adapter.texts)
    finally:
        if own:
            client.close()
    if failures:
        raise SyncError("; ".join(failures))
    return total


def cached_calendars(account: str | None = None) -> tuple[list[tuple[object, str]], list[str]]:
    """The fetched events as calendars (one per resource) and the problems reading them."""
    account_id = None if account is None else accounts.the_account(account).id
    out, problems = [], []
    for href, text, name in store.events(MEETINGS, account_id):
        try:
            out.append((ics.parse_calendar(text, f"{name}: {href}"), name))
        except ics.NotICalendar as exc:
            problems.append(f"{exc.message}; left out")
    return out, problems


# --- .ics files and subscribed addresses ------------------------------------------------


def _is_address(source: str) -> bool:
    return source.lower().startswith(("http://", "https://", "webcal://"))


def _local_sources() -> list[AccountCalendar]:
    from favorbook.sample.demo_meetings import SAMPLE_URL

    return store.local_sources(MEETINGS, leave_out=SAMPLE_URL)


def _store_source(cal: AccountCalendar, text: str) -> None:
    store.replace_events(cal, {cal.url: ("", text)}, utc_now())


def _read_source(source: str) -> str:
    """The iCalendar text of a file or address (NotICalendar, OSError or SyncError)."""
    if _is_address(source):
        import requests

        url = "https://" + source[9:] if source.lower().startswith("webcal://") else source
        try:
            resp = requests.get(url, timeout=30, headers={"User-Agent": "favorbook"})
        except requests.exceptions.RequestException as exc:
            raise SyncError(f"cannot read the calendar at {url}: {exc}") from exc
        if resp.status_code != 200:
            raise SyncError(f"the calendar at {url} answered {resp.status_code} {resp.reason}")
        data = resp.content
    else:
        with open(source, "rb") as handle:
            data = handle.read(ics.MAX_ICS_BYTES + 1)
    if len(data) > ics.MAX_ICS_BYTES:
        raise ics.NotICalendar(source, f"it is larger than {ics.MAX_ICS_BYTES // 1_000_000} MB")
    ics.parse_calendar(data, source)  # refuses what is not iCalendar, before it is kept
    return ics.decoded(data)


def add_ics_source(source: str) -> str:
    """Read meetings from an .ics file or a subscribed address too; its name.

    NotICalendar (a ValidationError) when it holds no calendar, OSError or SyncError
    when it cannot be read; nothing is kept then."""
    import os

    source = source.strip()
    if not source:
        raise ValidationError("ics", "give an .ics file or an https:// or webcal:// address")
    if not _is_address(source):
        source = os.path.abspath(os.path.expanduser(source))
    text = _read_source(source)
    name = source.rstrip("/").rsplit("/", 1)[-1] or source
    cal = store.local_calendar(source) or store.add_calendar(None, MEETINGS, source, name)
    _store_source(cal, text)
    return name


def remove_ics_source(source: str) -> None:
    store.remove_local_calendar(source)


def ics_sources() -> list[str]:
    return [c.url for c in _local_sources()]


def refresh_ics_sources(*, addresses: bool) -> list[str]:
    """Read the .ics files again when they changed (and the addresses, with
    ``addresses``); the problems (a source that fails keeps what was read before)."""
    import os

    problems = []
    for cal in _local_sources():
        if _is_address(cal.url) and not addresses:
            continue
        try:
            if not _is_address(cal.url) and cal.fetched_at is not None:
                changed = dt.datetime.fromtimestamp(os.path.getmtime(cal.url), dt.UTC)
                fetched = cal.fetched_at
                if isinstance(fetched, str):
                    fetched = dt.datetime.fromisoformat(fetched)
                if changed.replace(tzinfo=None) <= fetched:
                    continue
            _store_source(cal, _read_source(cal.url))
        except (OSError, SyncError, ValidationError) as exc:
            why = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
            problems.append(f"{cal.name}: {why} (showing what was read before)")
    return problems


def accounts_with_calendars() -> list[str]:
    """The names of the accounts with meetings calendars picked."""
    return store.accounts_with_calendars(MEETINGS)


def has_meeting_calendars() -> bool:
    return store.has_calendars(MEETINGS)


def upcoming(
    days: int = 7,
    *,
    calendars: list[tuple[object, str]] | None = None,
    on: dt.date | None = None,
) -> tuple[list[UpcomingMeeting], list[str]]:
    """Today's and the next ``days`` days' meetings, matched, and the problems met.

    ``calendars`` (from ``formats.meetings.load_source``) replaces the account's cached
    calendars (``favorbook meetings --ics FILE``).
    """
    if not 0 <= days <= 366:
        raise ValidationError("days", "must be from 0 to 366")
    problems: list[str] = []
    if calendars is None:
        calendars, problems = cached_calendars()
    start, end = ics.window(days, on=on)
    found, more = ics.meetings_between(calendars, start, end, leave_out=logbook.rep_addresses())
    problems += more
    matcher = ics.AttendeeMatcher() if found else None
    out = [UpcomingMeeting(m, matcher.matches(m)) for m in found]
    done = logbook.logged((u.meeting.uid, u.meeting.start_utc) for u in out)
    for u in out:
        u.logged_ids = done.get((u.meeting.uid, u.meeting.start_utc), [])
    return out, problems


def find(meetings: list[UpcomingMeeting], uid: str) -> UpcomingMeeting:
    """The next occurrence (the first not yet ended, else the last) of ``uid``."""
    mine = [u for u in meetings if u.meeting.uid == uid]
    if not mine:
        raise NotFoundError(f"no meeting with UID {uid!r} in the days looked at")
    return next((u for u in mine if not u.ended), mine[-1])


def sync_calendars(row: SyncAccount, client, report, *, progress=None) -> None:
    """The calendar part of a sync: the phone's inbox list (``sync.inbox``), then the
    picked meetings calendars fetched again (a failure is one of the report's errors:
    the meetings fetched before stay)."""
    inbox.sync_inbox(row, client, report)
    report.errors.extend(f"Meetings: {p}" for p in refresh_ics_sources(addresses=True))
    if not _calendars(row, MEETINGS):
        return
    if progress is not None:
        progress(0, 0, "Reading meetings")
    try:
        fetch_meetings(row.name, client=client)
    except SyncError as exc:
        report.errors.append(f"Meetings: {exc}")
