"""Accent colours shared by every widget, chosen to read on light and dark palettes.

Warnings (overdue, overdrawn, open IOUs) use one red; a ratio below the target but not
overdrawn is said in amber, one at the target in green. Each has a darker shade for a
light palette and a lighter one for a dark palette, so text in it keeps a WCAG contrast
of at least 4.5:1 (AA) against the window and the lists (tests/gui/test_finished_window).
The charts fill shapes with their own mid tones (``charts.GOOD``, ``charts.SHORT``).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

WARNING_RED = "#c0392b"
"""The warning red on a light palette (5.4:1 against white)."""
WARNING_RED_ON_DARK = "#ff8a80"
"""The warning red on a dark palette (7.1:1 against #202020, 4.6:1 against #3c3f41)."""


AMBER_TEXT = "#8f5200"
"""Amber text on a light palette (5.4:1 against #efefef, 6.2:1 against white)."""
AMBER_TEXT_ON_DARK = "#f0a848"
"""Amber text on a dark palette (8.1:1 against #202020, 5.3:1 against #3c3f41)."""
GREEN_TEXT = "#1d7442"
"""Green text on a light palette (5.0:1 against #efefef)."""
GREEN_TEXT_ON_DARK = "#5fd393"
"""Green text on a dark palette (8.7:1 against #202020, 5.7:1 against #3c3f41)."""
BLUE_TEXT = "#1c6598"
"""Calm blue text (a favor received) on a light palette (5.4:1 against #efefef)."""
BLUE_TEXT_ON_DARK = "#6cb4e4"
"""Calm blue text on a dark palette (7.2:1 against #202020, 4.7:1 against #3c3f41)."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor | str) -> float:
    """WCAG relative luminance of a colour, 0 (black) to 1 (white)."""
    # Not QColor(color): choosing among its overloads (one takes a Qt.GlobalColor) builds
    # all of QtCore.Qt's enums, and this runs before the contact list's first paint.
    c = color if isinstance(color, QColor) else QColor.fromString(color)
    return 0.2126 * _channel(c.red()) + 0.7152 * _channel(c.green()) + 0.0722 * _channel(c.blue())


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def is_dark(palette: QPalette | None = None) -> bool:
    """True when text is painted on a dark background (a dark theme)."""
    palette = palette or QGuiApplication.palette()
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    return luminance(base) < luminance(text)


def warning_red(palette: QPalette | None = None) -> str:
    """The warning red as "#rrggbb" for the palette (the application's by default)."""
    return WARNING_RED_ON_DARK if is_dark(palette) else WARNING_RED


def warning_color(palette: QPalette | None = None) -> QColor:
    """The warning red as a QColor, for ForegroundRole and painters."""
    return QColor(warning_red(palette))


def amber_text(palette: QPalette | None = None) -> str:
    """Amber for text ("below the target") as "#rrggbb", readable on the palette."""
    return AMBER_TEXT_ON_DARK if is_dark(palette) else AMBER_TEXT


def green_text(palette: QPalette | None = None) -> str:
    """Green for text ("at the target", "in good standing"), readable on the palette."""
    return GREEN_TEXT_ON_DARK if is_dark(palette) else GREEN_TEXT


def blue_text(palette: QPalette | None = None) -> str:
    """Calm blue for text (a favor received), readable on the palette."""
    return BLUE_TEXT_ON_DARK if is_dark(palette) else BLUE_TEXT
