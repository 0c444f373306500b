"""The shared "reload when the data changed" mechanism of the views."""

from PySide6.QtWidgets import QWidget

from favorbook.services.changes import Change
from favorbook.ui.shell.refresh import FollowsChanges


class View(FollowsChanges, QWidget):
    def __init__(self, bus, **options) -> None:
        super().__init__()
        self.loads = 0
        self.ignoring = False
        self.holding = False
        self.follow_changes(bus, **options)

    def refresh(self) -> None:
        self.mark_fresh()
        self.loads += 1

    def ignores_change(self) -> bool:
        return self.ignoring

    def holds_change(self) -> bool:
        return self.holding


class DeferredView(View):
    DEFER_CHANGES = True


def shown(qtbot, view):
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    return view


def test_a_visible_view_reloads_at_once_and_a_hidden_one_on_its_next_show(qtbot, bus):
    view = shown(qtbot, View(bus))
    bus.changed.emit(Change.EVERYTHING)
    assert view.loads == 1
    view.hide()
    bus.changed.emit(Change.EVERYTHING)
    bus.changed.emit(Change.EVERYTHING)
    assert view.loads == 1
    view.show()
    assert view.loads == 2
    view.hide()
    view.show()
    assert view.loads == 2  # nothing changed meanwhile


def test_a_view_made_stale_loads_on_its_first_show(qtbot, bus):
    view = View(bus, stale=True)
    assert view.loads == 0
    shown(qtbot, view)
    assert view.loads == 1


def test_a_reload_by_another_path_drops_the_pending_one(qtbot, bus):
    view = View(bus)
    bus.changed.emit(Change.EVERYTHING)
    view.refresh()
    shown(qtbot, view)
    assert view.loads == 1


def test_ignored_and_held_changes(qtbot, bus):
    view = shown(qtbot, View(bus))
    view.ignoring = True
    bus.changed.emit(Change.EVERYTHING)
    view.hide()
    view.show()
    assert view.loads == 0
    view.ignoring = False
    view.holding = True
    bus.changed.emit(Change.EVERYTHING)
    assert view.loads == 0
    view.hide()
    view.show()
    assert view.loads == 1


def test_a_deferred_view_reloads_after_the_signal_returns(qtbot, bus):
    view = shown(qtbot, DeferredView(bus))
    bus.changed.emit(Change.EVERYTHING)
    bus.changed.emit(Change.EVERYTHING)
    assert view.loads == 0
    qtbot.waitUntil(lambda: view.loads == 1)
    qtbot.wait(10)
    assert view.loads == 1  # two changes in a row load once


def test_mark_stale_reloads_a_visible_view_now(qtbot, bus):
    view = View(bus)
    view.mark_stale()
    assert view.loads == 0 and view.is_stale()
    shown(qtbot, view)
    view.mark_stale()
    assert view.loads == 2


class LedgerOnly(View):
    SHOWS = Change.FAVORS | Change.CONTACTS


def test_a_view_reloads_only_for_what_it_shows(qtbot, bus):
    view = shown(qtbot, LedgerOnly(bus))
    bus.changed.emit(Change.REFERRALS | Change.QUESTIONS)
    view.hide()
    bus.changed.emit(Change.VETTING)
    view.show()
    assert view.loads == 0  # nothing it shows changed, on screen or off
    bus.changed.emit(Change.FAVORS)
    assert view.loads == 1
    bus.changed.emit(Change.EVERYTHING)
    assert view.loads == 2


def test_on_change_calls_its_slot_for_what_it_listens_to_while_its_widget_lives(qtbot, bus):
    from favorbook.ui.shell.refresh import on_change

    view = View(bus)
    on_change(bus, Change.SYNC, view.refresh)
    bus.changed.emit(Change.FAVORS)
    assert view.loads == 0
    bus.changed.emit(Change.SYNC | Change.CONTACTS)
    assert view.loads == 1
    view.deleteLater()
    qtbot.wait(10)
    bus.changed.emit(Change.SYNC)  # the widget is gone: nothing calls into it


def test_a_view_shown_on_a_later_day_reloads_once_though_nothing_changed(qtbot, bus, monkeypatch):
    """What a view shows may hang on the date (an overdue follow-up, a due touch): a
    show on a new day reloads it, and only then."""
    import datetime as dt

    from favorbook.ui.shell import refresh

    view = shown(qtbot, View(bus, stale=True))
    assert view.loads == 1
    view.hide()
    view.show()
    assert view.loads == 1
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(refresh, "today", lambda: tomorrow)
    view.hide()
    view.show()
    assert view.loads == 2
    view.hide()
    view.show()
    assert view.loads == 2


class ClockView(View):
    RELOAD_ON_SHOW = True


def test_a_view_of_the_time_of_day_reloads_on_every_show(qtbot, bus):
    view = shown(qtbot, ClockView(bus, stale=True))
    view.hide()
    view.show()
    assert view.loads == 2
