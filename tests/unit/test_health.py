"""The start-up check: a damaged database is found, kept aside, and a healthy backup offered."""

import pytest

from favorbook.services import backup, contacts, health, session


def _corrupt(path):
    """Overwrite a stretch of pages in the middle of the file: its b-trees no longer add up."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 16384 : middle + 16384] = b"\xa5" * 32768
    path.write_bytes(bytes(data))


@pytest.fixture
def filled(db, make_contact):
    for i in range(200):
        make_contact(f"Person{i}", "Filled", how_met="We met at the regional trade fair " * 10)
    return db


def test_quick_check_healthy_absent_and_damaged(filled, data_dir):
    session.close()
    assert health.quick_check(filled) == []
    assert health.quick_check(data_dir / "nothing-here.db") == []
    before = filled.stat().st_size
    _corrupt(filled)
    assert health.quick_check(filled) != []
    assert filled.stat().st_size == before  # the check changed nothing


def test_quick_check_on_a_file_that_is_not_sqlite(data_dir):
    data_dir.mkdir(parents=True)
    junk = data_dir / "favorbook.db"
    junk.write_bytes(b"\x00garbage" * 2000)
    [problem] = health.quick_check(junk)
    assert "cannot be read" in problem


def test_set_aside_moves_file_and_companions_never_overwriting(data_dir):
    data_dir.mkdir(parents=True)
    path = data_dir / "favorbook.db"
    moved = []
    for round_no in range(3):
        path.write_bytes(f"damaged {round_no}".encode())
        path.with_name("favorbook.db-wal").write_bytes(f"wal {round_no}".encode())
        aside = health.set_aside(path)
        moved.append(aside)
        assert not path.exists() and not path.with_name("favorbook.db-wal").exists()
        assert aside.parent == data_dir and ".damaged-" in aside.name
        assert aside.name.endswith(".db")
    assert len(set(moved)) == 3  # same second, three distinct names
    assert [m.read_bytes() for m in moved] == [b"damaged 0", b"damaged 1", b"damaged 2"]
    assert [m.with_name(m.name + "-wal").read_bytes() for m in moved] == [
        b"wal 0",
        b"wal 1",
        b"wal 2",
    ]


def test_startup_check_offers_the_newest_healthy_backup_and_recovers(filled, data_dir):
    older = backup.backup_now()
    contacts.create_contact(contacts.ContactInput(first_name="Late", last_name="Comer"))
    newer = backup.backup_now()
    # The newest backup is damaged too: the check must skip it.
    broken = backup.backup_now()
    session.close()
    _corrupt(broken)
    assert health.newest_healthy_backup().path == newer
    assert older != newer

    assert health.startup_check().healthy
    _corrupt(filled)
    damaged_bytes = filled.read_bytes()
    check = health.startup_check()
    assert not check.healthy and check.path == filled
    assert check.backup is not None and check.backup.path == newer

    aside, restored = health.recover(check)
    assert restored == newer
    assert aside.read_bytes() == damaged_bytes  # the damaged file is kept for the user
    assert health.quick_check(filled) == []
    session.open_data(data_dir)
    assert contacts.count_contacts() == 201


def test_no_backup_to_offer(filled):
    session.close()
    _corrupt(filled)
    check = health.startup_check()
    assert not check.healthy and check.backup is None
    with pytest.raises(Exception, match="no healthy backup"):
        health.recover(check)
    assert filled.exists()  # nothing moved when there is nothing to restore


def test_a_big_database_gets_the_light_check_before_opening(filled, data_dir, monkeypatch):
    session.close()
    monkeypatch.setattr(health, "FULL_CHECK_LIMIT", 0)  # every file counts as big
    assert health.startup_check(data_dir).healthy
    size = filled.stat().st_size
    with open(filled, "r+b") as handle:  # cut off: the light check sees it
        handle.truncate(size - 8192)
    assert not health.startup_check(data_dir).healthy


def test_damage_found_in_the_background_makes_the_next_start_check_everything(
    filled, data_dir, monkeypatch
):
    session.close()
    monkeypatch.setattr(health, "FULL_CHECK_LIMIT", 0)
    _corrupt(filled)
    problems = health.quick_check(filled)  # what the window's background check runs
    assert problems
    health.mark_for_full_check(filled)
    check = health.startup_check(data_dir)  # big, but marked: the full check
    assert check.problems == problems
