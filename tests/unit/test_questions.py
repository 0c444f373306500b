"""Call preparation: the starter bank, and which questions are worth asking now."""

import datetime as dt
import re

import pytest

from favorbook.errors import ValidationError
from favorbook.services import questions, referrals, session

CLOSED = re.compile(r"^(do|does|is|are|can|could|did|will|would|have|has)\b", re.I)


def _qid(text):
    return next(q.id for q in questions.list_questions() if q.text == text)


def test_starter_bank_is_seeded_with_open_questions(db):
    bank = questions.list_questions()
    assert len(bank) > 20
    assert len({q.purpose for q in bank}) >= 5
    assert all(q.builtin for q in bank)
    assert [q.text for q in bank if CLOSED.match(q.text)] == []
    assert all(q.text.endswith("?") for q in bank)


def test_starter_bank_is_not_duplicated_on_reopen(db):
    before = len(questions.list_questions())
    session.close()
    session.open_data(db.parent)
    assert len(questions.list_questions()) == before
    assert questions.ensure_starter_questions() == 0


def test_add_question_and_refuse_duplicates(db):
    qid = questions.add_question("  What would you change first?  ", "")
    added = next(q for q in questions.list_questions() if q.id == qid)
    assert (added.text, added.purpose, added.builtin) == (
        "What would you change first?",
        "Other",
        False,
    )
    with pytest.raises(ValidationError) as info:
        questions.add_question("What would you change first?", "Their goals")
    assert info.value.field == "text"
    starter = questions.STARTER[0][1]
    with pytest.raises(ValidationError):
        questions.add_question(starter, "Mine")
    with pytest.raises(ValidationError):
        questions.add_question("   ", "Mine")


def test_archived_question_is_neither_listed_nor_suggested(make_contact):
    ann = make_contact()
    top = questions.suggest(ann, limit=1)[0]
    questions.archive_question(top.question_id)
    assert top.question_id not in [q.id for q in questions.list_questions()]
    assert top.question_id in [q.id for q in questions.list_questions(include_archived=True)]
    assert top.question_id not in [s.question_id for s in questions.suggest(ann, limit=50)]


def test_recently_asked_questions_are_left_out(make_contact, today):
    ann = make_contact()
    recent = questions.add_question("What surprised you this month?", "Check-in")
    long_ago = questions.add_question("What changed since we last spoke?", "Catch-up")
    questions.record_answer(ann, recent, "Time", asked_on=today - dt.timedelta(days=30))
    questions.record_answer(ann, long_ago, "Luck", asked_on=today - dt.timedelta(days=200))
    offered = {s.question_id: s for s in questions.suggest(ann, on=today, limit=100)}
    assert recent not in offered
    assert long_ago in offered
    assert "last asked" in offered[long_ago].reason
    # 90 days after it was asked it comes back
    later = today + dt.timedelta(days=61)
    assert recent in [s.question_id for s in questions.suggest(ann, on=later, limit=100)]


def test_questions_filling_an_unknown_field_come_first(make_contact):
    no_goals = make_contact(
        "Ann", needs="A supplier", offers="Advice", how_met="Trade show", goals=""
    )
    picks = questions.suggest(no_goals, limit=2)
    assert [p.purpose for p in picks] == ["Their goals", "Their goals"]
    assert all("goals" in p.reason for p in picks)
    no_needs = make_contact("Bob", needs="", offers="Advice", how_met="Trade show", goals="Grow")
    picks = questions.suggest(no_needs, limit=4)
    assert all("their needs" in p.reason for p in picks)
    assert not any(p.purpose == "Their goals" for p in picks)


def test_at_most_two_per_purpose_and_limit_respected(make_contact):
    ann = make_contact()
    for limit in (1, 5, 10):
        picks = questions.suggest(ann, limit=limit)
        assert len(picks) == limit
        purposes = [p.purpose for p in picks]
        assert max(purposes.count(p) for p in purposes) <= 2
        assert len({p.question_id for p in picks}) == limit
    everything = questions.suggest(ann, limit=1000)
    assert len(everything) == 2 * len({q.purpose for q in questions.list_questions()})


def test_network_questions_rank_lower_once_they_referred_someone(make_contact):
    ann = make_contact(needs="x", goals="y", offers="z", how_met="w")
    friend = make_contact("Friend")
    network_before = [s for s in questions.suggest(ann, limit=100) if s.purpose == "Their network"]
    assert all("not referred anyone" in s.reason for s in network_before)
    referrals.record_inbound(ann, friend)
    network_after = [s for s in questions.suggest(ann, limit=100) if s.purpose == "Their network"]
    assert not any("not referred anyone" in s.reason for s in network_after)


def test_answers_for_newest_first(make_contact, today):
    ann = make_contact()
    q1 = _qid("What are you learning at the moment?")
    q2 = _qid("How do you prefer to stay in touch?")
    questions.record_answer(ann, q1, "Spanish", asked_on=today - dt.timedelta(days=10))
    questions.record_answer(ann, q2, "Email first", asked_on=today)
    got = questions.answers_for(ann)
    assert [(a.question_id, a.question, a.answer) for a in got] == [
        (q2, "How do you prefer to stay in touch?", "Email first"),
        (q1, "What are you learning at the moment?", "Spanish"),
    ]


def test_asked_counts_and_archived_ids(make_contact):
    ann = make_contact()
    bo = make_contact("Bo", "Chan")
    first, second = (q.id for q in questions.list_questions()[:2])
    questions.record_answer(ann, first, "a")
    questions.record_answer(bo, first, "b")
    questions.record_answer(ann, second)
    assert questions.asked_counts() == {first: 2, second: 1}
    questions.archive_question(second)
    assert questions.archived_ids() == {second}
