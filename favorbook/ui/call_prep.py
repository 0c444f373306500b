"""Call preparation: one screen to read during a call with one contact.

What they are after, the questions worth asking now (tick the ones you ask),
what they answered before, open IOUs both ways, the last conversations and
the follow-ups still open. "Log this call…" hands the ticked questions on.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import contacts, conversations, favors, followups, questions
from favorbook.services.changes import LEDGER, Change
from favorbook.services.dates import local_day_text, short_date
from favorbook.ui.refresh import FollowsChanges
from favorbook.ui.style import warning_red

MAX_ANSWERS = 6
MAX_CONVERSATIONS = 3


# --- small text helpers shared by the call-prep, referral and vetting screens ---------------


def text_label(text: str = "", *, rich: bool = False, parent: QWidget | None = None) -> QLabel:
    """A wrapping, selectable label; plain text unless ``rich``."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | (Qt.TextInteractionFlag.LinksAccessibleByMouse if rich else Qt.TextInteractionFlag(0))
    )
    return label


def muted(label: QLabel) -> QLabel:
    """Secondary text in the palette's placeholder colour (follows light and dark themes)."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)
    return label


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.6)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def contact_link(contact_id: int | None, name: str) -> str:
    """HTML for a name that opens the contact when clicked (escaped)."""
    if not contact_id:
        return escape(name)
    return f"<a href='contact:{contact_id}'>{escape(name)}</a>"


def open_contact_link(bus, link: str) -> None:
    """Open the contact a ``contact_link`` names (other links are ignored)."""
    if link.startswith("contact:"):
        bus.open_contact.emit(int(link.split(":", 1)[1]))


def scroll_area(content: QWidget, name: str) -> QScrollArea:
    """A frameless area scrolling ``content`` up and down; never sideways (text wraps).
    ``name`` is what a screen reader calls it."""
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll


def fill_with_scroll(owner: QWidget, content: QWidget, name: str) -> QScrollArea:
    """Fill ``owner`` edge to edge with a ``scroll_area`` of ``content``."""
    scroll = scroll_area(content, name)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll)
    return scroll


def clear_layout(layout) -> None:
    """Remove and delete every item of ``layout`` (and nested layouts)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Section(QFrame):
    """A titled block whose body is rebuilt on every refresh; says so when it is empty."""

    def __init__(self, title: str, empty_text: str, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = section_title(title)
        self.empty_text = empty_text
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.title)
        layout.addLayout(self.body)

    def clear(self) -> None:
        clear_layout(self.body)

    def add(self, widget: QWidget) -> QWidget:
        self.body.addWidget(widget)
        return widget

    def show_empty(self) -> QLabel:
        label = muted(text_label(self.empty_text))
        label.setObjectName("emptyState")
        return self.add(label)

    def texts(self) -> str:
        """Everything the section shows, as plain text (for tests and accessibility checks)."""
        out = []
        for label in self.findChildren(QLabel):
            out.append(label.text())
        for box in self.findChildren(QCheckBox):
            out.append(box.text())
        return "\n".join(out)


class QuestionRow(QWidget):
    """A tick box with the question in large type, and its purpose and why it is suggested."""

    toggled = Signal(bool)

    def __init__(self, suggestion: questions.Suggestion, parent=None) -> None:
        super().__init__(parent)
        self.question_id = suggestion.question_id
        self.check = QCheckBox()
        self.check.setObjectName(f"question{suggestion.question_id}")
        self.check.setAccessibleName(suggestion.text)
        self.check.toggled.connect(self.toggled)
        text = text_label(suggestion.text)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        text.setFont(font)
        why = muted(text_label(f"{suggestion.purpose} — {suggestion.reason}"))
        for label in (text, why):  # clicks go to the row, which ticks the box
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column = QVBoxLayout()
        column.setSpacing(1)
        column.addWidget(text)
        column.addWidget(why)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.text_label = text

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # A click anywhere on the question ticks it, not only on the small box.
        if event.button() == Qt.MouseButton.LeftButton:
            self.check.toggle()
        super().mouseReleaseEvent(event)


