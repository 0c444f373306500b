"""PySide6 6.12.0 under Python 3.11 drops a reference to None on every call of a Qt
method returning nothing, and the process aborts (none_dealloc). This guards the pin."""

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_refcount(qapp):
    obj = QObject()
    obj.setObjectName("warm-up")
    before = sys.getrefcount(None)
    for _ in range(5000):
        obj.setObjectName("x")
        obj.blockSignals(False)
    after = sys.getrefcount(None)
    assert abs(after - before) < 50, (before, after)
