"""Preferences › Accounts › Sync Folder…: the sync between the rep's devices, in the window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from favorbook.services.changes import Change
from favorbook.sync.vault import crypto, engine

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch):
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(crypto, "KDF_COST", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def page(db, qtbot, data_dir):
    from favorbook.ui.shell.preferences import PreferencesDialog

    dialog = PreferencesDialog(str(data_dir), None)
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_accounts()
    qtbot.waitExposed(dialog)
    yield dialog.accounts  # (a yield keeps the dialog alive as long as the test)


def _pick(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(path))


def test_sync_folder_turns_the_device_sync_on_and_shows_where(page, monkeypatch, tmp_path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    assert "Your devices: off" in page.vault_label.text()
    assert page.vault_button.isVisible() and page.vault_button.isEnabled()
    _pick(monkeypatch, folder)
    assert page.choose_vault_folder()
    assert engine.is_on()
    assert (folder / crypto.KEY_FILE).exists()
    assert engine.devices()["this_device"]["folder"] == str(folder)
    text = page.vault_label.text()
    assert "Your devices: on" in text and str(folder) in text


def test_cancelling_the_folder_dialog_changes_nothing(page, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    assert not page.choose_vault_folder()
    assert not engine.is_on()


def test_the_passphrase_is_asked_when_no_variable_or_keyring_has_it(page, monkeypatch, tmp_path):
    from favorbook.sync.vault import passphrase as vault_passphrase

    folder = tmp_path / "Sync"
    folder.mkdir()
    (folder / crypto.KEY_FILE).write_bytes(crypto.new_key_file("the other device's")[1])
    monkeypatch.delenv("FAVORBOOK_VAULT_PASSPHRASE")
    monkeypatch.setattr(vault_passphrase, "get", lambda: None)
    monkeypatch.setattr(vault_passphrase, "store", lambda text: True)
    asked = []

    def ask(path):
        asked.append(path)
        return "the other device's"

    monkeypatch.setattr(page, "ask_vault_passphrase", ask)
    _pick(monkeypatch, folder)
    assert page.choose_vault_folder()
    assert asked == [str(folder)] and engine.is_on()


def test_a_wrong_passphrase_is_one_message_and_leaves_the_sync_off(page, monkeypatch, tmp_path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    (folder / crypto.KEY_FILE).write_bytes(crypto.new_key_file("something else")[1])
    said = []
    monkeypatch.setattr(page, "warn_vault", said.append)
    _pick(monkeypatch, folder)
    assert not page.choose_vault_folder()
    assert len(said) == 1 and "Traceback" not in said[0] and "passphrase" in said[0].lower()
    assert not engine.is_on()
    assert "Your devices: off" in page.vault_label.text()


def test_a_folder_that_is_gone_is_one_message(page, monkeypatch, tmp_path):
    said = []
    monkeypatch.setattr(page, "warn_vault", said.append)
    _pick(monkeypatch, tmp_path / "unplugged")
    assert not page.choose_vault_folder()
    assert len(said) == 1 and "not there" in said[0]
    assert not engine.is_on()


def test_the_passphrase_dialog_for_a_sync_folder_counts_wrong_tries(qtbot, tmp_path):
    from favorbook.ui.shell.passphrase_dialog import PassphraseDialog
    from favorbook.ui.sync.sync_accounts import vault_opens

    folder = tmp_path / "Sync"
    folder.mkdir()
    (folder / crypto.KEY_FILE).write_bytes(crypto.new_key_file("right one")[1])
    dialog = PassphraseDialog(
        folder, None, check=lambda t: vault_opens(str(folder), t), title="Sync Passphrase"
    )
    qtbot.addWidget(dialog)
    dialog.field.setText("wrong one")
    dialog.try_passphrase()
    assert dialog.tries_left == 2 and dialog.message.text()
    dialog.field.setText("right one")
    dialog.try_passphrase()
    assert dialog.passphrase() == "right one"


# --- the window's Sync Now and the status bar ---------------------------------------------


@pytest.fixture
def peer(tmp_path, monkeypatch):
    """Another device of the rep's, with two contacts, already syncing through a folder."""
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(crypto, "KDF_COST", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    from favorbook.services import contacts, session

    folder = tmp_path / "Sync"
    folder.mkdir()
    session.open_data(tmp_path / "data-laptop")
    for first in ("Ada", "Grace"):
        contacts.create_contact(contacts.ContactInput(first_name=first, last_name="Peer"))
    engine.turn_on_folder(str(folder), PASSPHRASE, device_name="laptop")
    engine.sync(PASSPHRASE)
    session.close()
    return folder


def _sync_now(qtbot, window) -> list:
    seen = []
    window.sync.synced.connect(lambda name, result: seen.append((name, result)))
    assert window.sync.sync_now_action.isEnabled()
    window.sync.sync_now_action.trigger()
    qtbot.waitUntil(lambda: not window.sync.is_running() and bool(seen), timeout=20000)
    return seen


def test_sync_now_syncs_with_the_devices_and_says_what_came_in(peer, window, qtbot):
    from favorbook.services import contacts
    from favorbook.ui.sync.sync_status import DEVICES

    assert not window.sync.sync_now_action.isEnabled()  # no account, no device sync
    assert not window.sync.device_label.isVisible()
    engine.turn_on_folder(str(peer), PASSPHRASE, device_name="desk")
    window.bus.changed.emit(Change.EVERYTHING)  # what Preferences does after Sync Folder…
    assert window.sync.sync_now_action.isEnabled()
    assert window.sync.device_label.text() == "Your devices: not synced yet"
    assert "No other device has synced" in window.sync.device_label.toolTip()
    assert window.sync.conflicts_action.isEnabled()  # conflicts between devices show there
    assert window.sync.separator.isVisibleTo(window)
    seen = _sync_now(qtbot, window)
    assert [name for name, _ in seen] == [DEVICES]
    report = seen[0][1]
    assert report.changes_received > 0
    assert contacts.count_contacts() == 2  # Ada and Grace came from the laptop
    text = window.sync.device_label.text()
    assert text.startswith("Your devices: synced ")
    assert f"{report.changes_received} changes received" in text
    assert window.sync.device_label.isVisible()
    tip = window.sync.device_label.toolTip()  # each other device, with its last change
    assert "Your other devices:" in tip
    lines = tip.splitlines()
    assert any(line.startswith("laptop (") and ": last change " in line for line in lines)


def test_a_device_sync_whose_folder_is_gone_is_one_message(peer, window, qtbot, monkeypatch):
    import shutil

    engine.turn_on_folder(str(peer), PASSPHRASE, device_name="desk")
    window.bus.changed.emit(Change.EVERYTHING)
    shutil.rmtree(peer)
    said = []
    monkeypatch.setattr(window.sync, "warn", lambda name, message: said.append(message))
    seen = _sync_now(qtbot, window)
    assert len(said) == 1 and "not there" in said[0]
    assert isinstance(seen[0][1], crypto.VaultError)
    assert window.sync.device_label.text().startswith("Your devices: sync failed")
    assert "not there" in window.sync.device_label.text()


def test_the_timer_syncs_with_the_devices_when_it_is_on(peer, window, qtbot):
    from favorbook.ui.sync.sync_status import DEVICES

    assert not window.sync.timer.isActive()
    engine.turn_on_folder(str(peer), PASSPHRASE, device_name="desk")
    window.bus.changed.emit(Change.EVERYTHING)
    assert window.sync.timer.isActive()
    seen = []
    window.sync.synced.connect(lambda name, result: seen.append(name))
    assert window.sync.tick()
    qtbot.waitUntil(lambda: not window.sync.is_running() and bool(seen), timeout=20000)
    assert seen == [DEVICES]
    assert not window.sync.tick()  # synced just now: not due again yet
