"""Long jobs off the UI thread, with a progress dialog and Cancel.

A job is a plain function ``job(progress)`` calling a service; ``progress(done,
total)`` updates the dialog and raises ``Cancelled`` once the user pressed
Cancel, so the service's transaction rolls back and nothing is half done.
The job runs on a QThread with its own SQLite connection (peewee keeps one per
thread), which is closed when the job ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
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
        self.finished.emit(result, error)
        # Leave the thread's event loop from inside it: the UI thread may be blocked
        # in wait() (closing the window), and could not deliver a quit() then.
        QThread.currentThread().quit()


class BackgroundJob(QObject):
    """Run ``job`` on a worker thread; ``done(result, error)`` fires on the UI thread."""

    done = Signal(object, object)

    def __init__(
        self,
        parent: QWidget,
        title: str,
        label: str,
        job: Callable[[Callable[[int, int], None]], Any],
    ) -> None:
        super().__init__(parent)
        self.dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.thread = QThread(self)
        self.runner = _Runner(job)
        self.runner.moveToThread(self.thread)
        self.thread.started.connect(self.runner.run)
        self.runner.progressed.connect(self._progressed)
        self.runner.finished.connect(self._finished)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.runner.cancel_requested.set()
        self.dialog.setLabelText(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def _progressed(self, done: int, total: int) -> None:
        if self.runner.cancel_requested.is_set():
            return
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))

    def _finished(self, result: object, error: object) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.reset()
        self.dialog.hide()
        self.done.emit(result, error)
        self.deleteLater()
