"""The sample network's week: meetings with its people and a few captures from the phone.

Kept in a calendar favorbook holds itself (an ``account_calendar`` with no account),
so the Meetings and Inbox pages have something to show without a server; the
events are iCalendar text like a server's, expanded the same way. Removed with the
sample network.
"""

from __future__ import annotations

import datetime as dt
import random

from favorbook.db.models import AccountCalendar, CalendarEvent, InboxCapture, db

SAMPLE_URL = "favorbook:sample-meetings"
SAMPLE_NAME = "Sample meetings"

# (day offset, local hour, minutes, title, how many sample people, place, newcomer)
_WEEK = [
    (0, 9, 60, "Quarterly review", 2, "Their office", False),
    (0, 15, 30, "Intro call", 1, "Phone call", True),
    (1, 10, 60, "Pricing workshop", 3, "Our office", False),
    (1, 14, 45, "Site visit", 1, "On site", False),
    (2, 12, 60, "Lunch", 1, "Café Rosa", False),
    (3, 11, 30, "Referral catch-up", 2, "https://meet.example.com/abc", False),
    (5, 16, 60, "Partner planning", 2, "Their office", True),
]
_CAPTURES = [
    "{a} from {a_org} called: {b} needs onboarding help, I'll do it today — IOU",
    "Met {c} for coffee, wants an intro to a good accountant",
    "{d} gave me a lead at {org}",
    "Send {a} the case study next week",
]


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(uid: str, title: str, start: dt.datetime, minutes: int, place: str, people) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//favorbook//sample//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(start)}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + dt.timedelta(minutes=minutes))}",
        f"SUMMARY:{title}",
        f"LOCATION:{place}",
        "ORGANIZER;CN=You:mailto:me@sample.invalid",
    ]
    for name, email in people:
        lines.append(f"ATTENDEE;CN={name}:mailto:{email}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def add_week(on: dt.date, *, seed: int = 1, now: dt.datetime | None = None) -> int:
    """A week of meetings from ``on`` and a few captures; how many meetings."""
    remove_week()
    rng = random.Random(seed)
    people = list(
        db.execute_sql(
            "SELECT c.id, c.first_name, c.last_name, min(e.value), o.name FROM contact c "
            "JOIN contact_email e ON e.contact_id = c.id "
            "LEFT JOIN organization o ON o.id = c.organization_id "
            "WHERE c.is_sample AND c.archived_at IS NULL GROUP BY c.id ORDER BY c.id LIMIT 40"
        )
    )
    if len(people) < 4:
        return 0
    rng.shuffle(people)
    cal = AccountCalendar.create(account=None, role="meetings", url=SAMPLE_URL, name=SAMPLE_NAME)
    used = 0
    for n, (offset, hour, minutes, title, count, place, newcomer) in enumerate(_WEEK):
        day = on + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time(hour)).astimezone()
        chosen = [people[(used + i) % len(people)] for i in range(count)]
        used += count
        guests = [(f"{p[1]} {p[2]}".strip(), p[3]) for p in chosen]
        if newcomer:
            guests.append(("Nia Newcomer", f"nia.newcomer{n}@sample.invalid"))
        CalendarEvent.create(
            calendar=cal,
            href=f"sample-{n}.ics",
            text=_event(f"sample-meeting-{n}@favorbook", title, start, minutes, place, guests),
        )
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    a, b, c, d = people[:4]
    org = d[4] or "Contoso"
    for n, pattern in enumerate(_CAPTURES):
        InboxCapture.create(
            account=None,
            uid=f"sample-capture-{n}",
            href="",
            text=pattern.format(
                a=a[1], a_org=a[4] or "the office", b=b[1], c=f"{c[1]} {c[2]}", d=d[1], org=org
            ),
            captured_at=now - dt.timedelta(hours=3 * (len(_CAPTURES) - n)),
        )
    return len(_WEEK)


def remove_week() -> None:
    AccountCalendar.delete().where(
        AccountCalendar.account.is_null() & (AccountCalendar.url == SAMPLE_URL)
    ).execute()
    InboxCapture.delete().where(
        InboxCapture.account.is_null() & InboxCapture.uid.startswith("sample-capture-")
    ).execute()
