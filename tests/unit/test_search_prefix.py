"""A one-letter search is answered from the index's own 1-character prefix list.

Without it (``prefix = '2 3'``, schema 11 and before) FTS5 walks every indexed word that
starts with the letter and merges their lists of contacts, which grows with the network.
No timings: the guard is the declaration of the index, and that it answers as the old
index did (the saving, one list instead of one per word, shows only as time: `make bench`).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from favorbook.db.models import db as database
from favorbook.sample import demo
from favorbook.services import search, session

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLUMNS = "name, company, emails, phones, tags, notes, goals, offers, trusted_for"
ONE_LETTER = '"a"*'  # what search.parse("a").fts() asks the index


def _prefix_lengths() -> set[int]:
    (sql,) = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'contact_fts'"
    ).fetchone()
    match = re.search(r"prefix\s*=\s*'([\d ]*)'", sql)
    return {int(n) for n in match.group(1).split()} if match else set()


def _answer(table: str) -> list[int]:
    """The rowids ``table`` finds for a one-letter prefix."""
    rows = database.execute_sql(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (ONE_LETTER,)
    ).fetchall()
    return [r for (r,) in rows]


def _old_style_copy() -> None:
    """The same indexed text in a table declared as schema 11 declared contact_fts."""
    database.execute_sql(
        f"CREATE VIRTUAL TABLE old_fts USING fts5({COLUMNS}, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    database.execute_sql(
        f"INSERT INTO old_fts(rowid, {COLUMNS}) SELECT rowid, {COLUMNS} FROM contact_fts"
    )
    for table in ("old_fts", "contact_fts"):
        database.execute_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def test_search_asks_the_index_for_a_one_letter_prefix():
    assert search.parse("a").fts() == ONE_LETTER


def test_the_index_has_a_prefix_list_for_every_length_typed_first(db):
    assert {1, 2, 3} <= _prefix_lengths()


def test_one_letter_search_finds_what_the_old_index_found(db):
    demo.load(1000, seed=5)
    _old_style_copy()
    ids = _answer("contact_fts")
    assert len(ids) > 500 and ids == _answer("old_fts")


def test_an_upgraded_database_gets_the_prefix_list_and_keeps_its_text(data_dir):
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / "favorbook.db")
    conn.executescript((FIXTURES / "schema_v11.sql").read_text(encoding="utf-8"))
    held = conn.execute(f"SELECT rowid, {COLUMNS} FROM contact_fts ORDER BY rowid").fetchall()
    conn.close()
    session.open_data(data_dir)
    try:
        assert {1, 2, 3} <= _prefix_lengths()
        after = database.execute_sql(
            f"SELECT rowid, {COLUMNS} FROM contact_fts ORDER BY rowid"
        ).fetchall()
        assert [tuple(r) for r in after] == held
        _old_style_copy()
        assert _answer("contact_fts")[0] == _answer("old_fts")[0] != []
        assert database.execute_sql(
            "SELECT count(*) FROM sqlite_temp_master WHERE name = 'contact_fts_copy'"
        ).fetchone() == (0,)
    finally:
        session.close()


@pytest.mark.parametrize("typed", ["f", "p", "Fixture", "+1 415"])
def test_upgraded_search_finds_what_it_found_before(data_dir, typed):
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / "favorbook.db")
    conn.executescript((FIXTURES / "schema_v11.sql").read_text(encoding="utf-8"))
    query = search.parse(typed).fts()
    before = conn.execute(
        "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ? ORDER BY rowid", (query,)
    ).fetchall()
    conn.close()
    session.open_data(data_dir)
    try:
        assert before
        assert sorted(search.search_ids(typed, include_archived=True)) == [r for (r,) in before]
    finally:
        session.close()
