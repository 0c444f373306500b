"""Meetings read from iCalendar: the rep's events with attendees, recurrences expanded.

``parse_calendar`` reads iCalendar text (a file, a subscribed address, or one
resource of a CalDAV calendar); ``meetings_between`` expands the events of one or
more calendars into the occurrences that start in a window, with ``icalendar`` and
``recurring-ical-events`` doing RRULE, RDATE, EXDATE, moved instances
(RECURRENCE-ID) and time zones. Both libraries are imported inside the functions:
start-up speed.

Nothing is dropped without a word: an event that cannot be expanded (no start, a
broken rule) is named in the problems returned beside the meetings; an attendee with
no email address is kept with its name (it is matched by name).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from favorbook.errors import ValidationError

MAX_ICS_BYTES = 50_000_000
_CALL_WORDS = re.compile(
    r"\b(zoom\.us|meet\.google|teams\.microsoft|webex|whereby|jitsi|phone|call|dial|tel:)",
    re.IGNORECASE,
)


class NotICalendar(ValidationError):
    """The file or address given does not hold iCalendar data."""

    def __init__(self, source: str, why: str):
        super().__init__("ics", f"{source} is not an iCalendar file ({why})")


@dataclass(frozen=True)
class Attendee:
    email: str
    """Lower case, without "mailto:"; "" when the invitation gives none."""
    name: str
    """The CN parameter (may be "")."""

    @property
    def label(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email or "(no name)"


@dataclass
class Meeting:
    uid: str
    start: dt.datetime
    """Aware; an all-day event starts at local midnight of its day."""
    end: dt.datetime
    all_day: bool
    title: str
    location: str = ""
    description: str = ""
    organizer: Attendee | None = None
    attendees: list[Attendee] = field(default_factory=list)
    """Everyone invited but the organizer, in the invitation's order."""
    source: str = ""

    @property
    def day(self) -> dt.date:
        return self.start.astimezone().date() if not self.all_day else self.start.date()

    @property
    def channel(self) -> str:
        """ "call" when the place or text names a phone or video link, else "meeting"."""
        return "call" if _CALL_WORDS.search(f"{self.location}\n{self.description}") else "meeting"

    @property
    def start_utc(self) -> dt.datetime:
        """The start as stored: naive UTC (the key of a logged meeting, with the UID)."""
        return self.start.astimezone(dt.UTC).replace(tzinfo=None)


def decoded(data: bytes | str) -> str:
    """A calendar file's text: UTF-8 (undecodable bytes replaced), its BOM dropped."""
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return data.decode("utf-8", errors="replace")
    return data.lstrip("\ufeff")


def parse_calendar(data: bytes | str, source: str = "the calendar"):
    """The icalendar Calendar in ``data``; NotICalendar when it is none.

    A file holding several VCALENDAR objects (some exports do) is read as one.
    """
    import icalendar

    text = decoded(data)
    head = text.lstrip()[:200].upper()
    if not head.startswith("BEGIN:VCALENDAR"):
        raise NotICalendar(source, "it does not start with BEGIN:VCALENDAR")
    try:
        found = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise NotICalendar(source, f"it cannot be read: {exc}") from None
    if not found:
        raise NotICalendar(source, "it holds no calendar")
    if len(found) == 1:
        return found[0]
    merged = icalendar.Calendar()
    for cal in found:
        for sub in cal.subcomponents:
            merged.add_component(sub)
    return merged


def read_ics(path: str) -> object:
    """The calendar in the file at ``path`` (NotICalendar, or OSError when unreadable)."""
    import os

    if os.path.getsize(path) > MAX_ICS_BYTES:
        raise NotICalendar(path, f"it is larger than {MAX_ICS_BYTES // 1_000_000} MB")
    with open(path, "rb") as handle:
        return parse_calendar(handle.read(), path)


