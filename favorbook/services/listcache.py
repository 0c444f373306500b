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


class Kept:
    """Values kept until the data changes (any write, see above): at most ``size`` of
    them, the oldest dropped first. One per kind of value, so that many small answers
    (a need's matches) never push out a big one (the contact list's ids)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._conn = None
        self._version: tuple[int, int] | None = None
        self._entries: dict[tuple, Any] = {}

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its value from before if the data has not changed since."""
        version = database.write_mark()
        self._as_of(version)
        if key in self._entries:
            return self._entries[key]
        value = compute()
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = value
        return value

    def holds(self, key: tuple) -> bool:
        """Whether the value of ``key`` is kept and still up to date."""
        return (
            key in self._entries
            and self._conn is db.connection()
            and self._version == database.write_mark()
        )

    def clear(self) -> None:
        self._conn, self._version, self._entries = None, None, {}

    @staticmethod
    def mark() -> tuple[int, int]:
        """Where the data stands now (``database.write_mark``), for ``keep``."""
        return database.write_mark()

    def keep(self, key: tuple, value: Any, mark: tuple[int, int]) -> bool:
        """Keep ``value``, computed by another thread (on a connection of its own) after
        ``mark``, as the value of ``key`` here, unless the data has changed since ``mark``
        (then it may be out of date: nothing is kept). True if kept."""
        if mark != database.write_mark():
            return False
        self._as_of(mark)
        self._entries[key] = value
        return True

    def _as_of(self, version: tuple[int, int]) -> None:
        """Drop every value kept if the connection or the data changed since."""
        conn = db.connection()
        if conn is not self._conn or version != self._version:
            self._conn, self._version, self._entries = conn, version, {}


_lists = Kept(SIZE)


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value from before if the data has not changed since."""
    return _lists.cached(key, compute)


def clear() -> None:
    _lists.clear()
