"""Log a call or meeting: what was said and learned, the questions asked and their answers."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from favorbook.render import locale_dates
from favorbook.services import contacts, conversations, questions
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.forms.contact_form import text_box
from favorbook.ui.forms.favor_form import check_value, checked_value, radio_row
from favorbook.ui.forms.followup_form import date_edit, py_date
from favorbook.ui.forms.labeled_list import detach_form


class _ToggleLabel(QLabel):
    """A question's text, wrapped; clicking it ticks the box beside it."""

    def __init__(self, text: str, tick: QCheckBox) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._tick = tick

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._tick.toggle()
        super().mouseReleaseEvent(event)


class QuestionChecklist(QWidget):
    """The question bank as ticks; a ticked question opens a line for its answer."""

    def __init__(self, suggested: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionChecklist")
        self.ticks: dict[int, QCheckBox] = {}
        self.answers: dict[int, QLineEdit] = {}
        bank = questions.list_questions()
        by_id = {q.id: q for q in bank}
        first = [by_id[i] for i in suggested if i in by_id]
        rest = [q for q in bank if q.id not in set(suggested)]
        inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.setSpacing(2)
        if first:
            self._heading(self.tr("Suggested for this call"))
            for q in first:
                self._question(q, ticked=True)
        purpose = None
        for q in rest:
            if q.purpose != purpose:
                purpose = q.purpose
                self._heading(self.tr(purpose))
            self._question(q, ticked=False)
        if not bank:
            empty = QLabel(self.tr("The question bank is empty."))
            empty.setEnabled(False)
            self._layout.addWidget(empty)
        self._layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

    def _heading(self, text: str) -> None:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 6, 0, 0)
        self._layout.addWidget(label)

    def _question(self, q: questions.QuestionView, *, ticked: bool) -> None:
        tick = QCheckBox()
        tick.setObjectName(f"question{q.id}")
        tick.setAccessibleName(q.text)
        text = _ToggleLabel(q.text, tick)
        answer = QLineEdit()
        answer.setObjectName(f"answer{q.id}")
        answer.setPlaceholderText(self.tr("What they said"))
        answer.setAccessibleName(self.tr("Answer to: {0}").format(q.text))
        answer.setVisible(ticked)
        tick.setChecked(ticked)
        tick.toggled.connect(answer.setVisible)
        tick.toggled.connect(
            lambda on: answer.setFocus(Qt.FocusReason.OtherFocusReason) if on else None
        )
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 2)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        grid.addWidget(tick, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(text, 0, 1)
        grid.addWidget(answer, 1, 1)
        grid.setColumnStretch(1, 1)
        self._layout.addWidget(holder)
        self.ticks[q.id] = tick
        self.answers[q.id] = answer

    def tab_stops(self) -> list[QWidget]:
        """Each question's tick, then its answer, in the order they are shown."""
        return [w for qid, tick in self.ticks.items() for w in (tick, self.answers[qid])]

    def asked(self) -> dict[int, str]:
        """Question id to answer, for every ticked question."""
        return {
            qid: self.answers[qid].text() for qid, tick in self.ticks.items() if tick.isChecked()
        }


class ConversationDialog(FormDialog):
    """Log a conversation with one contact; ``saved_id`` is the conversation's id after Save."""

    def __init__(
        self,
        contact_id: int,
        question_ids: list[int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("", parent)
        self.setObjectName("conversationDialog")
        self.contact_id = contact_id
        self.setWindowTitle(self.tr("Conversation with {0}").format(contacts.name_of(contact_id)))
        holder = detach_form(self)
        left = QScrollArea()
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.setWidget(holder)
        self.checklist = QuestionChecklist(question_ids or [])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        asked = QLabel(self.tr("Questions asked — tick each one and note the answer"))
        asked.setWordWrap(True)
        right_layout.addWidget(asked)
        right_layout.addWidget(self.checklist, 1)
        columns = QHBoxLayout()
        columns.addWidget(left, 1)
        columns.addWidget(right, 1)
        self.layout().insertLayout(0, columns, 1)

        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(locale_dates.edit_format(with_time=True))
        self.add_row("occurred_at", self.tr("When"), self.when)
        self.channel = QComboBox()
        for channel in conversations.CHANNELS:
            self.channel.addItem(self.tr(channel.capitalize()), channel)
        self.add_row("channel", self.tr("Channel"), self.channel)
        box, self.direction = radio_row(
            "direction",
            [
                ("inbound", self.tr("They reached out")),
                ("outbound", self.tr("I reached out")),
                ("in_person", self.tr("In person")),
            ],
        )
        check_value(self.direction, "outbound")
        self.add_row("direction", self.tr("Direction"), box)
        self.summary = self.add_row("summary", self.tr("What was said"), text_box(6))
        self.problems = self.add_row("problems", self.tr("Problems they have"), text_box(3))
        self.opportunities = self.add_row("opportunities", self.tr("Opportunities"), text_box(3))
        self.strategies = self.add_row("strategies", self.tr("Their strategies"), text_box(3))
        self.follow_up_title = QLineEdit()
        self.follow_up_title.setObjectName("follow_up_title")
        self.follow_up_title.setAccessibleName(self.tr("Follow-up"))
        self.follow_up_title.setPlaceholderText(self.tr("Next step, if any"))
        self.follow_up_title.setToolTip(self.tr("Leave empty for no follow-up"))
        self.follow_up_on = date_edit(QDate.currentDate().addDays(7))
        self.follow_up_on.setObjectName("follow_up_on")
        self.follow_up_on.setAccessibleName(self.tr("Follow-up due on"))
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.follow_up_title, 1)
        row_layout.addWidget(QLabel(self.tr("by")))
        row_layout.addWidget(self.follow_up_on)
        self.form.addRow(self.tr("Follow up"), row)
        self.fields["follow_up_on"] = self.follow_up_on
        self.fields["follow_up_title"] = self.follow_up_title
        # Tab reads the left column, then the questions on the right, then Save/Cancel.
        order = [
            self.follow_up_on,
            *self.checklist.tab_stops(),
            *self.buttons.buttons(),
        ]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.resize(1000, 620)
        # Tab walks the left column top to bottom, then the questions, then Save: the
        # question list is built first and would otherwise sit between Cancel and "When".
        left.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.checklist.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        order: list[QWidget] = [self.when, self.channel, *box.findChildren(QRadioButton)]
        order += [self.summary, self.problems, self.opportunities, self.strategies]
        order += [self.follow_up_title, self.follow_up_on]
        for qid, tick in self.checklist.ticks.items():
            order += [tick, self.checklist.answers[qid]]
        order += [
            self.buttons.button(QDialogButtonBox.StandardButton.Save),
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.summary.setFocus()
        self.mark_clean()

    def save(self) -> int:
        moment = self.when.dateTime()
        day, time = moment.date(), moment.time()
        when = dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
        follow = bool(self.follow_up_title.text().strip())
        return conversations.log_conversation(
            self.contact_id,
            checked_value(self.direction) or "outbound",
            self.summary.toPlainText(),
            channel=self.channel.currentData(),
            occurred_at=when,
            problems=self.problems.toPlainText(),
            opportunities=self.opportunities.toPlainText(),
            strategies=self.strategies.toPlainText(),
            follow_up_on=py_date(self.follow_up_on.date()) if follow else None,
            follow_up_title=self.follow_up_title.text().strip() if follow else "",
            answers=self.checklist.asked() or None,
        )


class MeetingLogDialog(ConversationDialog):
    """Log this meeting: one conversation with every matched attendee, prefilled from the
    event (in person, or a call when it had a phone or video link; its start; its title).

    ``meeting`` is a ``sync.calendars.UpcomingMeeting``; ``saved_ids`` holds the
    conversations after Save.
    """

    def __init__(self, meeting, parent: QWidget | None = None) -> None:
        self.meeting = meeting
        self.contact_ids = meeting.matched
        super().__init__(self.contact_ids[0], [], parent)
        self.setObjectName("meetingLogDialog")
        event = meeting.meeting
        names = contacts.names(self.contact_ids)
        people = ", ".join(names.get(c, "?") for c in self.contact_ids)
        self.setWindowTitle(self.tr("Log meeting: %1").replace("%1", event.title))
        self.with_label = QLabel(self.tr("With %1").replace("%1", people))
        self.with_label.setObjectName("meetingAttendees")
        self.with_label.setWordWrap(True)
        self.form.insertRow(0, self.tr("Meeting"), self.with_label)
        start = event.start.astimezone()
        self.when.setDateTime(
            QDateTime(
                QDate(start.year, start.month, start.day),
                QTime(start.hour, start.minute) if not event.all_day else QTime(12, 0),
            )
        )
        call = event.channel == "call"
        channel = self.channel.findData("call" if call else "meeting")
        self.channel.setCurrentIndex(max(channel, 0))
        check_value(self.direction, "outbound" if call else "in_person")
        self.summary.setPlainText(event.title)
        self.summary.setFocus()
        self.summary.selectAll()
        self.mark_clean()
        self.saved_ids: list[int] = []

    def save(self) -> int:
        from favorbook.services import meetings

        moment = self.when.dateTime()
        day, time = moment.date(), moment.time()
        when = dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
        follow = bool(self.follow_up_title.text().strip())
        self.saved_ids = meetings.log_meeting(
            self.meeting.meeting.uid,
            self.meeting.meeting.start_utc,
            self.contact_ids,
            checked_value(self.direction) or "in_person",
            self.summary.toPlainText(),
            channel=self.channel.currentData(),
            occurred_at=when,
            problems=self.problems.toPlainText(),
            opportunities=self.opportunities.toPlainText(),
            strategies=self.strategies.toPlainText(),
            follow_up_on=py_date(self.follow_up_on.date()) if follow else None,
            follow_up_title=self.follow_up_title.text().strip() if follow else "",
            answers=self.checklist.asked() or None,
        )
        return self.saved_ids[0]
