"""Database files on disk: the open one, fresh dated names, atomic private copies, and a
damaged file set aside.

Shared by ``backup`` (copies and restores), ``encryption`` (a backup before converting
in place) and ``health`` (a damaged database moved aside, never overwritten).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from favorbook.db.connection import connect_file
from favorbook.db.models import db
from favorbook.errors import FavorbookError

BACKUP_DIRNAME = "backups"


def open_path() -> Path | None:
    """The path of the database favorbook has open, if any."""
    if db.database and not db.is_closed():
        return Path(db.database)
    return None


def fresh_name(folder: Path, when: dt.datetime, suffix: str = "") -> Path:
    """``folder``/favorbook-<UTC time of ``when``>.db, numbered when that name is taken."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = folder / f"favorbook-{stamp}{suffix}.db"
    n = 0
    while candidate.exists():
        n += 1
        candidate = folder / f"favorbook-{stamp}-{n}.db"
    return candidate


def private_file(path: Path) -> None:
    """Create ``path`` empty, readable by the owner only, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    with contextlib.suppress(OSError):  # not every system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_into(source, dest_path: Path, passphrase: str | None = None) -> None:
    """Copy the database behind ``source`` into ``dest_path`` atomically, as a 0600 file.

    An encrypted source (an SQLCipher connection) needs its ``passphrase``: the
    copy is encrypted with the same key, page for page.
    """
    dest_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dest_path.with_name(f".{dest_path.name}.part")
    private_file(tmp)
    try:
        dest = connect_file(tmp, passphrase)
        try:
            source.backup(dest)
            # One self-contained file: no -wal beside it is needed to read it.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest_path)
        fsync_dir(dest_path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def copy_file(source_path: Path, dest_path: Path, passphrase: str | None = None) -> None:
    """Copy a database file that favorbook does not have open (its WAL included)."""
    conn = connect_file(source_path, passphrase)
    try:
        copy_into(conn, dest_path, passphrase)
    finally:
        conn.close()


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
