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


class Gated:
    """``owner.name`` replaced by a version that waits for ``open()`` before it runs,
    noting whether each call came on the window's thread (``on_window_thread``): for a
    read a view should make on a worker thread."""

    def __init__(self, monkeypatch, owner, name: str, when=None) -> None:
        """``when(*args, **kwargs)``: which calls wait (all of them when None); the
        others run at once and are not noted."""
        import threading

        self.gate = threading.Event()
        self.on_window_thread: list[bool] = []
        real = getattr(owner, name)

        def gated(*args, **kwargs):
            if when is not None and not when(*args, **kwargs):
                return real(*args, **kwargs)
            self.on_window_thread.append(threading.current_thread() is threading.main_thread())
            self.gate.wait(10)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, gated)

    def open(self) -> None:
        self.gate.set()

    def close(self) -> None:
        self.gate.clear()


def wrap_widths(monkeypatch) -> list[int]:
    """The widths every WrapLabel is asked its height for, from now on."""
    from favorbook.ui.shell.wrap_label import WrapLabel

    asked: list[int] = []
    height_for_width = WrapLabel.heightForWidth

    def heights(label, width):
        asked.append(width)
        return height_for_width(label, width)

    monkeypatch.setattr(WrapLabel, "heightForWidth", heights)
    return asked


def read_on_a_worker(window, qtbot, monkeypatch, page, read: tuple, *, big_from: int, rows: int):
    """Show ``page`` on a network of ``big_from`` contacts or more while its read
    (``read``: owner and name of the function it calls) is held back: the window is back
    at once with the page's loading text, then the ``rows`` come from a worker thread."""
    from favorbook.ui.records import record_list

    monkeypatch.setattr(record_list, "BACKGROUND_FROM", big_from)
    gated = Gated(monkeypatch, *read)
    window.show_page(page)  # back at once, though the reading waits
    assert page.is_loading() and page.empty_label.text() == page.loading_text()
    gated.open()
    qtbot.waitUntil(lambda: not page.is_loading() and page.model.rowCount() == rows, timeout=10000)
    assert gated.on_window_thread == [False]
