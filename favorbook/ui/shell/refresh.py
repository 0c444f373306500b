"""Keep a view in step with the data: one place for "reload when the data changed".

A view that shows data from the services reloads when the bus says data it shows changed
while it is on screen, or on its next show while it is hidden (so hidden tabs cost nothing).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QTimer

from favorbook.services.changes import Change


class FollowsChanges:
    """Mixin for a QWidget (put it before the Qt class): reload on ``bus.changed``.

    Call ``follow_changes(bus)`` in ``__init__`` and set ``SHOWS`` to the ``Change`` flags of
    what the widget shows; a change that meets none of them is ignored. A change reloads the
    widget with
    ``reload_view()`` (by default ``refresh()``) at once if it is visible, else on its next show.
    Set ``DEFER_CHANGES`` to reload a visible widget on the next turn of the event loop
    instead (the change may come from a control inside what is rebuilt). Override
    ``ignores_change()`` to drop a change (e.g. the widget's own write, which it reloads
    itself) and ``holds_change()`` to only mark the widget stale for now. A widget that
    also reloads by other paths calls ``mark_fresh()`` there, so no reload stays pending.

    What a view shows may hang on the date (an overdue follow-up, a touch due): a view
    loaded on an earlier day reloads on its next show, though nothing changed; so does
    one whose data another process (the command line) wrote meanwhile. A view of
    the time of day (meetings ending, captures just in) sets ``RELOAD_ON_SHOW`` and
    reloads on every show.
    """

    SHOWS = Change.EVERYTHING
    DEFER_CHANGES = False
    RELOAD_ON_SHOW = False
    _stale = False
    _loaded_on: dt.date | None = None
    _others_writes: int | None = None

    def follow_changes(self, bus, *, stale: bool = False) -> None:
        self._stale = stale
        bus.changed.connect(self._data_changed)

    def reload_view(self) -> None:
        self.refresh()

    def ignores_change(self) -> bool:
        return False

    def holds_change(self) -> bool:
        return False

    def is_stale(self) -> bool:
        return self._stale

    def mark_fresh(self) -> None:
        """The widget has just reloaded: nothing is pending."""
        self._stale = False
        self._loaded_on = today()
        self._others_writes = others_writes()

    def mark_stale(self) -> None:
        """The widget needs a reload: now if it is on screen, else on its next show."""
        self._stale = True
        if self.isVisible():
            self._reload_now()

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._reload_now()

    def _reload_now(self) -> None:
        self.mark_fresh()
        self.reload_view()

    def _data_changed(self, change: Change) -> None:
        if not change & self.SHOWS or self.ignores_change():
            return
        if self.holds_change() or not self.isVisible():
            self._stale = True
        elif self.DEFER_CHANGES:
            self._stale = True
            QTimer.singleShot(0, self.refresh_if_stale)
        else:
            self._reload_now()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.RELOAD_ON_SHOW or self._loaded_on not in (None, today()):
            self._stale = True
        elif self._others_writes is not None and others_writes() != self._others_writes:
            self._stale = True  # written by another process (the command line) meanwhile
        self.refresh_if_stale()
        super().showEvent(event)


def others_writes() -> int | None:
    """What ``services.session.others_writes`` says, asked once the services are loaded
    (never before the first paint, which reads the database without them)."""
    import sys

    session = sys.modules.get("favorbook.services.session")
    return session.others_writes() if session is not None else None


def today() -> dt.date:
    """The local date a view's contents were loaded on are compared with."""
    return dt.date.today()


class _ChangeFilter(QObject):
    """Calls its owner's slot for the changes it listens to; goes with its owner, so the
    bus never calls into a deleted widget."""

    def __init__(self, owner: QObject, shows: Change, slot) -> None:
        super().__init__(owner)
        self.shows = shows
        self.slot = slot

    def changed(self, change: Change) -> None:
        if change & self.shows:
            self.slot()


def on_change(bus, shows: Change, slot) -> None:
    """Call ``slot()`` (a method of a QObject) whenever the bus announces a change that
    meets ``shows``, for as long as that object lives."""
    bus.changed.connect(_ChangeFilter(slot.__self__, shows, slot).changed)
