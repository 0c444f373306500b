"""Small charts painted with QPainter: a ratio gauge, a monthly ratio chart, a bar list.

Text, grid and background follow the palette (light or dark); the two accents
below read on both: green for "at or above the target", amber for "below".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from favorbook.services.favors import format_ratio, format_target

GOOD = QColor("#2e9d6a")
"""Accent: the ratio meets the target (a mid green, readable on light and dark)."""
SHORT = QColor("#e08a1e")
"""Accent: the ratio is below the target (a mid amber)."""


def _role(widget: QWidget, role: QPalette.ColorRole) -> QColor:
    return widget.palette().color(role)


def _faint(widget: QWidget) -> QColor:
    color = QColor(_role(widget, QPalette.ColorRole.Text))
    color.setAlphaF(0.25)
    return color


def _muted(widget: QWidget) -> QColor:
    color = QColor(_role(widget, QPalette.ColorRole.Text))
    color.setAlphaF(0.65)
    return color


class RatioGauge(QWidget):
    """A horizontal bar from 0 to a scale end, filled to the ratio, the target marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratioGauge")
        self._ratio: float | None = None
        self._given = 0
        self._target = 4.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, ratio: float | None, target: float, given: int = 0) -> None:
        """``ratio`` None means nothing was received (all give: full when anything was given)."""
        self._ratio, self._target, self._given = ratio, target, given
        self.update()

    def scale_end(self) -> float:
        """The ratio at the right end of the bar: twice the target, or more to fit the ratio."""
        end = self._target * 2
        if self._ratio is not None and self._ratio > end:
            end = math.ceil(self._ratio / self._target) * self._target
        return end

    def fill_fraction(self) -> float:
        if self._ratio is None:
            return 1.0 if self._given else 0.0
        return min(1.0, self._ratio / self.scale_end())

    def meets_target(self) -> bool:
        return (self._ratio is None and self._given > 0) or (
            self._ratio is not None and self._ratio >= self._target
        )

    def sizeHint(self) -> QSize:
        return QSize(320, self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(160, 28 + 2 * line + 8)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line = fm.height()
        pad = fm.horizontalAdvance("00:1") // 2 + 2
        bar = QRectF(pad, line + 4, self.width() - 2 * pad, 24)
        if bar.width() <= 0:
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_faint(self))
        p.drawRoundedRect(bar, 5, 5)
        fill = QRectF(bar)
        fill.setWidth(bar.width() * self.fill_fraction())
        if fill.width() > 0:
            p.setBrush(GOOD if self.meets_target() else SHORT)
            p.drawRoundedRect(fill, 5, 5)
        end = self.scale_end()
        x = bar.left() + bar.width() * min(1.0, self._target / end)
        p.setPen(QPen(_role(self, QPalette.ColorRole.Text), 2))
        p.drawLine(QPointF(x, bar.top() - 4), QPointF(x, bar.bottom() + 4))
        p.setPen(_role(self, QPalette.ColorRole.Text))
        target_text = self.tr("target %1").replace("%1", format_target(self._target))
        width = fm.horizontalAdvance(target_text)
        left = min(max(0.0, x - width / 2), self.width() - width)
        p.drawText(QPointF(left, fm.ascent()), target_text)
        p.setPen(_muted(self))
        p.drawText(QPointF(bar.left() - pad + 2, bar.bottom() + 4 + fm.ascent()), "0")
        end_text = format_target(end)
        p.drawText(
            QPointF(
                self.width() - fm.horizontalAdvance(end_text) - 2, bar.bottom() + 4 + fm.ascent()
            ),
            end_text,
        )


@dataclass
class MonthBar:
    label: str
    given: int
    received: int

    @property
    def ratio(self) -> float | None:
        return self.given / self.received if self.received else None


