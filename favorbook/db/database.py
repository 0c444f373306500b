"""Opening, checking and upgrading the favorbook database.

Imports no peewee itself: what reads a file before the models are needed (the start-up
checks, the window's first page) uses it without them; opening the database for the
services loads the models."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from favorbook.db.connection import BUSY_TIMEOUT_MS, connect_file
from favorbook.errors import (
    ChangeRefused,
    DamagedDatabaseError,
    DatabaseLockedError,
    DatabaseProblem,
    NewerDatabaseError,
    NotAFavorbookDatabase,
    PassphraseNeeded,
)

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Stored in the file header (PRAGMA application_id) so other SQLite files are recognised: "FAVB".
APPLICATION_ID = 0x46415642
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": BUSY_TIMEOUT_MS,
    "cache_size": -16000,
}


SQLITE_MAGIC = b"SQLite format 3\x00"


def cipher_available() -> bool:
    """True when SQLCipher (the ``sqlcipher3`` module of the encryption extra) is installed."""
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def looks_encrypted(path: str | os.PathLike[str]) -> bool:
    """True for a file with no SQLite header whose size is whole pages: an SQLCipher file.

    SQLCipher encrypts the whole file, header included (its first 16 bytes are a
    random salt); a plain SQLite file starts with ``SQLite format 3``. A plain file
    whose first bytes were overwritten still shows SQLite's fixed payload fractions
    (64, 32, 32) at bytes 21-23, which an encrypted file has only by a 1 in 16
    million chance: that is damage, not encryption. Read from the file, never opened.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
        size = os.path.getsize(path)
    except OSError:
        return False
    return (
        size > 0
        and size % 512 == 0
        and head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC
        and head[21:24] != b"\x40\x20\x20"
    )


