"""Backups of the database with SQLite's online backup API, and restoring one safely.

Backups live in ``<data folder>/backups/``, one self-contained SQLite file each,
named by their UTC time (``favorbook-20261122T203812Z.db``) and readable by the
owner only. ``prune`` keeps the last 10 plus the newest of each of the 8 weeks
before; files the user wrote elsewhere with ``out=`` are never pruned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import NamedTuple

from favorbook import paths
from favorbook.db import database
from favorbook.db.connection import connect_file
from favorbook.db.models import db
from favorbook.errors import FavorbookError, WrongPassphrase
from favorbook.services import passphrases
from favorbook.services.dbfiles import (
    BACKUP_DIRNAME,
    copy_file,
    copy_into,
    fresh_name,
    fsync_dir,
    open_path,
    set_aside,
)

KEEP_LAST = 10
KEEP_WEEKS = 8
DUE_AFTER = dt.timedelta(days=1)
_NAME = re.compile(r"^favorbook-(\d{8}T\d{6})Z(?:-(\d+))?\.db$")
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupRefused(FavorbookError):
    """A file given to restore is not a healthy favorbook database; says why."""


class Backup(NamedTuple):
    path: Path
    when: dt.datetime  # UTC, aware
    size: int  # bytes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def backup_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where backups are kept: beside the open database, else in the data folder."""
    if data_dir is None and (current := open_path()) is not None:
        return current.parent / BACKUP_DIRNAME
    return paths.data_dir(data_dir) / BACKUP_DIRNAME


def backup_now(out: str | os.PathLike[str] | None = None) -> Path:
    """Back up the open database, to ``out`` or into the backup folder (then prune); the path.

    Safe while favorbook is writing: the online backup API copies a consistent state.
    """
    current = open_path()
    if current is None:
        raise FavorbookError("No database is open to back up.")
    if out is not None:
        target = Path(out).expanduser()
        if target.is_dir():
            target = fresh_name(target, _now())
    else:
        target = fresh_name(backup_folder(), _now())
    try:
        copy_into(db.connection(), target, db.passphrase)
    except OSError as exc:
        raise FavorbookError(
            f"favorbook cannot write the backup {target} ({exc.strerror or exc}). "
            "Choose a folder you may write to, with free space."
        ) from exc
    except database.db_errors() as exc:
        raise database.explain(exc, target) from exc
    if out is None:
        prune()
    return target


def list_backups(data_dir: str | os.PathLike[str] | None = None) -> list[Backup]:
    """The backups in the backup folder, newest first."""
    folder = backup_folder(data_dir)
    found = []
    order = {}
    with contextlib.suppress(FileNotFoundError):
        for entry in folder.iterdir():
            match = _NAME.match(entry.name)
            if not (match and entry.is_file()):
                continue
            try:
                when = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
            except ValueError:  # a look-alike name with an impossible time: not ours
                continue
            found.append(Backup(entry, when.replace(tzinfo=dt.UTC), entry.stat().st_size))
            order[entry] = int(match.group(2) or 0)  # several in one second
    found.sort(key=lambda b: (b.when, order[b.path]), reverse=True)
    return found


def prune(
    data_dir: str | os.PathLike[str] | None = None, *, now: dt.datetime | None = None
) -> list[Path]:
    """Delete old backups: keep the last 10 and the newest one of each of 8 weeks back."""
    now = now or _now()
    backups = list_backups(data_dir)
    keep = {b.path for b in backups[:KEEP_LAST]}
    for week in range(KEEP_WEEKS):
        newest = now - dt.timedelta(weeks=week)
        oldest = now - dt.timedelta(weeks=week + 1)
        in_week = [b for b in backups if oldest < b.when <= newest]
        if in_week:
            keep.add(in_week[0].path)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(FileNotFoundError):
                b.path.unlink()
            removed.append(b.path)
    return removed


BIG_DATABASE_BYTES = 4 * 1024 * 1024
"""Above this size a database's automatic backups are copied on a thread of their own:
at 10,000 contacts (46 MB) the copy took 104 ms, which the window waited for once a day
on the start that opens the database itself (a new, encrypted or marked one). As the
start-up check's FULL_CHECK_LIMIT, where the same wait was seen."""


def database_bytes() -> int:
    """The size of the open database file (0 when it is not a file on disk)."""
    try:
        return Path(db.database).stat().st_size
    except (OSError, TypeError):
        return 0


