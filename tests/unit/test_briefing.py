"""One contact's briefing: every fact the screens and the sheet show, cut to the limits asked,
read in a fixed number of queries and shared by the tabs until the data changes."""

import dataclasses
import datetime as dt

import pytest

from favorbook.errors import NotFoundError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    followups,
    questions,
    referrals,
    vetting,
)
from favorbook.services.briefing import SCREEN, Limits, briefing, shared
from tests.perf_guards import assert_no_scans, capture_sql


@pytest.fixture
def busy(make_contact, today):
    """A contact with more of everything than any limit below keeps."""
    top = make_contact("Top", "Source")
    mid = make_contact("Mid", "Source", referred_by_id=top)
    ann = make_contact("Ann", "Lee", referred_by_id=mid, needs="Castings", tags=["golf"])
    friend = make_contact("Friend", "Of Ann", referred_by_id=ann)
    for n in range(4):
        favors.log_favor(
            ann, "given", f"Gave {n}", expectation="iou", occurred_on=today - dt.timedelta(n)
        )
        favors.log_favor(
            ann, "received", f"Got {n}", expectation="iou", occurred_on=today - dt.timedelta(n)
        )
    for n in range(5):
        conversations.log_conversation(
            ann,
            "inbound" if n % 2 else "outbound",
            f"Talk {n}",
            occurred_at=today - dt.timedelta(days=10 * n),
            problems=f"Problem {n}",
        )
    for n in range(5):
        followups.add_followup(ann, today + dt.timedelta(days=n - 1), f"Follow up {n}")
    bank = questions.list_questions()
    for n in range(4):
        questions.record_answer(
            ann, bank[n].id, "" if n == 0 else f"Answer {n}", asked_on=today - dt.timedelta(n)
        )
    for n in range(4):
        contacts.add_note(ann, f"Note {n}", private=n == 1)
    vetting.set_vetting(ann, "trusted", trusted_for="castings")
    vetting.add_note(ann, "Delivered on time")
    return {"ann": ann, "mid": mid, "top": top, "friend": friend}


def test_a_briefing_holds_every_fact_of_the_screens(busy, today):
    b = briefing(busy["ann"])
    assert b.name == "Ann Lee" and b.contact.needs == "Castings" and b.contact.tags == ["golf"]
    assert b.contact.referred_by_name == "Mid Source"
    assert (b.balance.given, b.balance.received) == (4, 4)
    assert b.balance.advice() == favors.balance(busy["ann"]).advice()
    assert [f.description for f in b.open_ious] == [
        f.description for f in favors.open_ious(contact_id=busy["ann"])
    ]
    assert b.stats == conversations.interaction_stats(busy["ann"])
    assert [v.summary for v in b.conversations] == ["Talk 0", "Talk 1", "Talk 2"]
    assert b.conversations[0].problems == "Problem 0"
    assert [f.title for f in b.followups] == [f"Follow up {n}" for n in range(5)]
    assert b.followups[0].overdue(b.on) and not b.followups[1].overdue(b.on)
    assert b.chain == ((busy["mid"], "Mid Source"), (busy["top"], "Top Source"))
    assert [r.subject_id for r in b.referrals.brought] == [busy["friend"]]
    assert b.referrals == referrals.for_contact(busy["ann"])
    assert b.vetting == vetting.get(busy["ann"])
    assert list(b.suggestions) == questions.suggest(busy["ann"], on=today)
    assert list(b.answers) == questions.answers_for(busy["ann"])
    assert [n.body for n in b.notes] == [f"Note {n}" for n in (3, 2, 1, 0)]


def test_limits_cut_the_lists_and_keep_the_totals(busy):
    limits = Limits(conversations=2, ious=1, followups=3, questions=2, answers=2, notes=2, chain=1)
    b = briefing(busy["ann"], limits)
    assert len(b.conversations) == 2 and b.stats.total == 5
    assert [f.description for f in b.owed_to_me] == ["Gave 3"]
    assert [f.description for f in b.i_owe] == ["Got 3"]
    assert (b.owed_to_me_total, b.i_owe_total) == (4, 4)
    assert len(b.followups) == 3 and b.followups_total == 5
    assert len(b.suggestions) == 2
    assert len(b.answers) == 2 and b.answers_total == 4
    assert len(b.notes) == 2 and b.notes_total == 4
    assert b.chain == ((busy["mid"], "Mid Source"),)


def test_answered_only_leaves_out_questions_with_no_answer(busy):
    b = briefing(busy["ann"], Limits(answered_only=True))
    assert [a.answer for a in b.answers] == ["Answer 1", "Answer 2", "Answer 3"]


def test_private_notes_only_when_asked_for(busy):
    without = briefing(busy["ann"], Limits(include_private=False))
    assert [n.body for n in without.notes] == ["Note 3", "Note 2", "Note 0"]
    assert without.notes_total == 3
    assert not any(n.private for n in without.notes)
    assert "Note 1" in [n.body for n in briefing(busy["ann"], SCREEN).notes]


def test_the_photo_only_when_asked_for(make_contact):
    cid = make_contact()
    contacts.set_photo(cid, b"\x89PNG\r\n\x1a\n")
    assert briefing(cid).photo is None
    assert briefing(cid, Limits(photo=True)).photo == b"\x89PNG\r\n\x1a\n"


def test_a_briefing_is_frozen(busy):
    b = briefing(busy["ann"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.notes = ()  # type: ignore[misc]


def test_no_such_contact(db):
    with pytest.raises(NotFoundError):
        briefing(12345)
    with pytest.raises(NotFoundError):
        shared(12345)


def test_a_briefing_reads_in_a_fixed_number_of_queries_through_indexes(busy):
    with capture_sql() as ran:
        briefing(busy["ann"], Limits(photo=True))
    # The same count however many favors, talks, notes or referrals the person has.
    assert len(ran.selects) <= 24, "\n".join(ran.selects)
    assert_no_scans(ran.selects)


def test_tabs_share_one_reading_until_the_data_changes(busy):
    first = shared(busy["ann"])
    with capture_sql() as ran:
        again = shared(busy["ann"])
    assert again is first
    assert not ran.selects
    contacts.add_note(busy["ann"], "A new note")
    fresh = shared(busy["ann"])
    assert fresh is not first and fresh.notes[0].body == "A new note"
