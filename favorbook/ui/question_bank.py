"""The question bank: open-ended questions by purpose, how often each was asked, add and archive."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, ValidationError
from favorbook.services import questions
from favorbook.services.changes import Change
from favorbook.services.session import describe_error
from favorbook.ui.call_prep import muted, text_label
from favorbook.ui.record_list import RowsTableModel, read_only_table
from favorbook.ui.refresh import FollowsChanges

ID_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class QuestionBankModel(RowsTableModel):
    """The bank as rows of (question, purpose, times asked); archived rows shown greyed."""

    TEXT, PURPOSE, ASKED = range(3)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._asked: dict[int, int] = {}
        self._archived: set[int] = set()
        self._headers = [self.tr("Question"), self.tr("Purpose"), self.tr("Times asked")]

    def reload(self, *, include_archived: bool = False, purpose: str | None = None) -> None:
        rows = questions.list_questions(include_archived=include_archived)
        if purpose:
            rows = [q for q in rows if q.purpose == purpose]
        self.beginResetModel()
        self._rows = rows
        self._asked = questions.asked_counts()
        self._archived = questions.archived_ids() if include_archived else set()
        self.endResetModel()

    def question(self, row: int) -> questions.QuestionView | None:
        return self.row_at(row)

    def is_archived(self, row: int) -> bool:
        q = self.question(row)
        return q is not None and q.id in self._archived

    def row_of(self, question_id: int) -> int | None:
        return next((i for i, q in enumerate(self._rows) if q.id == question_id), None)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        q = self._rows[index.row()]
        column = index.column()
        archived = q.id in self._archived
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TEXT:
                return q.text
            if column == self.PURPOSE:
                return q.purpose
            if column == self.ASKED:
                return str(self._asked.get(q.id, 0))
        elif role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            return self.tr("Archived: not suggested any more") if archived else q.text
        elif role == ID_ROLE:
            return q.id
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.ASKED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole and archived:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        elif role == Qt.ItemDataRole.FontRole and archived:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class QuestionBankPage(FollowsChanges, QWidget):
    """Browse the bank by purpose, add a question, archive one you no longer ask."""

    SHOWS = Change.QUESTIONS | Change.CONVERSATIONS

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionBank")
        self.bus = bus
        self._own_change = False

        intro = muted(
            text_label(
                self.tr(
                    "Open-ended questions invite people to talk about their world. Call "
                    "preparation suggests the ones worth asking each person now."
                )
            )
        )

        self.purpose_filter = QComboBox()
        self.purpose_filter.setObjectName("purposeFilter")
        self.purpose_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.setObjectName("showArchived")
        self.archive_button = QPushButton(self.tr("Archive"))
        self.archive_button.setObjectName("archiveButton")
        self.archive_button.setEnabled(False)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Purpose:")))
        filters.addWidget(self.purpose_filter)
        filters.addWidget(self.show_archived)
        filters.addStretch(1)
        filters.addWidget(self.archive_button)

        self.model = QuestionBankModel(self)
        self.table = read_only_table(self.model, wrap=True)
        self.table.setObjectName("questionTable")
        self.table.setAccessibleName(self.tr("Questions"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QuestionBankModel.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(QuestionBankModel.PURPOSE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            QuestionBankModel.ASKED, QHeaderView.ResizeMode.ResizeToContents
        )
        header.resizeSection(
            QuestionBankModel.PURPOSE,
            self.table.fontMetrics().horizontalAdvance("Getting to know them") + 28,
        )

        self.new_text = QLineEdit()
        self.new_text.setObjectName("newQuestionText")
        self.new_text.setAccessibleName(self.tr("New question"))
        self.new_text.setPlaceholderText(self.tr("A new open-ended question…"))
        self.new_purpose = QComboBox()
        self.new_purpose.setObjectName("newQuestionPurpose")
        self.new_purpose.setAccessibleName(self.tr("Purpose of the new question"))
        self.new_purpose.setEditable(True)
        self.new_purpose.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.new_purpose.lineEdit().setPlaceholderText(self.tr("Purpose"))
        self.new_purpose.setMinimumContentsLength(16)
        self.add_button = QPushButton(self.tr("Add question"))
        self.add_button.setObjectName("addQuestionButton")
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_text, 3)
        add_row.addWidget(self.new_purpose, 1)
        add_row.addWidget(self.add_button)
        self.error_label = text_label()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet(
            "color: white; background: #b3261e; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()

        layout = QVBoxLayout(self)
        # No page title: the navigation names the page (no page of the window has one).
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.error_label)

        self.purpose_filter.currentIndexChanged.connect(lambda _i: self._reload_rows())
        self.show_archived.toggled.connect(lambda _on: self._reload_rows())
        self.archive_button.clicked.connect(self.toggle_archived)
        self.add_button.clicked.connect(self.add_question)
        self.new_text.returnPressed.connect(self.add_question)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        # Filled when first shown: counting every question asked is no work for start-up.
        self.follow_changes(bus, stale=True)

    # --- filling -------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload purposes and rows from the bank (seeding the starter bank if it is empty)."""
        self.mark_fresh()
        if not questions.list_questions(include_archived=True):
            questions.ensure_starter_questions()
        purposes = sorted({q.purpose for q in questions.list_questions(include_archived=True)})
        current = self.purpose_filter.currentData()
        self.purpose_filter.blockSignals(True)
        self.purpose_filter.clear()
        self.purpose_filter.addItem(self.tr("All purposes"), None)
        for p in purposes:
            self.purpose_filter.addItem(p, p)
        index = self.purpose_filter.findData(current) if current else 0
        self.purpose_filter.setCurrentIndex(max(index, 0))
        self.purpose_filter.blockSignals(False)
        typed = self.new_purpose.currentText()
        self.new_purpose.clear()
        self.new_purpose.addItems(purposes)
        self.new_purpose.setEditText(typed)
        self._reload_rows()

    def _reload_rows(self, select_id: int | None = None) -> None:
        selected = select_id if select_id is not None else self.selected_question_id()
        self.model.reload(
            include_archived=self.show_archived.isChecked(),
            purpose=self.purpose_filter.currentData(),
        )
        row = self.model.row_of(selected) if selected is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._update_buttons()

    def selected_question_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        q = self.model.question(rows[0].row()) if rows else None
        return q.id if q else None

    def _update_buttons(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        self.archive_button.setEnabled(row >= 0)
        self.archive_button.setText(
            self.tr("Unarchive") if self.model.is_archived(row) else self.tr("Archive")
        )

    # --- slots ---------------------------------------------------------------------

    def add_question(self) -> None:
        self.error_label.hide()
        try:
            question_id = questions.add_question(
                self.new_text.text(), self.new_purpose.currentText()
            )
        except ValidationError as exc:
            self._show_error(exc.message if exc.field == "text" else str(exc))
            return
        except FavorbookError as exc:
            self._show_error(describe_error(exc))
            return
        self.new_text.clear()
        self.bus.message.emit(self.tr("Question added to the bank."))
        self._announce()
        # Show the new question even when another purpose was filtered.
        self.purpose_filter.setCurrentIndex(0)
        self.refresh()
        self._reload_rows(select_id=question_id)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message[:1].upper() + message[1:])
        self.error_label.show()
        self.new_text.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_archived(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        q = self.model.question(row)
        if q is None:
            return
        archive = not self.model.is_archived(row)
        try:
            questions.archive_question(q.id, archive)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            return
        self.bus.message.emit(
            self.tr("Question archived: it is no longer suggested.")
            if archive
            else self.tr("Question restored to the bank.")
        )
        self._announce()
        self._reload_rows(select_id=q.id)

    def _announce(self) -> None:
        """Tell the other views; this page reloads itself right after."""
        self._own_change = True
        try:
            self.bus.changed.emit(Change.QUESTIONS)
        finally:
            self._own_change = False

    def ignores_change(self) -> bool:
        return self._own_change
