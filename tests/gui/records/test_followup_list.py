"""Follow-ups: the page with its state filter and stay-in-touch section, and a contact's tab."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from favorbook.services import conversations, followups
from favorbook.ui.records.followup_list import FollowUpList
from favorbook.ui.shell.style import warning_color
from tests.gui.helpers import column_texts, show_active


@pytest.fixture
def promises(make_contact, today):
    ann = make_contact("Ann", "Lee")
    bob = make_contact("Bob", "Stone")
    ids = {
        "late": followups.add_followup(ann, today - dt.timedelta(days=3), "Send the case study"),
        "today": followups.add_followup(bob, today, "Call about the renewal"),
        "later": followups.add_followup(ann, today + dt.timedelta(days=5), "Check the intro"),
        "done": followups.add_followup(bob, today - dt.timedelta(days=9), "Thank for referral"),
    }
    followups.complete(ids["done"])
    return ann, bob, ids


def make_view(qtbot, bus, contact_id=None) -> FollowUpList:
    return show_active(qtbot, FollowUpList(bus, contact_id), 1000, 700)


def set_state(view, state: str) -> None:
    view.state_combo.setCurrentIndex(view.state_combo.findData(state))


def test_page_shows_open_follow_ups_by_default_and_filters_by_state(
    qtbot, bus, promises, qtmodeltester
):
    page = make_view(qtbot, bus)
    assert page.findChild(QAbstractItemView, "followUpList") is page.view
    assert column_texts(page, "title") == [
        "Send the case study",
        "Call about the renewal",
        "Check the intro",
    ]
    assert column_texts(page, "state") == ["Overdue by 3 days", "Due today", "In 5 days"]
    assert page.counts_label.text() == "3 open, 1 overdue"
    qtmodeltester.check(page.model)
    set_state(page, "overdue")
    assert column_texts(page, "title") == ["Send the case study"]
    set_state(page, "done")
    assert column_texts(page, "state") == ["Done"]
    set_state(page, "all")
    assert len(column_texts(page, "title")) == 4
    qtmodeltester.check(page.model)


def test_overdue_is_red_and_due_today_bold(qtbot, bus, promises):
    page = make_view(qtbot, bus)
    state = page.model.column_named("state")
    late = page.model.index(0, state)
    assert late.data(Qt.ItemDataRole.ForegroundRole) == warning_color()
    assert page.model.index(1, state).data(Qt.ItemDataRole.FontRole).bold()
    assert page.model.index(2, state).data(Qt.ItemDataRole.ForegroundRole) is None


def test_tab_shows_one_contacts_follow_ups(qtbot, bus, promises, qtmodeltester):
    ann, bob, _ = promises
    tab = make_view(qtbot, bus, ann)
    assert tab.findChild(QAbstractItemView, "contactFollowUpList") is tab.view
    assert tab.model.column_named("contact") is None
    assert column_texts(tab, "title") == ["Send the case study", "Check the intro"]
    assert tab.touch_view is None
    qtmodeltester.check(tab.model)
    tab.set_contact(bob)
    assert column_texts(tab, "title") == ["Call about the renewal", "Thank for referral"]


def test_space_marks_done_and_undo_reopens(qtbot, bus, promises):
    _, _, ids = promises
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)
    page.select_id(ids["late"])
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    assert "Send the case study" not in column_texts(page, "title")
    assert ids["late"] not in {f.id for f in followups.list_followups("open")}
    assert messages[-1].startswith("Follow-up done")
    # The selection moves on to the next one, so Space can work down the list.
    assert page.current_record().id == ids["today"]

    bus.undo_stack.undo()
    assert column_texts(page, "title")[0] == "Send the case study"
    assert column_texts(page, "state")[0] == "Overdue by 3 days"
    bus.undo_stack.redo()
    assert "Send the case study" not in column_texts(page, "title")


def test_a_done_follow_up_can_be_reopened(qtbot, bus, promises):
    _, _, ids = promises
    page = make_view(qtbot, bus)
    set_state(page, "done")
    page.select_id(ids["done"])
    assert page.done_action.iconText() == "Mark not done"
    page.done_action.trigger()
    assert ids["done"] in {f.id for f in followups.list_followups("open")}


def test_snooze_a_week_from_today_for_an_overdue_one(qtbot, bus, promises, today):
    _, _, ids = promises
    page = make_view(qtbot, bus)
    page.select_id(ids["late"])
    page.snooze_action.trigger()
    row = page.model.row_of(ids["late"])
    assert page.model.index(row, 0).data() == (today + dt.timedelta(days=7)).isoformat()
    bus.undo_stack.undo()
    row = page.model.row_of(ids["late"])
    assert page.model.index(row, 0).data() == (today - dt.timedelta(days=3)).isoformat()


def test_requests_carry_the_contact_and_the_follow_up(qtbot, bus, promises):
    ann, _, ids = promises
    page = make_view(qtbot, bus)
    with qtbot.waitSignal(page.newFollowUpRequested) as blocker:
        page.new_action.trigger()
    assert blocker.args == [None]
    page.select_id(ids["later"])
    with qtbot.waitSignal(page.rescheduleRequested) as blocker:
        page.reschedule_action.trigger()
    assert blocker.args == [ids["later"]]
    tab = make_view(qtbot, bus, ann)
    with qtbot.waitSignal(tab.newFollowUpRequested) as blocker:
        tab.new_action.trigger()
    assert blocker.args == [ann]


def test_stay_in_touch_section_lists_contacts_due(qtbot, bus, make_contact, qtmodeltester, today):
    quiet = make_contact("Quinn", "Hale", cadence_days=30)
    make_contact("Nora", "Fresh", cadence_days=30)
    conversations.log_conversation(
        quiet, "outbound", "Last call", occurred_at=today - dt.timedelta(days=40)
    )
    page = make_view(qtbot, bus)
    model = page.touch_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Quinn Hale"]
    assert page.touch_label.text() == "Due for a touch (1)"
    assert model.index(0, 1).data() == (today - dt.timedelta(days=10)).isoformat()
    qtmodeltester.check(model)
    rect = page.touch_view.visualRect(model.index(0, 0))
    qtbot.mouseClick(page.touch_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.mouseDClick(page.touch_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [quiet]


def test_empty_page_says_how_to_add_one(qtbot, bus, db):
    page = make_view(qtbot, bus)
    assert page.stack.currentWidget() is page.empty_label
    assert page.empty_label.text().startswith("No open follow-ups — Add follow-up…")
    set_state(page, "overdue")
    assert page.empty_label.text() == "Nothing overdue. Well done."


def test_mark_done_is_offered_with_the_other_actions_and_space_still_types_in_the_filter(
    qtbot, bus, promises
):
    _, _, ids = promises
    page = make_view(qtbot, bus)
    page.select_id(ids["late"])
    # The window's Actions menu lists the page's own actions.
    assert page.done_action in page.actions() and page.done_action in page.view.actions()
    page.filter_edit.setFocus()
    qtbot.keyClicks(page.filter_edit, "the case")
    assert page.filter_edit.text() == "the case"
    assert ids["late"] in {f.id for f in followups.list_followups("open")}


def test_many_follow_ups_are_read_on_a_worker_thread_with_those_due_a_touch(
    qtbot, bus, promises, make_contact, today, monkeypatch
):
    """102,634 follow-ups and 48,158 contacts due for a touch held the window 0.8 s when
    the page was first shown: from BACKGROUND_FROM on they are read on a worker thread."""
    from favorbook.ui.records import record_list
    from tests.gui.helpers import Gated

    quiet = make_contact("Quinn", "Hale", cadence_days=30)
    conversations.log_conversation(
        quiet, "outbound", "Last call", occurred_at=today - dt.timedelta(days=40)
    )
    monkeypatch.setattr(record_list, "BACKGROUND_FROM", 2)
    read = Gated(monkeypatch, followups, "stay_in_touch_due")
    page = FollowUpList(bus)
    qtbot.addWidget(page)
    page.show()
    assert page.is_loading() and page.empty_label.text() == "Reading follow-ups…"
    assert not page.touch_empty.isVisible() and not page.touch_view.isVisible()  # not known yet
    set_state(page, "all")  # chosen while it reads: read again in that state
    read.open()
    qtbot.waitUntil(lambda: not page.is_loading() and page.model.rowCount() == 4, timeout=10000)
    assert read.on_window_thread == [False, False]
    model = page.touch_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Quinn Hale"]
