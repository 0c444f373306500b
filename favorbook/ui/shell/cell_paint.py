"""Table cells painted from texts laid out once, for the lists a rep pages through.

The stock ``QStyledItemDelegate`` asks the model for some eight roles per cell (each a
call from C++ into Python) and shapes every text anew on every paint: a contact's Favors
tab of ten rows took 3.3 ms to paint at 100,000 contacts. A delegate built on
``CellPainter`` reads its model once per cell and draws a ``QStaticText`` made once for
that text, width and font.

No ``QtCore.Qt`` at import: the contact list imports this before its first paint, and
that namespace is made after it (see qt_values); a delegate is made after the paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QWidget

if TYPE_CHECKING:  # QPainter's enums are made when it is first imported: not before the paint
    from PySide6.QtGui import QPainter

_RESTYLED = frozenset({QEvent.Type.FontChange.value, QEvent.Type.StyleChange.value})
_SELECTED = QStyle.StateFlag.State_Selected.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate.value
_LEFT_TO_RIGHT = 0  # Qt.LayoutDirection.LeftToRight


class CellPainter:
    """For a delegate: a cell's background from the colours of its palette (kept by the
    palette's key), and its texts laid out once and kept (``kept`` at most; then started
    again), forgotten when ``view``'s font or style changes (``restyled``). Made after
    the QObject part of the delegate (it watches ``view``'s events)."""

    def __init__(self, view: QWidget | None, kept: int) -> None:
        self._colors: dict[tuple[int, int], tuple] = {}
        self._texts: dict[tuple, tuple] = {}
        self._kept = kept
        qt = QtCore.Qt
        self._elide = qt.TextElideMode.ElideRight
        self._plain = qt.TextFormat.PlainText
        if view is not None:
            view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type().value in _RESTYLED:
            self.restyled()
        return False

    def restyled(self) -> None:
        """The view's font or style changed: what was laid out is of no more use."""
        self._texts = {}

    def laid_out(self, key: tuple) -> tuple | None:
        """The layout kept as ``key`` (a text and what it is drawn at), or None: any row
        that shows that text finds it (``prepared_text`` once, ``lay_out``)."""
        return self._texts.get(key)

    def lay_out(
        self, key: tuple, text: str, metrics: QFontMetrics, width: int, height: int
    ) -> tuple:
        """``prepared_text`` of ``text``, kept as ``key``."""
        if len(self._texts) >= self._kept:
            self._texts = {}
        found = self._texts[key] = self.prepared_text(text, metrics, width, height)
        return found

    def prepared_text(self, text: str, metrics: QFontMetrics, width: int, height: int) -> tuple:
        """(static text, its offset down): ``text`` elided to ``width`` as the stock
        delegate elides it, centred in ``height``, to draw at the left."""
        static = QStaticText(metrics.elidedText(text, self._elide, width))
        static.setTextFormat(self._plain)
        return static, (height - metrics.height()) // 2

    @staticmethod
    def draw(painter: QPainter, x: int, y: int, static: QStaticText, font=None) -> None:
        """Draw ``static`` at (``x``, ``y``), in ``font`` when given (the painter's own
        font is kept for the next cell)."""
        if font is None:
            painter.drawStaticText(x, y, static)
            return
        painter.save()
        painter.setFont(font)
        painter.drawStaticText(x, y, static)
        painter.restore()

    @staticmethod
    def left_to_qt(option: QStyleOptionViewItem, state: int) -> bool:
        """Whether the stock delegate paints this cell instead: in a right-to-left layout
        (these painters draw texts from the left) or a disabled view (they draw in the
        enabled colours). ``state``: ``option.state.value``."""
        return option.direction.value != _LEFT_TO_RIGHT or not state & _ENABLED

    def background(self, painter: QPainter, option: QStyleOptionViewItem, state: int) -> tuple:
        """Fill the cell's background (selected, or an alternate row); give the colour its
        text takes when its model sets none, and whether the cell is selected. ``state``:
        ``option.state.value`` (read once a cell: each read makes a Python enum)."""
        palette = option.palette
        colors = self._colors.get((palette.cacheKey(), state & _ACTIVE))
        if colors is None:
            colors = self._palette_colors(palette, state & _ACTIVE)
        highlight, alternate, text, highlighted_text = colors
        if state & _SELECTED:
            painter.fillRect(option.rect, highlight)
            return highlighted_text, True
        if option.features.value & _ALTERNATE:
            painter.fillRect(option.rect, alternate)
        return text, False

    def _palette_colors(self, palette: QPalette, active: int) -> tuple:
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        colors = (
            palette.brush(group, QPalette.ColorRole.Highlight),
            palette.brush(group, QPalette.ColorRole.AlternateBase),
            palette.color(group, QPalette.ColorRole.Text),
            palette.color(group, QPalette.ColorRole.HighlightedText),
        )
        if len(self._colors) > 8:
            self._colors.clear()
        self._colors[(palette.cacheKey(), active)] = colors
        return colors
