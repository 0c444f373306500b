"""The dashboard's figures, gathered in one call, agree with the services they summarise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from favorbook.services import conversations, dashboard, favors, followups, referrals, vetting


@dataclass
class Network:
    ann: int
    ben: int
    cat: int
    dan: int
    eve: int


def build_network(make_contact, today: dt.date) -> Network:
    """A small known network: favors both ways with an open IOU each way, an overdue and a
    coming follow-up, a contact due for a touch, a re-vet due and a referral chain."""
    ann = make_contact("Ann", "Archer")
    ben = make_contact("Ben", "Baker")
    cat = make_contact("Cat", "Carter")
    dan = make_contact("Dan", "Dunn")
    eve = make_contact("Eve", "Evans", cadence_days=30)
    favors.log_favor(ann, "given", "Introduced Ann to a printer", occurred_on=today)
    favors.log_favor(ann, "given", "Sent the white paper", occurred_on=today)
    favors.log_favor(
        ann, "given", "Found the part she needed", occurred_on=today, expectation="iou"
    )
    favors.log_favor(
        ben, "received", "Lent us the meeting room", occurred_on=today, expectation="iou"
    )
    followups.add_followup(cat, today - dt.timedelta(days=3), "Send the case study")
    followups.add_followup(dan, today + dt.timedelta(days=2), "Call about the renewal")
    conversations.log_conversation(
        eve, "outbound", "Catch-up call", occurred_at=today - dt.timedelta(days=100)
    )
    vetting.set_vetting(
        dan, "trusted", trusted_for="tax advice", revet_on=today - dt.timedelta(days=1)
    )
    referrals.record_inbound(ann, ben, occurred_on=today)
    first = referrals.record_inbound(ben, cat, occurred_on=today)
    referrals.set_outcome(first, "won", 5000)
    return Network(ann, ben, cat, dan, eve)


def test_gather_matches_the_services(make_contact, today):
    net = build_network(make_contact, today)
    data = dashboard.gather(today)

    assert (data.balance.given, data.balance.received) == (3, 1)
    assert data.balance.ratio == 3.0
    assert data.months[-1].month == today.strftime("%Y-%m")
    assert (data.months[-1].given, data.months[-1].received) == (3, 1)
    assert len(data.months) == 12
    assert [f.contact_id for f in data.i_owe.items] == [net.ben]
    assert [f.contact_id for f in data.owed_to_me.items] == [net.ann]
    assert [f.contact_id for f in data.overdue.items] == [net.cat]
    assert [f.contact_id for f in data.due.items] == [net.dan]
    assert [t.contact_id for t in data.touch_due.items] == [net.eve]
    assert data.touch_due.total == 1
    assert [r.contact_id for r in data.revet_due.items] == [net.dan]
    # Ben brought Cat (won); Ann brought Ben and is credited with Cat's win down the chain.
    assert [(s.contact_id, s.brought, s.won_value) for s in data.top_sources] == [
        (net.ann, 2, 5000.0),
        (net.ben, 1, 5000.0),
    ]


def test_lists_are_capped_and_counted(make_contact, today):
    for i in range(9):
        cid = make_contact("Pat", f"Number{i}")
        followups.add_followup(cid, today - dt.timedelta(days=i + 1), f"Task {i}")
    data = dashboard.gather(today, cap=4)
    assert len(data.overdue.items) == 4
    assert data.overdue.total == 9
    assert data.overdue.more == 5
    # The most overdue come first.
    assert data.overdue.items[0].title == "Task 8"


def test_empty_database(db, today):
    data = dashboard.gather(today)
    assert data.balance.given == data.balance.received == 0
    assert all(m.given == m.received == 0 for m in data.months)
    for capped in (data.i_owe, data.owed_to_me, data.overdue, data.due, data.touch_due):
        assert capped.items == [] and capped.total == 0
    assert data.top_sources == []


def test_query_count_does_not_grow_with_the_data(make_contact, today):
    from favorbook.db.models import db as database

    def count_queries() -> int:
        calls = []
        original = database.execute_sql

        def counting(*args, **kw):
            calls.append(args[0])
            return original(*args, **kw)

        database.execute_sql = counting
        try:
            dashboard.gather(today)
        finally:
            database.execute_sql = original
        return len(calls)

    build_network(make_contact, today)
    small = count_queries()
    for i in range(20):
        cid = make_contact("Extra", f"Person{i}")
        favors.log_favor(cid, "given", "Advice", expectation="iou", occurred_on=today)
        followups.add_followup(cid, today - dt.timedelta(days=2), "Overdue thing")
    # The same or fewer (the referral credits are kept until the referrals change).
    assert count_queries() <= small
    assert small <= 15


def test_matched_words_explain_a_match():
    from favorbook.services.matching import matched_words

    assert matched_words("a tax accountant", "Tax accounting for small firms") == [
        "tax",
        "accounting",
    ]
    assert matched_words("a plumber", "Tax accounting") == []
