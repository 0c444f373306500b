"""The hot queries of the contact list, search and contact detail read through indexes.

No timings: SQLite's own plan says whether a query reads a whole table, and a
captured statement count says whether a screen runs a query per row. A scan that
costs nothing at 60 contacts costs seconds at 100,000.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from favorbook.db.models import db
from favorbook.sample import demo
from favorbook.services import (
    contacts,
    conversations,
    favors,
    followups,
    search,
    vetting,
)
from tests.perf_guards import assert_no_scans, capture_sql, on_a_sync_server, scans

FILTERS = [
    {},
    {"include_archived": True},
    {"archived_only": True},
    {"kind": "customer"},
    {"vetting_status": "trusted"},
    {"vetting_status": "unvetted"},
    {"tag": "golf"},
    {"touch_due_on": dt.date(2026, 11, 1)},
    {"overdrawn_target": 4.0},
]


@pytest.fixture
def network(db):
    demo.load(40, seed=5)
    return contacts.list_ids()


@pytest.mark.parametrize(
    ("order", "descending"), list(itertools.product([None, *search.ORDERS], [False, True]))
)
def test_the_list_reads_an_index_in_every_order_and_filter(network, order, descending):
    for options in FILTERS:
        sql, params = search.list_sql(order=order, descending=descending, **options)
        assert scans(sql, params) == [], (options, sql)


def test_a_keystroke_reads_the_full_text_index_and_nothing_whole(network):
    with capture_sql() as ran:
        for text in ("a", "an", "ann", "annika", "tag:golf an", "kind:customer a", "is:due b"):
            search.search_ids(text)
        search.search_ids("a", order="balance", descending=True)
        search.search_ids("b", filters=search.ListFilter(overdrawn=True, kind="customer"))
        search.search_ids("c", filters=search.ListFilter(vetting="trusted", touch_due=True))
    assert ran.selects
    assert_no_scans(ran)


def test_a_screenful_of_rows_and_the_counts_read_an_index(network):
    with capture_sql() as ran:
        contacts.rows(network[:200])
        contacts.count_contacts()
        contacts.count_contacts(include_archived=True)
        contacts.count_contacts(include_sample=False)
    assert_no_scans(ran)


def _open_detail(contact_id: int) -> None:
    """What the contact's Profile tab reads (ui.profile + ui.detail)."""
    contacts.get_contact(contact_id)
    favors.balance(contact_id)
    conversations.interaction_stats(contact_id)
    vetting.get(contact_id)
    favors.open_ious(contact_id=contact_id)
    conversations.list_conversations(contact_id, limit=3)
    followups.open_followups(contact_id=contact_id)


def test_opening_a_contact_reads_an_index(network):
    with capture_sql() as ran:
        _open_detail(network[7])
    assert ran.selects
    assert_no_scans(ran)


def _statements(action) -> int:
    with capture_sql() as ran:
        action()
    return len(ran)


def test_screens_run_the_same_number_of_queries_for_a_small_and_a_bigger_network(db):
    """A query per row would grow with the network; these stay the same."""
    counts = []
    for n in (15, 60):
        demo.load(n, seed=2)
        ids = contacts.list_ids()
        search.search_ids("")  # the list is cached per change; the first search fills it
        counts.append(
            (
                _statements(lambda ids=ids: contacts.rows(ids[:200])),
                _statements(lambda: search.search_ids("a", order="company")),
            )
        )
    assert counts[0] == counts[1]
    rows, keystroke = counts[0]
    assert rows <= 3 and keystroke <= 4


def test_opening_a_contact_runs_as_many_queries_with_a_long_history(db, make_contact, today):
    cid = make_contact("Hana", "Long", emails=[contacts.Labeled("hana@example.com")])
    favors.log_favor(cid, "given", "first", occurred_on=today)
    conversations.log_conversation(cid, "inbound", "hello")
    followups.add_followup(cid, today, "first")
    contacts.add_note(cid, "first")
    before = _statements(lambda: _open_detail(cid))
    for i in range(25):
        favors.log_favor(cid, "given", f"favor {i}", occurred_on=today, expectation="iou")
        conversations.log_conversation(cid, "outbound", f"call {i}")
        followups.add_followup(cid, today, f"follow-up {i}")
        contacts.add_note(cid, f"note {i}")
    assert _statements(lambda: _open_detail(cid)) == before <= 40


