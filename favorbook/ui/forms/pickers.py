"""Choosing a contact by typing part of a name."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from favorbook.services import contacts

_split_kept: list = [None, ([], [])]


def _split(entries: list[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """The ids and the labels of ``contacts.picker_names()``, split once per list it
    gives (it gives the same list until the data changes): every picker of a form, and
    of the next form, shares them."""
    if _split_kept[0] is not entries:
        _split_kept[:] = [entries, ([i for i, _ in entries], [n for _, n in entries])]
    return _split_kept[1]


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
        # One list model for the box and its completer, the ids beside it: adding 100,000
        # items one by one (and a second copy for the completer) took 0.3 s a picker.
        ids, labels = _split(contacts.picker_names())
        if exclude is not None and exclude in ids:
            at = ids.index(exclude)
            ids, labels = ids[:at] + ids[at + 1 :], labels[:at] + labels[at + 1 :]
        self._ids: list[int | None] = [None, *ids] if optional else ids
        self._labels: list[str] = ["", *labels] if optional else labels
        self._folded: list[str] | None = None  # the labels casefolded, made when first needed
        self.setModel(QStringListModel(self._labels, self))
        completer = QCompleter(self.model(), self)
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
            return self._ids[index]
        # Part of a name that fits exactly one contact ("Paula Beck") means that contact.
        index = self._only_match(text)
        return self._ids[index] if index >= 0 else None

    def _only_match(self, text: str) -> int:
        if self._folded is None:
            self._folded = [label.casefold() for label in self._labels]
        needle = text.casefold()
        found = [i for i, label in enumerate(self._folded) if needle in label]
        return found[0] if len(found) == 1 else -1

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
        if contact_id is None or contact_id not in self._ids:
            self.setCurrentIndex(empty if contact_id is None else -1)
        else:
            self.setCurrentIndex(self._ids.index(contact_id))

    def typed_unknown_name(self) -> bool:
        """True when text was typed that names no contact (the form should say so)."""
        return bool(self.currentText().strip()) and self.contact_id() is None
