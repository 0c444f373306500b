"""Values worth computing once per change of the data: list ids, counts.

Any write on this connection (``total_changes``) or a commit by another one
(``PRAGMA data_version``) makes every entry stale, so a cached value is never out of
date; a screen that asks for the same count four times after one change runs one query.

A value worked out from one kind of data alone can follow that data's own mark instead
(``Kept(size, mark="names")``: a row of ``change_mark``, moved by triggers whenever that
data changes): logging a favor then leaves the contacts' names as they were read. Such a
value holds for any connection to the same database, so every thread shares it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from favorbook.db import database
from favorbook.db.models import db

SIZE = 16


class Kept:
    """Values kept until the data changes (any write, see above, or the ``mark`` named):
    at most ``size`` of them, the oldest dropped first. One per kind of value, so that
    many small answers (a need's matches) never push out a big one (the contact list's
    ids)."""

    def __init__(self, size: int, *, mark: str | None = None) -> None:
        self.size = size
        self._mark_name = mark
        self._version: Hashable | None = None
        self._entries: dict[tuple, Any] = {}
        # Values following a mark are shared by every thread: what is kept, and as of
        # which version, changes under this lock (the values are worked out outside it).
        self._lock = threading.Lock()

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its value from before if the data has not changed since.
        A value shared by every thread is kept only if its mark did not move while it was
        worked out (another connection's commit): a thread whose transaction still sees
        the mark from before would take it for its own."""
        version = self.mark()
        with self._lock:
            self._as_of(version)
            if key in self._entries:
                return self._entries[key]
        value = compute()
        if self._mark_name is not None and self.mark() != version:
            return value
        self._store(key, value, version)
        return value

    def _store(self, key: tuple, value: Any, version: Hashable) -> None:
        """Keep ``value`` as of ``version``, unless another thread has moved the values kept
        on to another version meanwhile (it would be taken for that one's)."""
        with self._lock:
            if version != self._version:
                return
            if key not in self._entries and len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = value

    def holds(self, key: tuple) -> bool:
        """Whether the value of ``key`` is kept and still up to date."""
        return key in self._entries and self._version == self.mark()

    def clear(self) -> None:
        with self._lock:
            self._version, self._entries = None, {}

    def mark(self) -> Hashable:
        """Where the data stands now, for ``keep``: the connection and its
        ``database.write_mark``, or the database and its ``change_mark`` of the name given."""
        if self._mark_name is None:
            return db.connection(), database.write_mark()
        row = db.execute_sql(
            "SELECT mark FROM change_mark WHERE name = ?", (self._mark_name,)
        ).fetchone()
        return db.database, row[0] if row else None

    def keep(self, key: tuple, value: Any, mark: Hashable) -> bool:
        """Keep ``value``, computed by another thread (on a connection of its own) after
        ``mark`` (``mark()`` asked here), as the value of ``key`` here, unless the data has
        changed since ``mark`` (then it may be out of date: nothing is kept), or this
        thread's connection was closed meanwhile (asking it would open the database again:
        the value came after the window closed). True if kept."""
        if db.is_closed() or mark != self.mark():
            return False
        with self._lock:
            self._as_of(mark)
        self._store(key, value, mark)
        return True

    def entries(self, version: Hashable) -> dict[tuple, Any] | None:
        """The values kept as of ``version`` (a copy); None when they are of another."""
        with self._lock:
            return dict(self._entries) if self._version == version else None

    def carry(self, before: Hashable, entries: dict[tuple, Any]) -> Hashable | None:
        """Keep ``entries`` as the values now: the values kept as of ``before`` (the mark
        asked just before a write of this connection, in its transaction) as that write
        changed them, worked out without reading them again. Nothing is kept when the
        values kept are of another version by now, or when the write left the mark as it
        was. The mark now, or None when nothing was kept.

        Kept under the mark the write's transaction sees: if it rolls back, the mark
        goes back to ``before`` and these values are never asked for."""
        now = self.mark()
        with self._lock:
            if self._version != before or now == before:
                return None
            self._version, self._entries = now, dict(entries)
        return now

    def _as_of(self, version: Hashable) -> None:
        """Drop every value kept if the data changed since (or the connection, for a
        value that follows every write)."""
        if version != self._version:
            self._version, self._entries = version, {}


_lists = Kept(SIZE)


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value from before if the data has not changed since."""
    return _lists.cached(key, compute)


def clear() -> None:
    _lists.clear()
