"""Bugs found by driving the merged window, each pinned by the test that first failed."""

from PySide6.QtWidgets import QDialog

from favorbook.sample import demo
from favorbook.services.changes import Change


def test_a_new_target_in_preferences_shows_on_the_dashboard(window, qtbot, monkeypatch):
    from favorbook.ui.shell import preferences

    demo.load(20)
    window.reload()
    window.show_page(window.dashboard)
    assert "target 4:1" in window.dashboard.ratio_words.text()

    def save_target_7(dialog):
        dialog.ratio.setValue(7.0)
        dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(preferences.PreferencesDialog, "exec", save_target_7)
    window.show_preferences()
    assert "(target 7:1)" in window.summary_label.text()
    assert "target 7:1" in window.dashboard.ratio_words.text()


def test_undo_a_delete_after_adding_a_contact_then_redo_deletes_the_right_one(
    window, qtbot, make_contact
):
    from favorbook.services import contacts
    from favorbook.ui.contacts.contact_commands import DeleteContacts

    make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    window.reload()
    window.bus.undo_stack.push(DeleteContacts(window.bus, [bo]))
    make_contact("Cy", "New")  # takes the id Bo had
    window.bus.changed.emit(Change.EVERYTHING)

    window.bus.undo_stack.undo()
    assert sorted(n for _i, n in contacts.all_names()) == ["Ann Lee", "Bo Chan", "Cy New"]
    assert contacts.name_of(window.contacts_page.contact_id) == "Bo Chan"

    window.bus.undo_stack.redo()
    assert sorted(n for _i, n in contacts.all_names()) == ["Ann Lee", "Cy New"]


def test_referrals_tab_after_its_contact_was_deleted_shows_the_next_one(
    window, qtbot, make_contact
):
    # The graph and match panel under the Referrals tab kept the deleted contact's id and
    # reloaded it when the tab came back: "No contact with id …" escaped as a traceback.
    from favorbook.ui.contacts.contact_commands import DeleteContacts

    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    window.reload()
    tabs = window.contacts_page.tabs
    referrals_index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Referrals")
    window.open_contact(ann)
    tabs.setCurrentIndex(referrals_index)
    tabs.setCurrentIndex(0)
    window.bus.undo_stack.push(DeleteContacts(window.bus, [ann]))
    window.open_contact(bo)
    tabs.setCurrentIndex(referrals_index)
    assert window.match_panel.contact_id == bo
    assert "Bo Chan" in window.match_panel.heading.text()


def test_after_a_delete_comes_back_under_a_new_id_older_undo_steps_leave_the_new_contact(
    window, qtbot, make_contact
):
    import dataclasses

    from favorbook.services import contacts
    from favorbook.ui.contacts.contact_commands import DeleteContacts, EditContact

    bo = make_contact("Bo", "Chan")
    before = contacts.get_contact(bo).to_input()
    contacts.update_contact(bo, dataclasses.replace(before, first_name="Bob"))
    window.bus.undo_stack.push(EditContact(window.bus, bo, before))
    window.bus.undo_stack.push(DeleteContacts(window.bus, [bo]))
    cy = make_contact("Cy", "New")  # takes the id Bo had
    window.bus.undo_stack.undo()
    qtbot.waitUntil(lambda: window.bus.undo_stack.count() == 0)
    window.bus.undo_stack.undo()  # nothing left that could rename Cy to Bo
    assert contacts.name_of(cy) == "Cy New"
    assert sorted(n for _i, n in contacts.all_names()) == ["Bob Chan", "Cy New"]
