"""Backups and restore: what a user finds in the backups folder, and what restore refuses."""

import datetime as dt
import sqlite3
import stat

import pytest

from favorbook.cli import main
from favorbook.db import database
from favorbook.services import backup, contacts, session


def _names():
    return sorted(name for _, name in contacts.all_names())


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_now_writes_a_private_dated_file_with_the_data(db, make_contact):
    make_contact("Ann", "Lee")
    path = backup.backup_now()
    assert path.parent == db.parent / "backups"
    assert path.name.startswith("favorbook-") and path.name.endswith("Z.db")
    assert _mode(path) == 0o600
    backup.verify(path)  # a healthy favorbook database
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT display_name FROM contact").fetchall() == [("Ann Lee",)]
    conn.close()
    [listed] = backup.list_backups()
    assert listed.path == path and listed.size == path.stat().st_size
    assert dt.datetime.now(dt.UTC) - listed.when < dt.timedelta(minutes=1)


def test_two_backups_in_one_second_do_not_overwrite_each_other(db, make_contact):
    first = backup.backup_now()
    second = backup.backup_now()
    assert first != second and first.exists() and second.exists()


def test_backup_to_a_chosen_file(db, make_contact, tmp_path):
    make_contact()
    out = tmp_path / "elsewhere" / "mine.db"
    out.parent.mkdir()
    assert backup.backup_now(out) == out
    backup.verify(out)
    assert backup.list_backups() == []  # not in the folder, never pruned


def _fake_backup(folder, when):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"favorbook-{when:%Y%m%dT%H%M%S}Z.db"
    path.write_bytes(b"x")
    return path


def test_prune_keeps_last_ten_and_one_per_week_for_eight_weeks(data_dir):
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    folder = data_dir / "backups"
    # 30 daily backups, then one every 3 days back to 20 weeks ago.
    whens = [now - dt.timedelta(hours=12 + 24 * d) for d in range(30)]
    whens += [now - dt.timedelta(days=30 + 3 * d) for d in range(35)]
    for when in whens:
        _fake_backup(folder, when)
    backup.prune(data_dir, now=now)
    kept = [b.when for b in backup.list_backups(data_dir)]
    assert kept[:10] == sorted(whens, reverse=True)[:10]
    for week in range(8):
        newest, oldest = now - dt.timedelta(weeks=week), now - dt.timedelta(weeks=week + 1)
        assert any(oldest < w <= newest for w in kept), f"week {week} lost its backup"
    assert not any(w < now - dt.timedelta(weeks=8) for w in kept)
    assert len(kept) <= 10 + 8
    # Pruning again removes nothing more.
    assert backup.prune(data_dir, now=now) == []


def test_prune_leaves_other_files_alone(data_dir):
    folder = data_dir / "backups"
    folder.mkdir(parents=True)
    (folder / "my-notes.txt").write_text("mine")
    (folder / "favorbook-20261399T999999Z.db").write_text("a look-alike")
    for d in range(15):
        _fake_backup(folder, dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=d))
    backup.prune(data_dir)
    assert (folder / "my-notes.txt").read_text() == "mine"
    assert (folder / "favorbook-20261399T999999Z.db").exists()
    assert len(backup.list_backups(data_dir)) == 10


def test_due_for_backup(db):
    assert backup.due_for_backup()
    made = backup.backup_now()
    assert not backup.due_for_backup()
    when = backup.list_backups()[0].when
    assert backup.due_for_backup(now=when + dt.timedelta(days=1, minutes=1))
    assert made.exists()


def test_restore_brings_the_backup_back_and_keeps_the_replaced_one(db, make_contact):
    make_contact("Ann", "Lee")
    saved = backup.backup_now()
    make_contact("Bob", "Stone")
    kept = backup.restore(saved)
    assert _names() == ["Ann Lee"]  # the open database is the restored one
    assert kept is not None and kept.parent == db.parent / "backups"
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 2
    conn.close()
    assert not db.with_name(db.name + "-journal").exists()
    make_contact("Cy", "Doe")  # and it takes writes
    assert _names() == ["Ann Lee", "Cy Doe"]


def _refused(path, match):
    with pytest.raises(backup.BackupRefused, match=match):
        backup.restore(path)


def test_restore_refuses_what_is_not_a_healthy_favorbook_database(db, make_contact, tmp_path):
    make_contact("Ann", "Lee")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"hello" * 1000)
    _refused(garbage, "not an SQLite file")
    _refused(tmp_path / "missing.db", "does not exist")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    _refused(other, "another program")
    newer = backup.backup_now(tmp_path / "newer.db")
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {database.schema_version() + 1}")
    conn.commit()
    conn.close()
    _refused(newer, "newer favorbook")
    assert _names() == ["Ann Lee"]  # nothing replaced


def test_restore_refuses_a_damaged_backup(db, make_contact, tmp_path):
    for i in range(150):
        make_contact(f"P{i}", "Long", how_met="At the trade show " * 30)
    saved = backup.backup_now(tmp_path / "damaged.db")
    data = bytearray(saved.read_bytes())
    data[8192:40960] = b"\xff" * (40960 - 8192)
    saved.write_bytes(bytes(data))
    with pytest.raises(backup.BackupRefused, match="damaged"):
        backup.restore(saved)
    assert contacts.count_contacts() == 150


def test_restore_removes_a_stale_wal(db, make_contact, tmp_path):
    make_contact("Ann", "Lee")
    saved = backup.backup_now()
    session.close()
    # The database file is gone but its -wal was left behind (a crash, a careless copy):
    # it must not be replayed onto the restored file.
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE contact SET display_name = 'Stale Change'")
    conn.commit()
    wal = db.with_name(db.name + "-wal")
    stale = wal.read_bytes()
    conn.close()
    db.unlink()
    wal.write_bytes(stale)
    assert backup.restore(saved, db) is None  # nothing to keep
    assert not wal.exists()
    session.open_data(db.parent)
    assert _names() == ["Ann Lee"]
    assert database.check_database(db) == []


def test_cli_backup_and_restore(db, make_contact, tmp_path, capsys):
    make_contact("Ann", "Lee")
    session.close()
    out = tmp_path / "cli.db"
    assert main(["backup", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert _mode(out) == 0o600
    session.open_data(db.parent)
    make_contact("Bob", "Stone")
    session.close()
    assert main(["restore", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Restored" in printed and "kept as" in printed
    session.open_data(db.parent)
    assert _names() == ["Ann Lee"]
    session.close()
    assert main(["backup"]) == 0
    assert "backups" in capsys.readouterr().out


def test_cli_restore_refuses_with_exit_2_and_the_reason(db, tmp_path, capsys):
    session.close()
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    assert main(["restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "not restored" in err and "not an SQLite file" in err
    assert "Traceback" not in err


def test_cli_backup_to_an_unwritable_place_says_so(db, tmp_path, capsys):
    session.close()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["backup", "--out", str(blocker / "backup.db")]) == 1
    err = capsys.readouterr().err
    assert "cannot write the backup" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"
