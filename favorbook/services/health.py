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
from favorbook.db import database
from favorbook.db.connection import connect_file
from favorbook.errors import FavorbookError
from favorbook.services import backup
from favorbook.services.dbfiles import set_aside


def quick_check(path: str | os.PathLike[str], passphrase: str | None = None) -> list[str]:
    """Problems PRAGMA quick_check finds in the file (empty when healthy or absent).

    Read-only: the file is not changed. A file that is not SQLite at all is a problem too;
    an error that is not SQLite's own corruption error (locked, no permission, a disk
    error) is not damage, and opening the database reports it.
    An encrypted database is checked with ``passphrase``; without one it cannot be
    read yet, which is not damage (opening it asks for the passphrase and checks it);
    a wrong passphrase raises WrongPassphrase.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return []
    if not database.needs_passphrase(path):
        passphrase = None
    elif passphrase is None:
        return []
    try:
        conn = connect_file(path, passphrase, readonly=True, timeout=5)
        try:
            return [row[0] for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
        finally:
            conn.close()
    except database.db_errors() as exc:
        if not database.is_damage(exc):
            # Locked by another favorbook, unreadable for this user, a disk error: not
            # damage. Opening the database says what it is.
            return []
        return [f"{path} cannot be read: {exc}"]


FULL_CHECK_LIMIT = 64 * 1024 * 1024
"""Bytes: a bigger database gets the light check at start-up and the full one in the
background (PRAGMA quick_check reads every page: about 3 s at 100,000 contacts)."""


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".check")


def mark_for_full_check(path: str | os.PathLike[str]) -> None:
    """Have the next start-up check the whole file before opening it (damage was seen)."""
    with contextlib.suppress(OSError):
        _marker(Path(path)).touch()


def light_check(path: str | os.PathLike[str], passphrase: str | None = None) -> list[str]:
    """What can be found wrong without reading the whole file: the header, the schema, a
    file shorter than its page count says, and the first and last rows of every table.
    Read-only, like ``quick_check``."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return []
    if not database.needs_passphrase(path):
        passphrase = None
    elif passphrase is None:
        return []
    try:
        conn = connect_file(path, passphrase, readonly=True, timeout=5)
        try:
            tables = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            wal = path.with_name(path.name + "-wal")
            in_wal = wal.exists() and wal.stat().st_size > 0
            if not in_wal and path.stat().st_size < page_size * pages:
                return [f"{path} is shorter than it should be: it was cut off."]
            for name, sql in tables:
                quoted = '"' + name.replace('"', '""') + '"'
                conn.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
                if "WITHOUT ROWID" not in sql.upper():
                    conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid DESC LIMIT 1").fetchall()
        finally:
            conn.close()
    except database.db_errors() as exc:
        if not database.is_damage(exc):
            return []  # not damage, as in quick_check
        return [f"{path} cannot be read: {exc}"]
    return []


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
    marker = _marker(path)
    full = not path.exists() or path.stat().st_size <= FULL_CHECK_LIMIT or marker.exists()
    problems = (quick_check if full else light_check)(path, passphrase)
    if full and not problems:
        with contextlib.suppress(OSError):
            marker.unlink()
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
