"""The start-up check: is the database healthy, and if not, what can be offered instead.

Qt-free; the window's dialog builds on these. A damaged file is never
overwritten: ``set_aside`` moves it (with its -wal/-shm) to a dated name beside
it, so the user keeps it, and ``newest_healthy_backup`` names what to restore.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from favorbook import paths
from favorbook.db.checks import (  # noqa: F401 (named here too: health.quick_check, ...)
    FULL_CHECK_LIMIT,
    check_marker,
    light_check,
    mark_for_full_check,
    quick_check,
    startup_problems,
)
from favorbook.errors import FavorbookError
from favorbook.services import backup
from favorbook.services.dbfiles import set_aside


def newest_healthy_backup(
    data_dir: str | os.PathLike[str] | None = None, passphrase: str | None = None
) -> backup.Backup | None:
    """The newest backup that passes the restore checks (encrypted ones with ``passphrase``)."""
    for candidate in backup.list_backups(data_dir):
        try:
            backup.verify(candidate.path, passphrase)
        except backup.BackupRefused:
            continue
        return candidate
    return None


@dataclass
class StartupCheck:
    """What the start-up check found: healthy, or the problems and the backup to offer."""

    path: Path
    problems: list[str]
    backup: backup.Backup | None = None

    @property
    def healthy(self) -> bool:
        return not self.problems


def startup_check(
    data_dir: str | os.PathLike[str] | None = None, passphrase: str | None = None
) -> StartupCheck:
    """Check the database before opening it; on damage, find the newest healthy backup.

    A file up to FULL_CHECK_LIMIT bytes, or one marked by ``mark_for_full_check``, gets
    PRAGMA quick_check; a bigger one the light check here (the window runs the full one
    in the background afterwards and marks the file if it finds damage).
    """
    path = paths.database_path(data_dir)
    problems, full = startup_problems(path, passphrase, full_limit=FULL_CHECK_LIMIT)
    if full and not problems:
        with contextlib.suppress(OSError):
            check_marker(path).unlink()
    found = newest_healthy_backup(data_dir, passphrase) if problems else None
    return StartupCheck(path, problems, found)


def recover(
    check: StartupCheck, use_backup: backup.Backup | None = None, passphrase: str | None = None
) -> tuple[Path, Path]:
    """Set the damaged database aside and restore ``use_backup`` (default: the one found).

    Returns (where the damaged file now is, the backup restored). The caller opens
    the database afterwards as usual.
    """
    chosen = use_backup or check.backup
    if chosen is None:
        raise FavorbookError("There is no healthy backup to restore.")
    backup.verify(chosen.path, passphrase)
    aside = set_aside(check.path)
    backup.restore(chosen.path, check.path, passphrase)
    return aside, chosen.path
