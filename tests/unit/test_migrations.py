"""Every released schema opens with this build, upgraded, with none of its data lost.

tests/fixtures/schema_v<N>.sql holds a database as schema version N wrote it
(built by tests/fixtures/make_fixture.py when N was current, then frozen). Each
is rebuilt into a file, opened by the current code (which applies the newer
migrations) and compared row by row with what it held.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from favorbook.db import database
from favorbook.services import contacts, favors, search, session, stats, vetting

FIXTURES = sorted(
    (Path(__file__).resolve().parents[1] / "fixtures").glob("schema_v*.sql"),
    key=lambda p: int(p.stem.removeprefix("schema_v")),
)


def _rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows (the full-text index by its columns)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'contact_fts_%'"
            )
        ]
        out = {}
        for name in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
            out[name] = (columns, conn.execute(f'SELECT * FROM "{name}"').fetchall())
        return out
    finally:
        conn.close()


def _projected(table: tuple[list[str], list[tuple]], columns: list[str]) -> set[tuple]:
    names, rows = table
    index = [names.index(c) for c in columns]
    return {tuple(row[i] for i in index) for row in rows}


def _build(sql_file: Path, data_dir: Path) -> Path:
    data_dir.mkdir(parents=True)
    path = data_dir / "favorbook.db"
    conn = sqlite3.connect(path)
    conn.executescript(sql_file.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_there_is_a_fixture_for_the_current_schema():
    """A new schema version ships with its fixture (run tests/fixtures/make_fixture.py)."""
    versions = [int(p.stem.removeprefix("schema_v")) for p in FIXTURES]
    assert versions and versions[-1] == database.schema_version()


@pytest.mark.parametrize("sql_file", FIXTURES, ids=lambda p: p.stem)
def test_fixture_upgrades_with_no_data_lost(sql_file, data_dir):
    path = _build(sql_file, data_dir)
    version = int(sql_file.stem.removeprefix("schema_v"))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()
    before = _rows(path)
    assert all(rows for _, rows in before.values()), "the fixture has data in every table"

    session.open_data(data_dir)  # upgrades when this build knows newer migrations
    session.close()
    after = _rows(path)
    for table, (columns, rows) in before.items():
        if table == "schema_migration":
            continue
        assert table in after, f"table {table} disappeared"
        # Later versions may add columns; every old column keeps its value in every row.
        assert set(rows) <= _projected(after[table], columns), f"rows of {table} lost or changed"
    assert database.check_database(path) == []


@pytest.mark.parametrize("sql_file", FIXTURES, ids=lambda p: p.stem)
def test_upgraded_fixture_works_through_the_services(sql_file, data_dir):
    _build(sql_file, data_dir)
    session.open_data(data_dir)
    try:
        [(owner_id, _)] = contacts.find_by_name("Fixture Owner")
        owner = contacts.get_contact(owner_id)
        assert owner.organization == "Fixture Works"
        assert owner.tags == ["fixture", "golf"]
        assert owner.addresses[0].city == "Springfield"
        assert any(n.private for n in owner.notes)
        assert owner_id in search.search_ids("printers")
        assert favors.balance(owner_id).given == 1
        [(plumber_id, _)] = contacts.find_by_name("Vetted Plumber")
        assert vetting.status_of(plumber_id) == "trusted"
        assert owner.referred_by_id is None and contacts.get_contact(plumber_id).referred_by_id
        figures = stats.summary()
        assert figures["contacts"] == 14 and figures["target_ratio"] == 5
        for cid in contacts.list_ids(include_archived=True):
            contacts.get_contact(cid)
        contacts.create_contact(contacts.ContactInput(first_name="After", last_name="Upgrade"))
    finally:
        session.close()
