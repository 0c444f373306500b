"""The floor for favorbook's cold start: a bare Qt window with an empty table.

Started by bench/run.py as a subprocess, exactly like the app: it prints
``favorbook-first-paint <time.monotonic_ns()>`` once the table's viewport has
finished its first paint, and ends at once.
"""

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class FirstPaint(QObject):
    def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.painted)
        return False

    def painted(self):
        print(f"favorbook-first-paint {time.monotonic_ns()}", flush=True)
        os._exit(0)


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    table = QTableView()
    window.setCentralWidget(table)
    window.resize(1280, 800)
    probe = FirstPaint()
    table.viewport().installEventFilter(probe)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
