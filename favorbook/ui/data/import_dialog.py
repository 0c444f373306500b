"""Importing contact files in the window: choose files, map CSV columns, preview, import, report.

``Importer(window)`` drives the flow for one file after another: a generic CSV
goes through the MappingDialog; reading and planning run on a BackgroundJob;
``ImportPreviewDialog`` shows what would happen and lets the user choose per
record (add, update, skip); applying runs on a BackgroundJob again (Cancel rolls
everything back); ``ImportReportDialog`` says what was added, updated and skipped.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, NotAContactFile
from favorbook.formats import csv_import, importer
from favorbook.services import contacts, importing
from favorbook.services.changes import Change
from favorbook.services.importing import (
    ADD,
    CONFLICTING,
    MATCHED,
    NEW,
    POSSIBLE,
    SKIP,
    UNREADABLE,
    UPDATE,
    ImportPlan,
    ImportReport,
)
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.data.mapping_dialog import MappingDialog
from favorbook.ui.shell.folders import start_folder
from favorbook.ui.shell.worker import BackgroundJob, Cancelled

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()
FILE_FILTERS = (
    "Contact files (*.vcf *.vcard *.csv *.txt);;vCard (*.vcf *.vcard);;CSV (*.csv *.txt);;"
    "All files (*)"
)


COLUMN_PADDING = 16
"""Pixels a table cell takes beside its text (the cell's margins and focus frame)."""


def _status_label(status: str) -> str:
    return {
        NEW: QGuiApplication.translate("import", "New"),
        MATCHED: QGuiApplication.translate("import", "Matched"),
        CONFLICTING: QGuiApplication.translate("import", "Conflicting"),
        POSSIBLE: QGuiApplication.translate("import", "Possible duplicate"),
        UNREADABLE: QGuiApplication.translate("import", "Unreadable"),
    }[status]


def _choice_label(choice: str) -> str:
    return {
        ADD: QGuiApplication.translate("import", "Add as new"),
        UPDATE: QGuiApplication.translate("import", "Update"),
        SKIP: QGuiApplication.translate("import", "Skip"),
    }[choice]


def allowed_choices(status: str) -> list[str]:
    if status == UNREADABLE:
        return [SKIP]
    if status == NEW:
        return [ADD, SKIP]
    if status == POSSIBLE:  # two people until the user says they are one
        return [ADD, UPDATE, SKIP]
    return [UPDATE, ADD, SKIP]


class PlanModel(QAbstractTableModel):
    """One row per record of an ImportPlan; the last column is the editable choice."""

    POSITION, NAME, STATUS, MATCH, DETAILS, CHOICE = range(6)

    def __init__(self, plan: ImportPlan, parent=None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.choices: dict[int, str] = {item.index: item.default_choice for item in plan.items}
        self._existing: dict[int, object] = {}
        self.headers = [
            self.tr("Where"),
            self.tr("Name"),
            self.tr("Status"),
            self.tr("Existing contact"),
            self.tr("Details"),
            self.tr("Do"),
        ]

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self.plan.items)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    @staticmethod
    def name_of(item) -> str:
        data = item.contact or item.record.contact
        if data is None:
            return ""
        return contacts.shown_name(data)  # the card's own name shown (FN), as it will be

    def details(self, item) -> str:
        if item.status == UNREADABLE:
            return item.reason
        parts = []
        if item.status == POSSIBLE:
            if item.matched_by == "phone":
                why = self.tr("same phone number, but another name and email")
            else:
                why = self.tr("similar name, but another email or phone")
            parts.append(
                self.tr("%1: Add as new keeps two people, Update merges this record into %2")
                .replace("%1", why)
                .replace("%2", item.candidate_name)
            )
        if item.status == CONFLICTING:
            parts.append("; ".join(self._difference(item, f) for f in item.differences))
        if item.same_as is not None:
            parts.insert(0, self.tr("same as %1 in this file").replace("%1", item.same_as_position))
        elif item.status == MATCHED:
            parts.append(
                {
                    "uid": self.tr("same record (exported from favorbook)"),
                    "email": self.tr("same email"),
                    "phone": self.tr("same phone number"),
                    "name": self.tr("similar name"),
                }.get(item.matched_by, item.matched_by)
            )
        parts.extend(w.split(": ", 1)[-1] for w in item.warnings)
        return "; ".join(parts)

    def _difference(self, item, field: str) -> str:
        """“title: Chief Engineer (file) / Engineer (favorbook)”."""
        label = field.replace("_", " ")
        if item.same_as is not None:  # an earlier record of the same file
            earlier = self.plan.items[item.same_as].contact
            if earlier is None or item.contact is None:
                return label
            return (
                self.tr("%1: %2 / %3 (%4)")
                .replace("%1", label)
                .replace("%2", str(getattr(item.contact, field) or ""))
                .replace("%3", str(getattr(earlier, field) or ""))
                .replace("%4", item.same_as_position)
            )
        if item.candidate_id not in self._existing:
            try:
                self._existing[item.candidate_id] = contacts.get_contact(
                    item.candidate_id, include_private=False
                )
            except FavorbookError:
                self._existing[item.candidate_id] = None
        existing = self._existing[item.candidate_id]
        if existing is None or item.contact is None:
            return label
        return (
            self.tr("%1: %2 (file) / %3 (favorbook)")
            .replace("%1", label)
            .replace("%2", str(getattr(item.contact, field) or ""))
            .replace("%3", str(getattr(existing, field) or ""))
        )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.plan.items):
            return None
        item = self.plan.items[index.row()]
        column = index.column()
        if role == STATUS_ROLE:
            return item.status
        if role == Qt.ItemDataRole.EditRole and column == self.CHOICE:
            return self.choices[item.index]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.POSITION:
                return item.position
            if column == self.NAME:
                return self.name_of(item)
            if column == self.STATUS:
                return _status_label(item.status)
            if column == self.MATCH:
                if item.same_as is not None:
                    return f"{item.candidate_name} ({item.same_as_position})"
                return item.candidate_name
            if column == self.DETAILS:
                return self.details(item)
            if column == self.CHOICE:
                return _choice_label(self.choices[item.index])
        return None

    def flags(self, index):
        flags = super().flags(index)
        if (
            index.isValid()
            and index.column() == self.CHOICE
            and self.plan.items[index.row()].status != UNREADABLE
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != self.CHOICE or role != Qt.ItemDataRole.EditRole:
            return False
        item = self.plan.items[index.row()]
        if value not in allowed_choices(item.status):
            return False
        self.choices[item.index] = value
        self.dataChanged.emit(index, index)
        return True

    def set_choice_where(self, status: str, choice: str) -> int:
        """Set ``choice`` for every record of ``status``; how many records that was."""
        rows = [r for r, item in enumerate(self.plan.items) if item.status == status]
        for row in rows:
            self.choices[self.plan.items[row].index] = choice
        if rows:
            self.dataChanged.emit(
                self.index(rows[0], self.CHOICE), self.index(rows[-1], self.CHOICE)
            )
        return len(rows)

    def set_choice_rows(self, rows: list[int], choice: str) -> None:
        for row in rows:
            self.setData(self.index(row, self.CHOICE), choice)

    def planned(self) -> dict[str, int]:
        out = dict.fromkeys((ADD, UPDATE, SKIP), 0)
        for item in self.plan.items:
            out[self.choices[item.index] if item.status != UNREADABLE else SKIP] += 1
        return out


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of the choices a record allows."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt naming)
        combo = QComboBox(parent)
        status = index.data(STATUS_ROLE)
        for choice in allowed_choices(status):
            combo.addItem(_choice_label(choice), choice)
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ImportPreviewDialog(QDialog):
    """What an import would do, record by record; the user chooses, then Import."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.plan = plan
        name = Path(plan.parsed.path).name
        self.setWindowTitle(self.tr("Import %1").replace("%1", name))
        self.model = PlanModel(plan, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(STATUS_ROLE)
        self.proxy.setFilterKeyColumn(PlanModel.STATUS)

        counts = plan.counts()
        self.counts_label = QLabel(
            self.tr(
                "%1: %2 new, %3 matched, %4 conflicting, %5 unreadable, %6 possible duplicates."
            )
            .replace("%1", counted(len(plan.items), self.tr("record"), self.tr("records")))
            .replace("%2", f"{counts[NEW]:,}")
            .replace("%3", f"{counts[MATCHED]:,}")
            .replace("%4", f"{counts[CONFLICTING]:,}")
            .replace("%5", f"{counts[UNREADABLE]:,}")
            .replace("%6", f"{counts[POSSIBLE]:,}")
        )
        if plan.parsed.warnings:  # about the whole file: its encoding was a weak guess
            self.counts_label.setText("\n".join([self.counts_label.text(), *plan.parsed.warnings]))
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("statusFilter")
        self.filter_combo.addItem(self.tr("All records"), "")
        for status in (NEW, MATCHED, CONFLICTING, POSSIBLE, UNREADABLE):
            label = _status_label(status) + f" ({counts[status]})"
            self.filter_combo.addItem(label, status)
        self.filter_combo.currentIndexChanged.connect(self._filter)
        self.add_new_button = QPushButton(self.tr("Add All New"))
        self.add_new_button.setObjectName("addAllNew")
        self.add_new_button.clicked.connect(lambda: self.model.set_choice_where(NEW, ADD))
        self.skip_conflicting_button = QPushButton(self.tr("Skip All Conflicting"))
        self.skip_conflicting_button.setObjectName("skipAllConflicting")
        self.skip_conflicting_button.clicked.connect(
            lambda: self.model.set_choice_where(CONFLICTING, SKIP)
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.filter_combo)
        top.addStretch(1)
        top.addWidget(self.add_new_button)
        top.addWidget(self.skip_conflicting_button)

        self.view = QTableView()
        self.view.setObjectName("importTable")
        self.view.setAccessibleName(self.tr("What the import does with each contact"))
        # Tab moves on to the buttons (it went from cell to cell and never left the
        # table); the arrow keys move through it, F2 or Space opens a row's choice.
        self.view.setTabKeyNavigation(False)
        self.view.setModel(self.proxy)
        self.view.setItemDelegateForColumn(PlanModel.CHOICE, ChoiceDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._size_columns(plan)

        hint = QLabel(
            self.tr(
                "Double-click “Do” or right-click rows to choose. Matched records update their "
                "contact (empty fields filled, new details added, nothing erased). An import "
                "cannot be undone with Ctrl+Z."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("importHint")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.model.dataChanged.connect(self._update_button)

        # What the reader says about the whole file (columns kept in the note or left out).
        self.file_notes = QLabel("\n".join(plan.parsed.warnings))
        self.file_notes.setObjectName("importFileNotes")
        self.file_notes.setWordWrap(True)
        self.file_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.file_notes.setVisible(bool(plan.parsed.warnings))

        layout = QVBoxLayout(self)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.file_notes)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(980, 560)
        self._update_button()

    def choices(self) -> dict[int, str]:
        return dict(self.model.choices)

    def set_filter(self, status: str) -> None:
        self.filter_combo.setCurrentIndex(self.filter_combo.findData(status))

    def _filter(self) -> None:
        status = self.filter_combo.currentData()
        self.proxy.setFilterFixedString(status or "")

    def selected_rows(self) -> list[int]:
        return sorted(
            {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        )

    def _context_menu(self, pos) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        menu = QMenu(self)
        for choice in (ADD, UPDATE, SKIP):
            action = menu.addAction(_choice_label(choice))
            action.triggered.connect(
                lambda _=False, c=choice: self.model.set_choice_rows(self.selected_rows(), c)
            )
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _size_columns(self, plan: ImportPlan) -> None:
        """The columns of a few set words as wide as their widest (in this font and
        language); the names and details share what is left."""
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = self.view.fontMetrics()

        def fits(*words: str) -> int:
            return max(metrics.horizontalAdvance(w) for w in words) + COLUMN_PADDING

        last = plan.items[-1].position if plan.items else ""
        self.view.setColumnWidth(PlanModel.POSITION, max(80, fits(last)))
        self.view.setColumnWidth(PlanModel.NAME, 180)
        statuses = (NEW, MATCHED, CONFLICTING, POSSIBLE, UNREADABLE)
        self.view.setColumnWidth(PlanModel.STATUS, fits(*map(_status_label, statuses)))
        self.view.setColumnWidth(PlanModel.MATCH, 170)
        self.view.setColumnWidth(PlanModel.CHOICE, fits(*map(_choice_label, (ADD, UPDATE, SKIP))))
        header.setSectionResizeMode(PlanModel.DETAILS, QHeaderView.ResizeMode.Stretch)

    def _update_button(self) -> None:
        planned = self.model.planned()
        self.import_button.setEnabled(bool(planned[ADD] or planned[UPDATE]))
        self.import_button.setToolTip(
            self.tr("Adds %1, updates %2, skips %3.")
            .replace("%1", f"{planned[ADD]:,}")
            .replace("%2", f"{planned[UPDATE]:,}")
            .replace("%3", f"{planned[SKIP]:,}")
        )


def report_text(report: ImportReport) -> str:
    """The report as plain text, for the dialog and the clipboard."""
    tr = QGuiApplication.translate
    lines = [
        tr("import", "Import of %1").replace("%1", report.path),
        tr("import", "Added %1, updated %2, skipped %3.")
        .replace("%1", f"{len(report.added):,}")
        .replace("%2", f"{len(report.updated):,}")
        .replace("%3", f"{len(report.skipped):,}"),
    ]
    merged = getattr(report, "merged", [])
    if merged:
        lines.append(
            tr(
                "import", "%1 merged into a contact added from an earlier record of the file."
            ).replace("%1", f"{len(merged):,}")
        )
    for title, entries, key in (
        (tr("import", "Added"), report.added, "name"),
        (tr("import", "Updated"), report.updated, "name"),
        (tr("import", "Merged"), merged, "name"),
        (tr("import", "Skipped"), report.skipped, "reason"),
    ):
        if entries:
            lines += ["", f"{title}:"]
            for entry in entries:
                text = entry[key]
                if key == "reason" and text.startswith(entry["position"]):
                    lines.append(f"  {text}")
                elif "same_as" in entry:
                    lines.append(
                        "  "
                        + tr("import", "%1: %2 (same as %3 in this file)")
                        .replace("%1", entry["position"])
                        .replace("%2", text)
                        .replace("%3", entry["same_as"])
                    )
                else:
                    lines.append(f"  {entry['position']}: {text}")
    if report.warnings:
        lines += ["", tr("import", "Values left out or to check:")]
        lines += [f"  {w['message']}" for w in report.warnings]
    return "\n".join(lines)


class ImportReportDialog(QDialog):
    """What an import did; the text can be copied."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.report = report
        self.setWindowTitle(self.tr("Imported %1").replace("%1", Path(report.path).name))
        self.summary = QLabel(
            self.tr("Added %1, updated %2, skipped %3.")
            .replace("%1", f"{len(report.added):,}")
            .replace("%2", f"{len(report.updated):,}")
            .replace("%3", f"{len(report.skipped):,}")
        )
        self.summary.setObjectName("reportSummary")
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.text = QPlainTextEdit(report_text(report))
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = self.buttons.addButton(
            self.tr("Copy Report"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self.copy)
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 420)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())


