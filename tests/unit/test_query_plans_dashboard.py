"""The dashboard at scale: its queries never walk a whole table, and its running totals
(favor_tally, kept by triggers) always agree with the ledger they summarise."""

from __future__ import annotations

import datetime as dt
import re

import pytest

# Tables that grow with the network; a dashboard query may read a range of their
# indexes, never all of one (a SCAN line in EXPLAIN QUERY PLAN).
BIG_TABLES = {
    "contact",
    "favor",
    "conversation",
    "followup",
    "vetting",
    "vetting_note",
    "referral",
    "note",
    "question_asked",
}


def executed_sql(action) -> list[tuple[str, object]]:
    """(sql, params) of every statement ``action()`` runs through the database."""
    from favorbook.db.models import db

    calls: list[tuple[str, object]] = []
    original = db.execute_sql

    def recording(sql, params=None, *args, **kw):
        calls.append((sql, params))
        return original(sql, params, *args, **kw)

    db.execute_sql = recording
    try:
        action()
    finally:
        db.execute_sql = original
    return calls


def full_scans(calls: list[tuple[str, object]]) -> list[str]:
    """The plan lines that scan a big table, with the statement they belong to."""
    from favorbook.db.models import db

    found = []
    for sql, params in calls:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        # peewee names its tables "t1", "t2", ...; the plan says the alias.
        aliases = dict((alias, table) for table, alias in re.findall(r'"(\w+)" AS "(\w+)"', sql))
        plan = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params or ()).fetchall()
        for row in plan:
            detail = row[-1]
            words = detail.split()
            if words[:1] == ["SCAN"] and aliases.get(words[1], words[1]) in BIG_TABLES:
                found.append(f"{detail}  <-  {sql}")
    return found


@pytest.fixture
def network(db, today):
    from favorbook.sample import demo

    demo.load(60, on=today)


def test_dashboard_queries_read_index_ranges_only(network, today):
    from favorbook.services import dashboard

    dashboard.gather(today)  # the referral credits are worked out once, then kept
    calls = executed_sql(lambda: dashboard.gather(today))
    assert calls
    assert full_scans(calls) == []


def test_dashboard_lists_start_from_their_own_rows_not_every_active_contact(network, today):
    """ "Not archived" matches nearly every contact: a plan that walks the contact list's
    index on it (archived_at=?) reads all 100,000 contacts to find six follow-ups."""
    from favorbook.db.models import db
    from favorbook.services import dashboard

    dashboard.gather(today)
    walks = []
    for sql, params in executed_sql(lambda: dashboard.gather(today)):
        if " JOIN " in sql.upper():
            plan = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params or ()).fetchall()
            walks += [f"{row[-1]}  <-  {sql}" for row in plan if "(archived_at=?)" in row[-1]]
    assert walks == []


def test_referral_credits_are_read_again_only_after_a_referral_changed(network, today):
    from favorbook.services import dashboard, referrals

    dashboard.gather(today)
    assert not any("FROM referral" in sql for sql, _ in executed_sql(dashboard.gather))
    from favorbook.services import contacts

    subject = referrals.top_sources(limit=None)[-1]
    before = {s.contact_id: s.brought for s in referrals.top_sources(limit=None)}

    newcomer = contacts.create_contact(contacts.ContactInput(first_name="New", last_name="Lead"))
    referrals.record_inbound(subject.contact_id, newcomer)
    after = {s.contact_id: s.brought for s in referrals.top_sources(limit=None)}
    assert after[subject.contact_id] == before[subject.contact_id] + 1


def test_dashboard_query_count_is_bounded(network, today):
    from favorbook.services import dashboard

    assert len(executed_sql(lambda: dashboard.gather(today))) <= 15


def _slow_balance():
    """The overall balance worked out from every favor row, as before the running totals."""
    from favorbook.services import favors

    return favors.balance(start=dt.date(1, 1, 1))


def test_running_totals_follow_every_change_to_the_ledger(db, make_contact, today):
    from favorbook.db.models import Favor
    from favorbook.services import favors, trash

    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    iou = favors.log_favor(ann, "given", "Intro", expectation="iou", value=3)
    back = favors.log_favor(ann, "received", "Lead", value=2)
    favors.settle_iou(iou, back)
    other = favors.log_favor(bob, "received", "Fixed the tap", expectation="iou")
    favors.log_favor(bob, "given", "Advice", occurred_on=today - dt.timedelta(days=400))
    assert favors.balance() == _slow_balance()
    favors.write_off(other)
    assert favors.balance() == _slow_balance()
    favors.undo_write_off(other)
    favors.unsettle(iou)
    assert favors.balance() == _slow_balance()
    assert favors.balance().open_owed_to_me == 1
    Favor.update(occurred_on=today - dt.timedelta(days=40), value=5).where(
        Favor.id == iou
    ).execute()
    favors.delete_favor(back)
    assert favors.balance() == _slow_balance()
    snapshot = trash.delete_contact(bob)
    assert favors.balance() == _slow_balance()
    assert favors.balance().given == 1
    trash.restore(snapshot)  # undo of the delete puts Bob's favors back
    assert favors.balance() == _slow_balance()
    assert favors.balance().received == 1


def test_a_deleted_contact_takes_its_favors_out_of_the_totals(db, make_contact):
    from favorbook.db.models import Contact
    from favorbook.services import favors

    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    favors.log_favor(ann, "given", "Intro", expectation="iou")
    favors.log_favor(bob, "received", "Lead")
    Contact.delete().where(Contact.id == bob).execute()  # the cascade removes Bob's favor
    assert favors.balance() == _slow_balance()
    assert (favors.balance().given, favors.balance().received) == (1, 0)


def test_month_chart_leaves_out_favors_dated_later_this_month(db, make_contact):
    from favorbook.services import favors

    ann = make_contact()
    day = dt.date(2026, 5, 10)
    favors.log_favor(ann, "given", "Before", occurred_on=dt.date(2026, 5, 3))
    favors.log_favor(ann, "given", "Ahead", occurred_on=dt.date(2026, 5, 20))
    favors.log_favor(ann, "received", "April", occurred_on=dt.date(2026, 4, 30))
    months = {m.month: (m.given, m.received) for m in favors.ratio_by_month(3, until=day)}
    assert months == {"2026-03": (0, 0), "2026-04": (0, 1), "2026-05": (1, 0)}
