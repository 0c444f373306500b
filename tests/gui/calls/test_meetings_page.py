"""The Meetings page: fetched meetings listed, attendees added, sheets written, meetings logged."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from favorbook.db.models import AccountCalendar, CalendarEvent, Conversation, SyncAccount
from favorbook.services import contacts, meetings
from favorbook.sync import calendars
from tests.gui.helpers import column_texts


def now() -> dt.datetime:
    """When the test runs (a constant made at collection was minutes old by then, and
    a day old when the suite crossed midnight)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def tomorrow() -> dt.date:
    return dt.date.today() + dt.timedelta(days=1)


def _ics(uid: str, title: str, start: dt.datetime, end: dt.datetime, *people) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{title}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{end:%Y%m%dT%H%M%SZ}",
        "ORGANIZER;CN=The Rep:mailto:rep@mine.example",
        *(f"ATTENDEE;CN={name}:mailto:{email}" for name, email in people),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def _tomorrow_at(hour: int) -> dt.datetime:
    return dt.datetime.combine(tomorrow(), dt.time(hour)).astimezone(dt.UTC)


@pytest.fixture
def fetched(db):
    """Meetings as the last sync left them: one that ended, two tomorrow."""
    local_now = dt.datetime.now()
    if local_now.hour == 0 and local_now.minute < 10:
        pytest.skip("a meeting that ended today needs a few minutes of today behind it")
    acct = SyncAccount.create(
        name="work", url="https://dav.example.com/", username="rep", created_at=now()
    )
    cal = AccountCalendar.create(account=acct, role="meetings", url="https://x/cal/", name="Work")
    karen = contacts.create_contact(
        contacts.ContactInput(
            first_name="Karen", last_name="Lee", emails=[contacts.Labeled("karen@acme.example", "")]
        )
    )
    bo = contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Diaz"))
    start = max(
        now() - dt.timedelta(hours=1),
        dt.datetime.combine(dt.date.today(), dt.time()).astimezone(dt.UTC),
    )
    events = {
        "done": _ics(
            "done@x",
            "Quarterly review",
            start,
            now() - dt.timedelta(minutes=2),
            ("Karen Lee", "karen@acme.example"),
            ("Bo Diaz", "bo@diaz.example"),
        ),
        "t1": _ics(
            "t1@x",
            "Pricing",
            _tomorrow_at(9),
            _tomorrow_at(10),
            ("Karen Lee", "karen@acme.example"),
            ("Nia Newcomer", "nia.newcomer@new.example"),
        ),
        "t2": _ics("t2@x", "Site visit", _tomorrow_at(14), _tomorrow_at(15), ("Bo Diaz", "")),
    }
    for name, text in events.items():
        CalendarEvent.create(calendar=cal, href=f"/cal/{name}.ics", text=text)
    return {"karen": karen, "bo": bo}


def _page(window):
    page = window.meetings_page
    window.show_page(page)
    return page


def _select(page, title: str) -> None:
    titles = column_texts(page, "title")
    page.view.selectRow(titles.index(title))


def test_meetings_are_listed_with_their_attendees(window, fetched, qtmodeltester):
    page = _page(window)
    qtmodeltester.check(page.model)
    assert column_texts(page, "title") == ["Quarterly review", "Pricing", "Site visit"]
    attendees = column_texts(page, "attendees")
    assert attendees[0] == "Karen Lee, Bo Diaz"
    assert attendees[1] == "Karen Lee · 1 not a contact"
    assert column_texts(page, "state")[0] == "Ended: log it"


def test_an_unknown_attendee_becomes_a_contact_in_one_click(window, fetched, qtbot):
    page = _page(window)
    _select(page, "Pricing")
    (add,) = page.add_buttons
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    found = contacts.find_by_name("Nia Newcomer")
    assert len(found) == 1
    nia = contacts.get_contact(found[0][0])
    assert [e.value for e in nia.emails] == ["nia.newcomer@new.example"]
    assert column_texts(page, "attendees")[1] == "Karen Lee, Nia Newcomer"


