"""Queries whose SQL peewee makes once (``prepared_rows``): the same rows as making it anew,
any argument, and opening a contact's briefing leaves peewee little SQL to write."""

from __future__ import annotations

import peewee
import pytest

from favorbook.db.models import Contact
from favorbook.services import _common, favors
from favorbook.services._common import prepared_rows, raw_rows
from favorbook.services.briefing import briefing


def _by_name(name: str):
    return Contact.select(Contact.id).where(Contact.display_name == name)


def test_prepared_rows_are_the_rows_of_the_query_for_each_argument(make_contact):
    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    for name, wanted in (("Ann Lee", ann), ("Bob Ray", bob), ("Nobody", None)):
        got = list(prepared_rows("test.by_name", _by_name, name))
        assert got == list(raw_rows(_by_name(name)))
        assert got == ([(wanted,)] if wanted else [])


def test_a_query_that_does_not_pass_its_argument_through_is_made_each_time(make_contact):
    ann = make_contact("Ann", "Lee")

    def around(contact_id: int):  # a parameter made from the argument, not the argument
        return Contact.select(Contact.id).where(Contact.id.in_([contact_id, contact_id + 1]))

    assert list(prepared_rows("test.around", around, ann)) == [(ann,)]
    assert _common._prepared["test.around"] is None
    assert list(prepared_rows("test.around", around, ann - 1)) == [(ann,)]


@pytest.fixture
def sql_made(monkeypatch):
    """What peewee wrote SQL for: queries run by peewee, and those made into text."""
    made: list[str] = []
    real_sql, real_execute = peewee.BaseQuery.sql, peewee.Database.execute

    def sql(query):
        made.append(type(query).__name__)
        return real_sql(query)

    def execute(database, query, **context):
        made.append(type(query).__name__)
        return real_execute(database, query, **context)

    monkeypatch.setattr(peewee.BaseQuery, "sql", sql)
    monkeypatch.setattr(peewee.Database, "execute", execute)
    return made


def test_a_briefing_leaves_peewee_little_sql_to_write(make_contact, sql_made):
    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    favors.log_favor(ann, "given", "An introduction", expectation="iou")
    briefing(ann)  # the first one makes the prepared statements
    sql_made.clear()
    briefing(bob)
    # Every query prepared or plain SQL: peewee writes none (it took ~1.5 ms a contact for
    # the conversations, their count and the follow-ups).
    assert sql_made == []


def test_the_lists_of_a_contact_s_tabs_leave_peewee_no_sql_to_write(make_contact, sql_made, today):
    """The Favors, Conversations and Follow-ups tabs of a contact: their lists' SQL made
    once, the same rows as before for each contact and state."""
    from favorbook.services import conversations, followups

    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    for who in (ann, bob):
        conversations.log_conversation(who, "inbound", "A call", occurred_at=today)
        done = followups.add_followup(who, today, "Call back")
        followups.complete(done)
        followups.add_followup(who, today, "Send the list")

    def lists(who):
        return (
            favors.list_favors(who),
            conversations.list_conversations(who),
            conversations.list_conversations(who, limit=3),
            conversations.interaction_stats(who),
            *(followups.list_followups(state, contact_id=who) for state in ("open", "done", "all")),
        )

    first = lists(ann)
    sql_made.clear()
    second = lists(bob)
    assert sql_made == []
    assert [[v.title for v in got] for got in second[4:]] == [
        ["Send the list"],
        ["Call back"],
        ["Send the list", "Call back"],
    ]
    assert [v.contact_id for v in second[1]] == [bob] and second[3].total == 1
    assert [v.contact_id for v in first[1]] == [ann]
