"""The dashboard: the give:take ratio, open IOUs, what is due, and where referrals come from.

Cards in a scroll area; the list cards flow into two or three columns with the
width. Every figure comes from ``services.dashboard.gather`` in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from favorbook.services import dashboard as dashboard_service
from favorbook.services.changes import Change
from favorbook.services.dashboard import Capped
from favorbook.services.dates import short_date
from favorbook.services.favors import format_ratio, format_target
from favorbook.ui.dashboard.charts import (
    Bar,
    BarList,
    MonthBar,
    MonthlyRatioChart,
    RatioGauge,
)
from favorbook.ui.shell.bus import Bus
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.style import amber_text, green_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex
CARD_MIN_WIDTH = 380


@dataclass
class Entry:
    contact_id: int
    text: str
    tooltip: str = ""


class EntryModel(QAbstractListModel):
    """A short list of lines, each about one contact (its id in ``ID_ROLE``)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip or entry.text
        if role == ID_ROLE:
            return entry.contact_id
        return None


class EntryList(QListView):
    """A list sized to its rows (no scroll bar); a click or Enter opens the contact."""

    def __init__(self, bus: Bus, parent=None) -> None:
        super().__init__(parent)
        self._bus = bus
        self.setModel(EntryModel(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setUniformItemSizes(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setMouseTracking(True)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.clicked.connect(self._open)

    def entry_model(self) -> EntryModel:
        return self.model()

    def set_entries(self, entries: list[Entry]) -> None:
        self.entry_model().set_entries(entries)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        rows = self.entry_model().rowCount()
        row = self.sizeHintForRow(0) if rows else 0
        return QSize(300, rows * row + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        return QSize(150, self.sizeHint().height())

    def _open(self, index: QModelIndex) -> None:
        contact_id = index.data(ID_ROLE)
        if contact_id is not None:
            self._bus.open_contact.emit(int(contact_id))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)


class Card(QFrame):
    """A titled panel on the dashboard."""

    def __init__(self, title: str, object_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 12, 14, 12)
        self.body.setSpacing(6)
        self.body.addWidget(self.title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.setMinimumWidth(CARD_MIN_WIDTH - 40)


class Section(QWidget):
    """One list in a card: an optional heading, the entries, an empty line, "and N more"."""

    def __init__(
        self, bus: Bus, heading: str, empty_text: str, object_name: str, name: str = ""
    ) -> None:
        super().__init__()
        self.setObjectName(object_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.heading = QLabel(heading)
        self.list = EntryList(bus)
        self.list.setObjectName(object_name + "List")
        self.list.setAccessibleName(heading or name)  # a screen reader says which list
        self.empty = QLabel(empty_text)
        self.empty.setObjectName(object_name + "Empty")
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.more = QLabel()
        self.more.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for widget in (self.heading, self.list, self.empty, self.more):
            layout.addWidget(widget)
        # Only once it has a parent: a label shown with none opens as a window of its own
        # (made after the main window, the dashboard took its focus and activation).
        self.heading.setVisible(bool(heading))

    def set_heading(self, text: str) -> None:
        self.heading.setText(text)
        self.heading.setVisible(bool(text))

    def set_entries(self, entries: list[Entry], total: int | None = None) -> None:
        total = len(entries) if total is None else total
        self.list.set_entries(entries)
        self.list.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        more = total - len(entries)
        self.more.setText(self.tr("and %1 more").replace("%1", f"{more:,}"))
        self.more.setVisible(more > 0)


def _day(value) -> str:
    return short_date(value) if value else ""


class Dashboard(FollowsChanges, QWidget):
    """The overview page. ``refresh()`` reads every figure again."""

    SHOWS = Change.EVERYTHING & ~Change.SYNC

    def __init__(self, bus: Bus, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._bus = bus
        self._columns = 0
        self.data: dashboard_service.Dashboard | None = None

        self._make_ratio_cards()
        self._make_list_cards(bus)
        self._make_layout()
        # Read on the first show, not while the window is being built: the dashboard
        # is not the page a start shows first.
        self.follow_changes(bus, stale=True)
        self._reflow(self.width())

    def _make_ratio_cards(self) -> None:
        # The ratio overall, in a picture and in words.
        self.ratio_card = Card(self.tr("Give : take"), "ratioCard")
        self.ratio_value = QLabel()
        self.ratio_value.setObjectName("ratioValue")
        self.ratio_value.setWordWrap(True)  # "nothing received yet" in a narrow card
        font = self.ratio_value.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.ratio_value.setFont(font)
        self.gauge = RatioGauge()
        self.gauge.setAccessibleName(self.tr("Give:take ratio against the target"))
        self.ratio_words = QLabel()
        self.ratio_words.setObjectName("ratioWords")
        self.ratio_words.setWordWrap(True)
        self.ratio_card.body.addWidget(self.ratio_value)
        self.ratio_card.body.addWidget(self.gauge)
        self.ratio_card.body.addWidget(self.ratio_words)
        self.ratio_card.body.addStretch(1)
        self.ratio_card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        # Month by month.
        self.months_card = Card(self.tr("Give : take by month"), "monthsCard")
        self.month_chart = MonthlyRatioChart()
        self.month_chart.setAccessibleName(self.tr("Give:take by month, given:received"))
        self.month_chart.setMinimumHeight(170)
        self.months_note = QLabel()
        self.months_note.setObjectName("monthsNote")
        self.months_note.setWordWrap(True)
        self.months_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.months_card.body.addWidget(self.month_chart, 1)
        self.months_card.body.addWidget(self.months_note)
        self.months_card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def _make_list_cards(self, bus: Bus) -> None:
        # Lists.
        self.ious_card = Card(self.tr("Open IOUs"), "iousCard")
        self.i_owe = Section(bus, self.tr("I owe"), self.tr("You owe nobody."), "iOwe")
        self.owed_to_me = Section(
            bus, self.tr("Owed to me"), self.tr("Nobody owes you."), "owedToMe"
        )
        self.ious_empty = QLabel(self.tr("No open IOUs."))
        self.ious_empty.setObjectName("iousEmpty")
        self.ious_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for w in (self.ious_empty, self.i_owe, self.owed_to_me):
            self.ious_card.body.addWidget(w)

        self.followups_card = Card(self.tr("Follow-ups"), "followupsCard")
        self.overdue = Section(bus, self.tr("Overdue"), "", "overdue")
        self.due = Section(bus, self.tr("Due in the next 7 days"), "", "due")
        self.followups_empty = QLabel(self.tr("Nothing due this week, nothing overdue."))
        self.followups_empty.setObjectName("followupsEmpty")
        self.followups_empty.setWordWrap(True)
        self.followups_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for w in (self.followups_empty, self.overdue, self.due):
            self.followups_card.body.addWidget(w)

        self.touch_card = Card(self.tr("Due for a touch"), "touchCard")
        self.touch = Section(
            bus, "", self.tr("Everyone is up to date."), "touch", self.tr("Due for a touch")
        )
        self.touch_card.body.addWidget(self.touch)

        self.vetting_card = Card(self.tr("Vetting to review"), "vettingCard")
        self.revet = Section(
            bus, "", self.tr("No vetting is due for review."), "revet", self.tr("Vetting to review")
        )
        self.vetting_card.body.addWidget(self.revet)

        self.sources_card = Card(self.tr("Top referral sources"), "sourcesCard")
        self.sources_chart = BarList()
        self.sources_chart.setObjectName("sourcesChart")
        self.sources_chart.activated.connect(bus.open_contact)
        self.sources_empty = QLabel(self.tr("No referrals recorded yet."))
        self.sources_empty.setObjectName("sourcesEmpty")
        self.sources_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.sources_note = QLabel(
            self.tr("Credited value of won referrals anywhere down each person's chain.")
        )
        self.sources_note.setWordWrap(True)
        self.sources_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for w in (self.sources_chart, self.sources_empty, self.sources_note):
            self.sources_card.body.addWidget(w)

        self.list_cards = [
            self.followups_card,
            self.ious_card,
            self.touch_card,
            self.vetting_card,
            self.sources_card,
        ]

    def _make_layout(self) -> None:
        # Layout: the two ratio cards side by side, the lists in a reflowing grid.
        self.content = QWidget()
        self.content.setObjectName("dashboardContent")
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(16, 16, 16, 16)
        outer.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.ratio_card, 2)
        top.addWidget(self.months_card, 3)
        outer.addLayout(top)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        outer.addLayout(self.grid)
        outer.addStretch(1)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboardScroll")
        self.scroll.setAccessibleName(self.tr("Dashboard"))
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

    # --- layout ------------------------------------------------------------------------

    def columns_for(self, width: int) -> int:
        return max(1, min(3, (width - 32) // CARD_MIN_WIDTH))

    def columns(self) -> int:
        return self._columns

    def _reflow(self, width: int) -> None:
        columns = self.columns_for(width)
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.list_cards:
            self.grid.removeWidget(card)
        heights = [0] * columns
        # Fill the shortest column first, in order, so the columns end near each other.
        for card in self.list_cards:
            column = heights.index(min(heights))
            self.grid.addWidget(card, heights[column], column, Qt.AlignmentFlag.AlignTop)
            heights[column] += 1
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event) -> None:
        self._reflow(event.size().width())
        super().resizeEvent(event)

    # --- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        self.mark_fresh()
        data = dashboard_service.gather()
        self.data = data
        self._show_ratio(data)
        self._show_months(data)
        self._show_ious(data)
        self._show_followups(data)
        self._show_touch(data.touch_due)
        self._show_revet(data.revet_due)
        self._show_sources(data)

    def _show_ratio(self, data) -> None:
        bal = data.balance
        self.gauge.set_values(bal.ratio, bal.target, bal.given)
        target = format_target(bal.target)
        if bal.given == 0 and bal.received == 0:
            self.ratio_value.setText("–")
            words = self.tr(
                "No favors logged yet. The target is %1: give %2 for every one you take."
            )
            self.ratio_words.setText(words.replace("%1", target).replace("%2", f"{bal.target:g}"))
            return
        self.ratio_value.setText(bal.ratio_text())
        given = (
            self.tr("1 favor given")
            if bal.given == 1
            else self.tr("%1 favors given").replace("%1", f"{bal.given:,}")
        )
        counts = (
            self.tr("%1, %2 received; target %3.")
            .replace("%1", given)
            .replace("%2", f"{bal.received:,}")
            .replace("%3", target)
        )
        if bal.received == 0:
            verdict = self.tr("Nothing taken yet: you are all give.")
        elif bal.overdrawn:
            short = max(0, int(bal.target * bal.received + 0.999) - bal.given)
            verdict = self.tr("Below the target: give %1 more to reach it.").replace(
                "%1", f"{short:,}"
            )
        else:
            verdict = self.tr("At or above the target.")
        color = amber_text() if bal.overdrawn else green_text()
        self.ratio_value.setStyleSheet(f"color: {color};")
        self.ratio_words.setText(counts + " " + verdict)
        self.gauge.setAccessibleDescription(self.ratio_words.text())

    def _show_months(self, data) -> None:
        bars = []
        for m in data.months:
            year, month = m.month.split("-")
            label = self.locale().monthName(int(month), QLocale.FormatType.ShortFormat)
            bars.append(MonthBar(label, m.given, m.received))
        self.month_chart.set_data(bars, data.balance.target)
        self.month_chart.setAccessibleDescription(
            "; ".join(f"{b.label}: {format_ratio(None, b.given, b.received)}" for b in bars)
        )
        given = sum(m.given for m in data.months)
        received = sum(m.received for m in data.months)
        if not given and not received:
            self.months_note.setText(self.tr("No favors in the last 12 months."))
        else:
            self.months_note.setText(
                self.tr(
                    "Last 12 months: %1 given, %2 received. Dashed line: target. "
                    "Green: at or above it; amber: below; ∞: nothing taken."
                )
                .replace("%1", f"{given:,}")
                .replace("%2", f"{received:,}")
            )

    def _favor_entries(self, capped: Capped) -> list[Entry]:
        return [
            Entry(
                f.contact_id,
                f"{_day(f.occurred_on)}  {f.contact_name} — {f.description}",
                f"{f.contact_name}\n{_day(f.occurred_on)}\n{f.description}",
            )
            for f in capped.items
        ]

    def _show_ious(self, data) -> None:
        none = data.i_owe.total == 0 and data.owed_to_me.total == 0
        self.ious_empty.setVisible(none)
        self.i_owe.setVisible(not none)
        self.owed_to_me.setVisible(not none)
        self.i_owe.set_heading(self.tr("I owe (%1)").replace("%1", f"{data.i_owe.total:,}"))
        self.owed_to_me.set_heading(
            self.tr("Owed to me (%1)").replace("%1", f"{data.owed_to_me.total:,}")
        )
        self.i_owe.set_entries(self._favor_entries(data.i_owe), data.i_owe.total)
        self.owed_to_me.set_entries(self._favor_entries(data.owed_to_me), data.owed_to_me.total)

    def _followup_entries(self, capped: Capped) -> list[Entry]:
        return [
            Entry(
                f.contact_id,
                f"{_day(f.due_on)}  {f.contact_name} — {f.title}",
                f"{f.contact_name}\n{self.tr('Due')} {_day(f.due_on)}\n{f.title}",
            )
            for f in capped.items
        ]

    def _show_followups(self, data) -> None:
        none = data.overdue.total == 0 and data.due.total == 0
        self.followups_empty.setVisible(none)
        self.overdue.setVisible(data.overdue.total > 0)
        self.due.setVisible(data.due.total > 0)
        self.overdue.set_heading(self.tr("Overdue (%1)").replace("%1", f"{data.overdue.total:,}"))
        self.due.set_heading(
            self.tr("Due in the next 7 days (%1)").replace("%1", f"{data.due.total:,}")
        )
        self.overdue.set_entries(self._followup_entries(data.overdue), data.overdue.total)
        self.due.set_entries(self._followup_entries(data.due), data.due.total)

    def _show_touch(self, capped: Capped) -> None:
        title = self.tr("Due for a touch")
        if capped.total:
            title += f" ({capped.total:,})"
        self.touch_card.title.setText(title)
        entries = []
        for t in capped.items:
            days = (self.data.on - t.due_on).days if self.data else 0
            if days <= 0:
                when = self.tr("due today")
            elif days == 1:
                when = self.tr("1 day late")
            else:
                when = self.tr("%1 days late").replace("%1", f"{days:,}")
            entries.append(Entry(t.contact_id, f"{t.name} — {when}", f"{t.name}: {_day(t.due_on)}"))
        self.touch.set_entries(entries, capped.total)

    def _show_revet(self, capped: Capped) -> None:
        from favorbook.services.vetting import STATUS_LABELS

        title = self.tr("Vetting to review")
        if capped.total:
            title += f" ({capped.total:,})"
        self.vetting_card.title.setText(title)
        entries = [
            Entry(
                r.contact_id,
                f"{r.name} — {self.tr(STATUS_LABELS.get(r.status, r.status))}, "
                + self.tr("re-vet %1").replace("%1", _day(r.revet_on)),
            )
            for r in capped.items
        ]
        self.revet.set_entries(entries, capped.total)

    def _show_sources(self, data) -> None:
        sources = data.top_sources
        bars = []
        for s in sources:
            text = self.tr("%1 brought").replace("%1", f"{s.brought:,}")
            if s.won_value:
                text = f"{s.won_value:,.0f} · " + text
            bars.append(Bar(s.contact_id, s.name, s.won_value or float(s.brought), text))
        # Rank by value when any referral was won; else by how many each brought.
        if any(s.won_value for s in sources):
            for bar, s in zip(bars, sources, strict=True):
                bar.value = s.won_value
        self.sources_chart.set_bars(bars)
        self.sources_chart.setVisible(bool(bars))
        self.sources_note.setVisible(any(s.won_value for s in sources))
        self.sources_empty.setVisible(not bars)
