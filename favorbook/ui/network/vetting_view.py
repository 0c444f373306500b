"""One contact's vetting: status, criteria, what they are trusted for, re-vet date, dated notes."""

from __future__ import annotations

from functools import partial
from html import escape

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, ValidationError
from favorbook.services import vetting
from favorbook.services._common import today
from favorbook.services.briefing import shared
from favorbook.services.changes import Change
from favorbook.services.dates import short_date
from favorbook.services.session import describe_error
from favorbook.ui.calls.call_prep import (
    Section,
    WrappingPage,
    contact_link,
    fill_with_scroll,
    laid_out_once,
    muted,
    open_contact_link,
    text_label,
)
from favorbook.ui.forms.pickers import ContactPicker
from favorbook.ui.forms.vetting_form import VettingDialog
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.style import warning_red

# Deliberate accents: white text on a coloured badge reads on light and dark themes.
BADGE_COLOURS = {
    "unvetted": "#6b6b6b",
    "in_review": "#a15c00",
    "trusted": "#1e7d32",
    "not_recommended": "#b3261e",
}


class VettingTab(FollowsChanges, QWidget):
    """Whether the rep can stake their name on recommending this contact, and why."""

    SHOWS = Change.VETTING | Change.CONTACTS

    # Rebuilt later: the change may come from a control inside what is rebuilt.
    DEFER_CHANGES = True

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vettingTab")
        self.bus = bus
        self.contact_id: int | None = None
        self.dialog: QDialog | None = None

        self.badge = QLabel()
        self.badge.setObjectName("vettingBadge")
        font = self.badge.font()
        font.setBold(True)
        self.badge.setFont(font)
        self.edit_button = QPushButton(self.tr("Edit vetting…"))
        self.edit_button.setObjectName("editVettingButton")
        self.edit_button.clicked.connect(self.edit_vetting)
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addStretch(1)
        top.addWidget(self.edit_button)

        self.summary_label = text_label(rich=True)
        self.summary_label.setObjectName("vettingSummary")
        self.criteria_label = text_label(rich=True)
        self.criteria_label.setObjectName("vettingCriteria")
        self.notes_section = Section(
            self.tr("Vetting notes"),
            self.tr("No notes yet. Write down what you saw them do, and who vouched for them."),
            "vettingNotes",
        )

        # The add-note form: what was observed, the evidence, who vouched.
        self.note_body = QPlainTextEdit()
        self.note_body.setObjectName("noteBody")
        self.note_body.setTabChangesFocus(True)
        self.note_body.setPlaceholderText(self.tr("What you observed (required)"))
        self.note_body.setFixedHeight(self.note_body.fontMetrics().lineSpacing() * 3 + 12)
        self.note_evidence = QLineEdit()
        self.note_evidence.setObjectName("noteEvidence")
        self.note_evidence.setPlaceholderText(self.tr("A reference, a document, a job seen"))
        self.voucher_holder = QVBoxLayout()
        self.voucher_holder.setContentsMargins(0, 0, 0, 0)
        # The picker lists every name in the network (100,000 of them take seconds), so it
        # is built when the user reaches for it; until then a light stand-in holds its place.
        self._voucher: ContactPicker | None = None
        self.voucher_stand_in = QComboBox()
        self.voucher_stand_in.setObjectName("vouchedByStandIn")
        self.voucher_stand_in.setAccessibleName(self.tr("Vouched by"))
        self.voucher_stand_in.setEditable(True)
        self.voucher_stand_in.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.voucher_stand_in.setMinimumContentsLength(12)
        self.voucher_stand_in.lineEdit().setPlaceholderText(self.tr("Type a name…"))
        self.voucher_stand_in.installEventFilter(self)
        self.voucher_stand_in.lineEdit().installEventFilter(self)
        self.voucher_holder.addWidget(self.voucher_stand_in)
        self.add_note_button = QPushButton(self.tr("Add note"))
        self.add_note_button.setObjectName("addNoteButton")
        self.add_note_button.clicked.connect(self.add_note)
        self.note_error = text_label()
        self.note_error.setObjectName("formError")
        self.note_error.setStyleSheet(
            "color: white; background: #b3261e; padding: 6px; border-radius: 3px;"
        )
        self.note_error.hide()
        note_form = QFormLayout()
        note_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        note_form.addRow(self.tr("Observed"), self.note_body)
        note_form.addRow(self.tr("Evidence"), self.note_evidence)
        note_form.addRow(self.tr("Vouched by"), self.voucher_holder)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_note_button)
        self.add_section = Section(self.tr("Add a note"), "", "addVettingNote")
        form_widget = QWidget()
        form_layout = QVBoxLayout(form_widget)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(note_form)
        form_layout.addWidget(self.note_error)
        form_layout.addLayout(add_row)
        self.add_section.body.addWidget(form_widget)

        self.empty_label = muted(text_label(self.tr("Choose a contact to see their vetting.")))
        self.details = WrappingPage()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addLayout(top)
        details.addWidget(self.summary_label)
        details.addWidget(self.criteria_label)
        details.addSpacing(6)
        details.addWidget(self.notes_section)
        details.addWidget(self.add_section)

        content = WrappingPage()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.addWidget(self.empty_label)
        inner.addWidget(self.details)
        inner.addStretch(1)
        fill_with_scroll(self, content, self.tr("Vetting"))
        self.content = content
        self.follow_changes(bus)
        self.show_contact(None)

    # --- filling -------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        with laid_out_once(self.content):
            self._show(contact_id)

    def _show(self, contact_id: int | None) -> None:
        changed_person = contact_id != self.contact_id
        self.contact_id = contact_id
        self.mark_fresh()
        self.empty_label.setVisible(contact_id is None)
        self.details.setVisible(contact_id is not None)
        self.notes_section.clear()
        if contact_id is None:
            return
        if changed_person:
            self._reset_note_form()
        try:
            self._fill(contact_id)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            self.show_contact(None)

    @staticmethod
    def _new_voucher(exclude: int | None) -> ContactPicker:
        picker = ContactPicker() if exclude is None else ContactPicker(exclude=exclude)
        picker.setObjectName("vouchedBy")
        # Sized by a few characters, not by the longest name in the network: one long name
        # made this picker 430 px wide and the whole window at least 1210 px.
        picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        picker.setMinimumContentsLength(12)
        return picker

    @property
    def voucher(self) -> ContactPicker:
        """Who vouched: the contact picker, built on first use for the contact shown."""
        if self._voucher is None:
            self._voucher = self._new_voucher(self.contact_id)
            self._voucher.setEditText(self.voucher_stand_in.currentText())
            self.voucher_holder.replaceWidget(self.voucher_stand_in, self._voucher)
            self.voucher_stand_in.hide()
            self.voucher_stand_in.clearEditText()
        return self._voucher

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if (
            event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress)
            and self._voucher is None
            and watched in (self.voucher_stand_in, self.voucher_stand_in.lineEdit())
        ):
            QTimer.singleShot(0, self._swap_in_voucher)
        return super().eventFilter(watched, event)

    def _swap_in_voucher(self) -> None:
        if self._voucher is None and self.voucher_stand_in.isVisible():
            self.voucher.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reset_note_form(self) -> None:
        self.note_body.clear()
        self.note_evidence.clear()
        self.note_error.hide()
        # A fresh picker on next use: it lists the current names, without the contact.
        old, self._voucher = self._voucher, None
        if old is not None:
            self.voucher_holder.replaceWidget(old, self.voucher_stand_in)
            self.voucher_stand_in.show()
            old.hide()
            old.deleteLater()
        self.voucher_stand_in.clearEditText()

    def _fill(self, contact_id: int) -> None:
        v = shared(contact_id).vetting
        self.badge.setText(f"  {self.tr(v.status_label)}  ")
        sheet = (
            f"color: white; background: {BADGE_COLOURS[v.status]}; "
            "border-radius: 4px; padding: 3px 6px;"
        )
        if self.badge.styleSheet() != sheet:  # a new style sheet styles the badge anew
            self.badge.setStyleSheet(sheet)
        lines = []
        if v.trusted_for:
            lines.append(f"<b>{escape(self.tr('Trusted for'))}:</b> {escape(v.trusted_for)}")
        elif v.status == "trusted":
            lines.append(f"<i>{escape(self.tr('Not said what they are trusted for.'))}</i>")
        if v.revet_on is None:
            lines.append(escape(self.tr("No re-vet date.")))
        elif v.revet_due():
            lines.append(
                f"<b style='color:{warning_red()}'>"
                f"{escape(self.tr('Re-vet due since %1').replace('%1', short_date(v.revet_on)))}"
                "</b>"
            )
        else:
            lines.append(escape(self.tr("Re-vet on %1").replace("%1", short_date(v.revet_on))))
        self.summary_label.setText("<br>".join(lines))
        marks = []
        for key in vetting.CRITERIA:
            met = v.criteria.get(key, False)
            sign = "✔" if met else "✘"
            state = self.tr("met") if met else self.tr("not yet")
            marks.append(
                f"{sign} {escape(self.tr(vetting.CRITERIA_LABELS[key]))} "
                f"<span>({escape(state)})</span>"
            )
        self.criteria_label.setText(
            f"<b>{escape(self.tr('Criteria'))}</b><br>" + "<br>".join(marks)
        )
        for note in v.notes:
            parts = [f"<b>{short_date(note.noted_on)}</b> — {escape(note.body)}"]
            if note.evidence:
                parts.append(f"<i>{escape(self.tr('Evidence'))}:</i> {escape(note.evidence)}")
            if note.vouched_by:
                parts.append(
                    f"<i>{escape(self.tr('Vouched by'))}:</i> "
                    f"{contact_link(note.vouched_by_id, note.vouched_by)}"
                )
            self.notes_section.reuse("note", self._note_label).setText("<br>".join(parts))
        if not v.notes:
            self.notes_section.show_empty()

    def _note_label(self) -> QLabel:
        label = text_label(rich=True)
        label.linkActivated.connect(partial(open_contact_link, self.bus))
        return label

    # --- actions -------------------------------------------------------------------

    def add_note(self) -> None:
        if self.contact_id is None:
            return
        self.note_error.hide()
        picker = self._voucher
        voucher_id = picker.contact_id() if picker is not None else None
        # A name typed that is not a contact is kept as text: people vouch who are not clients.
        typed = picker.currentText() if picker is not None else self.voucher_stand_in.currentText()
        voucher_name = typed.strip() if voucher_id is None else ""
        try:
            vetting.add_note(
                self.contact_id,
                self.note_body.toPlainText(),
                evidence=self.note_evidence.text(),
                vouched_by_id=voucher_id,
                vouched_by_name=voucher_name,
                noted_on=today(),
            )
        except ValidationError as exc:
            self._note_failed(exc.message, exc.field)
            return
        except FavorbookError as exc:
            self._note_failed(describe_error(exc), None)
            return
        self._reset_note_form()
        self.bus.message.emit(self.tr("Vetting note added."))
        self.bus.changed.emit(Change.VETTING)
        self.show_contact(self.contact_id)

    def _note_failed(self, message: str, field: str | None) -> None:
        self.note_error.setText(message[:1].upper() + message[1:])
        self.note_error.show()
        target = {"evidence": self.note_evidence, "vouched_by": self.voucher}.get(
            field or "", self.note_body
        )
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def edit_vetting(self) -> None:
        if self.contact_id is None:
            return
        try:
            self.dialog = VettingDialog(self.contact_id, self)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            return
        self.dialog.finished.connect(self._dialog_finished)
        self.dialog.open()

    def _dialog_finished(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.bus.message.emit(self.tr("Vetting saved."))
            self.bus.changed.emit(Change.VETTING)
            self.show_contact(self.contact_id)

    def reload_view(self) -> None:
        self.show_contact(self.contact_id)
