"""Follow-ups the rep promised, and on the page the contacts due for a touch."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from favorbook.services import followups
from favorbook.services.changes import Change
from favorbook.services.dates import LATE_DAY, local_day_text, short_date
from favorbook.ui.records.record_list import (
    Column,
    RecordListWidget,
    RecordTableModel,
    contact_column,
    make_table,
    without_mnemonic,
)
from favorbook.ui.records.undo import CompleteFollowUpCommand, RescheduleFollowUpCommand
from favorbook.ui.shell.style import warning_color

NEW_FOLLOWUP_SHORTCUT = "Ctrl+Shift+U"
SNOOZE_DAYS = 7


def _disabled_text() -> QColor:
    return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


class FollowUpModel(RecordTableModel):
    def __init__(self, with_contact: bool, parent=None) -> None:
        super().__init__([], parent)
        tr = self.tr
        columns = [
            Column(
                "due",
                tr("Due"),
                lambda f: short_date(f.due_on),
                key=lambda f: (f.done, f.due_on, f.id),
                color=self.state_color,
                sample=short_date(LATE_DAY),
            )
        ]
        if with_contact:
            columns.append(contact_column(tr, lambda f: f.due_on))
        columns += [
            Column("title", tr("Follow-up"), lambda f: f.title, tip=lambda f: f.title),
            Column(
                "state",
                tr("State"),
                self.state_text,
                key=lambda f: (f.done, f.due_on, f.id),
                color=self.state_color,
                bold=lambda f: not f.done and f.due_on == dt.date.today(),
                sample="Overdue by 365 days",
            ),
        ]
        self.columns = columns

    def state_text(self, f: followups.FollowUpView) -> str:
        if f.done:
            return self.tr("Done")
        days = (f.due_on - dt.date.today()).days
        if days < 0:
            return (
                self.tr("Overdue by 1 day")
                if days == -1
                else self.tr("Overdue by %1 days").replace("%1", str(-days))
            )
        if days == 0:
            return self.tr("Due today")
        if days == 1:
            return self.tr("Tomorrow")
        return self.tr("In %1 days").replace("%1", str(days))

    def state_color(self, f: followups.FollowUpView) -> QColor | None:
        if f.done:
            return _disabled_text()
        if f.overdue():
            return warning_color()
        return None


class TouchDueModel(RecordTableModel):
    """Contacts whose stay-in-touch cadence has run out."""

    def __init__(self, parent=None) -> None:
        super().__init__([], parent, id_attr="contact_id")
        tr = self.tr
        columns = [
            Column(
                "contact",
                tr("Contact"),
                lambda t: t.name,
                key=lambda t: t.name.casefold(),
                tip=lambda t: tr("Double-click to open %1").replace("%1", t.name),
            ),
            Column(
                "due",
                tr("Due for a touch since"),
                lambda t: short_date(t.due_on),
                key=lambda t: (t.due_on, t.contact_id),
                color=lambda t: warning_color(),
                sample=short_date(LATE_DAY),
            ),
            Column(
                "last",
                tr("Last conversation"),
                lambda t: local_day_text(t.last_interaction_at) or tr("never"),
                key=lambda t: (t.last_interaction_at or dt.datetime.min, t.contact_id),
                sample=short_date(LATE_DAY),
            ),
        ]
        self.columns = columns


class FollowUpList(RecordListWidget):
    """The Follow-ups page (``contact_id`` None) or a contact's Follow-ups tab."""

    # The page also lists the contacts due for a touch: conversations and the cadence.
    SHOWS = Change.FOLLOWUPS | Change.CONTACTS | Change.CONVERSATIONS | Change.SETTINGS
    WRITES = Change.FOLLOWUPS

    PAGE_NAME = "followUpList"
    LOADS_IN_BACKGROUND = True
    TAB_NAME = "contactFollowUpList"

    def list_title(self) -> str:
        return self.tr("Follow-ups")

    newFollowUpRequested = Signal(object)
    """Open the follow-up form; carries the contact id, or None on the page."""
    rescheduleRequested = Signal(int)
    """Ask for a new due date for this follow-up (by id)."""

    def __init__(
        self, bus, contact_id: int | None = None, parent=None, *, per_contact: bool = False
    ) -> None:
        super().__init__(bus, contact_id, parent, per_contact=per_contact)
        self.setObjectName("followUpPage" if self.is_page else "contactFollowUps")
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("followUpStateFilter")
        for label, state in (
            (self.tr("Open"), "open"),
            (self.tr("Overdue"), "overdue"),
            (self.tr("Done"), "done"),
            (self.tr("All"), "all"),
        ):
            self.state_combo.addItem(label, state)
        self.state_combo.setCurrentIndex(0 if self.is_page else 3)
        self._state = self.state_combo.currentData()  # as chosen: a worker thread reads it
        self._touch_due: list | None = None  # read with the follow-ups, for after_refresh
        self.counts_label = QLabel()
        self.counts_label.setObjectName("followUpCounts")
        self.filter_edit = self.make_filter_edit(
            "followUpFilter", self.tr("Filter by title or contact…"), self.tr("Filter by title…")
        )
        filters = QHBoxLayout()
        filters.addWidget(self.counts_label)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.state_combo)
        self.header_layout.addLayout(filters)
        self.state_combo.currentIndexChanged.connect(self._state_changed)

        self.new_action = self.make_action(
            self.tr("&Add follow-up…"), self._request_new, NEW_FOLLOWUP_SHORTCUT
        )
        self.done_action = self.make_action(
            self.tr("&Mark done"), self.toggle_done_selected, QKeySequence(Qt.Key.Key_Space)
        )
        # Space belongs to the list only: in the filter box it types a space. The action stays
        # on the page too (where the shortcut never fires: the page itself never has focus),
        # so the window's Actions menu lists "Mark done" next to Reschedule and Snooze.
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(self.done_action)
        self.reschedule_action = self.make_action(self.tr("&Reschedule…"), self._request_reschedule)
        self.snooze_action = self.make_action(self.tr("&Snooze a week"), self.snooze_selected)
        self.bar_layout.addStretch(1)
        self.context_actions = [
            self.done_action,
            self.reschedule_action,
            self.snooze_action,
            None,
            self.new_action,
        ]
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        self.touch_model: TouchDueModel | None = None
        self.touch_view = None
        if self.is_page:
            self._build_touch_section()
        self.update_actions()

    def _build_touch_section(self) -> None:
        self.touch_model = TouchDueModel(self)
        self.touch_view = make_table(self.touch_model, self)
        self.touch_view.setObjectName("stayInTouchList")
        self.touch_view.setAccessibleName(self.tr("Stay in touch"))
        self.touch_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.touch_view.activated.connect(self._touch_activated)
        self.touch_label = QLabel()
        self.touch_label.setObjectName("stayInTouchLabel")
        font = self.touch_label.font()
        font.setBold(True)
        self.touch_label.setFont(font)
        self.touch_empty = QLabel(self.tr("Everyone has heard from you recently."))
        self.touch_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        section = QWidget()
        column = QVBoxLayout(section)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.touch_label)
        column.addWidget(self.touch_view, 1)
        column.addWidget(self.touch_empty, 1)
        # Neither until the contacts due are read (on a worker thread for a big network):
        # "Everyone has heard from you recently" before then would say what is not known.
        self.touch_view.hide()
        self.touch_empty.hide()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.body_layout.removeWidget(self.stack)
        splitter.addWidget(self.stack)
        splitter.addWidget(section)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.body_layout.addWidget(splitter)

    # --- RecordListWidget ----------------------------------------------------------

    def make_model(self) -> FollowUpModel:
        return FollowUpModel(with_contact=self.is_page, parent=self)

    def state(self) -> str:
        return self._state

    def load(self) -> list[followups.FollowUpView]:
        """The follow-ups in the chosen state and, on the page, the contacts due for a
        touch: both read together, on a worker thread for a big network."""
        records = followups.list_followups(self._state, contact_id=self.contact_id)
        if self.touch_model is not None:
            self._touch_due = followups.stay_in_touch_due()
        return records

    def records_to_load(self) -> int:
        return followups.count_followups()

    def filter_predicate(self):
        text = self.filter_edit.text().strip().casefold()
        if not text:
            return None
        return lambda f: (
            text in f.title.casefold() or (self.is_page and text in f.contact_name.casefold())
        )

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No follow-up matches the filter.")
        state = self.state()
        if state == "overdue":
            return self.tr("Nothing overdue. Well done.")
        if state == "done":
            return self.tr("No follow-up done yet.")
        shortcut = QKeySequence(NEW_FOLLOWUP_SHORTCUT).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        text = (
            self.tr("No open follow-ups — Add follow-up… (%1)")
            if self.is_page and state == "open"
            else self.tr("No follow-ups yet — Add follow-up… (%1)")
        )
        return text.replace("%1", shortcut)

    def after_refresh(self) -> None:
        today = dt.date.today()
        records = self.model.records()
        open_ = [f for f in records if not f.done]
        overdue = sum(1 for f in open_ if f.due_on < today)
        if self.state() in ("open", "all"):
            text = self.tr("%1 open, %2 overdue").replace("%1", f"{len(open_):,}")
            self.counts_label.setText(text.replace("%2", f"{overdue:,}"))
        else:
            self.counts_label.setText(self.tr("%1 shown").replace("%1", f"{len(records):,}"))
        if self.touch_model is not None:
            due = self._touch_due
            self._touch_due = None
            if due is None:
                due = followups.stay_in_touch_due()
            self.touch_model.set_records(due)
            self.touch_label.setText(self.tr("Due for a touch (%1)").replace("%1", f"{len(due):,}"))
            self.touch_view.setVisible(bool(due))
            self.touch_empty.setVisible(not due)

    def update_actions(self) -> None:
        f = self.current_record()
        has = f is not None
        self.done_action.setEnabled(has)
        done_text = self.tr("&Mark not done") if has and f.done else self.tr("&Mark done")
        self.done_action.setText(done_text)
        plain = without_mnemonic(done_text)
        self.done_action.setIconText(plain)
        shortcut = self.done_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.done_action.setToolTip(f"{plain} ({shortcut})")
        self.reschedule_action.setEnabled(has and not f.done)
        self.snooze_action.setEnabled(has and not f.done)
        self.new_action.setEnabled(self.is_page or self.contact_id is not None)

    # --- actions -------------------------------------------------------------------

    def _state_changed(self) -> None:
        self._state = self.state_combo.currentData()
        self.refresh()

    def _request_new(self) -> None:
        self.newFollowUpRequested.emit(self.contact_id)

    def _request_reschedule(self) -> None:
        f = self.current_record()
        if f is not None and not f.done:
            self.rescheduleRequested.emit(f.id)

    def toggle_done_selected(self) -> None:
        f = self.current_record()
        if f is not None:
            self.push(CompleteFollowUpCommand(self.bus, f.id, f.title, done=not f.done))

    def snooze_selected(self) -> None:
        f = self.current_record()
        if f is None or f.done:
            return
        new_due = max(f.due_on, dt.date.today()) + dt.timedelta(days=SNOOZE_DAYS)
        self.push(RescheduleFollowUpCommand(self.bus, f.id, f.title, f.due_on, new_due))

    def _touch_activated(self, index) -> None:
        record = self.touch_model.record(index.row()) if self.touch_model else None
        if record is not None:
            self.bus.open_contact.emit(record.contact_id)
