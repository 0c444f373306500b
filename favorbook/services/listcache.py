"""Values worth computing once per change of the data: list ids, counts.

Any write on this connection (``total_changes``) or a commit by another one
(``PRAGMA data_version``) makes every entry stale, so a cached value is never out of
date; a screen that asks for the same count four times after one change runs one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from favorbook.db import database
from favorbook.db.models import db

SIZE = 16

_conn = None
_version: tuple[int, int] | None = None
_entries: dict[tuple, Any] = {}


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value from before if the data has not changed since."""
    global _conn, _version, _entries
    conn = db.connection()
    version = database.write_mark()
    if conn is not _conn or version != _version:
        _conn, _version, _entries = conn, version, {}
    if key in _entries:
        return _entries[key]
    value = compute()
    if len(_entries) >= SIZE:
        _entries.pop(next(iter(_entries)))
    _entries[key] = value
    return value


def clear() -> None:
    global _conn, _version, _entries
    _conn, _version, _entries = None, None, {}
