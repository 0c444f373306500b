"""Referrals: one contact's links (who brought them, whom they brought, recommendations both
ways), and the page of all referrals and vetted people."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import referrals, vetting
from favorbook.services.briefing import shared
from favorbook.services.changes import NETWORK, Change
from favorbook.services.dates import short_date
from favorbook.services.session import describe_error
from favorbook.ui.calls.call_prep import (
    Section,
    WrapsToWidth,
    contact_link,
    fill_with_scroll,
    laid_out_once,
    muted,
    open_contact_link,
    section_title,
    text_label,
)
from favorbook.ui.forms.referral_form import OUTCOME_LABELS, ReferralDialog, ReferralOutcomeDialog
from favorbook.ui.records.record_list import BACKGROUND_FROM, RowsTableModel, read_only_table
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.style import warning_color, warning_red

if TYPE_CHECKING:
    from favorbook.ui.shell.worker import BackgroundRead

AnyIndex = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ReferralRow(WrapsToWidth, QWidget):
    """One referral: who, when, what came of it; buttons to set the outcome and mark thanks.

    Kept by its section and shown again for another referral (``set_view``)."""

    def __init__(self, tab: ReferralsTab) -> None:
        super().__init__()
        self.referral_id = 0
        self.tab = tab
        self.label = text_label(rich=True)
        self.label.linkActivated.connect(lambda link: open_contact_link(tab.bus, link))
        self.outcome_button = QPushButton(tab.tr("Outcome…"))
        self.outcome_button.setObjectName("outcomeButton")
        self.outcome_button.clicked.connect(lambda: tab.edit_outcome(self.referral_id))
        self.thanks = QCheckBox(tab.tr("Thanks sent"))
        self.thanks.setObjectName("thanksSent")
        self.thanks.toggled.connect(lambda on: tab.set_thanks(self.referral_id, on))
        buttons = QVBoxLayout()
        buttons.setSpacing(2)
        buttons.addWidget(self.outcome_button)
        buttons.addWidget(self.thanks)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)

    def set_view(self, view: referrals.ReferralView, html: str) -> None:
        tab = self.tab
        self.referral_id = view.id
        facts = [short_date(view.occurred_on), tab.tr(OUTCOME_LABELS.get(view.outcome, ""))]
        if view.value:
            facts.append(tab.tr("value %1").replace("%1", f"{view.value:,.0f}"))
        meta = " · ".join(escape(f) for f in facts)
        extra = ""
        if view.note:
            extra += f"<br><i>{escape(view.note)}</i>"
        if view.override_reason:
            extra += (
                f"<br><span style='color:{warning_red()}'>{escape(tab.tr('Not vetted; override:'))}"
                f"</span> {escape(view.override_reason)}"
            )
        self.label.setText(f"{html}<br><span>{meta}</span>{extra}")
        blocked = self.thanks.blockSignals(True)  # shown, not toggled by the user
        self.thanks.setChecked(view.thanks_sent)
        self.thanks.blockSignals(blocked)


class ReferralsTab(FollowsChanges, QWidget):
    """One contact's referrals. ``add_extra(widget)`` embeds another view (the referral graph)."""

    SHOWS = Change.REFERRALS | Change.CONTACTS

    # Rebuilt later: the change may come from a checkbox inside a row being rebuilt.
    DEFER_CHANGES = True

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralsTab")
        self.bus = bus
        self.contact_id: int | None = None
        self.dialog: QDialog | None = None
        self.rows: list[ReferralRow] = []

        self.record_button = QPushButton(self.tr("Record who referred them…"))
        self.record_button.setObjectName("recordReferrerButton")
        self.record_button.clicked.connect(self.record_referrer)
        self.recommend_to_button = QPushButton(self.tr("Recommend someone to them…"))
        self.recommend_to_button.setObjectName("recommendToButton")
        self.recommend_to_button.clicked.connect(self.recommend_to_them)
        self.recommend_them_button = QPushButton(self.tr("Recommend them to…"))
        self.recommend_them_button.setObjectName("recommendThemButton")
        self.recommend_them_button.clicked.connect(self.recommend_them)
        # Two rows: the three buttons side by side are wider than the tab at 1366 px and the
        # scroll area (no horizontal bar) would clip them and everything below.
        actions = QVBoxLayout()
        actions.setSpacing(4)
        for buttons in (
            (self.record_button,),
            (self.recommend_to_button, self.recommend_them_button),
        ):
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            row.addStretch(1)
            actions.addLayout(row)

        self.brought_by_section = Section(
            self.tr("Who brought them"),
            self.tr("Nobody recorded: they came to us directly, or it is not known."),
            "broughtBySection",
        )
        self.brought_section = Section(
            self.tr("Whom they brought"), self.tr("Nobody yet."), "broughtSection"
        )
        self.to_them_section = Section(
            self.tr("Whom we recommended to them"),
            self.tr("Nobody yet."),
            "recommendedToThemSection",
        )
        self.them_section = Section(
            self.tr("Whom we recommended them to"),
            self.tr("Nobody yet."),
            "recommendedThemSection",
        )
        self.extra_layout = QVBoxLayout()
        """An empty slot for another view of the contact's referrals (e.g. the graph)."""

        self.empty_label = muted(text_label(self.tr("Choose a contact to see their referrals.")))
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.addLayout(actions)
        inner.addWidget(self.empty_label)
        for section in self._sections():
            inner.addWidget(section)
        inner.addLayout(self.extra_layout)
        inner.addStretch(1)
        fill_with_scroll(self, content, self.tr("Referrals"))
        self.content = content
        self.follow_changes(bus)
        self.show_contact(None)

    def reload_view(self) -> None:
        self.show_contact(self.contact_id)

    def holds_change(self) -> bool:
        """A change while a dialog is open waits for the next show."""
        return self.dialog is not None and self.dialog.isVisible()

    def _sections(self) -> list[Section]:
        return [
            self.brought_by_section,
            self.brought_section,
            self.to_them_section,
            self.them_section,
        ]

    def add_extra(self, widget: QWidget) -> None:
        """Embed ``widget`` below the lists (it keeps its own show_contact, if any)."""
        self.extra_layout.addWidget(widget)
        widget.show()

    # --- filling -------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        with laid_out_once(self.content):
            self._show(contact_id)

    def _show(self, contact_id: int | None) -> None:
        self.contact_id = contact_id
        self.mark_fresh()
        self.rows = []
        for section in self._sections():
            section.clear()
            section.setVisible(contact_id is not None)
        self.empty_label.setVisible(contact_id is None)
        for button in (self.record_button, self.recommend_to_button, self.recommend_them_button):
            button.setEnabled(contact_id is not None)
        if contact_id is None:
            return
        try:
            self._fill(contact_id)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            self.show_contact(None)

    def _fill(self, contact_id: int) -> None:
        b = shared(contact_id)
        links, chain = b.referrals, b.chain
        if links.brought_by is not None:
            arrow = " ← "
            path = arrow.join(contact_link(c, name) for c, name in chain)
            html = f"{escape(self.tr('Brought by'))} {path}"
            if len(chain) > 1:
                html += f" <span>({escape(self.tr('nearest first'))})</span>"
            self._add(self.brought_by_section, links.brought_by, html)
        else:
            self.brought_by_section.show_empty()
        for view in links.brought:
            self._add(self.brought_section, view, contact_link(view.subject_id, view.subject))
        if not links.brought:
            self.brought_section.show_empty()
        for view in links.recommended_to_them:
            self._add(self.to_them_section, view, contact_link(view.subject_id, view.subject))
        if not links.recommended_to_them:
            self.to_them_section.show_empty()
        for view in links.recommended_them:
            self._add(self.them_section, view, contact_link(view.recipient_id, view.recipient))
        if not links.recommended_them:
            self.them_section.show_empty()

    def _add(self, section: Section, view: referrals.ReferralView, html: str) -> None:
        row = section.reuse("referral", lambda: ReferralRow(self))
        row.set_view(view, html)
        self.rows.append(row)

    # --- actions -------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._dialog_finished)
        dialog.open()

    def _dialog_finished(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.bus.message.emit(self.tr("Referral saved."))
            self.bus.changed.emit(Change.REFERRALS)
            self.show_contact(self.contact_id)

    def record_referrer(self) -> None:
        if self.contact_id is not None:
            self._open(ReferralDialog("inbound", self.contact_id, self))

    def recommend_to_them(self) -> None:
        if self.contact_id is not None:
            self._open(ReferralDialog("recommend", self.contact_id, self))

    def recommend_them(self) -> None:
        if self.contact_id is not None:
            self._open(ReferralDialog("recommend", None, self, subject_id=self.contact_id))

    def edit_outcome(self, referral_id: int) -> None:
        try:
            self._open(ReferralOutcomeDialog(referral_id, self))
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))

    def set_thanks(self, referral_id: int, sent: bool) -> None:
        try:
            referrals.mark_thanks(referral_id, sent)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            return
        self.bus.message.emit(
            self.tr("Marked: thanks sent.") if sent else self.tr("Marked: no thanks sent yet.")
        )
        self.bus.changed.emit(Change.REFERRALS)


