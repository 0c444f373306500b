"""Meetings from the account's calendars on real CalDAV servers (each test runs on both)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from favorbook.services import contacts
from favorbook.sync import calendars
from tests.sync.helpers import add_account, sync

UTC = dt.UTC


def _at(offset: int, hour: int, tz=UTC) -> dt.datetime:
    on = dt.date.today() + dt.timedelta(days=offset)  # when the test runs, not when collected
    return dt.datetime.combine(on, dt.time(hour), tzinfo=tz)


def _calendar(*events) -> str:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//phone//EN")
    cal.add("version", "2.0")
    for e in events:
        cal.add_component(e)
    cal.add_missing_timezones()
    return cal.to_ical().decode()


def _event(uid: str, summary: str, start, end, *people: tuple[str, str], **extra):
    import icalendar

    e = icalendar.Event()
    e.add("uid", uid)
    e.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=UTC))
    e.add("summary", summary)
    e.add("dtstart", start)
    e.add("dtend", end)
    organizer = icalendar.vCalAddress("mailto:rep@example.com")
    organizer.params["CN"] = "The Rep"
    e.add("organizer", organizer)
    for name, email in people:
        who = icalendar.vCalAddress(f"mailto:{email}" if email else "urn:x-none")
        who.params["CN"] = name
        e.add("attendee", who)
    for key, value in extra.items():
        e.add(key.replace("_", "-"), value)
    return e


KAREN = ("Karen Lee", "karen@acme.example")
BO = ("Bo Diaz", "bo@diaz.example")
NEW = ("Nia Newcomer", "nia@new.example")


@pytest.fixture
def meetings_calendar(dav_server):
    """A calendar for events only, beside the test's tasks calendar."""
    href = f"{dav_server.calendar_home}meetings-{dav_server.calendar_url.rstrip('/')[-3:]}/"
    r = dav_server.request(
        "MKCALENDAR",
        href,
        '<?xml version="1.0" encoding="utf-8"?>'
        '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set>'
        "<D:prop><D:displayname>Meetings</D:displayname>"
        '<C:supported-calendar-component-set><C:comp name="VEVENT"/>'
        "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>",
        {"Content-Type": "application/xml; charset=utf-8"},
    )
    assert r.status_code in (200, 201), r.text
    return dav_server.abs(href)


def _put(server, collection: str, name: str, text: str) -> None:
    r = server.put(f"{collection}{name}.ics", text, new=True)
    assert r.status_code in (200, 201, 204), r.text


