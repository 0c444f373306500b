"""The vetting form and a contact's vetting tab: status, criteria, re-vet date, notes."""

import datetime as dt

from PySide6.QtCore import QDate, QPoint, Qt

from favorbook.services import vetting
from favorbook.ui.forms.vetting_form import VettingDialog
from favorbook.ui.network.vetting_view import VettingTab
from favorbook.ui.shell.bus import Bus
from tests.gui.helpers import wrap_widths


def _click_box(qtbot, box):
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def _dialog(qtbot, contact_id):
    dialog = VettingDialog(contact_id)
    qtbot.addWidget(dialog)
    dialog.confirm_discard = lambda: True
    dialog.show()
    return dialog


def test_dialog_saves_status_criteria_and_date(qtbot, make_contact):
    ann = make_contact()
    dialog = _dialog(qtbot, ann)
    dialog.status.setCurrentIndex(dialog.status.findData("trusted"))
    _click_box(qtbot, dialog.criteria["keeps_promises"])
    _click_box(qtbot, dialog.criteria["references_checked"])
    qtbot.keyClicks(dialog.trusted_for, "commercial roofing")
    _click_box(qtbot, dialog.revet_check)
    dialog.revet_on.setDate(QDate(2027, 5, 1))
    qtbot.keyClick(dialog.trusted_for, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    v = vetting.get(ann)
    assert v.status == "trusted" and v.trusted_for == "commercial roofing"
    assert v.criteria == {
        "keeps_promises": True,
        "quality_of_work": False,
        "shares_principles": False,
        "references_checked": True,
    }
    assert v.revet_on == dt.date(2027, 5, 1)


def test_dialog_loads_current_vetting_and_can_clear_the_date(qtbot, make_contact):
    ann = make_contact()
    vetting.set_vetting(ann, "in_review", criteria={"quality_of_work": True}, revet_on="2027-01-02")
    dialog = _dialog(qtbot, ann)
    assert dialog.status.currentData() == "in_review"
    assert dialog.criteria["quality_of_work"].isChecked()
    assert dialog.revet_check.isChecked() and dialog.revet_on.date() == QDate(2027, 1, 2)
    _click_box(qtbot, dialog.revet_check)
    assert not dialog.revet_on.isEnabled()
    dialog.accept()
    assert vetting.get(ann).revet_on is None


def test_trusted_without_what_for_keeps_input(qtbot, make_contact):
    ann = make_contact()
    dialog = _dialog(qtbot, ann)
    dialog.status.setCurrentIndex(dialog.status.findData("trusted"))
    _click_box(qtbot, dialog.criteria["shares_principles"])
    dialog.accept()
    assert dialog.isVisible()
    assert "trusted for" in dialog.error_label.text()
    assert dialog.trusted_for.property("invalid") is True
    assert dialog.status.currentData() == "trusted"
    assert dialog.criteria["shares_principles"].isChecked()
    assert vetting.get(ann).status == "unvetted"
    qtbot.keyClicks(dialog.trusted_for, "tax advice")
    dialog.accept()
    assert not dialog.isVisible() and vetting.get(ann).trusted_for == "tax advice"


def test_tab_shows_vetting_and_adds_a_note_with_voucher(qtbot, make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    vetting.set_vetting(
        ann, "trusted", trusted_for="payroll", revet_on=today - dt.timedelta(days=1)
    )
    bus = Bus()
    tab = VettingTab(bus)
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    tab.show_contact(ann)
    assert tab.badge.text().strip() == "Trusted"
    assert "payroll" in tab.summary_label.text()
    assert "Re-vet due since" in tab.summary_label.text()
    assert "No notes yet" in tab.notes_section.texts()

    qtbot.mouseClick(tab.add_note_button, Qt.MouseButton.LeftButton)
    assert tab.note_error.isVisible()  # nothing written: refused, nothing added
    qtbot.keyClicks(tab.note_evidence, "Invoice 114")
    qtbot.mouseClick(tab.add_note_button, Qt.MouseButton.LeftButton)
    assert tab.note_evidence.text() == "Invoice 114"
    qtbot.keyClicks(tab.note_body, "Ran our payroll for a quarter without a slip")
    tab.voucher.setEditText("Bo Chan")  # as chosen from the completion list
    opened = []
    bus.open_contact.connect(opened.append)
    qtbot.mouseClick(tab.add_note_button, Qt.MouseButton.LeftButton)
    [note] = vetting.get(ann).notes
    assert note.vouched_by_id == bo and note.evidence == "Invoice 114"
    assert note.noted_on == today
    shown = tab.notes_section.texts()
    assert "Ran our payroll" in shown and "Bo Chan" in shown and today.isoformat() in shown
    assert tab.note_body.toPlainText() == "" and tab.voucher.contact_id() is None
    label = next(
        lbl for lbl in tab.notes_section.findChildren(type(tab.badge)) if "Bo" in lbl.text()
    )
    label.linkActivated.emit(f"contact:{bo}")
    assert opened == [bo]


def test_tab_edit_button_opens_the_dialog_and_refreshes(qtbot, make_contact):
    ann = make_contact()
    tab = VettingTab(Bus())
    qtbot.addWidget(tab)
    tab.show()
    assert tab.empty_label.isVisible()
    tab.show_contact(ann)
    assert tab.badge.text().strip() == "Unvetted"
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    dialog.confirm_discard = lambda: True
    assert dialog.isVisible()
    dialog.status.setCurrentIndex(dialog.status.findData("not_recommended"))
    dialog.accept()
    assert tab.badge.text().strip() == "Not recommended"


def test_escape_asks_before_dropping_edits(qtbot, make_contact):
    ann = make_contact()
    dialog = _dialog(qtbot, ann)
    asked = []
    dialog.confirm_discard = lambda: asked.append(1) or False
    qtbot.keyClicks(dialog.trusted_for, "roofing")
    qtbot.keyClick(dialog.trusted_for, Qt.Key.Key_Escape)
    assert asked == [1] and dialog.isVisible() and dialog.trusted_for.text() == "roofing"
    dialog.trusted_for.clear()
    qtbot.keyClick(dialog.trusted_for, Qt.Key.Key_Escape)
    assert asked == [1] and not dialog.isVisible()
    assert vetting.get(ann).trusted_for == ""


def test_a_voucher_who_is_not_a_contact_is_kept_by_name(qtbot, make_contact):
    ann = make_contact()
    tab = VettingTab(Bus())
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_contact(ann)
    qtbot.keyClicks(tab.note_body, "Recommended by her old foreman")
    tab.voucher.setEditText("Mr Okafor")
    qtbot.mouseClick(tab.add_note_button, Qt.MouseButton.LeftButton)
    assert not tab.note_error.isVisible(), tab.note_error.text()
    [note] = vetting.get(ann).notes
    assert (note.vouched_by_id, note.vouched_by) == (None, "Mr Okafor")
    assert "Mr Okafor" in tab.notes_section.texts()


def test_a_very_long_name_in_the_network_does_not_widen_the_tab(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    make_contact("Maximiliana-Alexandrina", "Vandenberghe-Oppenheimer-Castellanos-Whitmore")
    tab = VettingTab(Bus())
    qtbot.addWidget(tab)
    tab.show_contact(ann)
    # The contact pane is about 570 px wide on a 1366 px screen.
    assert tab.voucher.minimumSizeHint().width() < 250
    assert tab.minimumSizeHint().width() < 570


def test_the_pages_size_hint_lays_no_label_out(qtbot, make_contact, today, monkeypatch):
    """The scroll area gives the vetting page its own width and asks the height for that;
    the page's size hint needs no label laid out. Its details (summary, criteria, notes)
    sat in a plain widget whose own size hint laid each of them out again at a width it
    is never shown at, every time a contact was shown."""
    from PySide6.QtWidgets import QApplication

    asked = wrap_widths(monkeypatch)
    ann = make_contact("Ann", "Lee")
    vetting.set_vetting(ann, "trusted", trusted_for="payroll", revet_on=today)
    vetting.add_note(ann, "Ran our payroll for a quarter without a slip")
    tab = VettingTab(Bus())
    qtbot.addWidget(tab)
    tab.resize(600, 500)
    tab.show()
    tab.show_contact(ann)
    QApplication.processEvents()
    assert asked  # the labels are laid out for the page's width
    for page in (tab.details, tab.content):
        asked.clear()
        page.layout().invalidate()
        hint = page.sizeHint()
        assert asked == [], page
        assert hint.width() == page.layout().sizeHint().width()
