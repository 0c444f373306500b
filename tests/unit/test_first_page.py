"""The contact list's first page read without peewee (db.first_page, issue 19): the same
ids and rows as the services give, and no reading at all where the normal start must
open the database itself (new, encrypted, damaged, at another schema, marked for the
full check)."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from favorbook.db import checks, database, listing
from favorbook.db.first_page import open_first_page
from favorbook.db.models import Contact
from favorbook.sample import demo
from favorbook.services import contacts, search, session, settings


@pytest.fixture
def network(db):
    demo.load(40)
    ids = contacts.list_ids()
    for contact_id in ids[::7]:
        contacts.archive_contact(contact_id)
    settings.set_target_ratio(2.5)  # the rows' overdrawn flag follows the setting
    return db


@pytest.mark.parametrize(
    ("order", "descending"),
    [
        (None, False),
        ("name", True),
        ("company", False),
        ("company", True),
        ("kind", False),
        ("last_contact", True),
        ("balance", False),
        ("next_followup", True),
        ("no-such-order", True),
    ],
)
@pytest.mark.parametrize("include_archived", [False, True])
def test_the_first_page_is_what_the_services_list(network, order, descending, include_archived):
    page = open_first_page(network)
    assert page is not None
    try:
        options = {"order": order, "descending": descending, "include_archived": include_archived}
        for limit in (1, 10, 100):
            ids = page.ids(limit=limit, **options)
            assert ids == search.search_ids("", limit=limit, **options)
            assert ids == search.search_ids("", **options)[:limit]
        assert page.rows(ids) == contacts.rows(ids)
        assert page.count(include_archived=include_archived) == contacts.count_contacts(
            include_archived=include_archived
        )
    finally:
        page.close()


def test_an_empty_database_has_an_empty_first_page(db):
    page = open_first_page(db)
    assert page is not None
    assert page.ids(include_archived=True, limit=1) == []
    assert page.count() == 0
    page.close()


def test_stored_datetimes_read_as_peewee_reads_them():
    field = Contact.last_interaction_at
    for text in (
        "2026-11-14 09:12:51",
        "2026-11-14 09:12:51.123456",
        "2026-11-14 09:12:51.5",
        "2026-11-14",
        "2026-11-14 09:12:51+00:00",
        "2026-11-14T09:12:51Z",
        "yesterday",
        "",
        None,
    ):
        assert listing.stored_datetime(text) == field.python_value(text), text
    assert listing.stored_datetime(dt.datetime(2026, 1, 2)) == dt.datetime(2026, 1, 2)


def test_nothing_is_read_where_the_normal_start_must_open_the_database(network, data_dir):
    session.close()
    assert open_first_page(data_dir / "nowhere.db") is None  # a new database
    assert open_first_page(network) is not None
    checks.mark_for_full_check(network)  # damage was seen: the full check comes first
    assert open_first_page(network) is None
    checks.check_marker(network).unlink()
    conn = sqlite3.connect(network)
    conn.execute(f"PRAGMA user_version = {database.schema_version() - 1}")
    conn.close()
    assert open_first_page(network) is None  # a migration to run
    conn = sqlite3.connect(network)
    conn.execute(f"PRAGMA user_version = {database.schema_version() + 1}")
    conn.close()
    assert open_first_page(network) is None  # newer than this favorbook


def test_an_encrypted_or_damaged_database_is_not_read(network):
    session.close()
    data = bytearray(network.read_bytes())
    # An SQLCipher file has no SQLite header (its first bytes are a random salt).
    network.write_bytes(bytes(16) + bytes(data[16:]))
    assert open_first_page(network) is None
    # Pages in the middle overwritten: the start-up check finds it.
    middle = len(data) // 2
    data[middle - 8192 : middle + 8192] = b"\xa5" * 16384
    network.write_bytes(bytes(data))
    assert checks.quick_check(network) != []
    assert open_first_page(network) is None


def test_reading_the_first_page_needs_no_peewee(network):
    """Run in a fresh interpreter: db.first_page imports neither peewee nor the models."""
    code = (
        "import sys\n"
        "from favorbook.db.first_page import open_first_page\n"
        f"page = open_first_page({str(network)!r})\n"
        "page.rows(page.ids(limit=100))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('peewee', 'playhouse',"
        " 'favorbook.services', 'favorbook.db.models', 'PySide6'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_database_of_some_megabytes_is_checked_in_full_after_the_window_shows(network):
    """At 10,000 contacts (46 MB) the full check before the first paint cost 57 ms, more
    than the whole start at 100,000 contacts: past a few megabytes the start-up check is
    the light one and the window checks the whole file in the background."""
    session.close()
    conn = sqlite3.connect(network)
    conn.execute("CREATE TABLE ballast (b BLOB)")
    conn.execute("INSERT INTO ballast VALUES (zeroblob(6 * 1024 * 1024))")
    conn.commit()
    conn.close()
    problems, full = checks.startup_problems(network)
    assert problems == []
    assert not full
    assert open_first_page(network) is not None
