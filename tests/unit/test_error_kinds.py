"""Only SQLite's own corruption errors are called damage; every other error says what failed.

"Restore a backup" sends the user to set their database aside: it must come only from
SQLITE_CORRUPT / SQLITE_NOTADB (and their extended codes), never from a refused change,
a lock, a full disk or an I/O error, which leave the file as it was.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import peewee
import pytest

from favorbook.db import database
from favorbook.db.models import Favor, Tag
from favorbook.db.models import db as peewee_db
from favorbook.errors import ChangeRefused, DamagedDatabaseError, DatabaseProblem
from favorbook.services import health, session
from favorbook.services.session import describe_error

BACKUP_WORDS = "Restore a backup"


def _raised(call) -> BaseException:
    with pytest.raises((sqlite3.DatabaseError, peewee.DatabaseError)) as caught:
        call()
    return caught.value


def _not_damage(exc: BaseException) -> str:
    problem = database.explain(exc)
    text = describe_error(exc)
    assert not database.is_damage(exc)
    assert not isinstance(problem, DamagedDatabaseError)
    assert BACKUP_WORDS.lower() not in text.lower() and "cannot be used" not in text
    return text


def test_a_broken_foreign_key_is_a_refused_change_not_damage(db, make_contact):
    exc = _raised(
        lambda: Favor.create(
            contact=999,
            direction="given",
            occurred_on=dt.date(2026, 1, 2),
            created_at=dt.datetime(2026, 1, 2),
        )
    )
    assert isinstance(exc, peewee.IntegrityError)  # peewee's wrapper: the code is on .orig
    assert database.sqlite_code(exc) == database.SQLITE_CONSTRAINT
    text = _not_damage(exc)
    assert isinstance(database.explain(exc), ChangeRefused)
    assert "FOREIGN KEY constraint failed" in text and "nothing was changed" in text
    assert "not damaged" in text


def test_unique_not_null_and_check_constraints_are_refused_changes(db):
    Tag.create(name="golf")
    for statement in (
        lambda: Tag.create(name="golf"),
        lambda: peewee_db.execute_sql("INSERT INTO tag (name) VALUES (NULL)"),
        lambda: peewee_db.execute_sql(
            "INSERT INTO sync_account (name, url, username, interval_minutes, created_at) "
            "VALUES ('a', 'u', 'n', -5, '2026-01-01')"
        ),
    ):
        exc = _raised(statement)
        assert isinstance(database.explain(exc), ChangeRefused)
        assert "constraint failed" in _not_damage(exc)


def test_other_errors_say_what_failed(db):
    missing = _raised(lambda: peewee_db.execute_sql("SELECT * FROM no_such_table"))
    assert "no such table" in _not_damage(missing)
    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE
    assert "could not read or write" in _not_damage(io)
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13
    assert "full" in _not_damage(full)
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5
    assert "locked" in _not_damage(busy)
    # peewee's own error, with no SQLite code: not damage either
    assert _not_damage(peewee.OperationalError("Connection already opened."))


def _fill_and_corrupt(path) -> None:
    from favorbook.services import contacts

    for i in range(200):
        contacts.create_contact(
            contacts.ContactInput(first_name=f"P{i}", last_name="Filled", how_met="x " * 400)
        )
    session.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 16384 : middle + 16384] = b"\xa5" * 32768
    path.write_bytes(bytes(data))


def test_only_sqlite_corruption_is_damage(db, data_dir):
    _fill_and_corrupt(db)
    conn = sqlite3.connect(db)
    try:
        corrupt = _raised(
            lambda: conn.execute("SELECT count(*), max(how_met) FROM contact").fetchall()
        )
    finally:
        conn.close()
    assert database.sqlite_code(corrupt) == database.SQLITE_CORRUPT
    assert database.is_damage(corrupt)
    problem = database.explain(corrupt, db)
    assert isinstance(problem, DamagedDatabaseError) and BACKUP_WORDS in str(problem)
    assert health.quick_check(db) != []

    junk = data_dir / "junk.db"
    junk.write_bytes(b"\x00garbage" * 2000)
    conn = sqlite3.connect(junk)
    try:
        not_a_db = _raised(lambda: conn.execute("SELECT * FROM sqlite_master").fetchall())
    finally:
        conn.close()
    assert database.sqlite_code(not_a_db) == database.SQLITE_NOTADB
    assert database.is_damage(not_a_db)
    # Without a code (an older driver), SQLite's words for it still count.
    assert database.is_damage(peewee.DatabaseError("database disk image is malformed"))


def test_a_database_that_cannot_be_opened_is_not_called_damaged(tmp_path):
    # A folder where the file should be: SQLite cannot open it (SQLITE_CANTOPEN). The
    # start-up check leaves it to opening, which says what is wrong, not "restore".
    folder = tmp_path / "favorbook.db"
    folder.mkdir()
    (folder / "x").write_text("x")
    with pytest.raises(DatabaseProblem) as caught:
        database._inspect(folder)
    assert not isinstance(caught.value, DamagedDatabaseError)
    assert BACKUP_WORDS not in str(caught.value)
