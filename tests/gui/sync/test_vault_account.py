"""Preferences › Accounts › "Sync everything between my devices": the sync between the
rep's devices through the account's server, turned on and off in the window, against a
real Radicale and Xandikos (tests/sync/conftest.py starts them)."""

from __future__ import annotations

import pytest

from favorbook.sync import accounts, passwords
from favorbook.sync.vault import crypto, engine
from tests.sync.conftest import radicale_server, xandikos_server  # noqa: F401
from tests.vault.helpers import fresh_vault, server_objects

PASSPHRASE = "correct horse battery staple"
LABEL = "Sync everything between my devices"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch):
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(crypto, "KDF_COST", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def _server(request, kind, monkeypatch):
    server = request.getfixturevalue(f"{kind}_server")
    server.check_alive()
    fresh_vault(server)
    monkeypatch.setenv(passwords.ENV, server.password)
    return server


@pytest.fixture(params=["radicale", "xandikos"])
def both(request, monkeypatch, db):
    server = _server(request, request.param, monkeypatch)
    accounts.add_account(server.url, server.username, server.password, name="work")
    return server


@pytest.fixture
def radicale(request, monkeypatch, db):
    server = _server(request, "radicale", monkeypatch)
    accounts.add_account(server.url, server.username, server.password, name="work")
    return server


def _click(qtbot, page) -> None:
    """Tick or untick the box, and wait for the server to have answered."""
    page.vault_account_box.click()
    qtbot.waitUntil(lambda: page.vault_job is None, timeout=30000)


def _page(qtbot, data_dir):
    from favorbook.ui.shell.preferences import PreferencesDialog

    dialog = PreferencesDialog(str(data_dir), None)
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_accounts()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def prefs(qtbot, data_dir):
    dialog = _page(qtbot, data_dir)
    yield dialog
    dialog.close()


def test_the_account_box_turns_the_device_sync_on_and_off(both, prefs, qtbot):
    page = prefs.accounts
    box = page.vault_account_box
    assert box.text() == LABEL
    assert box.isVisible() and box.isEnabled() and not box.isChecked()
    changed = []
    page.accountsChanged.connect(lambda: changed.append(1))
    _click(qtbot, page)
    assert box.isChecked() and engine.is_on() and box.isEnabled()
    me = engine.devices()["this_device"]
    assert me["account"] == "work" and me["folder"] is None
    assert "Your devices: on, through account “work”" in page.vault_label.text()
    assert "favorbook-vault/vault-key.ics" in server_objects(both)
    assert changed == [1]
    _click(qtbot, page)
    assert not box.isChecked() and not engine.is_on()
    assert "Your devices: off" in page.vault_label.text()
    assert changed == [1, 1]


def test_a_new_passphrase_is_typed_twice(radicale, prefs, monkeypatch, qtbot):
    from favorbook.sync.vault import passphrase as vault_passphrase

    page = prefs.accounts
    monkeypatch.delenv("FAVORBOOK_VAULT_PASSPHRASE")
    monkeypatch.setattr(vault_passphrase, "get", lambda: None)
    monkeypatch.setattr(vault_passphrase, "store", lambda text: True)
    asked = []

    def ask(where, new, check):
        asked.append((where, new, check("anything")))
        return "chosen here"

    monkeypatch.setattr(page, "ask_new_or_known_passphrase", ask)
    _click(qtbot, page)
    assert asked == [("favorbook-vault on account “work”", True, True)]
    assert engine.is_on()
    assert engine.sync("chosen here").errors == []


def test_joining_an_existing_vault_asks_for_its_passphrase_once(
    radicale, prefs, monkeypatch, qtbot
):
    from favorbook.sync.vault import davstore
    from favorbook.sync.vault import passphrase as vault_passphrase

    client = accounts.client_for(accounts.account_row("work"))
    try:  # another device made the vault first
        url = davstore.find_or_create(client, accounts.account_row("work"))
        davstore.DavStore(client, url, "work").write_key(crypto.new_key_file("theirs")[1])
    finally:
        client.close()
    page = prefs.accounts
    monkeypatch.delenv("FAVORBOOK_VAULT_PASSPHRASE")
    monkeypatch.setattr(vault_passphrase, "get", lambda: None)
    monkeypatch.setattr(vault_passphrase, "store", lambda text: True)
    asked = []

    def ask(where, new, check):
        asked.append((new, check("not it"), check("theirs")))
        return "theirs"

    monkeypatch.setattr(page, "ask_new_or_known_passphrase", ask)
    _click(qtbot, page)
    assert asked == [(False, False, True)]
    assert engine.is_on() and page.vault_account_box.isChecked()


def test_a_wrong_passphrase_is_one_message_and_leaves_it_off(radicale, prefs, monkeypatch, qtbot):
    from favorbook.sync.vault import davstore

    client = accounts.client_for(accounts.account_row("work"))
    try:
        url = davstore.find_or_create(client, accounts.account_row("work"))
        davstore.DavStore(client, url, "work").write_key(crypto.new_key_file("theirs")[1])
    finally:
        client.close()
    page = prefs.accounts
    said = []
    monkeypatch.setattr(page, "warn_vault", said.append)
    _click(qtbot, page)  # the variable's passphrase does not open it
    assert len(said) == 1 and "Traceback" not in said[0] and "passphrase" in said[0].lower()
    assert not engine.is_on() and not page.vault_account_box.isChecked()


def test_a_server_that_is_down_is_one_message(radicale, prefs, monkeypatch, qtbot):
    page = prefs.accounts
    row = accounts.account_row("work")
    row.url = "http://127.0.0.1:9/"
    row.save()
    said = []
    monkeypatch.setattr(page, "warn_vault", said.append)
    _click(qtbot, page)
    assert len(said) == 1 and "cannot reach" in said[0]
    assert not engine.is_on() and not page.vault_account_box.isChecked()


def test_the_confirmation_field_says_when_the_two_differ(qtbot, tmp_path):
    from favorbook.ui.shell.passphrase_dialog import PassphraseDialog

    dialog = PassphraseDialog("favorbook-vault", None, check=lambda t: True, confirm=True)
    qtbot.addWidget(dialog)
    dialog.field.setText("one passphrase")
    assert not dialog.open_button.isEnabled()  # the second field is empty
    dialog.confirm_field.setText("another one")
    assert dialog.open_button.isEnabled()
    dialog.try_passphrase()
    assert "differ" in dialog.message.text() and dialog.passphrase() == ""
    assert dialog.tries_left == 3 and dialog.field.text() == "one passphrase"
    dialog.confirm_field.setText("one passphrase")
    dialog.try_passphrase()
    assert dialog.passphrase() == "one passphrase"


def test_sync_now_and_the_status_bar_with_the_account(radicale, window, qtbot):
    from favorbook.services import contacts
    from favorbook.services.changes import Change
    from favorbook.ui.sync.sync_status import DEVICES

    contacts.create_contact(contacts.ContactInput(first_name="Ada", last_name="Here"))
    engine.turn_on_account("work", PASSPHRASE, device_name="desk")
    window.bus.changed.emit(Change.SYNC)  # what Preferences does after the box is ticked
    assert window.sync.device_label.text() == "Your devices: not synced yet"
    seen = []
    window.sync.synced.connect(lambda name, result: seen.append((name, result)))
    window.sync.sync_now_action.trigger()
    qtbot.waitUntil(lambda: not window.sync.is_running() and len(seen) == 2, timeout=30000)
    assert [name for name, _ in seen] == ["work", DEVICES]
    assert seen[1][1].changes_sent > 0
    assert window.sync.device_label.text().startswith("Your devices: synced ")


def test_a_slow_server_can_be_left_with_cancel(radicale, prefs, qtbot, monkeypatch):
    """The server is asked off the UI thread; Cancel leaves it, and nothing is turned on."""
    import threading

    from favorbook.sync.vault import davstore

    release = threading.Event()

    def slow(name, password=None):
        release.wait(10)
        return None

    monkeypatch.setattr(davstore, "key_file_of", slow)
    page = prefs.accounts
    page.vault_account_box.click()
    assert page.vault_job is not None and not page.vault_account_box.isEnabled()
    page.vault_job.cancel()
    release.set()
    qtbot.waitUntil(lambda: page.vault_job is None, timeout=10000)
    assert not engine.is_on() and not page.vault_account_box.isChecked()


def test_removing_the_account_says_the_device_sync_stops_too(radicale, prefs, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    page = prefs.accounts
    _click(qtbot, page)
    assert engine.is_on()
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    assert page.remove_selected()
    assert "The sync between your devices goes through it and stops too" in asked[0]
    assert not engine.is_on()
    assert "Your devices: off" in page.vault_label.text()
