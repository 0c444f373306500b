"""Sync in the window: Sync Now, its progress and result in the status bar, the guard
question, the timer. The engine is replaced here; test_sync_radicale runs the real one."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from favorbook.errors import SyncError, SyncGuardTripped
from favorbook.services import contacts
from favorbook.services.changes import Change
from favorbook.sync import accounts, engine
from tests.gui.sync_helpers import earlier_today, local_hhmm, make_account, report_json


@pytest.fixture
def fake_sync(monkeypatch):
    """Replace ``engine.sync_account``; ``fake_sync.calls`` records each call's arguments."""

    class Fake:
        calls: list[dict] = []
        result = None  # a callable run on the worker thread, or an exception to raise

        def __call__(self, name=None, *, progress=None, cancelled=None, allow_mass_delete=False):
            self.calls.append(
                {
                    "name": name,
                    "allow_mass_delete": allow_mass_delete,
                    "thread": threading.current_thread() is threading.main_thread(),
                }
            )
            if progress is not None:
                progress(1, 4, "Sending 1 of 4 changed contacts…")
            if isinstance(self.result, BaseException):
                raise self.result
            if callable(self.result):
                return self.result(name, allow_mass_delete)
            return engine.SyncReport(account=name, pushed=3, pulled=2)

    fake = Fake()
    fake.calls = []
    monkeypatch.setattr(engine, "sync_account", fake)
    return fake


def _wait_done(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.sync.is_running(), timeout=10000)


def test_sync_now_is_in_the_file_menu_and_disabled_without_an_account(window):
    action = window.findChild(QAction, "syncNow")
    names = [a.objectName() for a in window.file_menu.actions()]
    assert names.index("syncNow") < names.index("syncConflicts") < names.index("preferences")
    assert not action.isEnabled()
    assert "Preferences › Accounts" in action.toolTip()
    assert not action.shortcut().isEmpty()
    assert window.sync.label.text() == ""


def test_sync_now_is_enabled_once_an_account_is_added(window):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    action = window.findChild(QAction, "syncNow")
    assert action.isEnabled() and "work" in action.toolTip()


def test_sync_now_runs_off_the_ui_thread_and_shows_the_result(window, qtbot, fake_sync):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)

    def pull_a_contact(name, _allow):
        contacts.create_contact(contacts.ContactInput(first_name="Pia", last_name="Server"))
        return engine.SyncReport(account=name, pushed=3, pulled=2)

    fake_sync.result = pull_a_contact
    with qtbot.waitSignal(window.sync.synced, timeout=10000) as blocker:
        window.findChild(QAction, "syncNow").trigger()
        assert window.sync.progress.isVisible() and window.sync.cancel_button.isVisible()
        assert not window.findChild(QAction, "syncNow").isEnabled()  # never two at once
    assert blocker.args[0] == "work"
    assert fake_sync.calls == [{"name": "work", "allow_mass_delete": False, "thread": False}]
    _wait_done(qtbot, window)
    text = window.sync.label.text()
    assert text.startswith("Synced ") and "3 sent" in text and "2 received" in text
    assert not window.sync.progress.isVisible()
    # The views refreshed: the contact the sync brought is in the list.
    names = [
        window.contacts_page.model.index(r, 0).data()
        for r in range(window.contacts_page.model.rowCount())
    ]
    assert "Pia Server" in names


def test_progress_text_shows_while_syncing(window, qtbot, fake_sync):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    release = threading.Event()

    def wait_for_test(name, _allow):
        release.wait(10)
        return engine.SyncReport(account=name, pulled=1)

    fake_sync.result = wait_for_test
    window.sync.sync_now()
    qtbot.waitUntil(lambda: "Sending 1 of 4" in window.sync.label.text(), timeout=10000)
    assert window.sync.progress.maximum() == 4 and window.sync.progress.value() == 1
    qtbot.wait(600)  # longer than a BackgroundJob waits before it shows its dialog
    assert QApplication.activeModalWidget() is None  # no progress dialog in the way
    assert window.sync.job.dialog is None  # the status bar shows the progress
    assert not window.sync.sync_now()  # a second sync is refused while one runs
    from favorbook.ui.sync.sync_actions import syncing_accounts

    assert syncing_accounts() == {"work"}
    release.set()
    _wait_done(qtbot, window)
    assert "1 received" in window.sync.label.text()
    assert syncing_accounts() == set()


