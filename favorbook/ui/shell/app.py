"""Creating the QApplication and the main window."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from favorbook import __version__
from favorbook.errors import FavorbookError
from favorbook.render import locale_dates
from favorbook.ui.shell.resources import RESOURCES


def app_icon() -> QIcon:
    return QIcon(str(RESOURCES / "icons" / "favorbook.svg"))


PAINT_THREADS_ENV = "QT_NO_GUI_THREADPOOL"


def paint_on_one_thread() -> None:
    """Have Qt paint on the GUI thread alone (before anything is painted; a setting of
    the user's own is kept).

    Qt's raster painter hands every fill taller than about a hundred lines (a scroll bar,
    the list's rows, a tab's background) to a pool of threads in slices of 64 lines and
    waits for them. For fills the size of favorbook's window, handing the slices over and
    waking the threads costs more than the filling: opening a contact and showing its 7
    tabs at 100,000 contacts waited some 8 ms of its 50 on the pool on a 2-core laptop.
    """
    os.environ.setdefault(PAINT_THREADS_ENV, "1")


def make_application(argv: list[str] | None = None, *, guard_wheel: bool = True) -> QApplication:
    """The QApplication, named so settings, data and the desktop find favorbook.

    The desktop file name ties the window to favorbook.desktop (the taskbar icon and
    name on Wayland and in GNOME/KDE docks); the organisation and application names
    decide where QSettings and Qt's standard paths point on every platform.
    ``guard_wheel=False`` leaves the wheel guard (``wheel.install``) to the caller: the
    app installs it after the window's first paint.
    """
    paint_on_one_thread()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("favorbook")
    app.setOrganizationName("favorbook")
    app.setOrganizationDomain("favorbook.org")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("favorbook")
    app.setWindowIcon(app_icon())
    locale_dates.use_locale()
    if guard_wheel:
        from favorbook.ui.shell import wheel

        wheel.install(app)
    return app


def _backup_at_quit() -> None:
    from favorbook.ui.data import backup_actions

    backup_actions.backup_at_quit()


def _guard_wheel(app: QApplication) -> None:
    from favorbook.ui.shell import wheel

    wheel.install(app)


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
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(QApplication.activeWindow(), "favorbook", user_message(exc))

    sys.excepthook = hook


def start(data_dir: str | None, guard):
    """Everything between claiming the data folder and showing the window.

    Returns the main window, or an exit code when favorbook should stop here
    (the user chose Quit in the recovery dialog: 0; the database cannot be opened: 1).
    """
    from favorbook import paths
    from favorbook.services import backup, encryption, health, session
    from favorbook.services.passphrases import ENV_VAR
    from favorbook.ui.shell.single_instance import bring_to_front

    try:
        check = health.startup_check(data_dir)
        if not check.healthy:
            # The recovery dialog's module (and the widgets it uses) only when needed.
            from favorbook.ui.shell import recovery

            if not recovery.ask(check):
                return 0
        passphrase = None
        if encryption.needs_passphrase(paths.database_path(data_dir)) and not os.environ.get(
            ENV_VAR
        ):
            from favorbook.ui.shell.passphrase_dialog import ask_passphrase

            passphrase = ask_passphrase(paths.database_path(data_dir))
            if passphrase is None:
                return 0  # the user gave up: nothing was opened
        path = session.open_data(data_dir, passphrase=passphrase)
    except FavorbookError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "favorbook", str(exc))
        return 1
    from favorbook.ui.shell.main_window import MainWindow

    window = MainWindow(str(path))
    guard.raise_requested.connect(lambda: bring_to_front(window))
    if backup.database_bytes() <= backup.BIG_DATABASE_BYTES:
        start_up_backup(window)  # a small database's backup is made before the window shows
    else:
        # What a big database's start-up backup needs is imported after the first paint.
        window.firstPainted.connect(lambda: start_up_backup(window))
    QTimer.singleShot(BACKGROUND_AFTER_MS, window, lambda: check_in_background(window, path))
    return window


def start_from_first_page(data_dir: str, guard):
    """The window painted from the database's first page, before peewee, the models and
    the services are imported; they load, and the database is opened for them, just after
    the first paint (``MainWindow.ensure_data``). None when the database needs the normal
    start (``start``): new, encrypted, damaged, locked, at another schema, or marked for
    the full check (``db.first_page``)."""
    from favorbook import paths
    from favorbook.db.first_page import open_first_page
    from favorbook.ui.shell.single_instance import bring_to_front

    page = open_first_page(paths.database_path(data_dir))
    if page is None:
        return None
    window = None

    def open_data() -> None:
        from favorbook.services import session

        try:
            path = session.open_data(data_dir)
        except FavorbookError as exc:
            # Locked or changed since the first page was read: said as the normal start
            # says it, and favorbook stops there (nothing was written).
            give_up(window, guard, str(exc))
            return
        QTimer.singleShot(BACKGROUND_AFTER_MS, window, lambda: check_in_background(window, path))

    from favorbook.ui.shell.main_window import MainWindow

    window = MainWindow(str(page.path), first_page=page, open_data=open_data)
    guard.raise_requested.connect(lambda: bring_to_front(window))
    # Made just after the paint for every size (a small database's backup comes before the
    # window on the normal start): nothing can have been changed before it.
    window.firstPainted.connect(lambda: start_up_backup(window))
    return window


def give_up(window, guard, message: str) -> None:
    """Say why the database cannot be opened after all, and end favorbook (the window was
    shown from the first page; nothing was written)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(window, "favorbook", message)
    guard.release()
    os._exit(1)


