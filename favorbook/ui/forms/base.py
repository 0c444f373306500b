"""The base of every form: validation that keeps what was typed, and a prompt before losing edits.

A subclass builds its fields with ``add_row`` (which remembers the field name a
service's ``ValidationError.field`` will use), implements ``save()`` to call
one service, and gets for free:

- Save runs ``save()``; a ``ValidationError`` shows its message above the
  buttons, marks the named field and puts the cursor there, and the dialog
  stays open with everything the user typed.
- Cancel, Escape or the window's close button ask before discarding edits.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, ValidationError
from favorbook.services.session import describe_error


def widget_state(widget: QWidget) -> object:
    """A comparable snapshot of what an input widget holds (None for non-inputs); a
    widget with a ``form_state()`` says it itself."""
    own = getattr(widget, "form_state", None)
    if callable(own):
        return own()
    if callable(getattr(widget.parentWidget(), "form_state", None)):
        return None  # a part of such a widget (a picker's line edit): it speaks for it
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText() if widget.isEditable() else None)
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def to_qdate(value) -> QDate:
    """A Python date as a QDate."""
    return QDate(value.year, value.month, value.day)


class FormDialog(QDialog):
    """A dialog with a form, an error line and Save/Cancel."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(
            "color: white; background: #b3261e; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(self.body)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}
        self.saved_id: int | None = None
        self._clean_state: list[object] = []
        self._invalid: QWidget | None = None

    # --- building -------------------------------------------------------------------

    def add_row(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add a labelled field; ``name`` is the field a ValidationError names."""
        self.form.addRow(label, widget)
        self.fields[name] = widget
        if not widget.objectName():
            widget.setObjectName(name)
        return widget

    def mark_clean(self) -> None:
        """Call once the fields hold their starting values: edits are measured from here."""
        self._clean_state = self._state()

    def _inputs(self) -> list[QWidget]:
        return [w for w in self.findChildren(QWidget) if widget_state(w) is not None]

    def _state(self) -> list[object]:
        return [(w.objectName(), widget_state(w)) for w in self._inputs()]

    def is_dirty(self) -> bool:
        return self._state() != self._clean_state

    # --- saving ---------------------------------------------------------------------

    def save(self) -> int | None:
        """Read the fields and call one service; raise ValidationError on bad input."""
        raise NotImplementedError

    def accept(self) -> None:
        self._clear_error()
        try:
            self.saved_id = self.save()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        except FavorbookError as exc:
            self.show_error(None, describe_error(exc))
            return
        super().accept()

    def show_error(self, field: str | None, message: str) -> None:
        """Show ``message``, mark the field it names and move the cursor there.

        The mark and the message go away as soon as that field is edited.
        """
        self._clear_error()
        self.error_label.setText(message[:1].upper() + message[1:])
        self.error_label.show()
        widget = self.fields.get(field or "") or self.field_widget(field)
        if widget is not None:
            widget.setProperty("invalid", True)
            widget.setStyleSheet("border: 2px solid #b3261e;")
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self._invalid = widget
            for signal in (
                "textChanged",
                "currentIndexChanged",
                "valueChanged",
                "dateChanged",
                "toggled",
                "editTextChanged",
            ):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self._field_edited)

    def _field_edited(self, *_args) -> None:
        sender = self.sender()
        if sender is not None and sender is self._invalid:
            self._clear_error()

    def field_widget(self, field: str | None) -> QWidget | None:
        """Subclasses map structured field names ("emails[1]") to their widget."""
        return None

    def _clear_error(self) -> None:
        self.error_label.hide()
        widget, self._invalid = self._invalid, None
        if widget is not None:
            widget.setProperty("invalid", False)
            widget.setStyleSheet("")
            for signal in (
                "textChanged",
                "currentIndexChanged",
                "valueChanged",
                "dateChanged",
                "toggled",
                "editTextChanged",
            ):
                if hasattr(widget, signal):
                    with contextlib.suppress(RuntimeError, TypeError):
                        getattr(widget, signal).disconnect(self._field_edited)

    # --- leaving ----------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Ask before throwing away edits; tests replace this to answer."""
        answer = QMessageBox.question(
            self,
            self.tr("Discard changes?"),
            self.tr("You have changes that are not saved. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        # QDialog routes Escape and the title bar's close button here too.
        if self.is_dirty() and not self.confirm_discard():
            return
        super().reject()
