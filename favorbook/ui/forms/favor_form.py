"""Log a favor given or received, optionally settling an open IOU in the other direction."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from favorbook.render import locale_dates
from favorbook.services import favors
from favorbook.services.dates import short_date
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.forms.contact_fields import check_optional_contact, required_contact
from favorbook.ui.forms.contact_form import text_box
from favorbook.ui.forms.pickers import ContactPicker


def radio_row(name: str, choices: list[tuple[str, str]]) -> tuple[QWidget, QButtonGroup]:
    """Radio buttons in a row; each button's objectName is ``name`` + its value."""
    holder = QWidget()
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    group = QButtonGroup(holder)
    for value, text in choices:
        button = QRadioButton(text)
        button.setObjectName(f"{name}_{value}")
        button.setProperty("value", value)
        group.addButton(button)
        layout.addWidget(button)
    layout.addStretch(1)
    return holder, group


def checked_value(group: QButtonGroup) -> str | None:
    button = group.checkedButton()
    return button.property("value") if button is not None else None


def check_value(group: QButtonGroup, value: str) -> None:
    for button in group.buttons():
        if button.property("value") == value:
            button.setChecked(True)


class FavorDialog(FormDialog):
    """Log a favor with a contact; ``saved_id`` is the new favor's id after Save."""

    VALUE_WORDS = {1: "small", 2: "modest", 3: "solid", 4: "large", 5: "major"}

    def __init__(
        self,
        contact_id: int | None = None,
        direction: str = "given",
        parent: QWidget | None = None,
        *,
        settles: int | None = None,
    ) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Log a favor"))
        self.setObjectName("favorDialog")
        self.contact = ContactPicker(optional=False)
        self.add_row("contact", self.tr("With"), self.contact)
        holder, self.direction = radio_row(
            "direction",
            [("given", self.tr("I gave it")), ("received", self.tr("I received it"))],
        )
        self.add_row("direction", self.tr("Direction"), holder)
        check_value(self.direction, direction if direction in favors.DIRECTIONS else "given")
        self.kind = QComboBox()
        for kind in favors.KINDS:
            self.kind.addItem(self.tr(favors.KIND_LABELS[kind]), kind)
        self.add_row("kind", self.tr("Kind"), self.kind)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(locale_dates.edit_format())
        self.add_row("occurred_on", self.tr("Date"), self.date)
        self.description = text_box(3)
        self.description.setPlaceholderText(self.tr("What was it? e.g. Introduced her to our CFO"))
        self.add_row("description", self.tr("Description"), self.description)
        value_row = QWidget()
        value_layout = QHBoxLayout(value_row)
        value_layout.setContentsMargins(0, 0, 0, 0)
        self.value = QSpinBox()
        self.value.setObjectName("value")
        self.value.setAccessibleName(self.tr("Value"))
        self.value.setRange(1, 5)
        self.value.setValue(2)
        self.value_word = QLabel()
        self.value.valueChanged.connect(self._show_value_word)
        self._show_value_word(self.value.value())
        value_layout.addWidget(self.value)
        value_layout.addWidget(self.value_word, 1)
        self.form.addRow(self.tr("Value"), value_row)
        self.fields["value"] = self.value
        self.beneficiary = ContactPicker(seldom_used=True)
        self.beneficiary.setObjectName("beneficiary")
        self.beneficiary.setToolTip(self.tr("Who it helped, when not the person it was with"))
        self.add_row("beneficiary", self.tr("For the benefit of"), self.beneficiary)
        holder, self.expectation = radio_row(
            "expectation",
            [
                ("pay_forward", self.tr("Pay it forward")),
                ("iou", self.tr("IOU (they know its value)")),
            ],
        )
        check_value(self.expectation, "pay_forward")
        self.add_row("expectation", self.tr("Expectation"), holder)
        self.acknowledged = QCheckBox(self.tr("The other side acknowledged it"))
        self.add_row("acknowledged", "", self.acknowledged)
        self.settles = QComboBox()
        self.add_row("settles", self.tr("Settles an open IOU"), self.settles)

        self.contact.set_contact_id(contact_id)
        self.contact.contactChanged.connect(lambda _c: self._refresh_ious())
        self.contact.editTextChanged.connect(lambda _t: self._refresh_ious())
        self.direction.buttonToggled.connect(lambda _b, _on: self._refresh_ious())
        self._ious_for: tuple[int | None, str | None] | None = None
        self._refresh_ious()
        if settles is not None:  # logging the favor that pays back this IOU
            self.settles.setCurrentIndex(max(self.settles.findData(settles), 0))
        self.resize(560, self.sizeHint().height())
        (self.description if contact_id is not None else self.contact).setFocus()
        self.mark_clean()

    def _show_value_word(self, value: int) -> None:
        self.value_word.setText(self.tr(self.VALUE_WORDS[value]))

    def _refresh_ious(self) -> None:
        """List the open IOUs this favor could pay back: same person, other direction."""
        # Not waiting for the names a worker reads: the picker says whom the text names
        # once they are in.
        key = (self.contact.contact_id(wait=False), checked_value(self.direction))
        if key == self._ious_for:
            return
        self._ious_for = key
        contact_id, direction = key
        previous = self.settles.currentData()
        self.settles.clear()
        self.settles.addItem(self.tr("No"), None)
        if contact_id is not None and direction is not None:
            other = "received" if direction == "given" else "given"
            for iou in favors.open_ious(other, contact_id):
                who = self.tr("I owe them") if other == "received" else self.tr("They owe me")
                text = f"{short_date(iou.occurred_on)} · {who}: {iou.description}"
                self.settles.addItem(text if len(text) < 70 else text[:69] + "…", iou.id)
                self.settles.setItemData(
                    self.settles.count() - 1, iou.description, Qt.ItemDataRole.ToolTipRole
                )
        index = self.settles.findData(previous) if previous is not None else 0
        self.settles.setCurrentIndex(max(index, 0))
        self.settles.setEnabled(self.settles.count() > 1)

    def save(self) -> int:
        contact_id = required_contact(
            self.contact, "contact", self.tr("Choose who the favor was with")
        )
        check_optional_contact(self.beneficiary, "beneficiary")
        day = self.date.date()
        return favors.log_favor(
            contact_id,
            checked_value(self.direction) or "given",
            self.description.toPlainText(),
            kind=self.kind.currentData(),
            occurred_on=dt.date(day.year(), day.month(), day.day()),
            value=self.value.value(),
            beneficiary_id=self.beneficiary.contact_id(),
            expectation=checked_value(self.expectation) or "pay_forward",
            acknowledged=self.acknowledged.isChecked(),
            settles_id=self.settles.currentData(),
        )
