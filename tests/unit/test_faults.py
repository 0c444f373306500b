"""Faults a laptop meets: disk full, read-only folder, a locked database, an unwritable export.

Each gives a clear message, keeps what the user typed, and leaves the database as it was.
"""

import copy
import os
import sqlite3
import subprocess
import sys

import peewee
import pytest

from favorbook.db import database
from favorbook.db.models import db as peewee_db
from favorbook.errors import DatabaseLockedError, DatabaseProblem
from favorbook.formats.atomic import atomic_write
from favorbook.services import contacts, favors, session
from favorbook.services.session import describe_error


def _permissions_ignored() -> bool:
    """True for root (or a process allowed to override file permissions), or without POSIX."""
    if os.name != "posix":
        return True
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = os.path.join(folder, "probe")
        with open(probe, "w") as handle:
            handle.write("x")
        os.chmod(probe, 0)
        try:
            with open(probe):
                return True
        except PermissionError:
            return False


needs_non_root = pytest.mark.skipif(_permissions_ignored(), reason="root ignores file permissions")


def _snapshot():
    """Everything a user could see, to compare before and after a failed save."""
    return {
        name: sorted(peewee_db.execute_sql(f"SELECT * FROM {name}").fetchall(), key=repr)
        for name in ("contact", "contact_email", "contact_tag", "tag", "favor", "organization")
    }


def _big_input():
    return contacts.ContactInput(
        first_name="Dana",
        last_name="Full",
        organization="Fuller Inc",
        emails=[contacts.Labeled("dana@fuller.example.com", "work")],
        tags=["disk", "full"],
        how_met="At the storage conference. " * 3000,
    )


def test_disk_full_while_saving(db, make_contact):
    make_contact("Ann", "Lee")
    before = _snapshot()
    pages = peewee_db.pragma("page_count")
    peewee_db.pragma("max_page_count", pages + 2)  # the "disk" has two pages left
    data = _big_input()
    typed = copy.deepcopy(data)
    with pytest.raises((sqlite3.DatabaseError, peewee.DatabaseError)) as caught:
        contacts.create_contact(data)
    problem = database.explain(caught.value)
    assert isinstance(problem, DatabaseProblem)
    assert "full" in str(problem) and "nothing was saved" in str(problem)
    assert describe_error(caught.value) == str(problem)
    assert data == typed  # the form still holds what was typed
    assert _snapshot() == before
    peewee_db.pragma("max_page_count", 1_000_000)  # space freed: the same input saves
    new_id = contacts.create_contact(data)
    assert contacts.get_contact(new_id).tags == ["disk", "full"]
    assert database.check_database(db) == []


def test_disk_full_while_logging_a_favor(db, make_contact):
    ann = make_contact("Ann", "Lee")
    before = _snapshot()
    peewee_db.pragma("max_page_count", peewee_db.pragma("page_count"))
    with pytest.raises((sqlite3.DatabaseError, peewee.DatabaseError)) as caught:
        favors.log_favor(ann, "given", "An introduction to the buyer " * 500)
    assert "full" in describe_error(caught.value)
    assert _snapshot() == before


@needs_non_root
def test_read_only_data_folder(db, make_contact, data_dir):
    make_contact("Ann", "Lee")
    session.close()
    before = db.read_bytes()
    for path in data_dir.iterdir():
        path.chmod(0o400)
    data_dir.chmod(0o500)
    try:
        with pytest.raises(DatabaseProblem) as caught:
            session.open_data(data_dir)
        text = str(caught.value)
        assert str(db) in text and ("write" in text or "read" in text)
    finally:
        data_dir.chmod(0o700)
        for path in data_dir.iterdir():
            path.chmod(0o600)
    assert db.read_bytes() == before


@needs_non_root
def test_database_made_read_only_while_open(db, make_contact):
    make_contact("Ann", "Lee")
    session.close()
    db.chmod(0o400)
    try:
        session.open_data(db.parent)
    except DatabaseProblem as exc:
        assert "cannot write" in str(exc) or "read" in str(exc)
        return
    finally:
        db.chmod(0o600)
    data = _big_input()
    typed = copy.deepcopy(data)
    with pytest.raises((sqlite3.DatabaseError, peewee.DatabaseError)) as caught:
        contacts.create_contact(data)
    assert "cannot write" in describe_error(caught.value)
    assert data == typed


def test_read_only_error_is_explained(tmp_path):
    """Whatever the user running the suite, SQLite's read-only error gets the clear message."""
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    ro = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            ro.execute("INSERT INTO t VALUES (1)")
    finally:
        ro.close()
    problem = database.explain(caught.value, "/home/rep/favorbook.db")
    assert "cannot write to /home/rep/favorbook.db" in str(problem)
    assert "--data-dir" in str(problem)


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO setting (key, value) VALUES ('held', 'yes')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


def test_database_locked_by_another_process(db, make_contact, monkeypatch):
    make_contact("Ann", "Lee")
    session.close()
    monkeypatch.setitem(database.PRAGMAS, "busy_timeout", 200)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    session.open_data(db.parent)
    before = _snapshot()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        data = contacts.ContactInput(first_name="Bob", last_name="Waits", tags=["patient"])
        typed = copy.deepcopy(data)
        with pytest.raises((sqlite3.DatabaseError, peewee.DatabaseError)) as caught:
            contacts.create_contact(data)
        problem = database.explain(caught.value)
        assert isinstance(problem, DatabaseLockedError)
        assert "locked by another program" in str(problem)
        assert data == typed
        assert _snapshot() == before
    finally:
        holder.communicate("go\n", timeout=30)
    assert holder.returncode == 0
    contacts.create_contact(data)  # once the other program lets go, the same input saves
    assert sorted(name for _, name in contacts.all_names()) == ["Ann Lee", "Bob Waits"]


@pytest.mark.parametrize("where", ["missing folder", "not a folder", "a folder in the way"])
def test_export_target_not_writable(tmp_path, where):
    old = tmp_path / "contacts.csv"
    old.write_text("the old export\n")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    (tmp_path / "taken.csv").mkdir()
    target = {
        "missing folder": tmp_path / "gone" / "contacts.csv",
        "not a folder": blocker / "contacts.csv",
        "a folder in the way": tmp_path / "taken.csv",
    }[where]
    with pytest.raises(OSError) as caught, atomic_write(target) as handle:
        handle.write("name\nAnn Lee\n")
    message = describe_error(caught.value)
    assert str(target) in message and "not written" in message
    assert ".part" not in message
    assert old.read_text() == "the old export\n"
    assert blocker.read_text() == "a file"
    leftovers = [p.name for p in tmp_path.rglob("*.part")]
    assert leftovers == []


@needs_non_root
def test_export_into_a_read_only_folder_keeps_the_old_file(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    old = folder / "contacts.csv"
    old.write_text("the old export\n")
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as caught, atomic_write(old) as handle:
            handle.write("new")
    finally:
        folder.chmod(0o700)
    assert str(old) in describe_error(caught.value)
    assert old.read_text() == "the old export\n"


def test_export_failing_half_way_keeps_the_old_file(tmp_path):
    old = tmp_path / "contacts.csv"
    old.write_text("the old export\n")
    with pytest.raises(RuntimeError), atomic_write(old) as handle:
        handle.write("half of the new one")
        raise RuntimeError("the exporter stopped")
    assert old.read_text() == "the old export\n"
    assert list(tmp_path.iterdir()) == [old]