def fetch_ics(url: str, *, timeout: float = 30) -> object:
    """The calendar at a subscribed address (http(s):// or webcal://)."""
    import requests

    from favorbook.errors import SyncError

    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    try:
        resp = requests.get(url, timeout=timeout, headers={"User-Agent": "favorbook"})
    except requests.exceptions.RequestException as exc:
        raise SyncError(f"cannot read the calendar at {url}: {exc}") from exc
    if resp.status_code != 200:
        raise SyncError(f"the calendar at {url} answered {resp.status_code} {resp.reason}")
    if len(resp.content) > MAX_ICS_BYTES:
        raise NotICalendar(url, f"it is larger than {MAX_ICS_BYTES // 1_000_000} MB")
    return parse_calendar(resp.content, url)


def load_source(source: str) -> object:
    """A calendar from a file path or an http(s)/webcal address."""
    if re.match(r"(?i)(https?|webcal)://", source):
        return fetch_ics(source)
    return read_ics(source)


def _address(value) -> Attendee:
    raw = str(value).strip()
    email = raw[7:] if raw.lower().startswith("mailto:") else ""
    email = email.strip().lower()
    if "@" not in email:
        email = ""
    params = getattr(value, "params", {}) or {}
    name = str(params.get("CN", "") or "").strip().strip('"')
    return Attendee(email, name)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _aware(value, tz: dt.tzinfo) -> tuple[dt.datetime, bool]:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)), False
    return dt.datetime(value.year, value.month, value.day, tzinfo=tz), True


def _meeting(event, source: str, tz: dt.tzinfo) -> Meeting:
    start_value = event.get("DTSTART")
    if start_value is None:
        raise ValueError("it has no start (DTSTART)")
    start, all_day = _aware(start_value.dt, tz)
    end_prop = event.get("DTEND")
    if end_prop is not None:
        end, _ = _aware(end_prop.dt, tz)
    elif event.get("DURATION") is not None:
        end = start + event.get("DURATION").dt
    else:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
    organizer = _address(event["ORGANIZER"]) if event.get("ORGANIZER") is not None else None
    attendees, seen = [], set()
    for value in _as_list(event.get("ATTENDEE")):
        person = _address(value)
        key = person.email or person.name.casefold()
        if not key or key in seen:
            continue
        if organizer and organizer.email and person.email == organizer.email:
            continue
        seen.add(key)
        attendees.append(person)
    return Meeting(
        uid=str(event.get("UID", "") or ""),
        start=start,
        end=max(end, start),
        all_day=all_day,
        title=str(event.get("SUMMARY", "") or "").strip() or "(no title)",
        location=str(event.get("LOCATION", "") or "").strip(),
        description=str(event.get("DESCRIPTION", "") or "").strip(),
        organizer=organizer,
        attendees=attendees,
        source=source,
    )


def _label(event) -> str:
    uid = str(event.get("UID", "") or "")
    summary = str(event.get("SUMMARY", "") or "")
    return f"“{summary}” ({uid})" if summary and uid else f"“{summary}”" if summary else uid


def _by_uid(calendar) -> list[tuple[str, object]]:
    """Each UID's events as a calendar of their own (with the time zones): one broken
    series then costs only itself."""
    import icalendar

    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    groups: dict[str, list] = {}
    for c in calendar.subcomponents:
        if c.name == "VEVENT":
            groups.setdefault(str(c.get("UID", "") or id(c)), []).append(c)
    out = []
    for uid, events in groups.items():
        cal = icalendar.Calendar()
        for z in zones:
            cal.add_component(z)
        for e in events:
            cal.add_component(e)
        out.append((uid, cal))
    return out


def _occurrences(calendar, start, end, problems: list[str], source: str) -> list:
    import recurring_ical_events

    try:
        return list(recurring_ical_events.of(calendar).between(start, end))
    except Exception:  # noqa: BLE001 - one broken series: expand the others one by one
        pass
    out = []
    for _uid, cal in _by_uid(calendar):
        try:
            out += recurring_ical_events.of(cal).between(start, end)
        except Exception as exc:  # noqa: BLE001 - named below, never dropped silently
            event = next(c for c in cal.subcomponents if c.name == "VEVENT")
            problems.append(f"{source}: event {_label(event)} cannot be read ({exc}); left out")
    return out


