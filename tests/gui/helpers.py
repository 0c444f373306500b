"""Small helpers the list views' tests share."""


def show_active(qtbot, view, width: int, height: int):
    """Show ``view`` at a realistic size as the active window (so keys reach it)."""
    qtbot.addWidget(view)
    view.resize(width, height)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def column_texts(view, name: str) -> list[str]:
    """The texts of the list's column ``name``, top to bottom."""
    model = view.model
    column = model.column_named(name)
    return [model.index(r, column).data() for r in range(model.rowCount())]


def turn_wheel(widget, steps: int = -3) -> None:
    """Turn the mouse wheel over ``widget`` (negative: towards the user, scrolling down),
    as the window system does: to its window, which hands it to the widget there."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    top = widget.window()
    centre = QPointF(widget.mapTo(top, widget.rect().center()))
    event = QWheelEvent(
        centre,
        QPointF(top.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(top.windowHandle(), event)
