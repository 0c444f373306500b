"""The Meetings page: today's and the next 7 days' meetings from the rep's calendars
(and yesterday's while they wait to be logged).

Each meeting lists its attendees matched to contacts; one not in favorbook is added
in one click, prefilled from the invitation. The selected meeting's sheet (every
matched attendee) is one click or Ctrl+Shift+M away, as a PDF or printed; "Tomorrow's
sheets" writes one PDF per meeting of tomorrow into a folder. A meeting that has
ended offers "Log this meeting"; a logged one says so.

The page reads what the last sync fetched (``sync.calendars``): it works offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import contacts, meetings
from favorbook.services.changes import Change
from favorbook.services.dates import LATE_DAY, short_date
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.records.record_list import Column, RecordListWidget, RecordTableModel
from favorbook.ui.shell.style import warning_color

SHEET_SHORTCUT = "Ctrl+Shift+M"
DAYS = 7


@dataclass
class MeetingRow:
    id: int
    up: object  # sync.calendars.UpcomingMeeting
    names: dict[int, str]

    @property
    def meeting(self):
        return self.up.meeting


def when_text(meeting, on: dt.date | None = None) -> str:
    on = on or dt.date.today()
    start, end = meeting.start.astimezone(), meeting.end.astimezone()
    day = meeting.day
    if day == on:
        label = "Today"
    elif day == on - dt.timedelta(days=1):
        label = "Yesterday"
    elif day == on + dt.timedelta(days=1):
        label = "Tomorrow"
    else:
        weekday = QLocale().dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
        label = f"{weekday} {short_date(day)}"  # the one date format, with its weekday
    if meeting.all_day:
        return f"{label}, all day"
    return f"{label} {start:%H:%M}–{end:%H:%M}"


def when_sample() -> str:
    """The widest When for sizing its column: the widest weekday, a wide day in the
    rep's date format (as ``when_text`` writes it) and two times."""
    names = [QLocale().dayName(d, QLocale.FormatType.ShortFormat) for d in range(1, 8)]
    return f"{max(names, key=len)} {short_date(LATE_DAY)} 16:00–17:00  "


def sheet_name(meeting) -> str:
    from favorbook.ui.data.data_actions import safe_file_name

    start = meeting.start.astimezone()
    return f"{start:%Y-%m-%d %H%M} {safe_file_name(meeting.title, 'meeting')}.pdf"


