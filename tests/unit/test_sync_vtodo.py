"""Follow-ups and stay-in-touch dates <-> VTODO text (favorbook.sync.vtodo)."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.sync import vtodo

NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
DUE = dt.date(2026, 12, 1)


def followup(**kw):
    values = dict(
        uid="f-1", title="Send the white paper", due_on=DUE, done_at=None, contact_uid="c-1"
    )
    values.update(kw)
    return vtodo.followup_task(**values)


def lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_a_followup_becomes_a_task_linked_to_its_contact():
    text = vtodo.to_ical(followup(), contact_name="Ann Lee", contact_label="Ann Lee (CTO)", now=NOW)
    got = lines(text)
    assert "BEGIN:VTODO" in got and text.endswith("END:VCALENDAR\r\n")
    assert "UID:f-1" in got
    assert "SUMMARY:Send the white paper — Ann Lee" in got
    assert "DUE;VALUE=DATE:20261201" in got
    assert "STATUS:NEEDS-ACTION" in got
    assert "X-FAVORBOOK-CONTACT:urn:uuid:c-1" in got
    assert "DESCRIPTION:Follow-up with Ann Lee (CTO)." in got
    assert not any(line.startswith("COMPLETED") for line in got)
    assert "\n" not in text.replace("\r\n", "")  # CRLF line ends only


def test_round_trip_keeps_title_due_done_and_contact():
    task = followup()
    back = vtodo.from_ical(vtodo.to_ical(task, contact_name="Ann Lee", now=NOW))
    assert back == task
    assert back.fields() == {"title": "Send the white paper", "due": DUE, "done": False}


def test_a_title_with_a_dash_of_its_own_survives():
    task = followup(title="Call back — about the order")
    assert vtodo.from_ical(vtodo.to_ical(task, contact_name="Ann Lee", now=NOW)) == task


def test_a_done_followup_is_completed_with_its_time():
    done_at = dt.datetime(2026, 11, 20, 15, 0)
    text = vtodo.to_ical(followup(done_at=done_at), contact_name="Ann Lee", now=NOW)
    got = lines(text)
    assert "STATUS:COMPLETED" in got
    assert "COMPLETED:20261120T150000Z" in got
    assert "PERCENT-COMPLETE:100" in got
    back = vtodo.from_ical(text)
    assert back.done and back.done_at == done_at


def test_completing_on_a_phone_reads_as_done():
    text = vtodo.to_ical(followup(), contact_name="Ann Lee", now=NOW)
    phone = text.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED\r\nCOMPLETED:20261123T081500Z")
    back = vtodo.from_ical(phone)
    assert back.done and back.done_at == dt.datetime(2026, 11, 23, 8, 15)
    # a client that only sets COMPLETED, or only PERCENT-COMPLETE:100
    only = text.replace("STATUS:NEEDS-ACTION\r\n", "COMPLETED:20261123T081500Z\r\n")
    assert vtodo.from_ical(only).done
    percent = text.replace("STATUS:NEEDS-ACTION\r\n", "PERCENT-COMPLETE:100\r\n")
    assert vtodo.from_ical(percent).done


def test_reopening_on_a_phone_reads_as_open():
    text = vtodo.to_ical(
        followup(done_at=dt.datetime(2026, 11, 20, 15, 0)), contact_name="Ann Lee", now=NOW
    )
    reopened = "\r\n".join(
        "STATUS:NEEDS-ACTION" if line == "STATUS:COMPLETED" else line
        for line in lines(text)
        if not line.startswith(("COMPLETED:", "PERCENT-COMPLETE"))
    )
    back = vtodo.from_ical(reopened)
    assert not back.done and back.done_at is None


def test_a_due_change_on_either_side():
    text = vtodo.to_ical(followup(), contact_name="Ann Lee", now=NOW)
    moved = text.replace("DUE;VALUE=DATE:20261201", "DUE;VALUE=DATE:20261205")
    assert vtodo.from_ical(moved).due == dt.date(2026, 12, 5)
    # favorbook moves it: written over the server's copy
    again = vtodo.to_ical(
        followup(due_on=dt.date(2026, 12, 9)), contact_name="Ann Lee", base=text, now=NOW
    )
    assert "DUE;VALUE=DATE:20261209" in lines(again)
    assert vtodo.from_ical(again).due == dt.date(2026, 12, 9)


def test_a_time_of_day_set_on_the_phone_is_kept_when_favorbook_moves_the_day():
    text = vtodo.to_ical(followup(), contact_name="Ann Lee", now=NOW)
    phone = text.replace("DUE;VALUE=DATE:20261201", "DUE:20261201T091500")  # floating time
    assert vtodo.from_ical(phone).due == DUE
    same = vtodo.to_ical(followup(title="New title"), contact_name="Ann Lee", base=phone, now=NOW)
    assert "DUE:20261201T091500" in lines(same)
    moved = vtodo.to_ical(
        followup(due_on=dt.date(2026, 12, 3)), contact_name="Ann Lee", base=phone, now=NOW
    )
    assert "DUE:20261203T091500" in lines(moved)


PHONE_TASK = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Phone Inc//Reminders 9//EN\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VTODO\r\n"
    "UID:f-1\r\n"
    "DTSTAMP:20261122T080000Z\r\n"
    "SUMMARY:Send the white paper — Ann Lee\r\n"
    "DUE;VALUE=DATE:20261201\r\n"
    "STATUS:NEEDS-ACTION\r\n"
    "PRIORITY:1\r\n"
    "X-APPLE-SORT-ORDER:42\r\n"
    "X-PHONE-FLAGGED;X-PARAM=yes:TRUE\r\n"
    "X-FAVORBOOK-CONTACT:urn:uuid:c-1\r\n"
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    "END:VTODO\r\n"
    "END:VCALENDAR\r\n"
)


def test_what_a_phone_added_is_kept_when_favorbook_writes_the_task_again():
    text = vtodo.to_ical(
        followup(done_at=dt.datetime(2026, 11, 24, 10, 0)),
        contact_name="Ann Lee",
        base=PHONE_TASK,
        now=NOW,
    )
    got = lines(text)
    for kept in (
        "PRIORITY:1",
        "X-APPLE-SORT-ORDER:42",
        "X-PHONE-FLAGGED;X-PARAM=yes:TRUE",
        "BEGIN:VALARM",
        "TRIGGER:-PT15M",
        "TZID:Europe/Berlin",
    ):
        assert kept in got, kept
    assert "STATUS:COMPLETED" in got and "STATUS:NEEDS-ACTION" not in got
    assert got.count("BEGIN:VTODO") == 1 and got.count("UID:f-1") == 1
    assert "SEQUENCE:1" in got


def test_a_stay_in_touch_date_becomes_a_task():
    task = vtodo.touch_task("c-9", dt.date(2027, 1, 15))
    assert task.uid == "touch-c-9"
    text = vtodo.to_ical(task, contact_name="Bo Diaz", now=NOW)
    got = lines(text)
    assert "UID:touch-c-9" in got
    assert "SUMMARY:Stay in touch — Bo Diaz" in got
    assert "DUE;VALUE=DATE:20270115" in got
    assert "X-FAVORBOOK-CONTACT:urn:uuid:c-9" in got
    back = vtodo.from_ical(text)
    assert back == task and back.kind == vtodo.TOUCH


def test_a_stay_in_touch_task_without_favorbook_properties_is_still_known_by_its_uid():
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:touch-c-9\r\n"
        "DTSTAMP:20261122T080000Z\r\nSUMMARY:Stay in touch\r\nSTATUS:COMPLETED\r\n"
        "END:VTODO\r\nEND:VCALENDAR\r\n"
    )
    back = vtodo.from_ical(text)
    assert back.kind == vtodo.TOUCH and back.contact_uid == "c-9" and back.done
    assert back.due is None


def test_nothing_but_the_title_and_the_contact_name_goes_into_the_task():
    text = vtodo.to_ical(followup(), contact_name="Ann Lee", now=NOW)
    names = {line.split(":")[0].split(";")[0] for line in lines(text) if line}
    assert names <= {
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "UID",
        "CREATED",
        "CATEGORIES",
        *vtodo.OWNED,
    }


def test_text_without_a_task_is_refused():
    event = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:e\r\n"
        "DTSTAMP:20261122T080000Z\r\nDTSTART:20261122T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(ValueError):
        vtodo.from_ical(event)
    with pytest.raises(ValueError):
        vtodo.from_ical("not a calendar at all")
    assert vtodo.uid_of(event) is None
    assert vtodo.uid_of(PHONE_TASK) == "f-1"


def test_only_a_calendar_of_one_plain_vtodo_goes_into_a_whole_collection_upload():
    """The server files the components of one whole-collection request by UID: a text with
    a time zone or a second component goes up on its own; an alarm inside the VTODO is fine."""
    from favorbook.sync.collection import Upload
    from favorbook.sync.tasks import Tasks

    task = vtodo.followup_task("f-1", "Call back", dt.date(2026, 5, 4), None, "c-1")
    text = vtodo.to_ical(task, contact_name="Ann Lee")
    tasks = Tasks()
    part = tasks.bulk_part(Upload("/cal/f-1.ics", text, create=True), "f-1")
    assert part is not None and part.startswith("BEGIN:VTODO\r\n") and "UID:f-1\r\n" in part
    assert tasks.bulk_part(Upload("/cal/f-1.ics", text, create=True), "f-2") is None
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\n"
    with_alarm = text.replace("END:VTODO", alarm + "END:VTODO")
    assert alarm in tasks.bulk_part(Upload("/cal/f-1.ics", with_alarm, create=True), "f-1")
    zone = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nEND:VTIMEZONE\r\n"
    with_zone = text.replace("BEGIN:VTODO", zone + "BEGIN:VTODO")
    assert tasks.bulk_part(Upload("/cal/f-1.ics", with_zone, create=True), "f-1") is None
    two = text.replace("END:VCALENDAR", part + "END:VCALENDAR")
    assert tasks.bulk_part(Upload("/cal/f-1.ics", two, create=True), "f-1") is None
    body = tasks.bulk_body([part, part.replace("f-1", "f-2")]).decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VTODO") == 2
