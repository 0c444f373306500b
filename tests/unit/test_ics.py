"""Calendar export: follow-ups as to-dos, stay-in-touch days as all-day events."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from favorbook.db.models import Contact, FollowUp
from favorbook.formats import ics
from favorbook.services import contacts, conversations, followups


def read(path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def by_summary(cal, kind):
    return {str(c["SUMMARY"]): c for c in cal.walk(kind)}


def test_open_followups_are_todos_with_their_uid_and_due_day(db, make_contact, tmp_path, today):
    ann = make_contact("Ann", "Lee", organization="Acme", title="Buyer")
    due = today + dt.timedelta(days=3)
    fid = followups.add_followup(ann, due, "Send the case study")
    path = tmp_path / "favorbook.ics"
    ics.write_calendar(path)

    cal = read(path)
    assert "favorbook" in str(cal["PRODID"])
    assert str(cal["VERSION"]) == "2.0"
    todo = by_summary(cal, "VTODO")["Follow up: Send the case study — Ann Lee"]
    assert str(todo["UID"]) == FollowUp.get_by_id(fid).uid
    assert todo.decoded("DUE") == due
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert "Ann Lee (Buyer, Acme)" in str(todo["DESCRIPTION"])


def test_done_followups_only_when_asked(db, make_contact, tmp_path, today):
    ann = make_contact()
    fid = followups.add_followup(ann, today, "Call back")
    followups.complete(fid)
    path = tmp_path / "f.ics"
    ics.write_calendar(path)
    assert read(path).walk("VTODO") == []
    ics.write_calendar(path, include_done=True)
    (todo,) = read(path).walk("VTODO")
    assert str(todo["STATUS"]) == "COMPLETED"
    assert "COMPLETED" in todo


def test_followup_from_a_conversation_says_so(db, make_contact, tmp_path, today):
    ann = make_contact()
    conversation = conversations.log_conversation(
        ann, direction="inbound", summary="Asked about service contracts"
    )
    followups.add_followup(ann, today, "Send prices", conversation_id=conversation)
    path = tmp_path / "f.ics"
    ics.write_calendar(path)
    (todo,) = read(path).walk("VTODO")
    assert "Asked about service contracts" in str(todo["DESCRIPTION"])


def test_stay_in_touch_days_are_all_day_events_with_stable_uids(db, make_contact, tmp_path, today):
    ann = make_contact("Ann", "Lee", cadence_days=30)
    make_contact("Bo", "Chen", cadence_days=0)  # not on the clock
    path = tmp_path / "f.ics"
    assert ics.write_calendar(path) == 1
    (event,) = read(path).walk("VEVENT")
    uid = Contact.get_by_id(ann).uid
    assert str(event["UID"]) == f"stay-in-touch-{uid}@favorbook"
    assert str(event["SUMMARY"]) == "Stay in touch: Ann Lee"
    assert event.decoded("DTSTART") == today + dt.timedelta(days=30)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)  # all day
    assert str(event["TRANSP"]) == "TRANSPARENT"

    contacts.update_contact(ann, contacts.get_contact(ann).to_input())
    ics.write_calendar(path)
    (again,) = read(path).walk("VEVENT")
    assert str(again["UID"]) == str(event["UID"])


def test_an_overdue_touch_is_shown_today(db, make_contact, tmp_path, today):
    ann = make_contact(cadence_days=10)
    past = today - dt.timedelta(days=5)
    Contact.update(touch_due_on=past).where(Contact.id == ann).execute()
    path = tmp_path / "f.ics"
    ics.write_calendar(path)
    (event,) = read(path).walk("VEVENT")
    assert event.decoded("DTSTART") == today
    assert f"Due since {past.isoformat()}" in str(event["DESCRIPTION"])


def test_archived_contacts_are_left_out(db, make_contact, tmp_path, today):
    ann = make_contact()
    followups.add_followup(ann, today, "Call")
    contacts.archive_contact(ann)
    path = tmp_path / "f.ics"
    assert ics.write_calendar(path) == 0
    cal = read(path)
    assert cal.walk("VTODO") == [] and cal.walk("VEVENT") == []


def test_the_sample_network_exports_and_reads_back(db, tmp_path):
    from favorbook.sample import demo

    demo.load()
    path = tmp_path / "network.ics"
    count = ics.write_calendar(path)
    cal = read(path)
    todos, events = cal.walk("VTODO"), cal.walk("VEVENT")
    assert len(todos) == len(followups.open_followups())
    assert len(todos) + len(events) == count > 0
    assert len({str(c["UID"]) for c in todos + events}) == count


def test_a_failed_export_leaves_the_old_file(db, make_contact, tmp_path, monkeypatch):
    from favorbook.formats import atomic

    make_contact()
    path = tmp_path / "f.ics"
    path.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken)
    with pytest.raises(OSError):
        ics.write_calendar(path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["f.ics"]
