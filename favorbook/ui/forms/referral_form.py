"""Referral forms: who referred a contact to us, a recommendation we make, and what came of one."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from favorbook.errors import NotTrustedError, ValidationError
from favorbook.render import locale_dates
from favorbook.services import referrals, vetting
from favorbook.services.dates import short_date
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.forms.pickers import ContactPicker

MODES = ("inbound", "recommend")


def tr(text: str) -> str:
    return QCoreApplication.translate("ReferralDialog", text)


def date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(locale_dates.edit_format())
    return edit


def note_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
    return edit


def picked(picker: ContactPicker, field: str, empty: str) -> int:
    """The picker's contact, or a ValidationError naming ``field`` that says what is wrong."""
    contact_id = picker.contact_id()
    if contact_id is None:
        if picker.typed_unknown_name():
            raise ValidationError(
                field,
                tr("No contact is named “%1”; pick a name from the list.").replace(
                    "%1", picker.currentText().strip()
                ),
            )
        raise ValidationError(field, empty)
    return contact_id


class ReferralDialog(FormDialog):
    """``inbound``: who referred a contact to us. ``recommend``: we recommend one person to another.

    In recommend mode ``contact_id`` is the person receiving the recommendation and
    ``subject_id`` (optional) the one recommended. Recommending someone not vetted as
    trusted shows an override-reason field; saving again with a reason records it.
    """

    def __init__(
        self,
        mode: str = "inbound",
        contact_id: int | None = None,
        parent: QWidget | None = None,
        *,
        subject_id: int | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        super().__init__(
            tr("Who referred them") if mode == "inbound" else tr("Recommend someone"),
            parent,
        )
        self.setObjectName("referralDialog")
        self.setMinimumWidth(460)
        if mode == "inbound":
            self.source = self.add_row("referred_by", self.tr("Referred by"), ContactPicker())
            self.subject = self.add_row("subject", self.tr("Contact"), ContactPicker())
            self.subject.set_contact_id(contact_id)
            self.recipient = None
        else:
            self.source = None
            self.subject = self.add_row("subject", self.tr("Recommend"), ContactPicker())
            self.recipient = self.add_row("recipient", self.tr("To"), ContactPicker())
            self.subject.set_contact_id(subject_id)
            self.recipient.set_contact_id(contact_id)
        self.occurred_on = self.add_row("occurred_on", self.tr("Date"), date_edit())
        self.note = self.add_row(
            "note",
            self.tr("Note"),
            note_edit(
                self.tr("How it came about")
                if mode == "inbound"
                else self.tr("What you said about them, and why")
            ),
        )
        self.override_reason = self.add_row(
            "override_reason",
            self.tr("Why anyway"),
            note_edit(self.tr("Why you recommend them although they are not vetted as trusted")),
        )
        self.form.setRowVisible(self.override_reason, False)
        self.mark_clean()
        first = self.source if mode == "inbound" else self.subject
        if mode == "recommend" and subject_id is not None:
            first = self.recipient if contact_id is None else self.note
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def override_visible(self) -> bool:
        return not self.override_reason.isHidden()

    def save(self) -> int | None:
        day = self.occurred_on.date().toString(Qt.DateFormat.ISODate)
        note = self.note.toPlainText()
        if self.mode == "inbound":
            source = picked(self.source, "referred_by", self.tr("Choose who referred them."))
            subject = picked(self.subject, "subject", self.tr("Choose the contact referred."))
            return referrals.record_inbound(source, subject, occurred_on=day, note=note)
        subject = picked(self.subject, "subject", self.tr("Choose whom you recommend."))
        recipient = picked(
            self.recipient, "recipient", self.tr("Choose whom you recommend them to.")
        )
        reason = self.override_reason.toPlainText() if self.override_visible() else None
        try:
            return referrals.recommend(
                subject, recipient, occurred_on=day, note=note, override_reason=reason
            )
        except NotTrustedError as exc:
            self.form.setRowVisible(self.override_reason, True)
            status = vetting.STATUS_LABELS.get(exc.status, exc.status).lower()
            raise ValidationError(
                "override_reason",
                self.tr(
                    "%1 is not vetted as trusted (%2). Nothing was saved and nothing is "
                    "lost: say why you recommend them anyway and save again; the reason is "
                    "kept with the recommendation."
                )
                .replace("%1", self.subject.currentText().strip())
                .replace("%2", self.tr(status)),
            ) from None


OUTCOME_LABELS = {"pending": "Pending", "won": "Won", "lost": "Lost"}


class ReferralOutcomeDialog(FormDialog):
    """What came of a referral: outcome, its value when won, and whether thanks were sent."""

    def __init__(self, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(tr("Referral outcome"), parent)
        self.setObjectName("referralOutcomeDialog")
        self.setMinimumWidth(380)
        self.referral_id = referral_id
        view = referrals.get_referral(referral_id)
        if view.kind == "inbound":
            what = self.tr("%1 referred %2").replace("%1", view.source).replace("%2", view.subject)
        else:
            what = (
                self.tr("You recommended %1 to %2")
                .replace("%1", view.subject)
                .replace("%2", view.recipient)
            )
        summary = QLabel(f"{what} ({short_date(view.occurred_on)})")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow(summary)
        self.outcome = self.add_row("outcome", self.tr("Outcome"), QComboBox())
        for key in referrals.OUTCOMES:
            self.outcome.addItem(self.tr(OUTCOME_LABELS[key]), key)
        self.outcome.setCurrentIndex(max(self.outcome.findData(view.outcome), 0))
        self.value = self.add_row("value", self.tr("Value"), QLineEdit())
        self.value.setPlaceholderText(self.tr("What it was worth, e.g. 12000"))
        if view.value:
            self.value.setText(f"{view.value:g}")
        self.thanks = self.add_row("thanks_sent", "", QCheckBox(self.tr("Thanks sent")))
        self.thanks.setChecked(view.thanks_sent)
        self.mark_clean()

    def save(self) -> int | None:
        referrals.set_outcome(self.referral_id, self.outcome.currentData(), self.value.text())
        referrals.mark_thanks(self.referral_id, self.thanks.isChecked())
        return self.referral_id
