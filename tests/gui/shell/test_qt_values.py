"""favorbook.ui.shell.qt_values: the ints that stand for QtCore.Qt's enums before the first
paint are the enums' values, and an enum-typed property set from one reads back as the
enum."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QTableView

from favorbook.ui.contacts.contact_model import ID_ROLE
from favorbook.ui.shell import qt_values
from favorbook.ui.shell.main_window import NAV_ICON_ROLE


def test_each_value_is_its_enum():
    role = Qt.ItemDataRole
    assert role.DisplayRole.value == qt_values.DISPLAY_ROLE
    assert role.ToolTipRole.value == qt_values.TOOLTIP_ROLE
    assert role.FontRole.value == qt_values.FONT_ROLE
    assert role.ForegroundRole.value == qt_values.FOREGROUND_ROLE
    assert role.UserRole.value == qt_values.USER_ROLE
    assert role.UserRole + 1 == ID_ROLE
    assert role.UserRole + 7 == NAV_ICON_ROLE
    assert Qt.AlignmentFlag.AlignCenter.value == qt_values.ALIGN_CENTER
    assert Qt.ContextMenuPolicy.ActionsContextMenu.value == qt_values.ACTIONS_CONTEXT_MENU
    assert Qt.ContextMenuPolicy.CustomContextMenu.value == qt_values.CUSTOM_CONTEXT_MENU
    assert Qt.ShortcutContext.WidgetShortcut.value == qt_values.WIDGET_SHORTCUT


def test_a_property_set_from_its_int_reads_back_as_the_enum(qapp):
    label, view, action = QLabel(), QTableView(), QAction("x")
    qt_values.set_property(label, "alignment", qt_values.ALIGN_CENTER)
    qt_values.set_property(view, "contextMenuPolicy", qt_values.ACTIONS_CONTEXT_MENU)
    qt_values.set_property(action, "shortcutContext", qt_values.WIDGET_SHORTCUT)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut
    with pytest.raises(AttributeError):
        qt_values.set_property(label, "noSuchProperty", 1)
