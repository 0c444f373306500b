"""The conversation log: the Conversations page and a contact's Conversations tab."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView

from favorbook.services import contacts, conversations, followups, questions
from favorbook.ui.records.conversation_log import ConversationLog
from favorbook.ui.shell.style import green_text
from tests.gui.helpers import column_texts, show_active


@pytest.fixture
def talks(make_contact, today):
    questions.ensure_starter_questions()
    bank = questions.list_questions()
    ann = make_contact("Ann", "Lee")
    bob = make_contact("Bob", "Stone")
    call = conversations.log_conversation(
        ann,
        "inbound",
        "She called about the tender\nSecond line of the summary",
        occurred_at=today - dt.timedelta(days=3),
        problems="Their installer is retiring",
        opportunities="Consolidating suppliers next year",
        follow_up_on=today + dt.timedelta(days=4),
        follow_up_title="Send the case study",
        answers={bank[0].id: "Win the hospital tender", bank[1].id: "Two more depots"},
    )
    older = conversations.log_conversation(
        ann, "outbound", "Checked in after the fair", occurred_at=today - dt.timedelta(days=30)
    )
    lunch = conversations.log_conversation(
        bob, "in_person", "Lunch at the club", channel="meeting", occurred_at=today
    )
    return ann, bob, {"call": call, "older": older, "lunch": lunch, "bank": bank}


def make_view(qtbot, bus, contact_id=None) -> ConversationLog:
    return show_active(qtbot, ConversationLog(bus, contact_id), 1100, 600)


def test_page_lists_everyone_and_tab_one_contact(qtbot, bus, talks, qtmodeltester):
    ann, bob, _ = talks
    page = make_view(qtbot, bus)
    assert page.findChild(QAbstractItemView, "conversationList") is page.view
    assert column_texts(page, "contact") == ["Bob Stone", "Ann Lee", "Ann Lee"]
    assert column_texts(page, "summary")[1] == "She called about the tender"
    qtmodeltester.check(page.model)

    tab = make_view(qtbot, bus, ann)
    assert tab.findChild(QAbstractItemView, "contactConversationList") is tab.view
    assert column_texts(tab, "summary") == [
        "She called about the tender",
        "Checked in after the fair",
    ]
    assert "50%" in tab.stats_label.text() and "started by them" in tab.stats_label.text()
    qtmodeltester.check(tab.model)
    tab.set_contact(bob)
    assert column_texts(tab, "summary") == ["Lunch at the club"]
    assert "0%" in tab.stats_label.text()


def test_inbound_calls_stand_out_and_learned_is_shortened(qtbot, bus, talks):
    page = make_view(qtbot, bus)
    model = page.model
    row = model.row_of(talks[2]["call"])
    direction = model.index(row, model.column_named("direction"))
    assert direction.data() == "← Inbound"
    assert direction.data(Qt.ItemDataRole.FontRole).bold()
    assert direction.data(Qt.ItemDataRole.ForegroundRole) == QColor(green_text())
    other = model.index(model.row_of(talks[2]["older"]), model.column_named("direction"))
    assert other.data(Qt.ItemDataRole.FontRole) is None
    learned = model.index(row, model.column_named("learned")).data()
    assert learned == (
        "Problem: Their installer is retiring · Opportunity: Consolidating suppliers next year"
    )


def test_detail_pane_shows_the_whole_conversation_with_answers(qtbot, bus, talks):
    _, _, ids = talks
    page = make_view(qtbot, bus)
    page.select_id(ids["call"])
    text = page.detail.toPlainText()
    assert "Second line of the summary" in text
    assert "Their installer is retiring" in text
    assert ids["bank"][0].text in text and "Win the hospital tender" in text
    assert "Send the case study" in text


def test_text_and_direction_filters(qtbot, bus, talks):
    page = make_view(qtbot, bus)
    page.direction_combo.setCurrentIndex(page.direction_combo.findData("inbound"))
    assert column_texts(page, "summary") == ["She called about the tender"]
    page.direction_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.filter_edit, "retiring")
    assert column_texts(page, "summary") == ["She called about the tender"]
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, "stone")
    assert column_texts(page, "contact") == ["Bob Stone"]


def test_delete_and_undo_bring_back_follow_ups_and_answers(qtbot, bus, talks, today):
    ann, _, ids = talks
    before = contacts.get_contact(ann)
    page = make_view(qtbot, bus)
    page.select_id(ids["call"])
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert ids["call"] not in {c.id for c in conversations.list_conversations()}
    assert page.model.row_of(ids["call"]) is None
    assert followups.list_followups("all", conversation_id=ids["call"]) == []
    assert contacts.get_contact(ann).touch_due_on != before.touch_due_on

    bus.undo_stack.undo()
    restored = [c for c in conversations.list_conversations(ann) if c.id == ids["call"]]
    assert restored and restored[0].problems == "Their installer is retiring"
    assert [f.title for f in followups.list_followups("all", conversation_id=ids["call"])] == [
        "Send the case study"
    ]
    answers = questions.answers_in_conversation(ids["call"])
    assert [a.answer for a in answers] == ["Win the hospital tender", "Two more depots"]
    assert contacts.get_contact(ann).touch_due_on == before.touch_due_on
    page.select_id(ids["call"])
    assert "Two more depots" in page.detail.toPlainText()

    bus.undo_stack.redo()
    assert page.model.row_of(ids["call"]) is None


def test_log_conversation_request_carries_the_contact(qtbot, bus, talks):
    ann, _, _ = talks
    page = make_view(qtbot, bus)
    with qtbot.waitSignal(page.newConversationRequested) as blocker:
        page.new_action.trigger()
    assert blocker.args == [None]
    tab = make_view(qtbot, bus, ann)
    tab.view.setFocus()
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(tab.newConversationRequested) as blocker:
        qtbot.keyClick(tab.view, Qt.Key.Key_L, shift_ctrl)
    assert blocker.args == [ann]


def test_empty_log_says_how_to_log_one(qtbot, bus, make_contact):
    ann = make_contact("Ann", "Lee")
    tab = make_view(qtbot, bus, ann)
    assert tab.stack.currentWidget() is tab.empty_label
    assert tab.empty_label.text().startswith("No conversations with this contact yet")
    assert not tab.detail.isVisible()


def test_a_long_log_shows_the_newest_at_once_and_counts_once_all_are_read(
    window, qtbot, talks, monkeypatch
):
    """The Conversations page said "Reading conversations…" for 2-3 s at 450,216 of them:
    the newest come first, the rest after, each from a worker thread; the share of inbound ones is
    counted once all are there, not of the newest alone."""
    from favorbook.ui.records import record_list
    from tests.gui.helpers import Gated

    monkeypatch.setattr(record_list, "BACKGROUND_FROM", 2)
    monkeypatch.setattr(record_list, "FIRST_ROWS", 1)
    read = Gated(
        monkeypatch, conversations, "list_conversations", when=lambda *a, limit=None: not limit
    )
    page = window.conversations_page
    window.show_page(page)
    qtbot.waitUntil(lambda: page.partial, timeout=5000)
    assert page.model.rowCount() == 1
    assert column_texts(page, "summary") == ["Lunch at the club"]
    assert page.stats_label.text() == "Counting the conversations…"
    assert page.reading_label.text() == "Reading the rest of the conversations…"
    read.open()
    qtbot.waitUntil(lambda: not page.is_loading() and page.model.rowCount() == 3, timeout=10000)
    assert read.on_window_thread == [False]
    assert not page.reading_label.isVisible()
    assert page.stats_label.text().startswith("3 conversations · <b>33%</b> inbound")


def test_a_log_whose_rest_cannot_be_read_says_why_and_counts_nothing(
    window, qtbot, talks, monkeypatch
):
    import peewee

    from favorbook.ui.records import record_list

    monkeypatch.setattr(record_list, "BACKGROUND_FROM", 2)
    monkeypatch.setattr(record_list, "FIRST_ROWS", 1)
    real = conversations.list_conversations

    def locked(contact_id=None, *, limit=None):
        if not limit:
            raise peewee.OperationalError("database is locked")
        return real(contact_id, limit=limit)

    monkeypatch.setattr(conversations, "list_conversations", locked)
    page = window.conversations_page
    window.show_page(page)
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=10000)
    qtbot.wait(50)  # the newest, had they come late, are not shown now
    assert page.stack.currentWidget() is page.empty_label
    assert "locked" in page.empty_label.text()
    assert page.stats_label.text() == "" and not page.reading_label.isVisible()
    assert page.model.rowCount() == 0 and not page.partial
