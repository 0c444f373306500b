"""The start-up check: is the database healthy, and if not, what can be offered instead.

Qt-free; the window's dialog builds on these. A damaged file is never
overwritten: ``set_aside`` moves it (with its -wal/-shm) to a dated name beside
it, so the user keeps it, and ``newest_healthy_backup`` names what to restore.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from favorbook import paths
from favorbook.db import database
from favorbook.errors import FavorbookError
from favorbook.services import backup


def quick_check(path: str | os.PathLike[str], passphrase: str | None = None) -> list[str]:
    """Problems PRAGMA quick_check finds in the file (empty when healthy or absent).

    Read-only: the file is not changed. A file that is not SQLite at all is a problem too.
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
        conn = database.connect_file(path, passphrase, readonly=True, timeout=5)
        try:
            return [row[0] for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
        finally:
            conn.close()
    except database.db_errors() as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return []  # another favorbook is using it: not damage
        return [f"{path} cannot be read: {text}"]


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


def set_aside(path: str | os.PathLike[str]) -> Path:
    """Move a damaged database (and its -wal/-shm) to a dated name beside it; the new path.

    ``favorbook.db`` becomes ``favorbook.damaged-20261122T203812Z.db``; an existing
    file of that name is never overwritten (``-1``, ``-2``, ... are added).
    """
    path = Path(path)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    n = 0
    while True:
        extra = f"-{n}" if n else ""
        aside = path.with_name(f"{path.stem}.damaged-{stamp}{extra}{path.suffix}")
        companions = [aside.with_name(aside.name + s) for s in ("-wal", "-shm")]
        if not aside.exists() and not any(c.exists() for c in companions):
            break
        n += 1
    try:
        os.rename(path, aside)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.rename(companion, aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise FavorbookError(
            f"favorbook cannot move the damaged database {path} aside ({exc.strerror or exc}). "
            "Check that you may write to its folder."
        ) from exc
    return aside


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
    """Quick-check the database before opening it; on damage, find the newest healthy backup."""
    path = paths.database_path(data_dir)
    problems = quick_check(path, passphrase)
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
