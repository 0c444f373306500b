"""Vetting: whether the rep can stake their name on recommending someone."""

import datetime as dt

import pytest

from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import contacts, search, vetting


def test_unvetted_by_default(make_contact):
    ann = make_contact()
    view = vetting.get(ann)
    assert (view.status, view.status_label, view.trusted_for) == ("unvetted", "Unvetted", "")
    assert not any(view.criteria.values())
    assert vetting.status_of(ann) == "unvetted"


@pytest.mark.parametrize("trusted_for", [None, "", "   "])
def test_trusted_requires_what_for(make_contact, trusted_for):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        vetting.set_vetting(ann, "trusted", trusted_for=trusted_for)
    assert info.value.field == "trusted_for"
    assert vetting.status_of(ann) == "unvetted"


def test_decision_and_criteria_are_stored(make_contact, today):
    ann = make_contact()
    revet = today + dt.timedelta(days=180)
    vetting.set_vetting(
        ann,
        "Trusted",
        criteria={"keeps_promises": True, "references_checked": True},
        trusted_for="tax advice for small firms",
        revet_on=revet.isoformat(),
    )
    view = vetting.get(ann)
    assert view.status == "trusted"
    assert view.criteria == {
        "keeps_promises": True,
        "quality_of_work": False,
        "shares_principles": False,
        "references_checked": True,
    }
    assert view.trusted_for == "tax advice for small firms"
    assert view.revet_on == revet
    assert not view.revet_due(today)
    assert view.revet_due(revet)


def test_later_change_keeps_what_was_not_given(make_contact):
    ann = make_contact()
    vetting.set_vetting(ann, "trusted", criteria={"keeps_promises": True}, trusted_for="HVAC")
    vetting.set_vetting(ann, "in_review", criteria={"quality_of_work": True})
    view = vetting.get(ann)
    assert view.status == "in_review"
    assert view.criteria["keeps_promises"] and view.criteria["quality_of_work"]
    assert view.trusted_for == "HVAC"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "maybe"}, "status"),
        ({"status": "in_review", "criteria": {"is_nice": True}}, "criteria"),
        ({"status": "in_review", "revet_on": "someday"}, "revet_on"),
        ({"status": "trusted", "trusted_for": "bad\x00"}, "trusted_for"),
    ],
)
def test_invalid_vetting_is_refused(make_contact, kwargs, field):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        vetting.set_vetting(ann, **kwargs)
    assert info.value.field == field
    assert vetting.status_of(ann) == "unvetted"


def test_trusted_for_is_searchable(make_contact):
    ann = make_contact()
    vetting.set_vetting(ann, "trusted", trusted_for="emergency plumbing")
    assert search.search_ids("plumbing") == [ann]


def test_notes_with_who_vouched(make_contact, today):
    ann = make_contact("Ann", "Lee")
    carla = make_contact("Carla", "Voucher")
    vetting.add_note(
        ann,
        "Delivered on time",
        evidence="Asked the customer",
        vouched_by_id=carla,
        noted_on=today - dt.timedelta(days=5),
    )
    vetting.add_note(ann, "Strong references", vouched_by_name="A former boss", noted_on=today)
    first, second = vetting.get(ann).notes
    assert (first.body, first.vouched_by_id, first.vouched_by) == (
        "Strong references",
        None,
        "A former boss",
    )
    assert (second.body, second.evidence, second.vouched_by_id, second.vouched_by) == (
        "Delivered on time",
        "Asked the customer",
        carla,
        "Carla Voucher",
    )
    assert second.noted_on == today - dt.timedelta(days=5)


def test_empty_note_or_unknown_voucher_is_refused(make_contact):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        vetting.add_note(ann, "  ")
    assert info.value.field == "body"
    with pytest.raises(NotFoundError):
        vetting.add_note(ann, "Good", vouched_by_id=999)
    assert vetting.get(ann).notes == []


def test_revet_due_lists_due_ones_earliest_first(make_contact, today):
    late = make_contact("Lara", "Late")
    now = make_contact("Nico", "Now")
    future = make_contact("Fay", "Future")
    gone = make_contact("Gil", "Gone")
    never = make_contact("Ned", "Never")
    vetting.set_vetting(late, "trusted", trusted_for="HVAC", revet_on=today - dt.timedelta(days=9))
    vetting.set_vetting(now, "in_review", revet_on=today)
    vetting.set_vetting(
        future, "trusted", trusted_for="HVAC", revet_on=today + dt.timedelta(days=1)
    )
    vetting.set_vetting(gone, "in_review", revet_on=today - dt.timedelta(days=1))
    vetting.set_vetting(never, "not_recommended")
    contacts.archive_contact(gone)
    due = vetting.revet_due(today)
    assert [(d.contact_id, d.name, d.status) for d in due] == [
        (late, "Lara Late", "trusted"),
        (now, "Nico Now", "in_review"),
    ]


def test_changing_the_status_keeps_the_revet_date_unless_cleared(make_contact):
    bob = make_contact("Bob", "Builder")
    vetting.set_vetting(bob, "in_review", revet_on="2030-01-01")
    vetting.set_vetting(bob, "trusted", trusted_for="roofing")
    assert vetting.get(bob).revet_on == dt.date(2030, 1, 1)
    vetting.set_vetting(bob, "trusted", revet_on="")
    assert vetting.get(bob).revet_on is None


def test_list_vetted_puts_due_first_and_undated_last(make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    cy = make_contact("Cy", "Dale")
    vetting.set_vetting(ann, "in_review", revet_on=today + dt.timedelta(days=30))
    vetting.set_vetting(bo, "unvetted")
    vetting.set_vetting(cy, "trusted", trusted_for="tax", revet_on=today - dt.timedelta(days=1))
    assert [r.contact_id for r in vetting.list_vetted()] == [cy, ann, bo]
    assert vetting.list_vetted()[0].status_label == "Trusted"
