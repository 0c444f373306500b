"""The cells of a ``RecordTableModel`` painted from texts laid out once (see cell_paint)."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from favorbook.ui.shell.cell_paint import CellPainter

KEPT = 4000
"""Texts laid out and kept; past that, the cache starts again (a page scrolled far)."""
_FOCUS = QStyle.StateFlag.State_HasFocus.value


class Records(Protocol):
    """What the delegate reads of a ``RecordTableModel`` (named here, not imported: that
    module makes the delegate)."""

    columns: list

    def record(self, row: int) -> Any | None: ...


class RecordRowDelegate(CellPainter, QStyledItemDelegate):
    """Paints each cell of ``view``'s record table as the stock delegate does, with one
    call into the model's column per cell and each text laid out once for its width.

    The current cell of a focused table (its focus frame), a disabled table, text aligned
    right (which the stock delegate places at a fraction of a pixel), a right-to-left
    layout, a row the model no longer has, and styles other than Fusion are left to the
    stock delegate: what is drawn here is what Fusion draws for such a cell (the suite
    compares the two pixel by pixel).
    """

    def __init__(self, model: Records, view: QAbstractItemView) -> None:
        QStyledItemDelegate.__init__(self, view)
        CellPainter.__init__(self, view, KEPT)
        self._model = model
        self._view = view
        self._bold: tuple[QFont, QFontMetrics] | None = None  # the view's font, bold
        self._margin: int | None = None
        self.restyled()

    def restyled(self) -> None:
        """Forget what was laid out, and find the stock delegate's space beside the text
        (None where it is left to draw: a style other than Fusion)."""
        super().restyled()
        self._bold = None
        style = self._view.style()
        self._margin = None
        if style.name().lower() == "fusion":
            metric = QStyle.PixelMetric.PM_FocusFrameHMargin
            self._margin = style.pixelMetric(metric, None, self._view) + 1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        record = self._model.record(index.row())
        column = self._model.columns[index.column()]
        state = option.state.value
        margin = self._margin
        if (
            record is None
            or margin is None
            or column.right
            or state & _FOCUS
            or self.left_to_qt(option, state)
        ):
            super().paint(painter, option, index)
            return
        text_color, selected = self.background(painter, option, state)
        rect = option.rect
        width, height = rect.width() - 2 * margin, rect.height()
        if width <= 0:
            return
        text = column.text(record)
        bold = bool(column.bold and column.bold(record))
        key = (text, width, height, bold)
        static, dy = self.laid_out(key) or self.lay_out(
            key, text, self._bold_font()[1] if bold else option.fontMetrics, width, height
        )
        if not selected and column.color is not None:
            text_color = column.color(record) or text_color
        painter.setPen(text_color)
        font = self._bold_font()[0] if bold else None
        self.draw(painter, rect.x() + margin, rect.y() + dy, static, font)

    def _bold_font(self) -> tuple[QFont, QFontMetrics]:
        """The view's font in bold (made once a font), and its metrics."""
        if self._bold is None:
            bold = QFont(self._view.font())
            bold.setBold(True)
            self._bold = (bold, QFontMetrics(bold))
        return self._bold
