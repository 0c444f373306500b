"""Start-up: a damaged database is explained, kept aside, and replaced by a backup or an
empty one; a second start hands over to the first; the open errors keep their message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit

from favorbook.services import backup, contacts, health, session
from favorbook.ui.shell import app, recovery
from favorbook.ui.shell.recovery import RecoveryDialog
from favorbook.ui.shell.single_instance import Claim, SingleInstance


def _corrupt(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 16384 : middle + 16384] = b"\xa5" * 32768
    path.write_bytes(bytes(data))


def _fill(make_contact, n=200):
    for i in range(n):
        make_contact(f"Person{i}", "Filled", how_met="We met at the regional trade fair " * 10)


@pytest.fixture
def messages(monkeypatch):
    said = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _parent, title, text, *a, _kind=kind, **k: said.append((_kind, title, text)),
        )
    return said


@pytest.fixture
def damaged_with_backup(db, make_contact):
    _fill(make_contact)
    kept = backup.backup_now()
    make_contact("After", "Backup")
    session.close()
    _corrupt(db)
    return db, kept


@pytest.fixture
def damaged_without_backup(db, make_contact):
    _fill(make_contact)
    session.close()
    _corrupt(db)
    return db


def test_dialog_explains_and_restores_the_newest_healthy_backup(
    damaged_with_backup, data_dir, qtbot, messages
):
    path, kept = damaged_with_backup
    damaged_bytes = path.read_bytes()
    check = health.startup_check(data_dir)
    dialog = RecoveryDialog(check)
    qtbot.addWidget(dialog)

    assert str(path) in dialog.findChild(QLabel, "path").text()
    assert dialog.findChild(QPlainTextEdit, "problems").toPlainText() == "\n".join(check.problems)
    assert "never overwritten" in dialog.findChild(QLabel, "explanation").text()
    assert not dialog.restore_button.isHidden()
    assert "Restore the newest healthy backup" in dialog.restore_button.text()
    assert "KB" in dialog.restore_button.text() or "MB" in dialog.restore_button.text()

    dialog.restore_button.click()

    assert dialog.outcome == "restored"
    assert dialog.aside.read_bytes() == damaged_bytes  # kept, untouched
    [(kind, _title, text)] = messages
    assert kind == "information" and str(dialog.aside) in text
    session.open_data(data_dir)
    assert contacts.count_contacts() == 200  # the backup, without the later contact


def test_without_a_backup_the_user_can_start_empty(
    damaged_without_backup, data_dir, qtbot, messages
):
    damaged_bytes = damaged_without_backup.read_bytes()
    dialog = RecoveryDialog(health.startup_check(data_dir))
    qtbot.addWidget(dialog)
    assert dialog.restore_button.isHidden()

    dialog.empty_button.click()

    assert dialog.outcome == "empty"
    assert dialog.aside.read_bytes() == damaged_bytes
    assert str(dialog.aside) in messages[0][2]
    session.open_data(data_dir)
    assert contacts.count_contacts(include_archived=True) == 0


def test_quit_leaves_everything_as_it_was(damaged_with_backup, data_dir, qtbot, monkeypatch):
    path, _kept = damaged_with_backup

    def files():  # SQLite's reader may leave an empty -wal/-shm beside it: not a change
        return sorted(p.name for p in data_dir.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = files()
    damaged_bytes = path.read_bytes()
    shown = []

    def choose_quit(dialog):
        shown.append(dialog)
        dialog.quit_button.click()
        return 0

    monkeypatch.setattr(RecoveryDialog, "exec", choose_quit)
    assert recovery.check_at_start(data_dir) is False
    assert shown
    assert path.read_bytes() == damaged_bytes
    assert files() == before
    assert not list(data_dir.glob("*damaged*"))


def test_start_opens_a_healthy_database_without_asking(data_dir, qtbot, monkeypatch, qapp):
    monkeypatch.setattr(RecoveryDialog, "exec", lambda _d: pytest.fail("asked"))
    guard = SingleInstance(data_dir)
    assert guard.claim() is Claim.OWNED
    try:
        window = app.start(str(data_dir), guard)
        qtbot.addWidget(window)
        assert window.database_path == str(data_dir / "favorbook.db")
        # The first start makes the day's backup.
        assert len(backup.list_backups(data_dir)) == 1
    finally:
        session.close()
        guard.release()


def test_start_after_recovery_opens_the_restored_data(
    damaged_with_backup, data_dir, qtbot, monkeypatch, messages
):
    monkeypatch.setattr(RecoveryDialog, "exec", lambda d: d.restore_button.click())
    guard = SingleInstance(data_dir)
    guard.claim()
    try:
        window = app.start(str(data_dir), guard)
        qtbot.addWidget(window)
        assert contacts.count_contacts() == 200
        assert list(data_dir.glob("favorbook.damaged-*.db"))
    finally:
        session.close()
        guard.release()


def test_a_file_of_another_program_keeps_its_clear_message(data_dir, qapp, messages):
    data_dir.mkdir(parents=True)
    other = sqlite3.connect(data_dir / "favorbook.db")
    other.execute("PRAGMA application_id = 1234")
    other.execute("CREATE TABLE notes (x)")
    other.commit()
    other.close()
    guard = SingleInstance(data_dir)
    guard.claim()
    try:
        assert app.start(str(data_dir), guard) == 1
    finally:
        guard.release()
    [(kind, _title, text)] = messages
    assert kind == "critical" and "favorbook" in text


def test_a_second_start_does_not_open_the_database(data_dir, qapp, capsys, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    first = SingleInstance(data_dir)
    assert first.claim() is Claim.OWNED
    try:
        assert app.run(str(data_dir)) == 0
    finally:
        first.release()
    assert "already running" in capsys.readouterr().err
    assert not (data_dir / "favorbook.db").exists()


ROOT = Path(__file__).resolve().parents[3]
RUN_AND_QUIT = """
import sys
from PySide6.QtCore import QTimer
from favorbook.ui.shell.app import make_application, run
app = make_application()
QTimer.singleShot(300, app.quit)
sys.exit(run(sys.argv[1]))
"""


def test_run_backs_up_at_start_and_on_quit_and_frees_the_folder(data_dir):
    # In a child process: app.exec() would leave this test process's application closing.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", RUN_AND_QUIT, str(data_dir)], env=env, timeout=120)
    assert done.returncode == 0
    assert len(backup.list_backups(data_dir)) == 2  # the day's first, and the quit one
    assert not (data_dir / "favorbook.lock").exists()
