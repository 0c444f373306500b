"""Sync in the window: File › Sync Now, File › Sync Conflicts…, the status bar, the timer.

``install(window)`` adds a ``SyncController`` (kept as ``window.sync``):

- Sync Now (Ctrl+Shift+Y) syncs every account in turn with ``engine.sync_account`` on a
  ``SyncJob`` (a ``BackgroundJob``). Its progress shows in the status bar with a Cancel
  button, not in a dialog, so the window stays usable while the server answers.
- A permanent status-bar label tells the last sync's time and result ("Synced 14:02 ·
  3 sent, 2 received" / "Sync failed 14:02 — …"), read back from the account after a
  restart, and links to the conflicts when there are some.
- A guard that trips (a collection came back empty, or many contacts would go) asks the
  rep, and Yes reruns the sync with ``allow_mass_delete=True``.
- Accounts with an interval are synced by a timer while the app is open: one sync at a
  time, never while another job runs or a modal dialog is open (the next tick tries again).
- When the sync between the rep's own devices is on (Preferences › Accounts › Sync
  Folder…), Sync Now and the timer (every DEVICE_MINUTES) run it too, after the accounts,
  and a second status-bar label says when it last ran and what came in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QWidget,
)

from favorbook.errors import SyncGuardTripped
from favorbook.services.changes import Change
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.shell.refresh import on_change
from favorbook.ui.shell.worker import BackgroundJob, Cancelled
from favorbook.ui.sync.sync_status import (
    DEVICES,
    Outcome,
    device_outcome,
    device_text,
    now_utc,
    outcome_of,
    outcome_text,
    peers_text,
    utc_naive,
)

SHORTCUT = "Ctrl+Shift+Y"
TICK_MS = 60_000
"""How often the timer looks for an account due for its sync."""
DEVICE_MINUTES = 15
"""How often the timer syncs with the rep's other devices, when that sync is on."""
LABEL_WIDTH = 460
"""The status label is elided past this many pixels; the whole text is in its tooltip."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncActions", text)


def done_so_far(report: object) -> str:
    """What a cancelled or failed sync did before it stopped ("2 sent"), or "" when nothing."""
    if report is None or not hasattr(report, "summary"):
        return ""
    stopped = (
        dataclasses.replace(report, cancelled=False) if dataclasses.is_dataclass(report) else report
    )
    text = stopped.summary()
    return "" if text == "up to date" else text


class SyncJob(BackgroundJob):
    """``engine.sync_account(account)`` on a worker thread.

    ``step(done, total, text)`` carries the engine's progress to the UI thread; no
    progress dialog is shown (the status bar shows it). ``cancel()`` asks the engine
    to stop at the next item; what was synced so far stays synced.
    """

    step = Signal(int, int, str)

    def __init__(
        self, parent: QWidget, account: str | None, *, allow_mass_delete: bool = False
    ) -> None:
        self.account = account
        self.allow_mass_delete = allow_mass_delete
        super().__init__(parent, None, None, self._sync)  # the status bar shows the progress

    def _sync(self, _progress: Callable[[int, int], None]):
        from favorbook.sync import engine

        return engine.sync_account(
            self.account,
            progress=self._step,
            cancelled=self.runner.cancel_requested.is_set,
            allow_mass_delete=self.allow_mass_delete,
        )

    def _step(self, done: int, total: int, text: str = "") -> None:
        self.step.emit(done, total, text or "")  # queued to the UI thread

    def _progressed(self, done: int, total: int) -> None:
        return None  # progress goes through ``step``

    def cancel(self) -> None:
        self.runner.cancel_requested.set()


class DeviceSyncJob(BackgroundJob):
    """``vault.engine.sync()`` (the whole database with the rep's other devices) on a worker
    thread; it cannot be cancelled halfway (it is one transaction), so it has no Cancel."""

    step = Signal(int, int, str)  # never emitted; the same shape as SyncJob for the controller

    def __init__(self, parent: QWidget, *, allow_mass_delete: bool = False) -> None:
        self.account = DEVICES
        self.allow_mass_delete = allow_mass_delete
        super().__init__(parent, None, None, self._sync)

    def _sync(self, _progress: Callable[[int, int], None]):
        from favorbook.sync.vault import engine

        return engine.sync(allow_mass_delete=self.allow_mass_delete)

    def _progressed(self, done: int, total: int) -> None:
        return None


_syncing: set[str] = set()


def syncing_accounts() -> set[str]:
    """The accounts a sync of this process is running for (Preferences will not remove them)."""
    return set(_syncing)


class SyncController(QObject):
    """The sync actions, the status-bar label and progress, and the timer of one window."""

    synced = Signal(object, object)
    """(account name, SyncReport or the error) after each account's sync; for tests."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.bus = window.bus
        self.job: SyncJob | None = None
        self._queue: list[str] = []
        self._automatic = False
        self._outcome: Outcome | None = None  # the last sync this session, newest first
        self._device_outcome: Outcome | None = None  # the last device sync that failed here
        self._devices_on = False
        self._attempted: dict[str, dt.datetime] = {}
        self._conflict_count = 0
        self._account_count = 0
        self.conflicts_dialog = None

        self.sync_now_action = QAction(_tr("S&ync Now"), window)
        self.sync_now_action.setObjectName("syncNow")
        self.sync_now_action.setShortcut(QKeySequence(SHORTCUT))
        self.sync_now_action.triggered.connect(self.sync_now)
        self.conflicts_action = QAction(_tr("Sync &Conflicts…"), window)
        self.conflicts_action.setObjectName("syncConflicts")
        self.conflicts_action.setStatusTip(
            _tr("Fields changed both here and on the server: keep yours or the server's")
        )
        self.conflicts_action.triggered.connect(self.show_conflicts)

        bar = window.statusBar()
        self.label = QLabel()
        self.label.setObjectName("syncStatus")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.label.linkActivated.connect(lambda _link: self.show_conflicts())
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancelSync")
        self.cancel_button.setText(_tr("Cancel"))
        self.cancel_button.setToolTip(_tr("Stop the sync; what was synced so far stays synced"))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.separator = QFrame()
        self.separator.setObjectName("syncSeparator")
        self.separator.setFrameShape(QFrame.Shape.VLine)
        self.separator.setFrameShadow(QFrame.Shadow.Sunken)
        self.separator.hide()
        # Left of the contact count: [progress][Cancel][Synced 14:02 · …] | [42 contacts · …]
        self.device_label = QLabel()
        self.device_label.setObjectName("deviceSyncStatus")
        self.device_label.setTextFormat(Qt.TextFormat.PlainText)
        self.device_label.hide()
        bar.insertPermanentWidget(0, self.separator)
        bar.insertPermanentWidget(0, self.device_label)
        bar.insertPermanentWidget(0, self.label)
        bar.insertPermanentWidget(0, self.cancel_button)
        bar.insertPermanentWidget(0, self.progress)

        self.timer = QTimer(self)
        self.timer.setObjectName("syncTimer")
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        on_change(self.bus, Change.CONTACTS | Change.FOLLOWUPS | Change.SYNC, self.refresh)
        self.refresh()

    # --- state ----------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.job is not None

    def _accounts(self) -> list:
        from favorbook.sync import accounts

        return accounts.list_accounts()

    def refresh(self) -> None:
        """Re-read the accounts and conflicts: the action's state, the label, the timer."""
        from favorbook.sync import conflicts

        infos = self._accounts()
        devices = device_outcome()
        self._devices_on = devices is not None
        self._account_count = len(infos)
        # Conflicts come from the accounts and from the other devices ("Your devices").
        self._conflict_count = len(conflicts.list_conflicts()) if infos or self._devices_on else 0
        self.sync_now_action.setEnabled(bool(infos) or self._devices_on)
        if infos:
            tip = _tr("Sync your contacts and follow-ups with %1").replace(
                "%1", ", ".join(i.name for i in infos)
            )
            if self._devices_on:
                tip += _tr(", and everything with your other devices")
        elif self._devices_on:
            tip = _tr("Sync everything with your other devices")
        else:
            tip = _tr("Add an account in Preferences › Accounts to sync")
        self.sync_now_action.setToolTip(tip)
        self.sync_now_action.setStatusTip(tip)
        self.conflicts_action.setEnabled(
            bool(infos) or self._devices_on or self._conflict_count > 0
        )
        if self._devices_on or any(i.interval_minutes for i in infos):
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
        if not self.is_running():
            self._show_outcome(self._latest(infos))
            self._show_devices(devices)

    def _show_devices(self, stored: Outcome | None) -> None:
        """The device sync's label: the stored last sync, or a newer failure of this session."""
        shown = stored
        if stored is not None and self._device_outcome is not None:
            oldest = dt.datetime.min
            if (self._device_outcome.when or oldest) >= (stored.when or oldest):
                shown = self._device_outcome
        text = device_text(shown)
        self.device_label.setText(text)
        self.device_label.setVisible(bool(text))
        tips = [text, peers_text(stored)] + list(shown.problems if shown is not None else ())
        self.device_label.setToolTip("\n\n".join(t for t in tips if t))
        self.device_label.setProperty("failed", shown is not None and not shown.ok)
        self._show_separator()

    def _show_separator(self) -> None:
        self.separator.setVisible(bool(self.label.text() or self.device_label.text()))

    def _latest(self, infos: list) -> Outcome | None:
        """The newest outcome: this session's, or the one stored with an account."""
        found = [o for o in (outcome_of(i) for i in infos) if o is not None]
        names = {i.name for i in infos}
        if self._outcome is not None and self._outcome.account in names:
            found.append(self._outcome)
        if not found:
            return None
        oldest = dt.datetime.min
        # Ties go to this session's (it may carry a cancel the database does not record).
        return max(reversed(found), key=lambda o: o.when or oldest)

    def _show_outcome(self, outcome: Outcome | None) -> None:
        text = outcome_text(outcome, name_account=self._account_count > 1) if outcome else ""
        details = "\n".join(outcome.problems) if outcome is not None else ""
        self._set_label(text, failed=outcome is not None and not outcome.ok, details=details)

    def _set_label(self, text: str, *, failed: bool = False, details: str = "") -> None:
        metrics = self.label.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, LABEL_WIDTH)
        parts = [html.escape(shown)]
        if self._conflict_count and not self.is_running():
            link = _tr("%1 to review").replace(
                "%1", counted(self._conflict_count, _tr("conflict"), _tr("conflicts"))
            )
            parts.append(f'<a href="conflicts">{html.escape(link)}</a>')
        self.label.setText(" · ".join(p for p in parts if p))
        self._show_separator()
        tip = text if shown != text or failed or details else ""
        self.label.setToolTip("\n\n".join(t for t in (tip, details) if t))
        self.label.setProperty("failed", failed)

    # --- syncing --------------------------------------------------------------------------

    def sync_now(self) -> bool:
        """Sync every account, one after the other, then the rep's other devices when that
        sync is on; False when nothing was started."""
        names = [i.name for i in self._accounts()]
        if device_outcome() is not None:
            names.append(DEVICES)
        return self._begin(names, automatic=False)

    def _begin(self, names: list[str], *, automatic: bool) -> bool:
        if self.is_running() or getattr(self.window, "_job", None) is not None:
            if not automatic:
                self._say(_tr("A sync or another job is running; wait for it to finish."))
            return False
        if not names:
            if not automatic:
                self._say(_tr("Add an account in Preferences › Accounts first."))
            return False
        self._automatic = automatic
        self._queue = list(names)
        self._next()
        return True

    def _next(self) -> None:
        if not self._queue:
            self.refresh()
            return
        self._start(self._queue.pop(0))

    def _start(self, name: str, *, allow_mass_delete: bool = False) -> None:
        self._attempted[name] = now_utc()
        if name == DEVICES:
            job = DeviceSyncJob(self.window, allow_mass_delete=allow_mass_delete)
        else:
            job = SyncJob(self.window, name, allow_mass_delete=allow_mass_delete)
        job.step.connect(self._stepped)
        job.done.connect(lambda result, error: self._finished(job, name, result, error))
        self.job = job
        _syncing.add(name)
        self.window._job = job  # the window's one-job-at-a-time slot: no sample load, no restore
        self.sync_now_action.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the engine counts
        self.progress.show()
        if name == DEVICES:
            self.cancel_button.hide()  # one transaction: it cannot stop halfway
            self.device_label.setText(_tr("Syncing with your devices…"))
            self.device_label.show()
        else:
            self.cancel_button.setEnabled(True)
            self.cancel_button.show()
            self._set_label(_tr("Syncing %1…").replace("%1", name))
        job.start()

    def _stepped(self, done: int, total: int, text: str) -> None:
        if self.job is None or self.job.runner.cancel_requested.is_set():
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if text:
            self._set_label(text)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self._set_label(_tr("Cancelling the sync…"))

    def _finished(self, job: SyncJob, name: str, report: object, error: object) -> None:
        self.job = None
        _syncing.discard(name)
        if getattr(self.window, "_job", None) is job:
            self.window._job = None
        self.progress.hide()
        self.cancel_button.hide()
        when = now_utc()
        if name == DEVICES:
            self._devices_finished(when, report, error)
            return
        if isinstance(error, SyncGuardTripped):
            self._outcome = Outcome(when, name, False, describe_error(error), stopped=True)
            self.synced.emit(name, error)
            if not self._automatic and self.ask_guard(name, error):
                self._start(name, allow_mass_delete=True)
                return
        elif isinstance(error, Cancelled) or (error is None and self._was_cancelled(job, report)):
            self._outcome = Outcome(when, name, True, done_so_far(report), cancelled=True)
            self._queue.clear()
            self.synced.emit(name, report if error is None else error)
            self.bus.changed.emit(Change.EVERYTHING)  # what was synced before the cancel shows
        elif error is not None:
            message = describe_error(error)
            before = done_so_far(getattr(error, "report", None))
            if before:  # the batches before the failure were kept: say what they did
                message += " " + _tr("Before it stopped: %1.").replace("%1", before)
            self._outcome = Outcome(when, name, False, message)
            self.synced.emit(name, error)
            # Batches before the failure were kept and show.
            self.bus.changed.emit(Change.EVERYTHING)
            if not self._automatic:
                self.warn(name, message)
        else:
            self._outcome = Outcome(
                when, name, True, report.summary(), problems=tuple(report.errors or ())
            )
            self.synced.emit(name, report)
            self.bus.changed.emit(Change.EVERYTHING)  # every view shows what came from the server
        self._next()

    def _devices_finished(self, when: dt.datetime, report: object, error: object) -> None:
        self._device_outcome = None
        if isinstance(error, SyncGuardTripped):
            self._device_outcome = Outcome(
                when, DEVICES, False, describe_error(error), stopped=True
            )
            self.synced.emit(DEVICES, error)
            if not self._automatic and self.ask_devices_guard(error):
                self._start(DEVICES, allow_mass_delete=True)
                return
        elif error is not None:
            message = describe_error(error)
            self._device_outcome = Outcome(when, DEVICES, False, message)
            self.synced.emit(DEVICES, error)
            if not self._automatic:
                self.warn(_tr("Your devices"), message)
        else:
            self.synced.emit(DEVICES, report)
            # Every view shows what came from the other devices.
            self.bus.changed.emit(Change.EVERYTHING)
        self._next()

    @staticmethod
    def _was_cancelled(job: SyncJob, report: object) -> bool:
        return bool(getattr(report, "cancelled", False)) or job.runner.cancel_requested.is_set()

    def tick(self) -> bool:
        """The timer: sync the first account due for it; True when a sync started."""
        if self.is_running() or getattr(self.window, "_job", None) is not None:
            return False
        if QApplication.activeModalWidget() is not None:
            return False  # a form or a question is open; the next tick tries again
        now = now_utc()
        devices = device_outcome()
        if devices is not None:
            tried = [t for t in (devices.when, self._attempted.get(DEVICES)) if t]
            if not tried or now - max(tried) >= dt.timedelta(minutes=DEVICE_MINUTES):
                return self._begin([DEVICES], automatic=True)
        for info in self._accounts():
            if not info.interval_minutes:
                continue
            tried = [t for t in (utc_naive(info.last_sync_at), self._attempted.get(info.name)) if t]
            if tried and now - max(tried) < dt.timedelta(minutes=info.interval_minutes):
                continue
            return self._begin([info.name], automatic=True)
        return False

    # --- questions (methods, so tests can answer them) ------------------------------------

    def ask_guard(self, name: str, error: SyncGuardTripped) -> bool:
        """Ask whether a sync that tripped a guard may go on; True for Yes."""
        count, total = getattr(error, "count", 0), getattr(error, "total", 0)
        reason = getattr(error, "reason", "")
        question = _tr("Go on with the sync and remove %1 contacts?")
        if reason == "tasks":
            why = _tr(
                "%3 of the %2 tasks synced with account %1 are gone from its tasks "
                "calendar. Going on marks their follow-ups done here (you can reopen them)."
            )
            question = _tr("Go on with the sync and mark %1 follow-ups done?")
        elif reason == "empty":
            why = _tr(
                "The server's collection of account %1 came back empty, though it held "
                "%2 contacts at the last sync. If they were removed on purpose, going on "
                "archives them here too (you can bring them back from the archive)."
            )
        else:
            why = _tr(
                "Syncing account %1 would remove %3 of the %2 contacts synced with it, "
                "because they were deleted on the other side. Removed contacts are archived "
                "here, not destroyed, and can be brought back."
            )
        text = (
            why.replace("%1", name).replace("%2", f"{total:,}").replace("%3", f"{count:,}")
            + "\n\n"
            + describe_error(error)
            + "\n\n"
            + question.replace("%1", f"{count:,}")
        )
        answer = QMessageBox.question(
            self.window,
            _tr("Sync stopped"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_devices_guard(self, error: SyncGuardTripped) -> bool:
        """Ask whether the other devices' mass deletion may be applied here; True for Yes."""
        answer = QMessageBox.question(
            self.window,
            _tr("Sync stopped"),
            describe_error(error)
            + "\n\n"
            + _tr("Go on with the sync and remove %1 contacts?").replace(
                "%1", f"{getattr(error, 'count', 0):,}"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def warn(self, name: str, message: str) -> None:
        QMessageBox.warning(
            self.window,
            _tr("Sync failed"),
            _tr("%1: %2").replace("%1", name).replace("%2", message),
        )

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    # --- conflicts ------------------------------------------------------------------------

    def show_conflicts(self):
        from favorbook.ui.sync.sync_conflicts import ConflictsDialog

        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(self.bus, self.window)
            self.conflicts_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.conflicts_dialog.destroyed.connect(
                lambda _o=None: setattr(self, "conflicts_dialog", None)
            )
        if self.conflicts_dialog.isVisible():
            self.conflicts_dialog.refresh()
            self.conflicts_dialog.raise_()  # open already, maybe behind the window
            self.conflicts_dialog.activateWindow()
        else:
            self.conflicts_dialog.show()
        return self.conflicts_dialog


def install(window) -> SyncController:
    """Add Sync Now and Sync Conflicts… to the File menu (before Preferences) and the status
    bar's sync label; keep the controller as ``window.sync``."""
    controller = SyncController(window)
    menu = window.file_menu
    before = window.preferences_action
    menu.insertAction(before, controller.sync_now_action)
    menu.insertAction(before, controller.conflicts_action)
    menu.insertSeparator(before)
    menu.setToolTipsVisible(True)
    window.sync = controller
    return controller
