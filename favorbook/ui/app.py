"""Creating the QApplication and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from favorbook import __version__
from favorbook.errors import FavorbookError

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    return QIcon(str(RESOURCES / "icons" / "favorbook.svg"))


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("favorbook")
    app.setOrganizationName("favorbook")
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


def run(data_dir: str | None = None) -> int:
    from favorbook.services import session

    app = make_application()
    install_excepthook()
    try:
        path = session.open_data(data_dir)
    except FavorbookError as exc:
        QMessageBox.critical(None, "favorbook", str(exc))
        return 1
    from favorbook.ui.main_window import MainWindow

    window = MainWindow(str(path))
    window.show()
    try:
        return app.exec()
    finally:
        session.close()