class MonthlyRatioChart(QWidget):
    """The give:take ratio per month as bars, with a dashed line at the target.

    A month with favors given and none received is drawn as a full bar marked "∞";
    a month with no favors at all has no bar.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthlyRatioChart")
        self._bars: list[MonthBar] = []
        self._target = 4.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def set_data(self, bars: list[MonthBar], target: float) -> None:
        self._bars, self._target = list(bars), target
        self.update()

    def bars(self) -> list[MonthBar]:
        return list(self._bars)

    def scale_end(self) -> float:
        finite = [b.ratio for b in self._bars if b.ratio is not None]
        top = max([self._target * 1.5, *finite])
        step = 1 if top <= 8 else 2 if top <= 16 else 5
        return math.ceil(top / step) * step

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 6 * self.fontMetrics().height())

    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("00:1") + 8
        return QRectF(
            left,
            fm.height() / 2 + 2,
            self.width() - left - 4,
            self.height() - fm.height() * 1.5 - 8,
        )

    def _bar_rect(self, index: int, plot: QRectF) -> QRectF:
        slot = plot.width() / max(1, len(self._bars))
        width = max(2.0, slot * 0.62)
        return QRectF(
            plot.left() + index * slot + (slot - width) / 2, plot.top(), width, plot.height()
        )

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        plot = self._plot_rect()
        if plot.height() < 10 or plot.width() < 10:
            return
        end = self.scale_end()

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * min(1.0, value / end)

        # Grid lines and their labels.
        step = 1 if end <= 8 else 2 if end <= 16 else 5
        p.setPen(QPen(_faint(self), 1))
        value = 0
        while value <= end:
            y = y_of(value)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(_muted(self))
            text = f"{value:g}"
            p.drawText(
                QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            p.setPen(QPen(_faint(self), 1))
            value += step if end / step <= 6 else step * 2

        # Bars.
        every = 1
        widest = max((fm.horizontalAdvance(b.label) for b in self._bars), default=0) + 6
        slot = plot.width() / max(1, len(self._bars))
        while widest * 1.0 > slot * every and every < len(self._bars):
            every += 1
        for i, bar in enumerate(self._bars):
            rect = self._bar_rect(i, plot)
            if bar.given or bar.received:
                ratio = bar.ratio
                top = plot.top() if ratio is None else y_of(ratio)
                height = max(2.0, plot.bottom() - top)
                meets = ratio is None or ratio >= self._target
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(GOOD if meets else SHORT)
                p.drawRect(QRectF(rect.left(), plot.bottom() - height, rect.width(), height))
                if ratio is None and rect.width() >= fm.horizontalAdvance("∞"):
                    p.setPen(_role(self, QPalette.ColorRole.Window))
                    p.drawText(
                        QRectF(rect.left(), plot.top(), rect.width(), fm.height()),
                        Qt.AlignmentFlag.AlignCenter,
                        "∞",
                    )
            if (len(self._bars) - 1 - i) % every == 0:
                p.setPen(_muted(self))
                p.drawText(
                    QRectF(
                        rect.center().x() - slot * every / 2,
                        plot.bottom() + 4,
                        slot * every,
                        fm.height(),
                    ),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    bar.label,
                )

        # Target line on top.
        y = y_of(self._target)
        pen = QPen(_role(self, QPalette.ColorRole.Text), 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(QPen(_faint(self), 1))
        p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))

    def mouseMoveEvent(self, event) -> None:
        plot = self._plot_rect()
        for i, bar in enumerate(self._bars):
            rect = self._bar_rect(i, plot)
            if rect.left() <= event.position().x() <= rect.right():
                ratio = bar.ratio
                text = self.tr("%1: %2 given, %3 received").replace("%1", bar.label)
                text = text.replace("%2", str(bar.given)).replace("%3", str(bar.received))
                text += f" ({format_ratio(ratio, bar.given, bar.received)})"
                QToolTip.showText(event.globalPosition().toPoint(), text, self)
                return
        QToolTip.hideText()


@dataclass
class Bar:
    key: int
    label: str
    value: float
    text: str


class BarList(QWidget):
    """Horizontal bars, one a row, labelled on the left; clicking a row emits its key."""

    activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._hover = -1
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = list(bars)
        self._hover = -1
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self._bars)) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def row_rect(self, index: int) -> QRectF:
        h = self._row_height()
        return QRectF(0, index * h, self.width(), h)

    def paintEvent(self, _event) -> None:
        if not self._bars:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm: QFontMetrics = self.fontMetrics()
        label_width = min(
            self.width() * 0.4, max(fm.horizontalAdvance(b.label) for b in self._bars) + 8
        )
        value_width = max(fm.horizontalAdvance(b.text) for b in self._bars)
        top = max(b.value for b in self._bars) or 1.0
        track = self.width() - label_width - value_width - 24
        for i, bar in enumerate(self._bars):
            row = self.row_rect(i)
            if i == self._hover:
                p.fillRect(row, _faint(self))
            p.setPen(_role(self, QPalette.ColorRole.Text))
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_width))
            p.drawText(
                QRectF(4, row.top(), label_width, row.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            width = max(2.0, track * bar.value / top) if track > 0 else 0
            path = QPainterPath()
            path.addRoundedRect(
                QRectF(label_width + 12, row.top() + 4, width, row.height() - 8), 3, 3
            )
            p.fillPath(path, GOOD)
            p.setPen(_muted(self))
            p.drawText(
                QRectF(label_width + 18 + width, row.top(), value_width + 4, row.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )

    def _index_at(self, y: float) -> int:
        index = int(y // self._row_height())
        return index if 0 <= index < len(self._bars) else -1

    def mouseMoveEvent(self, event) -> None:
        index = self._index_at(event.position().y())
        if index != self._hover:
            self._hover = index
            self.update()

    def leaveEvent(self, _event) -> None:
        self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self._index_at(event.position().y())
            if index >= 0:
                self.activated.emit(self._bars[index].key)
