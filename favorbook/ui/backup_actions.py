"""Backups from the window: File › Back Up Now, File › Restore from Backup…, and the
automatic ones (at start-up when a day has passed, and on quit).

A backup of the sample network takes about 0.05 s and of 5,000 contacts about
0.3 s, but of 100,000 contacts with a million ledger rows (a 400 MB file) about
3 s: the start-up one runs on a thread of its own, the window does not wait for
it. An automatic backup that fails never blocks starting or quitting: it is
logged and said in the status bar.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from favorbook.errors import FavorbookError
from favorbook.services import backup
from favorbook.services.changes import Change
from favorbook.services.session import describe_error
from favorbook.ui.backups_dialog import BackupsDialog
from favorbook.ui.worker import BackgroundJob, in_background

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupActions", text)


def install(window) -> None:
    """Add Back Up Now and Restore from Backup… to the window's File menu, before Preferences."""
    menu = window.file_menu
    before = window.preferences_action
    window.backup_now_action = QAction(_tr("&Back Up Now"), window)
    window.backup_now_action.setObjectName("backupNow")
    window.backup_now_action.setStatusTip(_tr("Save a copy of your data in the backups folder"))
    window.backup_now_action.triggered.connect(lambda: back_up_now(window))
    window.restore_backup_action = QAction(_tr("&Restore from Backup…"), window)
    window.restore_backup_action.setObjectName("restoreFromBackup")
    window.restore_backup_action.triggered.connect(lambda: show_backups(window))
    menu.insertAction(before, window.backup_now_action)
    menu.insertAction(before, window.restore_backup_action)
    menu.insertSeparator(before)


def _say(window, text: str) -> None:
    if window is not None:
        window.statusBar().showMessage(text, 8000)


def back_up_now(window) -> Path | None:
    """The user asked for a backup: say where it went, or why it could not be made."""
    try:
        path = backup.backup_now()
    except FavorbookError as exc:
        QMessageBox.warning(window, _tr("Back Up Now"), str(exc))
        return None
    _say(window, _tr("Backed up to %1.").replace("%1", str(path)))
    return path


def show_backups(window) -> BackupsDialog | None:
    job = getattr(window, "_job", None)
    if job is not None and job.is_running():
        # Restoring swaps the database file; a job writing to it must finish first.
        _say(window, _tr("Wait for the running job to finish, then restore."))
        return None
    dialog = BackupsDialog(window.data_folder, window)
    dialog.restored.connect(lambda path: restored(window, path))
    dialog.open()
    return dialog


def restored(window, path: str) -> None:
    """A backup replaced the database: forget undo history about rows that may be gone,
    and re-read everything."""
    window.bus.undo_stack.clear()
    # The window reloads, and every view listening with it.
    window.bus.changed.emit(Change.EVERYTHING)
    _say(
        window,
        _tr("Restored %1. Your data from before is kept in the backups list.").replace(
            "%1", Path(path).name
        ),
    )


BACKGROUND_ABOVE = 64 * 1024 * 1024
"""Bytes: a bigger database is backed up at start-up on a thread of its own."""


def start_up_backup(window) -> bool:
    """The start-up backup of a small database, made now; True when the database is big
    and its backup is for ``automatic_backup_in_background`` (which checks it is due)."""
    big = backup.database_bytes() > BACKGROUND_ABOVE
    if not big:
        automatic_backup(window)
    return big


def automatic_backup_in_background(window) -> BackgroundJob | None:
    """The start-up backup when one is due, copied on a thread of its own: at 100,000
    contacts the file is 400 MB and the copy takes seconds, which the window does not wait
    for (SQLite's WAL lets the window read and write meanwhile)."""
    try:
        if not backup.due_for_backup():
            return None
    except Exception as exc:  # noqa: BLE001 - nothing may stop the start
        log.warning("Automatic backup failed: %s", describe_error(exc))
        return None

    mark = backup.write_mark()

    def done(path, error) -> None:
        if error is not None:
            log.warning("Automatic backup failed: %s", describe_error(error))
            _say(
                window, _tr("The automatic backup failed: %1").replace("%1", describe_error(error))
            )
        else:
            log.info("Automatic backup: %s", path)
            _backed_up_at[:] = [mark]

    job = in_background(window, backup.backup_now, done)
    _running[:] = [job]
    return job


_running: list[BackgroundJob] = []
_backed_up_at: list = []
"""The write mark of the database when this session's start-up backup began, once made."""


def backup_at_quit() -> Path | None:
    """The backup made on quit; for a big database (above BACKGROUND_ABOVE) not when this
    session's start-up backup holds what is in it (nobody wrote since that began): at
    400 MB that saves 3 s on quit."""
    for job in _running:
        job.wait()  # a start-up backup still copying: let it finish, then compare
    mark = backup.write_mark()
    unchanged = bool(_backed_up_at) and mark is not None and _backed_up_at[0] == mark
    if unchanged and backup.database_bytes() > BACKGROUND_ABOVE:
        return None
    return automatic_backup(only_if_due=False)


def automatic_backup(window=None, *, only_if_due: bool = True) -> Path | None:
    """A backup favorbook makes by itself; never raises (a failure is logged and said)."""
    try:
        if only_if_due and not backup.due_for_backup():
            return None
        path = backup.backup_now()
    except Exception as exc:  # nothing may stop start or quit
        log.warning("Automatic backup failed: %s", describe_error(exc))
        _say(window, _tr("The automatic backup failed: %1").replace("%1", describe_error(exc)))
        return None
    log.info("Automatic backup: %s", path)
    return path