def start_up_backup(window) -> None:
    """The start-up backup: a small database's now; a big one's on a thread of its own,
    begun once the window has had time to paint (it neither holds up the window nor
    competes with its first paint)."""
    from favorbook.ui.data import backup_actions

    if backup_actions.start_up_backup(window):
        QTimer.singleShot(
            BACKGROUND_AFTER_MS,
            window,
            lambda: backup_actions.automatic_backup_in_background(window),
        )


BACKGROUND_AFTER_MS = 3000
"""How long after the window is built the background check and backup of a big database
begin."""


def check_in_background(window, path: Path):
    """The full PRAGMA quick_check of a database too big to check before opening it (the
    start-up check was the light one): on damage, say so and have the next start check the
    whole file first, where the recovery dialog offers the newest healthy backup. Before
    it, on the same thread, the referral credits the dashboard shows are worked out."""
    from favorbook.services import health
    from favorbook.ui.shell.worker import in_background

    if not path.exists() or path.stat().st_size <= health.FULL_CHECK_LIMIT:
        return None
    from favorbook.db.models import db

    passphrase = db.passphrase

    def done(problems, error) -> None:
        if error is not None or not problems:
            return
        health.mark_for_full_check(path)
        from PySide6.QtWidgets import QMessageBox

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
    from favorbook.ui.shell.single_instance import Claim, SingleInstance

    app = make_application(guard_wheel=False)
    install_excepthook()
    folder = paths.data_dir(data_dir)
    guard = SingleInstance(folder)
    if guard.claim(listen=False) is Claim.RUNNING:
        there = (
            "its window was brought to the front"
            if guard.answered
            else "switch to its window (it did not answer; it may still be starting)"
        )
        print(f"favorbook is already running on {folder}; {there}.", file=sys.stderr)
        return 0
    try:
        window = start_from_first_page(str(folder), guard) or start(str(folder), guard)
        if isinstance(window, int):
            return window
        # On quit, while the database is still open: never blocks quitting (nor runs when
        # the window closed before the database was opened: nothing was changed).
        app.aboutToQuit.connect(lambda: window.data_open and _backup_at_quit())
        window.firstPainted.connect(lambda: _guard_wheel(app))
        window.firstPainted.connect(guard.listen)
        if os.environ.get(FIRST_PAINT_ENV):
            _FirstPaint(window, guard)
        window.show()
        try:
            return app.exec()
        finally:
            from favorbook.db import database

            database.close_database()
    finally:
        guard.release()
