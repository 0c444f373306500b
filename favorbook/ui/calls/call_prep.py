"""Call preparation: one screen to read during a call with one contact.

What they are after, the questions worth asking now (tick the ones you ask),
what they answered before, open IOUs both ways, the last conversations and
the follow-ups still open. "Log this call…" hands the ticked questions on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape

from PySide6.QtCore import QSize, Qt, Signal
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
from favorbook.services import questions
from favorbook.services.briefing import Briefing, shared
from favorbook.services.changes import LEDGER, Change
from favorbook.services.dates import local_day_text, short_date
from favorbook.services.terms import counted
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.style import warning_red
from favorbook.ui.shell.wrap_label import WrapLabel

MAX_ANSWERS = 6
MAX_CONVERSATIONS = 3


# --- small text helpers shared by the call-prep, referral and vetting screens ---------------


def text_label(text: str = "", *, rich: bool = False, parent: QWidget | None = None) -> QLabel:
    """A wrapping, selectable label; plain text unless ``rich``."""
    label = WrapLabel(text, parent)
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
    label = WrapLabel(text)
    label.setObjectName("sectionTitle")
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


def heading(text: str) -> QLabel:
    label = WrapLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.6)
    label.setFont(font)
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


class WrapsToWidth:
    """For a widget whose layout holds wrapping text and is given its width by the layout
    around it (a mix-in, before the Qt class): its size hint is its layout's (and its
    margins), without the height its text takes when wrapped at the hint's width.

    The layouts around it ask each item its height for the width it gets; the hint's
    height served nobody, yet finding it laid every label out again at a width none of
    them ever has (as wide as each would like), each time a contact was shown.
    Not for a widget whose hint's height is used (a ``QuestionRow``: the rows overlapped).
    """

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        layout = self.layout()
        if layout is None:
            return super().sizeHint()
        margins = self.contentsMargins()
        return layout.sizeHint() + QSize(
            margins.left() + margins.right(), margins.top() + margins.bottom()
        )


class WrappingPage(WrapsToWidth, QWidget):
    """What a ``scroll_area`` scrolls: text wrapping to the area's width. The scroll area
    gives it its own width and asks the height for that (see ``WrapsToWidth``)."""


def scroll_area(content: QWidget, name: str) -> QScrollArea:
    """A frameless area scrolling ``content`` up and down; never sideways (text wraps).
    ``name`` is what a screen reader calls it."""
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    painted_once(scroll)
    return scroll


def painted_once(scroll: QScrollArea) -> None:
    """Let the page behind show through ``scroll``'s viewport and content (the same colour
    they filled themselves with), so a tab is painted once when it is shown.

    Filling their own background made them opaque, and Qt painted an opaque widget that
    was shown on its own first, then again with the page around it: every label of a
    contact's call prep, referrals and vetting was drawn twice each time the tab came up.
    """
    scroll.viewport().setAutoFillBackground(False)
    scroll.widget().setAutoFillBackground(False)


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


@contextmanager
def laid_out_once(widget: QWidget) -> Iterator[None]:
    """Keep ``widget`` hidden while its content is refilled, and lay it out once after.

    Qt lays out every layout up to the window each time a child of a visible widget is
    shown: refilling a dozen labels of a tab on screen laid the window out a dozen times
    (most of the time it took to open a contact's call prep or referrals).
    """
    if widget.isHidden():
        yield
        return
    widget.hide()
    try:
        yield
    finally:
        widget.show()


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Section(WrapsToWidth, QFrame):
    """A titled block whose body is filled anew on every refresh; says so when it is empty.

    The labels of ``add_text``, the empty state and the widgets of ``reuse`` are kept
    from one filling to the next and shown again with new text: opening another contact
    changes texts, it does not build and destroy a screenful of widgets. Widgets given to
    ``add`` are deleted by ``clear``.
    """

    def __init__(self, title: str, empty_text: str, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = section_title(title)
        self.empty_text = empty_text
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        self._pools: dict[object, list[QWidget]] = {}
        self._free: dict[object, list[QWidget]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.title)
        layout.addLayout(self.body)

    def clear(self) -> None:
        kept = {id(w) for pool in self._pools.values() for w in pool}
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget()
            if widget is not None and id(widget) in kept:
                widget.hide()  # stays a child, out of the layout until used again
            elif widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
            elif item.layout() is not None:
                clear_layout(item.layout())
        self._free = {kind: list(pool) for kind, pool in self._pools.items()}

    def add(self, widget: QWidget) -> QWidget:
        self.body.addWidget(widget)
        return widget

    def reuse(self, kind: object, make: Callable[[], QWidget]) -> QWidget:
        """A widget of ``kind`` kept from an earlier filling (else ``make()``), added next."""
        free = self._free.get(kind)
        if free:
            widget = free.pop(0)
        else:
            widget = make()
            self._pools.setdefault(kind, []).append(widget)
        self.body.addWidget(widget)
        widget.show()
        return widget

    def add_text(self, text: str, *, rich: bool = False, secondary: bool = False) -> QLabel:
        """A wrapping label (``secondary``: in the muted colour) with ``text``, added next."""
        if secondary:
            label = self.reuse(("muted", rich), lambda: muted(text_label(rich=rich)))
        else:
            label = self.reuse(("text", rich), lambda: text_label(rich=rich))
        label.setText(text)
        return label

    def show_items(self, items: list[str]) -> QLabel | None:
        """Rich-text items one under the other, in one label (the empty state when none).

        One label for the list, not one per item: each wrapping label is laid out anew
        for every width its layout tries, and a contact's call prep had a dozen.
        """
        if not items:
            self.show_empty()
            return None
        gap = f"<p style='margin-top:0; margin-bottom:{self.body.spacing()}px'>"
        label = self.reuse("items", lambda: text_label(rich=True))
        label.setText("".join(f"{gap}{item}</p>" for item in items[:-1]) + f"<p>{items[-1]}</p>")
        return label

    def show_empty(self) -> QLabel:
        label = self.reuse("empty", lambda: muted(text_label(self.empty_text)))
        label.setObjectName("emptyState")
        return label

    def texts(self) -> str:
        """Everything the section shows, as plain text (for tests and accessibility checks)."""
        out = [label.text() for label in self.findChildren(QLabel) if self.is_shown(label)]
        out += [box.text() for box in self.findChildren(QCheckBox) if self.is_shown(box)]
        return "\n".join(out)

    def is_shown(self, widget: QWidget) -> bool:
        """False for a widget put away (hidden on purpose, or inside one that is)."""
        hidden_on_purpose = Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        while widget is not None and widget is not self:
            if widget.isHidden() and widget.testAttribute(hidden_on_purpose):
                return False
            widget = widget.parentWidget()
        return True


class QuestionRow(QWidget):
    """A tick box with the question in large type, and its purpose and why it is suggested."""

    toggled = Signal(bool)

    def __init__(self, suggestion: questions.Suggestion | None = None, parent=None) -> None:
        super().__init__(parent)
        self.question_id = 0
        self.check = QCheckBox()
        self.check.toggled.connect(self.toggled)
        text = text_label()
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        text.setFont(font)
        self.why = muted(text_label())
        for label in (text, self.why):  # clicks go to the row, which ticks the box
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column = QVBoxLayout()
        column.setSpacing(1)
        column.addWidget(text)
        column.addWidget(self.why)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.text_label = text
        if suggestion is not None:
            self.set_suggestion(suggestion)

    def set_suggestion(self, suggestion: questions.Suggestion, ticked: bool = False) -> None:
        """Show this question (ticked or not, without saying it was toggled)."""
        self.question_id = suggestion.question_id
        self.check.setObjectName(f"question{suggestion.question_id}")
        self.check.setAccessibleName(suggestion.text)
        self.text_label.setText(suggestion.text)
        self.why.setText(f"{suggestion.purpose} — {suggestion.reason}")
        blocked = self.check.blockSignals(True)
        self.check.setChecked(ticked)
        self.check.blockSignals(blocked)

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

        self.content = WrappingPage()
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
        with laid_out_once(self.content):
            self._show(contact_id)

    def _show(self, contact_id: int | None) -> None:
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
        b = shared(contact_id)
        c = b.contact
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
        self._fill_questions(b, keep)
        self._fill_answers(b)
        self._fill_ious(b)
        self._fill_followups(b)
        self._fill_conversations(b)

    def _new_question_row(self) -> QuestionRow:
        row = QuestionRow()
        row.toggled.connect(self._update_ticked)
        return row

    def _fill_questions(self, b: Briefing, keep: list[int]) -> None:
        for s in b.suggestions:
            # A row stands for one question for good (kept for when it is suggested again).
            row = self.questions_section.reuse(("question", s.question_id), self._new_question_row)
            row.set_suggestion(s, s.question_id in keep)
            self.question_rows.append(row)
        if not b.suggestions:
            self.questions_section.show_empty()

    def _fill_answers(self, b: Briefing) -> None:
        items = []
        for a in b.answers[:MAX_ANSWERS]:
            said = escape(a.answer) if a.answer else f"<i>{escape(self.tr('no answer noted'))}</i>"
            items.append(
                f"<b>{escape(a.question)}</b><br><span>{short_date(a.asked_on)}</span> — {said}"
            )
        self.answers_section.show_items(items)
        if b.answers_total > MAX_ANSWERS:
            more = b.answers_total - MAX_ANSWERS
            self.answers_section.add_text(
                self.tr("… and %1 older answers").replace("%1", str(more)), secondary=True
            )

    def _fill_ious(self, b: Briefing) -> None:
        items = []
        for f in b.open_ious:
            who = self.tr("They owe me") if f.direction == "given" else self.tr("I owe them")
            items.append(
                f"<b>{escape(who)}</b>: {escape(f.description)} "
                f"<span>({short_date(f.occurred_on)})</span>"
            )
        self.ious_section.show_items(items)

    def _fill_followups(self, b: Briefing) -> None:
        late = f" <b style='color:{warning_red()}'>{escape(self.tr('overdue'))}</b>"
        self.followups_section.show_items(
            [
                f"{short_date(f.due_on)}: {escape(f.title)}{late if f.overdue(b.on) else ''}"
                for f in b.followups
            ]
        )

    def _fill_conversations(self, b: Briefing) -> None:
        items = []
        for v in b.conversations[:MAX_CONVERSATIONS]:
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
            items.append("<br>".join(parts))
        self.conversations_section.show_items(items)

    # --- slots ---------------------------------------------------------------------

    def ticked_question_ids(self) -> list[int]:
        return [r.question_id for r in self.question_rows if r.check.isChecked()]

    def _update_ticked(self) -> None:
        n = len(self.ticked_question_ids())
        if n == 0:
            text = self.tr("Tick the questions you ask; they are kept with the call.")
        else:
            text = self.tr("%1 asked").replace(
                "%1", counted(n, self.tr("question"), self.tr("questions"))
            )
        self.ticked_label.setText(text if self.contact_id is not None else "")

    def clear_ticks(self) -> None:
        """Untick every question (e.g. once the call was logged)."""
        for row in self.question_rows:
            row.check.setChecked(False)

    def request_log(self) -> None:
        if self.contact_id is not None:
            self.logCallRequested.emit(self.contact_id, self.ticked_question_ids())
