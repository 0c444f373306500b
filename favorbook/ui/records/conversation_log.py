"""The conversation log: calls and meetings, what was learned, and who called whom."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSplitter, QTextBrowser

from favorbook.services import conversations, followups, questions
from favorbook.services.changes import Change
from favorbook.services.dates import LATE_DAY, local_datetime_text, short_date
from favorbook.services.terms import counted
from favorbook.ui.records.record_list import (
    Column,
    RecordListWidget,
    RecordTableModel,
    contact_column,
    first_line,
)
from favorbook.ui.records.undo import DeleteConversationCommand
from favorbook.ui.shell.style import green_text, warning_red

NEW_CONVERSATION_SHORTCUT = "Ctrl+Shift+L"


def _paragraphs(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


class ConversationModel(RecordTableModel):
    def __init__(self, with_contact: bool, parent=None) -> None:
        super().__init__([], parent)
        tr = self.tr
        self._directions = {
            "inbound": tr("← Inbound"),
            "outbound": tr("→ Outbound"),
            "in_person": tr("↔ In person"),
        }
        self._learned_labels = (
            ("problems", tr("Problem")),
            ("opportunities", tr("Opportunity")),
            ("strategies", tr("Strategy")),
        )
        columns = [
            Column(
                "when",
                tr("When"),
                lambda c: local_datetime_text(c.occurred_at),
                key=lambda c: (c.occurred_at, c.id),
                sample=short_date(LATE_DAY) + " 23:59",
            )
        ]
        if with_contact:
            columns.append(contact_column(tr, lambda c: c.occurred_at))
        columns += [
            Column(
                "channel",
                tr("Channel"),
                lambda c: tr(c.channel.capitalize()),
                sample="Meeting",
                optional=True,
            ),
            Column(
                "direction",
                tr("Direction"),
                lambda c: self._directions.get(c.direction, c.direction),
                key=lambda c: (c.direction, c.occurred_at),
                color=lambda c: QColor(green_text()) if c.direction == "inbound" else None,
                bold=lambda c: c.direction == "inbound",
                tip=lambda c: (
                    tr("They called: the sign of a real relationship")
                    if c.direction == "inbound"
                    else None
                ),
                sample="↔ In person",
            ),
            Column(
                "summary",
                tr("Summary"),
                lambda c: first_line(c.summary),
                key=lambda c: c.summary.casefold(),
                tip=lambda c: c.summary or None,
            ),
            Column(
                "learned",
                tr("Learned"),
                self.learned_text,
                tip=self.learned_tip,
                optional=True,
            ),
        ]
        self.columns = columns

    def learned_text(self, c: conversations.ConversationView) -> str:
        parts = [
            f"{label}: {first_line(getattr(c, field), 60)}"
            for field, label in self._learned_labels
            if getattr(c, field)
        ]
        return " · ".join(parts)

    def learned_tip(self, c: conversations.ConversationView) -> str | None:
        parts = [
            f"{label}: {getattr(c, field)}"
            for field, label in self._learned_labels
            if getattr(c, field)
        ]
        return "\n\n".join(parts) or None


class ConversationLog(RecordListWidget):
    """The Conversations page (``contact_id`` None) or a contact's Conversations tab."""

    SHOWS = Change.CONVERSATIONS | Change.FOLLOWUPS | Change.QUESTIONS | Change.CONTACTS
    WRITES = Change.CONVERSATIONS | Change.FOLLOWUPS

    PAGE_NAME = "conversationList"
    LOADS_IN_BACKGROUND = True
    TAB_NAME = "contactConversationList"

    def list_title(self) -> str:
        return self.tr("Conversations")

    newConversationRequested = Signal(object)
    """Open the conversation form; carries the contact id, or None on the page."""

    def __init__(
        self, bus, contact_id: int | None = None, parent=None, *, per_contact: bool = False
    ) -> None:
        super().__init__(bus, contact_id, parent, per_contact=per_contact)
        self.setObjectName("conversationPage" if self.is_page else "contactConversations")
        self.stats_label = self.add_summary_label("inboundShareLabel")

        self.filter_edit = self.make_filter_edit(
            "conversationFilter",
            self.tr("Filter by what was said or contact…"),
            self.tr("Filter by what was said…"),
        )
        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("conversationDirectionFilter")
        self.direction_combo.addItem(self.tr("All directions"), None)
        self.direction_combo.addItem(self.tr("Inbound only"), "inbound")
        self.direction_combo.addItem(self.tr("Outbound only"), "outbound")
        self.direction_combo.addItem(self.tr("In person only"), "in_person")
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.direction_combo)
        self.header_layout.addLayout(filters)
        self.direction_combo.currentIndexChanged.connect(self.refresh_filter)

        self.detail = QTextBrowser()
        self.detail.setObjectName("conversationDetail")
        self.detail.setAccessibleName(self.tr("The conversation"))
        self.detail.setOpenLinks(False)
        self.splitter = QSplitter(
            Qt.Orientation.Horizontal if self.is_page else Qt.Orientation.Vertical
        )
        self.body_layout.removeWidget(self.stack)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([800, 380] if self.is_page else [400, 200])
        self.body_layout.addWidget(self.splitter)

        self.new_action = self.make_action(
            self.tr("&Log conversation…"), self._request_new, NEW_CONVERSATION_SHORTCUT
        )
        self.delete_action = self.make_action(
            self.tr("&Delete"), self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.bar_layout.addStretch(1)
        self.context_actions = [self.delete_action, None, self.new_action]
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.update_actions()
        self.selection_changed()

    # --- RecordListWidget ----------------------------------------------------------

    def make_model(self) -> ConversationModel:
        return ConversationModel(with_contact=self.is_page, parent=self)

    def load(self) -> list[conversations.ConversationView]:
        return conversations.list_conversations(self.contact_id)

    def records_to_load(self) -> int:
        return conversations.count_conversations()

    def load_first(self, limit: int) -> list[conversations.ConversationView]:
        return conversations.list_conversations(self.contact_id, limit=limit)

    def filter_predicate(self):
        direction = self.direction_combo.currentData()
        text = self.filter_edit.text().strip().casefold()
        if not (direction or text):
            return None

        def keep(c: conversations.ConversationView) -> bool:
            if direction and c.direction != direction:
                return False
            if not text:
                return True
            fields = [c.summary, c.problems, c.opportunities, c.strategies]
            if self.is_page:
                fields.append(c.contact_name)
            return any(text in field.casefold() for field in fields)

        return keep

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No conversation matches the filter.")
        shortcut = QKeySequence(NEW_CONVERSATION_SHORTCUT).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        text = (
            self.tr("No conversations logged yet — Log conversation… (%1)")
            if self.is_page
            else self.tr("No conversations with this contact yet — Log conversation… (%1)")
        )
        return text.replace("%1", shortcut)

    def read_failed(self) -> None:
        self.stats_label.clear()

    def after_refresh(self) -> None:
        if not self.is_page and self.contact_id is None:
            self.stats_label.clear()
            return
        if self.partial:  # the newest alone so far: nothing to count yet
            self.stats_label.setText(escape(self.tr("Counting the conversations…")))
            return
        # Counted from the conversations just loaded (all of them, or all of the contact's).
        records = self.model.records()
        total = len(records)
        inbound = sum(1 for c in records if c.direction == "inbound")
        if not total:
            self.stats_label.setText(self.tr("No conversations yet."))
            return
        count = counted(total, self.tr("conversation"), self.tr("conversations"))
        share = round(100 * inbound / total)
        started = (
            self.tr("<b>%1%</b> started by them (%2 inbound)")
            if not self.is_page
            else self.tr("<b>%1%</b> inbound (%2 calls and messages they started)")
        )
        self.stats_label.setText(
            escape(count) + " · " + started.replace("%1", str(share)).replace("%2", f"{inbound:,}")
        )

    def update_actions(self) -> None:
        self.delete_action.setEnabled(self.current_record() is not None)
        self.new_action.setEnabled(self.is_page or self.contact_id is not None)

    def selection_changed(self) -> None:
        c = self.current_record()
        self.detail.setVisible(self.model.matching_count() > 0)
        if c is None:
            self.detail.setHtml(
                "<p>" + escape(self.tr("Select a conversation to read all of it.")) + "</p>"
            )
            return
        self.detail.setHtml(self.detail_html(c))

    def detail_html(self, c: conversations.ConversationView) -> str:
        """The whole conversation: what was said and learned, questions asked, follow-ups."""
        tr = self.tr
        model = self.model
        head = (
            f"{local_datetime_text(c.occurred_at)} · {escape(tr(c.channel.capitalize()))} · "
            f"{escape(model._directions.get(c.direction, c.direction))}"
        )
        parts = [f"<h3>{escape(c.contact_name)}</h3><p>{head}</p>"]
        if c.summary:
            parts.append(f"<p>{_paragraphs(c.summary)}</p>")
        for field, label in model._learned_labels:
            text = getattr(c, field)
            if text:
                parts.append(f"<p><b>{escape(label)}</b><br>{_paragraphs(text)}</p>")
        answers = questions.answers_in_conversation(c.id)
        if answers:
            items = "".join(
                f"<li><i>{escape(a.question)}</i><br>"
                + (_paragraphs(a.answer) if a.answer else escape(tr("(no answer noted)")))
                + "</li>"
                for a in answers
            )
            parts.append(f"<p><b>{escape(tr('Questions asked'))}</b></p><ul>{items}</ul>")
        todo = followups.list_followups("all", conversation_id=c.id)
        if todo:
            items = []
            for f in todo:
                state = ""
                if f.done:
                    state = f" ({escape(tr('done'))})"
                elif f.overdue():
                    state = f" <b style='color:{warning_red()}'>{escape(tr('overdue'))}</b>"
                items.append(f"<li>{short_date(f.due_on)}: {escape(f.title)}{state}</li>")
            parts.append(f"<p><b>{escape(tr('Follow-ups'))}</b></p><ul>{''.join(items)}</ul>")
        return "".join(parts)

    # --- actions -------------------------------------------------------------------

    def _request_new(self) -> None:
        self.newConversationRequested.emit(self.contact_id)

    def delete_selected(self) -> None:
        c = self.current_record()
        if c is not None:
            self.push(DeleteConversationCommand(self.bus, c.id, c.summary))
