"""The mouse wheel scrolls forms; it changes a drop-down, spin box or date only when
the user has put the cursor in that field.

Qt gives a combo box or spin box the focus when the wheel passes over it, then lets
the wheel step its value: scrolling down a long form set "Referred by" to someone
nobody chose. One filter on the application fixes every form and page at once: such
fields take the focus by click or Tab only, and a wheel over one without the focus
goes on to what holds it (the form's scroll area).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish
_FIELDS = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        # Every event of the application passes here (thousands when a contact's tab is
        # built): the cheap test first, the event's type (a Python enum) only for fields.
        if not isinstance(watched, _FIELDS):
            return False
        kind = event.type()
        if kind == _POLISH:
            if isinstance(watched, _FIELDS) and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == _WHEEL and isinstance(watched, _FIELDS) and not watched.hasFocus():
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:
                # The scroll area the field sits in scrolls, as if the field were not there.
                QApplication.sendEvent(area.viewport(), event.clone())
                event.accept()
            else:
                event.ignore()  # handled here, and Qt offers it to the parent widgets
            return True
        return False


def install(app: QApplication) -> WheelGuard:
    """Guard every field of the application (once; the filter lives with the app).

    Fields made before it was installed are guarded too: the window installs it after
    its first paint, since a filter on the application sees every event of start-up."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        for widget in app.allWidgets():
            if isinstance(widget, _FIELDS) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return guard
