"""The favor ledger: every favor given and received, for all contacts or for one."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
)

from favorbook.errors import NotFoundError
from favorbook.services import favors
from favorbook.services.briefing import shared
from favorbook.services.changes import Change
from favorbook.services.dates import LATE_DAY, short_date
from favorbook.ui.contacts.detail import balance_advice
from favorbook.ui.records.record_list import (
    Column,
    RecordListWidget,
    RecordTableModel,
    contact_column,
    first_line,
)
from favorbook.ui.records.undo import (
    AcknowledgeFavorCommand,
    DeleteFavorCommand,
    SettleIouCommand,
    WriteOffIouCommand,
)
from favorbook.ui.shell.style import blue_text, green_text, warning_color

NEW_FAVOR_SHORTCUT = "Ctrl+Shift+F"


def kind_label(kind: str) -> str:
    """The kind without its explanation in brackets, for the column."""
    return favors.KIND_LABELS.get(kind, kind).split(" (")[0]


class LedgerModel(RecordTableModel):
    def __init__(self, with_contact: bool, parent=None) -> None:
        super().__init__([], parent)
        tr = self.tr
        self._arrows = {"given": tr("→ Given"), "received": tr("← Received")}
        self._expectations = {"iou": tr("IOU"), "pay_forward": tr("Pay it forward")}
        columns = [
            Column(
                "date",
                tr("Date"),
                lambda f: short_date(f.occurred_on),
                key=lambda f: (f.occurred_on, f.id),
                sample=short_date(LATE_DAY),
            ),
        ]
        if with_contact:
            columns.append(contact_column(tr, lambda f: f.id))
        columns += [
            Column(
                "direction",
                tr("Direction"),
                lambda f: self._arrows.get(f.direction, f.direction),
                key=lambda f: (f.direction, f.occurred_on, f.id),
                color=lambda f: QColor(green_text() if f.direction == "given" else blue_text()),
                sample="← Received",
            ),
            Column(
                "kind",
                tr("Kind"),
                lambda f: tr(kind_label(f.kind)),
                tip=lambda f: tr(favors.KIND_LABELS.get(f.kind, f.kind)),
                sample="Time and effort",
                optional=True,
            ),
            Column(
                "description",
                tr("Description"),
                lambda f: first_line(f.description),
                key=lambda f: f.description.casefold(),
                tip=self.description_tip,
            ),
            Column(
                "value",
                tr("Value"),
                lambda f: "●" * f.value + "○" * (5 - f.value),
                key=lambda f: (f.value, f.id),
                tip=lambda f: tr("Value %1 of 5").replace("%1", str(f.value)),
                sample="●●●●●",
                optional=True,
            ),
            Column(
                "expectation",
                tr("Expectation"),
                lambda f: self._expectations.get(f.expectation, f.expectation),
                sample="Pay it forward",
                optional=True,
            ),
            Column(
                "status",
                tr("Status"),
                self.status_text,
                tip=self.status_text,  # whole, when a narrow tab cuts it
                color=lambda f: warning_color() if f.is_open_iou else None,
                sample="Open IOU · acknowledged",
                # The description matters more: in a contact's tab the status gives way.
                least="Acknowledged",
            ),
        ]
        self.columns = columns

    def description_tip(self, f: favors.FavorView) -> str:
        kind = self.tr(favors.KIND_LABELS.get(f.kind, f.kind))
        expectation = self._expectations.get(f.expectation, f.expectation)
        value = self.tr("value %1 of 5").replace("%1", str(f.value))
        return f"{kind} · {expectation} · {value}\n\n{f.description}"

    def status_text(self, f: favors.FavorView) -> str:
        if f.expectation == "iou" and f.settled_by_id is not None:
            text = self.tr("Settled %1").replace(
                "%1", short_date(f.settled_on) if f.settled_on else ""
            )
        elif f.expectation == "iou" and f.written_off_on is not None:
            text = self.tr("Written off %1").replace("%1", short_date(f.written_off_on))
        elif f.expectation == "iou":
            text = self.tr("Open IOU")
        else:
            return self.tr("Acknowledged") if f.acknowledged else ""
        if f.acknowledged:
            text += " · " + self.tr("acknowledged")
        return text


class LedgerView(RecordListWidget):
    """The Favors page (``contact_id`` None) or a contact's Favors tab."""

    SHOWS = Change.FAVORS | Change.CONTACTS | Change.SETTINGS
    WRITES = Change.FAVORS

    PAGE_NAME = "favorList"
    LOADS_IN_BACKGROUND = True
    TAB_NAME = "contactFavorList"

    def list_title(self) -> str:
        return self.tr("Favors")

    newFavorRequested = Signal(object)
    """Open the favor form; carries the contact id, or None on the page."""
    settleByNewFavorRequested = Signal(int, str, int)  # noqa: N815 (Qt naming)
    """Open the favor form to log the favor paying back an IOU: contact, direction, IOU."""

    def __init__(
        self, bus, contact_id: int | None = None, parent=None, *, per_contact: bool = False
    ) -> None:
        super().__init__(bus, contact_id, parent, per_contact=per_contact)
        self.setObjectName("ledgerPage" if self.is_page else "contactLedger")
        self.balance_label = self.add_summary_label("balanceLabel")

        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("favorDirectionFilter")
        self.direction_combo.addItem(self.tr("Given and received"), None)
        self.direction_combo.addItem(self.tr("Given only"), "given")
        self.direction_combo.addItem(self.tr("Received only"), "received")
        self.open_only = QCheckBox(self.tr("Open IOUs only"))
        self.open_only.setObjectName("openIousOnly")
        self.filter_edit = self.make_filter_edit(
            "favorFilter",
            self.tr("Filter by description or contact…"),
            self.tr("Filter by description…"),
        )
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.direction_combo)
        filters.addWidget(self.open_only)
        self.header_layout.addLayout(filters)
        self.direction_combo.currentIndexChanged.connect(self.refresh_filter)
        self.open_only.toggled.connect(self.refresh_filter)

        self.new_action = self.make_action(
            self.tr("&Log favor…"), self._request_new, NEW_FAVOR_SHORTCUT
        )
        self.settle_action = self.make_action(self.tr("&Settle with…"), self.settle_selected)
        self.log_settling_text = self.tr("Log the favor that settles it")
        self.write_off_action = self.make_action(self.tr("&Write off"), self.write_off_selected)
        self.acknowledge_action = self.make_action(
            self.tr("Mark &acknowledged"), self.acknowledge_selected
        )
        self.delete_action = self.make_action(
            self.tr("&Delete"), self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.bar_layout.addStretch(1)
        self.context_actions = [
            self.settle_action,
            self.write_off_action,
            self.acknowledge_action,
            None,
            self.delete_action,
            None,
            self.new_action,
        ]
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.update_actions()

    # --- RecordListWidget ----------------------------------------------------------

    def make_model(self) -> LedgerModel:
        return LedgerModel(with_contact=self.is_page, parent=self)

    def load(self) -> list[favors.FavorView]:
        return favors.list_favors(self.contact_id)

    def records_to_load(self) -> int:
        return favors.count_favors()

    def load_first(self, limit: int) -> list[favors.FavorView]:
        return favors.list_favors(self.contact_id, limit=limit)

    def filter_predicate(self):
        direction = self.direction_combo.currentData()
        open_only = self.open_only.isChecked()
        text = self.filter_edit.text().strip().casefold()
        if not (direction or open_only or text):
            return None

        def keep(f: favors.FavorView) -> bool:
            if direction and f.direction != direction:
                return False
            if open_only and not f.is_open_iou:
                return False
            return (
                not text
                or text in f.description.casefold()
                or text in (f.contact_name.casefold() if self.is_page else "")
            )

        return keep

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No favor matches the filter.")
        shortcut = QKeySequence(NEW_FAVOR_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        text = (
            self.tr("No favors logged yet — Log favor… (%1)")
            if self.is_page
            else self.tr("No favors with this contact yet — Log favor… (%1)")
        )
        return text.replace("%1", shortcut)

    def after_refresh(self) -> None:
        if not self.is_page and self.contact_id is None:
            self.balance_label.clear()
            return
        bal = self._balance()
        target = favors.format_target(bal.target)
        parts = [
            self.tr("Given <b>%1</b>").replace("%1", f"{bal.given:,}"),
            self.tr("received <b>%1</b>").replace("%1", f"{bal.received:,}"),
            self.tr("give:take <b>%1</b> (target %2)")
            .replace("%1", escape(bal.ratio_text()))
            .replace("%2", target),
            self.tr("open IOUs: %1 owed to me, %2 I owe")
            .replace("%1", f"{bal.open_owed_to_me:,}")
            .replace("%2", f"{bal.open_i_owe:,}"),
        ]
        text = " · ".join(parts)
        if bal.overdrawn:
            text += " — " + balance_advice(bal)
        self.balance_label.setText(text)

    def _balance(self) -> favors.Balance:
        """The whole ledger's balance, or the contact's as their other tabs show it."""
        if self.contact_id is None:
            return favors.balance()
        try:
            return shared(self.contact_id).balance
        except NotFoundError:  # deleted meanwhile: an empty ledger
            return favors.balance(self.contact_id)

    def update_actions(self) -> None:
        f = self.current_record()
        has = f is not None
        self.settle_action.setEnabled(has and f.is_open_iou)
        self.write_off_action.setEnabled(has and f.is_open_iou)
        self.acknowledge_action.setEnabled(has and not f.acknowledged)
        self.delete_action.setEnabled(has)
        self.new_action.setEnabled(self.is_page or self.contact_id is not None)

    # --- actions -------------------------------------------------------------------

    def _request_new(self) -> None:
        self.newFavorRequested.emit(self.contact_id)

    def _request_settling_favor(self, iou: favors.FavorView) -> None:
        other = "received" if iou.direction == "given" else "given"
        self.settleByNewFavorRequested.emit(iou.contact_id, other, iou.id)

    def settle_candidates(self, iou: favors.FavorView) -> list[favors.FavorView]:
        """Favors in the other direction with the same person, newest first."""
        return [
            f
            for f in favors.list_favors(iou.contact_id)
            if f.direction != iou.direction and f.id != iou.id
        ]

    def settle_selected(self) -> None:
        iou = self.current_record()
        if iou is None or not iou.is_open_iou:
            return
        candidates = self.settle_candidates(iou)
        if not candidates:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Settle IOU"),
                (
                    self.tr("Nothing received from %1 yet to settle this IOU with.")
                    if iou.direction == "given"
                    else self.tr("Nothing given to %1 yet to settle this IOU with.")
                ).replace("%1", iou.contact_name),
                QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setObjectName("settleNothingBox")
            log = box.addButton(self.log_settling_text, QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(log)
            box.exec()
            if box.clickedButton() is log:
                self._request_settling_favor(iou)
            return
        labels = [
            f"{short_date(f.occurred_on)} — {first_line(f.description, 80)}" for f in candidates
        ]
        labels.append(self.log_settling_text + "…")
        label, ok = QInputDialog.getItem(
            self,
            self.tr("Settle IOU"),
            self.tr("Which favor pays back “%1”?").replace("%1", first_line(iou.description, 60)),
            labels,
            0,
            False,
        )
        if not ok or label not in labels:
            return
        if labels.index(label) == len(candidates):
            self._request_settling_favor(iou)
            return
        by = candidates[labels.index(label)]
        self.push(SettleIouCommand(self.bus, iou.id, by.id, iou.description))

    def write_off_selected(self) -> None:
        f = self.current_record()
        if f is not None and f.is_open_iou:
            self.push(WriteOffIouCommand(self.bus, f.id, f.description))

    def acknowledge_selected(self) -> None:
        f = self.current_record()
        if f is not None and not f.acknowledged:
            self.push(AcknowledgeFavorCommand(self.bus, f.id, f.description))

    def delete_selected(self) -> None:
        f = self.current_record()
        if f is not None:
            self.push(DeleteFavorCommand(self.bus, f.id, f.description))
