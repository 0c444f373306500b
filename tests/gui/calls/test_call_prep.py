"""Call preparation: everything to read during a call, and the ticked questions handed on."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from favorbook.services import conversations, favors, followups, questions
from favorbook.services.changes import Change
from favorbook.ui.calls.call_prep import CallPrep
from tests.gui.helpers import wrap_widths


def _qid(text):
    return next(q.id for q in questions.list_questions() if q.text == text)


@pytest.fixture
def prep(show_widget, bus):
    return show_widget(CallPrep(bus), 900, 700)


def _prepared(make_contact, today):
    ann = make_contact("Ann", "Lee", needs="a second supplier for castings")
    asked = _qid("What keeps your customers from buying more from you?")
    questions.record_answer(
        ann, asked, "Lead times of six weeks", asked_on=today - dt.timedelta(days=200)
    )
    favors.log_favor(ann, "given", "Introduced her to the foundry in Tulsa", expectation="iou")
    favors.log_favor(ann, "received", "Lent us her booth at the fair", expectation="iou")
    conversations.log_conversation(
        ann,
        "inbound",
        "Asked about the spring order",
        problems="Their press line is down",
        occurred_at=today - dt.timedelta(days=3),
    )
    followups.add_followup(ann, today + dt.timedelta(days=2), "Send the castings price list")
    return ann


def test_call_prep_shows_every_section_for_a_prepared_contact(prep, make_contact, today):
    ann = _prepared(make_contact, today)
    prep.show_contact(ann)
    assert "Ann Lee" in prep.name_label.text()
    assert "second supplier" in prep.goals_label.text()
    suggested = [s.text for s in questions.suggest(ann)]
    shown = prep.questions_section.texts()
    assert suggested and all(text in shown for text in suggested)
    assert "never asked" in shown  # why each one is suggested
    answers = prep.answers_section.texts()
    assert "Lead times of six weeks" in answers
    assert (today - dt.timedelta(days=200)).isoformat() in answers
    ious = prep.ious_section.texts()
    assert "They owe me" in ious and "foundry in Tulsa" in ious
    assert "I owe them" in ious and "booth at the fair" in ious
    talks = prep.conversations_section.texts()
    assert "spring order" in talks and "press line is down" in talks
    assert "castings price list" in prep.followups_section.texts()


def test_empty_states_for_a_new_contact(prep, make_contact):
    bo = make_contact("Bo", "Chan")
    assert prep.empty_label.isVisible() and not prep.log_button.isEnabled()
    prep.show_contact(bo)
    assert not prep.empty_label.isVisible()
    assert "No open IOUs" in prep.ious_section.texts()
    assert "No conversations" in prep.conversations_section.texts()
    assert "No answers yet" in prep.answers_section.texts()
    assert "No open follow-ups" in prep.followups_section.texts()
    assert "not known yet" in prep.goals_label.text()


def test_ticking_two_questions_and_logging_emits_their_ids(qtbot, prep, make_contact, today):
    ann = _prepared(make_contact, today)
    prep.show_contact(ann)
    first, _, third = prep.question_rows[:3]
    qtbot.mouseClick(first.check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(third.text_label, Qt.MouseButton.LeftButton)  # the words tick it too
    assert "2 questions asked" in prep.ticked_label.text()
    with qtbot.waitSignal(prep.logCallRequested) as blocker:
        qtbot.mouseClick(prep.log_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [ann, [first.question_id, third.question_id]]
    prep.clear_ticks()
    assert prep.ticked_question_ids() == [] and "Tick the questions" in prep.ticked_label.text()


def test_ticks_survive_a_refresh_after_a_change(qtbot, prep, bus, make_contact, today):
    ann = _prepared(make_contact, today)
    prep.show_contact(ann)
    row = prep.question_rows[0]
    qtbot.mouseClick(row.check, Qt.MouseButton.LeftButton)
    followups.add_followup(ann, today, "Call back about the order")
    bus.changed.emit(Change.EVERYTHING)
    assert "Call back about the order" in prep.followups_section.texts()
    assert prep.ticked_question_ids() == [row.question_id]


def test_another_contact_changes_texts_not_widgets(prep, make_contact, today):
    """Opening another contact refills the labels already there: no screenful of widgets
    built and destroyed each time (what made the tab slow to open), and nothing of the
    contact before is left showing."""
    from PySide6.QtWidgets import QWidget

    ann = _prepared(make_contact, today)
    bo = make_contact("Bo", "Chan")
    followups.add_followup(bo, today + dt.timedelta(days=5), "Ask Bo about the tender")
    prep.show_contact(ann)
    prep.show_contact(bo)
    prep.show_contact(ann)
    for widget in prep.findChildren(QWidget):
        widget.setProperty("builtBefore", True)
    for _ in range(3):
        prep.show_contact(bo)
        prep.show_contact(ann)
    assert all(w.property("builtBefore") for w in prep.findChildren(QWidget))
    prep.show_contact(bo)
    assert "Ask Bo about the tender" in prep.followups_section.texts()
    assert "castings price list" not in prep.followups_section.texts()
    assert "No open IOUs" in prep.ious_section.texts()
    assert "foundry in Tulsa" not in prep.ious_section.texts()
    # Each list is one label, whatever its length.
    prep.show_contact(ann)
    ious = [w for w in prep.ious_section.findChildren(QWidget) if prep.ious_section.is_shown(w)]
    assert len(ious) == 2  # the title and the list


def test_bringing_the_tab_up_paints_each_label_once(qtbot, bus, make_contact, today):
    """Switching to a contact's call prep draws its labels once, not first on their own
    and again with the page around them (as when its scroll area filled its background)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

    tabs = QTabWidget()
    tabs.addTab(QWidget(), "Profile")
    prep = CallPrep(bus)
    tabs.addTab(prep, "Call prep")
    qtbot.addWidget(tabs)
    tabs.resize(900, 700)
    tabs.show()
    qtbot.waitExposed(tabs)
    prep.show_contact(_prepared(make_contact, today))
    tabs.setCurrentIndex(1)  # laid out once at the tab's size
    qtbot.wait(20)
    tabs.setCurrentIndex(0)
    qtbot.wait(20)

    painted: dict[int, int] = {}

    class CountPaints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
            if event.type() == QEvent.Type.Paint:
                painted[id(watched)] = painted.get(id(watched), 0) + 1
            return False

    counter = CountPaints()
    labels = [label for label in prep.content.findChildren(QLabel) if label.isVisibleTo(prep)]
    assert len(labels) > 10
    for label in labels:
        label.installEventFilter(counter)
    for _ in range(2):
        tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: all(id(label) in painted for label in labels))
        qtbot.wait(20)
        assert set(painted.values()) == {1}
        painted.clear()
        tabs.setCurrentIndex(0)
        qtbot.wait(20)


def test_the_pages_size_hint_lays_no_label_out(show_widget, bus, make_contact, today, monkeypatch):
    """The scroll area gives the call prep's page its own width and asks the height for
    that; the page's size hint needs no label laid out (it laid every label out again, at
    the width each would like, each time a contact was shown)."""
    asked = wrap_widths(monkeypatch)
    prep = show_widget(CallPrep(bus), 540, 600)
    prep.show_contact(_prepared(make_contact, today))
    QApplication.processEvents()
    assert asked  # the labels are laid out for the page's width
    asked.clear()
    prep.content.layout().invalidate()
    hint = prep.content.sizeHint()
    assert asked == []
    assert hint.width() == prep.content.layout().sizeHint().width()
