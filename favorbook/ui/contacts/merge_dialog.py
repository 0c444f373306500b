"""Merge Into…: join the contact shown with another record of the same person."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import contacts, conversations, favors, followups
from favorbook.services.merge import merge_contacts
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.forms.pickers import ContactPicker


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_html(contact_id: int, heading: str) -> str:
    """What a rep needs to see to tell two records apart, escaped for a rich-text label."""
    c = contacts.get_contact(contact_id)
    role = " · ".join(x for x in (c.title, c.organization) if x)
    bal = favors.balance(contact_id)
    talks = conversations.interaction_stats(contact_id).total
    open_followups = len(followups.open_followups(contact_id=contact_id))
    lines = [
        f"<p style='margin:0'><small>{escape(heading)}</small></p>",
        f"<h3 style='margin:2px 0'>{escape(c.display_name)}</h3>",
    ]
    if role:
        lines.append(f"<p style='margin:0'>{escape(role)}</p>")
    details = [e.value for e in c.emails] + [contacts.format_phone(p.value) for p in c.phones]
    lines.append(
        "<p>" + ("<br>".join(escape(d) for d in details[:6]) or "<i>no email or phone</i>") + "</p>"
    )
    figures = [
        _count(bal.given, "favor given", "favors given") + f", {bal.received} received",
        _count(talks, "conversation", "conversations"),
        _count(open_followups, "open follow-up", "open follow-ups"),
        _count(len(c.notes), "note", "notes"),
    ]
    lines.append("<p>" + escape(" · ".join(figures)) + "</p>")
    return "".join(lines)


class MergeDialog(QDialog):
    """Pick the other record, see both side by side, then Merge (not undoable).

    ``merged(keep_id, message)`` fires after the merge was written.
    """

    merged = Signal(int, str)

    def __init__(self, contact_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.contact_id = contact_id
        name = contacts.name_of(contact_id)
        self.setWindowTitle(self.tr("Merge %1 Into…").replace("%1", name))

        self.picker = ContactPicker(self, optional=True, exclude=contact_id)
        self.picker.setObjectName("mergeTarget")
        self.picker.contactChanged.connect(self._update)
        self.picker.lineEdit().textChanged.connect(self._update)
        form = QFormLayout()
        form.addRow(self.tr("Merge %1 into:").replace("%1", name), self.picker)

        self.this_label = self._pane()
        self.other_label = self._pane()
        self.this_label.setObjectName("mergeThis")
        self.other_label.setObjectName("mergeOther")
        panes = QHBoxLayout()
        panes.addWidget(self.this_label.parentWidget(), 1)
        arrow = QLabel("→")
        arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
        panes.addWidget(arrow)
        panes.addWidget(self.other_label.parentWidget(), 1)

        self.keep_this = QCheckBox(
            self.tr("Keep %1's record instead (the other one is removed)").replace("%1", name)
        )
        self.keep_this.setObjectName("keepThis")
        self.keep_this.toggled.connect(self._update)

        self.explain = QLabel()
        self.explain.setObjectName("mergeExplain")
        self.explain.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("mergeError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(panes, 1)
        layout.addWidget(self.keep_this)
        layout.addWidget(self.explain)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(720, 380)
        self._update()

    def _pane(self) -> QLabel:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        label = QLabel(frame)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setMinimumWidth(260)
        inner = QVBoxLayout(frame)
        inner.addWidget(label)
        return label

    def other_id(self, *, wait: bool = True) -> int | None:
        return self.picker.contact_id(wait=wait)

    def keep_and_other(self, *, wait: bool = True) -> tuple[int, int] | None:
        other = self.other_id(wait=wait)
        if other is None:
            return None
        return (self.contact_id, other) if self.keep_this.isChecked() else (other, self.contact_id)

    def _update(self, *_args) -> None:
        # At every key: not waiting for the names a worker still reads (the picker says
        # whom the text names once they are in), which held the window 0.4 s at 100,000.
        pair = self.keep_and_other(wait=False)
        self.merge_button.setEnabled(pair is not None)
        if pair is None:
            self.this_label.setText(summary_html(self.contact_id, self.tr("This contact")))
            self.other_label.setText("<p><i>" + escape(self.tr("Choose the other record above.")))
            self.explain.setText(
                self.tr("Type the name of the other record of this person.")
                if not self.picker.typed_unknown_name(wait=False)
                else self.tr("No contact is called “%1”.").replace(
                    "%1", self.picker.currentText().strip()
                )
            )
            return
        keep, other = pair
        self.this_label.setText(summary_html(other, self.tr("Removed after the merge")))
        self.other_label.setText(summary_html(keep, self.tr("Kept")))
        self.explain.setText(
            self.tr(
                "Every favor, conversation, follow-up, referral, vetting note and note of %1 "
                "moves to %2; emails, phones and tags are joined, empty fields are filled. "
                "Then %1 is removed. A merge cannot be undone."
            )
            .replace("%1", contacts.name_of(other))
            .replace("%2", contacts.name_of(keep))
        )

    def accept(self) -> None:
        pair = self.keep_and_other()
        if pair is None:
            return
        keep, other = pair
        gone, kept = contacts.name_of(other), contacts.name_of(keep)
        try:
            result = merge_contacts(keep, other)
        except FavorbookError as exc:
            self.error_label.setText(describe_error(exc))
            self.error_label.show()
            return
        moved = sum(result.moved.values())
        message = (
            self.tr("Merged %1 into %2 (%3 moved).")
            .replace("%1", gone)
            .replace("%2", kept)
            .replace("%3", counted(moved, self.tr("record"), self.tr("records")))
        )
        self.merged.emit(keep, message)
        super().accept()
