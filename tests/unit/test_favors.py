"""The favor ledger: balance against the target ratio, IOUs and their settling."""

import datetime as dt

import pytest

from favorbook.errors import ValidationError
from favorbook.services import contacts, favors, settings


def _give(cid, n=1, **kw):
    return [favors.log_favor(cid, "given", f"Gave {i}", **kw) for i in range(n)]


def _take(cid, n=1, **kw):
    return [favors.log_favor(cid, "received", f"Got {i}", **kw) for i in range(n)]


def test_balance_counts_values_and_ratio(make_contact):
    ann, bob = make_contact("Ann"), make_contact("Bob")
    _give(ann, 6, value=2)
    _take(ann, 2, value=5)
    _give(bob, 2)
    whole = favors.balance()
    assert (whole.given, whole.received) == (8, 2)
    assert (whole.given_value, whole.received_value) == (14, 10)
    assert whole.ratio == 4.0
    assert whole.ratio_text() == "4.0:1"
    one = favors.balance(ann)
    assert (one.given, one.received, one.ratio) == (6, 2, 3.0)
    assert one.overdrawn  # 6 < 4 * 2


def test_ratio_is_none_while_nothing_was_received(make_contact):
    ann = make_contact()
    assert favors.balance(ann).ratio is None
    assert favors.balance(ann).ratio_text() == "no favors yet"
    _give(ann, 3)
    bal = favors.balance(ann)
    assert bal.ratio is None
    assert bal.ratio_text() == "nothing received yet"
    assert not bal.overdrawn


def test_one_ratio_format():
    assert favors.format_ratio(7 / 3, 7, 3) == "2.3:1"
    assert favors.format_ratio(None, 7, 3) == "2.3:1"
    assert favors.format_ratio(3.0, 3, 1) == "3.0:1"
    assert favors.format_ratio(None, 0, 2) == "0.0:1"
    assert favors.format_ratio(None, 5, 0) == "nothing received yet"
    assert favors.format_ratio(None, 0, 0) == "no favors yet"
    assert favors.format_ratio(None, 5, 0, short=True) == "∞"
    assert favors.format_ratio(None, 0, 0, short=True) == ""
    assert favors.format_ratio(None, 7, 3, short=True) == "2.3:1"


def test_targets_drop_a_needless_decimal():
    assert favors.format_target(4.0) == "4:1"
    assert favors.format_target(4) == "4:1"
    assert favors.format_target(4.5) == "4.5:1"
    assert favors.format_target(2.25) == "2.25:1"


def test_balance_between_dates(make_contact, today):
    ann = make_contact()
    favors.log_favor(ann, "given", "Old", occurred_on=today - dt.timedelta(days=400))
    favors.log_favor(ann, "given", "Recent", occurred_on=today - dt.timedelta(days=10))
    bal = favors.balance(ann, start=today - dt.timedelta(days=30), end=today)
    assert bal.given == 1


def test_target_comes_from_settings(make_contact):
    ann = make_contact()
    assert favors.balance().target == 4.0
    _give(ann, 3)
    _take(ann, 1)
    assert favors.balance(ann).overdrawn
    settings.set_target_ratio(2.5)
    assert favors.balance().target == 2.5
    assert not favors.balance(ann).overdrawn
    assert favors.overdrawn_contacts() == []


@pytest.mark.parametrize("bad", ["four", "", None, 0, -1, 1000])
def test_invalid_target_is_refused(db, bad):
    with pytest.raises(ValidationError) as info:
        settings.set_target_ratio(bad)
    assert info.value.field == "target_ratio"
    assert favors.balance().target == 4.0


