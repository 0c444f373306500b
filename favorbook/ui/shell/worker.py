"""Work off the UI thread: the one way favorbook runs anything that may take long.

A job is a plain function ``job(progress)`` calling a service; ``progress(done,
total)`` updates the progress dialog (when the job has one) and raises ``Cancelled``
once the user pressed Cancel, so the service's transaction rolls back and nothing is
half done. The job runs on a thread of its own with its own SQLite connection (peewee
keeps one per thread), closed when the job ends; its outcome reaches the UI thread as a
queued signal, ``done(result, error)``.

``BackgroundJob`` with a title shows a window-modal progress dialog with Cancel after
400 ms (imports, the sample network); without one it runs silently (the start-up backup
and check, a sync whose progress shows in the status bar). ``in_background`` is the
silent kind in one call.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from favorbook.errors import FavorbookError
from favorbook.services import session


class Cancelled(FavorbookError):
    """The user cancelled a long job; its transaction was rolled back."""


class _Runner(QObject):
    progressed = Signal(int, int)
    finished = Signal(object, object)  # result, error

    def __init__(self, job: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.job = job
        self.cancel_requested = threading.Event()

    def progress(self, done: int, total: int) -> None:
        if self.cancel_requested.is_set():
            raise Cancelled("Cancelled; nothing was changed.")
        self.progressed.emit(done, total)

    def run(self) -> None:
        result, error = None, None
        try:
            result = session.on_worker_thread(self.job, self.progress)
        except Exception as exc:  # handed to the UI thread, which reports it
            error = exc
        with contextlib.suppress(RuntimeError):  # the window (and the job) went first
            self.finished.emit(result, error)


class BackgroundJob(QObject):
    """Run ``job`` on a worker thread; ``done(result, error)`` fires on the UI thread.

    With ``title`` and ``label`` the job has a progress dialog with Cancel; without,
    none (``dialog`` is None). ``wait()`` blocks until the thread has ended.
    """

    done = Signal(object, object)

    def __init__(
        self,
        parent: QWidget,
        title: str | None,
        label: str | None,
        job: Callable[[Callable[[int, int], None]], Any],
    ) -> None:
        super().__init__(parent)
        self.dialog: QProgressDialog | None = None
        if title is not None:
            self.dialog = QProgressDialog(label or "", self.tr("Cancel"), 0, 0, parent)
            self.dialog.setObjectName("progressDialog")
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self.runner = _Runner(job)
        # Queued to this object's (the UI) thread: the runner emits from the worker.
        self.runner.progressed.connect(self._progressed, QtCore.Qt.ConnectionType.QueuedConnection)
        self.runner.finished.connect(self._finished, QtCore.Qt.ConnectionType.QueuedConnection)
        self.thread = threading.Thread(target=self.runner.run, name="favorbook-job", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.runner.cancel_requested.set()
        if self.dialog is not None:
            self.dialog.setLabelText(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job's thread has ended (or ``timeout`` seconds); True if it has."""
        if self.thread.ident is not None:
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def _progressed(self, done: int, total: int) -> None:
        if self.runner.cancel_requested.is_set() or self.dialog is None:
            return
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))

    def _finished(self, result: object, error: object) -> None:
        self.wait()  # the runner has returned: the thread ends at once
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
        self.done.emit(result, error)
        self.deleteLater()


def in_background(parent: QWidget, work: Callable[[], object], done: Callable) -> BackgroundJob:
    """Run ``work()`` silently on a worker thread; ``done(result, error)`` is called on the
    UI thread afterwards. The job is returned, already started (``wait()`` joins it)."""
    job = BackgroundJob(parent, None, None, lambda _progress: work())
    job.done.connect(done)
    job.start()
    return job


class BackgroundRead:
    """A view's reads of its data on a worker thread, one at a time. Asked again while one
    runs (the data or the filter changed meanwhile), it calls ``again()`` once that read
    is done, instead of handing over what may be out of date; otherwise ``done(result,
    error)``. ``work`` runs with the cyclic collector paused and leaves what it read
    frozen (``without_gc_pauses``): half a million rows kept by a page made each full
    collection afterwards walk them all."""

    def __init__(
        self, parent: QWidget, done: Callable[[Any, Any], None], again: Callable[[], None]
    ) -> None:
        self.parent = parent
        self.done = done
        self.again = again
        self._job: BackgroundJob | None = None
        self._asked_again = False

    def running(self) -> bool:
        return self._job is not None

    def ask_again(self) -> None:
        """Read once more when the read under way is done."""
        self._asked_again = True

    def start(self, work: Callable[[], Any]) -> None:
        from favorbook.services._common import without_gc_pauses

        self._job = BackgroundJob(self.parent, None, None, lambda _p: without_gc_pauses(work)())
        self._job.done.connect(self._finished)
        self._job.start()

    def _finished(self, result: Any, error: Any) -> None:
        self._job = None
        if self._asked_again:
            self._asked_again = False
            self.again()
            return
        self.done(result, error)
