"""File › Back Up Now and File › Restore from Backup…, and the automatic backups."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from favorbook.services import backup
from favorbook.ui.data import backup_actions
from favorbook.ui.data.backups_dialog import BackupsDialog, BackupTableModel, age_text, size_text


@pytest.fixture
def said(monkeypatch):
    """Message boxes answer Yes and record what they said."""
    log = []

    def box(kind, answer=None):
        def show(_parent, title, text, *a, **k):
            log.append((kind, title, text))
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "question", box("question", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", box("warning"))
    monkeypatch.setattr(QMessageBox, "information", box("information"))
    return log


def _names(window):
    return [a.objectName() for a in window.file_menu.actions()]


def test_file_menu_offers_back_up_and_restore_before_preferences(window):
    names = _names(window)
    assert names.index("backupNow") < names.index("restoreFromBackup") < names.index("preferences")


def test_back_up_now_makes_a_backup_and_says_where(window, make_contact):
    make_contact("Ann", "Lee")
    window.backup_now_action.trigger()
    [made] = backup.list_backups()
    assert made.path.name in window.statusBar().currentMessage()


def test_back_up_now_failure_is_a_clear_message(window, said, monkeypatch, data_dir):
    def refuse(*a, **k):
        raise backup.FavorbookError("favorbook cannot write the backup (disk full).")

    monkeypatch.setattr(backup, "backup_now", refuse)
    window.backup_now_action.trigger()
    [(kind, _title, text)] = said
    assert kind == "warning" and "disk full" in text


def test_the_list_shows_backups_newest_first_with_date_age_and_size(db, qtbot, qtmodeltester):
    model = BackupTableModel()
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    rows = [
        backup.Backup(db.parent / "a.db", now - dt.timedelta(hours=3), 450_000),
        backup.Backup(db.parent / "b.db", now - dt.timedelta(days=2), 17_800_000),
    ]
    model.set_backups(rows, now)
    qtmodeltester.check(model)
    cells = [[model.index(r, c).data() for c in range(3)] for r in range(2)]
    local = (now - dt.timedelta(hours=3)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert cells[0] == [local, "3 hours ago", "439 KB"]
    assert cells[1][1:] == ["2 days ago", "17.0 MB"]


def test_age_and_size_words():
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert age_text(now - dt.timedelta(seconds=5), now) == "just now"
    assert age_text(now - dt.timedelta(minutes=1), now) == "1 minute ago"
    assert age_text(now - dt.timedelta(days=1, hours=2), now) == "1 day ago"
    assert age_text(now - dt.timedelta(days=15), now) == "2 weeks ago"
    assert size_text(300) == "1 KB"
    assert size_text(5 * 1024 * 1024) == "5.0 MB"


def test_restore_brings_back_the_backup_and_keeps_the_current_data(
    window, qtbot, make_contact, said
):
    make_contact("Kept", "InBackup")
    backup.backup_now()
    make_contact("Made", "Later")
    window.reload()
    assert window.contacts_page.model.rowCount() == 2
    window.bus.undo_stack.push(_noop_command())
    assert window.bus.undo_stack.count() == 1

    dialog = backup_actions.show_backups(window)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1
    dialog.restore_button.click()

    assert [kind for kind, *_ in said] == ["question"]
    assert "backed up first" in said[0][2]
    assert [c.last_name for c in _all_contacts()] == ["InBackup"]
    assert window.contacts_page.model.rowCount() == 1  # the window re-read everything
    assert window.bus.undo_stack.count() == 0
    assert "Restored" in window.statusBar().currentMessage()
    # What was there before the restore is now a backup of its own.
    assert len(backup.list_backups()) == 2


def test_restore_asks_first_and_no_leaves_everything(window, qtbot, make_contact, monkeypatch):
    make_contact("Kept", "InBackup")
    backup.backup_now()
    make_contact("Made", "Later")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = BackupsDialog(window.data_folder, window)
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    assert len(_all_contacts()) == 2
    assert len(backup.list_backups()) == 1


def test_restore_from_a_file_that_is_not_a_backup_says_why(
    window, qtbot, tmp_path, said, monkeypatch
):
    junk = tmp_path / "notes.db"
    junk.write_text("shopping list")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    dialog = BackupsDialog(window.data_folder, window)
    qtbot.addWidget(dialog)
    assert dialog.empty_label.isVisibleTo(dialog)
    assert not dialog.restore_button.isEnabled()
    dialog.file_button.click()
    [(kind, _title, text)] = said
    assert kind == "warning" and "not a favorbook database" in text


def test_restore_from_a_file_elsewhere(window, qtbot, tmp_path, make_contact, said, monkeypatch):
    make_contact("Only", "Elsewhere")
    outside = backup.backup_now(out=tmp_path / "copy.db")
    make_contact("Made", "Later")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(outside), ""))
    dialog = backup_actions.show_backups(window)
    qtbot.addWidget(dialog)
    dialog.file_button.click()
    assert [c.last_name for c in _all_contacts()] == ["Elsewhere"]


def test_open_backups_folder(window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = BackupsDialog(window.data_folder, window)
    qtbot.addWidget(dialog)
    dialog.folder_button.click()
    assert opened == [str(backup.backup_folder())]
    assert os.path.isdir(opened[0])


def test_automatic_backup_only_when_due(window, db):
    assert backup_actions.automatic_backup(window) is not None
    assert backup_actions.automatic_backup(window) is None  # made today already
    # On quit a backup is made whatever the age of the last one.
    assert backup_actions.automatic_backup(only_if_due=False) is not None
    assert len(backup.list_backups()) == 2


def test_a_failing_automatic_backup_never_raises(window, db, caplog):
    folder = backup.backup_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the backups folder should be")
    assert backup_actions.automatic_backup(window) is None
    assert "automatic backup failed" in window.statusBar().currentMessage()
    assert "Automatic backup failed" in caplog.text


def _all_contacts():
    from favorbook.db.models import Contact

    return list(Contact.select().order_by(Contact.id))


def _noop_command():
    from PySide6.QtGui import QUndoCommand

    return QUndoCommand("nothing")


def test_no_restore_while_a_job_writes(window):
    class Busy:
        def is_running(self):
            return True

    window._job = Busy()
    try:
        assert backup_actions.show_backups(window) is None
    finally:
        window._job = None
    assert "Wait" in window.statusBar().currentMessage()


def test_a_big_database_is_backed_up_on_a_thread_and_not_again_on_an_idle_quit(
    window, db, qtbot, monkeypatch, make_contact
):
    monkeypatch.setattr(backup_actions, "BACKGROUND_ABOVE", 0)  # every file counts as big
    monkeypatch.setattr(backup_actions, "_running", [])
    monkeypatch.setattr(backup_actions, "_backed_up_at", [])
    assert backup_actions.start_up_backup(window) is True  # left for the thread
    assert backup.list_backups() == []
    job = backup_actions.automatic_backup_in_background(window)
    assert job.wait(30)
    qtbot.waitUntil(lambda: backup_actions._backed_up_at != [])
    assert len(backup.list_backups()) == 1
    assert backup_actions.backup_at_quit() is None  # nothing written since: not again
    make_contact("Written", "Since")
    assert backup_actions.backup_at_quit() is not None
    assert len(backup.list_backups()) == 2


def test_a_database_of_some_megabytes_is_not_copied_before_the_window_shows(
    window, db, monkeypatch
):
    """At 10,000 contacts (46 MB) the start-up copy kept the window waiting 104 ms: past a
    few megabytes it is made on a thread of its own."""
    monkeypatch.setattr(backup_actions, "_running", [])
    assert backup_actions.start_up_backup(window) is False  # the test's database is small
    assert len(backup.list_backups()) == 1
    monkeypatch.setattr(backup, "database_bytes", lambda *a, **k: 6 * 1024 * 1024)
    assert backup_actions.start_up_backup(window) is True
