"""Choosing what each column of an unrecognised contacts CSV holds, with a preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from favorbook.formats import csv_import

# A row needs one of these to become a contact (as csv_import.read_csv requires).
IDENTIFYING = ("full_name", "first_name", "last_name", "organization", "emails", "phones")
PREVIEW_ROWS = 20


class MappingDialog(QDialog):
    """The first rows of ``path`` under a combo per column; ``mapping()`` is the choice.

    Raises NotAContactFile (from csv_import) when the file cannot be read as a CSV.
    """

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.path = str(path)
        self.headers, rows = csv_import.preview_rows(path, PREVIEW_ROWS)
        guessed = csv_import.guess_mapping(self.headers)
        self.setWindowTitle(self.tr("Columns of %1").replace("%1", Path(path).name))

        intro = QLabel(
            self.tr(
                "favorbook does not recognise this file's layout. Choose what each column "
                "holds; columns set to (ignore) are left out."
            )
            + (
                " " + self.tr("The first %1 rows are shown.").replace("%1", str(PREVIEW_ROWS))
                if len(rows) >= PREVIEW_ROWS
                else ""
            )
        )
        intro.setWordWrap(True)

        self.table = QTableWidget(len(rows) + 1, len(self.headers))
        self.table.setObjectName("mappingTable")
        self.table.setAccessibleName(self.tr("The file's columns"))
        # Tab moves on through the column choices to the buttons, not from cell to cell
        # (it kept the keyboard inside the table: the buttons were out of reach).
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.setVerticalHeaderLabels(
            [self.tr("Holds")] + [str(n) for n in range(1, len(rows) + 1)]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        self.combos: list[QComboBox] = []
        for column, header in enumerate(self.headers):
            combo = QComboBox()
            combo.setObjectName(f"mapping{column}")
            combo.setAccessibleName(self.tr("What column “%1” holds").replace("%1", header))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            for target, label in csv_import.COLUMN_TARGETS.items():
                combo.addItem(self.tr(label), target)
            found = combo.findData(guessed.get(header, "ignore"))
            combo.setCurrentIndex(max(found, 0))
            combo.currentIndexChanged.connect(self._update)
            self.table.setCellWidget(0, column, combo)
            self.combos.append(combo)
        for r, cells in enumerate(rows, start=1):
            for column, text in enumerate(cells):
                shown = text.replace("\n", " ⏎ ")
                item = QTableWidgetItem(shown[:200])
                item.setToolTip(text[:1000])
                self.table.setItem(r, column, item)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column, combo in enumerate(self.combos):
            width = max(combo.minimumSizeHint().width(), min(self.table.columnWidth(column), 260))
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setRowHeight(0, self.combos[0].sizeHint().height() + 6 if self.combos else 30)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("mappingProblem")
        self.problem_label.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Read the File"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(900, 520)
        self._update()

    def mapping(self) -> dict[str, str]:
        """Column header -> target (a key of csv_import.COLUMN_TARGETS)."""
        return {h: c.currentData() for h, c in zip(self.headers, self.combos, strict=True)}

    def set_target(self, header: str, target: str) -> None:
        combo = self.combos[self.headers.index(header)]
        combo.setCurrentIndex(combo.findData(target))

    def _update(self) -> None:
        ok = any(t in IDENTIFYING for t in self.mapping().values())
        self.ok_button.setEnabled(ok)
        self.problem_label.setText(
            ""
            if ok
            else self.tr(
                "Choose at least one column holding a name, an organisation, an email or a "
                "phone number: without one, a row cannot become a contact."
            )
        )
        self.problem_label.setVisible(not ok)
