"""Meetings from an .ics file: recurrences and zones expanded, attendees matched, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from favorbook.cli import main
from favorbook.formats import meetings as ics
from favorbook.services import contacts, meetings, settings
from favorbook.sync import calendars


def day(offset: int) -> dt.date:
    # Today when the test runs, not when the suite was collected (minutes earlier: a
    # suite started before midnight failed after it).
    return dt.date.today() + dt.timedelta(days=offset)


def stamp(offset: int, hour: int) -> str:
    return f"{day(offset):%Y%m%d}T{hour:02d}0000"


def calendar(*events: str) -> str:
    body = "".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n"


def event(uid: str, summary: str, start: str, end: str, *lines: str) -> str:
    extra = "".join(f"{line}\r\n" for line in lines)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{summary}\r\n"
        f"{start}\r\n{end}\r\n{extra}END:VEVENT\r\n"
    )


KAREN = "ATTENDEE;CN=Karen Lee:mailto:Karen@Acme.example"
ME = "ATTENDEE;CN=The Rep:mailto:rep@mine.example"
ORGANIZER = "ORGANIZER;CN=Olga Boss:mailto:olga@acme.example"


def sample_calendar() -> str:
    return calendar(
        event(
            "single-1",
            "Pricing review",
            f"DTSTART;TZID=America/New_York:{stamp(1, 9)}",
            f"DTEND;TZID=America/New_York:{stamp(1, 10)}",
            ORGANIZER,
            KAREN,
            ME,
            "ATTENDEE;CN=Nomail Person:urn:uuid:1234",
            "ATTENDEE;CN=Olga Boss:mailto:olga@acme.example",
            "LOCATION:Acme HQ",
        ),
        event(
            "weekly-1",
            "Weekly sync",
            f"DTSTART:{stamp(0, 23)}Z",
            f"DTEND:{stamp(0, 23)}Z".replace("T23", "T23"),
            "RRULE:FREQ=DAILY;COUNT=4",
            f"EXDATE:{stamp(1, 23)}Z",
            "ATTENDEE;CN=Bo Diaz:mailto:bo@diaz.example",
            "LOCATION:https://zoom.us/j/1",
        ),
        event(
            "weekly-1",
            "Weekly sync (moved)",
            f"DTSTART:{stamp(3, 8)}Z",
            f"DTEND:{stamp(3, 9)}Z",
            f"RECURRENCE-ID:{stamp(2, 23)}Z",
            "ATTENDEE;CN=Bo Diaz:mailto:bo@diaz.example",
        ),
        event(
            "allday-1",
            "Trade fair",
            f"DTSTART;VALUE=DATE:{day(2):%Y%m%d}",
            f"DTEND;VALUE=DATE:{day(3):%Y%m%d}",
            "ATTENDEE;CN=Karen Lee:mailto:karen@acme.example",
        ),
        event("alone-1", "Dentist", f"DTSTART:{stamp(1, 7)}Z", f"DTEND:{stamp(1, 8)}Z"),
        "BEGIN:VEVENT\r\nUID:broken-1\r\nSUMMARY:No start\r\nRRULE:FREQ=WEEKLY\r\n"
        "ATTENDEE:mailto:x@y.example\r\nEND:VEVENT\r\n",
    )


@pytest.fixture
def ics_file(tmp_path):
    path = tmp_path / "cal.ics"
    path.write_text(sample_calendar(), encoding="utf-8")
    return path


def test_recurrences_zones_and_all_day_events_expand(db, ics_file):
    start, end = ics.window(7)
    found, problems = ics.meetings_between(
        [(ics.read_ics(str(ics_file)), "cal.ics")], start, end, leave_out={"rep@mine.example"}
    )
    by_uid: dict[str, list] = {}
    for m in found:
        by_uid.setdefault(m.uid, []).append(m)
    assert "alone-1" not in by_uid, "an event with nobody invited is no meeting"
    weekly = [m.start_utc for m in by_uid["weekly-1"]]
    base = dt.datetime.combine(day(0), dt.time(23))
    # day 0 as it is, day 1 excluded, day 2 moved to day 3 08:00, day 3 as it is
    assert weekly == [base, dt.datetime.combine(day(3), dt.time(8)), base + dt.timedelta(days=3)]
    assert by_uid["weekly-1"][1].title == "Weekly sync (moved)"
    (single,) = by_uid["single-1"]
    new_york = dt.datetime.combine(day(1), dt.time(9)).replace(
        tzinfo=__import__("zoneinfo").ZoneInfo("America/New_York")
    )
    assert single.start == new_york
    names = [a.label for a in single.attendees]
    assert names == ["Karen Lee <karen@acme.example>", "Nomail Person"]  # organizer, rep out
    (fair,) = by_uid["allday-1"]
    assert fair.all_day and fair.day == day(2)
    assert single.channel == "meeting" and by_uid["weekly-1"][0].channel == "call"
    assert any("No start" in p and "left out" in p for p in problems)


def test_attendees_match_by_email_then_by_name(db, make_contact, ics_file):
    karen = make_contact("Karen", "Lee", emails=[contacts.Labeled("karen@acme.example", "")])
    nomail = make_contact("Nomail", "Person")
    settings.put("my_emails", ["rep@mine.example"])
    found, _ = calendars.upcoming(7, calendars=[(ics.read_ics(str(ics_file)), "f")])
    single = next(u for u in found if u.meeting.uid == "single-1")
    assert single.contact_ids == [karen, nomail]
    weekly = next(u for u in found if u.meeting.uid == "weekly-1")
    assert weekly.contact_ids == [None]


def test_logging_a_meeting_logs_each_attendee_and_says_so(db, make_contact, ics_file):
    karen = make_contact("Karen", "Lee", emails=[contacts.Labeled("karen@acme.example", "")])
    bo = make_contact("Bo", "Diaz", emails=[contacts.Labeled("bo@diaz.example", "")])
    source = [(ics.read_ics(str(ics_file)), "f")]
    found, _ = calendars.upcoming(7, calendars=source)
    first = next(u for u in found if u.meeting.uid == "weekly-1")
    ids = meetings.log_meeting(
        first.meeting.uid,
        first.meeting.start_utc,
        [bo, karen],
        "in_person",
        "Went through the plan",
        occurred_at=dt.datetime.now() - dt.timedelta(minutes=5),
    )
    assert len(ids) == 2
    assert contacts.get_contact(bo).last_interaction_at is not None
    assert contacts.get_contact(karen).touch_due_on is not None
    again, _ = calendars.upcoming(7, calendars=source)
    logged = [u for u in again if u.logged_ids]
    assert [(u.meeting.uid, u.meeting.start_utc) for u in logged] == [
        (first.meeting.uid, first.meeting.start_utc)
    ], "only that occurrence is logged, not the next ones"
    assert meetings.logged_with(first.meeting.uid, first.meeting.start_utc) == [
        "Bo Diaz",
        "Karen Lee",
    ]


def test_cli_meetings_lists_json_with_matches(db, make_contact, ics_file, capsys):
    karen = make_contact("Karen", "Lee", emails=[contacts.Labeled("karen@acme.example", "")])
    assert main(["meetings", "--ics", str(ics_file), "--json", "--days", "3"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    single = next(r for r in rows if r["uid"] == "single-1")
    assert single["title"] == "Pricing review"
    people = {a["name"]: a["contact_id"] for a in single["attendees"]}
    assert people["Karen Lee"] == karen and people["Nomail Person"] is None
    assert "No start" in out.err  # the broken event is named, not dropped silently
    assert main(["meetings", "--ics", str(ics_file)]) == 0
    text = capsys.readouterr().out
    assert "Pricing review" in text and f"contact {karen}: Karen Lee" in text


def test_cli_meetings_refuses_a_file_that_is_not_icalendar(db, tmp_path, capsys):
    bad = tmp_path / "notes.ics"
    bad.write_text("BEGIN:VCARD\nFN:x\nEND:VCARD\n")
    assert main(["meetings", "--ics", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not an iCalendar file" in err and "Traceback" not in err
    assert main(["meetings", "--ics", str(tmp_path / "missing.ics")]) == 2


def test_cli_meeting_sheet(db, make_contact, ics_file, tmp_path, capsys, data_dir):
    from tests.unit.test_cli_sheet import run  # a process of its own: the PDF needs Qt

    make_contact("Karen", "Lee", emails=[contacts.Labeled("karen@acme.example", "")])
    make_contact("Nomail", "Person")
    out = tmp_path / "m.pdf"
    args = ["--meeting", "single-1", "--ics", str(ics_file), "--out", str(out)]
    result = run("--data-dir", str(data_dir), "sheet", *args)
    assert result.returncode == 0, result.stderr
    assert "2 pages for 2 attendees of" in result.stdout
    assert out.read_bytes().startswith(b"%PDF")
    other = tmp_path / "x.pdf"
    assert main(["sheet", "--meeting", "nope", "--ics", str(ics_file), "--out", str(other)]) == 2
    assert "no meeting with UID 'nope'" in capsys.readouterr().err
    assert not other.exists()


def test_ten_thousand_events_and_malformed_ones(db, tmp_path, capsys):
    lines = []
    for i in range(10_000):
        offset = i % 30
        lines.append(
            event(
                f"bulk-{i}",
                f"Meeting {i}",
                f"DTSTART:{stamp(offset, 10)}Z",
                f"DTEND:{stamp(offset, 11)}Z",
                f"ATTENDEE;CN=Person {i}:mailto:p{i}@bulk.example",
            )
        )
    lines.append("BEGIN:VEVENT\r\nUID:bad-rule\r\nSUMMARY:Bad rule\r\n")
    lines.append(f"DTSTART:{stamp(1, 9)}Z\r\nRRULE:FREQ=SOMETIMES\r\n")
    lines.append("ATTENDEE:mailto:z@z.example\r\nEND:VEVENT\r\n")
    path = tmp_path / "big.ics"
    path.write_text(calendar(*lines), encoding="utf-8")
    assert main(["meetings", "--ics", str(path), "--json", "--days", "2"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    expected = sum(1 for i in range(10_000) if i % 30 <= 2)
    assert len(rows) == expected
    assert "Bad rule" in out.err and "left out" in out.err


def test_the_sample_network_has_a_week_of_meetings_and_captures(db):
    from favorbook.db.models import AccountCalendar, InboxCapture
    from favorbook.sample import demo
    from favorbook.sync import inbox

    demo.load(60, seed=2)
    found, problems = calendars.upcoming(7)
    assert problems == [] and len(found) == 7
    assert {u.meeting.day for u in found} >= {day(0), day(1)}
    assert all(u.matched for u in found)
    assert sum(c is None for u in found for c in u.contact_ids) == 2  # the newcomers
    waiting = inbox.waiting()
    assert len(waiting) == 4 and all(w.suggestion.contact_id for w in waiting)
    demo.load(60, seed=2)  # loading again replaces the week, never doubles it
    assert len(calendars.upcoming(7)[0]) == 7 and len(inbox.waiting()) == 4
    demo.remove_sample()
    assert calendars.upcoming(7)[0] == [] and inbox.waiting() == []
    assert AccountCalendar.select().count() == InboxCapture.select().count() == 0


def test_the_reps_own_addresses_are_left_out(db, ics_file):
    from favorbook.errors import ValidationError

    source = [(ics.read_ics(str(ics_file)), "f")]
    found, _ = calendars.upcoming(7, calendars=source)
    single = next(u for u in found if u.meeting.uid == "single-1")
    assert "rep@mine.example" in [a.email for a in single.meeting.attendees]
    meetings.set_rep_addresses(["  Rep@Mine.example ", ""])
    found, _ = calendars.upcoming(7, calendars=source)
    single = next(u for u in found if u.meeting.uid == "single-1")
    assert "rep@mine.example" not in [a.email for a in single.meeting.attendees]
    with pytest.raises(ValidationError, match="not an email address"):
        meetings.set_rep_addresses(["rep at mine"])
    assert settings.get("my_emails") == ["rep@mine.example"]


def test_an_ics_file_added_as_a_source_is_read_again_when_it_changes(db, ics_file, tmp_path):
    import os

    from favorbook.errors import ValidationError

    name = calendars.add_ics_source(str(ics_file))
    assert name == "cal.ics" and calendars.ics_sources() == [str(ics_file)]
    assert {u.meeting.uid for u in calendars.upcoming(7)[0]} >= {"single-1", "weekly-1"}
    ics_file.write_text(
        calendar(
            event("new-1", "Fresh", f"DTSTART:{stamp(1, 9)}Z", f"DTEND:{stamp(1, 10)}Z", KAREN)
        )
    )
    later = os.path.getmtime(ics_file) + 5
    os.utime(ics_file, (later, later))
    assert calendars.refresh_ics_sources(addresses=False) == []
    assert [u.meeting.uid for u in calendars.upcoming(7)[0]] == ["new-1"]
    bad = tmp_path / "bad.ics"
    bad.write_text("not a calendar")
    with pytest.raises(ValidationError, match="not an iCalendar file"):
        calendars.add_ics_source(str(bad))
    assert calendars.ics_sources() == [str(ics_file)]
    ics_file.unlink()
    problems = calendars.refresh_ics_sources(addresses=False)
    assert calendars.upcoming(7)[0], "a file gone keeps what was read before"
    assert problems == ["cal.ics: No such file or directory (showing what was read before)"]
    calendars.remove_ics_source(str(ics_file))
    assert calendars.upcoming(7)[0] == []