def test_the_rep_picks_calendars_and_sees_the_right_meetings(
    dav_server, laptop, meetings_calendar, tmp_path
):
    karen = contacts.create_contact(
        contacts.ContactInput(
            first_name="Karen", last_name="Lee", emails=[contacts.Labeled(KAREN[1], "")]
        )
    )
    bo = contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Diaz"))
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    weekly = _event(
        "weekly@test",
        "Weekly pipeline",
        _at(0, 10),
        _at(0, 11),
        KAREN,
        BO,
        rrule={"freq": "weekly", "count": 4},
        exdate=_at(7, 10),
    )
    moved = _event("weekly@test", "Weekly pipeline (moved)", _at(13, 12), _at(13, 13), KAREN, BO)
    moved.add("recurrence-id", _at(14, 10))
    _put(dav_server, meetings_calendar, "weekly", _calendar(weekly, moved))
    _put(
        dav_server,
        meetings_calendar,
        "single",
        _calendar(_event("single@test", "Pricing", _at(1, 15), _at(1, 16), KAREN, NEW)),
    )
    _put(
        dav_server,
        meetings_calendar,
        "allday",
        _calendar(
            _event(
                "allday@test",
                "Trade fair",
                dt.date.today() + dt.timedelta(days=2),
                dt.date.today() + dt.timedelta(days=3),
                BO,
            )
        ),
    )
    _put(
        dav_server,
        meetings_calendar,
        "tokyo",
        _calendar(_event("tokyo@test", "Tokyo call", _at(4, 9, tokyo), _at(4, 10, tokyo), BO)),
    )
    _put(
        dav_server,
        meetings_calendar,
        "far",
        _calendar(_event("far@test", "Next quarter", _at(90, 9), _at(90, 10), BO)),
    )
    add_account(dav_server)

    found = calendars.event_calendars("work")
    names = {c.name: c for c in found}
    assert "Meetings" in names and not any(c.picked for c in found)
    calendars.pick_calendars("work", [("Meetings", names["Meetings"].url)])
    assert [c.name for c in calendars.picked_calendars("work")] == ["Meetings"]

    report = sync("work")
    assert not report.errors
    upcoming, problems = calendars.upcoming(14)
    assert problems == []
    starts = {(u.meeting.uid, u.meeting.start.astimezone(UTC)) for u in upcoming}
    assert starts == {
        ("weekly@test", _at(0, 10)),
        ("weekly@test", _at(13, 12)),  # the 7th excluded, the 14th moved to the 13th
        ("single@test", _at(1, 15)),
        (
            "allday@test",
            dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time()).astimezone(UTC),
        ),
        ("tokyo@test", _at(4, 9, tokyo).astimezone(UTC)),
    }
    fair = next(u for u in upcoming if u.meeting.uid == "allday@test")
    assert fair.meeting.all_day and fair.meeting.day == dt.date.today() + dt.timedelta(days=2)
    single = next(u for u in upcoming if u.meeting.uid == "single@test")
    assert single.contact_ids == [karen, None]  # the rep (organizer) is left out
    first = next(u for u in upcoming if u.meeting.uid == "weekly@test")
    assert first.contact_ids == [karen, bo]  # Bo by name: he has no email in favorbook

    from favorbook.render import sheet_pdf

    assert [d.name for d in sheet_pdf.gather(first.matched)] == ["Karen Lee", "Bo Diaz"]
    # The command fetches the picked calendars itself, in a process of its own (the PDF
    # needs Qt; the password comes from the environment the fixture set).
    from tests.unit.test_cli_sheet import run

    out = tmp_path / "weekly.pdf"
    result = run(
        "sheet", "--data-dir", str(laptop.data_dir), "--meeting", "weekly@test", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "for 2 attendees of" in result.stdout
    assert out.read_bytes().startswith(b"%PDF")


def test_a_second_fetch_replaces_what_changed_on_the_server(dav_server, laptop, meetings_calendar):
    add_account(dav_server)
    calendars.pick_calendars("work", [("Meetings", meetings_calendar)])
    text = _calendar(_event("m@test", "Kickoff", _at(1, 9), _at(1, 10), KAREN))
    _put(dav_server, meetings_calendar, "m", text)
    assert calendars.fetch_meetings("work") == 1
    r = dav_server.request("DELETE", f"{meetings_calendar}m.ics")
    assert r.status_code in (200, 204)
    _put(
        dav_server,
        meetings_calendar,
        "n",
        _calendar(_event("n@test", "Review", _at(2, 9), _at(2, 10), KAREN)),
    )
    sync("work")
    upcoming, _ = calendars.upcoming(7)
    assert [u.meeting.title for u in upcoming] == ["Review"]


def test_a_fetch_reads_and_writes_only_the_events_that_changed(
    dav_server, laptop, meetings_calendar, monkeypatch
):
    """The calendars run on the collection engine: an event unchanged on the server keeps
    its stored row; a changed one is rewritten, a deleted one dropped."""
    from favorbook.db.models import CalendarEvent

    add_account(dav_server)
    calendars.pick_calendars("work", [("Meetings", meetings_calendar)])
    for uid, title, day in (("a", "Kickoff", 1), ("b", "Review", 2), ("c", "Retro", 3)):
        _put(
            dav_server,
            meetings_calendar,
            uid,
            _calendar(_event(f"{uid}@test", title, _at(day, 9), _at(day, 10), KAREN)),
        )
    assert calendars.fetch_meetings("work") == 3
    before = {e.href.rsplit("/", 1)[-1]: e.id for e in CalendarEvent.select()}
    moved = _calendar(_event("b@test", "Review, moved", _at(4, 9), _at(4, 10), KAREN))
    assert dav_server.put(f"{meetings_calendar}b.ics", moved).status_code in (200, 201, 204)
    assert dav_server.request("DELETE", f"{meetings_calendar}c.ics").status_code in (200, 204)
    written = []
    from favorbook.sync import store

    real = store.put_event
    monkeypatch.setattr(
        store, "put_event", lambda cal, href, *a: (written.append(href), real(cal, href, *a))
    )
    assert calendars.fetch_meetings("work") == 2
    assert [h.rsplit("/", 1)[-1] for h in written] == ["b.ics"]
    after = {e.href.rsplit("/", 1)[-1]: e.id for e in CalendarEvent.select()}
    assert after == {"a.ics": before["a.ics"], "b.ics": before["b.ics"]}
    upcoming, _ = calendars.upcoming(7)
    assert sorted(u.meeting.title for u in upcoming) == ["Kickoff", "Review, moved"]
