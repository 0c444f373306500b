"""Sync Conflicts…: the fields changed both here and on the server since the last sync.

The server's value won when the sync merged them; the rep's own value is kept here.
"Keep Mine" writes it back (``conflicts.restore_local``; it goes up on the next
sync), "Keep Server's" accepts the server's (``conflicts.dismiss``). A double click
shows the contact.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services.changes import Change
from favorbook.services.session import describe_error
from favorbook.ui.record_list import RowsTableModel, read_only_table
from favorbook.ui.refresh import on_change
from favorbook.ui.sync_status import utc_naive, when_text

LONG = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncConflicts", text)


def field_label(row) -> str:
    """The conflict's field as the rep calls it ("emails" → "Emails")."""
    label = getattr(row, "field_label", "")  # sync.vcard_fields.LABELS, in English
    return _tr(label) if label else row.field.replace("_", " ").capitalize()


def value_text(text: str) -> str:
    """A value as one line; nothing as "(empty)", a picture or a long text by its size."""
    text = " ".join((text or "").split())
    if not text:
        return _tr("(empty)")
    if text.startswith("data:") or len(text) > LONG:
        return _tr("(a picture or long text, %1 characters)").replace("%1", f"{len(text):,}")
    return text


class ConflictModel(RowsTableModel):
    """Unresolved conflicts, newest first: contact, field, your value, server value, when."""

    COLUMNS = ("Contact", "Field", "Your value", "Server value", "When")
    IdRole = Qt.ItemDataRole.UserRole + 1
    ContactRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [_tr(column) for column in self.COLUMNS]
        self._many_accounts = False

    def set_conflicts(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
        self._many_accounts = len({r.account for r in rows}) > 1
        self.endResetModel()

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            name = row.contact_name or _tr("(deleted contact)")
            if self._many_accounts:
                name = f"{name} ({row.account})"
            return (
                name,
                field_label(row),
                value_text(row.local_value),
                value_text(row.server_value),
                when_text(utc_naive(row.created_at)),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3):
            return value_text(row.local_value if column == 2 else row.server_value)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return _tr("Double-click to show the contact") if row.contact_id else None
        if role == self.IdRole:
            return row.id
        if role == self.ContactRole:
            return row.contact_id
        return None


class ConflictsDialog(QDialog):
    """The conflicts to review; not modal, so the contacts can be looked at beside it."""

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.setObjectName("syncConflictsDialog")
        self.setWindowTitle(self.tr("Sync Conflicts"))
        intro = QLabel(
            self.tr(
                "These fields were changed both here and on the server before a sync. "
                "The server's value is in use now; yours is kept here. Keep Mine puts yours "
                "back (it goes to the server on the next sync); Keep Server's forgets yours."
            )
        )
        intro.setObjectName("conflictsIntro")
        intro.setWordWrap(True)
        self.intro = intro
        self.model = ConflictModel(self)
        self.view = read_only_table(self.model, self, wrap=True)  # whole values, on more lines
        self.view.setObjectName("conflictList")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(0, self.fontMetrics().horizontalAdvance("M" * 14))
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("M" * 8))
        self.view.doubleClicked.connect(self._open_contact)
        self.empty_label = QLabel(
            self.tr(
                "No sync conflicts. When a field was changed both here and on the server, "
                "it is listed here, so that you can choose which value to keep."
            )
        )
        self.empty_label.setObjectName("noConflicts")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.view)

        self.keep_mine_button = QPushButton(self.tr("Keep &Mine"))
        self.keep_mine_button.setObjectName("keepMine")
        self.keep_mine_button.setToolTip(
            self.tr("Put your value back; it goes to the server on the next sync")
        )
        self.keep_mine_button.clicked.connect(self.keep_mine)
        self.keep_server_button = QPushButton(self.tr("Keep &Server's"))
        self.keep_server_button.setObjectName("keepServers")
        self.keep_server_button.setToolTip(self.tr("Keep the server's value and forget yours"))
        self.keep_server_button.clicked.connect(self.keep_servers)
        self.show_button = QPushButton(self.tr("S&how Contact"))
        self.show_button.setObjectName("showConflictContact")
        self.show_button.clicked.connect(self.show_contact)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.show_button)
        row.addStretch(1)
        row.addWidget(self.keep_server_button)
        row.addWidget(self.keep_mine_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        on_change(self.bus, Change.CONTACTS | Change.FOLLOWUPS | Change.SYNC, self.refresh)
        self.resize(860, 420)
        self.refresh()

    def refresh(self) -> None:
        from favorbook.sync import conflicts

        keep = set(self.selected_ids())
        self.model.set_conflicts(conflicts.list_conflicts())
        has_rows = self.model.rowCount() > 0
        self.stack.setCurrentWidget(self.view if has_rows else self.empty_label)
        self.intro.setVisible(has_rows)
        selection = self.view.selectionModel()
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(ConflictModel.IdRole) in keep:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        if has_rows and not selection.hasSelection():
            self.view.selectRow(0)
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        rows = self.view.selectionModel().selectedRows()
        return [index.data(ConflictModel.IdRole) for index in sorted(rows, key=lambda i: i.row())]

    def _update_buttons(self, *_args) -> None:
        chosen = bool(self.selected_ids())
        self.keep_mine_button.setEnabled(chosen)
        self.keep_server_button.setEnabled(chosen)
        self.show_button.setEnabled(self._first_selected_contact() is not None)

    def _first_selected_contact(self) -> int | None:
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return rows[0].data(ConflictModel.ContactRole) if rows else None

    def show_contact(self) -> None:
        contact_id = self._first_selected_contact()
        if contact_id is not None:
            self.bus.open_contact.emit(int(contact_id))

    def _resolve(self, action, one: str, many: str) -> int:
        ids = self.selected_ids()
        count = 0
        try:
            for conflict_id in ids:
                action(conflict_id)
                count += 1
        except FavorbookError as exc:
            QMessageBox.warning(self, self.windowTitle(), describe_error(exc))
        finally:
            if count:
                # The contacts show the value kept; this list refreshes.
                self.bus.changed.emit(Change.CONTACTS | Change.SYNC)
                self.bus.message.emit(one if count == 1 else many.replace("%1", str(count)))
            self.refresh()
        return count

    def keep_mine(self) -> int:
        from favorbook.sync import conflicts

        return self._resolve(
            conflicts.restore_local,
            self.tr("Kept your value; it goes to the server on the next sync."),
            self.tr("Kept your values in %1 conflicts; they go to the server on the next sync."),
        )

    def keep_servers(self) -> int:
        from favorbook.sync import conflicts

        return self._resolve(
            conflicts.dismiss,
            self.tr("Kept the server's value."),
            self.tr("Kept the server's values in %1 conflicts."),
        )

    def _open_contact(self, index: QModelIndex) -> None:
        contact_id = index.data(ConflictModel.ContactRole) if index.isValid() else None
        if contact_id is not None:
            self.bus.open_contact.emit(int(contact_id))
