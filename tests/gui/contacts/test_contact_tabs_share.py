"""A contact's tabs render from one briefing: the second and later tabs shown read none of
the facts the first one read (no query per tab for the same contact, balance, IOUs...)."""

from __future__ import annotations

import datetime as dt

from favorbook.services import conversations, favors, followups, vetting
from favorbook.ui.calls.call_prep import CallPrep
from favorbook.ui.contacts.profile import ProfileTab
from favorbook.ui.network.matching import MatchPanel
from favorbook.ui.network.referrals_view import ReferralsTab
from favorbook.ui.network.vetting_view import VettingTab
from favorbook.ui.shell.wheel import WheelGuard
from tests.perf_guards import assert_no_scans, capture_sql


def test_the_tabs_of_one_contact_read_its_briefing_once(qtbot, bus, make_contact, today):
    source = make_contact("Rosa", "Brennan")
    ann = make_contact("Ann", "Lee", needs="castings", referred_by_id=source)
    favors.log_favor(ann, "given", "An introduction", expectation="iou")
    conversations.log_conversation(ann, "inbound", "A call", occurred_at=today)
    followups.add_followup(ann, today + dt.timedelta(days=1), "Send the list")
    vetting.set_vetting(ann, "in_review")
    tabs = [ProfileTab(bus), CallPrep(bus), ReferralsTab(bus), VettingTab(bus), MatchPanel(bus)]
    for tab in tabs:
        qtbot.addWidget(tab)
    with capture_sql() as first:
        tabs[0].show_contact(ann)
    assert_no_scans(first.selects)
    with capture_sql() as rest:
        for tab in tabs[1:]:
            tab.show_contact(ann)
    reads = [s for s in rest.selects if "data_version" not in s]
    # Only what no other tab shows: the people who can meet Ann's need.
    assert all("contact_fts" in s for s in reads), "\n".join(reads)


def test_the_wheel_guard_leaves_other_widgets_events_alone(qapp):
    """The wheel guard watches windows only; given anything else it answers before
    asking the event anything."""
    from PySide6.QtWidgets import QLabel

    class Untouchable:
        def type(self):
            raise AssertionError("asked for the type of an event of a label")

    assert WheelGuard().eventFilter(QLabel(), Untouchable()) is False


def test_the_favors_tab_reads_the_list_not_the_balance_again(qtbot, bus, make_contact):
    from favorbook.ui.records.ledger import LedgerView

    ann = make_contact("Ann", "Lee")
    favors.log_favor(ann, "received", "A lead")
    profile, ledger = ProfileTab(bus), LedgerView(bus, per_contact=True)
    qtbot.addWidget(profile)
    qtbot.addWidget(ledger)
    profile.show_contact(ann)
    with capture_sql() as ran:
        ledger.set_contact(ann)
        ledger.refresh()  # as when its tab is shown
    assert not [s for s in ran.selects if "GROUP BY" in s], "\n".join(ran.selects)
    assert "Overdrawn" in ledger.balance_label.text()


def test_a_list_answers_roles_it_has_no_use_for_without_reading_its_records(qapp):
    """A painted cell asks its model for some eight roles; background, check state and
    decoration are answered before the record is looked up."""
    from PySide6.QtCore import Qt

    from favorbook.ui.records.record_list import Column, RecordTableModel

    class Watched(RecordTableModel):
        def record(self, row):
            self.looked_up = getattr(self, "looked_up", 0) + 1
            return super().record(row)

    class Row:
        id = 7

    model = Watched([Column("name", "Name", lambda r: "Ann")])
    model.set_records([Row()])
    index = model.index(0, 0)
    for role in (
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.DecorationRole,
    ):
        assert model.data(index, role) is None
        assert model.data(index, role.value) is None
    assert getattr(model, "looked_up", 0) == 0
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "Ann"
    assert model.data(index) == "Ann"


def test_the_conversations_tab_counts_what_it_loaded(qtbot, bus, make_contact, today):
    from favorbook.ui.records.conversation_log import ConversationLog

    ann = make_contact("Ann", "Lee")
    conversations.log_conversation(ann, "inbound", "A call", occurred_at=today)
    conversations.log_conversation(ann, "outbound", "A reply", occurred_at=today)
    log = ConversationLog(bus, per_contact=True)
    qtbot.addWidget(log)
    log.set_contact(ann)
    with capture_sql() as ran:
        log.refresh()  # as when its tab is shown
    assert len(ran.selects) == 1, "\n".join(ran.selects)
    assert "2 conversations" in log.stats_label.text()
    assert "<b>50%</b> started by them (1 inbound)" in log.stats_label.text()
