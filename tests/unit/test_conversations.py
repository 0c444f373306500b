"""The conversation log: the stay-in-touch clock, follow-ups and questions asked."""

import datetime as dt
import time

import pytest

from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import contacts, conversations, followups, questions
from favorbook.services.dates import local_date


def _days_ago(today, n):
    return today - dt.timedelta(days=n)


def test_logging_resets_the_stay_in_touch_clock(make_contact, today):
    ann = make_contact(cadence_days=30)
    assert contacts.get_contact(ann).touch_due_on == today + dt.timedelta(days=30)
    when = _days_ago(today, 40)
    conversations.log_conversation(ann, "outbound", "Catch-up", occurred_at=when)
    got = contacts.get_contact(ann)
    assert got.touch_due_on == when + dt.timedelta(days=30)
    assert local_date(got.last_interaction_at) == when
    assert ann in [t.contact_id for t in followups.stay_in_touch_due(today)]
    conversations.log_conversation(ann, "inbound", "They called", occurred_at=today)
    got = contacts.get_contact(ann)
    assert got.touch_due_on == today + dt.timedelta(days=30)
    assert local_date(got.last_interaction_at) == today
    assert ann not in [t.contact_id for t in followups.stay_in_touch_due(today)]


def test_logging_an_older_call_keeps_the_latest_interaction(make_contact, today):
    ann = make_contact(cadence_days=10)
    conversations.log_conversation(ann, "outbound", "Recent", occurred_at=_days_ago(today, 1))
    conversations.log_conversation(ann, "outbound", "Backfilled", occurred_at=_days_ago(today, 50))
    got = contacts.get_contact(ann)
    assert local_date(got.last_interaction_at) == _days_ago(today, 1)
    assert got.touch_due_on == _days_ago(today, 1) + dt.timedelta(days=10)


def test_follow_up_on_creates_an_open_follow_up(make_contact, today):
    ann = make_contact()
    due = today + dt.timedelta(days=3)
    conversations.log_conversation(
        ann, "outbound", "Pricing call\nlong notes here", follow_up_on=due
    )
    (fu,) = followups.open_followups(contact_id=ann)
    assert fu.due_on == due
    assert fu.title == "Pricing call"
    assert not fu.done
    conversations.log_conversation(
        ann, "inbound", "Another", follow_up_on=due.isoformat(), follow_up_title="Send the deck"
    )
    assert [f.title for f in followups.open_followups(contact_id=ann)] == [
        "Pricing call",
        "Send the deck",
    ]


def test_answers_are_recorded_as_questions_asked(make_contact, today):
    ann = make_contact()
    q1, q2 = [q.id for q in questions.list_questions()[:2]]
    conversations.log_conversation(
        ann,
        "in_person",
        "",
        occurred_at=_days_ago(today, 2),
        answers={q1: "Be home for dinner", q2: ""},
    )
    got = questions.answers_for(ann)
    assert {(a.question_id, a.answer) for a in got} == {(q1, "Be home for dinner"), (q2, "")}
    assert all(a.asked_on == _days_ago(today, 2) for a in got)
    # asked questions are not suggested again right away
    assert not {q1, q2} & {s.question_id for s in questions.suggest(ann, limit=50)}


def test_future_date_is_refused(make_contact, today):
    ann = make_contact(cadence_days=30)
    with pytest.raises(ValidationError) as info:
        conversations.log_conversation(
            ann, "outbound", "Not yet", occurred_at=today + dt.timedelta(days=3)
        )
    assert info.value.field == "occurred_at"
    assert conversations.list_conversations(ann) == []
    assert contacts.get_contact(ann).last_interaction_at is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"channel": "pigeon"}, "channel"),
        ({"summary": ""}, "summary"),
        ({"summary": "  "}, "summary"),
        ({"summary": "bad\x00"}, "summary"),
        ({"occurred_at": "next week"}, "occurred_at"),
        ({"follow_up_on": "soonish"}, "follow_up_on"),
    ],
)
def test_invalid_conversation_is_refused_and_nothing_stored(make_contact, kwargs, field):
    ann = make_contact()
    args = {"direction": "outbound", "summary": "Call", **kwargs}
    with pytest.raises(ValidationError) as info:
        conversations.log_conversation(ann, args.pop("direction"), args.pop("summary"), **args)
    assert info.value.field == field
    assert conversations.list_conversations() == []
    assert followups.open_followups() == []


