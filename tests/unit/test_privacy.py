"""The rep's network is readable by its owner only: database, WAL files, backups, exports."""

import os
import stat

import pytest

from favorbook.db.models import db as peewee_db
from favorbook.formats.atomic import atomic_write
from favorbook.services import backup, session

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def open_umask():
    """The most permissive usual umask: files would be world-readable unless made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_and_its_wal_files_are_private(open_umask, data_dir, make_contact):
    path = session.open_data(data_dir)
    make_contact("Ann", "Lee")
    peewee_db.execute_sql("SELECT count(*) FROM contact").fetchone()
    wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
    assert wal.exists() and shm.exists()  # WAL mode, a connection open
    assert {p.name: _mode(p) for p in (path, wal, shm)} == {
        path.name: 0o600,
        wal.name: 0o600,
        shm.name: 0o600,
    }
    assert _mode(data_dir) == 0o700  # a data folder favorbook creates is private too
    session.close()


def test_an_existing_world_readable_database_is_made_private(open_umask, db, make_contact):
    make_contact()
    session.close()
    db.chmod(0o644)
    session.open_data(db.parent)
    assert _mode(db) == 0o600


def test_backups_and_restored_database_are_private(open_umask, db, make_contact, tmp_path):
    make_contact()
    made = backup.backup_now()
    out = backup.backup_now(tmp_path / "copy.db")
    assert _mode(made) == 0o600 and _mode(out) == 0o600
    assert _mode(made.parent) == 0o700
    kept = backup.restore(out)
    assert _mode(db) == 0o600 and _mode(kept) == 0o600


def test_exports_are_private(open_umask, tmp_path):
    target = tmp_path / "contacts.vcf"
    with atomic_write(target) as handle:
        handle.write("BEGIN:VCARD\r\nEND:VCARD\r\n")
    assert _mode(target) == 0o600
