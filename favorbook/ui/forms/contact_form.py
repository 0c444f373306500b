"""Create or edit a contact: who they are, how to reach them, what they need and offer."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from favorbook.errors import ValidationError
from favorbook.services import contacts, organizations, settings
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.forms.contact_fields import check_optional_contact
from favorbook.ui.forms.labeled_list import AddressListEditor, LabeledListEditor, detach_form
from favorbook.ui.forms.pickers import ContactPicker, rows_of_one_height

_ROW_FIELD = re.compile(r"^(emails|phones|links|addresses)\[(\d+)\]$")


def text_box(lines: int = 3) -> QPlainTextEdit:
    """A plain text edit a few lines high, where Tab moves on instead of typing a tab."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


class _TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma."""

    def pathFromIndex(self, index):  # noqa: N802 (Qt override)
        done = self.widget().text().rsplit(",", 1)[0] if "," in self.widget().text() else ""
        tag = super().pathFromIndex(index)
        return f"{done}, {tag}" if done else tag

    def splitPath(self, path):  # noqa: N802 (Qt override)
        return [path.rsplit(",", 1)[-1].strip()]


class ContactDialog(FormDialog):
    """New contact when ``contact_id`` is None, else edits that contact; ``saved_id`` after Save."""

    def __init__(self, contact_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        # The contact as it was read once: the fields, the title, and what undoing the
        # edit puts back (``loaded.to_input()``), not three reads of it.
        self.loaded = None if contact_id is None else contacts.get_contact(contact_id)
        self.setWindowTitle(
            self.tr("New contact")
            if self.loaded is None
            else self.tr("Edit {0}").format(self.loaded.display_name)
        )
        self.setObjectName("contactDialog")
        self.contact_id = contact_id
        self._phones_told: set[str] = set()  # local numbers the user was told about
        holder = detach_form(self)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("contactScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(holder)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop after Cancel
        self.layout().insertWidget(0, self.scroll, 1)

        self.first_name = self.add_row("first_name", self.tr("First name"), QLineEdit())
        self.last_name = self.add_row("last_name", self.tr("Last name"), QLineEdit())
        self.organization = QComboBox()
        self.organization.setEditable(True)
        self.organization.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.organization.addItem("")
        self.organization.addItems(organizations.names())
        self.organization.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.organization.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        rows_of_one_height(self.organization)
        self.organization.lineEdit().setPlaceholderText(self.tr("Company they work for"))
        self._narrow(self.organization)
        self.add_row("organization", self.tr("Organization"), self.organization)
        self.title_edit = self.add_row("title", self.tr("Title"), QLineEdit())
        self.kind = QComboBox()
        for kind in contacts.KINDS:
            self.kind.addItem(self.tr(kind.capitalize()), kind)
        self.add_row("kind", self.tr("Kind"), self.kind)

        self._section(self.tr("How to reach them"))
        self.emails = LabeledListEditor(
            "emails", self.tr("Add email"), "name@example.com", title=self.tr("Email")
        )
        self.add_row("emails", self.tr("Email"), self.emails)
        self.phones = LabeledListEditor(
            "phones",
            self.tr("Add phone"),
            "+1 415 555 0100",
            default_label="mobile",
            title=self.tr("Phone"),
        )
        self.add_row("phones", self.tr("Phone"), self.phones)
        self.links = LabeledListEditor(
            "links", self.tr("Add link"), "https://", title=self.tr("Link")
        )
        self.add_row("links", self.tr("Links"), self.links)
        self.addresses = AddressListEditor("addresses")
        self.add_row("addresses", self.tr("Address"), self.addresses)

        self._section(self.tr("About them"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("Comma separated, e.g. golf, board member"))
        tag_completer = _TagCompleter(self.tags)
        tag_completer.setModel(QStringListModel(contacts.all_tags(), tag_completer))
        tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags.setCompleter(tag_completer)
        self.add_row("tags", self.tr("Tags"), self.tags)
        self.birthday = QLineEdit()
        self.birthday.setPlaceholderText(self.tr("YYYY-MM-DD or --MM-DD"))
        self.add_row("birthday", self.tr("Birthday"), self.birthday)
        self.how_met = self.add_row("how_met", self.tr("How we met"), text_box(2))
        self.referred_by = ContactPicker(exclude=contact_id)
        self._narrow(self.referred_by)
        self.add_row("referred_by", self.tr("Referred by"), self.referred_by)
        self.needs = self.add_row("needs", self.tr("Their needs"), text_box())
        self.goals = self.add_row("goals", self.tr("Their goals"), text_box())
        self.offers = self.add_row("offers", self.tr("What they offer"), text_box())
        self.cadence = QSpinBox()
        self.cadence.setRange(0, contacts.MAX_CADENCE_DAYS)
        self.cadence.setSpecialValueText(self.tr("Not tracked"))
        self.cadence.setSuffix(self.tr(" days"))
        self.cadence.setToolTip(
            self.tr("How often to get in touch; 0 takes them off the stay-in-touch clock")
        )
        self.add_row("cadence_days", self.tr("Stay in touch every"), self.cadence)

        # What a vendor card may bring beside first and last name: rarely typed, so last.
        self._section(self.tr("More about the name and role"))
        for detail in contacts.DETAILS:  # one line each, from the list of details
            edit = self.add_row(detail.name, self.tr(detail.form_label), QLineEdit())
            if detail.placeholder:
                edit.setPlaceholderText(self.tr(detail.placeholder))
            setattr(self, detail.name, edit)
        self.full_name.setPlaceholderText(self.tr("The name built from the fields"))
        self.full_name.setToolTip(
            self.tr("Leave empty to show the name made of prefix, first, last name and suffix")
        )

        if contact_id is None:
            self.emails.add_row()
            self.phones.add_row()
            self.addresses.add_block()
            self.kind.setCurrentIndex(self.kind.findData("other"))
            self.cadence.setValue(settings.default_cadence_days())
        else:
            self._load(self.loaded)
        self.first_name.setFocus()
        self.resize(680, 640)
        self.mark_clean()

    @staticmethod
    def _narrow(combo: QComboBox) -> None:
        """Size a list of names by a few characters, not by its longest entry: one long
        company or contact name would widen the form past its scroll area and cut off
        every field's right end and the rows' remove buttons."""
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)

    def _section(self, title: str) -> None:
        label = QLabel(title)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 8, 0, 0)
        self.form.addRow(label)

    def _load(self, c: contacts.ContactDetail) -> None:
        self.first_name.setText(c.first_name)
        self.last_name.setText(c.last_name)
        self.organization.setEditText(c.organization)
        self.title_edit.setText(c.title)
        index = self.kind.findData(c.kind)
        self.kind.setCurrentIndex(index if index >= 0 else self.kind.findData("other"))
        self.emails.set_items(c.emails)
        self.phones.set_items(
            [contacts.Labeled(contacts.format_phone(p.value), p.label) for p in c.phones]
        )
        # Numbers already kept as typed were accepted when saved; no need to say it again.
        self._phones_told.update(remark for _row, remark in contacts.phone_remarks(c.phones))
        self.links.set_items(c.links, keep_one=False)
        self.addresses.set_addresses(c.addresses)
        self.tags.setText(", ".join(c.tags))
        self.birthday.setText(c.birthday or "")
        self.how_met.setPlainText(c.how_met)
        self.referred_by.set_contact_id(c.referred_by_id)
        self.needs.setPlainText(c.needs)
        self.goals.setPlainText(c.goals)
        self.offers.setPlainText(c.offers)
        self.cadence.setValue(c.cadence_days or 0)
        for name in contacts.NAME_DETAILS:
            getattr(self, name).setText(getattr(c, name))

    def contact_input(self) -> contacts.ContactInput:
        """What the fields hold, as the service takes it."""
        check_optional_contact(self.referred_by, "referred_by")
        return contacts.ContactInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            organization=self.organization.currentText(),
            title=self.title_edit.text(),
            kind=self.kind.currentData(),
            emails=[contacts.Labeled(v, lab) for v, lab in self.emails.items()],
            phones=[contacts.Labeled(v, lab) for v, lab in self.phones.items()],
            links=[contacts.Labeled(v, lab) for v, lab in self.links.items()],
            addresses=[contacts.Address(**a) for a in self.addresses.addresses()],
            tags=[t for t in (p.strip() for p in self.tags.text().split(",")) if t],
            birthday=self.birthday.text(),
            how_met=self.how_met.toPlainText(),
            referred_by_id=self.referred_by.contact_id(),
            needs=self.needs.toPlainText(),
            goals=self.goals.toPlainText(),
            offers=self.offers.toPlainText(),
            cadence_days=self.cadence.value(),
            **{name: getattr(self, name).text() for name in contacts.NAME_DETAILS},
        )

    def save(self) -> int:
        data = self.contact_input()
        for row, remark in contacts.phone_remarks(data.phones):
            if remark not in self._phones_told:
                # Said once: Save again keeps the number as typed.
                self._phones_told.add(remark)
                raise ValidationError(
                    f"phones[{row}]",
                    self.tr("{0}. Add the area code, or Save again to keep it as typed.").format(
                        remark
                    ),
                )
        if self.contact_id is None:
            return contacts.create_contact(data)
        contacts.update_contact(self.contact_id, data)
        return self.contact_id

    def field_widget(self, field: str | None) -> QWidget | None:
        match = _ROW_FIELD.match(field or "")
        if not match:
            return None
        name, index = match.group(1), int(match.group(2))
        if name == "addresses":
            return self.addresses.first_input(index)
        return getattr(self, name).value_widget(index)

    def show_error(self, field: str | None, message: str) -> None:
        super().show_error(field, message)
        if self._invalid is not None:
            self.scroll.ensureWidgetVisible(self._invalid)
