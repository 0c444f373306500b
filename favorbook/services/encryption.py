"""Encryption at rest with SQLCipher: a new passphrase checked, and converting a database
in place (where a passphrase comes from: ``passphrases``).

Optional: SQLCipher comes with the ``encryption`` extra (the ``sqlcipher3`` wheel).
An encrypted database has no plain SQLite header, which is how favorbook tells
it needs a passphrase before opening it. The passphrase is kept in memory only,
on the open database object (``favorbook.db.models.db.passphrase``), never in
the database, the settings, the logs or an export.

``encrypt`` / ``decrypt`` convert the database in place: a backup first, then a
converted copy beside it (``sqlcipher_export``), checked with the passphrase
(integrity, and the same number of rows in every table), then one ``os.replace``.
Anything failing before that leaves the original as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from favorbook.db import database
from favorbook.db.connection import connect_file
from favorbook.db.models import db
from favorbook.errors import (
    DatabaseProblem,
    EncryptionUnavailable,
    FavorbookError,
    ValidationError,
    WrongPassphrase,
)
from favorbook.services import backup
from favorbook.services.dbfiles import (
    BACKUP_DIRNAME,
    copy_file,
    fresh_name,
    fsync_dir,
    open_path,
    private_file,
)

MIN_LENGTH = 8
INSTALL_HINT = "install favorbook with its encryption extra: pip install 'favorbook[encryption]'"


def available() -> bool:
    """True when SQLCipher is installed, so databases can be encrypted and opened."""
    return database.cipher_available()


def is_encrypted(path: str | os.PathLike[str]) -> bool:
    """True when the file looks encrypted (no SQLite header), whether or not SQLCipher is here."""
    return database.looks_encrypted(path)


def needs_passphrase(path: str | os.PathLike[str]) -> bool:
    """True when opening ``path`` needs a passphrase (encrypted, and SQLCipher installed)."""
    return database.needs_passphrase(path)


def check_passphrase(path: str | os.PathLike[str], passphrase: str) -> bool:
    """True when ``passphrase`` opens the encrypted database at ``path``; changes nothing."""
    try:
        connect_file(path, passphrase, readonly=True).close()
    except WrongPassphrase:
        return False
    return True


def validate_new(passphrase: str) -> str:
    """The passphrase to encrypt with, or ValidationError("passphrase", why not)."""
    if "\x00" in passphrase:
        raise ValidationError("passphrase", "a passphrase cannot hold a NUL character")
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(
            "passphrase", f"use at least {MIN_LENGTH} characters (a few words are best)"
        )
    return passphrase


# --- converting in place -------------------------------------------------------------


@dataclass
class Conversion:
    """What ``encrypt``/``decrypt`` did: the database, the backup made first, rows copied."""

    path: Path
    backup: Path
    rows: int
    unencrypted_backups: list[Path] = field(default_factory=list)


def unencrypted_backups(data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Backups in the backup folder that are plain SQLite files, readable without a passphrase."""
    found = []
    for item in backup.list_backups(data_dir):
        with contextlib.suppress(OSError), item.path.open("rb") as handle:
            if handle.read(len(database.SQLITE_MAGIC)) == database.SQLITE_MAGIC:
                found.append(item.path)
    return found


