"""The Favors and Conversations pages read their whole table in one pass, sorted by SQLite
afterwards: walking the date index in order fetched each row from wherever it lay (at
549,064 favors, 3.4 s against 1.6 s). Same rows, same order."""

from __future__ import annotations

import datetime as dt
import re

from favorbook.services import conversations, favors
from tests.perf_guards import capture_sql, plan


def _whole_table_statement(ran, table: str) -> str:
    (statement,) = [s for s in ran.selects if re.search(rf'FROM "?{table}"?\s', s)]
    return statement


def _walks_an_index(lines: list[str]) -> bool:
    return any(line.startswith("SCAN") and "INDEX" in line for line in lines)


def test_the_whole_ledger_is_read_in_one_pass_newest_first(db, make_contact):
    ann, bo = make_contact("Ann", "Lee"), make_contact("Bo", "Chan")
    day = dt.date(2026, 11, 2)
    made = [
        favors.log_favor(ann, "given", "intro", occurred_on=day),
        favors.log_favor(bo, "received", "lunch", occurred_on=day),
        favors.log_favor(ann, "received", "referral", occurred_on=day - dt.timedelta(days=3)),
        favors.log_favor(bo, "given", "advice", occurred_on=day + dt.timedelta(days=1)),
    ]
    with capture_sql() as ran:
        listed = favors.list_favors()
    assert [f.id for f in listed] == [made[3], made[1], made[0], made[2]]
    assert listed[0].occurred_on == day + dt.timedelta(days=1)
    assert listed[0].contact_name == "Bo Chan"
    lines = plan(_whole_table_statement(ran, "favor"))
    assert not _walks_an_index(lines), lines
    # A contact's own favors and the newest few still come through their indexes.
    assert [f.id for f in favors.list_favors(ann)] == [made[0], made[2]]
    assert [f.id for f in favors.list_favors(limit=2)] == [made[3], made[1]]


def test_the_whole_call_log_is_read_in_one_pass_newest_first(db, make_contact):
    ann = make_contact("Ann", "Lee")
    at = dt.datetime(2026, 11, 2, 9, 30)
    made = [
        conversations.log_conversation(ann, "outbound", "first", occurred_at=at),
        conversations.log_conversation(ann, "inbound", "same time", occurred_at=at),
        conversations.log_conversation(ann, "inbound", "later", occurred_at=at.replace(hour=11)),
    ]
    with capture_sql() as ran:
        listed = conversations.list_conversations()
    assert [c.id for c in listed] == [made[2], made[1], made[0]]
    lines = plan(_whole_table_statement(ran, "conversation"))
    assert not _walks_an_index(lines), lines