def meetings_between(
    calendars: Iterable[tuple[object, str]],
    start: dt.datetime,
    end: dt.datetime,
    *,
    with_attendees_only: bool = True,
    leave_out: Iterable[str] = (),
) -> tuple[list[Meeting], list[str]]:
    """The occurrences that overlap [start, end) of the events in ``calendars`` (pairs of
    a Calendar and where it came from), earliest first, and the problems met.

    Attendees whose address is in ``leave_out`` (the rep's own) are not listed;
    ``with_attendees_only`` then keeps the events with someone else invited.
    """
    mine = {a.lower() for a in leave_out}
    tz = start.tzinfo or dt.datetime.now().astimezone().tzinfo
    problems: list[str] = []
    out: list[Meeting] = []
    seen: set[tuple[str, dt.datetime]] = set()
    for calendar, source in calendars:
        for event in _occurrences(calendar, start, end, problems, source):
            try:
                meeting = _meeting(event, source, tz)
            except (ValueError, TypeError, AttributeError) as exc:
                problems.append(f"{source}: event {_label(event)} cannot be read ({exc}); left out")
                continue
            meeting.attendees = [a for a in meeting.attendees if a.email not in mine]
            if with_attendees_only and not meeting.attendees:
                continue
            if not meeting.uid:
                problems.append(
                    f"{source}: event “{meeting.title}” has no UID; shown, not linkable"
                )
            key = (meeting.uid, meeting.start_utc)
            if meeting.uid and key in seen:  # the same calendar picked twice
                continue
            seen.add(key)
            out.append(meeting)
    out.sort(key=lambda m: (m.start.astimezone(dt.UTC), m.title, m.uid))
    return out, problems


def window(days: int, *, on: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``on`` (today) to local midnight ``days`` days after it, +1 day:
    today and the next ``days`` days."""
    on = on or dt.date.today()
    tz = dt.datetime.now().astimezone().tzinfo
    start = dt.datetime(on.year, on.month, on.day).astimezone(tz)
    stop_day = on + dt.timedelta(days=days + 1)
    stop = dt.datetime(stop_day.year, stop_day.month, stop_day.day).astimezone(tz)
    return start, stop


def person_input(attendee: Attendee):
    """A new contact prefilled from an invitation: the name split in two, the email."""
    from favorbook.services.contacts import ContactInput, Labeled

    name = attendee.name
    if not name and attendee.email:
        local = attendee.email.split("@", 1)[0]
        name = " ".join(p.capitalize() for p in re.split(r"[._-]+", local) if p)
    first, _, last = name.strip().rpartition(" ") if " " in name.strip() else (name, "", "")
    if not last:
        first, last = name.strip(), ""
    emails = [Labeled(attendee.email, "work")] if attendee.email else []
    return ContactInput(first_name=first.strip(), last_name=last.strip(), emails=emails)


class AttendeeMatcher:
    """Attendees to contacts, the way the importer matches a record: the same email,
    then a close name (see ``services.importing``). The contacts are loaded once."""

    def __init__(self) -> None:
        from favorbook.services.importing import ExistingContacts

        self._existing = ExistingContacts()
        self._cache: dict[tuple[str, str], int | None] = {}

    def contact_for(self, attendee: Attendee) -> int | None:
        key = (attendee.email, attendee.name.casefold())
        if key not in self._cache:
            data = person_input(attendee)
            if not attendee.name:  # a name made up from the address is no evidence
                data.first_name = data.last_name = ""
            # A close name whose emails differ is only a possible duplicate to an import;
            # for an invitation it is the best guess there is, shown beside the name.
            found, _how, _possible = self._existing.match(data, "")
            self._cache[key] = found
        return self._cache[key]

    def matches(self, meeting: Meeting) -> list[int | None]:
        return [self.contact_for(a) for a in meeting.attendees]
