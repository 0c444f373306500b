"""Encryption at rest: encrypt/decrypt in place, opening with a passphrase, backups."""

from __future__ import annotations

import os
import stat

import pytest

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")

from favorbook import cli  # noqa: E402
from favorbook.db import database  # noqa: E402
from favorbook.db.models import db as peewee_db  # noqa: E402
from favorbook.errors import (  # noqa: E402
    DatabaseProblem,
    FavorbookError,
    NotAFavorbookDatabase,
    PassphraseNeeded,
    ValidationError,
    WrongPassphrase,
)
from favorbook.services import (  # noqa: E402
    backup,
    contacts,
    encryption,
    health,
    passphrases,
    session,
)

PASS = "correct horse battery staple"
MAGIC = b"SQLite format 3\x00"


@pytest.fixture(autouse=True)
def _no_passphrase_source(monkeypatch):
    monkeypatch.delenv(passphrases.ENV_VAR, raising=False)
    passphrases.set_prompt(None)
    yield
    passphrases.set_prompt(None)


@pytest.fixture
def filled(db, make_contact):
    """A closed plain database holding two contacts with recognisable names."""
    make_contact("Zebulon", "Quartermaine", how_met="prefers calls after lunch")
    make_contact("Ottilie", "Wraxall")
    session.close()
    return db


def _names() -> set[str]:
    return {name for _cid, name in contacts.all_names(include_archived=True)}


def test_encrypted_file_hides_the_data_and_opens_only_with_its_passphrase(filled, data_dir):
    result = encryption.encrypt(filled, PASS)

    raw = filled.read_bytes()
    assert not raw.startswith(MAGIC)
    assert b"Quartermaine" not in raw and b"Wraxall" not in raw
    assert b"after lunch" not in raw
    assert encryption.is_encrypted(filled)
    assert stat.S_IMODE(filled.stat().st_mode) == 0o600
    assert result.rows > 0
    assert result.backup.read_bytes().startswith(MAGIC)  # the backup made first, as it was
    assert result.unencrypted_backups == [result.backup]

    session.open_data(data_dir, passphrase=PASS)
    assert _names() == {"Zebulon Quartermaine", "Ottilie Wraxall"}
    session.close()

    with pytest.raises(WrongPassphrase, match="The passphrase does not open .*favorbook.db"):
        session.open_data(data_dir, passphrase="not the passphrase")
    with pytest.raises(PassphraseNeeded, match="needs its passphrase"):
        session.open_data(data_dir)
    assert peewee_db.is_closed()


def test_passphrase_from_the_environment_or_the_prompt(filled, data_dir, monkeypatch):
    encryption.encrypt(filled, PASS)
    monkeypatch.setenv(passphrases.ENV_VAR, PASS)
    session.open_data(data_dir)
    assert "Ottilie Wraxall" in _names()
    session.close()

    monkeypatch.delenv(passphrases.ENV_VAR)
    asked = []
    passphrases.set_prompt(lambda path, confirm: asked.append(path) or PASS)
    session.open_data(data_dir)
    assert asked == [filled]
    assert peewee_db.passphrase == PASS
    session.close()
    assert peewee_db.passphrase is None  # forgotten once the database is closed


def test_decrypt_gives_back_a_plain_database_with_all_the_data(filled, data_dir):
    session.open_data(data_dir)
    before = _names()
    session.close()
    encryption.encrypt(filled, PASS)

    with pytest.raises(WrongPassphrase):
        encryption.decrypt(filled, "a wrong passphrase")
    assert encryption.is_encrypted(filled)

    result = encryption.decrypt(filled, PASS)
    raw = filled.read_bytes()
    assert raw.startswith(MAGIC)
    assert b"Quartermaine" in raw
    assert PASS.encode() not in raw  # the passphrase is never written into the database
    assert not result.backup.read_bytes().startswith(MAGIC)  # the encrypted one, kept
    assert database.check_database(filled) == []
    session.open_data(data_dir)
    assert _names() == before
    assert contacts.find_by_name("Quartermaine")


def test_a_failed_conversion_leaves_the_original_untouched(filled, monkeypatch):
    original = filled.read_bytes()
    real_counts = encryption._row_counts
    calls = []

    def counts_that_differ_after(conn):
        found = real_counts(conn)
        calls.append(found)
        if len(calls) == 2:
            found = {**found, "contact": found["contact"] - 1}
        return found

    monkeypatch.setattr(encryption, "_row_counts", counts_that_differ_after)
    with pytest.raises(DatabaseProblem, match="nothing was changed"):
        encryption.encrypt(filled, PASS)
    assert filled.read_bytes() == original
    assert not list(filled.parent.glob(".*converting*"))


def test_refusals_change_nothing(filled):
    with pytest.raises(ValidationError) as short:
        encryption.encrypt(filled, "short")
    assert short.value.field == "passphrase"
    assert not encryption.is_encrypted(filled)
    with pytest.raises(FavorbookError, match="not encrypted"):
        encryption.decrypt(filled, PASS)
    encryption.encrypt(filled, PASS)
    with pytest.raises(FavorbookError, match="encrypted already"):
        encryption.encrypt(filled, PASS)


def test_converting_the_open_database_reopens_it_with_the_new_key(db, make_contact):
    make_contact("Petra", "Lindqvist")
    encryption.encrypt(db, PASS)
    assert not peewee_db.is_closed()
    assert peewee_db.passphrase == PASS
    assert "Petra Lindqvist" in _names()
    encryption.decrypt(db, PASS)
    assert peewee_db.passphrase is None
    assert "Petra Lindqvist" in _names()


