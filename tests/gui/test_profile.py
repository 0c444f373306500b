"""The Profile tab: a readable profile, Edit…, and notes."""

import pytest
from PySide6.QtCore import Qt, QUrl

from favorbook.services import contacts
from favorbook.services.changes import Change
from favorbook.services.contacts import Labeled
from favorbook.ui.bus import Bus
from favorbook.ui.forms.contact_form import ContactDialog
from favorbook.ui.profile import ProfileTab


@pytest.fixture
def tab(db, qtbot):
    bus = Bus()
    t = ProfileTab(bus)
    qtbot.addWidget(t)
    t.resize(700, 700)
    t.show()
    qtbot.waitExposed(t)
    return t


def test_empty_state_until_a_contact_is_shown(tab):
    assert tab.stack.currentWidget() is tab.empty
    assert "Select a contact" in tab.empty.text()


def test_profile_shows_escaped_text_links_and_formatted_phone(tab, make_contact):
    rita = make_contact("Rita", "Moreno")
    ann = make_contact(
        "Ann",
        "<b>Lee</b>",
        emails=[Labeled("ann@acme.example", "work")],
        phones=[Labeled("+14155550100", "mobile")],
        goals="Open a <script> shop",
        referred_by_id=rita,
    )
    tab.show_contact(ann)
    assert tab.stack.currentWidget() is tab.splitter
    html = tab.browser.toHtml()
    assert "&lt;b&gt;Lee&lt;/b&gt;" in html and "&lt;script&gt;" in html
    assert "mailto:ann@acme.example" in html
    assert "+1 415-555-0100" in tab.browser.toPlainText()
    assert "Rita Moreno" in tab.browser.toPlainText()


def test_referred_by_link_opens_that_contact(tab, qtbot, make_contact):
    rita = make_contact("Rita", "Moreno")
    ann = make_contact("Ann", "Lee", referred_by_id=rita)
    tab.show_contact(ann)
    with qtbot.waitSignal(tab.bus.open_contact) as blocker:
        tab.browser.anchorClicked.emit(QUrl(f"favorbook-contact:{rita}"))
    assert blocker.args == [rita]


def test_edit_button_opens_form_and_saving_refreshes(tab, qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    tab.show_contact(ann)
    qtbot.mouseClick(tab.findChild(object, "editContactButton"), Qt.MouseButton.LeftButton)
    dialog = tab.findChild(ContactDialog)
    assert dialog is not None and dialog.first_name.text() == "Ann"
    qtbot.keyClicks(dialog.title_edit, "Buyer")
    with qtbot.waitSignal(tab.bus.changed):
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    assert contacts.get_contact(ann).title == "Buyer"
    assert "Buyer" in tab.browser.toPlainText()


def test_add_private_note_and_delete_it(tab, qtbot, make_contact):
    ann = make_contact()
    tab.show_contact(ann)
    note_list = tab.findChild(object, "noteList")
    assert note_list.count() == 0 and not note_list.isVisible()
    assert tab.no_notes.isVisible() and "No notes" in tab.no_notes.text()
    qtbot.keyClicks(tab.note_edit, "Plays golf on Fridays")
    qtbot.mouseClick(tab.private_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.findChild(object, "addNoteButton"), Qt.MouseButton.LeftButton)
    (note,) = contacts.get_contact(ann).notes
    assert note.body == "Plays golf on Fridays" and note.private
    assert note_list.count() == 1
    assert "private" in note_list.item(0).text() and "golf" in note_list.item(0).text()
    assert tab.note_edit.toPlainText() == "" and not tab.private_check.isChecked()
    tab.confirm_delete_note = lambda: True
    note_list.setCurrentRow(0)
    qtbot.mouseClick(tab.delete_note_button, Qt.MouseButton.LeftButton)
    assert contacts.get_contact(ann).notes == []


def test_empty_note_says_so_and_adds_nothing(tab, qtbot, make_contact):
    ann = make_contact()
    tab.show_contact(ann)
    qtbot.mouseClick(tab.add_note_button, Qt.MouseButton.LeftButton)
    assert tab.note_error.isVisible() and "empty" in tab.note_error.text()
    assert contacts.get_contact(ann).notes == []


def test_deleted_contact_falls_back_to_empty_state(tab, make_contact):
    ann = make_contact()
    tab.show_contact(ann)
    from favorbook.db.models import Contact

    Contact.delete_by_id(ann)
    tab.bus.changed.emit(Change.EVERYTHING)
    assert tab.stack.currentWidget() is tab.empty


def test_how_to_reach_them_comes_before_the_summary(tab, make_contact):
    ann = make_contact("Ann", "Lee", phones=[Labeled("+14155550100", "mobile")])
    tab.show_contact(ann)
    text = tab.browser.toPlainText()
    assert text.index("+1 415-555-0100") < text.index("Favor balance")


def test_a_sample_contact_says_so_under_its_name(tab, make_contact):
    from favorbook.sample import demo

    own = make_contact("Own", "Person")
    demo.load(2, force=True)
    sample = next(i for i in contacts.list_ids() if i != own)
    tab.show_contact(sample)
    assert "Sample contact" in tab.browser.toPlainText()
    tab.show_contact(own)
    assert "Sample contact" not in tab.browser.toPlainText()


def test_profile_shows_name_details_and_im_links_as_they_are(db):
    from favorbook.ui.profile import profile_html

    cid = contacts.create_contact(
        contacts.ContactInput(
            first_name="Kenji",
            last_name="Sato",
            organization="ABC",
            nickname="Ken",
            role="Decision maker",
            department="Marketing",
            links=[Labeled("xmpp:ken@jabber.example", "Jabber")],
        )
    )
    html = profile_html(contacts.get_contact(cid), lambda s: s)
    assert "“Ken”" in html and "Decision maker" in html and "Marketing, ABC" in html
    assert "href='xmpp:ken@jabber.example'" in html
