"""The service pieces the list screens add: snapshots to undo deletes, follow-ups by state."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.db.models import Favor
from favorbook.errors import ValidationError
from favorbook.services import contacts, conversations, favors, followups, questions


def test_a_deleted_favor_comes_back_with_its_id_and_the_iou_it_settled(make_contact, today):
    ann = make_contact("Ann", "Lee")
    iou = favors.log_favor(ann, "given", "Found the part", expectation="iou")
    back = favors.log_favor(ann, "received", "Lent their van", settles_id=iou, value=3)
    before = favors.list_favors()
    snapshot = favors.favor_snapshot(back)
    favors.delete_favor(back)
    assert favors.open_ious(contact_id=ann)[0].id == iou
    assert favors.restore_favor(snapshot) == back
    assert favors.list_favors() == before
    assert favors.open_ious(contact_id=ann) == []


def test_a_favor_restored_after_its_id_was_reused_gets_a_new_one(make_contact):
    ann = make_contact("Ann", "Lee")
    first = favors.log_favor(ann, "given", "Sent the white paper")
    snapshot = favors.favor_snapshot(first)
    favors.delete_favor(first)
    reused = favors.log_favor(ann, "given", "Another favor")
    restored = favors.restore_favor(snapshot)
    assert restored != reused
    assert Favor.get_by_id(restored).description == "Sent the white paper"


def test_a_restored_conversation_gets_its_follow_ups_and_answers_back(make_contact, today):
    questions.ensure_starter_questions()
    question = questions.list_questions()[0]
    ann = make_contact("Ann", "Lee")
    talk = conversations.log_conversation(
        ann,
        "inbound",
        "She called",
        occurred_at=today,
        follow_up_on=today + dt.timedelta(days=2),
        answers={question.id: "Grow the second site"},
    )
    touch = contacts.get_contact(ann).touch_due_on
    snapshot = conversations.conversation_snapshot(talk)
    conversations.delete_conversation(talk)
    assert questions.answers_in_conversation(talk) == []
    assert conversations.restore_conversation(snapshot) == talk
    assert [a.answer for a in questions.answers_in_conversation(talk)] == ["Grow the second site"]
    assert len(followups.list_followups("all", conversation_id=talk)) == 1
    assert contacts.get_contact(ann).touch_due_on == touch


def test_follow_ups_by_state(make_contact, today):
    ann = make_contact("Ann", "Lee")
    late = followups.add_followup(ann, today - dt.timedelta(days=1), "Late")
    soon = followups.add_followup(ann, today + dt.timedelta(days=1), "Soon")
    done = followups.add_followup(ann, today, "Done")
    followups.complete(done)

    def ids(state):
        return [f.id for f in followups.list_followups(state)]

    assert ids("open") == [late, soon]
    assert ids("overdue") == [late]
    assert ids("done") == [done]
    assert ids("all") == [late, soon, done]
    with pytest.raises(ValidationError):
        followups.list_followups("someday")
