"""Preferences › Accounts: the list, adding with discovery, removing, the sync interval."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from favorbook.errors import SyncError, ValidationError
from favorbook.services import settings
from favorbook.sync import accounts
from favorbook.sync.accounts import Collection, Discovery
from tests.gui.sync_helpers import BOOK, TASKS, make_account, report_json

SERVER = "https://dav.example.com/dav/"


@pytest.fixture
def prefs(db, qtbot, data_dir):
    from favorbook.ui.shell.preferences import PreferencesDialog

    def open_prefs():
        dialog = PreferencesDialog(str(data_dir), None)
        dialog.confirm_discard = lambda: True
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_prefs


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _wait_idle(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog._job is None, timeout=10000)


def test_preferences_keep_the_general_settings_in_a_tab_beside_accounts(prefs):
    dialog = prefs()
    tabs = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert tabs == ["General", "Accounts"]
    assert dialog.tabs.currentIndex() == 0 and dialog.ratio.isVisible()
    assert dialog.findChild(QLineEdit, "dataFolder").isVisible()
    dialog.ratio.setValue(6)
    _save(dialog)
    assert not dialog.isVisible() and settings.target_ratio() == 6


def test_no_account_says_what_an_account_is_for(prefs, qtmodeltester):
    dialog = prefs()
    dialog.show_accounts()
    page = dialog.accounts
    assert page.stack.currentWidget() is page.empty_label and page.empty_label.isVisible()
    assert "No account yet" in page.empty_label.text()
    # The ledger leaves this computer only when the sync between devices is on (through an
    # account too, since its collection of its own), and only encrypted.
    text = page.empty_label.text()
    assert "never go to the account" not in text
    assert "only when you turn on the sync between them" in text
    assert "encrypted with your sync passphrase first" in text
    assert page.add_button.isEnabled() and not page.remove_button.isEnabled()
    assert not page.every_box.isEnabled()
    qtmodeltester.check(page.model)


def test_an_account_shows_its_server_user_collections_and_last_sync(prefs, qtmodeltester):
    import datetime as dt

    when = dt.datetime(2026, 11, 20, 13, 2)
    make_account("work", last_sync_at=when, last_result=report_json(pushed=3, pulled=2))
    make_account("home", username="ann.private", last_sync_at=when, last_result="Server down.")
    dialog = prefs()
    dialog.show_accounts()
    page = dialog.accounts
    assert page.view.isVisible()
    qtmodeltester.check(page.model)
    rows = {
        page.model.index(r, 0).data(): [
            page.model.index(r, c).data() for c in range(page.model.columnCount())
        ]
        for r in range(page.model.rowCount())
    }
    assert rows["work"][:5] == ["work", "dav.example.com", "ann", "contacts", "tasks"]
    assert "3 sent" in rows["work"][5] and "2 received" in rows["work"][5]
    assert rows["home"][2] == "ann.private"
    assert "failed" in rows["home"][5]
    page.view.selectRow(list(rows).index("home"))
    assert page.details.isVisible()
    assert "Sync failed" in page.details.text() and "Server down." in page.details.text()
    assert TASKS in page.details.text()
    tips = {page.model.index(r, 3).data(Qt.ItemDataRole.ToolTipRole) for r in range(2)}
    assert tips == {BOOK}


def test_find_collections_fills_both_pickers_with_create_favorbook(prefs, qtbot, monkeypatch):
    asked = []

    def discover(url, user, password):
        asked.append((url, user, password))
        return Discovery(
            [Collection("Contacts", BOOK), Collection("Work people", BOOK + "work/")],
            [Collection("Tasks", TASKS)],
        )

    monkeypatch.setattr(accounts, "discover", discover)
    preferences = prefs()
    dialog = preferences.accounts.add_account()
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    assert not dialog.addressbook.isEnabled()  # nothing found yet
    dialog.url.setText(SERVER)
    dialog.username.setText("ann")
    dialog.password.setText("app-secret")
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    dialog.find_button.click()
    _wait_idle(qtbot, dialog)
    assert asked == [(SERVER, "ann", "app-secret")]
    books = [dialog.addressbook.itemText(i) for i in range(dialog.addressbook.count())]
    calendars = [dialog.calendar.itemText(i) for i in range(dialog.calendar.count())]
    assert books == ["Contacts", "Work people", "Create “favorbook”"]
    assert calendars == ["Tasks", "Create “favorbook”"]
    assert dialog.addressbook.isEnabled() and dialog.calendar.isEnabled()
    assert "2 address books" in dialog.found_label.text()
    assert "1 tasks calendar" in dialog.found_label.text()


def test_a_wrong_password_shows_on_the_password_and_keeps_what_was_typed(prefs, qtbot, monkeypatch):
    def refuse(url, user, password):
        raise SyncError(
            "Account ann@dav.example.com: the server refused the user name or password (ann)."
        )

    monkeypatch.setattr(accounts, "discover", refuse)
    preferences = prefs()
    dialog = preferences.accounts.add_account()
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.url.setText(SERVER)
    dialog.username.setText("ann")
    dialog.password.setText("wrong")
    dialog.find_button.click()
    _wait_idle(qtbot, dialog)
    assert dialog.isVisible()
    assert "refused the user name or password" in dialog.error_label.text()
    assert dialog.password.property("invalid") is True
    assert (dialog.url.text(), dialog.username.text(), dialog.password.text()) == (
        SERVER,
        "ann",
        "wrong",
    )


def test_an_empty_user_is_named_before_asking_the_server(prefs, qtbot, monkeypatch):
    monkeypatch.setattr(accounts, "discover", lambda *a: pytest.fail("asked the server"))
    preferences = prefs()
    dialog = preferences.accounts.add_account()
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.url.setText(SERVER)
    dialog.password.setText("pw")
    dialog.find_button.click()
    assert dialog.username.property("invalid") is True
    assert "user name" in dialog.error_label.text()


def test_an_e_mail_address_is_also_the_user_name(prefs, qtbot):
    preferences = prefs()
    dialog = preferences.accounts.add_account()
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.url.setText("ann@example.com")
    dialog.url.editingFinished.emit()
    assert dialog.username.text() == "ann@example.com"


def test_adding_an_account_lists_it_at_once(prefs, qtbot, monkeypatch):
    calls = []

    def discover(url, user, password):
        return Discovery([Collection("Contacts", BOOK)], [Collection("Tasks", TASKS)])

    def add_account(url, user, password=None, *, name=None, addressbook=None, calendar=None):
        calls.append((url, user, password, addressbook, calendar))
        make_account("ann@dav.example.com")
        return accounts.get_account("ann@dav.example.com")

    monkeypatch.setattr(accounts, "discover", discover)
    monkeypatch.setattr(accounts, "add_account", add_account)
    dialog = prefs()
    dialog.show_accounts()
    page = dialog.accounts
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10000):
        add = page.add_account()
        add.confirm_discard = lambda: True
        add.url.setText(SERVER)
        add.username.setText("ann")
        add.password.setText("pw")
        add.find_button.click()
        _wait_idle(qtbot, add)
        add.calendar.setCurrentIndex(add.calendar.findText("Create “favorbook”"))
        _save(add)
    assert calls == [(SERVER, "ann", "pw", BOOK, "favorbook")]
    assert page.stack.currentWidget() is page.view
    assert page.selected_name() == "ann@dav.example.com"


def test_a_server_refusal_on_add_keeps_the_dialog_open(prefs, qtbot, monkeypatch):
    def add_account(url, user, password=None, **kw):
        raise ValidationError("addressbook", "the server has several address books; pick one")

    monkeypatch.setattr(accounts, "add_account", add_account)
    preferences = prefs()
    dialog = preferences.accounts.add_account()
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.url.setText(SERVER)
    dialog.username.setText("ann")
    dialog.password.setText("pw")
    _save(dialog)
    _wait_idle(qtbot, dialog)
    assert dialog.isVisible() and dialog.account is None
    assert "several address books" in dialog.error_label.text()
    assert dialog.addressbook.property("invalid") is True
    assert accounts.list_accounts() == []


def test_remove_asks_first(prefs, qtbot, monkeypatch):
    make_account("work")
    dialog = prefs()
    page = dialog.accounts
    asked = []
    page.confirm_remove = lambda name: asked.append(name) or False
    assert not page.remove_selected()
    assert [a.name for a in accounts.list_accounts()] == ["work"]
    page.confirm_remove = lambda name: asked.append(name) or True
    with qtbot.waitSignal(dialog.accountsChanged):
        assert page.remove_selected()
    assert asked == ["work", "work"]
    assert accounts.list_accounts() == []
    assert page.stack.currentWidget() is page.empty_label


def test_remove_question_names_the_account(prefs, monkeypatch):
    make_account("work")
    preferences = prefs()
    page = preferences.accounts
    seen = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kw: seen.append(args[2]) or QMessageBox.StandardButton.Cancel,
    )
    page.remove_selected()
    assert "work" in seen[0] and "stay on this computer" in seen[0]


def test_sync_interval_is_off_by_default_and_saved_with_the_preferences(prefs):
    make_account("work")
    dialog = prefs()
    page = dialog.accounts
    assert not page.every_box.isChecked() and not page.interval_spin.isEnabled()
    page.every_box.setChecked(True)
    page.interval_spin.setValue(30)
    assert dialog.is_dirty()
    assert accounts.get_account("work").interval_minutes is None  # not before Save
    _save(dialog)
    assert accounts.get_account("work").interval_minutes == 30


def test_a_cancelled_interval_is_not_saved(prefs):
    make_account("work", interval=15)
    dialog = prefs()
    page = dialog.accounts
    assert page.every_box.isChecked() and page.interval_spin.value() == 15
    page.every_box.setChecked(False)
    dialog.reject()
    assert accounts.get_account("work").interval_minutes == 15


def test_choosing_another_account_is_not_an_edit(prefs):
    make_account("home", interval=60)
    make_account("work")
    dialog = prefs()
    page = dialog.accounts
    page.view.selectRow(1)
    assert page.selected_name() == "work" and not page.every_box.isChecked()
    page.view.selectRow(0)
    assert page.interval_spin.value() == 60
    assert not dialog.is_dirty()


def test_an_account_added_in_preferences_enables_sync_now_even_on_cancel(window, monkeypatch):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog

    from favorbook.ui.shell import preferences

    def add_then_cancel(dialog):
        make_account("work")
        dialog.accounts.reload()
        dialog.accounts.accountsChanged.emit()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(preferences.PreferencesDialog, "exec", add_then_cancel)
    assert not window.findChild(QAction, "syncNow").isEnabled()
    window.show_preferences()
    assert window.findChild(QAction, "syncNow").isEnabled()


def test_an_account_that_is_syncing_is_not_removed(prefs, monkeypatch):
    from favorbook.ui.sync import sync_actions

    make_account("work")
    preferences = prefs()
    page = preferences.accounts
    said = []
    monkeypatch.setattr(sync_actions, "_syncing", {"work"})
    monkeypatch.setattr(
        QMessageBox,
        "information",
        lambda *args, **kw: said.append(args[2]) or QMessageBox.StandardButton.Ok,
    )
    page.confirm_remove = lambda name: pytest.fail("asked to remove a syncing account")
    assert not page.remove_selected()
    assert "syncing now" in said[0]
    assert [a.name for a in accounts.list_accounts()] == ["work"]
