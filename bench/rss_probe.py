"""Peak memory of favorbook with a big network loaded (run by bench/run.py).

Opens the main window on the data folder given, pages through the contact list,
opens a few contacts and the dashboard, then prints its own peak resident set
size (VmHWM from /proc/self/status, in KiB) and exits. The parent cannot use
ru_maxrss from wait4: on Linux a child's figure includes the parent's resident
set at fork time, so a big bench process would be counted as the app's.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(data_dir: str, pages: int = 100) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from favorbook.services import session
    from favorbook.ui.shell.app import make_application
    from favorbook.ui.shell.main_window import MainWindow

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
    print(f"favorbook-peak-rss-kib {_peak_kib()}", flush=True)
    return 0


def _peak_kib() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource  # not Linux: ru_maxrss of this process (bytes on macOS)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100))
