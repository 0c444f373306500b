"""The contact's Profile tab: who they are, an Edit button, and their notes."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, NotFoundError, ValidationError
from favorbook.services import contacts
from favorbook.services.briefing import Briefing, shared
from favorbook.services.changes import LEDGER, NETWORK, Change
from favorbook.services.dates import local_day_text, short_date
from favorbook.services.session import describe_error
from favorbook.ui.contacts.contact_commands import EditContact
from favorbook.ui.contacts.contacts_page import ResizingSplitter
from favorbook.ui.contacts.detail import glance_html
from favorbook.ui.forms.contact_form import ContactDialog, text_box
from favorbook.ui.shell.refresh import on_change
from favorbook.ui.shell.wrap_label import WrapLabel

CONTACT_SCHEME = "favorbook-contact"


def birthday_text(value: str) -> str:
    """A birthday with its year in the short date format; one without ("--07-25") as kept."""
    try:
        return short_date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def profile_html(b: Briefing, tr) -> str:
    """One contact's profile as HTML, with its at-a-glance summary; user text escaped."""
    c = b.contact
    rows = _reach_rows(c, tr) + _about_rows(b, tr)
    cells = "".join(
        f"<tr><td style='padding-right:12px'><i>{escape(label)}</i></td><td>{value}</td></tr>"
        for label, value in rows
    )
    parts = [*_name_lines(c, tr), f"<table cellspacing='2'>{cells}</table>"]
    # How to reach them comes first, right under the name: opening a contact is most often
    # about calling or writing to them; the at-a-glance summary follows.
    parts.append(glance_html(b))
    for label, text in (
        (tr("How we met"), c.how_met),
        (tr("Their needs"), c.needs),
        (tr("Their goals"), c.goals),
        (tr("What they offer"), c.offers),
    ):
        if text:
            parts.append(f"<h4>{escape(label)}</h4><p>{_lines(text)}</p>")
    return "".join(parts)


def _name_lines(c: contacts.ContactDetail, tr) -> list[str]:
    """The name, what else they are called, and their role, kind and state."""
    parts = [f"<h2>{escape(c.display_name)}</h2>"]
    also = []
    if c.nickname:
        also.append(f"“{escape(c.nickname)}”")
    phonetic = " ".join(p for p in (c.phonetic_first_name, c.phonetic_last_name) if p)
    if phonetic:
        also.append(f"<i>{escape(phonetic)}</i>")
    if also:
        parts.append(f"<p>{' · '.join(also)}</p>")
    org = ", ".join(p for p in (c.department, c.organization) if p)
    sub = [escape(p) for p in (c.title, org, c.role) if p]
    sub.append(escape(tr(c.kind.capitalize())))
    if c.archived:
        sub.append(f"<b>{escape(tr('Archived'))}</b>")
    if c.sample:
        sub.append(f"<i>{escape(tr('Sample contact'))}</i>")
    parts.append(f"<p>{' · '.join(sub)}</p>")
    return parts


def link_url(value: str) -> str:
    """Where a link points: as it is with its own scheme (xmpp:, skype:, mailto:), else
    https."""
    has_scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", value)
    return value if "://" in value or has_scheme else f"https://{value}"


def _reach_rows(c: contacts.ContactDetail, tr) -> list[tuple[str, str]]:
    """(label, HTML) of each email, phone, link and address."""
    rows: list[tuple[str, str]] = []
    for e in c.emails:
        link = f"<a href='mailto:{escape(e.value, quote=True)}'>{escape(e.value)}</a>"
        rows.append((e.label or tr("email"), link))
    for p in c.phones:
        rows.append((p.label or tr("phone"), escape(contacts.format_phone(p.value))))
    for k in c.links:
        url = escape(link_url(k.value), quote=True)
        rows.append((k.label or tr("link"), f"<a href='{url}'>{escape(k.value)}</a>"))
    for a in c.addresses:
        rows.append((a.label or tr("address"), escape(a.one_line())))
    return rows


