"""Captures from the phone: the contact they name and the record the plain rules suggest."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.services import captures, contacts

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def people(make_contact):
    return {
        "margaret": make_contact("Margaret", "Oyelaran", organization="Northwind"),
        "karen": make_contact("Karen", "Lee", organization="Acme"),
        "karen2": make_contact("Karen", "Stone"),
        "bo": make_contact("Bo", "Diaz", organization="Diaz Plumbing"),
    }


@pytest.mark.parametrize(
    ("text", "who", "kind", "direction", "extra"),
    [
        (
            "Meg called: needs onboarding help, I'll do it today — IOU",
            "margaret",
            "favor",
            "given",
            "iou",
        ),
        ("Karen Lee called about the spring order", "karen", "conversation", "inbound", None),
        ("I called Bo about the invoice", "bo", "conversation", "outbound", None),
        ("Lunch with Oyelaran, she wants a printer", "margaret", "conversation", "in_person", None),
        ("Bo gave me a lead at Contoso", "bo", "favor", "received", "pay_forward"),
        ("I owe Karen Stone for the intro", "karen2", "favor", "received", "iou"),
        ("I sent Karen Lee the white paper", "karen", "favor", "given", "pay_forward"),
        ("Diaz Plumbing: they owe me for the referral", "bo", "favor", "given", "iou"),
        ("Send Bo the price list tomorrow", "bo", "followup", "", dt.date(2026, 12, 1)),
        (
            "Ask Northwind about references next week",
            "margaret",
            "followup",
            "",
            dt.date(2026, 12, 7),
        ),
    ],
)
def test_plain_rules(people, text, who, kind, direction, extra):
    s = captures.suggest(text, on=MONDAY)
    assert (s.contact_id, s.kind, s.direction) == (people[who], kind, direction)
    if kind == "favor":
        assert s.expectation == extra
    if kind == "followup":
        assert s.due_on == extra


def test_a_tie_goes_to_the_person_talked_to_last(people):
    from favorbook.services import conversations

    conversations.log_conversation(people["karen2"], "outbound", "Checked in")
    assert captures.guess_contact("Karen wants a call back")[0] == people["karen2"]


def test_nobody_named_leaves_the_contact_open(people):
    s = captures.suggest("Remember to order toner", on=MONDAY)
    assert s.contact_id is None and "no contact found" in s.describe()
    with pytest.raises(Exception, match="pick the contact"):
        captures.apply(s)


def test_a_nickname_kept_from_a_vcard_names_them(db, make_contact):
    from favorbook.db.models import Contact

    cid = make_contact("Robert", "Quill")
    Contact.update(vcard_extra="NICKNAME:Quilly").where(Contact.id == cid).execute()
    assert captures.guess_contact("quilly rang about the quote")[0] == cid


def test_applying_a_suggestion_writes_the_record(people):
    s = captures.suggest("Meg called: IOU for the onboarding help", on=dt.date.today())
    kind, rid = captures.apply(s)
    from favorbook.db.models import Favor

    favor = Favor.get_by_id(rid)
    assert kind == "favor" and favor.contact_id == people["margaret"]
    assert (favor.direction, favor.expectation) == ("given", "iou")
    assert contacts.get_contact(people["margaret"]).display_name == "Margaret Oyelaran"


def test_the_nickname_a_contact_has_names_them(db):
    """A card's NICKNAME is stored as the contact's nickname (since schema 6): the inbox
    looked for nicknames only among the vCard lines kept aside, and missed it."""
    cid = contacts.create_contact(
        contacts.ContactInput(first_name="Robert", last_name="Quill", nickname="Bobby, Quilly")
    )
    assert captures.guess_contact("quilly rang about the quote")[0] == cid
    assert captures.guess_contact("Bobby needs the price list")[0] == cid


def test_an_empty_inbox_reads_no_nicknames(db, make_contact):
    from favorbook.sync import inbox
    from tests.perf_guards import capture_sql

    make_contact("Robert", "Quill")
    with capture_sql() as ran:
        assert inbox.waiting() == []
    assert not [s for s in ran if "nickname" in s]  # every contact read for nothing
