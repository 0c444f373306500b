"""Deleting a contact can be undone with everything that belonged to it."""

import pytest

from favorbook.db.models import ALL_MODELS
from favorbook.errors import NotFoundError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    referrals,
    search,
    trash,
    vetting,
)


def _dump():
    return {m.__name__: sorted(map(repr, m.select().tuples())) for m in ALL_MODELS}


def test_delete_then_restore_gives_back_every_row(db, make_contact, today):
    ann = make_contact(
        "Ann",
        "Lee",
        organization="Acme",
        tags=["golf"],
        emails=[contacts.Labeled("ann@example.com", "work")],
    )
    bo = make_contact("Bo", "Chan", referred_by_id=ann)
    contacts.add_note(ann, "Met at the expo", private=True)
    given = favors.log_favor(ann, "given", "Intro to a buyer", occurred_on=today)
    iou = favors.log_favor(
        ann, "received", "Advice", expectation="iou", beneficiary_id=bo, occurred_on=today
    )
    favors.settle_iou(iou, given)
    conversations.log_conversation(
        ann, "inbound", "Budget talk", follow_up_title="Send deck", follow_up_on=today
    )
    vetting.set_vetting(ann, "trusted", trusted_for="carpet cleaning")
    vetting.add_note(ann, "Did our office well", vouched_by_id=bo)
    referrals.recommend(ann, bo)
    before = _dump()

    snap = trash.delete_contact(ann)
    assert search.search_ids("Lee") == []
    assert referrals.referred_by(bo) is None
    after_delete = _dump()
    assert after_delete != before

    trash.restore(snap)
    assert _dump() == before
    assert search.search_ids("golf") == [ann]
    with pytest.raises(NotFoundError):
        trash.restore(snap)