def remove_unencrypted_backups(data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Delete the plain backups (after encrypting); the files deleted.

    Deleting is not wiping: on SSDs and journaling file systems the old blocks
    may remain readable until overwritten.
    """
    removed = []
    for path in unencrypted_backups(data_dir):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        removed.append(path)
    return removed


def encrypt(path: str | os.PathLike[str], passphrase: str) -> Conversion:
    """Encrypt the plain favorbook database at ``path`` in place with ``passphrase``."""
    path = Path(path)
    _require_cipher()
    validate_new(passphrase)
    _require_database(path)
    if is_encrypted(path):
        raise FavorbookError(f"{path} is encrypted already; nothing was changed.")
    database.guard(path)
    result = _convert(path, source_key=None, target_key=passphrase)
    result.unencrypted_backups = unencrypted_backups(path.parent)
    return result


def decrypt(path: str | os.PathLike[str], passphrase: str) -> Conversion:
    """Turn the encrypted favorbook database at ``path`` back into a plain SQLite file."""
    path = Path(path)
    _require_cipher()
    _require_database(path)
    if not is_encrypted(path):
        raise FavorbookError(f"{path} is not encrypted; nothing was changed.")
    database.guard(path, passphrase)  # WrongPassphrase when it does not open the file
    return _convert(path, source_key=passphrase, target_key=None)


def _require_cipher() -> None:
    if not available():
        raise EncryptionUnavailable(f"Encryption needs SQLCipher: {INSTALL_HINT}.")


def _require_database(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise FavorbookError(f"There is no favorbook database at {path}.")


def _connect_cipher(path: Path, key: str | None):
    """An SQLCipher connection (needed for sqlcipher_export), keyed when ``key`` is given."""
    if key is not None:
        return connect_file(path, key)
    from sqlcipher3 import dbapi2

    return dbapi2.connect(str(path), isolation_level=None, timeout=database.BUSY_TIMEOUT_MS / 1000)


def _row_counts(conn) -> dict[str, int]:
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
            "'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in tables}
    return {
        name: conn.execute(f"SELECT count(*) FROM {quoted[name]}").fetchone()[0] for name in tables
    }


def _in_use(path: Path) -> bool:
    """True when another connection still has ``path`` open (its -wal/-shm stay behind)."""
    return any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))


def _convert(path: Path, *, source_key: str | None, target_key: str | None) -> Conversion:
    was_open = open_path()
    reopen = was_open is not None and was_open.resolve() == path.resolve()
    open_key = db.passphrase
    if reopen:
        database.close_database()
    done = False
    staged = path.with_name(f".{path.name}.converting")
    try:
        kept = fresh_name(path.parent / BACKUP_DIRNAME, dt.datetime.now(dt.UTC))
        try:
            copy_file(path, kept, source_key)
        except OSError as exc:
            raise FavorbookError(
                f"favorbook cannot write the backup {kept} ({exc.strerror or exc}); "
                "nothing was changed."
            ) from exc
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        private_file(staged)
        try:
            rows = _export(path, staged, source_key, target_key)
        except database.db_errors() as exc:
            raise DatabaseProblem(
                f"favorbook could not convert {path} ({exc}); nothing was changed."
            ) from exc
        if _in_use(path):
            raise DatabaseProblem(
                f"{path} is open in another favorbook window or program; close it and try "
                "again. Nothing was changed."
            )
        fd = os.open(staged, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(staged, path)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        fsync_dir(path.parent)
        done = True
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        if reopen:
            database.open_database(path, target_key if done else open_key)
    return Conversion(path, kept, sum(rows.values()))


def _export(path: Path, staged: Path, source_key: str | None, target_key: str | None):
    """Write the converted copy of ``path`` to ``staged`` and check it; the row counts."""
    conn = _connect_cipher(path, source_key)
    try:
        # Everything committed, WAL included, is in the main file before it is read.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _row_counts(conn)
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("ATTACH DATABASE ? AS converted KEY ?", (str(staged), target_key or ""))
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute(f"PRAGMA converted.application_id = {app_id}")
        conn.execute(f"PRAGMA converted.user_version = {version}")
        conn.execute("DETACH DATABASE converted")
    finally:
        conn.close()
    check = connect_file(staged, target_key)
    try:
        problems = [r[0] for r in check.execute("PRAGMA integrity_check") if r[0] != "ok"]
        if problems:
            raise DatabaseProblem(
                f"The converted copy of {path} failed its check ({problems[0]}); "
                "nothing was changed."
            )
        after = _row_counts(check)
        same_header = (
            check.execute("PRAGMA application_id").fetchone()[0] == app_id
            and check.execute("PRAGMA user_version").fetchone()[0] == version
        )
    finally:
        check.close()
    if after != before or not same_header:
        raise DatabaseProblem(
            f"The converted copy of {path} does not hold the same data; nothing was changed."
        )
    return after
