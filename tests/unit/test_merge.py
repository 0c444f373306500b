"""Merging two records of the same person keeps every favor, conversation, referral and note."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.db.models import (
    Contact,
    Conversation,
    Favor,
    FollowUp,
    Note,
    QuestionAsked,
    Referral,
    Vetting,
    VettingNote,
)
from favorbook.errors import ValidationError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    questions,
    referrals,
    search,
    vetting,
)
from favorbook.services.merge import merge_contacts


@pytest.fixture
def pair(db, make_contact):
    keep = make_contact(
        "Bob",
        "Stone",
        emails=[contacts.Labeled("bob@stone.example", "work")],
        tags=["golf"],
    )
    other = make_contact(
        "Robert",
        "Stone",
        organization="Stone Ltd",
        title="Owner",
        birthday="--03-04",
        emails=[contacts.Labeled("BOB@stone.example"), contacts.Labeled("rob@home.example")],
        phones=[contacts.Labeled("+1 415 555 0110", "mobile")],
        addresses=[contacts.Address("work", "1 Main St", "Springfield")],
        links=[contacts.Labeled("https://stone.example")],
        tags=["golf", "vip"],
        needs="A new supplier",
    )
    return keep, other


def test_merge_moves_everything_and_loses_nothing(pair, make_contact, today):
    keep, other = pair
    third = make_contact("Cy", "Young")
    fourth = make_contact("Dee", "Park")
    fav = favors.log_favor(other, "given", "Intro to a buyer", expectation="iou")
    fav2 = favors.log_favor(third, "given", "Lunch", beneficiary_id=other)
    conv = conversations.log_conversation(
        other, "inbound", "Called about the tender", follow_up_on=today, follow_up_title="Send it"
    )
    question = questions.list_questions()[0].id
    questions.record_answer(other, question, "Growth")
    referrals.record_inbound(third, other)  # third brought other to us
    referrals.record_inbound(other, fourth)  # other brought fourth
    vetting.set_vetting(other, "trusted", trusted_for="Plumbing", criteria={"keeps_promises": True})
    vetting.add_note(other, "Did the job well", vouched_by_id=third)
    vetting.add_note(third, "Vouched for by the other record", vouched_by_id=other)
    referrals.recommend(other, fourth)
    contacts.add_note(other, "Likes golf")
    contacts.add_note(other, "Private thing", private=True)
    contacts.set_photo(other, b"\x89PNG\r\n\x1a\nrest")
    counts_before = {m.__name__: m.select().count() for m in (Favor, Conversation, FollowUp)}

    result = merge_contacts(keep, other)

    assert not Contact.select().where(Contact.id == other).exists()
    d = contacts.get_contact(keep)
    assert (d.first_name, d.last_name) == ("Bob", "Stone")  # keep's own fields win
    assert (d.organization, d.title, d.birthday, d.needs) == (
        "Stone Ltd",
        "Owner",
        "--03-04",
        "A new supplier",
    )
    assert [e.value for e in d.emails] == ["bob@stone.example", "rob@home.example"]
    assert [p.value for p in d.phones] == ["+14155550110"]
    assert [a.city for a in d.addresses] == ["Springfield"]
    assert [k.value for k in d.links] == ["https://stone.example"]
    assert d.tags == ["golf", "vip"]
    assert {n.body for n in d.notes} == {"Likes golf", "Private thing"}
    assert d.referred_by_id == third
    assert contacts.photo_of(keep) == (b"\x89PNG\r\n\x1a\nrest", "image/png")
    assert Favor.get_by_id(fav).contact_id == keep
    assert Favor.get_by_id(fav2).beneficiary_id == keep
    assert Conversation.get_by_id(conv).contact_id == keep
    assert FollowUp.get(FollowUp.conversation == conv).contact_id == keep
    assert QuestionAsked.get(QuestionAsked.question == question).contact_id == keep
    assert referrals.referred_by(fourth) == keep
    assert Referral.get(Referral.kind == "outbound").subject_id == keep
    assert Vetting.get_by_id(keep).status == "trusted"
    assert VettingNote.get(VettingNote.body == "Did the job well").contact_id == keep
    assert VettingNote.get(VettingNote.contact == third).vouched_by_id == keep
    assert {m.__name__: m.select().count() for m in (Favor, Conversation, FollowUp)} == (
        counts_before
    )
    assert result.moved["favors"] == 1 and result.moved["conversations"] == 1
    assert favors.balance(keep).given == 1
    assert contacts.get_contact(keep).last_interaction_at is not None
    hits = search.search("rob@home.example")
    assert [h.id for h in hits] == [keep]
    assert search.search("Robert") == []


def test_better_informed_vetting_is_kept(pair):
    keep, other = pair
    vetting.set_vetting(keep, "in_review")
    vetting.set_vetting(other, "trusted", trusted_for="Roofing", criteria={"keeps_promises": True})
    merge_contacts(keep, other)
    row = Vetting.get_by_id(keep)
    assert (row.status, row.trusted_for, row.keeps_promises) == ("trusted", "Roofing", True)


def test_two_referrers_and_a_referral_between_them_become_notes(pair, make_contact):
    keep, other = pair
    a, b = make_contact("Al", "One"), make_contact("Bea", "Two")
    referrals.record_inbound(a, keep)
    referrals.record_inbound(b, other, occurred_on=dt.date(2024, 5, 1))
    referrals.recommend(keep, other, override_reason="same person")
    result = merge_contacts(keep, other)
    assert referrals.referred_by(keep) == a
    bodies = [n.body for n in Note.select().where(Note.contact == keep)]
    assert any("Bea Two" in body and "2024-05-01" in body for body in bodies)
    assert len(result.notes_written) == 2
    assert not Referral.select().where(Referral.recipient == Referral.subject).exists()


def test_merging_a_contact_with_itself_is_refused(pair):
    keep, _ = pair
    with pytest.raises(ValidationError):
        merge_contacts(keep, keep)


def test_merge_never_leaves_a_referral_circle(pair, make_contact):
    keep, other = pair
    x = make_contact("Xa", "Vier")
    referrals.record_inbound(keep, x)  # keep brought x
    referrals.record_inbound(x, other)  # x brought other: after the merge, a circle
    result = merge_contacts(keep, other)
    assert referrals.referred_by(x) == keep
    assert referrals.referred_by(keep) is None
    assert any("circle" in text for text in result.notes_written)