def test_open_ious_both_ways(make_contact):
    ann, bob = make_contact("Ann"), make_contact("Bob")
    owed_to_me = favors.log_favor(ann, "given", "Found the part", expectation="iou")
    i_owe = favors.log_favor(bob, "received", "Lent the room", expectation="IOU")
    favors.log_favor(ann, "given", "Pay it forward")
    assert [f.id for f in favors.open_ious("given")] == [owed_to_me]
    assert [f.id for f in favors.open_ious("received")] == [i_owe]
    assert {f.id for f in favors.open_ious()} == {owed_to_me, i_owe}
    assert [f.id for f in favors.open_ious(contact_id=bob)] == [i_owe]
    # each IOU says whose it is, so the list can open that person
    assert {(f.contact_id, f.contact_name) for f in favors.open_ious()} == {
        (ann, "Ann Lee"),
        (bob, "Bob Lee"),
    }
    bal = favors.balance()
    assert (bal.open_owed_to_me, bal.open_i_owe) == (1, 1)


def test_iou_is_settled_by_a_favor_back_from_the_same_person(make_contact, today):
    ann = make_contact()
    iou = favors.log_favor(ann, "given", "Found the part", expectation="iou")
    back = favors.log_favor(ann, "received", "Sent a lead", settles_id=iou, occurred_on=today)
    assert favors.open_ious() == []
    view = next(f for f in favors.list_favors(ann) if f.id == iou)
    assert (view.settled_by_id, view.settled_on, view.is_open_iou) == (back, today, False)
    assert favors.balance().open_owed_to_me == 0


def test_iou_cannot_be_settled_in_the_same_direction(make_contact):
    ann = make_contact()
    iou = favors.log_favor(ann, "given", "Found the part", expectation="iou")
    with pytest.raises(ValidationError) as info:
        favors.log_favor(ann, "given", "Another", settles_id=iou)
    assert info.value.field == "settles"
    assert [f.id for f in favors.open_ious()] == [iou]
    # the refused favor is not half-stored
    assert len(favors.list_favors(ann)) == 1


def test_iou_cannot_be_settled_by_someone_else(make_contact):
    ann, bob = make_contact("Ann"), make_contact("Bob")
    iou = favors.log_favor(ann, "given", "Found the part", expectation="iou")
    other = favors.log_favor(bob, "received", "Bob helped")
    with pytest.raises(ValidationError):
        favors.settle_iou(iou, other)
    assert [f.id for f in favors.open_ious()] == [iou]


def test_pay_forward_favor_is_no_iou_to_settle(make_contact):
    ann = make_contact()
    gift = favors.log_favor(ann, "given", "Gift")
    back = favors.log_favor(ann, "received", "Back")
    with pytest.raises(ValidationError):
        favors.settle_iou(gift, back)


def test_settled_iou_cannot_be_settled_again(make_contact):
    ann = make_contact()
    iou = favors.log_favor(ann, "given", "Part", expectation="iou")
    favors.log_favor(ann, "received", "Lead", settles_id=iou)
    second = favors.log_favor(ann, "received", "Another lead")
    with pytest.raises(ValidationError):
        favors.settle_iou(iou, second)


def test_write_off_closes_the_iou_but_keeps_it_in_the_ledger(make_contact, today):
    ann = make_contact()
    iou = favors.log_favor(ann, "received", "Borrowed the van", expectation="iou")
    favors.write_off(iou, today)
    assert favors.open_ious() == []
    (view,) = favors.list_favors(ann)
    assert view.written_off_on == today
    assert favors.balance().received == 1


def test_deleting_the_settling_favor_reopens_the_iou(make_contact):
    ann = make_contact()
    iou = favors.log_favor(ann, "given", "Part", expectation="iou")
    back = favors.log_favor(ann, "received", "Lead", settles_id=iou)
    favors.delete_favor(back)
    (view,) = favors.open_ious()
    assert view.id == iou
    assert (view.settled_by_id, view.settled_on) == (None, None)
    assert favors.balance().received == 0