class MeetingModel(RecordTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__([], parent)
        tr = self.tr
        self.columns = [
            Column(
                "when",
                tr("When"),
                lambda r: when_text(r.meeting),
                key=lambda r: (r.meeting.start.astimezone(dt.UTC), r.id),
                sample=when_sample(),
            ),
            Column(
                "title",
                tr("Meeting"),
                lambda r: r.meeting.title,
                tip=lambda r: r.meeting.location or None,
            ),
            Column("attendees", tr("Attendees"), self.attendees_text, tip=self.attendees_tip),
            Column(
                "state",
                tr("State"),
                self.state_text,
                color=lambda r: warning_color() if self._to_log(r) else None,
                sample="Ended: log it",
            ),
        ]

    @staticmethod
    def _to_log(r: MeetingRow) -> bool:
        return r.up.ended and not r.up.logged_ids and bool(r.up.matched)

    def attendees_text(self, r: MeetingRow) -> str:
        known = [r.names.get(c, "?") for c in r.up.matched]
        unknown = sum(1 for c in r.up.contact_ids if c is None)
        text = ", ".join(known)
        if unknown:
            more = self.tr("%1 not a contact").replace("%1", str(unknown))
            text = f"{text} · {more}" if text else more
        return text

    def attendees_tip(self, r: MeetingRow) -> str:
        return "\n".join(a.label for a in r.meeting.attendees)

    def state_text(self, r: MeetingRow) -> str:
        if r.up.logged_ids:
            return self.tr("Logged")
        if r.up.ended:
            return self.tr("Ended: log it") if r.up.matched else self.tr("Ended")
        if r.meeting.start <= dt.datetime.now(dt.UTC):
            return self.tr("Now")
        return ""


class CalendarsDialog(QDialog):
    """Tick the account's calendars whose events are meetings."""

    def __init__(self, choices, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingCalendarsDialog")
        self.setWindowTitle(self.tr("Calendars for meetings"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Read meetings from these calendars:")))
        self.boxes: list[tuple[QCheckBox, object]] = []
        for choice in choices:
            box = QCheckBox(choice.name)
            box.setToolTip(choice.url)
            box.setChecked(choice.picked)
            layout.addWidget(box)
            self.boxes.append((box, choice))
        if not choices:
            layout.addWidget(QLabel(self.tr("The server offers no calendar with events.")))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[tuple[str, str]]:
        return [(c.name, c.url) for box, c in self.boxes if box.isChecked()]


class IcsSourceDialog(QDialog):
    """An .ics file (typed or browsed for) or a subscribed https:// or webcal:// address."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("icsSourceDialog")
        self.setWindowTitle(self.tr("Add a calendar"))
        layout = QVBoxLayout(self)
        label = QLabel(
            self.tr(
                "An .ics file, or the address of a calendar you subscribe to (https:// or "
                "webcal://). Addresses are read again at every sync, files when they change."
            )
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        self.source = QLineEdit()
        self.source.setObjectName("icsSource")
        self.source.setPlaceholderText("webcal://calendar.example.com/you.ics")
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.source, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Calendar file"), "", self.tr("iCalendar (*.ics);;All files (*)")
        )
        if path:
            self.source.setText(path)


class MeetingsPage(RecordListWidget):
    RELOAD_ON_SHOW = True  # a meeting ends, the next one starts: the time of day
    # Matching the attendees by name reads every contact's name (0.26 s at 100,000 after
    # any change): read on a worker thread from BACKGROUND_FROM contacts (load_size).
    LOADS_IN_BACKGROUND = True
    SHOWS = Change.SYNC | Change.CONTACTS | Change.CONVERSATIONS | Change.SETTINGS
    WRITES = Change.CONVERSATIONS

    PAGE_NAME = "meetingList"

    def list_title(self) -> str:
        return self.tr("Meetings")

    def __init__(self, bus, parent=None) -> None:
        super().__init__(bus, None, parent)
        self.setObjectName("meetingsPage")
        self.problems: list[str] = []
        self.summary = self.add_summary_label("meetingsSummary")
        self.sheet_action = self.make_action(
            self.tr("&Meeting sheet (PDF)"), self.write_sheet, SHEET_SHORTCUT
        )
        self.print_action = self.make_action(self.tr("&Print sheet…"), self.print_sheet)
        self.tomorrow_action = self.make_action(
            self.tr("&Tomorrow's sheets…"), self.tomorrows_sheets
        )
        self.log_action = self.make_action(self.tr("&Log this meeting…"), self.log_meeting)
        self.calendars_action = self.make_action(self.tr("&Calendars…"), self.pick_calendars)
        self.add_ics_action = self.make_action(
            self.tr("Add .ics &file or address…"), self.add_ics_source
        )
        self.bar_layout.addStretch(1)
        self.context_actions = [self.sheet_action, self.print_action, None, self.log_action]

        self.detail = QWidget()
        self.detail.setObjectName("meetingDetail")
        self.detail_layout = QGridLayout(self.detail)
        self.detail_layout.setContentsMargins(0, 6, 0, 0)
        self.body_layout.addWidget(self.detail)
        self.add_buttons: list[QPushButton] = []
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._calendar_job = None
        self.update_actions()

    # --- the list --------------------------------------------------------------------

    def make_model(self) -> RecordTableModel:
        return MeetingModel(self)

    def load(self) -> list[MeetingRow]:
        from favorbook.sync import calendars

        refreshed = calendars.refresh_ics_sources(addresses=False)
        # Yesterday's meetings too while they wait to be logged (the evening's meeting,
        # written up the next morning).
        yesterday = dt.date.today() - dt.timedelta(days=1)
        found, self.problems = calendars.upcoming(DAYS + 1, on=yesterday)
        found = [
            u
            for u in found
            if u.meeting.day > yesterday or (u.matched and u.ended and not u.logged_ids)
        ]
        self.problems = refreshed + self.problems
        names = contacts.names(sorted({c for u in found for c in u.matched}))
        return [MeetingRow(i + 1, u, names) for i, u in enumerate(found)]

    def load_size(self) -> int:
        return contacts.count_contacts()

    def loading_text(self) -> str:
        return self.tr("Reading the meetings…")

    def empty_text(self, filtered: bool) -> str:
        from favorbook.sync import calendars

        if not calendars.has_meeting_calendars():
            return self.tr(
                "No meetings yet.\n\nPick the calendars that hold your meetings with "
                "Calendars… (a sync account is needed: Preferences → Accounts); the next "
                "sync brings today's and the next 7 days' meetings here. Or add an .ics "
                "file or a calendar address you subscribe to."
            )
        return self.tr("No meetings with attendees today or in the next 7 days.")

    def after_refresh(self) -> None:
        rows = self.model.records()
        to_log = sum(1 for r in rows if MeetingModel._to_log(r))
        ahead = sum(1 for r in rows if r.meeting.day >= dt.date.today())
        text = self.tr("%1 today and in the next 7 days").replace(
            "%1", counted(ahead, self.tr("meeting"), self.tr("meetings"))
        )
        if to_log:
            text += " · " + self.tr("%1 ended and not logged yet").replace("%1", str(to_log))
        if self.problems:
            tip = "\n".join(self.problems[:20])
            text += " · " + self.tr("%1 could not be read").replace(
                "%1", counted(len(self.problems), self.tr("event"), self.tr("events"))
            )
            self.summary.setToolTip(tip)
        else:
            self.summary.setToolTip("")
        self.summary.setText(text)
        self.selection_changed()

    def update_actions(self) -> None:
        row = self.current_record()
        has_people = row is not None and bool(row.up.matched)
        self.sheet_action.setEnabled(has_people)
        self.print_action.setEnabled(has_people)
        self.log_action.setEnabled(has_people and row.up.ended and not row.up.logged_ids)
        if row is not None and row.up.logged_ids:
            self.log_action.setText(self.tr("&Logged"))
        else:
            self.log_action.setText(self.tr("&Log this meeting…"))

    def selection_changed(self) -> None:
        """The attendees of the selected meeting, each with its contact or Add."""
        while self.detail_layout.count():
            item = self.detail_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.add_buttons = []
        row = self.current_record()
        if row is None:
            self.detail.hide()
            return
        self.detail.show()
        m = row.meeting
        head = QLabel(
            f"<b>{_html(m.title)}</b> — {_html(when_text(m))}"
            + (f" · {_html(m.location)}" if m.location else "")
        )
        head.setTextFormat(Qt.TextFormat.RichText)
        head.setWordWrap(True)
        self.detail_layout.addWidget(head, 0, 0, 1, 3)
        for number, (person, cid) in enumerate(
            zip(m.attendees, row.up.contact_ids, strict=True), start=1
        ):
            self.detail_layout.addWidget(QLabel(person.label), number, 0)
            if cid is not None:
                open_button = QPushButton("→ " + row.names.get(cid, "?"))
                open_button.setObjectName("openAttendee")
                open_button.setFlat(True)
                open_button.setToolTip(self.tr("Open this contact"))
                open_button.clicked.connect(lambda _=False, c=cid: self.bus.open_contact.emit(c))
                self.detail_layout.addWidget(open_button, number, 1)
            else:
                add = QPushButton(self.tr("Add as contact"))
                add.setObjectName("addAttendee")
                add.clicked.connect(lambda _=False, p=person: self.add_attendee(p))
                self.detail_layout.addWidget(add, number, 1)
                self.add_buttons.append(add)
        if row.up.logged_ids:
            who = ", ".join(meetings.logged_with(m.uid, m.start_utc))
            done = QLabel(self.tr("Logged with %1.").replace("%1", who))
            done.setObjectName("meetingLogged")
            self.detail_layout.addWidget(done, len(m.attendees) + 1, 0, 1, 3)
        self.detail_layout.setColumnStretch(2, 1)

    # --- commands --------------------------------------------------------------------

    def add_attendee(self, person) -> None:
        from favorbook.formats.meetings import person_input

        try:
            cid = contacts.create_contact(person_input(person))
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Add as contact"), describe_error(exc))
            return
        self.wrote(self.tr("Added %1 as a contact.").replace("%1", contacts.name_of(cid)))

    def sheets_folder(self) -> str:
        folder = meetings.sheets_folder()
        if folder and Path(folder).is_dir():
            return folder
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def choose_folder(self) -> str:
        """Where tomorrow's sheets go ('' when cancelled); tests replace it."""
        return QFileDialog.getExistingDirectory(
            self, self.tr("Folder for tomorrow's sheets"), self.sheets_folder()
        )

    def _write(self, row: MeetingRow, folder: str) -> tuple[str, int]:
        from favorbook.render import sheet_pdf

        path = str(Path(folder) / sheet_name(row.meeting))
        occasion = f"{row.meeting.title}, {when_text(row.meeting)}"
        return path, sheet_pdf.write_pdf(path, row.up.matched, occasion=occasion)

    def write_sheet(self) -> None:
        row = self.current_record()
        if row is None or not row.up.matched:
            self.bus.message.emit(self.tr("Select a meeting with attendees who are contacts."))
            return
        try:
            Path(self.sheets_folder()).mkdir(parents=True, exist_ok=True)
            path, pages = self._write(row, self.sheets_folder())
        except (OSError, FavorbookError) as exc:
            QMessageBox.warning(self, self.tr("Meeting sheet"), describe_error(exc))
            return
        self.last_written = path
        self.bus.message.emit(
            self.tr("Wrote the meeting sheet (%1) to %2")
            .replace("%1", counted(pages, self.tr("page"), self.tr("pages")))
            .replace("%2", path)
        )

    def tomorrows_sheets(self) -> None:
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        rows = [r for r in self.model.records() if r.meeting.day == tomorrow and r.up.matched]
        if not rows:
            self.bus.message.emit(self.tr("No meeting tomorrow has attendees who are contacts."))
            return
        folder = self.choose_folder()
        if not folder:
            return
        written, failed = [], []
        for row in rows:
            try:
                written.append(self._write(row, folder)[0])
            except (OSError, FavorbookError) as exc:
                failed.append(f"{row.meeting.title}: {describe_error(exc)}")
        meetings.set_sheets_folder(folder)
        self.last_written_all = written
        if failed:
            QMessageBox.warning(self, self.tr("Tomorrow's sheets"), "\n".join(failed))
        self.bus.message.emit(
            self.tr("Wrote %1 to %2")
            .replace(
                "%1", counted(len(written), self.tr("meeting sheet"), self.tr("meeting sheets"))
            )
            .replace("%2", folder)
        )

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from favorbook.render.sheet_pdf import print_sheets

        row = self.current_record()
        if row is None or not row.up.matched:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(sheet_name(row.meeting)).stem)
        dialog = QPrintPreviewDialog(printer, self.window())
        dialog.setObjectName("printPreview")
        dialog.printer_ = printer
        occasion = f"{row.meeting.title}, {when_text(row.meeting)}"
        ids = row.up.matched
        dialog.paintRequested.connect(lambda target: print_sheets(target, ids, occasion=occasion))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.print_preview = dialog
        dialog.resize(900, 760)
        dialog.open()

    def log_meeting(self) -> None:
        from favorbook.ui.forms.conversation_form import MeetingLogDialog

        row = self.current_record()
        if row is None or not row.up.matched or row.up.logged_ids:
            return
        dialog = MeetingLogDialog(row.up, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.wrote(
                self.tr("Logged the meeting with %1.").replace(
                    "%1", counted(len(dialog.saved_ids), self.tr("person"), self.tr("people"))
                )
            )
        )
        self.form = dialog
        dialog.open()

    def ask_ics_source(self) -> str:
        """An .ics file or a calendar address to read meetings from ('' when cancelled)."""
        dialog = IcsSourceDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return ""
        return dialog.source.text().strip()

    def add_ics_source(self) -> None:
        from favorbook.sync import calendars

        source = self.ask_ics_source()
        if not source:
            return
        try:
            name = calendars.add_ics_source(source)
        except (OSError, FavorbookError) as exc:
            QMessageBox.warning(self, self.tr("Add a calendar"), describe_error(exc))
            return
        self.wrote(self.tr("Meetings are read from %1 too.").replace("%1", name))

    def pick_calendars(self) -> None:
        from favorbook.sync import accounts, calendars
        from favorbook.ui.shell.worker import BackgroundJob

        if not accounts.list_accounts():
            QMessageBox.information(
                self,
                self.tr("Calendars"),
                self.tr(
                    "Add a sync account first (Preferences → Sync); its calendars then show here."
                ),
            )
            return
        if self._calendar_job is not None:
            return
        name = accounts.list_accounts()[0].name
        job = BackgroundJob(
            self,
            self.tr("Calendars"),
            self.tr("Asking the server for its calendars…"),
            lambda _progress: calendars.event_calendars(name),
        )
        self._calendar_job = job

        def done(result, error) -> None:
            self._calendar_job = None
            if error is not None:
                QMessageBox.warning(self, self.tr("Calendars"), describe_error(error))
                return
            dialog = CalendarsDialog(result, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                calendars.pick_calendars(name, dialog.chosen())
                self.bus.message.emit(
                    self.tr("Meetings come from the calendars picked at the next sync.")
                )

        job.done.connect(done)
        job.start()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
