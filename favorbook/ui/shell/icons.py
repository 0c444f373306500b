"""Icons from resources/icons, drawn in the palette's text colour and sharp at any scale.

The SVGs are drawn with ``currentColor``; each icon is rendered for the
current palette (so it reads in light and dark themes) at 1x, 2x and 3x, which
QIcon picks from by the screen's device pixel ratio.
"""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from favorbook.ui.shell.resources import RESOURCES

SIZE = 20


@cache
def _svg(name: str) -> str:
    return (RESOURCES / "icons" / "nav" / f"{name}.svg").read_text(encoding="utf-8")


def screen_scale() -> int:
    """The pixel scale of the primary screen (1, or 2 and 3 on high-density screens)."""
    screen = QGuiApplication.primaryScreen()
    return max(1, math.ceil(screen.devicePixelRatio())) if screen is not None else 1


def themed_icon(name: str, size: int = SIZE, scales: tuple[int, ...] = (1, 2, 3)) -> QIcon:
    """The icon ``name`` in the text colour (the highlighted text colour when selected),
    drawn at each of ``scales``."""
    palette = QGuiApplication.palette()
    icon = QIcon()
    for mode, role in (
        (QIcon.Mode.Normal, QPalette.ColorRole.WindowText),
        (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText),
    ):
        svg = _svg(name).replace("currentColor", palette.color(role).name())
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        for scale in scales:
            pixmap = QPixmap(size * scale, size * scale)
            pixmap.fill(QColor(0, 0, 0, 0))  # transparent (not via QtCore.Qt: qt_values)
            painter = QPainter(pixmap)
            renderer.render(painter, QRectF(0, 0, size * scale, size * scale))
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            icon.addPixmap(pixmap, mode)
    return icon
