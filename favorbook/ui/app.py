"""Creating the QApplication and the main window."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from favorbook import __version__
from favorbook.errors import FavorbookError
from favorbook.render import locale_dates
from favorbook.ui import wheel
from favorbook.ui.resources import RESOURCES


def app_icon() -> QIcon:
    return QIcon(str(RESOURCES / "icons" / "favorbook.svg"))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named so settings, data and the desktop find favorbook.

    The desktop file name ties the window to favorbook.desktop (the taskbar icon and
    name on Wayland and in GNOME/KDE docks); the organisation and application names
    decide where QSettings and Qt's standard paths point on every platform.
    """
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("favorbook")
    app.setOrganizationName("favorbook")
    app.setOrganizationDomain("favorbook.org")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("favorbook")
    app.setWindowIcon(app_icon())
    locale_dates.use_locale()
    wheel.install(app)
    return app


def user_message(exc: BaseException) -> str:
    """What to tell the user about an error that reached the event loop."""
    from favorbook.services.session import describe_error

    return describe_error(exc)


def install_excepthook() -> None:
    """Errors escaping a slot become a message box instead of a silent traceback."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        previous(exc_type, exc, tb)
        if QApplication.instance() is not None:
            QMessageBox.warning(QApplication.activeWindow(), "favorbook", user_message(exc))

    sys.excepthook = hook


def start(data_dir: str | None, guard):
    """Everything between claiming the data folder and showing the window.

    Returns the main window, or an exit code when favorbook should stop here
    (the user chose Quit in the recovery dialog: 0; the database cannot be opened: 1).
    """
    from favorbook import paths
    from favorbook.services import encryption, session
    from favorbook.services.passphrases import ENV_VAR
    from favorbook.ui import backup_actions, recovery
    from favorbook.ui.single_instance import bring_to_front

    try:
        if not recovery.check_at_start(data_dir):
            return 0
        passphrase = None
        if encryption.needs_passphrase(paths.database_path(data_dir)) and not os.environ.get(
            ENV_VAR
        ):
            from favorbook.ui.passphrase_dialog import ask_passphrase

            passphrase = ask_passphrase(paths.database_path(data_dir))
            if passphrase is None:
                return 0  # the user gave up: nothing was opened
        path = session.open_data(data_dir, passphrase=passphrase)
    except FavorbookError as exc:
        QMessageBox.critical(None, "favorbook", str(exc))
        return 1
    from favorbook.ui.main_window import MainWindow

    window = MainWindow(str(path))
    guard.raise_requested.connect(lambda: bring_to_front(window))
    # For a big database both run on threads of their own, begun once the window has had
    # time to paint: neither holds up the window nor competes with its first paint.
    if backup_actions.start_up_backup(window):
        QTimer.singleShot(
            BACKGROUND_AFTER_MS,
            window,
            lambda: backup_actions.automatic_backup_in_background(window),
        )
    QTimer.singleShot(BACKGROUND_AFTER_MS, window, lambda: check_in_background(window, path))
    return window


BACKGROUND_AFTER_MS = 3000
"""How long after the window is built the background check and backup of a big database
begin."""


def check_in_background(window, path: Path):
    """The full PRAGMA quick_check of a database too big to check before opening it (the
    start-up check was the light one): on damage, say so and have the next start check the
    whole file first, where the recovery dialog offers the newest healthy backup. Before
    it, on the same thread, the referral credits the dashboard shows are worked out."""
    from favorbook.services import health
    from favorbook.ui.worker import in_background

    if not path.exists() or path.stat().st_size <= health.FULL_CHECK_LIMIT:
        return None
    from favorbook.db.models import db

    passphrase = db.passphrase

    def done(problems, error) -> None:
        if error is not None or not problems:
            return
        health.mark_for_full_check(path)
        QMessageBox.warning(
            window,
            "favorbook",
            window.tr(
                "favorbook found damage in your database:\n\n%1\n\nSave nothing more; quit "
                "favorbook and start it again: it will offer to restore your newest healthy "
                "backup, and keep the damaged file aside."
            ).replace("%1", "\n".join(problems[:5])),
        )

    def work() -> list[str]:
        from favorbook.services import referrals

        referrals.warm_up()  # the dashboard's first show then finds the credits worked out
        return health.quick_check(path, passphrase)

    return in_background(window, work, done)


FIRST_PAINT_ENV = "FAVORBOOK_BENCH_FIRST_PAINT"
"""Set by the benchmark (bench/run.py): print when the contact list first paints, then stop."""


class _FirstPaint(QObject):
    """Prints ``favorbook-first-paint <time.monotonic_ns()>`` once the contact list has
    finished its first paint, then ends the process at once (nothing was changed, so
    no backup on quit): the benchmark's cold-start figure."""

    def __init__(self, window, guard) -> None:
        super().__init__(window)
        self.guard = guard
        window.contacts_page.list_view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._painted)  # runs once this paint event is done
        return False

    def _painted(self) -> None:
        print(f"favorbook-first-paint {time.monotonic_ns()}", flush=True)
        self.guard.release()
        os._exit(0)


def run(data_dir: str | None = None) -> int:
    from favorbook import paths
    from favorbook.services import session
    from favorbook.ui.single_instance import Claim, SingleInstance

    app = make_application()
    install_excepthook()
    folder = paths.data_dir(data_dir)
    guard = SingleInstance(folder)
    if guard.claim() is Claim.RUNNING:
        there = (
            "its window was brought to the front"
            if guard.answered
            else "switch to its window (it did not answer; it may still be starting)"
        )
        print(f"favorbook is already running on {folder}; {there}.", file=sys.stderr)
        return 0
    try:
        window = start(str(folder), guard)
        if isinstance(window, int):
            return window
        from favorbook.ui import backup_actions

        # On quit, while the database is still open: never blocks quitting.
        app.aboutToQuit.connect(backup_actions.backup_at_quit)
        if os.environ.get(FIRST_PAINT_ENV):
            _FirstPaint(window, guard)
        window.show()
        try:
            return app.exec()
        finally:
            session.close()
    finally:
        guard.release()
