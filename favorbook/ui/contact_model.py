"""The contact list model: a list of ids plus a cache of rows fetched a block at a time.

The view asks only for the rows it paints, so a network of any size costs one
id list and a few small queries per screenful, never a query per row.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from favorbook.services import contacts
from favorbook.services.dates import local_day_text
from favorbook.services.favors import format_ratio
from favorbook.ui.style import warning_color

BLOCK = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class ContactListModel(QAbstractTableModel):
    NAME, COMPANY, KIND, LAST_CONTACT, FAVORS, NEXT_FOLLOWUP = range(6)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._rows: dict[int, contacts.ContactRow] = {}
        self._headers = [
            self.tr("Name"),
            self.tr("Company"),
            self.tr("Kind"),
            self.tr("Last contact"),
            self.tr("Give:take"),
            self.tr("Next follow-up"),
        ]

    # --- filling -------------------------------------------------------------------

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Forget cached rows (after an edit) and repaint."""
        self._rows = {}
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def contact_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, contact_id: int) -> int | None:
        try:
            return self._ids.index(contact_id)
        except ValueError:
            return None

    def _row(self, row: int) -> contacts.ContactRow | None:
        contact_id = self._ids[row]
        cached = self._rows.get(contact_id)
        if cached is None:
            start = max(0, row - BLOCK // 4)
            block = [i for i in self._ids[start : start + BLOCK] if i not in self._rows]
            self._rows.update(contacts.rows(block))
            cached = self._rows.get(contact_id)
        return cached

    # --- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:  # deleted since the id list was made
            return None
        column = index.column()
        if role == Qt.ItemDataRole.FontRole:
            if not row.sample:
                return None
            font = QFont(QApplication.font())
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.archived:
                return QApplication.palette().color(
                    QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                )
            if column == self.FAVORS and row.overdrawn:
                return warning_color()
            if (
                column == self.NEXT_FOLLOWUP
                and row.next_followup
                and (row.next_followup < dt.date.today())
            ):
                return warning_color()
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if column == self.FAVORS:
                text = (
                    self.tr("Give:take %1 — favors given: %2, received: %3")
                    .replace("%1", format_ratio(None, row.given, row.received))
                    .replace("%2", str(row.given))
                    .replace("%3", str(row.received))
                )
                if row.overdrawn:
                    text += " — " + self.tr("overdrawn: give before you ask again")
                lines.append(text)
            if row.sample:
                lines.append(self.tr("Sample contact — File › Remove Sample Network takes it away"))
            return "\n".join(lines) or None
        if column == self.NAME:
            return row.name
        if column == self.COMPANY:
            return row.company
        if column == self.KIND:
            return row.kind.capitalize()
        if column == self.LAST_CONTACT:
            return local_day_text(row.last_contact)
        if column == self.FAVORS:
            return format_ratio(None, row.given, row.received, short=True)
        if column == self.NEXT_FOLLOWUP:
            return row.next_followup.isoformat() if row.next_followup else ""
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
