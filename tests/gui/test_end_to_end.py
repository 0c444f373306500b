"""A rep's day in the real window, driven from the keyboard and the mouse.

Every form is opened the way a user opens it (a shortcut or a button), filled by
typing into the widget that has the focus, and saved or cancelled with its buttons.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QHeaderView, QRadioButton

from favorbook.sample import demo
from favorbook.services import contacts, conversations, favors, followups, questions, settings

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def press(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier):
    """A key the window's shortcuts answer; Qt delivers those to the active window only."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, key, modifiers)


def opened_form(qtbot, window, key=None, modifiers=CTRL):
    """Press the shortcut (if any) and return the form it opened, answering 'discard' on close."""
    if key is not None:
        press(qtbot, window, key, modifiers)
    qtbot.waitUntil(lambda: window.form is not None and window.form.isVisible(), timeout=3000)
    form = window.form
    form.confirm_discard = lambda: True
    assert QApplication.activeModalWidget() is form
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=3000)
    return form


def type_here(qtbot, text: str) -> None:
    """Type into whatever has the keyboard focus, as a user does."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def tab(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def click_save(qtbot, form) -> None:
    button = form.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def selected_names(window) -> list[str]:
    return [
        window.model.index(i.row(), 0).data()
        for i in window.list_view.selectionModel().selectedRows()
    ]


def list_names(window) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def select(window, contact_id: int) -> None:
    """Click the contact's row, as a user picks a contact."""
    view = window.list_view
    row = window.model.row_of(contact_id)
    view.scrollTo(window.model.index(row, 0))
    rect = view.visualRect(window.model.index(row, 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.contacts_page.contact_id == contact_id


@pytest.fixture(autouse=True)
def _close_forms_left_open(qtbot):
    """A test that fails with a form open must not leave a modal dialog over the next test."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)


@pytest.fixture
def ann(window, make_contact):
    cid = make_contact("Ann", "Lee", organization="Brightwave", kind="customer")
    make_contact("Bo", "Chan", organization="Acme Tools", kind="vendor")
    window.reload()
    select(window, cid)
    return cid


# --- contacts --------------------------------------------------------------------------


def test_new_contact_with_a_bad_email_then_fixed_is_selected(window, qtbot, make_contact):
    make_contact("Bo", "Chan")
    window.reload()
    form = opened_form(qtbot, window, Qt.Key.Key_N)
    assert form.objectName() == "contactDialog"
    assert QApplication.focusWidget() is form.first_name
    type_here(qtbot, "Carla")
    tab(qtbot)
    type_here(qtbot, "Diaz")
    tab(qtbot)
    type_here(qtbot, "Foundry Works")
    email = form.emails.value_widget(0)
    qtbot.mouseClick(email, Qt.MouseButton.LeftButton)
    type_here(qtbot, "carla@@foundry")
    click_save(qtbot, form)

    assert form.isVisible()
    assert form.error_label.isVisible() and "carla@@foundry" in form.error_label.text()
    assert QApplication.focusWidget() is email  # the cursor is on the bad field
    assert (form.first_name.text(), form.last_name.text()) == ("Carla", "Diaz")
    assert form.organization.currentText() == "Foundry Works"
    assert contacts.count_contacts() == 1

    email.selectAll()
    type_here(qtbot, "carla@foundry.example")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    carla = form.saved_id
    assert carla is not None
    assert [e.value for e in contacts.get_contact(carla).emails] == ["carla@foundry.example"]
    assert window.contacts_page.contact_id == carla
    assert selected_names(window) == ["Carla Diaz"]
    assert "Contact added" in window.statusBar().currentMessage()


def test_edit_with_ctrl_e_changes_the_list(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_E)
    assert form.windowTitle() == "Edit Ann Lee"
    assert form.first_name.text() == "Ann"
    form.title_edit.setFocus()
    type_here(qtbot, "Head of purchasing")
    form.first_name.setFocus()
    form.first_name.selectAll()
    type_here(qtbot, "Anna")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    assert contacts.get_contact(ann).title == "Head of purchasing"
    assert "Anna Lee" in list_names(window)
    assert selected_names(window) == ["Anna Lee"]
    assert "Head of purchasing" in window.profile.browser.toPlainText()


def test_escape_on_an_edited_form_asks_and_stays_open_on_no(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_E)
    asked = []
    form.confirm_discard = lambda: asked.append(True) or False
    form.first_name.setFocus()
    qtbot.keyClick(form.first_name, Qt.Key.Key_End)
    type_here(qtbot, "x")
    qtbot.keyClick(form.first_name, Qt.Key.Key_Escape)
    assert asked == [True]
    assert form.isVisible() and window.form is form
    assert form.first_name.text() == "Annx"
    form.confirm_discard = lambda: asked.append(True) or True
    qtbot.keyClick(form.first_name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    assert len(asked) == 2
    assert contacts.get_contact(ann).first_name == "Ann"


def test_escape_on_an_untouched_form_closes_without_asking(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_E)
    form.confirm_discard = lambda: pytest.fail("asked although nothing was changed")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)


def test_delete_key_then_ctrl_z_brings_everything_back(window, qtbot, ann):
    favors.log_favor(ann, "given", "Introduced her to the foundry", expectation="iou")
    conversations.log_conversation(ann, "inbound", "Asked about the spring order")
    followups.add_followup(ann, dt.date.today() + dt.timedelta(days=3), "Send the price list")
    window.reload()
    select(window, ann)
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert "Ann Lee" not in list_names(window)
    assert favors.list_favors() == []
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert "Ann Lee" in list_names(window)
    assert [f.description for f in favors.list_favors(contact_id=ann)] == [
        "Introduced her to the foundry"
    ]
    assert favors.open_ious(contact_id=ann)
    assert [c.summary for c in conversations.list_conversations(ann)] == [
        "Asked about the spring order"
    ]
    assert [f.title for f in followups.open_followups(contact_id=ann)] == ["Send the price list"]


def test_archive_hides_then_view_menu_shows_archived(window, qtbot, ann):
    press(qtbot, window, Qt.Key.Key_A, CTRL_SHIFT)
    assert contacts.is_archived(ann)
    assert "Ann Lee" not in list_names(window)
    show = next(a for a in window.view_menu.actions() if a.objectName() == "showArchived")
    assert show.text() == "Show &Archived Contacts"
    show.trigger()  # what a click on View ▸ Show Archived Contacts does
    assert show.isChecked()
    assert "Ann Lee" in list_names(window)
    select(window, ann)
    assert window.unarchive_action.isEnabled() and not window.archive_action.isEnabled()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not contacts.is_archived(ann)


# --- search, filters, sorting -------------------------------------------------------------


def test_ctrl_f_then_typing_searches(window, qtbot, ann):
    window.list_view.setFocus()
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is window.search_edit
    type_here(qtbot, "acme")
    qtbot.waitUntil(lambda: list_names(window) == ["Bo Chan"], timeout=2000)
    assert window.contacts_page.count_label.text() == "1 of 2 contacts"
    qtbot.keyClick(window.search_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: len(list_names(window)) == 2, timeout=2000)


def test_kind_tag_and_overdrawn_filters(window, qtbot, ann, make_contact):
    make_contact("Cy", "Dale", tags=["golf"])
    favors.log_favor(ann, "received", "Lent us her booth")
    window.reload()
    tag = window.contacts_page.filters.tag
    tag.setCurrentIndex(tag.findData("golf"))
    assert list_names(window) == ["Cy Dale"]
    assert window.contacts_page.count_label.text() == "1 of 3 contacts"
    tag.setCurrentIndex(0)
    kind = window.contacts_page.filters.kind
    kind.setFocus()
    kind.setCurrentIndex(kind.findData("vendor"))
    assert list_names(window) == ["Bo Chan"]
    kind.setCurrentIndex(0)
    assert len(list_names(window)) == 3
    overdrawn = window.contacts_page.filters.overdrawn
    qtbot.mouseClick(overdrawn, Qt.MouseButton.LeftButton)
    assert list_names(window) == ["Ann Lee"]
    qtbot.mouseClick(overdrawn, Qt.MouseButton.LeftButton)
    assert len(list_names(window)) == 3


def _click_header(qtbot, view, column: int) -> None:
    header: QHeaderView = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_clicking_a_header_sorts_and_again_reverses(window, qtbot, ann):
    from favorbook.ui.contact_model import ContactListModel

    view = window.list_view
    _click_header(qtbot, view, ContactListModel.COMPANY)
    assert list_names(window) == ["Bo Chan", "Ann Lee"]  # Acme Tools before Brightwave
    _click_header(qtbot, view, ContactListModel.COMPANY)
    assert list_names(window) == ["Ann Lee", "Bo Chan"]


def test_ledger_page_sorts_by_header_click(window, qtbot, ann):
    favors.log_favor(ann, "given", "B second", occurred_on=dt.date.today() - dt.timedelta(days=1))
    favors.log_favor(ann, "given", "A first", occurred_on=dt.date.today() - dt.timedelta(days=5))
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    page = window.favors_page
    view = page.view
    column = page.model.column_named("description")
    assert column is not None
    _click_header(qtbot, view, column)

    def descriptions():
        return [page.model.index(r, column).data() for r in range(page.model.rowCount())]

    first = descriptions()
    _click_header(qtbot, view, column)
    assert descriptions() == list(reversed(first))
    assert sorted(first) in (first, list(reversed(first)))


# --- navigation, preferences, actions menu -------------------------------------------------


def test_ctrl_digits_show_each_page(window, qtbot, ann):
    expected = [
        window.contacts_page,
        window.favors_page,
        window.conversations_page,
        window.referrals_page,
        window.followups_page,
        window.dashboard,
        window.question_bank,
    ]
    for number, page in reversed(list(enumerate(expected, start=1))):
        press(qtbot, window, Qt.Key.Key_0 + number, CTRL)
        assert window.pages.currentWidget() is page
        assert window.navigation.currentRow() == number - 1
        assert page.isVisible()


def test_preferences_change_the_target_everywhere(window, qtbot, ann):
    favors.log_favor(ann, "given", "Intro")
    favors.log_favor(ann, "received", "Booth")
    window.reload()
    assert "target 4:1" in window.summary_label.text()
    seen = {}

    def fill():
        # Preferences runs its own event loop (exec); this runs inside it.
        dialog = QApplication.activeModalWidget()
        if dialog is None or QApplication.activeWindow() is not dialog:
            QTimer.singleShot(10, fill)  # not shown and active yet
            return
        seen["dialog"] = dialog.objectName()
        dialog.confirm_discard = lambda: True
        try:
            seen["focus"] = QApplication.focusWidget() is dialog.ratio
            dialog.ratio.selectAll()
            type_here(qtbot, "2")
            click_save(qtbot, dialog)
        finally:
            if dialog.isVisible():
                dialog.done(0)

    QTimer.singleShot(0, fill)
    press(qtbot, window, Qt.Key.Key_Comma, CTRL)
    assert seen == {"dialog": "preferencesDialog", "focus": True}
    assert settings.target_ratio() == 2
    assert "target 2:1" in window.summary_label.text()
    assert "Preferences saved" in window.statusBar().currentMessage()
    window.activateWindow()  # a window manager hands the focus back; offscreen has none
    press(qtbot, window, Qt.Key.Key_6, CTRL)
    words = window.dashboard.ratio_words.text()
    assert "1 favor given, 1 received; target 2" in words
    assert "give 1 more" in words  # 1 given against 2 × 1 received


def test_actions_menu_lists_the_front_views_actions(window, qtbot, ann):
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    window.actions_menu.aboutToShow.emit()
    texts = [a.text().replace("&", "") for a in window.actions_menu.actions()]
    assert "Log favor…" in texts and "Write off" in texts
    press(qtbot, window, Qt.Key.Key_5, CTRL)
    window.actions_menu.aboutToShow.emit()
    texts = [a.text().replace("&", "") for a in window.actions_menu.actions()]
    assert "Add follow-up…" in texts and "Log favor…" not in texts
    press(qtbot, window, Qt.Key.Key_6, CTRL)
    window.actions_menu.aboutToShow.emit()
    texts = [a.text().replace("&", "") for a in window.actions_menu.actions()]
    assert texts == ["No actions for this view"]


# --- favors, conversations, follow-ups ------------------------------------------------------


def test_log_a_favor_with_ctrl_shift_f_for_the_selected_contact(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
    assert form.objectName() == "favorDialog"
    assert form.contact.currentText() == "Ann Lee"
    assert QApplication.focusWidget() is form.description
    click_save(qtbot, form)  # no description: refused, nothing lost
    assert form.isVisible() and form.error_label.isVisible()
    assert form.contact.currentText() == "Ann Lee"
    form.description.setFocus()
    type_here(qtbot, "Introduced her to our CFO")
    iou = form.findChild(QRadioButton, "expectation_iou")
    qtbot.mouseClick(iou, Qt.MouseButton.LeftButton)
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    logged = favors.list_favors(contact_id=ann)
    assert [(f.description, f.expectation) for f in logged] == [
        ("Introduced her to our CFO", "iou")
    ]
    assert "Favor logged" in window.statusBar().currentMessage()


def test_favor_for_someone_unknown_names_the_field(window, qtbot, ann):
    press(qtbot, window, Qt.Key.Key_2, CTRL)  # not on the contacts page: no contact preset
    form = opened_form(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
    assert form.contact.currentText() == ""
    form.contact.setEditText("Nobody Known")
    form.description.setFocus()
    type_here(qtbot, "Sent a white paper")
    click_save(qtbot, form)
    assert form.isVisible()
    assert "Nobody Known" in form.error_label.text()
    assert form.description.toPlainText() == "Sent a white paper"
    form.contact.setEditText("Ann Lee")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    assert [f.description for f in favors.list_favors(contact_id=ann)] == ["Sent a white paper"]


def test_call_prep_then_log_the_call_with_an_answer(window, qtbot, ann):
    press(qtbot, window, Qt.Key.Key_P, CTRL_SHIFT)
    prep = window.call_prep
    assert window.contacts_page.tabs.currentWidget() is prep and prep.isVisible()
    assert prep.question_rows
    row = prep.question_rows[0]
    qtbot.mouseClick(row.check, Qt.MouseButton.LeftButton)
    assert prep.ticked_question_ids() == [row.question_id]
    qtbot.mouseClick(prep.log_button, Qt.MouseButton.LeftButton)
    form = opened_form(qtbot, window)
    assert form.objectName() == "conversationDialog"
    assert form.checklist.ticks[row.question_id].isChecked()
    answer = form.checklist.answers[row.question_id]
    assert answer.isVisible()
    qtbot.mouseClick(answer, Qt.MouseButton.LeftButton)
    type_here(qtbot, "Six weeks lead time")
    form.summary.setFocus()
    type_here(qtbot, "Talked about the spring order")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    answers = questions.answers_for(ann)
    assert [(a.question_id, a.answer) for a in answers] == [
        (row.question_id, "Six weeks lead time")
    ]
    assert prep.ticked_question_ids() == []
    assert "Six weeks lead time" in prep.answers_section.texts()


def test_log_conversation_shortcut_and_a_follow_up_from_it(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_L, CTRL_SHIFT)
    assert form.objectName() == "conversationDialog"
    assert QApplication.focusWidget() is form.summary
    type_here(qtbot, "Quick check-in")
    form.follow_up_title.setFocus()
    type_here(qtbot, "Send the case study")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    assert [c.summary for c in conversations.list_conversations(ann)] == ["Quick check-in"]
    assert [f.title for f in followups.open_followups(contact_id=ann)] == ["Send the case study"]


def test_add_a_follow_up_with_ctrl_shift_u(window, qtbot, ann):
    form = opened_form(qtbot, window, Qt.Key.Key_U, CTRL_SHIFT)
    assert form.objectName() == "followUpDialog"
    assert form.contact.currentText() == "Ann Lee"
    assert QApplication.focusWidget() is form.title_edit
    click_save(qtbot, form)  # empty title
    assert form.isVisible() and form.error_label.isVisible()
    type_here(qtbot, "Call about the renewal")
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    due = followups.open_followups(contact_id=ann)
    assert [f.title for f in due] == ["Call about the renewal"]
    assert due[0].due_on == dt.date.today() + dt.timedelta(days=7)


def test_sample_network_through_the_window(window, qtbot):
    demo.load(20)
    window.reload()
    assert window.model.rowCount() == 20
    assert window.contacts_page.contact_id is not None
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    assert window.favors_page.model.rowCount() > 0


# --- vetting and referrals from the Contact menu -------------------------------------------


def modal_dialog(qtbot):
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=3000)
    dialog = QApplication.activeModalWidget()
    dialog.confirm_discard = lambda: True
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


def contact_menu_action(window, name: str):
    return next(a for a in window.contact_menu.actions() if a.objectName() == name)


def test_edit_vetting_from_the_contact_menu(window, qtbot, ann):
    from favorbook.services import vetting

    contact_menu_action(window, "editVetting").trigger()
    dialog = modal_dialog(qtbot)
    assert dialog.objectName() == "vettingDialog"
    dialog.status.setCurrentIndex(dialog.status.findData("trusted"))
    promises = dialog.criteria["keeps_promises"]
    promises.setFocus()
    qtbot.keyClick(promises, Qt.Key.Key_Space)
    dialog.trusted_for.setFocus()
    type_here(qtbot, "castings")
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    view = vetting.get(ann)
    assert (view.status, view.trusted_for) == ("trusted", "castings")
    assert view.criteria["keeps_promises"] is True


def test_recommending_someone_not_trusted_asks_why_then_records_it(window, qtbot, ann):
    from favorbook.services import referrals

    contact_menu_action(window, "recommendThem").trigger()  # recommend Ann to …
    dialog = modal_dialog(qtbot)
    assert dialog.objectName() == "referralDialog"
    assert dialog.subject.currentText() == "Ann Lee"
    assert not dialog.override_visible()
    dialog.recipient.setEditText("Bo Chan")  # the completion popup needs a window manager
    dialog.note.setFocus()
    type_here(qtbot, "Knows castings")
    click_save(qtbot, dialog)
    assert dialog.isVisible() and dialog.override_visible()
    assert "not vetted as trusted" in dialog.error_label.text()
    assert QApplication.focusWidget() is dialog.override_reason
    assert dialog.note.toPlainText() == "Knows castings"
    type_here(qtbot, "Bo needs a supplier this week")
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    made = referrals.for_contact(ann).recommended_them
    assert [(r.recipient, r.override_reason) for r in made] == [
        ("Bo Chan", "Bo needs a supplier this week")
    ]


def test_record_who_referred_them_shows_in_the_graph(window, qtbot, ann):
    from favorbook.services import referrals

    contact_menu_action(window, "recordReferrer").trigger()
    dialog = modal_dialog(qtbot)
    assert dialog.subject.currentText() == "Ann Lee"
    dialog.source.setEditText("Bo Chan")
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    bo = contacts.all_names()
    bo_id = next(i for i, n in bo if n == "Bo Chan")
    assert referrals.referred_by(ann) == bo_id
    window.show_contact_tab(window.referrals_tab.parentWidget())
    assert window.referral_graph.node_ids() == {ann, bo_id}


def test_follow_ups_page_space_marks_done_and_ctrl_z_reopens(window, qtbot, ann):
    followups.add_followup(ann, dt.date.today() - dt.timedelta(days=2), "Send the price list")
    press(qtbot, window, Qt.Key.Key_5, CTRL)
    page = window.followups_page
    view = page.view
    assert page.model.rowCount() == 1
    rect = view.visualRect(page.model.index(0, 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert followups.open_followups(contact_id=ann) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert [f.title for f in followups.open_followups(contact_id=ann)] == ["Send the price list"]


def test_reschedule_a_follow_up_from_its_page(window, qtbot, ann):
    fid = followups.add_followup(ann, dt.date.today(), "Call about the renewal")
    press(qtbot, window, Qt.Key.Key_5, CTRL)
    page = window.followups_page
    assert page.select_id(fid)
    page.reschedule_action.trigger()
    form = opened_form(qtbot, window)
    assert form.windowTitle() == "Reschedule follow-up"
    assert form.title_edit.isReadOnly()
    assert QApplication.focusWidget() is form.due
    form.due.setDate(form.due.date().addDays(10))
    click_save(qtbot, form)
    qtbot.waitUntil(lambda: window.form is None, timeout=3000)
    assert followups.open_followups(contact_id=ann)[0].due_on == dt.date.today() + dt.timedelta(
        days=10
    )