# SQLite's primary result codes (https://sqlite.org/rescode.html) that favorbook tells apart.
# An extended code (SQLITE_CONSTRAINT_FOREIGNKEY, SQLITE_CORRUPT_INDEX, ...) carries its
# primary code in its low 8 bits.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_CONSTRAINT = 19
SQLITE_NOTADB = 26
DAMAGE_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})
"""The only codes that mean the file itself is damaged: SQLite found its pages or its
header not as SQLite writes them. Every other error (a constraint, a lock, a full disk, an
I/O error) leaves the file as it was and is never reported as damage."""


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code behind ``exc`` (sqlite3's or SQLCipher's error, or
    peewee's wrapper of one), or None when the error does not carry one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
        current = getattr(current, "orig", None) or current.__cause__
    return None


def is_damage(exc: BaseException) -> bool:
    """True only for SQLite's own corruption errors (SQLITE_CORRUPT, SQLITE_NOTADB and
    their extended codes); by their text when the error carries no code."""
    code = sqlite_code(exc)
    if code is not None:
        return code in DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def _locked(exc: BaseException) -> bool:
    code = sqlite_code(exc)
    if code is not None:
        return code in (SQLITE_BUSY, SQLITE_LOCKED)
    text = str(exc)
    return "locked" in text or "busy" in text


def db_errors() -> tuple[type[BaseException], ...]:
    """The database error classes of every driver in use (sqlite3, peewee, SQLCipher)."""
    found: tuple[type[BaseException], ...] = (sqlite3.DatabaseError,)
    peewee = sys.modules.get("peewee")  # none of its errors exist before it is imported
    if peewee is not None:
        found += (peewee.DatabaseError,)
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        found += (cipher.DatabaseError,)
    return found


def schema_version() -> int:
    """The schema version this build of favorbook writes: its newest migration's number."""
    return max(int(p.name.split("_", 1)[0]) for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def _inspect(path: Path, passphrase: str | None = None) -> tuple[int, int, bool]:
    """(application_id, user_version, has_tables) read without changing the file."""
    try:
        conn = connect_file(path, passphrase, readonly=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            conn.close()
    except db_errors() as exc:
        text = str(exc)
        if _locked(exc):
            raise DatabaseLockedError(
                f"The database {path} is locked by another program. "
                "Close the other favorbook window or wait, then try again."
            ) from exc
        if sqlite_code(exc) == SQLITE_NOTADB or "not a database" in text or "encrypted" in text:
            raise NotAFavorbookDatabase(
                f"{path} is not a favorbook database (it is not an SQLite file, "
                "or it is damaged or encrypted). Choose another data folder or restore a backup."
            ) from exc
        if is_damage(exc):
            raise DamagedDatabaseError(
                f"The database {path} cannot be read: {text}. Restore a backup."
            ) from exc
        raise explain(exc, path) from exc
    return app_id, version, has_tables


def needs_passphrase(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is an encrypted database this favorbook can open with a passphrase."""
    return looks_encrypted(path) and cipher_available()


def guard(path: Path, passphrase: str | None = None) -> bool:
    """Refuse, without touching it, a file favorbook must not open or upgrade; True when
    it is a favorbook database already at this build's schema (nothing to migrate).

    An encrypted file (when SQLCipher is installed) needs ``passphrase``:
    PassphraseNeeded without one, WrongPassphrase when it does not open the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return False
    if not needs_passphrase(path):
        passphrase = None
    elif passphrase is None:
        raise PassphraseNeeded(
            f"{path} is encrypted; favorbook needs its passphrase to open it "
            f"(set FAVORBOOK_PASSPHRASE, or run favorbook on a terminal to be asked)."
        )
    app_id, version, has_tables = _inspect(path, passphrase)
    if app_id != APPLICATION_ID and has_tables:
        raise NotAFavorbookDatabase(
            f"{path} is an SQLite database of another program, not favorbook's. "
            "Choose another data folder."
        )
    if version > schema_version():
        raise NewerDatabaseError(
            f"{path} was written by a newer favorbook (schema {version}; this one knows "
            f"up to {schema_version()}). Install the newer favorbook; the file was not changed."
        )
    return app_id == APPLICATION_ID and version == schema_version()


def explain(exc: Exception, path: Path | str | None = None) -> DatabaseProblem:
    """A user-facing DatabaseProblem for an SQLite error (sqlite3's or peewee's wrapper).

    Only SQLite's corruption codes (``is_damage``) say the database is damaged and send
    the user to a backup; a refused change (a constraint), a lock, a full disk or any
    other error says what failed, and that nothing was changed.
    """
    if path is None:
        from favorbook.db.models import db

        path = db.database
    text = str(exc)
    # On some errors (disk full, ...) SQLite rolls the transaction back itself; the ROLLBACK
    # peewee then sends fails too and hides the real cause, which is in the error's context.
    while ("cannot rollback" in text or "no such savepoint" in text) and isinstance(
        exc.__context__, db_errors()
    ):
        exc = exc.__context__
        text = str(exc)
    code = sqlite_code(exc)
    if _locked(exc):
        return DatabaseLockedError(
            f"The database {path} is locked by another program. "
            "Close the other favorbook window or wait a moment, then try again."
        )
    if code in (SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM) or (
        code is None and ("unable to open" in text or "readonly" in text or "read-only" in text)
    ):
        return DatabaseProblem(
            f"favorbook cannot write to {path} ({text}). Check that the folder exists and "
            "that you may write to it, or choose another one with --data-dir."
        )
    if code == SQLITE_FULL or (code is None and "disk is full" in text):
        return DatabaseProblem(
            f"The disk holding {path} is full; nothing was saved. Free some space and try again."
        )
    if is_damage(exc):
        return DamagedDatabaseError(
            f"The database {path} cannot be used ({text}). Restore a backup."
        )
    if code == SQLITE_CONSTRAINT:
        return ChangeRefused(
            f"The database refused this change ({text}), so nothing was changed. "
            "The database itself is not damaged."
        )
    if code == SQLITE_IOERR:
        return DatabaseProblem(
            f"favorbook could not read or write {path} ({text}); nothing was saved. "
            "Check the disk, then try again."
        )
    return DatabaseProblem(
        f"The database could not do this ({text}), so nothing was changed. "
        "The database itself is not damaged."
    )


def make_private(path: Path) -> None:
    """Create ``path`` if missing, and it and its -wal/-shm readable by the owner only.

    SQLite creates -wal/-shm with the main file's permissions, so a 0600 database
    keeps them 0600 too, whatever the umask. Tightens an existing file's mode as well.
    """
    if os.name != "posix":
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):  # missing, or owned by someone else
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)


def open_database(path: Path, passphrase: str | None = None) -> None:
    """Open ``path`` (created if missing), apply pending migrations, in one transaction.

    ``passphrase`` opens an encrypted database (and is ignored for a plain one);
    it is kept in memory only, on ``db``, until the database is closed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise DatabaseProblem(
            f"favorbook cannot create its data folder {path.parent} ({exc.strerror}). "
            "Choose another one with --data-dir."
        ) from exc
    try:
        make_private(path)
    except OSError as exc:
        raise DatabaseProblem(
            f"favorbook cannot create its database {path} ({exc.strerror}). Check that you "
            "may write to that folder, or choose another one with --data-dir."
        ) from exc
    if not needs_passphrase(path):
        passphrase = None
    current = guard(path, passphrase)
    from favorbook.db.models import db

    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_MS / 1000)
    db.passphrase = passphrase
    try:
        db.connect()
        if not current:  # at this schema already: no write, no migration code loaded
            migrate()
    except db_errors() as exc:
        db.close()
        db.passphrase = None
        raise explain(exc, path) from exc


def migrate() -> list[str]:
    """Apply the pending numbered migrations inside one transaction; returns their names."""
    from playhouse.migrations import Runner

    from favorbook.db.models import db

    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    with db.atomic():
        applied = runner.up()
        db.pragma("application_id", APPLICATION_ID)
        db.pragma("user_version", schema_version())
    return applied


def write_mark() -> tuple[int, int]:
    """Changes whenever anyone writes to the open database: this connection's count of
    changed rows (``total_changes``) and SQLite's ``data_version`` (which counts the
    commits of other connections)."""
    from favorbook.db.models import db

    return db.connection().total_changes, db.execute_sql("PRAGMA data_version").fetchone()[0]


def on_this_thread(work: Callable[..., T], *args) -> T:
    """``work(*args)`` on a thread other than the one that opened the database, with a
    connection of this thread's own (peewee keeps one per thread), opened first and
    closed afterwards, whatever happens."""
    from favorbook.db.models import db

    try:
        db.connect(reuse_if_open=True)
        return work(*args)
    finally:
        if not db.is_closed():
            db.close()  # this thread's connection


WINDOW_CHECKPOINT_PAGES = 20_000
"""Pages of write-ahead log (80 MB) from which the window's own commits copy it into the
database file again (``checkpoints_apart``), should the thread that does it never run."""


def checkpoints_apart() -> None:
    """The commits of this connection (the window's) leave copying the write-ahead log
    into the database file (SQLite's automatic checkpoint, from 1,000 pages of log) to
    ``checkpoint_soon``, on a thread of its own: at 100,000 contacts it held the window
    0.25-0.4 s on every fourth or fifth delete, and 10-20 ms on each save while a reader
    kept the log from being started over. Up to WINDOW_CHECKPOINT_PAGES."""
    from favorbook.db.models import db

    db.execute_sql(f"PRAGMA wal_autocheckpoint = {WINDOW_CHECKPOINT_PAGES}")


class _Checkpoints:
    """Passive checkpoints on a thread of their own, one at a time: the log copied into
    the database file as far as readers allow, and synced, while readers and writers go
    on. Asked again while one runs, it runs once more when done. One that fails (the
    database closed, locked or moved meanwhile) is left to the next, or to the close."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False

    def soon(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(
                target=self._run, name="favorbook checkpoint", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        from favorbook.db.models import db

        while True:
            try:
                if db.database:
                    on_this_thread(db.execute_sql, "PRAGMA wal_checkpoint(PASSIVE)")
            except Exception:  # noqa: BLE001 - the next one, or the close, copies it
                import logging

                logging.getLogger(__name__).info("A checkpoint was left for later", exc_info=True)
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

    def wait(self) -> None:
        """Until the checkpoints under way are done."""
        while (thread := self._thread) is not None:
            thread.join()


_checkpoints = _Checkpoints()


def checkpoint_soon() -> None:
    """The window's connection leaves its checkpoints (``checkpoints_apart``) to a thread
    of their own, which runs one now; not for an encrypted database. ``close_database``
    waits for it: nothing copies into a file that is about to be restored over or
    encrypted."""
    from favorbook.db.models import db

    if db.passphrase is not None:
        # Each connection of an encrypted database derives its key first (a tenth of a
        # second or more of work): its commits checkpoint as SQLite has them do.
        return
    checkpoints_apart()
    _checkpoints.soon()


def close_database() -> None:
    _checkpoints.wait()
    models = sys.modules.get("favorbook.db.models")
    if models is None:  # never imported: nothing was opened
        return
    db = models.db
    if db.database and not db.is_closed():
        db.close()
    db.passphrase = None


def check_database(path: Path, passphrase: str | None = None) -> list[str]:
    """Problems found in the file at ``path`` (empty when healthy). Never changes the file."""
    if not path.exists():
        return [f"There is no favorbook database at {path}."]
    if not needs_passphrase(path):
        passphrase = None
    guard(path, passphrase)
    app_id, _version, has_tables = _inspect(path, passphrase)
    if app_id != APPLICATION_ID or not has_tables:
        return [f"{path} holds no favorbook data."]
    conn = connect_file(path, passphrase, readonly=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"row {rowid} of {table} points to a missing {parent}"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ]
    except db_errors() as exc:
        if not is_damage(exc):
            raise explain(exc, path) from exc
        problems = [f"{path} is damaged: {exc}"]
    finally:
        conn.close()
    return problems