def test_cancel_stops_the_sync_and_says_so(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    started = threading.Event()
    seen = {}

    def until_cancelled(name, _allow):
        started.set()
        cancelled = seen["cancelled"]
        for _ in range(1000):
            if cancelled():
                break
            threading.Event().wait(0.01)
        return engine.SyncReport(account=name, pushed=1)

    def fake(name=None, *, progress=None, cancelled=None, allow_mass_delete=False):
        seen["cancelled"] = cancelled
        return until_cancelled(name, allow_mass_delete)

    monkeypatch.setattr(engine, "sync_account", fake)
    window.sync.sync_now()
    assert started.wait(10)
    window.sync.cancel_button.click()
    _wait_done(qtbot, window)
    assert "cancelled" in window.sync.label.text()


def test_a_failed_sync_says_so_with_the_message(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    warned = []
    monkeypatch.setattr(window.sync, "warn", lambda name, message: warned.append(message))
    fake_sync.result = SyncError("Account work: cannot reach the server. Check the connection.")
    window.sync.sync_now()
    _wait_done(qtbot, window)
    text = window.sync.label.text()
    assert text.startswith("Sync failed ") and "cannot reach the server" in text
    assert warned and "cannot reach the server" in warned[0]
    assert window.findChild(QAction, "syncNow").isEnabled()


def test_a_failed_sync_says_what_it_did_before_it_stopped(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    warned = []
    monkeypatch.setattr(window.sync, "warn", lambda name, message: warned.append(message))
    failure = SyncError("Account work: the server failed (503).")
    failure.report = engine.SyncReport(account="work", pushed=623, pulled=2)
    fake_sync.result = failure
    window.sync.sync_now()
    _wait_done(qtbot, window)
    assert window.sync.label.text().startswith("Sync failed ")
    whole = window.sync.label.toolTip()  # the label is elided; its tooltip has it all
    assert "the server failed (503). Before it stopped: 623 sent, 2 received." in whole
    assert warned and "623 sent" in warned[0]


def test_the_last_result_shows_after_a_restart(db, qtbot):
    from favorbook.ui.shell.main_window import MainWindow

    when = earlier_today(minutes=5)
    make_account("work", last_sync_at=when, last_result=report_json(pushed=3, pulled=2))
    window = MainWindow(str(db))
    qtbot.addWidget(window)
    text = window.sync.label.text()
    assert text.startswith("Synced " + local_hhmm(when))
    assert "3 sent" in text and "2 received" in text


def test_a_stored_failure_shows_after_a_restart(db, qtbot):
    from favorbook.ui.shell.main_window import MainWindow

    when = earlier_today(minutes=5)
    make_account("work", last_sync_at=when, last_result="Account work: the server failed (503).")
    window = MainWindow(str(db))
    qtbot.addWidget(window)
    assert window.sync.label.text().startswith(
        "Sync failed " + local_hhmm(when) + " — Account work"
    )


def _answer(monkeypatch, button) -> list[str]:
    """Answer the sync's questions with ``button``; the texts asked, in a list."""
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kw: asked.append(args[2]) or button
    )
    return asked


def test_guard_asks_and_yes_reruns_allowing_the_removal(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)

    def first_trips(name, allow):
        if not allow:
            raise SyncGuardTripped(
                "Account work: 12 of 40 synced contacts would be removed.",
                reason="mass_delete",
                count=12,
                total=40,
            )
        return engine.SyncReport(account=name, deleted=12)

    fake_sync.result = first_trips
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.sync.sync_now()
    qtbot.waitUntil(
        lambda: len(fake_sync.calls) == 2 and not window.sync.is_running(), timeout=10000
    )
    assert [c["allow_mass_delete"] for c in fake_sync.calls] == [False, True]
    assert "12 of the 40 contacts" in asked[0] and "remove 12 contacts" in asked[0]
    assert window.sync.label.text().startswith("Synced ")


def test_the_tasks_guard_asks_about_follow_ups_not_contacts(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    fake_sync.result = SyncGuardTripped(
        "The tasks calendar of account 'work' no longer holds 8 of the 10 tasks synced.",
        reason="tasks",
        count=8,
        total=10,
    )
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    window.sync.sync_now()
    _wait_done(qtbot, window)
    assert "8 of the 10 tasks" in asked[0] and "mark 8 follow-ups done" in asked[0]
    assert "contacts" not in asked[0]


def test_guard_no_leaves_everything_and_says_it_stopped(window, qtbot, fake_sync, monkeypatch):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    fake_sync.result = SyncGuardTripped(
        "Account work: the address book came back empty.", reason="empty", count=40, total=40
    )
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    window.sync.sync_now()
    _wait_done(qtbot, window)
    assert len(fake_sync.calls) == 1
    assert "came back empty" in asked[0]
    text = window.sync.label.text()
    assert text.startswith("Sync stopped ") and "came back empty" in text


def test_a_timed_sync_stopped_by_the_guard_waits_for_sync_now(
    window, qtbot, fake_sync, monkeypatch
):
    make_account("work", interval=15)
    window.bus.changed.emit(Change.EVERYTHING)
    fake_sync.result = SyncGuardTripped(
        "Account work: 9 of 20 synced contacts would be removed.",
        reason="mass_delete",
        count=9,
        total=20,
    )
    monkeypatch.setattr(window.sync, "ask_guard", lambda *a: pytest.fail("asked unprompted"))
    assert window.sync.tick()
    _wait_done(qtbot, window)
    assert len(fake_sync.calls) == 1
    assert "Use Sync Now to decide" in window.sync.label.toolTip()


def test_timer_syncs_an_account_when_its_interval_is_due(window, qtbot, fake_sync):
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    make_account("work", interval=30, last_sync_at=long_ago, last_result=report_json())
    make_account("by-hand", last_sync_at=long_ago, last_result=report_json())
    window.bus.changed.emit(Change.EVERYTHING)
    assert window.sync.timer.isActive()
    assert window.sync.tick()
    _wait_done(qtbot, window)
    assert [c["name"] for c in fake_sync.calls] == ["work"]
    assert not window.sync.tick()  # just synced: not due again for 30 minutes
    assert len(fake_sync.calls) == 1


def test_timer_is_off_without_an_interval(window):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    assert not window.sync.timer.isActive()
    assert not window.sync.tick()


def test_timer_waits_while_a_modal_dialog_is_open(window, qtbot, fake_sync):
    make_account("work", interval=15)
    window.bus.changed.emit(Change.EVERYTHING)
    dialog = QDialog(window)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    assert not window.sync.tick()
    assert fake_sync.calls == []
    dialog.close()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.sync.tick()
    _wait_done(qtbot, window)
    assert len(fake_sync.calls) == 1


def test_a_timed_sync_that_fails_does_not_pop_up(window, qtbot, fake_sync, monkeypatch):
    make_account("work", interval=15)
    window.bus.changed.emit(Change.EVERYTHING)
    monkeypatch.setattr(window.sync, "warn", lambda *a: pytest.fail("a box popped up"))
    fake_sync.result = SyncError("Account work: the server did not answer in time.")
    assert window.sync.tick()
    _wait_done(qtbot, window)
    assert "did not answer in time" in window.sync.label.text()


def test_no_sync_while_another_job_runs(window, fake_sync):
    make_account("work", interval=15)
    window.bus.changed.emit(Change.EVERYTHING)
    window._job = object()  # the sample network is loading, say
    try:
        assert not window.sync.sync_now()
        assert not window.sync.tick()
    finally:
        window._job = None
    assert fake_sync.calls == []


def test_every_account_syncs_in_turn(window, qtbot, fake_sync):
    make_account("home")
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    window.sync.sync_now()
    qtbot.waitUntil(
        lambda: len(fake_sync.calls) == 2 and not window.sync.is_running(), timeout=10000
    )
    assert [c["name"] for c in fake_sync.calls] == ["home", "work"]
    assert window.sync.label.text().startswith("work: Synced")


def test_removing_the_last_account_disables_sync_now(window):
    make_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    accounts.remove_account("work")
    window.bus.changed.emit(Change.EVERYTHING)
    assert not window.findChild(QAction, "syncNow").isEnabled()
    assert window.sync.label.text() == ""
