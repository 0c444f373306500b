"""The contact form: creating, editing, and errors that point at the exact field."""

from functools import partial

import pytest
from PySide6.QtCore import Qt

from favorbook.services import contacts, settings
from favorbook.services.contacts import Labeled
from favorbook.ui.forms.contact_form import ContactDialog


@pytest.fixture
def dialog(show_form):
    return partial(show_form, ContactDialog)


def save(qtbot, d):
    qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_new_contact_is_created_with_every_field(dialog, qtbot, make_contact):
    referrer = make_contact("Rita", "Moreno")
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.last_name, "Lee")
    qtbot.keyClicks(d.organization.lineEdit(), "Acme Tools")
    qtbot.keyClicks(d.title_edit, "Buyer")
    d.kind.setCurrentIndex(d.kind.findData("customer"))
    qtbot.keyClicks(d.emails.value_widget(0), "ann@acme.example")
    qtbot.mouseClick(d.emails.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(d.emails.value_widget(1), "ann@home.example")
    d.emails.rows[1].label_box.setEditText("home")
    qtbot.keyClicks(d.phones.value_widget(0), "+1 415 555 0100")
    qtbot.mouseClick(d.links.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(d.links.value_widget(0), "https://acme.example")
    qtbot.keyClicks(d.addresses.blocks[0].edits["city"], "Springfield")
    qtbot.keyClicks(d.tags, "golf, board")
    qtbot.keyClicks(d.birthday, "--05-17")
    qtbot.keyClicks(d.how_met, "Trade fair")
    d.referred_by.setEditText("Rita Moreno")  # the completion popup needs a window manager
    qtbot.keyClicks(d.needs, "More dealers")
    qtbot.keyClicks(d.goals, "Grow 20%")
    qtbot.keyClicks(d.offers, "Shop space")
    save(qtbot, d)
    assert not d.isVisible()
    c = contacts.get_contact(d.saved_id)
    assert (c.first_name, c.last_name, c.organization, c.title) == (
        "Ann",
        "Lee",
        "Acme Tools",
        "Buyer",
    )
    assert c.kind == "customer"
    assert [(e.value, e.label) for e in c.emails] == [
        ("ann@acme.example", "work"),
        ("ann@home.example", "home"),
    ]
    assert [p.value for p in c.phones] == ["+14155550100"]
    assert [k.value for k in c.links] == ["https://acme.example"]
    assert [a.city for a in c.addresses] == ["Springfield"]
    assert c.tags == ["board", "golf"]
    assert c.birthday == "--05-17"
    assert c.referred_by_id == referrer
    assert (c.how_met, c.needs, c.goals, c.offers) == (
        "Trade fair",
        "More dealers",
        "Grow 20%",
        "Shop space",
    )
    assert c.cadence_days == settings.default_cadence_days()


def test_bad_second_email_marks_that_row_and_keeps_everything(dialog, qtbot):
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.emails.value_widget(0), "ann@acme.example")
    qtbot.mouseClick(d.emails.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(d.emails.value_widget(1), "ann@@home")
    qtbot.keyClicks(d.goals, "Grow")
    save(qtbot, d)
    assert d.isVisible()
    assert "ann@@home" in d.error_label.text() and d.error_label.isVisible()
    bad = d.emails.value_widget(1)
    assert bad.property("invalid") is True and d.focusWidget() is bad
    assert d.emails.value_widget(0).property("invalid") is not True
    assert d.first_name.text() == "Ann" and d.goals.toPlainText() == "Grow"
    assert d.emails.value_widget(0).text() == "ann@acme.example"
    assert contacts.count_contacts() == 0
    bad.clear()
    qtbot.keyClicks(bad, "ann@home.example")
    save(qtbot, d)
    assert not d.isVisible()
    assert [e.value for e in contacts.get_contact(d.saved_id).emails] == [
        "ann@acme.example",
        "ann@home.example",
    ]


def test_bad_phone_marks_the_phone_row(dialog, qtbot):
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.mouseClick(d.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(d.phones.value_widget(1), "call me")
    save(qtbot, d)
    assert d.phones.value_widget(1).property("invalid") is True
    assert "not a phone number" in d.error_label.text()
    assert d.phones.value_widget(1).text() == "call me"


def test_bad_birthday_then_fixed(dialog, qtbot):
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.birthday, "1990-13-45")
    qtbot.keyClick(d.birthday, Qt.Key.Key_Return)
    assert d.isVisible() and d.birthday.property("invalid") is True
    assert "1990-13-45" in d.error_label.text()
    assert d.birthday.text() == "1990-13-45"
    d.birthday.clear()
    qtbot.keyClicks(d.birthday, "1990-12-24")
    qtbot.keyClick(d.birthday, Qt.Key.Key_Return)
    assert not d.isVisible()
    assert contacts.get_contact(d.saved_id).birthday == "1990-12-24"


def test_unknown_referrer_is_an_error_not_dropped(dialog, qtbot, make_contact):
    make_contact("Rita", "Moreno")
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    d.referred_by.setEditText("Nobody Known")
    save(qtbot, d)
    assert d.isVisible()
    assert "Nobody Known" in d.error_label.text()
    assert d.referred_by.property("invalid") is True
    assert contacts.count_contacts() == 1


def test_missing_name_marks_first_name(dialog, qtbot):
    d = dialog()
    qtbot.keyClicks(d.title_edit, "Buyer")
    save(qtbot, d)
    assert d.isVisible() and d.first_name.property("invalid") is True
    assert d.focusWidget() is d.first_name and d.title_edit.text() == "Buyer"


def test_cancel_with_edits_asks(dialog, qtbot):
    d = dialog()
    asked = []
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [] and not d.isVisible()
    d = dialog()
    d.confirm_discard = lambda: asked.append(1) or False
    qtbot.mouseClick(d.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert asked == [1] and d.isVisible()


@pytest.mark.parametrize("ahead_from", [20_000, 1])
def test_edit_loads_everything_and_unchanged_save_keeps_it(
    dialog, qtbot, make_contact, monkeypatch, ahead_from
):
    """Also as at 100,000 contacts (``ahead_from`` 1), where "Referred by" shows the
    referrer alone until the picker is first used."""
    from favorbook.ui.forms import pickers

    monkeypatch.setattr(pickers, "AHEAD_FROM", ahead_from)
    other = make_contact("Rita", "Moreno")
    cid = make_contact(
        "Ann",
        "Lee",
        organization="Acme",
        kind="partner",
        emails=[Labeled("ann@acme.example", ""), Labeled("a@home.example", "home")],
        phones=[Labeled("+44 20 7946 0958", "mobile")],
        links=[Labeled("https://acme.example", "site")],
        addresses=[contacts.Address("work", "1 Main St", "Leeds", "", "LS1", "UK")],
        tags=["golf"],
        birthday="1980-02-29",
        referred_by_id=other,
        needs="n",
        goals="g",
        offers="o",
        cadence_days=0,
    )
    contacts.add_note(cid, "secret", private=True)
    before = contacts.get_contact(cid)
    d = dialog(cid)
    assert d.first_name.text() == "Ann" and d.kind.currentData() == "partner"
    assert d.emails.value_widget(1).text() == "a@home.example"
    assert d.cadence.text() == "Not tracked"
    assert d.referred_by.contact_id() == other
    assert not d.is_dirty()
    d.referred_by.load_names()  # as when it is first focused
    assert d.referred_by.contact_id() == other and d.referred_by.count() == 2  # not Ann
    assert not d.is_dirty()
    save(qtbot, d)
    assert not d.isVisible()
    after = contacts.get_contact(cid)
    assert after == before


def test_edit_saves_changes(dialog, qtbot, make_contact):
    cid = make_contact("Ann", "Lee", emails=[Labeled("ann@acme.example")])
    d = dialog(cid)
    d.title_edit.clear()
    qtbot.keyClicks(d.title_edit, "Head of purchasing")
    qtbot.mouseClick(d.emails.rows[0].remove, Qt.MouseButton.LeftButton)
    d.cadence.setValue(30)
    save(qtbot, d)
    c = contacts.get_contact(cid)
    assert c.title == "Head of purchasing" and c.emails == [] and c.cadence_days == 30


def test_fits_a_small_laptop_screen(dialog):
    d = dialog()
    assert d.width() <= 1366 and d.height() <= 680  # leaves room for a panel and title bar


def focus_chain(start):
    """The widgets Tab visits after ``start``, in order (one full turn of the window)."""
    seen, widget = [], start.nextInFocusChain()
    while widget is not start:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            seen.append(widget)
        widget = widget.nextInFocusChain()
    return seen


def test_tab_goes_through_the_form_in_reading_order(dialog, qtbot):
    d = dialog()
    d.emails.add_button.click()  # a row added later still sits where it is shown
    names = [w.objectName() for w in focus_chain(d.kind)]
    wanted = [
        "emailsValue0",
        "emailsValue1",
        "emailsAdd",
        "phonesValue0",
        "phonesAdd",
        "linksAdd",
        "addressesStreet0",
        "addressesPostcode0",
        "addressesCountry0",
        "addressesAdd",
        "tags",
        "cadence_days",
    ]
    assert [n for n in names if n in wanted] == wanted
    assert d.scroll not in focus_chain(d.kind)


def test_a_very_long_company_or_name_elsewhere_does_not_widen_the_form(dialog, make_contact):
    make_contact(
        "Maximiliana-Alexandrina",
        "Vandenberghe-Oppenheimer-Castellanos",
        organization="Internationale Handelsgesellschaft für Präzisionsmaschinenbau "
        "und Automatisierungstechnik GmbH",
    )
    d = dialog(make_contact("Ann", "Lee"))
    # Wider content than the scroll area would cut off the right end of every field.
    assert d.scroll.widget().minimumSizeHint().width() <= d.scroll.viewport().width()


def test_edit_title_names_the_contact(dialog, make_contact):
    # Ctrl+E works from every page; the title says whose record is open.
    assert dialog(make_contact("Ann", "Lee")).windowTitle() == "Edit Ann Lee"
    assert dialog().windowTitle() == "New contact"


def test_a_local_number_is_said_once_then_kept_as_typed(dialog, qtbot):
    d = dialog()
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.phones.value_widget(0), "555 0199")
    save(qtbot, d)
    assert d.isVisible()  # told, not saved yet
    assert d.phones.value_widget(0).property("invalid") is True
    assert "area code" in d.error_label.text() and "Save again" in d.error_label.text()
    save(qtbot, d)
    assert not d.isVisible()
    assert [p.value for p in contacts.get_contact(d.saved_id).phones] == ["555 0199"]
    # Editing that contact again does not repeat it.
    again = dialog(d.saved_id)
    qtbot.keyClicks(again.title_edit, "Buyer")
    save(qtbot, again)
    assert not again.isVisible()


def test_editing_keeps_the_name_details_an_import_brought(dialog, qtbot):
    cid = contacts.create_contact(
        contacts.ContactInput(
            first_name="Kenji",
            last_name="Sato",
            organization="ABC",
            full_name="Ken Sato (ABC)",
            name_prefix="Dr.",
            nickname="Ken",
            phonetic_last_name="さとう",
            role="Decision maker",
            department="Marketing",
        )
    )
    d = dialog(cid)
    assert d.full_name.text() == "Ken Sato (ABC)" and d.department.text() == "Marketing"
    d.title_edit.setText("Buyer")
    d.nickname.setText("Kenny")
    save(qtbot, d)
    c = contacts.get_contact(cid)
    assert c.title == "Buyer" and c.nickname == "Kenny"
    assert (c.full_name, c.name_prefix, c.phonetic_last_name, c.role, c.department) == (
        "Ken Sato (ABC)",
        "Dr.",
        "さとう",
        "Decision maker",
        "Marketing",
    )
    assert c.display_name == "Ken Sato (ABC)"
