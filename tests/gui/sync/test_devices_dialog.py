"""Preferences › Accounts › Your Devices…: the devices seen and changing the passphrase."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from favorbook.db.models import db as database
from favorbook.sync.vault import crypto, engine
from favorbook.ui.sync.devices_dialog import DevicesDialog

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch):
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(crypto, "KDF_COST", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def folder(db, tmp_path):
    path = tmp_path / "Sync"
    path.mkdir()
    engine.turn_on_folder(str(path), PASSPHRASE, "laptop")
    return path


def _dialog(qtbot) -> DevicesDialog:
    dialog = DevicesDialog()
    qtbot.addWidget(dialog)
    told: list[tuple[QMessageBox.Icon, str]] = []
    dialog.tell = lambda icon, text: told.append((icon, text))
    dialog.told = told
    return dialog


def _opens(folder, passphrase: str) -> bool:
    try:
        crypto.unwrap((folder / crypto.KEY_FILE).read_bytes(), passphrase, str(folder))
    except crypto.WrongVaultPassphrase:
        return False
    return True


def test_off_says_how_to_turn_it_on_and_offers_no_passphrase_change(db, qtbot):
    dialog = _dialog(qtbot)
    assert "does not sync" in dialog.this_device.text()
    assert dialog.stack.currentWidget() is dialog.empty
    assert not dialog.passphrase_button.isEnabled()


def test_lists_this_device_and_the_others_seen(folder, qtbot):
    database.execute_sql(
        "INSERT INTO vault_peer (device_id, device_name, last_seq, last_hlc, last_received_at) "
        "VALUES ('b1b2b3b4-0000', 'desktop', 3, '', '2026-12-05 09:30:00')"
    )
    dialog = _dialog(qtbot)
    text = dialog.this_device.text()
    assert "“laptop”" in text and str(folder) in text and "not yet" in text
    assert dialog.stack.currentWidget() is dialog.view
    assert dialog.model.rowCount() == 1
    cells = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert cells[0] == "desktop" and cells[1] == "none yet" and cells[3] == "b1b2b3b4-0000"
    assert cells[2]  # the time it was received here
    assert dialog.passphrase_button.isEnabled()


def test_changing_the_passphrase_rewraps_the_key(folder, qtbot, monkeypatch):
    dialog = _dialog(qtbot)
    monkeypatch.setattr(dialog, "ask", lambda new: "a brand new passphrase" if new else None)
    dialog.change_passphrase()  # the current one comes from the variable
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert dialog.told and dialog.told[-1][0] == QMessageBox.Icon.Information
    assert _opens(folder, "a brand new passphrase") and not _opens(folder, PASSPHRASE)
    assert dialog.passphrase_button.isEnabled()


def test_a_wrong_current_passphrase_is_one_message_and_changes_nothing(folder, qtbot, monkeypatch):
    monkeypatch.delenv("FAVORBOOK_VAULT_PASSPHRASE")
    dialog = _dialog(qtbot)
    asked = []

    def ask(new: bool) -> str:
        asked.append(new)
        return "never chosen" if new else "not the passphrase"

    monkeypatch.setattr(dialog, "ask", ask)
    dialog.change_passphrase()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert asked == [False, True]
    icon, text = dialog.told[-1]
    assert icon == QMessageBox.Icon.Warning and "passphrase is wrong" in text
    assert _opens(folder, PASSPHRASE) and not _opens(folder, "never chosen")


def test_cancelling_either_question_changes_nothing(folder, qtbot, monkeypatch):
    dialog = _dialog(qtbot)
    monkeypatch.setattr(dialog, "ask", lambda new: None)
    dialog.change_passphrase()
    assert dialog.job is None and not dialog.told
    assert _opens(folder, PASSPHRASE)


def test_the_accounts_page_opens_it(db, qtbot, data_dir):
    from favorbook.ui.shell.preferences import PreferencesDialog

    prefs = PreferencesDialog(str(data_dir), None)
    prefs.confirm_discard = lambda: True
    qtbot.addWidget(prefs)
    prefs.show()
    prefs.show_accounts()
    assert prefs.accounts.devices_button.isVisible()
    dialog = prefs.accounts.show_devices()
    qtbot.waitExposed(dialog)
    assert dialog.isVisible() and "does not sync" in dialog.this_device.text()
    dialog.close()
