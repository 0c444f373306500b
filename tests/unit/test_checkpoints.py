"""The window's writes leave copying the write-ahead log into the database file to a
thread of its own (``database.checkpoint_soon``)."""

import sqlite3
import threading
import time

from favorbook.db import database
from favorbook.db.models import db as peewee_db
from favorbook.services import contacts, session


def _in_the_file(path) -> list[str]:
    """The contacts' names the database file holds, its log left aside."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
        return [name for (name,) in conn.execute("SELECT display_name FROM contact")]


def test_the_log_is_copied_by_a_thread_of_its_own(db, monkeypatch):
    """At 100,000 contacts SQLite's automatic checkpoint, run by the commit that fills
    the log past 1,000 pages, held the window 0.25-0.4 s on every fourth or fifth delete.
    The window's connection now checkpoints only past WINDOW_CHECKPOINT_PAGES; a thread of
    its own copies the log after writes."""
    ran_on: list[str] = []
    on_this_thread = database.on_this_thread

    def recorded(work, *args):
        ran_on.append(threading.current_thread().name)
        return on_this_thread(work, *args)

    monkeypatch.setattr(database, "on_this_thread", recorded)
    peewee_db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    assert _in_the_file(db) == []  # in the log alone
    session.checkpoint_soon()
    database._checkpoints.wait()
    assert ran_on == ["favorbook checkpoint"]
    assert _in_the_file(db) == ["Ann Lee"]
    limit = peewee_db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    assert limit == database.WINDOW_CHECKPOINT_PAGES


def test_asked_while_one_runs_it_runs_once_more_and_the_close_waits(db, monkeypatch):
    """Nothing copies into a file that is about to be restored over or encrypted: closing
    the database waits for the checkpoints under way."""
    gate, runs = threading.Event(), []
    on_this_thread = database.on_this_thread

    def slow(work, *args):
        gate.wait(5)
        runs.append(time.monotonic())
        return on_this_thread(work, *args)

    monkeypatch.setattr(database, "on_this_thread", slow)
    session.checkpoint_soon()
    session.checkpoint_soon()  # while the first waits: once more, after it
    session.checkpoint_soon()
    threading.Timer(0.2, gate.set).start()
    session.close()
    assert len(runs) == 2 and database._checkpoints._thread is None


def test_an_encrypted_database_checkpoints_at_its_commits(db, monkeypatch):
    """Each connection of an encrypted database derives its key first (a tenth of a
    second of work or more): a thread of its own would pay that for every checkpoint."""
    monkeypatch.setattr(peewee_db, "passphrase", "correct horse")
    started = []
    monkeypatch.setattr(database._checkpoints, "soon", lambda: started.append(1))
    session.checkpoint_soon()
    assert started == []
    assert peewee_db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
