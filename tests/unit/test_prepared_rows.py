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
    # The details, favors, referrals and vetting: prepared or plain SQL; what is left is
    # three small queries (conversations, their count, follow-ups).
    assert len(sql_made) <= 4, sql_made
