"""Values of Qt's ``Qt`` namespace for the code that runs before the first paint.

The first use of ``PySide6.QtCore.Qt`` makes every enum of that namespace a Python enum
(128 of them: about 20 ms of a cold start, which the bare window it is measured against
never pays). Whatever runs before the contact list's first paint uses these plain ints
instead: item roles are ints to the model API, and an enum-typed Qt property is set with
``set_property`` (Qt converts the int). ``QtCore.Qt`` itself is reached only after the
paint. tests/gui/shell/test_qt_values.py checks each value against its enum.
"""

from __future__ import annotations

DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
FONT_ROLE = 6
FOREGROUND_ROLE = 9
USER_ROLE = 256
ALIGN_CENTER = 0x0084
"""Qt.AlignmentFlag.AlignCenter (horizontally and vertically)."""
ACTIONS_CONTEXT_MENU = 2
"""Qt.ContextMenuPolicy.ActionsContextMenu."""
WIDGET_SHORTCUT = 0
"""Qt.ShortcutContext.WidgetShortcut."""
CUSTOM_CONTEXT_MENU = 3
"""Qt.ContextMenuPolicy.CustomContextMenu."""


def set_property(obj, name: str, value: int) -> None:
    """Set the enum-typed Qt property ``name`` of ``obj`` from its int value."""
    if not obj.setProperty(name, value):
        raise AttributeError(f"{type(obj).__name__} has no property {name!r}")
