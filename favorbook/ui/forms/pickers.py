"""Choosing a contact by typing part of a name."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from favorbook.services import contacts


class ContactPicker(QComboBox):
    """An editable combo box over the contacts' names; completes on any part of a name.

    ``contact_id()`` is the chosen contact, or None when the box is empty or its
    text names nobody. The first entry is an empty choice when ``optional``.
    """

    contactChanged = Signal(object)  # noqa: N815 (Qt naming) - int | None

    def __init__(
        self, parent: QWidget | None = None, *, optional: bool = True, exclude: int | None = None
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        # Sized for a typical name, not the longest one in the network.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.lineEdit().setPlaceholderText(self.tr("Type a name…"))
        self._optional = optional
        entries = [(i, n) for i, n in contacts.picker_names() if i != exclude]
        if optional:
            self.addItem("", None)
        for contact_id, name in entries:
            self.addItem(name, contact_id)
        completer = QCompleter(self)
        source = QStringListModel([n for _, n in entries], completer)
        completer.setModel(source)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setCurrentIndex(0 if optional else -1)
        self.currentIndexChanged.connect(lambda _i: self.contactChanged.emit(self.contact_id()))

    def contact_id(self) -> int | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.itemData(index)
        # Part of a name that fits exactly one contact ("Paula Beck") means that contact.
        index = self._only_match(text)
        return self.itemData(index) if index >= 0 else None

    def _only_match(self, text: str) -> int:
        found = -1
        needle = text.casefold()
        for index in range(self.count()):
            if needle in self.itemText(index).casefold():
                if found >= 0:
                    return -1
                found = index
        return found

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Complete a unique partial name when the user moves on, so they see whom it means."""
        text = self.currentText().strip()
        if text and self.findText(text, Qt.MatchFlag.MatchFixedString) < 0:
            index = self._only_match(text)
            if index >= 0:
                self.setCurrentIndex(index)
        super().focusOutEvent(event)

    def set_contact_id(self, contact_id: int | None) -> None:
        empty = 0 if self._optional else -1
        self.setCurrentIndex(empty if contact_id is None else self.findData(contact_id))

    def typed_unknown_name(self) -> bool:
        """True when text was typed that names no contact (the form should say so)."""
        return bool(self.currentText().strip()) and self.contact_id() is None
