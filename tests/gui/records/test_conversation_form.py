"""The conversation form: the log entry, what was learned, questions asked with answers."""

from functools import partial

import pytest
from PySide6.QtCore import Qt

from favorbook.services import conversations, followups, questions
from favorbook.ui.forms.conversation_form import ConversationDialog


@pytest.fixture
def bank(db):
    questions.ensure_starter_questions()
    return questions.list_questions()


@pytest.fixture
def dialog(show_form):
    return partial(show_form, ConversationDialog)


def save(qtbot, d):
    qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_log_with_learnings_and_follow_up(bank, dialog, qtbot, make_contact, today):
    ann = make_contact()
    d = dialog(ann)
    qtbot.mouseClick(d.findChild(object, "direction_inbound"), Qt.MouseButton.LeftButton)
    d.channel.setCurrentIndex(d.channel.findData("meeting"))
    qtbot.keyClicks(d.summary, "Talked about the new plant")
    qtbot.keyClicks(d.problems, "Downtime")
    qtbot.keyClicks(d.opportunities, "Service contract")
    qtbot.keyClicks(d.strategies, "Consolidate suppliers")
    qtbot.keyClicks(d.follow_up_title, "Send the case study")
    save(qtbot, d)
    assert not d.isVisible()
    (v,) = conversations.list_conversations(ann)
    assert v.id == d.saved_id
    assert (v.direction, v.channel, v.summary) == (
        "inbound",
        "meeting",
        "Talked about the new plant",
    )
    assert (v.problems, v.opportunities, v.strategies) == (
        "Downtime",
        "Service contract",
        "Consolidate suppliers",
    )
    (f,) = followups.open_followups(contact_id=ann)
    assert f.title == "Send the case study" and f.due_on > today


def test_ticked_questions_are_recorded_with_answers(bank, dialog, qtbot, make_contact):
    ann = make_contact()
    suggested = [bank[5].id, bank[2].id]
    d = dialog(ann, suggested)
    # Suggestions come first and are ticked already.
    assert d.checklist.ticks[bank[5].id].isChecked() and d.checklist.ticks[bank[2].id].isChecked()
    assert not d.checklist.ticks[bank[0].id].isChecked()
    qtbot.keyClicks(d.checklist.answers[bank[5].id], "Win the Leeds tender")
    qtbot.mouseClick(
        d.checklist.ticks[bank[2].id], Qt.MouseButton.LeftButton
    )  # not asked after all
    qtbot.mouseClick(d.checklist.ticks[bank[0].id], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(d.checklist.answers[bank[0].id], "A bigger team")
    qtbot.keyClicks(d.summary, "Quarterly call")
    save(qtbot, d)
    assert not d.isVisible()
    got = {a.question_id: a.answer for a in questions.answers_for(ann)}
    assert got == {bank[5].id: "Win the Leeds tender", bank[0].id: "A bigger team"}


def test_empty_conversation_is_refused_and_kept(bank, dialog, qtbot, make_contact):
    ann = make_contact()
    d = dialog(ann)
    qtbot.keyClicks(d.follow_up_title, "Call back")
    save(qtbot, d)
    assert d.isVisible() and d.summary.property("invalid") is True
    assert d.follow_up_title.text() == "Call back"
    qtbot.keyClicks(d.summary, "Short call")
    save(qtbot, d)
    assert not d.isVisible() and len(conversations.list_conversations(ann)) == 1


def test_future_time_is_refused(bank, dialog, qtbot, make_contact):
    d = dialog(make_contact())
    d.when.setDateTime(d.when.dateTime().addDays(5))
    qtbot.keyClicks(d.summary, "Not yet")
    save(qtbot, d)
    assert d.isVisible() and d.when.property("invalid") is True
    assert "future" in d.error_label.text()


def test_cancel_with_edits_asks(bank, dialog, qtbot, make_contact):
    d = dialog(make_contact(), [bank[0].id])
    asked = []
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [] and not d.isVisible()  # pre-ticked suggestions are not an edit
    d = dialog(make_contact("Bo", "Chan"))
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.mouseClick(d.checklist.ticks[bank[1].id], Qt.MouseButton.LeftButton)
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [1] and d.isVisible()


def test_clicking_a_question_text_ticks_it_and_opens_its_answer(bank, dialog, qtbot, make_contact):
    d = dialog(make_contact())
    tick = d.checklist.ticks[bank[3].id]
    label = tick.parentWidget().layout().itemAtPosition(0, 1).widget()
    assert label.text() == bank[3].text and not d.checklist.answers[bank[3].id].isVisible()
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert tick.isChecked() and d.checklist.answers[bank[3].id].isVisible()


def test_tab_goes_down_the_left_column_then_the_questions_then_save(
    bank, dialog, qtbot, make_contact
):
    d = dialog(make_contact(), [bank[5].id])
    seen, widget = [], d.when
    while True:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(d):
            seen.append(widget)
        widget = widget.nextInFocusChain()
        if widget is d.when:
            break
    save_button = d.buttons.button(d.buttons.StandardButton.Save)
    first_tick = d.checklist.ticks[bank[5].id]
    expected = [d.when, d.channel, d.summary, d.follow_up_on, first_tick, save_button]
    assert [w for w in seen if w in expected] == expected
    assert seen.index(d.checklist.answers[bank[5].id]) == seen.index(first_tick) + 1
    assert not any(isinstance(w, type(d.checklist.scroll)) for w in seen)
