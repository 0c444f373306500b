"""The Inbox page: what the rep captured on the phone, each with a suggested record.

Enter accepts the suggestion as it is; Edit opens the usual form (favor,
conversation or follow-up) prefilled, and saving it accepts the capture; Delete
dismisses it. Accepted and dismissed captures are marked completed on the server at
the next sync (``sync.inbox``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from favorbook.errors import FavorbookError
from favorbook.services import contacts
from favorbook.services.changes import LEDGER, Change
from favorbook.services.dates import LATE_DAY, short_date
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.records.record_list import Column, RecordListWidget, RecordTableModel, first_line


@dataclass
class CaptureRow:
    id: int
    view: object  # sync.inbox.CaptureView

    @property
    def contact_id(self) -> int | None:
        return self.view.suggestion.contact_id

    @property
    def contact_name(self) -> str:
        return self.view.suggestion.contact_name


class CaptureModel(RecordTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__([], parent)
        tr = self.tr
        self.columns = [
            Column(
                "when",
                tr("Captured"),
                lambda r: r.view.when_text,
                key=lambda r: (r.view.captured_at, r.id),
                sample=short_date(LATE_DAY) + " 23:59",
            ),
            Column(
                "text",
                tr("Capture"),
                lambda r: first_line(r.view.text),
                tip=lambda r: r.view.text,
            ),
            Column(
                "who",
                tr("Contact"),
                lambda r: r.contact_name or tr("(none found)"),
                key=lambda r: r.contact_name.casefold(),
                sample="Margaret Oyelaran-Smith",
            ),
            Column(
                "suggestion",
                tr("Suggested record"),
                lambda r: self.kind_text(r.view.suggestion),
                sample=tr("Follow-up on %1").replace("%1", short_date(LATE_DAY)) + "   ",
            ),
        ]

    def kind_text(self, s) -> str:
        if s.kind == "favor":
            text = self.tr("Favor given") if s.direction == "given" else self.tr("Favor received")
            return text + (self.tr(" (IOU)") if s.expectation == "iou" else "")
        if s.kind == "followup":
            day = short_date(s.due_on) if s.due_on else "?"
            return self.tr("Follow-up on %1").replace("%1", day)
        return {
            "inbound": self.tr("Call: they reached out"),
            "outbound": self.tr("Call: I reached out"),
        }.get(s.direction, self.tr("Met in person"))


class InboxPage(RecordListWidget):
    SHOWS = Change.SYNC | Change.CONTACTS | Change.CONVERSATIONS  # who was talked to last
    WRITES = LEDGER | Change.SYNC
    # Guessing whom each capture names reads every contact's nicknames (0.17 s at
    # 100,000): read on a worker thread from BACKGROUND_FROM contacts (load_size).
    LOADS_IN_BACKGROUND = True

    PAGE_NAME = "captureList"

    def list_title(self) -> str:
        return self.tr("Inbox: captures from the phone")

    def __init__(self, bus, parent=None) -> None:
        super().__init__(bus, None, parent)
        self.setObjectName("inboxPage")
        self.summary = self.add_summary_label("inboxSummary")
        self.accept_action = self.make_action(self.tr("&Accept"), self.accept_selected)
        self.accept_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.accept_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.accept_action.setToolTip(self.tr("Accept the suggested record (Enter)"))
        self.view.addAction(self.accept_action)
        self.edit_action = self.make_action(self.tr("&Edit…"), self.edit_selected)
        self.dismiss_action = self.make_action(self.tr("&Dismiss"), self.dismiss_selected)
        self.dismiss_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.dismiss_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(self.dismiss_action)
        self.bar_layout.addStretch(1)
        self.turn_on_button = QPushButton(self.tr("Turn on capture from the phone…"))
        self.turn_on_button.setObjectName("turnOnInbox")
        self.turn_on_button.clicked.connect(self.turn_on)
        self.bar_layout.addWidget(self.turn_on_button)
        self.context_actions = [self.accept_action, self.edit_action, None, self.dismiss_action]
        self.detail = QLabel()
        self.detail.setObjectName("captureDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_layout.addWidget(self.detail)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._job = None
        self.form = None
        self.update_actions()

    def make_model(self) -> RecordTableModel:
        return CaptureModel(self)

    def load(self) -> list[CaptureRow]:
        from favorbook.sync import inbox

        return [CaptureRow(v.id, v) for v in inbox.waiting()]

    def load_size(self) -> int:
        return contacts.count_contacts()

    def loading_text(self) -> str:
        return self.tr("Reading the inbox…")

    def empty_text(self, filtered: bool) -> str:
        from favorbook.sync import inbox

        if not inbox.is_enabled():
            return self.tr(
                "Capture from the phone is off.\n\nTurn it on: favorbook creates a task list "
                "named “favorbook inbox” on your sync account. Write into it with any CalDAV "
                "task app (Apple Reminders, Tasks.org or jtx Board with DAVx5, Thunderbird), "
                "e.g. “Meg called: Karen needs onboarding help, I'll do it today — IOU”; the "
                "next sync brings it here."
            )
        return self.tr(
            "The inbox is empty. What you write in “favorbook inbox” on the phone "
            "shows here after the next sync."
        )

    def after_refresh(self) -> None:
        from favorbook.sync import inbox

        on = inbox.is_enabled()
        self.turn_on_button.setVisible(not on)
        n = self.model.total_count()
        self.summary.setText(
            self.tr("%1 waiting · Enter accepts, Delete dismisses").replace(
                "%1", counted(n, self.tr("capture"), self.tr("captures"))
            )
            if n
            else ""
        )
        self.summary.setVisible(bool(n))

    def selection_changed(self) -> None:
        row = self.current_record()
        self.detail.setVisible(row is not None)
        if row is not None:
            s = row.view.suggestion
            self.detail.setText(
                f"{row.view.text}\n\n" + self.tr("Enter records: %1").replace("%1", s.describe())
            )

    def update_actions(self) -> None:
        row = self.current_record()
        for action in (self.accept_action, self.edit_action, self.dismiss_action):
            action.setEnabled(row is not None)
        if row is not None:
            self.accept_action.setEnabled(row.contact_id is not None)

    # --- commands ----------------------------------------------------------------------

    def accept_selected(self) -> None:
        from favorbook.sync import inbox

        row = self.current_record()
        if row is None:
            return
        if row.contact_id is None:
            self.edit_selected()
            return
        try:
            kind, _ = inbox.accept(row.id, row.view.suggestion)
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Accept"), describe_error(exc))
            return
        names = {"favor": self.tr("Favor"), "conversation": self.tr("Conversation")}
        said = names.get(kind, self.tr("Follow-up"))
        self.wrote(self.tr("%1 recorded from the capture.").replace("%1", said))

    def dismiss_selected(self) -> None:
        from favorbook.sync import inbox

        row = self.current_record()
        if row is None:
            return
        inbox.dismiss(row.id)
        self.wrote(self.tr("Capture dismissed; it is marked done on the phone at the next sync."))

    def edit_selected(self) -> None:
        """The usual form for the suggested record, prefilled; Save accepts the capture."""
        from favorbook.ui.forms.conversation_form import ConversationDialog
        from favorbook.ui.forms.favor_form import FavorDialog, check_value
        from favorbook.ui.forms.followup_form import FollowUpDialog

        row = self.current_record()
        if row is None:
            return
        s = row.view.suggestion
        text = row.view.text
        parent = self.window()
        if s.kind == "favor":
            dialog = FavorDialog(s.contact_id, s.direction or "given", parent)
            dialog.description.setPlainText(text)
            check_value(dialog.expectation, s.expectation)
        elif s.kind == "followup" or s.contact_id is None:
            dialog = FollowUpDialog(s.contact_id, parent=parent)
            dialog.title_edit.setText(first_line(text, 500))
            due = s.due_on or (dt.date.today() + dt.timedelta(days=1))
            dialog.due.setDate(QDate(due.year, due.month, due.day))
        else:
            dialog = ConversationDialog(s.contact_id, [], parent)
            dialog.summary.setPlainText(text)
            check_value(dialog.direction, s.direction or "outbound")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        capture_id = row.id

        def saved() -> None:
            from favorbook.sync import inbox

            inbox.mark_accepted(capture_id)
            self.wrote(self.tr("Recorded from the capture."))

        dialog.accepted.connect(saved)
        self.form = dialog
        dialog.open()

    def turn_on(self) -> None:
        from favorbook.sync import accounts, inbox
        from favorbook.ui.shell.worker import BackgroundJob

        found = accounts.list_accounts()
        if not found:
            QMessageBox.information(
                self,
                self.tr("Capture from the phone"),
                self.tr("Add a sync account first (Preferences → Sync)."),
            )
            return
        if self._job is not None:
            return
        name = found[0].name
        self._job = BackgroundJob(
            self,
            self.tr("Capture from the phone"),
            self.tr("Creating the “favorbook inbox” list on the server…"),
            lambda _progress: inbox.enable_inbox(name),
        )

        def done(_url, error) -> None:
            self._job = None
            if error is not None:
                QMessageBox.warning(self, self.tr("Capture from the phone"), describe_error(error))
                return
            self.wrote(self.tr("Capture is on: write into “favorbook inbox” on the phone."))

        self._job.done.connect(done)
        self._job.start()
