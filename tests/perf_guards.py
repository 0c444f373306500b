"""Guards against slow queries that need no timing: what SQL ran, and how SQLite runs it.

``capture_sql()`` records every statement the open database runs (with its parameters
filled in, as SQLite's trace gives them; statements run by triggers left out);
``scans(sql)`` lists the tables a statement reads from end to end without an index;
``assert_no_scans(statements)`` fails naming each one that does.

Reuse them for any screen: capture what it runs, then check the plans and the count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from favorbook.db.models import db

# "SCAN contact" reads the table; "SCAN c USING COVERING INDEX x" reads an index and
# "SCAN contact_fts VIRTUAL TABLE INDEX 0:M1" is a full-text MATCH (M), both fine.
_SCAN = re.compile(r"^SCAN (\w+)(.*)$")
# "FROM contact c", "JOIN "referral" AS "t1"": plans name a table by its alias.
_ALIAS = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?"?(\w+)"?)?', re.IGNORECASE)
# Tables that hold a handful of rows whatever the size of the network.
SMALL_TABLES = frozenset({"setting", "question", "tag", "organization", "schema_migration"})


class Captured(list):
    """The statements run inside ``capture_sql()``, in order."""

    @property
    def selects(self) -> list[str]:
        return [s for s in self if s.lstrip().upper().startswith(("SELECT", "WITH"))]


@contextmanager
def capture_sql() -> Iterator[Captured]:
    statements = Captured()

    def trace(sql: str) -> None:
        if not sql.lstrip().startswith("--"):  # "-- TRIGGER name": a trigger's own step
            statements.append(sql)

    conn = db.connection()
    conn.set_trace_callback(trace)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


def plan(sql: str, params: Iterable = ()) -> list[str]:
    """The EXPLAIN QUERY PLAN lines of ``sql``."""
    return [row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(params))]


def scans(sql: str, params: Iterable = (), *, small: Iterable[str] = SMALL_TABLES) -> list[str]:
    """Plan lines of ``sql`` that read a table end to end without an index."""
    small = set(small)
    tables = {
        name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    aliases = {alias: table for table, alias in _ALIAS.findall(sql) if alias}
    out = []
    for line in plan(sql, params):
        match = _SCAN.match(line)
        if match is None:
            continue
        name, rest = match.groups()
        table = aliases.get(name, name)
        if table not in tables:  # a CTE's rows, a constant row, a subquery's result
            continue
        if "USING" in rest and "INDEX" in rest:
            continue
        if "VIRTUAL TABLE INDEX" in rest and ":M" in rest:
            continue
        if table in small or table.startswith("sqlite_"):
            continue
        out.append(line)
    return out


def assert_no_scans(statements: Iterable[str], *, small: Iterable[str] = SMALL_TABLES) -> None:
    """Every SELECT in ``statements`` reads through indexes (``small`` tables excepted)."""
    problems = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        found = scans(sql, small=small)
        if found:
            problems.append(f"{sql}\n    -> {'; '.join(found)}")
    assert not problems, "full table scans in hot queries:\n" + "\n".join(problems)


def on_a_sync_server(cid: int) -> None:
    """``cid`` on a sync server, its item sent as it is (not dirty)."""
    from favorbook.db.models import db as database

    database.execute_sql(
        "INSERT INTO sync_account (name, url, username, created_at) VALUES ('a', 'u', 'n', 'x')"
    )
    database.execute_sql(
        "INSERT INTO sync_collection (account_id, kind, url) VALUES (1, 'contacts', 'c')"
    )
    database.execute_sql(
        "INSERT INTO sync_item (collection_id, uid, contact_id, dirty) VALUES (1, 'x', ?, 0)",
        (cid,),
    )