def test_the_list_is_counted_once_per_change(network, make_contact, today):
    # The names' mark, the count, the mark again (a commit meanwhile: not kept).
    assert _statements(contacts.count_contacts) == 3
    assert _statements(contacts.count_contacts) == 1  # only the mark
    before = contacts.count_contacts()
    favors.log_favor(network[0], "given", "an introduction", occurred_on=today)
    assert _statements(contacts.count_contacts) == 1  # nobody added, deleted or archived
    cid = make_contact("Ann", "Newcomer")
    assert contacts.count_contacts() == before + 1
    contacts.archive_contact(cid)
    assert contacts.count_contacts() == before
    assert contacts.count_contacts(include_archived=True) == before + 1


def test_the_list_in_name_order_outlasts_writes_that_change_no_name(network, today):
    """At 100,000 contacts every save read the whole list again (50 ms of the 90 ms a
    save held the window); a favor, a note, a call change nobody's place in it."""
    first = search.search_ids("")
    by_company = search.search_ids("", order="company")
    favors.log_favor(network[0], "given", "an introduction", occurred_on=today)
    contacts.add_note(network[1], "met at the fair")
    with capture_sql() as ran:
        assert search.search_ids("") == first
        assert search.search_ids("", order="company") == by_company
    assert len(ran.selects) == 2  # the names' mark, once a list
    contacts.update_contact(
        network[0], contacts.ContactInput(first_name="Aaron", last_name="Aardvark")
    )
    assert search.search_ids("")[0] == network[0]


def test_list_ids_follow_every_change(network, make_contact):
    """The cached list never shows stale data: a write invalidates it."""
    first = search.search_ids("")
    new = make_contact("Aaron", "Aardvark")
    assert search.search_ids("") == sorted([*first, new], key=lambda i: i != new)
    contacts.archive_contact(new)
    assert search.search_ids("") == first


def test_list_counts_are_kept_by_the_triggers(network, make_contact, today):
    cid = make_contact("Gina", "Counts")
    row = lambda: contacts.rows([cid])[cid]  # noqa: E731
    assert (row().given, row().received, row().next_followup) == (0, 0, None)
    given = favors.log_favor(cid, "given", "an introduction", occurred_on=today)
    favors.log_favor(cid, "received", "a part", occurred_on=today)
    assert (row().given, row().received) == (1, 1)
    favors.delete_favor(given)
    assert (row().given, row().received) == (0, 1)
    assert cid in search.search_ids("", filters=search.ListFilter(overdrawn=True))
    fu = followups.add_followup(cid, today, "call back")
    assert row().next_followup == today
    followups.complete(fu)
    assert row().next_followup is None


def test_the_guard_sees_a_scan_through_an_alias(network):
    assert scans("SELECT id FROM favor WHERE description = 'x'") == ["SCAN favor"]
    assert scans('SELECT "t1"."id" FROM "favor" AS "t1" WHERE "t1"."description" = ?', ["x"])
    assert scans("SELECT id FROM favor WHERE contact_id = 3") == []


def test_a_favor_logged_does_not_send_the_contact_card_again(db, make_contact, today):
    """The counts the list keeps on the contact are not in the vCard: sync ignores them."""
    from favorbook.db.models import db as database

    cid = make_contact("Sync", "Person")
    on_a_sync_server(cid)

    def dirty() -> int:
        return database.execute_sql("SELECT dirty FROM sync_item").fetchone()[0]

    favors.log_favor(cid, "given", "an introduction", occurred_on=today)
    assert dirty() == 0
    contacts.archive_contact(cid)  # an edit of the contact itself
    assert dirty() == 1


def _foreign_keys() -> list[tuple[str, str, str]]:
    """(table, column, table it points at) of every foreign key of the schema."""
    tables = [
        name
        for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return [
        (table, row[3], row[2])
        for table in tables
        for row in db.execute_sql(f'PRAGMA foreign_key_list("{table}")')
    ]


def test_every_foreign_key_is_followed_back_through_an_index(network):
    """Deleting a row makes SQLite find the rows pointing at it (to delete them or set
    their key to NULL): without an index on the pointing column, a scan of that table
    for every row deleted. Deleting one contact at 100,000 contacts took 1.5 s."""
    keys = _foreign_keys()
    assert len(keys) > 20
    unindexed = [
        f"{table}.{column} -> {target}"
        for table, column, target in keys
        if scans(f'SELECT 1 FROM "{table}" WHERE "{column}" = ?', [1], small=())
    ]
    assert unindexed == []
