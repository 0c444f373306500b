"""The contact list's first page, read before the models (issue 19).

The window paints the list from this while peewee, the models and the services are
not imported yet; they load just after the first paint, and the list is then listed
again through the services, which must find the same contacts (the SQL and the rows
are the same: ``db.listing``). Only a plain database at this build's schema that the
start-up check finds healthy is read here; anything else (a new, encrypted, damaged,
locked or older/newer database, or one marked for the full check) is left to the
normal start, with its dialogs and clear messages: ``open_first_page`` returns None.
Read-only: nothing is written, nothing is created.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from favorbook.db import checks, database, listing
from favorbook.db.connection import connect_file
from favorbook.db.listing import ContactRow


class FirstPage:
    """A read-only connection to the database, for the list's first paint."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._target: float | None = None

    def _execute(self, sql: str, params: list) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def ids(
        self,
        *,
        include_archived: bool = False,
        order: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        """The ids ``services.search.search_ids("", ...)`` lists with no filter set."""
        sql, params = listing.first_page_sql(
            include_archived=include_archived, order=order, descending=descending, limit=limit
        )
        return [row[0] for row in self._execute(sql, params)]

    def rows(self, contact_ids: list[int]) -> dict[int, ContactRow]:
        """The rows ``services.contacts.rows`` gives for these ids."""
        if self._target is None:
            self._target = listing.target_ratio(self._execute)
        return listing.list_rows(self._execute, contact_ids, self._target)

    def count(self, *, include_archived: bool = False) -> int:
        """What ``services.contacts.count_contacts`` counts."""
        return self._execute(listing.count_sql(include_archived=include_archived), [])[0][0]

    def close(self) -> None:
        self._conn.close()


def open_first_page(path: str | os.PathLike[str]) -> FirstPage | None:
    """The first page's reader of the database at ``path``, or None when the normal start
    must open it (see the module's doc)."""
    path = Path(path)
    try:
        if not path.exists() or path.stat().st_size == 0:
            return None  # a new database: the normal start creates it
        with open(path, "rb") as handle:
            if handle.read(len(database.SQLITE_MAGIC)) != database.SQLITE_MAGIC:
                return None  # encrypted, not SQLite, or its header damaged
        if checks.check_marker(path).exists():
            return None  # damage was seen: the normal start checks the whole file
    except OSError:
        return None
    try:
        conn = connect_file(path, readonly=True)
    except sqlite3.Error:
        return None
    # The check reads through the same connection: SQLite reads the schema once.
    problems, _full = checks.startup_problems(path, conn=conn)
    if problems:
        conn.close()
        return None  # the normal start offers the newest healthy backup
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id == database.APPLICATION_ID and version == database.schema_version():
            return FirstPage(conn, path)
    except sqlite3.Error:
        pass  # locked, unreadable: the normal start says what it is
    conn.close()
    return None
