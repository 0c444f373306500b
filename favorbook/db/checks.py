"""The checks of a database file at start-up, read-only and without the models.

The start-up check (``services.health``) and the window's first page
(``db.first_page``) run them before anything is opened for writing.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from favorbook.db import database
from favorbook.db.connection import connect_file


def quick_check(
    path: str | os.PathLike[str], passphrase: str | None = None, *, conn=None
) -> list[str]:
    """Problems PRAGMA quick_check finds in the file (empty when healthy or absent).

    Read-only: the file is not changed. A file that is not SQLite at all is a problem too;
    an error that is not SQLite's own corruption error (locked, no permission, a disk
    error) is not damage, and opening the database reports it.
    An encrypted database is checked with ``passphrase``; without one it cannot be
    read yet, which is not damage (opening it asks for the passphrase and checks it);
    a wrong passphrase raises WrongPassphrase. ``conn``: a read-only connection to the
    file to check it through (left open), instead of one of its own.
    """
    return _checked(path, passphrase, conn, _quick_problems)


def _quick_problems(conn, _path: Path) -> list[str]:
    return [row[0] for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]


def _checked(path: str | os.PathLike[str], passphrase: str | None, conn, find) -> list[str]:
    """``find(conn, path)`` through ``conn`` or a read-only connection of its own; an error
    is a problem only when it is SQLite's own corruption error."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return []
    if not database.needs_passphrase(path):
        passphrase = None
    elif passphrase is None:
        return []
    try:
        own = conn is None
        if own:
            conn = connect_file(path, passphrase, readonly=True, timeout=5)
        try:
            return find(conn, path)
        finally:
            if own:
                conn.close()
    except database.db_errors() as exc:
        if not database.is_damage(exc):
            # Locked by another favorbook, unreadable for this user, a disk error: not
            # damage. Opening the database says what it is.
            return []
        return [f"{path} cannot be read: {exc}"]


FULL_CHECK_LIMIT = 4 * 1024 * 1024
"""Bytes: a bigger database gets the light check at start-up and the full one in the
background. PRAGMA quick_check reads every page: 57 ms before the window showed at
10,000 contacts (46 MB; the start was slower than at 100,000), about 3 s at 100,000;
up to this size it costs a few milliseconds and the damage is found before opening."""


def check_marker(path: Path) -> Path:
    """The file whose presence has the next start-up check the whole database."""
    return path.with_name(path.name + ".check")


def mark_for_full_check(path: str | os.PathLike[str]) -> None:
    """Have the next start-up check the whole file before opening it (damage was seen)."""
    with contextlib.suppress(OSError):
        check_marker(Path(path)).touch()


def light_check(
    path: str | os.PathLike[str], passphrase: str | None = None, *, conn=None
) -> list[str]:
    """What can be found wrong without reading the whole file: the header, the schema, a
    file shorter than its page count says, and the first and last rows of every table.
    Read-only, like ``quick_check`` (and ``conn`` as there)."""
    return _checked(path, passphrase, conn, _light_problems)


def _light_problems(conn, path: Path) -> list[str]:
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
    return []


def startup_problems(
    path: Path, passphrase: str | None = None, *, full_limit: int = FULL_CHECK_LIMIT, conn=None
) -> tuple[list[str], bool]:
    """What the start-up check finds in ``path`` and whether it checked the whole file: a
    file up to ``full_limit`` bytes, or one marked by ``mark_for_full_check``, gets PRAGMA
    quick_check; a bigger one the light check (through ``conn`` when given)."""
    full = not path.exists() or path.stat().st_size <= full_limit or check_marker(path).exists()
    return (quick_check if full else light_check)(path, passphrase, conn=conn), full