def write_mark() -> tuple[int, int] | None:
    """A value that changes when anyone writes to the database (None if it cannot be
    read): equal marks mean a backup made at the first still holds everything."""
    try:
        return database.write_mark()
    except Exception:  # noqa: BLE001 - no mark: the caller makes the backup
        return None


def due_for_backup(
    data_dir: str | os.PathLike[str] | None = None, *, now: dt.datetime | None = None
) -> bool:
    """True when there is no backup, or the newest is older than a day."""
    backups = list_backups(data_dir)
    return not backups or (now or _now()) - backups[0].when > DUE_AFTER


def verify(path: str | os.PathLike[str], passphrase: str | None = None) -> None:
    """Refuse (BackupRefused, saying why) a file that is not a healthy favorbook database.

    An encrypted backup is checked with ``passphrase`` (default: the open database's).
    """
    path = Path(path)
    if passphrase is None:
        passphrase = db.passphrase
    if not path.is_file():
        raise BackupRefused(f"{path} does not exist or is not a file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise BackupRefused(f"{path} cannot be read ({exc.strerror or exc}).") from exc
    key = None
    if magic != _SQLITE_MAGIC:
        if not database.needs_passphrase(path):
            raise BackupRefused(f"{path} is not a favorbook database (not an SQLite file).")
        if passphrase is None:
            raise BackupRefused(f"{path} is encrypted; its passphrase is needed to use it.")
        key = passphrase
    try:
        conn = connect_file(path, key, readonly=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != database.APPLICATION_ID:
                raise BackupRefused(f"{path} is an SQLite file of another program, not favorbook.")
            if version > database.schema_version():
                raise BackupRefused(
                    f"{path} was written by a newer favorbook (schema {version}; this one knows "
                    f"up to {database.schema_version()}). Install the newer favorbook to use it."
                )
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'contact'")
            if not tables.fetchone()[0]:
                problems.append("it holds no favorbook tables")
        finally:
            conn.close()
    except WrongPassphrase as exc:
        raise BackupRefused(str(exc)) from exc
    except database.db_errors() as exc:
        if database.is_damage(exc):
            raise BackupRefused(f"{path} is damaged and cannot be restored ({exc}).") from exc
        raise BackupRefused(f"{path} cannot be read ({exc}); it was not restored.") from exc
    if problems:
        raise BackupRefused(f"{path} is damaged and cannot be restored ({problems[0]}).")


def restore(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str] | None = None,
    passphrase: str | None = None,
) -> Path | None:
    """Replace the database with the backup ``source``; returns where the old one was kept.

    ``target`` defaults to the open database (which is closed and reopened around
    the swap). The source is checked first (BackupRefused when unfit) and copied
    beside the target; the current database is backed up (or, when it is too
    damaged to read, moved aside whole), its stale -wal/-shm are removed, and the
    copy takes its place in one ``os.replace``.

    An encrypted backup needs ``passphrase`` (default: the open database's) and
    stays encrypted; the restored database is as the backup was, encrypted or not.
    """
    source = Path(source).expanduser()
    if passphrase is None:
        passphrase = db.passphrase
    if passphrase is None and database.needs_passphrase(source):
        passphrase = passphrases.obtain(source)
    verify(source, passphrase)
    key = passphrase if database.needs_passphrase(source) else None
    was_open = open_path()
    open_key = db.passphrase
    target = Path(target) if target is not None else was_open
    if target is None:
        raise FavorbookError("No database to restore into; open one first.")
    if source.resolve() == target.resolve():
        raise BackupRefused(f"{source} is the database itself; choose a backup.")
    staged = target.with_name(f".{target.name}.restoring")
    conn = connect_file(source, key, readonly=True)
    try:
        copy_into(conn, staged, key)
    finally:
        conn.close()
    kept: Path | None = None
    try:
        if was_open is not None and was_open.resolve() == target.resolve():
            database.close_database()
        if target.exists() and target.stat().st_size > 0:
            kept = fresh_name(target.parent / BACKUP_DIRNAME, _now())
            try:
                kept_key = (open_key or key) if database.needs_passphrase(target) else None
                copy_file(target, kept, kept_key)
            except (*database.db_errors(), WrongPassphrase):
                kept = set_aside(target)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                target.with_name(target.name + suffix).unlink()
        os.replace(staged, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        if was_open is not None:
            database.open_database(was_open, key or open_key)
    return kept
