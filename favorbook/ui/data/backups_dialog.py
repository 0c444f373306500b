"""File › Restore from Backup…: the backups with their dates and sizes, and restoring one.

Restoring backs up the current database first (``backup.restore`` does), then
``restored`` fires so the window re-reads everything.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import backup
from favorbook.services.dates import local_datetime_text
from favorbook.ui.records.record_list import RowsTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("Backups", text)


def local_when(when: dt.datetime) -> str:
    """An aware (or naive UTC) time as its local day (short format) and "HH:MM"."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return local_datetime_text(when)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _tr("%1 KB").replace("%1", str(max(1, round(size / 1024))))
    return _tr("%1 MB").replace("%1", f"{size / (1024 * 1024):.1f}")


def age_text(when: dt.datetime, now: dt.datetime) -> str:
    """How long ago, in the largest unit that fits: "just now", "5 minutes ago", "2 days ago"."""
    seconds = max(0, int((now - when).total_seconds()))
    for unit, one, many in (
        (365 * 86400, "1 year ago", "%1 years ago"),
        (30 * 86400, "1 month ago", "%1 months ago"),
        (7 * 86400, "1 week ago", "%1 weeks ago"),
        (86400, "1 day ago", "%1 days ago"),
        (3600, "1 hour ago", "%1 hours ago"),
        (60, "1 minute ago", "%1 minutes ago"),
    ):
        count = seconds // unit
        if count == 1:
            return _tr(one)
        if count > 1:
            return _tr(many).replace("%1", str(count))
    return _tr("just now")


class BackupTableModel(RowsTableModel):
    """Backups newest first: when (local time), how long ago, size."""

    COLUMNS = ("When", "Age", "Size")
    BackupRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [_tr(column) for column in self.COLUMNS]
        self._now = dt.datetime.now(dt.UTC)

    def set_backups(self, backups: list[backup.Backup], now: dt.datetime | None = None) -> None:
        self.beginResetModel()
        self._rows = list(backups)
        self._now = now or dt.datetime.now(dt.UTC)
        self.endResetModel()

    def backup_at(self, row: int) -> backup.Backup | None:
        return self.row_at(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return local_when(item.when)
            if column == 1:
                return age_text(item.when, self._now)
            if column == 2:
                return size_text(item.size)
        elif role == Qt.ItemDataRole.ToolTipRole:
            return str(item.path)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == self.BackupRole:
            return str(item.path)
        return None


class BackupsDialog(QDialog):
    """The backups of the data folder; ``restored(path)`` after one replaced the database."""

    restored = Signal(str)

    def __init__(self, data_folder: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle(self.tr("Restore from Backup"))
        self.data_folder = data_folder or None
        self.folder = backup.backup_folder(self.data_folder)

        intro = QLabel(
            self.tr(
                "favorbook backs up your data once a day and when you quit, and keeps the "
                "last 10 backups plus one a week for 8 weeks. Restoring replaces your current "
                "data; it is backed up first, so you can come back to it."
            )
        )
        intro.setWordWrap(True)
        self.model = BackupTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("backupList")
        self.view.setTabKeyNavigation(False)  # Tab moves on to the buttons
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _index: self.restore_selected())
        self.empty_label = QLabel(
            self.tr("No backups yet. Use File › Back Up Now, or restore from a file.")
        )
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.setDefault(True)
        self.file_button = QPushButton(self.tr("Restore from &File…"))
        self.file_button.setObjectName("restoreFromFileButton")
        self.file_button.clicked.connect(self.restore_from_file)
        self.folder_button = QPushButton(self.tr("&Open Backups Folder"))
        self.folder_button.setObjectName("openBackupsFolderButton")
        self.folder_button.clicked.connect(self.open_folder)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.folder_button)
        row.addStretch(1)
        row.addWidget(self.file_button)
        row.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_backups(backup.list_backups(self.data_folder))
        has_rows = self.model.rowCount() > 0
        self.view.setVisible(has_rows)
        self.empty_label.setVisible(not has_rows)
        if has_rows:
            self.view.selectRow(0)
        self._update_buttons()

    def selected(self) -> backup.Backup | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._restore(chosen.path, local_when(chosen.when))

    def restore_from_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from File"),
            str(self.folder if self.folder.is_dir() else Path.home()),
            self.tr("favorbook databases (*.db *.sqlite);;All files (*)"),
        )
        if name:
            self._restore(Path(name), Path(name).name)

    def _restore(self, path: Path, label: str) -> None:
        try:
            backup.verify(path)  # refuse before asking, and say why
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Cannot restore"), str(exc))
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore from Backup"),
            self.tr(
                "Replace your current data with the backup %1?\n\nYour current data is "
                "backed up first, so you can return to it from this list."
            ).replace("%1", label),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            backup.restore(path)
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Cannot restore"), str(exc))
            self.refresh()
            return
        self.restored.emit(str(path))
        self.accept()

    def open_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            QMessageBox.warning(self, self.windowTitle(), f"{self.folder}: {exc.strerror or exc}")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