def test_unknown_question_rolls_back_the_whole_log(make_contact, today):
    ann = make_contact()
    with pytest.raises(NotFoundError):
        conversations.log_conversation(
            ann, "outbound", "Call", follow_up_on=today, answers={99999: "?"}
        )
    assert conversations.list_conversations() == []
    assert followups.open_followups() == []


def test_inbound_share(make_contact, today):
    ann = make_contact()
    assert conversations.interaction_stats(ann).inbound_share is None
    for direction in ("inbound", "outbound", "outbound", "in_person"):
        conversations.log_conversation(ann, direction, "Talk", occurred_at=_days_ago(today, 1))
    stats = conversations.interaction_stats(ann)
    assert (stats.total, stats.inbound) == (4, 1)
    assert stats.inbound_share == 0.25
    assert local_date(stats.last_at) == _days_ago(today, 1)


def test_delete_recomputes_last_interaction(make_contact, today):
    ann = make_contact(cadence_days=30)
    created = local_date(contacts.get_contact(ann).created_at)
    older = conversations.log_conversation(ann, "outbound", "Old", occurred_at=_days_ago(today, 20))
    newer = conversations.log_conversation(ann, "outbound", "New", occurred_at=_days_ago(today, 2))
    conversations.delete_conversation(newer)
    got = contacts.get_contact(ann)
    assert local_date(got.last_interaction_at) == _days_ago(today, 20)
    assert got.touch_due_on == _days_ago(today, 20) + dt.timedelta(days=30)
    conversations.delete_conversation(older)
    got = contacts.get_contact(ann)
    assert got.last_interaction_at is None
    assert got.touch_due_on == created + dt.timedelta(days=30)
    assert conversations.list_conversations(ann) == []


def test_log_is_newest_first(make_contact, today):
    ann, bob = make_contact("Ann"), make_contact("Bob")
    first = conversations.log_conversation(ann, "outbound", "A", occurred_at=_days_ago(today, 9))
    second = conversations.log_conversation(bob, "inbound", "B", occurred_at=_days_ago(today, 1))
    assert [c.id for c in conversations.list_conversations()] == [second, first]
    assert [c.id for c in conversations.list_conversations(ann)] == [first]
    latest = conversations.list_conversations(limit=1)[0]
    assert (latest.contact_id, latest.contact_name) == (bob, "Bob Lee")


def test_aware_time_is_stored_in_utc(make_contact):
    ann = make_contact()
    local = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    cid = conversations.log_conversation(ann, "outbound", "Morning call", occurred_at=local)
    (view,) = conversations.list_conversations(ann)
    assert view.id == cid
    assert view.occurred_at == dt.datetime(2024, 5, 1, 16, 30)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize("day", [dt.date(2024, 5, 1), "2024-05-01", " 2024-05-01 "])
def test_a_day_without_time_stays_that_day_in_the_users_zone(make_contact, monkeypatch, day, zone):
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        ann = make_contact()
        conversations.log_conversation(ann, "outbound", "Call", occurred_at=day)
        (view,) = conversations.list_conversations(ann)
        assert local_date(view.occurred_at) == dt.date(2024, 5, 1)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_time_typed_without_a_zone_is_local_time(make_contact, monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        ann = make_contact(cadence_days=30)
        conversations.log_conversation(ann, "outbound", "Call", occurred_at="2024-05-01 18:00")
        (view,) = conversations.list_conversations(ann)
        assert view.occurred_at == dt.datetime(2024, 5, 2, 1, 0)  # stored in UTC
        assert contacts.get_contact(ann).touch_due_on == dt.date(2024, 5, 31)
    finally:
        monkeypatch.undo()
        time.tzset()