def test_backups_of_an_encrypted_database_stay_encrypted_and_restore(filled, data_dir):
    encryption.encrypt(filled, PASS)
    session.open_data(data_dir, passphrase=PASS)
    saved = backup.backup_now()
    raw = saved.read_bytes()
    assert not raw.startswith(MAGIC) and b"Quartermaine" not in raw
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    backup.verify(saved)  # with the open database's passphrase
    with pytest.raises(backup.BackupRefused, match="does not open"):
        backup.verify(saved, "another passphrase")

    make_contact_id = contacts.create_contact(
        contacts.ContactInput(first_name="Late", last_name="Addition")
    )
    assert make_contact_id
    backup.restore(saved)
    assert "Late Addition" not in _names()
    assert "Zebulon Quartermaine" in _names()
    assert peewee_db.passphrase == PASS
    assert encryption.is_encrypted(filled)
    session.close()

    with pytest.raises(backup.BackupRefused, match="encrypted"):
        backup.verify(saved)  # nothing open: no passphrase to check it with
    assert health.quick_check(filled) == []  # cannot be read yet, which is not damage
    assert health.quick_check(filled, PASS) == []
    with pytest.raises(WrongPassphrase):
        health.quick_check(filled, "another passphrase")
    assert health.newest_healthy_backup(data_dir, PASS) is not None


def test_without_sqlcipher_an_encrypted_file_is_refused_as_before(filled, monkeypatch):
    encryption.encrypt(filled, PASS)
    monkeypatch.setattr(database, "cipher_available", lambda: False)
    with pytest.raises(NotAFavorbookDatabase, match="encrypted"):
        session.open_data(filled.parent)
    assert cli.main(["encrypt", "--data-dir", str(filled.parent)]) == cli.EXIT_FAIL


def test_cli_encrypt_and_decrypt(filled, data_dir, monkeypatch, capsys):
    args = ["--data-dir", str(data_dir)]
    assert cli.main(["encrypt", *args]) == cli.EXIT_FAIL  # no passphrase, not a terminal
    assert "nothing was changed" in capsys.readouterr().err
    assert not encryption.is_encrypted(filled)

    monkeypatch.setenv(passphrases.ENV_VAR, "short")
    assert cli.main(["encrypt", *args]) == cli.EXIT_USAGE
    capsys.readouterr()

    monkeypatch.setenv(passphrases.ENV_VAR, PASS)
    assert cli.main(["encrypt", *args]) == cli.EXIT_OK
    out = capsys.readouterr()
    assert "Encrypted" in out.out and "not encrypted" in out.err
    assert encryption.is_encrypted(filled)
    assert cli.main(["encrypt", *args]) == cli.EXIT_FAIL
    capsys.readouterr()

    assert cli.main(["stats", *args]) == cli.EXIT_OK
    monkeypatch.setenv(passphrases.ENV_VAR, "not the passphrase")
    assert cli.main(["stats", *args]) == cli.EXIT_FAIL
    err = capsys.readouterr().err
    assert f"The passphrase does not open {filled}." in err
    assert "Traceback" not in err
    assert cli.main(["decrypt", *args]) == cli.EXIT_FAIL
    assert encryption.is_encrypted(filled)

    monkeypatch.setenv(passphrases.ENV_VAR, PASS)
    assert cli.main(["check", *args]) == cli.EXIT_OK
    assert cli.main(["decrypt", *args]) == cli.EXIT_OK
    assert filled.read_bytes().startswith(MAGIC)
    assert cli.main(["decrypt", *args]) == cli.EXIT_FAIL
    monkeypatch.delenv(passphrases.ENV_VAR)
    assert cli.main(["stats", *args]) == cli.EXIT_OK


def test_cli_encrypt_can_remove_the_plain_backups(filled, data_dir, monkeypatch, capsys):
    session.open_data(data_dir)
    older = backup.backup_now()
    session.close()
    monkeypatch.setenv(passphrases.ENV_VAR, PASS)
    assert cli.main(["encrypt", "--remove-plain-backups", "--data-dir", str(data_dir)]) == 0
    assert "Deleted 2 unencrypted backup(s)" in capsys.readouterr().out
    assert not older.exists()
    assert encryption.unencrypted_backups(data_dir) == []
    assert os.listdir(data_dir / "backups") == []


def test_a_database_open_elsewhere_is_not_converted(filled):
    import subprocess
    import sys

    original = filled.read_bytes()
    holder = (  # another favorbook window, say: a process with the database open
        "import sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "conn.execute('SELECT count(*) FROM contact').fetchone()\n"
        "print('open', flush=True)\n"
        "sys.stdin.read()\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", holder, str(filled)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseProblem, match="open in another favorbook"):
            encryption.encrypt(filled, PASS)
    finally:
        other.communicate("")
    assert filled.read_bytes() == original
    encryption.encrypt(filled, PASS)  # once it is closed
    assert encryption.is_encrypted(filled)


def test_a_plain_database_with_a_clobbered_header_is_damage_not_encryption(filled):
    raw = bytearray(filled.read_bytes())
    raw[:16] = b"\x00" * 16
    filled.write_bytes(bytes(raw))
    assert not encryption.is_encrypted(filled)
    assert health.quick_check(filled)  # reported as damage, so recovery is offered
