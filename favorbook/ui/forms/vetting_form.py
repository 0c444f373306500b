"""The vetting form: status, the four criteria, what they are trusted for, when to re-vet."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from favorbook.render import locale_dates
from favorbook.services import contacts, vetting
from favorbook.ui.forms.base import FormDialog, to_qdate


def tr(text: str) -> str:
    return QCoreApplication.translate("VettingDialog", text)


class VettingDialog(FormDialog):
    """Edit one contact's vetting (services.vetting.set_vetting)."""

    def __init__(self, contact_id: int, parent: QWidget | None = None) -> None:
        super().__init__(tr("Vetting of %1").replace("%1", contacts.name_of(contact_id)), parent)
        self.setObjectName("vettingDialog")
        self.setMinimumWidth(440)
        self.contact_id = contact_id
        current = vetting.get(contact_id)

        self.status = self.add_row("status", self.tr("Status"), QComboBox())
        for key in vetting.STATUSES:
            self.status.addItem(self.tr(vetting.STATUS_LABELS[key]), key)
        self.status.setCurrentIndex(self.status.findData(current.status))

        box = QWidget()
        box.setObjectName("criteria")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.criteria: dict[str, QCheckBox] = {}
        for key in vetting.CRITERIA:
            check = QCheckBox(self.tr(vetting.CRITERIA_LABELS[key]))
            check.setObjectName(key)
            check.setChecked(current.criteria.get(key, False))
            column.addWidget(check)
            self.criteria[key] = check
        self.add_row("criteria", self.tr("Criteria met"), box)

        self.trusted_for = self.add_row("trusted_for", self.tr("Trusted for"), QLineEdit())
        self.trusted_for.setPlaceholderText(self.tr("e.g. tax advice, commercial roofing"))
        self.trusted_for.setText(current.trusted_for)

        self.revet_check = QCheckBox(self.tr("Remind me on"))
        self.revet_check.setObjectName("revetCheck")
        self.revet_on = QDateEdit()
        self.revet_on.setObjectName("revet_on")
        self.revet_on.setAccessibleName(tr("Re-vet on"))
        self.revet_on.setCalendarPopup(True)
        self.revet_on.setDisplayFormat(locale_dates.edit_format())
        if current.revet_on is not None:
            self.revet_check.setChecked(True)
            self.revet_on.setDate(to_qdate(current.revet_on))
        else:
            self.revet_on.setDate(QDate.currentDate().addMonths(12))
        self.revet_on.setEnabled(self.revet_check.isChecked())
        self.revet_check.toggled.connect(self.revet_on.setEnabled)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.revet_check)
        line.addWidget(self.revet_on, 1)
        self.form.addRow(self.tr("Re-vet"), row)
        self.fields["revet_on"] = self.revet_on
        self.mark_clean()
        self.status.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> int | None:
        revet = (
            self.revet_on.date().toString(Qt.DateFormat.ISODate)
            if self.revet_check.isChecked()
            else ""
        )
        vetting.set_vetting(
            self.contact_id,
            self.status.currentData(),
            criteria={k: c.isChecked() for k, c in self.criteria.items()},
            trusted_for=self.trusted_for.text(),
            revet_on=revet,
        )
        return self.contact_id
