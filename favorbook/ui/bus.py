"""The window's shared wiring: one signal saying what data changed, one to show a contact.

Every page and form gets the same ``Bus``. A slot that wrote through a service
emits ``changed`` with the ``Change`` flags of what it wrote (``services/changes.py``);
each view refreshes itself from services only when the change meets what it shows
(lazily, when it is next shown). ``open_contact`` asks the main window to show a
contact on the Contacts page; ``message`` puts a line in the status bar. The
undo stack is shared so every page can push undoable commands.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack


class Bus(QObject):
    changed = Signal(object)
    """Something was written: the ``Change`` flags of what. Views showing it refresh."""
    open_contact = Signal(int)
    """Show this contact (by id) on the Contacts page."""
    message = Signal(str)
    """A short confirmation for the status bar."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
