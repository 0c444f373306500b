"""Peak memory of favorbook with a big network loaded (run by bench/run.py).

Opens the main window on the data folder given, pages through the contact list,
opens a few contacts and the dashboard, then exits; the parent reads the peak
resident set size (ru_maxrss) of this process from os.wait4.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(data_dir: str, pages: int = 100) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from favorbook.services import session
    from favorbook.ui.app import make_application
    from favorbook.ui.main_window import MainWindow

    app = make_application()
    path = session.open_data(data_dir)
    window = MainWindow(str(path))
    window.show()
    app.processEvents()
    view = window.contacts_page.list_view
    view.setFocus()
    for _ in range(pages):
        QTest.keyClick(view, Qt.Key.Key_PageDown)
        app.processEvents()
    window.show_page(window.dashboard)
    app.processEvents()
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100))
