import hashlib
import sqlite3

import pytest

from favorbook.db import database
from favorbook.db.models import ALL_MODELS
from favorbook.db.models import db as peewee_db
from favorbook.errors import NewerDatabaseError, NotAFavorbookDatabase
from favorbook.services import session


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_has_every_model_column(db):
    for model in ALL_MODELS:
        columns = {c.name for c in peewee_db.get_columns(model._meta.table_name)}
        wanted = {f.column_name for f in model._meta.sorted_fields}
        assert wanted <= columns, model.__name__


def test_database_settings(db):
    assert peewee_db.pragma("journal_mode") == "wal"
    assert peewee_db.pragma("foreign_keys") == 1
    assert peewee_db.pragma("busy_timeout") == database.BUSY_TIMEOUT_MS
    assert peewee_db.pragma("application_id") == database.APPLICATION_ID
    assert peewee_db.pragma("user_version") == database.schema_version()


def test_reopening_applies_nothing_twice(db):
    session.close()
    session.open_data(db.parent)
    assert database.migrate() == []


def test_newer_database_is_refused_and_left_untouched(db):
    session.close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {database.schema_version() + 1}")
    conn.close()
    before = _digest(db)
    with pytest.raises(NewerDatabaseError, match="newer favorbook"):
        session.open_data(db.parent)
    assert _digest(db) == before


def test_other_sqlite_file_is_refused(data_dir):
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / "favorbook.db")
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAFavorbookDatabase, match="another program"):
        session.open_data(data_dir)


def test_garbage_file_is_refused(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "favorbook.db").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(NotAFavorbookDatabase, match="not a favorbook database"):
        session.open_data(data_dir)


def test_check_reports_healthy_and_damaged(db, make_contact):
    for i in range(200):
        make_contact(first=f"Person{i}", how_met="At the trade show " * 20)
    session.close()
    assert database.check_database(db) == []
    data = bytearray(db.read_bytes())
    # Overwrite a stretch of pages past the header: the b-trees no longer add up.
    data[8192:40960] = b"\xff" * (40960 - 8192)
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    assert database.check_database(db) != []


def test_locked_database_gives_a_clear_message(db, make_contact, monkeypatch, capsys):
    from favorbook.cli import main

    make_contact()
    session.close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
        monkeypatch.setitem(database.PRAGMAS, "busy_timeout", 100)
        assert main(["demo", "--force", "--contacts", "2"]) == 1
        err = capsys.readouterr().err
        assert "locked by another program" in err
        assert "Traceback" not in err
    finally:
        holder.rollback()
        holder.close()
    session.open_data(db.parent)
    from favorbook.services import contacts

    assert contacts.count_contacts() == 1  # nothing half-written


def test_unwritable_data_folder_gives_a_clear_message(tmp_path, capsys):
    import os

    from favorbook.cli import main

    if os.geteuid() == 0:
        # root writes anywhere; a path under a regular file cannot be a folder for anyone
        blocker = tmp_path / "file"
        blocker.write_text("x")
        target = blocker / "data"
    else:
        locked = tmp_path / "ro"
        locked.mkdir()
        locked.chmod(0o500)
        target = locked / "data"
    assert main(["stats", "--data-dir", str(target)]) == 1
    err = capsys.readouterr().err
    assert "cannot create its data folder" in err


def test_reopening_a_database_at_this_schema_runs_no_migration(db, monkeypatch):
    """Start-up opens a database already at this build's schema without loading the
    migrations or writing to the file (Runner.up and two PRAGMA writes ran on every start)."""
    session.close()
    monkeypatch.setattr(database, "migrate", lambda: pytest.fail("migrated again"))
    session.open_data(db.parent)
    assert peewee_db.execute_sql("PRAGMA user_version").fetchone()[0] == database.schema_version()


def test_a_database_behind_this_schema_is_still_migrated(db):
    peewee_db.execute_sql("PRAGMA user_version = 1")
    session.close()
    database.open_database(db)
    assert peewee_db.execute_sql("PRAGMA user_version").fetchone()[0] == database.schema_version()
