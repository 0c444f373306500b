"""Repeating rows for a form: emails, phones and links with a label, and address blocks.

Each editor starts with the rows it is given, adds one with its "Add …" button,
and removes one with the button at the end of the row. ``value_widget(i)`` is
the input of row ``i``, so a form can point a ``ValidationError("emails[1]")``
at the exact row.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

LABELS = ("work", "home", "mobile", "other")


def detach_form(dialog) -> QWidget:
    """Move a FormDialog's form into a new widget the caller places (in a scroll area, a column).

    The dialog's ``add_row`` keeps working: ``dialog.form`` becomes the new widget's layout.
    """
    outer = dialog.layout()
    outer.removeItem(dialog.form)
    dialog.form.deleteLater()
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    form = QFormLayout()
    column.addLayout(form)
    column.addStretch(1)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    dialog.form = form
    return holder


def tab_before(anchor: QWidget, widgets: list[QWidget]) -> None:
    """Put ``widgets`` in the Tab order, in that order, just before ``anchor``.

    Rows are added once the editor sits in its dialog, and Qt appends a new widget
    to the end of the window's Tab order: without this, Tab would visit the "Add"
    buttons first and the rows only after the last field of the form.
    """
    before = anchor.previousInFocusChain()
    # Qt ignores a Tab order step from a widget Tab cannot reach (the editor itself).
    while before is not None and before is not anchor and not _tab_stop(before):
        before = before.previousInFocusChain()
    if before is None or before is anchor:
        return
    for widget in widgets:
        if widget is not before:
            QWidget.setTabOrder(before, widget)
        before = widget
    QWidget.setTabOrder(before, anchor)


def _tab_stop(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None


class _Row(QWidget):
    def __init__(self, label_box: QComboBox, value: QLineEdit, remove: QToolButton) -> None:
        super().__init__()
        self.label_box = label_box
        self.value = value
        self.remove = remove
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label_box)
        layout.addWidget(value, 1)
        layout.addWidget(remove)


class LabeledListEditor(QWidget):
    """Rows of (label, value): an editable label combo (work, home, …) and a line edit."""

    def __init__(
        self,
        name: str,
        add_text: str,
        placeholder: str = "",
        *,
        default_label: str = "work",
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._name = name
        self._title = title  # what a screen reader calls each value ("Email")
        self._placeholder = placeholder
        self._default_label = default_label
        self.rows: list[_Row] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        self.add_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _add_clicked(self) -> None:
        row = self.add_row()
        row.value.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_row(self, value: str = "", label: str | None = None) -> _Row:
        label_box = QComboBox()
        label_box.setEditable(True)
        label_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for item in LABELS:
            label_box.addItem(self.tr(item))
        label_box.setEditText(self.tr(self._default_label) if label is None else label)
        label_box.setMinimumContentsLength(7)
        label_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        label_box.setToolTip(self.tr("Label"))
        edit = QLineEdit(value)
        edit.setPlaceholderText(self._placeholder)
        edit.setAccessibleName(self._title)
        remove = QToolButton()
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip(self.tr("Remove this row"))
        row = _Row(label_box, edit, remove)
        remove.clicked.connect(lambda: self.remove_row(row))
        self.rows.append(row)
        self._renumber()
        self._rows_layout.addWidget(row)
        tab_before(self.add_button, [label_box, edit, remove])
        return row

    def remove_row(self, row: _Row) -> None:
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self._renumber()

    def _renumber(self) -> None:
        # objectNames tell rows apart for the form's "unsaved edits" check and for tests.
        for i, row in enumerate(self.rows):
            row.label_box.setObjectName(f"{self._name}Label{i}")
            row.value.setObjectName(f"{self._name}Value{i}")
            row.remove.setObjectName(f"{self._name}Remove{i}")
            row.remove.setAccessibleName(self.tr("Remove row %n", "", i + 1))

    def set_items(self, items, *, keep_one: bool = True) -> None:
        """Replace the rows with ``items`` (objects with ``value`` and ``label``)."""
        for row in list(self.rows):
            self.remove_row(row)
        for item in items:
            self.add_row(item.value, item.label)
        if keep_one and not self.rows:
            self.add_row()

    def items(self) -> list[tuple[str, str]]:
        """(value, label) of every row, empty ones too: row i is field ``name[i]``."""
        return [(r.value.text(), r.label_box.currentText()) for r in self.rows]

    def value_widget(self, index: int) -> QLineEdit | None:
        return self.rows[index].value if 0 <= index < len(self.rows) else None


ADDRESS_FIELDS = ("street", "city", "region", "postcode", "country")
TAB_ORDER = ("street", "postcode", "city", "region", "country")  # as the block reads


class _AddressBlock(QFrame):
    def __init__(self, editor: AddressListEditor) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label_box = QComboBox()
        self.label_box.setEditable(True)
        self.label_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for item in ("work", "home", "other"):
            self.label_box.addItem(editor.tr(item))
        self.label_box.setToolTip(editor.tr("Label"))
        self.edits: dict[str, QLineEdit] = {f: QLineEdit() for f in ADDRESS_FIELDS}
        placeholders = {
            "street": editor.tr("Street"),
            "city": editor.tr("City"),
            "region": editor.tr("State / region"),
            "postcode": editor.tr("Postcode"),
            "country": editor.tr("Country"),
        }
        for name, edit in self.edits.items():
            edit.setPlaceholderText(placeholders[name])
            edit.setAccessibleName(placeholders[name])
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip(editor.tr("Remove this address"))
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(4)
        grid.addWidget(self.label_box, 0, 0)
        grid.addWidget(self.edits["street"], 0, 1, 1, 2)
        grid.addWidget(self.remove, 0, 3)
        grid.addWidget(self.edits["postcode"], 1, 0)
        grid.addWidget(self.edits["city"], 1, 1, 1, 2)
        grid.addWidget(self.edits["region"], 2, 1)
        grid.addWidget(self.edits["country"], 2, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)


class AddressListEditor(QWidget):
    """Address blocks (label, street, city, region, postcode, country); always at least one."""

    def __init__(self, name: str = "addresses", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._name = name
        self.blocks: list[_AddressBlock] = []
        self._blocks_layout = QVBoxLayout()
        self._blocks_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(self.tr("Add address"))
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._blocks_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _add_clicked(self) -> None:
        self.add_block().edits["street"].setFocus(Qt.FocusReason.OtherFocusReason)

    def add_block(self, address=None) -> _AddressBlock:
        block = _AddressBlock(self)
        if address is not None:
            block.label_box.setEditText(address.label)
            for name, edit in block.edits.items():
                edit.setText(getattr(address, name))
        else:
            block.label_box.setEditText(self.tr("work"))
        block.remove.clicked.connect(lambda: self.remove_block(block))
        self.blocks.append(block)
        self._blocks_layout.addWidget(block)
        self._renumber()
        order = [block.label_box, *(block.edits[name] for name in TAB_ORDER), block.remove]
        tab_before(self.add_button, order)
        return block

    def remove_block(self, block: _AddressBlock) -> None:
        self.blocks.remove(block)
        self._blocks_layout.removeWidget(block)
        block.hide()
        block.setParent(None)
        block.deleteLater()
        if not self.blocks:
            self.add_block()
        self._renumber()

    def _renumber(self) -> None:
        for i, block in enumerate(self.blocks):
            block.label_box.setObjectName(f"{self._name}Label{i}")
            block.remove.setObjectName(f"{self._name}Remove{i}")
            for name, edit in block.edits.items():
                edit.setObjectName(f"{self._name}{name.capitalize()}{i}")

    def set_addresses(self, addresses) -> None:
        for block in list(self.blocks):
            self.blocks.remove(block)
            self._blocks_layout.removeWidget(block)
            block.setParent(None)
            block.deleteLater()
        for address in addresses:
            self.add_block(address)
        if not self.blocks:
            self.add_block()

    def addresses(self) -> list[dict[str, str]]:
        return [
            {"label": b.label_box.currentText(), **{n: e.text() for n, e in b.edits.items()}}
            for b in self.blocks
        ]

    def first_input(self, index: int = 0) -> QLineEdit | None:
        return self.blocks[index].edits["street"] if 0 <= index < len(self.blocks) else None
