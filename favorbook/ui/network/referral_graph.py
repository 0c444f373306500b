"""Who introduced whom around one contact, drawn as levels: ancestors above, descendants below.

Clicking a person asks the window to open them. The picture fits the view when
it is small enough to read; a big tree keeps a readable scale and scrolls, and
Ctrl+wheel zooms.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from favorbook.services import referrals
from favorbook.services.changes import Change
from favorbook.ui.shell.bus import Bus
from favorbook.ui.shell.refresh import FollowsChanges

NODE_WIDTH = 168
NODE_GAP = 24
LEVEL_GAP = 56
MIN_SCALE = 0.6
MAX_SCALE = 1.0


class NodeItem(QGraphicsItem):
    """One person: a rounded box with their (elided) name."""

    def __init__(self, contact_id: int, name: str, level: int, center: bool, height: float):
        super().__init__()
        self.contact_id = contact_id
        self.name = name
        self.level = level
        self.is_center = center
        self._rect = QRectF(-NODE_WIDTH / 2, -height / 2, NODE_WIDTH, height)
        self.setToolTip(name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self._hover = False

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def hoverEnterEvent(self, _event) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, _event) -> None:
        self._hover = False
        self.update()

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, widget=None) -> None:
        palette = widget.palette() if widget is not None else QPalette()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.is_center:
            fill = palette.color(QPalette.ColorRole.Highlight)
            text = palette.color(QPalette.ColorRole.HighlightedText)
            border = fill.darker(130)
        else:
            fill = palette.color(QPalette.ColorRole.Base)
            text = palette.color(QPalette.ColorRole.Text)
            border = palette.color(
                QPalette.ColorRole.Highlight if self._hover else QPalette.ColorRole.Mid
            )
        painter.setPen(QPen(border, 2 if self.is_center or self._hover else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, 8, 8)
        font = painter.font()
        font.setBold(self.is_center)
        painter.setFont(font)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        label = metrics.elidedText(
            self.name, Qt.TextElideMode.ElideRight, int(self._rect.width() - 16)
        )
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, label)

    def label(self, metrics) -> str:
        return metrics.elidedText(self.name, Qt.TextElideMode.ElideRight, NODE_WIDTH - 16)


class EdgeItem(QGraphicsItem):
    """An arrow from who introduced to whom they introduced (top to bottom)."""

    def __init__(self, source: NodeItem, target: NodeItem):
        super().__init__()
        self.source, self.target = source, target
        self.setZValue(-1)
        start = source.pos() + QPointF(0, source.boundingRect().bottom() - 2)
        end = target.pos() + QPointF(0, target.boundingRect().top() + 2)
        self._start, self._end = start, end
        mid = (start.y() + end.y()) / 2
        self._path = QPainterPath(start)
        self._path.cubicTo(QPointF(start.x(), mid), QPointF(end.x(), mid), end)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-8, -8, 8, 8)

    def paint(self, painter: QPainter, _option, widget=None) -> None:
        palette = widget.palette() if widget is not None else QPalette()
        color = QColor(palette.color(QPalette.ColorRole.Text))
        color.setAlphaF(0.55)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        # Arrow head at the end, along the curve's last direction (straight down).
        angle = math.atan2(
            self._end.y() - self._path.pointAtPercent(0.95).y(),
            self._end.x() - self._path.pointAtPercent(0.95).x(),
        )
        size = 8
        left = self._end - QPointF(
            size * math.cos(angle - math.pi / 7), size * math.sin(angle - math.pi / 7)
        )
        right = self._end - QPointF(
            size * math.cos(angle + math.pi / 7), size * math.sin(angle + math.pi / 7)
        )
        painter.setBrush(QBrush(color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([self._end, left, right]))


def layout(graph: referrals.Graph) -> dict[int, tuple[float, int]]:
    """x (in node slots) and level for each node: a tidy tree below the center, the chain
    above it straight up. Every subtree sits centred over its leaves."""
    children: dict[int, list[int]] = {}
    for source, subject in graph.edges:
        if graph.levels.get(subject, 0) > 0:
            children.setdefault(source, []).append(subject)
    for kids in children.values():
        kids.sort(key=lambda c: graph.nodes.get(c, "").casefold())
    positions: dict[int, tuple[float, int]] = {}
    next_leaf = [0.0]

    def place(node: int, depth: int) -> float:
        kids = children.get(node, [])
        if not kids:
            x = next_leaf[0]
            next_leaf[0] += 1
        else:
            xs = [place(k, depth + 1) for k in kids]
            x = (xs[0] + xs[-1]) / 2
        positions[node] = (x, depth)
        return x

    center_x = place(graph.center, 0)
    for node, level in graph.levels.items():
        if level < 0:
            positions[node] = (center_x, level)
    return positions


class ReferralGraph(FollowsChanges, QGraphicsView):
    """The referral chain around one contact. ``show_contact(id | None)`` redraws it."""

    SHOWS = Change.REFERRALS | Change.CONTACTS

    def __init__(self, bus: Bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralGraph")
        self.setAccessibleName(self.tr("Who referred whom"))
        self._bus = bus
        self._scene = QGraphicsScene(self)
        # A chain of a dozen people: no spatial index to build after each contact shown
        # (the scene's BSP tree took 2.4 ms of every open, on the next turn of the loop).
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(self.palette().brush(QPalette.ColorRole.Window))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.contact_id: int | None = None
        self.graph: referrals.Graph | None = None
        self.nodes: dict[int, NodeItem] = {}
        self.message = ""
        self._zoomed = False
        self._press_item: NodeItem | None = None
        self.follow_changes(bus)
        self.show_contact(None)

    # --- content ---------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        self.contact_id = contact_id
        self.mark_fresh()
        self._scene.clear()
        self.nodes = {}
        self._zoomed = False
        self.resetTransform()
        if contact_id is None:
            self.graph = None
            self._show_message(self.tr("Select a contact to see who introduced whom."))
            return
        self.graph = referrals.graph(contact_id, up=3, down=3)
        if contact_id not in self.graph.nodes:  # deleted meanwhile
            self._show_message(self.tr("This contact no longer exists."))
            return
        if not self.graph.edges:
            self._show_message(
                self.tr(
                    "%1 has no referral links yet: nobody recorded as bringing them, "
                    "and nobody they brought."
                ).replace("%1", self.graph.nodes.get(contact_id, ""))
            )
            return
        self.message = ""
        height = self.fontMetrics().height() + 18
        for node, (slot, level) in layout(self.graph).items():
            item = NodeItem(node, self.graph.nodes.get(node, ""), level, node == contact_id, height)
            item.setPos(slot * (NODE_WIDTH + NODE_GAP), level * (height + LEVEL_GAP))
            self._scene.addItem(item)
            self.nodes[node] = item
        for source, subject in self.graph.edges:
            if source in self.nodes and subject in self.nodes:
                self._scene.addItem(EdgeItem(self.nodes[source], self.nodes[subject]))
        self._scene.setSceneRect(self._scene.itemsBoundingRect().adjusted(-24, -24, 24, 24))
        self._fit()

    def refresh(self) -> None:
        self.show_contact(self.contact_id)

    def _show_message(self, text: str) -> None:
        self.message = text
        item = QGraphicsSimpleTextItem()
        item.setBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        # Wrap by hand: a simple text item does not wrap.
        words, lines, line = text.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if self.fontMetrics().horizontalAdvance(trial) > 360 and line:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        item.setText("\n".join(lines))
        self._scene.addItem(item)
        self._scene.setSceneRect(item.boundingRect().adjusted(-20, -20, 20, 20))
        self.centerOn(item)

    def node_ids(self) -> set[int]:
        return set(self.nodes)

    def levels(self) -> dict[int, int]:
        return {node: item.level for node, item in self.nodes.items()}

    # --- view --------------------------------------------------------------------------

    def _fit(self) -> None:
        if not self.nodes or self._zoomed:
            return
        rect = self._scene.sceneRect()
        view = self.viewport().rect()
        if rect.width() <= 0 or rect.height() <= 0 or view.width() <= 0:
            return
        scale = min(view.width() / rect.width(), view.height() / rect.height())
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        self.resetTransform()
        self.scale(scale, scale)
        center = self.nodes.get(self.contact_id)
        self.centerOn(center if center is not None and scale == MIN_SCALE else rect.center())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.setBackgroundBrush(self.palette().brush(QPalette.ColorRole.Window))
        super().changeEvent(event)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            current = self.transform().m11()
            if 0.2 <= current * factor <= 3.0:
                self.scale(factor, factor)
                self._zoomed = True
            event.accept()
            return
        super().wheelEvent(event)

    def zoom_to_fit(self) -> None:
        self._zoomed = False
        self._fit()

    def _node_at(self, pos) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:
        self._press_item = (
            self._node_at(event.position().toPoint())
            if event.button() == Qt.MouseButton.LeftButton
            else None
        )
        self._press_pos = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        item = self._press_item
        self._press_item = None
        if (
            item is not None
            and event.button() == Qt.MouseButton.LeftButton
            and (event.position() - self._press_pos).manhattanLength() < 6
            and self._node_at(event.position().toPoint()) is item
        ):
            event.accept()
            self._bus.open_contact.emit(item.contact_id)
