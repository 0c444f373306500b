"""A first page of search results is the start of the whole list, read from the list's
index in order: no sort of every id, and no more queries for more matches."""

from __future__ import annotations

import itertools

import pytest

from favorbook.sample import demo
from favorbook.services import contacts, search
from tests.perf_guards import capture_sql, plan

TEXTS = ["", "a", "an", "ann", "tag:golf an", "kind:customer a", "is:due b", "zzzz", "e e"]
FILTERS = [
    search.ListFilter(),
    search.ListFilter(include_archived=True),
    search.ListFilter(kind="customer"),
    search.ListFilter(overdrawn=True),
]


@pytest.fixture
def network(db):
    demo.load(80, seed=7)
    return contacts.list_ids()


@pytest.mark.parametrize("order", [None, *search.ORDERS])
def test_a_first_page_is_the_start_of_the_whole_list(network, order):
    for text, filters, descending, limit in itertools.product(
        TEXTS, FILTERS, (False, True), (1, 7, 30)
    ):
        options = {"filters": filters, "order": order, "descending": descending}
        whole = search.search_ids(text, **options)
        assert search.search_ids(text, limit=limit, **options) == whole[:limit], (
            text,
            filters,
            descending,
            limit,
        )


def test_a_page_of_many_matches_walks_the_list_index_in_order_and_stops(network):
    sql, params = search.list_sql(match='"a"*', limit=20)
    lines = plan(sql, params)
    assert any("USING COVERING INDEX contact_list" in line for line in lines), lines
    assert not any("TEMP B-TREE" in line for line in lines), lines
    assert sql.endswith("LIMIT ?")


def test_a_limited_search_never_lists_every_contact(network):
    """``favorbook search --limit 20`` reads a page: every statement it runs is bounded
    by a LIMIT or by the few matches the full-text index found (best match first)."""
    whole_list, _ = search.list_sql()
    with capture_sql() as ran:
        for text in ("", "a", "annika", "tag:golf"):
            search.search(text, limit=20)
    assert ran.selects
    for sql in ran.selects:
        assert sql != whole_list, sql
        assert "LIMIT" in sql or "MATCH" in sql or " IN (" in sql, sql


def test_a_page_costs_the_same_queries_for_few_and_many_matches(db):
    counts = []
    for n in (20, 90):
        demo.load(n, seed=3)
        with capture_sql() as ran:
            search.search_ids("e", limit=10)  # most contacts match
            search.search_ids("", limit=10)
        counts.append(len(ran.selects))
    assert counts[0] == counts[1] <= 4