class Importer:
    """The Import… command of a main window: one file after another, never blocking the UI."""

    def __init__(self, window) -> None:
        self.window = window
        self.queue: list[str] = []
        self.job: BackgroundJob | None = None
        self.mapping_dialog: MappingDialog | None = None
        self.preview: ImportPreviewDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.imported_any = False
        self.closing = False

    # --- what tests replace -----------------------------------------------------------

    def choose_files(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, self.window.tr("Import Contacts"), start_folder(), FILE_FILTERS
        )
        return paths

    # --- the flow ---------------------------------------------------------------------

    def busy(self) -> bool:
        return bool(self.queue) or self.job is not None or self.window._job is not None

    def start(self, paths: list[str] | None = None) -> None:
        if self.busy():
            self.window.statusBar().showMessage(
                self.window.tr("An import is already under way."), 6000
            )
            return
        paths = list(paths) if paths is not None else self.choose_files()
        if not paths:
            return
        self.queue = list(paths)
        self._next()

    def _next(self) -> None:
        if not self.queue:
            return
        path = self.queue[0]
        mapping = None
        try:
            fmt = self._csv_format(path)
        except (NotAContactFile, OSError) as exc:
            self._not_a_contact_file(path, exc)
            return
        if fmt == "csv":
            self.mapping_dialog = MappingDialog(path, self.window)
            self.mapping_dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.mapping_dialog.finished.connect(lambda result: self._mapped(path, result))
            self.mapping_dialog.open()
            return
        self._read(path, mapping)

    @staticmethod
    def _csv_format(path: str) -> str:
        """ "csv" when the file is a CSV favorbook does not recognise; "" for anything else."""
        if importer.sniff(path) != "csv":
            return ""
        return csv_import.detect(path)[0]

    def _mapped(self, path: str, result: int) -> None:
        dialog, self.mapping_dialog = self.mapping_dialog, None
        if dialog is None:
            return
        mapping = dialog.mapping()
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            self._skip_rest(self.window.tr("Import of %1 cancelled; nothing was changed."), path)
            return
        self._read(path, mapping)

    def _read(self, path: str, mapping: dict[str, str] | None) -> None:
        def job(progress):
            # Reading is the first half of the bar, planning the second; raising from
            # progress (Cancel) stops either, and neither has written anything.
            def reading(done, total):
                progress(done, 2 * total)

            if mapping is not None:
                parsed = csv_import.read_csv(path, mapping, progress=reading)
            else:
                parsed = importer.read_file(path, progress=reading)
            return importing.plan_import(
                parsed, progress=lambda done, total: progress(total + done, 2 * total)
            )

        self.job = BackgroundJob(
            self.window,
            self.window.tr("Import"),
            self.window.tr("Reading %1…").replace("%1", Path(path).name),
            job,
        )
        self.job.done.connect(lambda plan, error: self._planned(path, plan, error))
        self.job.start()

    def stop(self) -> None:
        """The window is closing: cancel a running job (rolled back) and show nothing more."""
        self.closing = True
        self.queue = []
        job = self.job
        if job is not None and job.is_running():
            job.cancel()
            job.wait()

    def _planned(self, path: str, plan: object, error: object) -> None:
        self.job = None
        if self.closing:
            return
        if isinstance(error, (Cancelled, importer.ImportCancelled)):
            message = self.window.tr("Import of %1 cancelled; nothing was changed.").replace(
                "%1", Path(path).name
            )
            self.window.statusBar().showMessage(message, 10000)
            QMessageBox.information(self.window, self.window.tr("Import cancelled"), message)
            self._skip_rest("", path)
            return
        if isinstance(error, NotAContactFile):
            self._not_a_contact_file(path, error)
            return
        if error is not None:
            self._failed(path, error)
            return
        if not plan.items:
            QMessageBox.information(
                self.window,
                self.window.tr("Import"),
                self.window.tr("%1 holds no contacts; nothing was changed.").replace("%1", path),
            )
            self._done_with(path)
            return
        self.preview = ImportPreviewDialog(plan, self.window)
        self.preview.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview.finished.connect(lambda result: self._chosen(path, result))
        self.preview.open()

    def _chosen(self, path: str, result: int) -> None:
        dialog, self.preview = self.preview, None
        if dialog is None:
            return
        plan, choices = dialog.plan, dialog.choices()
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            self._skip_rest(self.window.tr("Import of %1 cancelled; nothing was changed."), path)
            return
        self.job = BackgroundJob(
            self.window,
            self.window.tr("Import"),
            self.window.tr("Importing %1…").replace("%1", Path(path).name),
            lambda progress: importing.apply_import(plan, choices, progress),
        )
        self.job.done.connect(lambda report, error: self._applied(path, report, error))
        self.job.start()

    def _applied(self, path: str, report: object, error: object) -> None:
        self.job = None
        if self.closing:
            return
        if isinstance(error, (Cancelled, importer.ImportCancelled)):
            message = self.window.tr("Import of %1 cancelled; nothing of it was imported.").replace(
                "%1", Path(path).name
            )
            self.window.statusBar().showMessage(message, 10000)
            QMessageBox.information(self.window, self.window.tr("Import cancelled"), message)
            self._skip_rest("", path)
            return
        if error is not None:
            self._failed(path, error)
            return
        self.imported_any = True
        window = self.window
        window.bus.undo_stack.clear()  # the import changed rows older commands refer to
        window.bus.changed.emit(Change.EVERYTHING)
        first = next(iter(report.added or report.updated), None)
        if first is not None:
            window.open_contact(first["contact_id"])
        window.statusBar().showMessage(
            window.tr("Imported %1: %2 added, %3 updated, %4 skipped.")
            .replace("%1", Path(path).name)
            .replace("%2", f"{len(report.added):,}")
            .replace("%3", f"{len(report.updated):,}")
            .replace("%4", f"{len(report.skipped):,}"),
            10000,
        )
        self.report_dialog = ImportReportDialog(report, window)
        self.report_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.report_dialog.finished.connect(lambda _r: self._report_closed(path))
        self.report_dialog.open()

    def _report_closed(self, path: str) -> None:
        dialog, self.report_dialog = self.report_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self._done_with(path)

    # --- endings ----------------------------------------------------------------------

    def _done_with(self, path: str) -> None:
        if self.queue and self.queue[0] == path:
            self.queue.pop(0)
        self._next()

    def _skip_rest(self, message: str, path: str) -> None:
        """Stop here: the files after this one are not imported either."""
        if message:
            self.window.statusBar().showMessage(message.replace("%1", Path(path).name), 10000)
        self.queue = []

    def _not_a_contact_file(self, path: str, exc: Exception) -> None:
        QMessageBox.warning(
            self.window,
            self.window.tr("Not a contact file"),
            self.window.tr(
                "%1 is not a contact file favorbook can import.\n\n%2\n\nNothing was changed."
            )
            .replace("%1", path)
            .replace("%2", describe_error(exc)),
        )
        self._done_with(path)

    def _failed(self, path: str, exc: object) -> None:
        QMessageBox.warning(
            self.window,
            self.window.tr("Import failed"),
            self.window.tr("%1 could not be imported; nothing of it was changed.\n\n%2")
            .replace("%1", path)
            .replace("%2", describe_error(exc)),
        )
        self.queue = []
