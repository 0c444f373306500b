"""The mouse wheel scrolls forms; it changes a drop-down, spin box or date only when
the user has put the cursor in that field.

Qt gives a combo box or spin box the focus when the wheel passes over it, then lets
the wheel step its value: scrolling down a long form set "Referred by" to someone
nobody chose. The guard watches the application's windows (each QWindow, where a wheel
event arrives before Qt hands it to the widget under the cursor and gives that widget
the focus): a wheel over a field without the focus goes on to the scroll area the field
sits in, as if the field were not there, and the field neither changes nor takes the
focus. A field with the focus gets the wheel as Qt gives it.

It filters windows, not the application: a filter on the application sees every event
of every widget (some 1,700 Python calls to open a contact and show its tabs, a fifth
of the time it took), a window's filter only what the window system sends it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication, QWheelEvent, QWindow
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

_WHEEL = QEvent.Type.Wheel
_FIELDS = (QComboBox, QAbstractSpinBox)


def field_under(top: QWidget, pos) -> QWidget | None:
    """The field (drop-down, spin box, date) at ``pos`` of the window ``top``, or inside
    which the widget there sits (a spin box's line edit); None if there is none."""
    widget = top.childAt(pos)
    while widget is not None and widget is not top:
        if isinstance(widget, _FIELDS):
            return widget
        widget = widget.parentWidget()
    return None


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    return area


class WheelGuard(QObject):
    calls = 0
    """How many events it was given (tests: it is not given every event of every widget)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        self.calls += 1
        # Only windows are watched; the cheap test first all the same.
        if not isinstance(watched, QWindow) or event.type() != _WHEEL:
            return False
        top = _widget_of(watched)
        if top is None:
            return False
        field = field_under(top, event.position().toPoint())
        if field is None or field.hasFocus():
            return False
        area = scroll_area_of(field)
        if area is not None:
            # The scroll area the field sits in scrolls, as if the field were not there.
            viewport = area.viewport()
            pos = viewport.mapFrom(top, event.position())
            QApplication.sendEvent(
                viewport,
                QWheelEvent(
                    pos,
                    event.globalPosition(),
                    event.pixelDelta(),
                    event.angleDelta(),
                    event.buttons(),
                    event.modifiers(),
                    event.phase(),
                    event.inverted(),
                    event.source(),
                ),
            )
        return True  # the field under the cursor never sees it

    def guard_windows(self, *_args) -> None:
        """Watch every window of the application (those already watched stay watched once)."""
        for window in QGuiApplication.topLevelWindows():
            window.installEventFilter(self)  # Qt keeps one entry per filter


def _widget_of(window: QWindow) -> QWidget | None:
    """The top-level widget shown in ``window`` (None for a window of no widget)."""
    for widget in QApplication.topLevelWidgets():
        if widget.windowHandle() is window:
            return widget
    return None


def install(app: QApplication) -> WheelGuard:
    """Guard every field of the application (once; the guard lives with the app).

    The windows open now are watched at once; a window opened later, from the moment
    the application's focus changes to it (or to any window), which it does as it is
    shown. Fields made before it was installed are guarded too: the window installs it
    after its first paint."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.focusWindowChanged.connect(guard.guard_windows)
    guard.guard_windows()
    return guard
