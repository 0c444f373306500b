"""Contact ▸ Merge Into…: two records of one person become one, keeping their history."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.services import contacts, conversations, favors, followups
from favorbook.services.contacts import Labeled


def test_merge_into_keeps_every_favor_and_conversation(window, qtbot, make_contact):
    ann = make_contact("Ann", "Lee", emails=[Labeled("ann@acme.com", "work")])
    dup = make_contact("Ann", "Lee-Smith", emails=[Labeled("ann@home.net", "home")])
    other = make_contact("Bo", "Chan")
    favors.log_favor(ann, "given", "Intro to the plant manager")
    favors.log_favor(dup, "received", "Tip about the tender")
    favors.log_favor(dup, "given", "White paper")
    conversations.log_conversation(dup, "inbound", "Asked about the new line")
    followups.add_followup(dup, dt.date.today() + dt.timedelta(days=2), "Send samples")
    window.reload()
    window.contacts_page.show_contact(dup)

    window.data_actions.merge_action.trigger()
    dialog = window.data_actions.merge_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.merge_button.isEnabled()
    assert dialog.picker.findText("Ann Lee-Smith") < 0  # the contact itself is not offered
    dialog.picker.setEditText("Ann Lee")
    assert dialog.merge_button.isEnabled()
    # Both records side by side: the one that goes, and the one that stays.
    assert "Ann Lee-Smith" in dialog.this_label.text()
    assert "Ann Lee-Smith" not in dialog.other_label.text()
    assert "1 favor given, 0 received" in dialog.other_label.text()
    assert "1 favor given, 1 received · 1 conversation" in dialog.this_label.text()
    assert "cannot be undone" in dialog.explain.text()
    dialog.merge_button.click()

    assert not dialog.isVisible()
    names = [n for _i, n in contacts.all_names()]
    assert sorted(names) == ["Ann Lee", "Bo Chan"]
    assert sorted(f.description for f in favors.list_favors(ann)) == [
        "Intro to the plant manager",
        "Tip about the tender",
        "White paper",
    ]
    assert conversations.interaction_stats(ann).total == 1
    assert [f.title for f in followups.open_followups(contact_id=ann)] == ["Send samples"]
    assert {e.value for e in contacts.get_contact(ann).emails} == {"ann@acme.com", "ann@home.net"}
    assert favors.list_favors(other) == []
    assert window.contacts_page.contact_id == ann
    assert window.statusBar().currentMessage().startswith("Merged Ann Lee-Smith into Ann Lee")
    assert window.bus.undo_stack.count() == 0


def test_keep_this_record_instead(window, make_contact):
    ann = make_contact("Ann", "Lee")
    dup = make_contact("Annie", "Lee")
    favors.log_favor(ann, "given", "Intro")
    window.reload()
    window.contacts_page.show_contact(dup)
    window.data_actions.merge_action.trigger()
    dialog = window.data_actions.merge_dialog
    dialog.picker.setEditText("Ann Lee")
    dialog.keep_this.setChecked(True)
    assert "Ann Lee" in dialog.this_label.text() and "Removed" in dialog.this_label.text()
    dialog.accept()
    assert [n for _i, n in contacts.all_names()] == ["Annie Lee"]
    assert [f.description for f in favors.list_favors(dup)] == ["Intro"]


def test_merge_needs_a_contact_and_a_known_name(window, make_contact):
    window.data_actions.merge_action.trigger()
    assert window.data_actions.merge_dialog is None
    assert "Select" in window.statusBar().currentMessage()
    ann = make_contact("Ann", "Lee")
    make_contact("Bo", "Chan")
    window.reload()
    window.contacts_page.show_contact(ann)
    window.data_actions.merge_action.trigger()
    dialog = window.data_actions.merge_dialog
    dialog.picker.setEditText("Nobody")
    assert not dialog.merge_button.isEnabled()
    assert "Nobody" in dialog.explain.text()
    dialog.reject()
    assert contacts.count_contacts() == 2


def test_two_selected_records_are_offered_for_the_merge(window, make_contact):
    from PySide6.QtCore import QItemSelectionModel

    ann = make_contact("Ann", "Lee")
    make_contact("Bo", "Chan")
    dup = make_contact("Ann", "Lee", organization="Acme")
    window.reload()
    window.contacts_page.show_contact(ann)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    window.contacts_page.list_view.selectionModel().select(
        window.contacts_page.model.index(window.contacts_page.model.row_of(dup), 0), flags
    )
    assert sorted(window.contacts_page.selected_ids()) == sorted([ann, dup])
    window.data_actions.merge_action.trigger()
    dialog = window.data_actions.merge_dialog
    assert dialog.other_id() == dup and dialog.merge_button.isEnabled()
    dialog.reject()


# The completions shown when the names come: a popup the offscreen platform cannot raise.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_keys_typed_before_the_names_come_are_answered_at_once(
    window, qtbot, make_contact, monkeypatch
):
    """The dialog's picker is focused as it opens and reads the names on a worker; the
    dialog asked it at every key whom the text named, and the first key held the window
    until that read was done (0.4 s at 100,000 contacts). Until the names come it says
    nobody is named (without calling the text unknown), then shows the other record."""
    from favorbook.ui.forms import pickers
    from tests.gui.helpers import Gated

    monkeypatch.setattr(pickers, "AHEAD_FROM", 1)
    ann = make_contact("Ann", "Lee")
    dup = make_contact("Ann", "Lee-Smith")
    window.reload()
    window.contacts_page.show_contact(dup)
    read = Gated(monkeypatch, contacts, "read_picker_names")
    window.data_actions.merge_action.trigger()
    dialog = window.data_actions.merge_dialog
    qtbot.waitUntil(lambda: read.on_window_thread == [False], timeout=5000)
    qtbot.keyClicks(dialog.picker.lineEdit(), "Ann Lee")
    assert dialog.picker._pending and not dialog.merge_button.isEnabled()
    assert "No contact" not in dialog.explain.text()
    read.open()
    qtbot.waitUntil(dialog.merge_button.isEnabled, timeout=5000)
    assert dialog.other_id() == ann and "Ann Lee-Smith" in dialog.this_label.text()
    assert read.on_window_thread == [False]
    dialog.reject()
