"""Referral forms, one contact's referrals tab, and the page of all referrals and vetted people."""

import datetime as dt

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialog

from favorbook.services import referrals, vetting
from favorbook.ui.forms.referral_form import ReferralDialog, ReferralOutcomeDialog
from favorbook.ui.network.referrals_view import (
    ReferralsTab,
    ReferralsVettingPage,
    ReferralTableModel,
    VettedTableModel,
)
from favorbook.ui.shell.bus import Bus
from tests.gui.helpers import Gated, wrap_widths


def _dialog(qtbot, dialog):
    """Show a form; closing it at teardown discards without asking (no modal question)."""
    qtbot.addWidget(dialog)
    dialog.confirm_discard = lambda: True
    dialog.show()
    return dialog


def _pick(qtbot, picker, text):
    # As if chosen from the completion list (typing would open its popup, which the
    # offscreen platform warns about).
    picker.setEditText(text)


def test_inbound_referral_is_recorded(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    dialog = _dialog(qtbot, ReferralDialog("inbound", bo))
    assert dialog.subject.contact_id() == bo
    _pick(qtbot, dialog.source, "Ann Lee")
    dialog.occurred_on.setDate(QDate(2026, 3, 4))
    qtbot.keyClicks(dialog.note, "Met at the trade fair")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    links = referrals.for_contact(bo)
    assert links.brought_by.source_id == ann
    assert links.brought_by.occurred_on == dt.date(2026, 3, 4)
    assert links.brought_by.note == "Met at the trade fair"


def test_inbound_with_unknown_name_keeps_input(qtbot, make_contact):
    bo = make_contact("Bo", "Chan")
    dialog = _dialog(qtbot, ReferralDialog("inbound", bo))
    _pick(qtbot, dialog.source, "Nobody Known")
    qtbot.keyClicks(dialog.note, "kept")
    dialog.accept()
    assert dialog.isVisible() and "Nobody Known" in dialog.error_label.text()
    assert dialog.note.toPlainText() == "kept" and dialog.source.currentText() == "Nobody Known"


def test_recommending_untrusted_needs_a_reason_and_keeps_input(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    vetting.set_vetting(bo, "in_review")
    dialog = _dialog(qtbot, ReferralDialog("recommend", ann))
    assert not dialog.override_visible()
    _pick(qtbot, dialog.subject, "Bo Chan")
    qtbot.keyClicks(dialog.note, "Great roofer")
    qtbot.keyClick(dialog.recipient, Qt.Key.Key_Return)  # Enter saves
    assert dialog.isVisible()
    assert dialog.override_visible() and dialog.focusWidget() is dialog.override_reason
    message = dialog.error_label.text()
    assert "Bo Chan is not vetted as trusted" in message and "nothing is lost" in message
    assert dialog.note.toPlainText() == "Great roofer"
    assert dialog.subject.contact_id() == bo and dialog.recipient.contact_id() == ann
    assert referrals.for_contact(ann).recommended_to_them == []

    qtbot.keyClicks(dialog.override_reason, "Fixed my own roof twice")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.LeftButton)
    assert not dialog.isVisible()
    [made] = referrals.for_contact(ann).recommended_to_them
    assert made.subject_id == bo and made.override_reason == "Fixed my own roof twice"
    assert made.note == "Great roofer"


def test_recommending_a_trusted_person_needs_no_reason(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    vetting.set_vetting(bo, "trusted", trusted_for="roofing")
    dialog = _dialog(qtbot, ReferralDialog("recommend", None, subject_id=bo))
    _pick(qtbot, dialog.recipient, "Ann Lee")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.override_visible()
    assert referrals.for_contact(bo).recommended_them[0].recipient_id == ann


def test_outcome_dialog_sets_value_and_thanks(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    rid = referrals.record_inbound(ann, bo)
    dialog = _dialog(qtbot, ReferralOutcomeDialog(rid))
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("won"))
    qtbot.keyClicks(dialog.value, "12k")
    dialog.accept()
    assert dialog.isVisible() and dialog.focusWidget() is dialog.value
    dialog.value.setText("12000")
    qtbot.keyClick(dialog.thanks, Qt.Key.Key_Space)
    dialog.accept()
    view = referrals.get_referral(rid)
    assert (view.outcome, view.value, view.thanks_sent) == ("won", 12000.0, True)


def test_tab_shows_links_and_actions(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    cy = make_contact("Cy", "Dale")
    dee = make_contact("Dee", "Eng")
    referrals.record_inbound(ann, bo)
    referrals.record_inbound(bo, cy)
    vetting.set_vetting(dee, "trusted", trusted_for="plumbing")
    referrals.recommend(dee, bo)
    bus = Bus()
    tab = ReferralsTab(bus)
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    tab.show_contact(bo)
    assert "Ann Lee" in tab.brought_by_section.texts()
    assert "Cy Dale" in tab.brought_section.texts()
    assert "Dee Eng" in tab.to_them_section.texts()
    assert "Nobody yet" in tab.them_section.texts()
    opened = []
    bus.open_contact.connect(opened.append)
    cy_row = next(r for r in tab.rows if "Cy Dale" in r.label.text())
    cy_row.label.linkActivated.emit(f"contact:{cy}")
    assert opened == [cy]

    qtbot.mouseClick(cy_row.thanks, Qt.LeftButton, pos=QPoint(6, cy_row.thanks.height() // 2))
    assert referrals.for_contact(bo).brought[0].thanks_sent

    qtbot.mouseClick(tab.record_button, Qt.LeftButton)
    dialog = tab.dialog
    dialog.confirm_discard = lambda: True
    assert dialog.isVisible() and dialog.subject.contact_id() == bo
    _pick(qtbot, dialog.source, "Dee Eng")
    dialog.accept()
    qtbot.waitUntil(lambda: "Dee Eng" in tab.brought_by_section.texts())
    assert referrals.referred_by(bo) == dee


def test_tab_extra_slot_and_empty_state(qtbot, db):
    from PySide6.QtWidgets import QLabel

    tab = ReferralsTab(Bus())
    qtbot.addWidget(tab)
    tab.show()
    assert tab.empty_label.isVisible() and not tab.record_button.isEnabled()
    extra = QLabel("graph here")
    tab.add_extra(extra)
    assert extra.isVisible()


def test_page_models_pass_qtmodeltester(qtmodeltester, make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    referrals.record_inbound(ann, bo)
    vetting.set_vetting(ann, "in_review", revet_on=today - dt.timedelta(days=1))
    vetting.set_vetting(bo, "trusted", trusted_for="tax", revet_on=today + dt.timedelta(days=30))
    referrals.recommend(bo, ann)
    model = ReferralTableModel()
    model.reload()
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    vetted = VettedTableModel()
    vetted.reload()
    assert vetted.person(0).contact_id == ann and vetted.due(0) and not vetted.due(1)
    qtmodeltester.check(vetted)


def test_page_filters_and_opens_contacts(qtbot, make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    cy = make_contact("Cy", "Dale")
    old = referrals.record_inbound(ann, bo, occurred_on=today - dt.timedelta(days=20))
    referrals.set_outcome(old, "won", 500)
    referrals.record_inbound(ann, cy, occurred_on=today - dt.timedelta(days=40))
    vetting.set_vetting(bo, "trusted", trusted_for="tax")
    referrals.recommend(bo, cy, occurred_on=today)
    bus = Bus()
    page = ReferralsVettingPage(bus)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    model = page.referral_model
    assert [model.index(r, ReferralTableModel.SUBJECT).data() for r in range(3)] == [
        "Bo Chan",
        "Bo Chan",
        "Cy Dale",
    ]
    qtbot.mouseClick(page.pending_first, Qt.LeftButton)
    assert model.index(2, ReferralTableModel.OUTCOME).data() == "Won"
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("outbound"))
    assert model.rowCount() == 1
    opened = []
    bus.open_contact.connect(opened.append)
    page.referral_table.activated.emit(model.index(0, ReferralTableModel.RECIPIENT))
    page.vetted_table.activated.emit(page.vetted_model.index(0, 0))
    assert opened == [cy, bo]


def test_page_empty_states(qtbot, db):
    page = ReferralsVettingPage(Bus())
    qtbot.addWidget(page)
    page.show()
    assert page.referrals_empty.isVisible() and page.vetted_empty.isVisible()


def test_tab_actions_fit_a_half_screen_pane(qtbot, make_contact):
    from PySide6.QtWidgets import QScrollArea

    ann = make_contact("Ann", "Lee")
    tab = ReferralsTab(Bus())
    qtbot.addWidget(tab)
    tab.show_contact(ann)
    content = tab.findChild(QScrollArea).widget()
    # The contact pane is about 570 px wide on a 1366 px screen; nothing may be cut off.
    assert content.minimumSizeHint().width() <= 540


def test_what_a_person_is_trusted_for_gets_the_room(qtbot, make_contact, today):
    """The vetted list's free text (trusted for) takes the room the other columns leave,
    rather than the re-vet day after it; a long one shows whole on a wide page."""
    ann = make_contact("Ann", "Lee")
    long_text = "hard-to-find replacement parts for CNC lathes and milling machines"
    vetting.set_vetting(ann, "trusted", trusted_for=long_text, revet_on=today)
    page = ReferralsVettingPage(Bus())
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    header = page.vetted_table.horizontalHeader()
    trusted = header.sectionSize(VettedTableModel.TRUSTED_FOR)
    assert trusted > header.sectionSize(VettedTableModel.REVET)
    assert page.vetted_table.fontMetrics().horizontalAdvance(long_text) < trusted - 8


def test_a_long_list_is_sized_by_the_rows_in_view_not_by_a_thousand(qtbot):
    """Each show of the Referrals & vetting page asked 81,344 cells for their size at
    100,000 contacts (240 ms): its columns fitted the first thousand rows of each list."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    from favorbook.ui.network.referrals_view import _table

    class Many(QAbstractTableModel):
        asked = 0

        def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else 5000

        def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else 3

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            Many.asked += 1
            return f"row {index.row()}" if role == Qt.ItemDataRole.DisplayRole else None

    table = _table(Many(), "many")
    table.resize(600, 400)
    qtbot.addWidget(table)
    with qtbot.waitExposed(table):
        table.show()
    assert Many.asked < 3 * 5000  # a few hundred rows' worth, not every row of the first 1,000
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance("row 99")  # in view


def test_a_list_is_fitted_once_a_listing_not_at_each_layout(qtbot):
    """The page's lists were kept fitted to their rows: each layout (the list shown, the
    window resized) asked the first hundred rows again, three times as the list first
    showed (120 ms at 100,000 contacts). They are fitted when listed, then left as they
    are until the next listing."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    from favorbook.ui.network.referrals_view import SIZED_ROWS, _table

    class Listed(QAbstractTableModel):
        asked = 0
        rows = 0

        def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else self.rows

        def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else 3

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            Listed.asked += 1
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return "a much longer name" if index.row() == 40 else f"row {index.row()}"

        def relist(self, rows):
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    model = Listed()
    table = _table(model, "listed")
    table.resize(600, 300)
    qtbot.addWidget(table)
    with qtbot.waitExposed(table):
        table.show()
    model.relist(5000)  # the rows read on a worker come
    wide = table.fontMetrics().horizontalAdvance("a much longer name")
    assert table.columnWidth(0) >= wide  # fitted to the rows listed, beyond those in view
    qtbot.wait(10)
    Listed.asked = 0
    for width in (640, 520, 600):  # the window resized, the list shown again
        table.hide()
        table.resize(width, 300)
        table.show()
        qtbot.wait(10)
    # The rows painted (a dozen a time, some 800 questions in all), not the hundred rows
    # fitted again each time (10,400).
    assert Listed.asked < 3 * SIZED_ROWS * 3 * 2
    assert table.columnWidth(0) >= wide


def test_the_sections_and_rows_size_hints_lay_no_label_out(qtbot, make_contact, monkeypatch):
    """A section's or a referral's or a match's row is given its width by the page and
    asked its height for it; its size hint needs no label laid out (each laid its labels
    out again at the hint's width, which it never has, every time a contact was shown)."""
    from PySide6.QtWidgets import QApplication

    from favorbook.ui.network.matching import MatchPanel

    asked = wrap_widths(monkeypatch)
    ann = make_contact("Ann", "Lee", needs="someone who does the payroll")
    bo = make_contact("Bo", "Chan", offers="payroll for small firms")
    vetting.set_vetting(bo, "trusted", trusted_for="payroll and bookkeeping")
    referrals.record_inbound(bo, ann, note="Met at the fair " * 6)
    bus = Bus()
    tab, panel = ReferralsTab(bus), MatchPanel(bus)
    for widget in (tab, panel):
        qtbot.addWidget(widget)
        widget.resize(600, 500)
        widget.show()
        widget.show_contact(ann)
    QApplication.processEvents()
    assert tab.rows and panel.rows
    for widget in (tab.brought_by_section, tab.rows[0], panel.rows[0]):
        asked.clear()
        widget.layout().invalidate()
        hint = widget.sizeHint()
        assert asked == [], widget
        margins = widget.contentsMargins()
        assert hint.width() == widget.layout().sizeHint().width() + margins.left() + margins.right()


def test_many_referrals_are_read_on_a_worker_thread_and_the_filter_holds(
    qtbot, make_contact, today, monkeypatch
):
    """54,948 referrals and 54,844 vetted people held the window ~1 s when the page was
    first shown: from BACKGROUND_FROM rows on they are read on a worker thread."""
    from favorbook.ui.network import referrals_view

    ann, bo, cy = make_contact("Ann", "Lee"), make_contact("Bo", "Chan"), make_contact("Cy", "Dale")
    referrals.record_inbound(ann, bo, occurred_on=today - dt.timedelta(days=20))
    vetting.set_vetting(bo, "trusted", trusted_for="tax")
    referrals.recommend(bo, cy, occurred_on=today)
    monkeypatch.setattr(referrals_view, "BACKGROUND_FROM", 2)
    read = Gated(monkeypatch, vetting, "list_vetted")
    page = ReferralsVettingPage(Bus())
    qtbot.addWidget(page)
    page.show()
    assert page.is_loading() and page.referral_model.rowCount() == 0
    assert not page.referrals_empty.isVisible() and not page.vetted_empty.isVisible()
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("outbound"))  # while reading
    read.open()
    qtbot.waitUntil(
        lambda: not page.is_loading() and page.vetted_model.rowCount() == 1, timeout=10000
    )
    assert read.on_window_thread == [False, False]  # read again for the kind chosen meanwhile
    model = page.referral_model
    assert model.rowCount() == 1
    assert model.index(0, ReferralTableModel.SUBJECT).data() == "Bo Chan"


def test_reading_the_referrals_again_looks_for_a_selection_only_when_there_is_one(
    qtbot, make_contact, today, monkeypatch
):
    """With nothing selected, every reload walked all 54,948 referrals looking for it."""
    ann, bo = make_contact("Ann", "Lee"), make_contact("Bo", "Chan")
    referrals.record_inbound(ann, bo, occurred_on=today)
    page = ReferralsVettingPage(Bus())
    qtbot.addWidget(page)
    page.show()
    looked = []
    real = page.referral_model.referral
    model = page.referral_model
    monkeypatch.setattr(model, "referral", lambda row: looked.append(row) or real(row))
    page.refresh()
    assert looked == []
    page.referral_table.selectRow(0)
    page.refresh()
    assert page.selected_referral_id() is not None  # kept