def test_overdrawn_contacts(make_contact):
    taker = make_contact("Tina", "Taker")
    balanced = make_contact("Bea", "Balanced")
    giver = make_contact("Gus", "Giver")
    only_given = make_contact("Olive", "Only")
    _give(taker, 3)
    _take(taker, 1)  # 3 < 4 * 1
    _give(balanced, 4)
    _take(balanced, 1)  # exactly on target
    _give(giver, 9)
    _take(giver, 1)
    _give(only_given, 2)
    found = favors.overdrawn_contacts()
    assert [(o.contact_id, o.given, o.received) for o in found] == [(taker, 3, 1)]
    assert favors.overdrawn_ids() == {taker}
    contacts.archive_contact(taker)
    assert favors.overdrawn_contacts() == []


def test_overdrawn_worst_first(make_contact):
    bad = make_contact("Bad")
    worse = make_contact("Worse")
    _give(bad, 2)
    _take(bad, 1)
    _take(worse, 2)
    assert [o.contact_id for o in favors.overdrawn_contacts()] == [worse, bad]
    assert [o.contact_id for o in favors.overdrawn_contacts(limit=1)] == [worse]


def test_ratio_by_month(make_contact):
    ann = make_contact()
    until = dt.date(2024, 3, 15)
    favors.log_favor(ann, "given", "Jan a", occurred_on="2024-01-05")
    favors.log_favor(ann, "given", "Jan b", occurred_on="2024-01-31")
    favors.log_favor(ann, "received", "Jan c", occurred_on="2024-01-20")
    favors.log_favor(ann, "given", "Mar", occurred_on="2024-03-15")
    favors.log_favor(ann, "given", "After", occurred_on="2024-03-16")
    favors.log_favor(ann, "given", "Before", occurred_on="2023-11-30")
    months = favors.ratio_by_month(4, until=until)
    assert [(m.month, m.given, m.received) for m in months] == [
        ("2023-12", 0, 0),
        ("2024-01", 2, 1),
        ("2024-02", 0, 0),
        ("2024-03", 1, 0),
    ]
    assert months[1].ratio == 2.0
    assert months[3].ratio is None
    assert len(favors.ratio_by_month(12, until=until)) == 12


def test_ratio_by_month_across_a_year_end(db):
    months = favors.ratio_by_month(3, until=dt.date(2025, 1, 31))
    assert [m.month for m in months] == ["2024-11", "2024-12", "2025-01"]


@pytest.mark.parametrize("value", [0, 6, -1, "big"])
def test_value_outside_one_to_five_is_refused(make_contact, value):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        favors.log_favor(ann, "given", "Intro", value=value)
    assert info.value.field == "value"
    assert favors.list_favors() == []


@pytest.mark.parametrize("description", ["", "   ", "bad\x00"])
def test_description_is_required(make_contact, description):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        favors.log_favor(ann, "given", description)
    assert info.value.field == "description"
    assert favors.list_favors() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"kind": "bribe"}, "kind"),
        ({"expectation": "maybe"}, "expectation"),
        ({"occurred_on": "yesterday-ish"}, "occurred_on"),
    ],
)
def test_bad_choices_are_refused(make_contact, kwargs, field):
    ann = make_contact()
    args = {"direction": "given", **kwargs}
    with pytest.raises(ValidationError) as info:
        favors.log_favor(ann, args.pop("direction"), "Intro", **args)
    assert info.value.field == field


def test_ledger_newest_first_with_names(make_contact, today):
    ann = make_contact("Ann", "Lee")
    old = favors.log_favor(ann, "given", "Old", occurred_on=today - dt.timedelta(days=5))
    new = favors.log_favor(ann, "received", "New", occurred_on=today, kind="Introduction")
    views = favors.list_favors()
    assert [v.id for v in views] == [new, old]
    assert (views[0].contact_id, views[0].contact_name) == (ann, "Ann Lee")
    assert views[0].kind == "introduction"


def test_an_iou_is_written_off_once(make_contact):
    ann = make_contact()
    iou = favors.log_favor(ann, "given", "Intro", expectation="iou")
    favors.write_off(iou, dt.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        favors.write_off(iou, dt.date(2025, 1, 1))
    assert favors.list_favors(ann)[0].written_off_on == dt.date(2024, 1, 1)
