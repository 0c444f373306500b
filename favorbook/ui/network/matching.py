"""Give first: for each need a contact stated, the trusted people who can meet it.

One action per match, "Introduce", records that the rep recommended the trusted
person to this contact (``services.referrals.recommend``).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, NotFoundError
from favorbook.services import contacts, matching, referrals
from favorbook.services.briefing import shared
from favorbook.services.changes import NETWORK, Change
from favorbook.services.dates import short_date
from favorbook.ui.calls.call_prep import WrappingPage, WrapsToWidth, laid_out_once, painted_once
from favorbook.ui.shell.bus import Bus
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.wrap_label import WrapLabel


def _muted(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class MatchRow(WrapsToWidth, QFrame):
    """One trusted person who can meet a need: who, trusted for what, why, and Introduce."""

    def __init__(
        self, match: matching.Match | None = None, need: str = "", introduced_on=None, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("matchRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel()
        self.name.setObjectName("matchName")
        self.name.setTextFormat(Qt.TextFormat.RichText)
        font = self.name.font()
        font.setBold(True)
        self.name.setFont(font)
        self.trusted = WrapLabel()
        self.trusted.setObjectName("matchTrustedFor")
        self.why = _muted(WrapLabel())
        self.why.setObjectName("matchWhy")
        self.button = QPushButton()
        self.button.setObjectName("introduceButton")
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.name)
        text.addWidget(self.trusted)
        text.addWidget(self.why)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.addLayout(text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        if match is not None:
            self.show_match(match, need, introduced_on)

    def show_match(self, match: matching.Match, need: str, introduced_on) -> None:
        """Show this match (a row is kept from one contact to the next, filled anew)."""
        self.match = match
        self.name.setText(f'<a href="{match.contact_id}">{escape(match.name)}</a>')
        self.name.setToolTip(self.tr("Open %1").replace("%1", match.name))
        self.trusted.setText(self.tr("Trusted for: %1").replace("%1", match.trusted_for))
        self.why.setText(self._why(need, match))
        self.button.setProperty("contactId", match.contact_id)
        if introduced_on is not None:
            self.button.setText(self.tr("Introduced"))
            self.button.setEnabled(False)
            self.button.setToolTip(
                self.tr("You recommended them to this contact on %1.").replace(
                    "%1", short_date(introduced_on)
                )
            )
        else:
            self.button.setText(self.tr("Introduce"))
            self.button.setEnabled(True)
            self.button.setToolTip(
                self.tr("Record that you recommended %1 to this contact.").replace("%1", match.name)
            )

    def _why(self, need: str, match: matching.Match) -> str:
        parts = []
        offers = matching.matched_words(need, match.offers)
        trusted = matching.matched_words(need, match.trusted_for)
        if trusted:
            parts.append(
                self.tr("“%1” in what they are trusted for").replace("%1", ", ".join(trusted))
            )
        if offers:
            parts.append(self.tr("“%1” in what they offer").replace("%1", ", ".join(offers)))
        if not parts:
            return self.tr("Matched: their offers or trusted-for text fit the need.")
        return self.tr("Matched on %1.").replace("%1", self.tr("; ").join(parts))


class MatchPanel(FollowsChanges, QWidget):
    """``show_contact(id | None)``: the contact's stated needs and who in the trusted network
    can meet each one."""

    SHOWS = NETWORK | Change.CONTACTS

    def __init__(self, bus: Bus, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("matchPanel")
        self._bus = bus
        self.contact_id: int | None = None
        self.rows: list[MatchRow] = []
        self._titles: list[QLabel] = []
        self._nones: list[QLabel] = []
        self._spare: dict[str, list[QWidget]] = {"row": [], "title": [], "none": []}
        """Rows, titles and "nobody" lines shown for an earlier contact, hidden until used."""

        self.heading = WrapLabel()
        self.heading.setObjectName("matchHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        self.empty = _muted(WrapLabel())
        self.empty.setObjectName("matchEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.content = WrappingPage()
        self.content.setObjectName("matchContent")
        self.list = QVBoxLayout(self.content)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(6)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.content)
        painted_once(self.scroll)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll, 1)
        self.follow_changes(bus)
        self.show_contact(None)

    # --- content ---------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        self.contact_id = contact_id
        self.refresh()

    def refresh(self) -> None:
        with laid_out_once(self.content):
            self._refill()

    def _refill(self) -> None:
        self.mark_fresh()
        # The rows, need titles and "nobody" lines are kept and filled anew: opening
        # another contact builds no widgets unless it shows more of them than any contact
        # before. What is left over stays hidden for the next: built again (and polished,
        # a millisecond for each row's button) every time a contact with more matches
        # came after one with fewer.
        kept = {
            "row": [*self.rows, *self._spare["row"]],
            "title": [*self._titles, *self._spare["title"]],
            "none": [*self._nones, *self._spare["none"]],
        }
        self.rows, self._titles, self._nones = [], [], []
        while self.list.count():
            self.list.takeAt(0)
        try:
            self._fill_needs(kept)
        finally:
            for pool in kept.values():
                for widget in pool:
                    widget.hide()
            self._spare = kept

    def _fill_needs(self, kept: dict[str, list[QWidget]]) -> None:
        try:
            b = shared(self.contact_id) if self.contact_id is not None else None
        except NotFoundError:
            b = self.contact_id = None  # deleted while this panel was hidden
        if self.contact_id is None:
            self.heading.setText(self.tr("Matches"))
            self._empty(self.tr("Select a contact to see who in your network can help them."))
            return
        name = b.name
        self.heading.setText(self.tr("Who can help %1").replace("%1", name))
        needs = matching.matches_for_needs(b.contact.needs, exclude=self.contact_id)
        if not needs:
            self._empty(
                self.tr(
                    "%1 has no needs written down. Add what they are looking for (one need a "
                    "line) to their profile, and the people you trust who can meet it show here."
                ).replace("%1", name)
            )
            return
        introduced = {
            r.subject_id: r.occurred_on for r in reversed(b.referrals.recommended_to_them)
        }
        any_match = False
        for need in needs:
            title = kept["title"].pop(0) if kept["title"] else self._new_title()
            title.setText(self.tr("Needs: %1").replace("%1", need.need))
            self._titles.append(self._add(title))
            if not need.matches:
                none = kept["none"].pop(0) if kept["none"] else self._new_none()
                self._nones.append(self._add(none))
            for match in need.matches:
                any_match = True
                row = kept["row"].pop(0) if kept["row"] else self._new_row()
                row.show_match(match, need.need, introduced.get(match.contact_id))
                self.rows.append(self._add(row))
            self.list.addSpacing(8)
        self.list.addStretch(1)
        if not any_match:  # one message for all needs, not one a need
            for label in self._nones:
                label.hide()
        self.empty.setVisible(not any_match)
        self.empty.setText(
            self.tr(
                "Nobody you trust matches these needs yet. Vet people who offer what %1 "
                "needs, and they show here."
            ).replace("%1", name)
        )
        self.scroll.show()

    def _add(self, widget: QWidget) -> QWidget:
        self.list.addWidget(widget)
        widget.show()
        return widget

    def _new_title(self) -> QLabel:
        title = WrapLabel()
        title.setObjectName("matchNeed")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        return title

    def _new_none(self) -> QLabel:
        none = _muted(WrapLabel(self.tr("Nobody you trust matches this need yet.")))
        none.setObjectName("matchNone")
        return none

    def _new_row(self) -> MatchRow:
        row = MatchRow()
        row.name.linkActivated.connect(self._open)
        row.button.clicked.connect(lambda _checked=False, r=row: self.introduce(r.match.contact_id))
        return row

    def _empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.show()
        self.scroll.hide()

    # --- actions ---------------------------------------------------------------------

    def _open(self, link: str) -> None:
        self._bus.open_contact.emit(int(link))

    def introduce(self, subject_id: int) -> None:
        """Record that the rep recommended ``subject_id`` to the shown contact."""
        if self.contact_id is None:
            return
        try:
            referrals.recommend(subject_id, self.contact_id)
        except FavorbookError as exc:
            self._bus.message.emit(str(exc))
            return
        self._bus.message.emit(
            self.tr("Recorded: you introduced %1 to %2.")
            .replace("%1", contacts.name_of(subject_id))
            .replace("%2", contacts.name_of(self.contact_id))
        )
        self._bus.changed.emit(Change.REFERRALS)
        if not self.isVisible():
            self.refresh()
