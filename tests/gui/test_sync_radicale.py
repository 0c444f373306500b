"""The window against a real server: a local Radicale (tests/sync/conftest.py starts it)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from favorbook.sync import accounts, passwords
from tests.sync.conftest import radicale_server  # noqa: F401 - the session's Radicale


@pytest.fixture
def radicale(radicale_server, monkeypatch):  # noqa: F811 - the fixture imported above
    """Radicale with one fresh address book and tasks calendar; the password from the env."""
    radicale_server.check_alive()
    radicale_server.fresh_collections()
    monkeypatch.setenv(passwords.ENV, radicale_server.password)
    return radicale_server


def test_add_an_account_from_preferences_against_radicale(window, radicale, qtbot):
    from favorbook.ui.preferences import PreferencesDialog

    prefs = PreferencesDialog(window.data_folder, window)
    prefs.accountsChanged.connect(window.bus.changed)  # as window.show_preferences does
    prefs.confirm_discard = lambda: True
    qtbot.addWidget(prefs)
    prefs.show()
    prefs.show_accounts()
    add = prefs.accounts.add_account()
    add.confirm_discard = lambda: True
    add.url.setText(radicale.url)
    add.username.setText(radicale.username)
    add.password.setText("not the password")
    add.find_button.click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    assert add.password.property("invalid") is True  # Radicale said 401
    assert "password" in add.error_label.text()

    add.password.setText(radicale.password)
    add.find_button.click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    assert not add.error_label.isVisible()
    books = [add.addressbook.itemText(i) for i in range(add.addressbook.count())]
    calendars = [add.calendar.itemText(i) for i in range(add.calendar.count())]
    assert books[0] == "Contacts" and calendars[0] == "Tasks"
    with qtbot.waitSignal(prefs.accountsChanged, timeout=30000):
        add.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    [info] = accounts.list_accounts()
    assert info.addressbook_url == radicale.addressbook_url
    assert info.calendar_url == radicale.calendar_url
    assert prefs.accounts.model.rowCount() == 1
    assert window.findChild(type(window.undo_action), "syncNow").isEnabled()
    prefs.reject()