def _about_rows(b: Briefing, tr) -> list[tuple[str, str]]:
    """(label, HTML) of their tags, birthday, who referred them and the stay-in-touch clock."""
    c = b.contact
    rows: list[tuple[str, str]] = []
    if c.tags:
        rows.append((tr("tags"), escape(", ".join(c.tags))))
    if c.birthday:
        rows.append((tr("birthday"), escape(birthday_text(c.birthday))))
    if c.referred_by_id:
        link = f"<a href='{CONTACT_SCHEME}:{c.referred_by_id}'>{escape(c.referred_by_name)}</a>"
        rows.append((tr("referred by"), link))
    if not c.cadence_days:
        touch = tr("not tracked")
    elif b.touch_due():
        touch = tr("every {0} days").format(c.cadence_days)
        touch += " — " + tr("due since {0}").format(short_date(c.touch_due_on))
    elif c.touch_due_on:
        touch = tr("every {0} days").format(c.cadence_days)
        touch += " — " + tr("next touch due {0}").format(short_date(c.touch_due_on))
    else:
        touch = tr("every {0} days").format(c.cadence_days)
    rows.append((tr("stay in touch"), escape(touch)))
    return rows


class ProfileTab(QWidget):
    """Shows one contact's profile and notes; ``show_contact(None)`` shows the empty state."""

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileTab")
        self.bus = bus
        self.contact_id: int | None = None

        self.empty = WrapLabel(self.tr("Select a contact to see their profile."))
        self.empty.setObjectName("profileEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)

        self.browser = QTextBrowser()
        self.browser.setObjectName("profileView")
        self.browser.setAccessibleName(self.tr("Profile"))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setObjectName("editContactButton")
        self.edit_button.clicked.connect(self.edit_contact)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.edit_button)
        profile = QWidget()
        profile_layout = QVBoxLayout(profile)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_layout.addLayout(top)
        profile_layout.addWidget(self.browser, 1)

        notes = QWidget()
        notes_layout = QVBoxLayout(notes)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(self.tr("Notes"))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        notes_layout.addWidget(heading)
        self.note_list = QListWidget()
        self.note_list.setObjectName("noteList")
        self.note_list.setWordWrap(True)
        self.note_list.setAlternatingRowColors(True)
        self.note_list.currentRowChanged.connect(self._update_buttons)
        notes_layout.addWidget(self.note_list, 1)
        # No notes: one line says so and the pane shrinks to it, the profile takes the room.
        self.no_notes = QLabel(self.tr("No notes yet."))
        self.no_notes.setObjectName("noNotes")
        self.no_notes.setEnabled(False)
        notes_layout.addWidget(self.no_notes)
        self.notes_pane = notes
        self._notes_collapsed = False
        self.note_edit = text_box(3)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setAccessibleName(self.tr("New note"))
        self.note_edit.setPlaceholderText(self.tr("Write a note…"))
        notes_layout.addWidget(self.note_edit)
        self.note_error = WrapLabel()
        self.note_error.setObjectName("noteError")
        self.note_error.setStyleSheet("color: #b3261e;")
        self.note_error.hide()
        notes_layout.addWidget(self.note_error)
        buttons = QHBoxLayout()
        self.private_check = QCheckBox(self.tr("Private (left out of contact sheets)"))
        self.private_check.setObjectName("notePrivate")
        self.add_note_button = QPushButton(self.tr("Add note"))
        self.add_note_button.setObjectName("addNoteButton")
        self.add_note_button.clicked.connect(self.add_note)
        self.delete_note_button = QPushButton(self.tr("Delete note"))
        self.delete_note_button.setObjectName("deleteNoteButton")
        self.delete_note_button.clicked.connect(self.delete_note)
        buttons.addWidget(self.private_check)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_note_button)
        buttons.addWidget(self.add_note_button)
        notes_layout.addLayout(buttons)

        self.splitter = ResizingSplitter(Qt.Orientation.Vertical)
        self.splitter.resized.connect(self._splitter_resized)
        self.splitter.addWidget(profile)
        self.splitter.addWidget(notes)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        on_change(bus, Change.CONTACTS | LEDGER | NETWORK | Change.SETTINGS, self.refresh)
        self.show_contact(None)

    # --- showing ----------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        if contact_id != self.contact_id:
            self.note_edit.clear()
            self.private_check.setChecked(False)
            self.note_error.hide()
        self.contact_id = contact_id
        self.refresh()

    def refresh(self) -> None:
        if self.contact_id is None:
            self.stack.setCurrentWidget(self.empty)
            self.note_list.clear()
            return
        try:
            b = shared(self.contact_id)
        except NotFoundError:
            self.contact_id = None
            self.refresh()
            return
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(profile_html(b, self.tr))
        self.browser.verticalScrollBar().setValue(scroll)
        self.note_list.clear()
        for note in b.notes:
            day = local_day_text(note.created_at)
            head = day + (f"  · {self.tr('private')}" if note.private else "")
            item = QListWidgetItem(f"{head}\n{note.body}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            item.setToolTip(self.tr("Private note") if note.private else "")
            self.note_list.addItem(item)
        self.stack.setCurrentWidget(self.splitter)
        self._collapse_notes(not b.notes)
        self._update_buttons()

    def _collapse_notes(self, empty: bool) -> None:
        """An empty notes pane takes only what writing a note needs; with notes, 3:2."""
        self.note_list.setVisible(not empty)
        self.no_notes.setVisible(empty)
        total = sum(self.splitter.sizes())
        if empty:
            notes = self.notes_pane.minimumSizeHint().height()
            self.splitter.setSizes([max(total - notes, 0), notes])
        elif self._notes_collapsed:
            self.splitter.setSizes([total * 3 // 5, total - total * 3 // 5])
        self._notes_collapsed = empty

    def _splitter_resized(self) -> None:
        if self._notes_collapsed:
            self._collapse_notes(True)  # the empty pane stays at its least

    def _update_buttons(self, *_args) -> None:
        self.delete_note_button.setEnabled(self.selected_note_id() is not None)

    def selected_note_id(self) -> int | None:
        item = self.note_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _link(self, url: QUrl) -> None:
        if url.scheme() == CONTACT_SCHEME:
            self.bus.open_contact.emit(int(url.path()))
        else:
            QDesktopServices.openUrl(url)

    # --- acting -----------------------------------------------------------------------

    def edit_contact(self) -> None:
        """Open the contact form (window-modal); a save refreshes every view."""
        if self.contact_id is None:
            return
        dialog = ContactDialog(self.contact_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        before = dialog.loaded.to_input()
        dialog.accepted.connect(lambda cid=self.contact_id: self._edited(cid, before))
        dialog.open()

    def _edited(self, contact_id: int, before) -> None:
        self.bus.undo_stack.push(EditContact(self.bus, contact_id, before))
        self.bus.changed.emit(Change.CONTACTS)
        self.bus.message.emit(self.tr("Saved {0}").format(contacts.name_of(contact_id)))

    def add_note(self) -> None:
        if self.contact_id is None:
            return
        self.note_error.hide()
        try:
            contacts.add_note(
                self.contact_id,
                self.note_edit.toPlainText(),
                private=self.private_check.isChecked(),
            )
        except ValidationError as exc:
            self._note_problem(self.tr("The note {0}").format(exc.message))
            return
        except FavorbookError as exc:
            self._note_problem(describe_error(exc))
            return
        self.note_edit.clear()
        self.private_check.setChecked(False)
        self.bus.changed.emit(Change.CONTACTS)
        self.bus.message.emit(self.tr("Note added"))

    def _note_problem(self, text: str) -> None:
        self.note_error.setText(text)
        self.note_error.show()
        self.note_edit.setFocus()

    def confirm_delete_note(self) -> bool:
        """Ask before deleting a note; tests replace this to answer."""
        answer = QMessageBox.question(
            self,
            self.tr("Delete note?"),
            self.tr("Delete this note? This cannot be undone."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def delete_note(self) -> None:
        note_id = self.selected_note_id()
        if note_id is None or not self.confirm_delete_note():
            return
        try:
            contacts.delete_note(note_id)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
        self.bus.changed.emit(Change.CONTACTS)
        self.bus.message.emit(self.tr("Note deleted"))
