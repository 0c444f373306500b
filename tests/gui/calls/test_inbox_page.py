"""The Inbox page: Enter accepts a capture's suggestion, Delete dismisses, Edit uses the form."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from favorbook.db.models import Favor, FollowUp, InboxCapture, SyncAccount
from favorbook.services import contacts
from tests.gui.helpers import column_texts

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def captured(db):
    acct = SyncAccount.create(
        name="work", url="https://dav.example.com/", username="rep", created_at=NOW
    )
    meg = contacts.create_contact(
        contacts.ContactInput(first_name="Margaret", last_name="Oyelaran")
    )
    texts = [
        "Meg called: onboarding help, I'll do it today — IOU",
        "Send Margaret the price list tomorrow",
        "Nothing worth keeping",
    ]
    for n, text in enumerate(texts):
        InboxCapture.create(
            account=acct,
            uid=f"c{n}",
            href=f"/inbox/c{n}.ics",
            text=text,
            captured_at=NOW - dt.timedelta(seconds=30 - n),
        )
    return meg


def _page(window):
    page = window.inbox_page
    window.show_page(page)
    return page


def _status() -> list[str]:
    return [c.status for c in InboxCapture.select().order_by(InboxCapture.uid)]


def test_enter_accepts_and_delete_dismisses(window, captured, qtbot, qtmodeltester):
    page = _page(window)
    qtmodeltester.check(page.model)
    assert column_texts(page, "who")[:2] == ["Margaret Oyelaran", "Margaret Oyelaran"]
    assert column_texts(page, "suggestion")[0] == "Favor given (IOU)"
    page.view.selectRow(0)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    (favor,) = Favor.select()
    assert (favor.contact_id, favor.direction, favor.expectation) == (captured, "given", "iou")
    assert _status() == ["accepted", "waiting", "waiting"]
    assert column_texts(page, "text") == [
        "Send Margaret the price list tomorrow",
        "Nothing worth keeping",
    ]
    assert page.summary.text().startswith("2 captures waiting")
    page.view.selectRow(1)
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert _status() == ["accepted", "waiting", "dismissed"]
    assert page.summary.text().startswith("1 capture waiting ·")


def test_edit_opens_the_usual_form_and_saving_accepts(window, captured, qtbot):
    page = _page(window)
    page.view.selectRow(1)
    page.edit_action.trigger()
    dialog = page.form
    dialog.confirm_discard = lambda: True
    qtbot.waitExposed(dialog)
    assert dialog.title_edit.text() == "Send Margaret the price list tomorrow"
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert dialog.due.date().toPython() == tomorrow
    dialog.title_edit.setText("Send the 2027 price list")
    dialog.accept()
    (fu,) = FollowUp.select()
    assert (fu.contact_id, fu.title) == (captured, "Send the 2027 price list")
    assert _status() == ["waiting", "accepted", "waiting"]


def test_in_a_big_network_the_captures_are_read_on_a_worker_thread(
    window, captured, qtbot, monkeypatch
):
    """Guessing whom each capture names read every contact's nicknames: 0.17 s with the
    window held at 100,000 contacts. From BACKGROUND_FROM contacts it reads on a worker."""
    from favorbook.sync import inbox
    from tests.gui.helpers import read_on_a_worker

    page = window.inbox_page
    read_on_a_worker(window, qtbot, monkeypatch, page, (inbox, "waiting"), big_from=1, rows=3)
    assert page.loading_text() == "Reading the inbox…"
    assert column_texts(page, "who")[:2] == ["Margaret Oyelaran", "Margaret Oyelaran"]
