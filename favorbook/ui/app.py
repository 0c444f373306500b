"""Creating the QApplication and the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from favorbook import __version__
from favorbook.errors import FavorbookError


def resources_dir() -> Path:
    """resources/: inside the bundle when frozen by PyInstaller, else beside the package."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES = resources_dir()


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
    from favorbook.ui import backup_actions, recovery
    from favorbook.ui.single_instance import bring_to_front

    try:
        if not recovery.check_at_start(data_dir):
            return 0
        passphrase = None
        if encryption.needs_passphrase(paths.database_path(data_dir)) and not os.environ.get(
            encryption.ENV_VAR
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
    backup_actions.automatic_backup(window)
    return window


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
        app.aboutToQuit.connect(lambda: backup_actions.automatic_backup(only_if_due=False))
        window.show()
        try:
            return app.exec()
        finally:
            session.close()
    finally:
        guard.release()
