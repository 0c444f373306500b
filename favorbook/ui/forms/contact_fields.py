"""What a form says when its contact picker names nobody (one wording for every form)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from favorbook.errors import ValidationError
from favorbook.ui.forms.pickers import ContactPicker


def tr(text: str) -> str:
    return QCoreApplication.translate("ContactPicker", text)


def required_contact(picker: ContactPicker, field: str, empty: str) -> int:
    """The picked contact's id, or a ValidationError on ``field``: the typed name is
    unknown, or (nothing typed) ``empty``."""
    contact_id = picker.contact_id()
    if contact_id is None:
        text = picker.currentText().strip()
        raise ValidationError(
            field,
            tr("No contact is named “{0}”; pick one from the list").format(text) if text else empty,
        )
    return contact_id


def check_optional_contact(picker: ContactPicker, field: str) -> None:
    """A ValidationError on ``field`` when text was typed that names no contact."""
    if picker.typed_unknown_name():
        raise ValidationError(
            field,
            tr("No contact is named “{0}”; pick one from the list or clear the field").format(
                picker.currentText().strip()
            ),
        )