class CallPrep(FollowsChanges, QWidget):
    """Everything to have in front of you during a call with one contact."""

    SHOWS = Change.CONTACTS | LEDGER | Change.QUESTIONS | Change.SETTINGS

    logCallRequested = Signal(int, list)  # noqa: N815 (Qt naming) - contact id, question ids

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callPrep")
        self.bus = bus
        self.contact_id: int | None = None
        self.question_rows: list[QuestionRow] = []

        self.name_label = heading("")
        self.name_label.setObjectName("callPrepName")
        self.role_label = muted(text_label())
        self.goals_label = text_label(rich=True)
        self.goals_label.setObjectName("callPrepGoals")

        self.questions_section = Section(
            self.tr("Questions worth asking now"),
            self.tr("Nothing to suggest: every question was asked in the last 90 days."),
            "questionsSection",
        )
        self.answers_section = Section(
            self.tr("What they answered before"),
            self.tr("No answers yet: no question from the bank was asked to them."),
            "answersSection",
        )
        self.ious_section = Section(
            self.tr("Open IOUs"), self.tr("No open IOUs either way."), "iousSection"
        )
        self.followups_section = Section(
            self.tr("Open follow-ups"), self.tr("No open follow-ups."), "followupsSection"
        )
        self.conversations_section = Section(
            self.tr("Last conversations"),
            self.tr("No conversations logged yet: this is the first."),
            "conversationsSection",
        )

        left = QVBoxLayout()
        left.addWidget(self.questions_section)
        left.addWidget(self.answers_section)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.ious_section)
        right.addWidget(self.followups_section)
        right.addWidget(self.conversations_section)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        self.content = QWidget()
        self.content.setObjectName("callPrepContent")
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(self.name_label)
        inner.addWidget(self.role_label)
        inner.addWidget(self.goals_label)
        inner.addSpacing(8)
        inner.addLayout(columns)
        inner.addStretch(1)

        self.empty_label = muted(
            text_label(self.tr("Choose a contact to prepare a call with them."))
        )
        self.empty_label.setObjectName("callPrepEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.scroll = scroll_area(self.content, self.tr("Call preparation"))

        self.ticked_label = muted(QLabel())
        self.log_button = QPushButton(self.tr("Log this call…"))
        self.log_button.setObjectName("logCallButton")
        self.log_button.clicked.connect(self.request_log)
        bar = QHBoxLayout()
        bar.setContentsMargins(16, 4, 16, 8)
        bar.addWidget(self.ticked_label, 1)
        bar.addWidget(self.log_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(bar)
        self.follow_changes(bus)
        self.show_contact(None)

    # --- filling -------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        """Prepare a call with this contact (None: the empty state)."""
        keep = self.ticked_question_ids() if contact_id == self.contact_id else []
        self.contact_id = contact_id
        self.mark_fresh()
        has = contact_id is not None
        self.empty_label.setVisible(not has)
        self.scroll.setVisible(has)
        self.log_button.setEnabled(has)
        self.question_rows = []
        for section in self._sections():
            section.clear()
        if not has:
            self._update_ticked()
            return
        try:
            self._fill(contact_id, keep)
        except FavorbookError as exc:  # deleted meanwhile
            self.bus.message.emit(str(exc))
            self.show_contact(None)
            return
        self._update_ticked()

    def reload_view(self) -> None:
        self.show_contact(self.contact_id)

    def _sections(self) -> list[Section]:
        return [
            self.questions_section,
            self.answers_section,
            self.ious_section,
            self.followups_section,
            self.conversations_section,
        ]

    def _fill(self, contact_id: int, keep: list[int]) -> None:
        c = contacts.get_contact(contact_id, include_private=False)
        self.name_label.setText(self.tr("Call with %1").replace("%1", c.display_name))
        role = " · ".join(p for p in (c.title, c.organization) if p)
        self.role_label.setText(role)
        self.role_label.setVisible(bool(role))
        lines = []
        if c.needs:
            lines.append(f"<b>{escape(self.tr('Needs'))}:</b> {escape(shorten(c.needs, 240))}")
        if c.goals:
            lines.append(f"<b>{escape(self.tr('Goals'))}:</b> {escape(shorten(c.goals, 240))}")
        if not lines:
            lines.append(
                f"<i>{escape(self.tr('Their needs and goals are not known yet — ask.'))}</i>"
            )
        self.goals_label.setText("<br>".join(lines))

        suggestions = questions.suggest(contact_id)
        for s in suggestions:
            row = QuestionRow(s)
            row.check.setChecked(s.question_id in keep)
            row.toggled.connect(self._update_ticked)
            self.question_rows.append(row)
            self.questions_section.add(row)
        if not suggestions:
            self.questions_section.show_empty()

        answers = questions.answers_for(contact_id)
        for a in answers[:MAX_ANSWERS]:
            said = escape(a.answer) if a.answer else f"<i>{escape(self.tr('no answer noted'))}</i>"
            self.answers_section.add(
                text_label(
                    f"<b>{escape(a.question)}</b><br>"
                    f"<span>{short_date(a.asked_on)}</span> — {said}",
                    rich=True,
                )
            )
        if len(answers) > MAX_ANSWERS:
            more = len(answers) - MAX_ANSWERS
            self.answers_section.add(
                muted(text_label(self.tr("… and %1 older answers").replace("%1", str(more))))
            )
        if not answers:
            self.answers_section.show_empty()

        ious = favors.open_ious(contact_id=contact_id)
        for f in ious:
            who = self.tr("They owe me") if f.direction == "given" else self.tr("I owe them")
            self.ious_section.add(
                text_label(
                    f"<b>{escape(who)}</b>: {escape(f.description)} "
                    f"<span>({short_date(f.occurred_on)})</span>",
                    rich=True,
                )
            )
        if not ious:
            self.ious_section.show_empty()

        open_fu = followups.open_followups(contact_id=contact_id)
        for f in open_fu:
            late = (
                f" <b style='color:{warning_red()}'>{escape(self.tr('overdue'))}</b>"
                if f.overdue()
                else ""
            )
            self.followups_section.add(
                text_label(f"{short_date(f.due_on)}: {escape(f.title)}{late}", rich=True)
            )
        if not open_fu:
            self.followups_section.show_empty()

        talks = conversations.list_conversations(contact_id, limit=MAX_CONVERSATIONS)
        for v in talks:
            head = (
                f"<b>{local_day_text(v.occurred_at)}</b> · {escape(self.tr(v.channel))} "
                f"({escape(self.tr(v.direction.replace('_', ' ')))})"
            )
            parts = [head]
            if v.summary:
                parts.append(escape(shorten(v.summary, 300)))
            for label, text in (
                (self.tr("Problems"), v.problems),
                (self.tr("Opportunities"), v.opportunities),
                (self.tr("Strategies"), v.strategies),
            ):
                if text:
                    parts.append(f"<i>{escape(label)}:</i> {escape(shorten(text, 200))}")
            self.conversations_section.add(text_label("<br>".join(parts), rich=True))
        if not talks:
            self.conversations_section.show_empty()

    # --- slots ---------------------------------------------------------------------

    def ticked_question_ids(self) -> list[int]:
        return [r.question_id for r in self.question_rows if r.check.isChecked()]

    def _update_ticked(self) -> None:
        n = len(self.ticked_question_ids())
        if n == 0:
            text = self.tr("Tick the questions you ask; they are kept with the call.")
        elif n == 1:
            text = self.tr("1 question asked")
        else:
            text = self.tr("%1 questions asked").replace("%1", str(n))
        self.ticked_label.setText(text if self.contact_id is not None else "")

    def clear_ticks(self) -> None:
        """Untick every question (e.g. once the call was logged)."""
        for row in self.question_rows:
            row.check.setChecked(False)

    def request_log(self) -> None:
        if self.contact_id is not None:
            self.logCallRequested.emit(self.contact_id, self.ticked_question_ids())
