"""The favor form: logging both ways, errors that keep the input, settling an IOU."""

import datetime as dt
from functools import partial

import pytest
from PySide6.QtCore import Qt

from favorbook.services import favors
from favorbook.ui.forms.favor_form import FavorDialog


@pytest.fixture
def dialog(show_form):
    return partial(show_form, FavorDialog)


def save(qtbot, d):
    qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_log_a_received_iou_with_every_field(dialog, qtbot, make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    d = dialog(ann)
    qtbot.mouseClick(d.findChild(object, "direction_received"), Qt.MouseButton.LeftButton)
    d.kind.setCurrentIndex(d.kind.findData("advice"))
    qtbot.keyClicks(d.description, "Pricing advice")
    d.value.clear()
    qtbot.keyClicks(d.value, "4")
    d.beneficiary.setEditText("Bo Chan")
    qtbot.mouseClick(d.findChild(object, "expectation_iou"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(d.acknowledged, Qt.MouseButton.LeftButton)
    save(qtbot, d)
    assert not d.isVisible()
    (f,) = favors.list_favors(ann)
    assert f.id == d.saved_id
    assert (f.direction, f.kind, f.description, f.value) == (
        "received",
        "advice",
        "Pricing advice",
        4,
    )
    assert f.beneficiary_id == bo and f.expectation == "iou" and f.acknowledged
    assert f.occurred_on == today


def test_favor_without_contact_is_refused_and_input_kept(dialog, qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    d = dialog()
    qtbot.keyClicks(d.description, "Sent the white paper")
    save(qtbot, d)
    assert d.isVisible() and d.contact.property("invalid") is True
    assert "who the favor was with" in d.error_label.text()
    assert d.description.toPlainText() == "Sent the white paper"
    d.contact.setEditText("Ann Lee")
    save(qtbot, d)
    assert not d.isVisible()
    assert [f.description for f in favors.list_favors(ann)] == ["Sent the white paper"]


def test_missing_description_marks_it(dialog, qtbot, make_contact):
    d = dialog(make_contact())
    save(qtbot, d)
    assert d.isVisible() and d.description.property("invalid") is True
    assert favors.list_favors() == []


def test_settling_an_open_iou(dialog, qtbot, make_contact):
    ann = make_contact()
    owed = favors.log_favor(ann, "given", "Intro to a buyer", expectation="iou")
    d = dialog(ann, "given")
    assert d.settles.count() == 1 and not d.settles.isEnabled()  # nothing I owe them
    qtbot.mouseClick(d.findChild(object, "direction_received"), Qt.MouseButton.LeftButton)
    assert d.settles.isEnabled() and d.settles.findData(owed) > 0
    assert "Intro to a buyer" in d.settles.itemText(d.settles.findData(owed))
    d.settles.setCurrentIndex(d.settles.findData(owed))
    qtbot.keyClicks(d.description, "Lunch and a lead")
    save(qtbot, d)
    assert not d.isVisible()
    assert favors.open_ious(contact_id=ann) == []
    settled = next(f for f in favors.list_favors(ann) if f.id == owed)
    assert settled.settled_by_id == d.saved_id


def test_open_ious_follow_the_chosen_contact(dialog, make_contact):
    ann = make_contact("Ann", "Lee")
    make_contact("Bo", "Chan")
    iou = favors.log_favor(ann, "received", "Fixed our press", expectation="iou")
    d = dialog(None, "given")
    d.contact.setEditText("Bo Chan")
    assert d.settles.count() == 1
    d.contact.setEditText("Ann Lee")
    assert d.settles.findData(iou) > 0


def test_cancel_with_edits_asks(dialog, qtbot, make_contact):
    d = dialog(make_contact())
    asked = []
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.keyClicks(d.description, "x")
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [1] and d.isVisible()


def test_date_defaults_to_today_and_can_be_changed(dialog, qtbot, make_contact):
    ann = make_contact()
    d = dialog(ann)
    d.date.setDate(d.date.date().addDays(-3))
    qtbot.keyClicks(d.description, "Old favor")
    save(qtbot, d)
    assert favors.list_favors(ann)[0].occurred_on == dt.date.today() - dt.timedelta(days=3)


def test_for_the_benefit_of_offers_the_names_once_it_is_used(dialog, qtbot, make_contact):
    """ "For the benefit of" is seldom filled in: its list of names (20 ms to fill at
    100,000 contacts, each time the names had changed) is filled when it is first used,
    not as every favor form opens. Until then it shows the contact it was given."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFocusEvent

    ann, bo = make_contact("Ann", "Lee"), make_contact("Bo", "Chan")
    d = dialog(ann)
    assert d.contact.model().rowCount() == 2  # "With": the names at once
    assert d.beneficiary.model().rowCount() == 1  # the empty choice alone
    d.beneficiary.set_contact_id(bo)
    assert d.beneficiary.currentText() == "Bo Chan" and d.beneficiary.contact_id() == bo
    d.beneficiary.focusInEvent(QFocusEvent(QEvent.Type.FocusIn))
    qtbot.waitUntil(lambda: d.beneficiary.model().rowCount() == 3)  # the empty choice too
    assert d.beneficiary.contact_id() == bo and d.beneficiary.currentText() == "Bo Chan"
