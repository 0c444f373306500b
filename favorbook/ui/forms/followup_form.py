"""Add a follow-up, or move an existing one to another day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLineEdit, QWidget

from favorbook.render import locale_dates
from favorbook.services import followups
from favorbook.ui.forms.base import FormDialog, to_qdate
from favorbook.ui.forms.contact_fields import required_contact
from favorbook.ui.forms.pickers import ContactPicker


def py_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(value: QDate) -> QDateEdit:
    edit = QDateEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(locale_dates.edit_format())
    return edit


class FollowUpDialog(FormDialog):
    """New follow-up (``followup_id`` None) or reschedule one; ``saved_id`` after Save."""

    def __init__(
        self,
        contact_id: int | None = None,
        followup_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("", parent)
        self.setObjectName("followUpDialog")
        self.followup_id = followup_id
        self.contact = ContactPicker(optional=False)
        self.add_row("contact", self.tr("With"), self.contact)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("e.g. Send the case study"))
        self.add_row("title", self.tr("What"), self.title_edit)
        self.due = date_edit(QDate.currentDate().addDays(7))
        self.add_row("due_on", self.tr("Due"), self.due)
        if followup_id is None:
            self.setWindowTitle(self.tr("New follow-up"))
            self.contact.set_contact_id(contact_id)
            (self.title_edit if contact_id is not None else self.contact).setFocus()
        else:
            self.setWindowTitle(self.tr("Reschedule follow-up"))
            current = followups.get_followup(followup_id)
            self.contact.set_contact_id(current.contact_id)
            self.contact.setEnabled(False)
            self.title_edit.setText(current.title)
            self.title_edit.setReadOnly(True)
            self.due.setDate(to_qdate(current.due_on))
            self.due.setFocus()
        self.resize(460, self.sizeHint().height())
        self.mark_clean()

    def save(self) -> int:
        if self.followup_id is not None:
            followups.reschedule(self.followup_id, py_date(self.due.date()))
            return self.followup_id
        contact_id = required_contact(
            self.contact, "contact", self.tr("Choose who to follow up with")
        )
        return followups.add_followup(contact_id, py_date(self.due.date()), self.title_edit.text())