# --- the page of all referrals and vetted people ------------------------------------------


class ReferralTableModel(RowsTableModel):
    """All referrals: date, kind, from, who, to, outcome, value, thanks."""

    DATE, KIND, SOURCE, SUBJECT, RECIPIENT, OUTCOME, VALUE, THANKS = range(8)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [
            self.tr("Date"),
            self.tr("Kind"),
            self.tr("From"),
            self.tr("Who"),
            self.tr("To"),
            self.tr("Outcome"),
            self.tr("Value"),
            self.tr("Thanks"),
        ]

    def reload(
        self,
        kind: str | None = None,
        *,
        pending_first: bool = False,
        rows: list[referrals.ReferralView] | None = None,
    ) -> None:
        """The referrals of ``kind`` (``rows`` when read already, for the same kind)."""
        rows = referrals.list_referrals(kind) if rows is None else list(rows)
        if pending_first:
            rows.sort(key=lambda r: r.outcome != "pending")  # stable: recent first within
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def referral(self, row: int) -> referrals.ReferralView | None:
        return self.row_at(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == self.DATE:
                return short_date(r.occurred_on)
            if c == self.KIND:
                return (
                    self.tr("Referred to us") if r.kind == "inbound" else self.tr("We recommended")
                )
            if c == self.SOURCE:
                return r.source if r.kind == "inbound" else self.tr("me")
            if c == self.SUBJECT:
                return r.subject
            if c == self.RECIPIENT:
                return self.tr("me") if r.kind == "inbound" else r.recipient
            if c == self.OUTCOME:
                return self.tr(OUTCOME_LABELS.get(r.outcome, r.outcome))
            if c == self.VALUE:
                return f"{r.value:,.0f}" if r.value else ""
            if c == self.THANKS:
                return self.tr("sent") if r.thanks_sent else ""
        elif role == Qt.ItemDataRole.TextAlignmentRole and c == self.VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ToolTipRole and (r.note or r.override_reason):
            tip = r.note
            if r.override_reason:
                tip += ("\n" if tip else "") + self.tr("Override: ") + r.override_reason
            return tip
        elif role == ID_ROLE:
            return r.id
        return None


class VettedTableModel(RowsTableModel):
    """People with a vetting record: name, status, trusted for, re-vet on (due first)."""

    NAME, STATUS, TRUSTED_FOR, REVET = range(4)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._today = dt.date.today()
        self._headers = [
            self.tr("Name"),
            self.tr("Status"),
            self.tr("Trusted for"),
            self.tr("Re-vet on"),
        ]

    def reload(self, rows: list[vetting.VettedRow] | None = None) -> None:
        """Everyone vetted (``rows`` when read already)."""
        self.beginResetModel()
        self._today = dt.date.today()
        self._rows = vetting.list_vetted() if rows is None else rows
        self.endResetModel()

    def person(self, row: int) -> vetting.VettedRow | None:
        return self.row_at(row)

    def due(self, row: int) -> bool:
        p = self.person(row)
        return p is not None and p.revet_on is not None and p.revet_on <= self._today

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        p = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == self.NAME:
                return p.name
            if c == self.STATUS:
                return self.tr(p.status_label)
            if c == self.TRUSTED_FOR:
                return p.trusted_for
            if c == self.REVET:
                if p.revet_on is None:
                    return ""
                text = short_date(p.revet_on)
                return text + "  " + self.tr("(due)") if self.due(index.row()) else text
        elif role == Qt.ItemDataRole.ForegroundRole and c == self.REVET and self.due(index.row()):
            return warning_color()
        elif role == ID_ROLE:
            return p.contact_id
        return None


SIZED_ROWS = 100
"""Rows a list of this page fits its columns to (with those in view)."""


def _table(model: QAbstractTableModel, name: str, stretch: int | None = None) -> QTableView:
    """Columns sized to their content each time the rows are listed (and then as the
    user drags them); the room left goes to column ``stretch`` (the one holding free
    text), or to the last one."""
    table = read_only_table(model)
    table.setObjectName(name)
    header = table.horizontalHeader()
    # Fitted to the first rows, not Qt's first thousand: a thousand rows of each list,
    # on every show, was a quarter of a second at 100,000 contacts. Fitted once a
    # listing, not kept fitted: that fitted them again at each layout, three times as
    # the list first showed (120 ms at 100,000 contacts).
    header.setResizeContentsPrecision(SIZED_ROWS)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    model.modelReset.connect(table.resizeColumnsToContents)
    return table


class ReferralsVettingPage(FollowsChanges, QWidget):
    """Every referral (recent first) and every vetted person (re-vet due first)."""

    SHOWS = NETWORK | Change.CONTACTS

    def __init__(self, bus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralsPage")
        self.bus = bus
        self.dialog: QDialog | None = None
        self._reader: BackgroundRead | None = None  # made for the first read on a worker

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("referralKindFilter")
        self.kind_filter.addItem(self.tr("All referrals"), None)
        self.kind_filter.addItem(self.tr("Referred to us"), "inbound")
        self.kind_filter.addItem(self.tr("Our recommendations"), "outbound")
        self.pending_first = QCheckBox(self.tr("Pending first"))
        self.pending_first.setObjectName("pendingFirst")
        self.outcome_button = QPushButton(self.tr("Outcome…"))
        self.outcome_button.setObjectName("outcomeButton")
        self.outcome_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(section_title(self.tr("Referrals")))
        bar.addSpacing(12)
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.pending_first)
        bar.addStretch(1)
        bar.addWidget(self.outcome_button)
        self.referral_model = ReferralTableModel(self)
        self.referral_table = _table(self.referral_model, "referralTable")
        self.referral_table.setAccessibleName(self.tr("Referrals"))
        self.referrals_empty = muted(
            text_label(
                self.tr(
                    "No referrals yet. Record who referred a contact, or recommend someone, "
                    "from the contact's Referrals tab."
                )
            )
        )
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.referral_table, 1)
        top_layout.addWidget(self.referrals_empty)

        self.vetted_model = VettedTableModel(self)
        self.vetted_table = _table(
            self.vetted_model, "vettedTable", stretch=VettedTableModel.TRUSTED_FOR
        )
        self.vetted_table.setAccessibleName(self.tr("Vetted people"))
        self.vetted_empty = muted(
            text_label(
                self.tr(
                    "Nobody vetted yet. Vet a person before you recommend them: open the "
                    "contact's Vetting tab."
                )
            )
        )
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(section_title(self.tr("Vetted people (re-vet due first)")))
        bottom_layout.addWidget(self.vetted_table, 1)
        bottom_layout.addWidget(self.vetted_empty)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        # No page title: the navigation names the page (no page of the window has one).
        layout.addWidget(splitter, 1)

        self.kind_filter.currentIndexChanged.connect(lambda _i: self._reload_referrals())
        self.pending_first.toggled.connect(lambda _on: self._reload_referrals())
        self.outcome_button.clicked.connect(self.edit_outcome)
        self.referral_table.activated.connect(self._referral_activated)
        self.vetted_table.activated.connect(self._vetted_activated)
        self.referral_table.selectionModel().selectionChanged.connect(
            lambda *_: self.outcome_button.setEnabled(self.selected_referral_id() is not None)
        )
        # Read on the first show, not while the window is being built (at 100,000
        # contacts every referral and vetting row is a lot to read before the list paints).
        self.follow_changes(bus, stale=True)
        # Neither "No referrals yet" nor "Nobody vetted yet" before the lists are read
        # (on a worker thread for a big network): they would say what is not known.
        self.referrals_empty.hide()
        self.vetted_empty.hide()

    def refresh(self) -> None:
        self.mark_fresh()
        if self.is_loading():  # read again once the reading under way is done
            self._reader.ask_again()
            return
        size = self.referral_model.rowCount() + self.vetted_model.rowCount()
        if (size or referrals.count_referrals() + vetting.count_vetted()) >= BACKGROUND_FROM:
            self._load_in_background()
            return
        self._show(None, None)

    def _load_in_background(self) -> None:
        """Both lists read on a worker thread (at 100,000 contacts, some 55,000 rows each):
        the window answers meanwhile, and shows the rows read before until then."""
        from favorbook.ui.shell.worker import BackgroundRead

        kind = self.kind_filter.currentData()
        if self._reader is None:
            self._reader = BackgroundRead(self, self._loaded, self.refresh)
        self._reader.start(lambda: (kind, referrals.list_referrals(kind), vetting.list_vetted()))

    def _loaded(self, result, error) -> None:
        if error is not None:  # said as a read on this thread says it
            self._show(None, None)
            return
        kind, referral_rows, vetted_rows = result
        self._show(referral_rows if kind == self.kind_filter.currentData() else None, vetted_rows)

    def is_loading(self) -> bool:
        """Whether the lists are being read on a worker thread."""
        return self._reader is not None and self._reader.running()

    def _show(self, referral_rows, vetted_rows) -> None:
        self._reload_referrals(referral_rows)
        self.vetted_model.reload(vetted_rows)
        has = self.vetted_model.rowCount() > 0
        self.vetted_table.setVisible(has)
        self.vetted_empty.setVisible(not has)

    def _reload_referrals(self, rows=None) -> None:
        if self.is_loading():  # the lists are being read: the filter holds then
            self._reader.ask_again()
            return
        selected = self.selected_referral_id()
        self.referral_model.reload(
            self.kind_filter.currentData(), pending_first=self.pending_first.isChecked(), rows=rows
        )
        has = self.referral_model.rowCount() > 0
        self.referral_table.setVisible(has)
        self.referrals_empty.setVisible(not has)
        # The referral selected before, found again (none selected: no row is looked at;
        # walking 54,948 of them for nothing was half of the page's longest pause).
        for row in range(self.referral_model.rowCount()) if selected is not None else ():
            if self.referral_model.referral(row).id == selected:
                self.referral_table.selectRow(row)
                break
        self.outcome_button.setEnabled(self.selected_referral_id() is not None)

    def selected_referral_id(self) -> int | None:
        rows = self.referral_table.selectionModel().selectedRows()
        r = self.referral_model.referral(rows[0].row()) if rows else None
        return r.id if r else None

    def _referral_activated(self, index: QModelIndex) -> None:
        r = self.referral_model.referral(index.row())
        if r is None:
            return
        # The column clicked says whom to open; elsewhere, the person referred.
        target = {
            ReferralTableModel.SOURCE: r.source_id,
            ReferralTableModel.RECIPIENT: r.recipient_id,
        }.get(index.column())
        self.bus.open_contact.emit(target or r.subject_id)

    def _vetted_activated(self, index: QModelIndex) -> None:
        p = self.vetted_model.person(index.row())
        if p is not None:
            self.bus.open_contact.emit(p.contact_id)

    def edit_outcome(self) -> None:
        referral_id = self.selected_referral_id()
        if referral_id is None:
            return
        try:
            self.dialog = ReferralOutcomeDialog(referral_id, self)
        except FavorbookError as exc:
            self.bus.message.emit(describe_error(exc))
            return
        self.dialog.finished.connect(self._dialog_finished)
        self.dialog.open()

    def _dialog_finished(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.bus.message.emit(self.tr("Referral outcome saved."))
            self.bus.changed.emit(Change.REFERRALS)
