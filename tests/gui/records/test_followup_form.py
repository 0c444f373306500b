"""The follow-up form: add one, or move one to another day."""

import datetime as dt
from functools import partial

import pytest
from PySide6.QtCore import Qt

from favorbook.services import followups
from favorbook.ui.forms.followup_form import FollowUpDialog


@pytest.fixture
def dialog(show_form):
    return partial(show_form, FollowUpDialog)


def test_add_follow_up(dialog, qtbot, make_contact, today):
    ann = make_contact()
    d = dialog(ann)
    qtbot.keyClicks(d.title_edit, "Send the quote")
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert not d.isVisible()
    (f,) = followups.open_followups(contact_id=ann)
    assert (f.id, f.title, f.due_on) == (d.saved_id, "Send the quote", today + dt.timedelta(days=7))


def test_missing_contact_and_title(dialog, qtbot, make_contact):
    ann = make_contact()
    d = dialog()
    qtbot.keyClicks(d.title_edit, "Send the quote")
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert d.isVisible() and d.contact.property("invalid") is True
    d.contact.setEditText("Ann Lee")
    d.title_edit.clear()
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert d.isVisible() and d.title_edit.property("invalid") is True
    qtbot.keyClicks(d.title_edit, "Quote")
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert not d.isVisible() and len(followups.open_followups(contact_id=ann)) == 1


def test_reschedule(dialog, qtbot, make_contact, today):
    ann = make_contact()
    fid = followups.add_followup(ann, today, "Call back")
    d = dialog(followup_id=fid)
    assert d.title_edit.text() == "Call back" and not d.contact.isEnabled()
    d.due.setDate(d.due.date().addDays(10))
    qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert followups.get_followup(fid).due_on == today + dt.timedelta(days=10)


def test_cancel_with_edits_asks(dialog, qtbot, make_contact):
    d = dialog(make_contact())
    asked = []
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.keyClicks(d.title_edit, "x")
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [1] and d.isVisible()