def test_ctrl_shift_m_and_tomorrows_sheets_write_pdfs(window, fetched, qtbot, tmp_path):
    page = _page(window)
    meetings.set_sheets_folder(str(tmp_path))
    _select(page, "Pricing")
    page.view.setFocus()
    qtbot.keyClick(
        page.view,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    (one,) = list(tmp_path.glob("*.pdf"))
    assert one.name.endswith(" Pricing.pdf") and one.read_bytes().startswith(b"%PDF")
    folder = tmp_path / "tomorrow"
    folder.mkdir()
    page.choose_folder = lambda: str(folder)
    page.tomorrows_sheets()
    names = sorted(p.name for p in folder.glob("*.pdf"))
    assert (
        len(names) == 2 and names[0].endswith("Pricing.pdf") and names[1].endswith("Site visit.pdf")
    )


def test_log_this_meeting_logs_every_attendee_and_says_so(window, fetched, qtbot):
    page = _page(window)
    _select(page, "Pricing")
    assert not page.log_action.isEnabled(), "a meeting still to come cannot be logged"
    _select(page, "Quarterly review")
    assert page.log_action.isEnabled()
    page.log_action.trigger()
    dialog = page.form
    dialog.confirm_discard = lambda: True
    qtbot.waitExposed(dialog)
    assert dialog.summary.toPlainText() == "Quarterly review"
    assert dialog.channel.currentData() == "meeting"
    assert "Karen Lee, Bo Diaz" in dialog.with_label.text()
    dialog.summary.setPlainText("Agreed on the spring order")
    dialog.accept()
    rows = list(Conversation.select().order_by(Conversation.contact))
    assert sorted(r.contact_id for r in rows) == sorted(fetched.values())
    assert all(r.direction == "in_person" for r in rows)
    for cid in fetched.values():
        assert contacts.get_contact(cid).last_interaction_at is not None
    assert column_texts(page, "state")[0] == "Logged"
    _select(page, "Quarterly review")
    assert not page.log_action.isEnabled()
    assert page.findChild(type(dialog.with_label), "meetingLogged").text() == (
        "Logged with Bo Diaz, Karen Lee."
    )


def test_an_ics_file_adds_its_meetings_and_a_bad_one_says_why(window, db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    page = _page(window)
    assert "Pick the calendars" in page.empty_label.text()
    good = tmp_path / "work.ics"
    good.write_text(
        _ics("f1@x", "From a file", _tomorrow_at(9), _tomorrow_at(10), ("Ann Lee", "ann@x.example"))
    )
    page.ask_ics_source = lambda: str(good)
    page.add_ics_source()
    assert column_texts(page, "title") == ["From a file"]
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    page.ask_ics_source = lambda: str(bad)
    page.add_ics_source()
    assert len(warnings) == 1 and "is not an iCalendar file" in warnings[0]
    assert column_texts(page, "title") == ["From a file"]


def test_yesterdays_meeting_stays_until_it_is_logged(window, fetched, qtbot):
    cal = AccountCalendar.get()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    at = dt.datetime.combine(yesterday, dt.time(17)).astimezone(dt.UTC)
    CalendarEvent.create(
        calendar=cal,
        href="/cal/y1.ics",
        text=_ics("y1@x", "Evening dinner", at, at + dt.timedelta(hours=2), ("Bo Diaz", "")),
    )
    CalendarEvent.create(
        calendar=cal,
        href="/cal/y2.ics",
        text=_ics("y2@x", "Stranger call", at, at + dt.timedelta(hours=1), ("Zed", "z@z.example")),
    )
    page = _page(window)
    page.refresh()
    assert column_texts(page, "title")[0] == "Evening dinner"
    assert "Stranger call" not in column_texts(page, "title")
    assert column_texts(page, "when")[0] == "Yesterday 17:00–19:00"
    _select(page, "Evening dinner")
    page.log_action.trigger()
    dialog = page.form
    dialog.confirm_discard = lambda: True
    qtbot.waitExposed(dialog)
    assert dialog.when.dateTime().toPython() == dt.datetime.combine(yesterday, dt.time(17))
    messages = []
    page.bus.message.connect(messages.append)
    dialog.accept()
    assert "Evening dinner" not in column_texts(page, "title")
    assert messages[-1] == "Logged the meeting with 1 person."  # not "with 1 people"


def test_preferences_keep_the_reps_own_addresses(db, show_form):
    from favorbook.services import settings
    from favorbook.ui.shell.preferences import PreferencesDialog

    dialog = show_form(PreferencesDialog, "")
    dialog.my_emails.setText("Me@Work.example, me@home.example")
    dialog.accept()
    assert settings.get("my_emails") == ["me@work.example", "me@home.example"]
    dialog = show_form(PreferencesDialog, "")
    assert dialog.my_emails.text() == "me@work.example, me@home.example"
    dialog.my_emails.setText("not an address")
    dialog.ratio.setValue(7)
    dialog.accept()
    assert "not an email address" in dialog.error_label.text()
    assert settings.target_ratio() == 4.0, "nothing saved while one value is wrong"


def test_the_when_column_shows_a_later_day_whole(window, db):
    """A meeting days ahead is listed with its weekday, the date in the rep's format and
    its times: the column is sized for that, not cut to "Mon 2026-12-07 12:00–1…"."""
    acct = SyncAccount.create(
        name="w", url="https://dav.example.com/", username="r", created_at=now()
    )
    cal = AccountCalendar.create(account=acct, role="meetings", url="https://x/c/", name="Work")
    for ahead in range(1, 8):  # every weekday
        day = dt.date.today() + dt.timedelta(days=ahead)
        start = dt.datetime.combine(day, dt.time(12)).astimezone(dt.UTC)
        end = start + dt.timedelta(hours=1)
        text = _ics(f"m{ahead}@x", f"Lunch {ahead}", start, end, ("Bo Diaz", "bo@d.example"))
        CalendarEvent.create(calendar=cal, href=f"/c/m{ahead}.ics", text=text)
    page = _page(window)
    window.resize(1280, 800)
    column = [c.name for c in page.model.columns].index("when")
    texts = column_texts(page, "when")
    assert len(texts) == 7
    metrics = page.view.fontMetrics()
    room = page.view.horizontalHeader().sectionSize(column) - 8  # the cell's margins
    assert [t for t in texts if metrics.horizontalAdvance(t) > room] == []


def test_in_a_big_network_the_meetings_are_matched_on_a_worker_thread(
    window, fetched, qtbot, monkeypatch
):
    """Matching attendees by name read every contact's name: at 100,000 contacts each
    visit after a change held the window 0.26 s. From BACKGROUND_FROM contacts (not
    meetings) the page reads on a worker thread."""
    from tests.gui.helpers import read_on_a_worker

    page = window.meetings_page
    read_on_a_worker(window, qtbot, monkeypatch, page, (calendars, "upcoming"), big_from=2, rows=3)
    assert page.loading_text() == "Reading the meetings…"
    assert column_texts(page, "attendees")[0] == "Karen Lee, Bo Diaz"
