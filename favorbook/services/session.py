"""Opening the rep's data: the one entry point the window and the command line share."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import peewee

from favorbook import paths
from favorbook.db import database
from favorbook.errors import FavorbookError
from favorbook.services import passphrases, questions


def open_data(
    data_dir: str | os.PathLike[str] | None = None, passphrase: str | None = None
) -> Path:
    """Open (creating and upgrading as needed) the database in the data folder; its path.

    An encrypted database opens with ``passphrase``, else with the one
    ``passphrases.obtain`` finds ($FAVORBOOK_PASSPHRASE or the installed prompt);
    PassphraseNeeded / WrongPassphrase (DatabaseProblems) when none opens it.
    """
    path = paths.database_path(data_dir)
    if passphrase is None and database.needs_passphrase(path):
        passphrase = passphrases.obtain(path)
    database.open_database(path, passphrase)
    try:
        questions.ensure_starter_questions()
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        database.close_database()
        raise database.explain(exc, path) from exc
    return path


def close() -> None:
    database.close_database()


def others_writes() -> int | None:
    """A number that changes each time another connection (another process, a worker
    thread) commits to the open database (SQLite's ``data_version``); None while no
    database is open here."""
    from favorbook.db.models import db

    try:
        return db.execute_sql("PRAGMA data_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - not open (yet, or any more): nothing to compare
        return None


def on_worker_thread(work, *args):
    """Run ``work(*args)`` on a background thread with that thread's own database
    connection, closed at the end (see ``database.on_this_thread``)."""
    return database.on_this_thread(work, *args)


def checkpoint_soon() -> None:
    """After the window's writes: the write-ahead log copied into the database file by a
    thread of its own, not by the window's commits (``database.checkpoint_soon``)."""
    database.checkpoint_soon()


def check(
    data_dir: str | os.PathLike[str] | None = None, passphrase: str | None = None
) -> tuple[Path, list[str]]:
    """The database path and what is wrong with it (empty when healthy); changes nothing."""
    path = paths.database_path(data_dir)
    if passphrase is None and database.needs_passphrase(path):
        passphrase = passphrases.obtain(path)
    return path, database.check_database(path, passphrase)


def describe_error(exc: BaseException) -> str:
    """One line telling the user what went wrong, for any error; shared by window and CLI."""
    if isinstance(exc, FavorbookError):
        return str(exc)
    if isinstance(exc, database.db_errors()):
        return str(database.explain(exc))
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")
    return (
        f"Something went wrong that favorbook did not expect ({type(exc).__name__}: {exc}). "
        "Your saved data is safe; please report this."
    )
