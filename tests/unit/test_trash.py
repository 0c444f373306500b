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


def test_undo_a_delete_of_a_contact_with_an_iou_settled_by_a_later_favor(db, make_contact, today):
    # The IOU comes first and the favor that pays it back later, so the IOU's row points
    # at a row with a higher id: put back row by row, it broke the foreign key, and the
    # window said the database was damaged.
    ann = make_contact("Ann", "Lee")
    iou = favors.log_favor(ann, "received", "Advice", expectation="iou", occurred_on=today)
    back = favors.log_favor(ann, "given", "Intro to a buyer", occurred_on=today, settles_id=iou)
    before = _dump()

    snap = trash.delete_contact(ann)
    assert trash.restore(snap) == ann
    assert _dump() == before
    [settled] = [f for f in favors.list_favors(ann) if f.id == iou]
    assert settled.settled_by_id == back


def test_an_iou_and_its_settling_favor_whose_ids_were_taken_stay_linked(db, make_contact, today):
    ann = make_contact("Ann", "Lee")
    iou = favors.log_favor(ann, "received", "Advice", expectation="iou", occurred_on=today)
    favors.log_favor(ann, "given", "Intro to a buyer", occurred_on=today, settles_id=iou)
    snap = trash.delete_contact(ann)
    bo = make_contact("Bo", "Chan")
    taken = [favors.log_favor(bo, "given", f"Favor {n}", occurred_on=today) for n in (1, 2)]
    assert sorted(taken) == [1, 2]  # both freed ids went to Bo's favors

    ann_now = trash.restore(snap)
    mine = {f.description: f for f in favors.list_favors(ann_now)}
    assert set(mine) == {"Advice", "Intro to a buyer"}
    assert not {f.id for f in mine.values()} & set(taken)
    assert mine["Advice"].settled_by_id == mine["Intro to a buyer"].id
    assert [f.description for f in favors.list_favors(bo)] == ["Favor 2", "Favor 1"]


def test_links_to_rows_gone_since_the_delete_follow_the_database_rules(db, make_contact, today):
    # ON DELETE SET NULL: the link is left empty; ON DELETE CASCADE: the row stays out.
    import datetime as dt

    from favorbook.db.models import SyncAccount, SyncConflict

    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    favors.log_favor(ann, "given", "Intro for Bo", beneficiary_id=bo, occurred_on=today)
    account = SyncAccount.create(
        name="server", url="https://dav.example.com/", username="rep", created_at=dt.datetime.now()
    )
    SyncConflict.create(account=account, contact=ann, field="title", created_at=dt.datetime.now())
    snap = trash.delete_contact(ann)
    trash.delete_contact(bo)  # not undone first (another path than the undo stack)
    account.delete_instance()  # the account removed: its conflicts go with it

    ann_now = trash.restore(snap)
    [favor] = favors.list_favors(ann_now)
    assert favor.description == "Intro for Bo" and favor.beneficiary_id is None
    assert SyncConflict.select().count() == 0


def test_deleting_and_restoring_several_contacts_is_all_or_nothing(db, make_contact, today):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan", referred_by_id=ann)
    cy = make_contact("Cy", "Diaz", referred_by_id=bo)
    favors.log_favor(cy, "given", "Intro for Ann", beneficiary_id=ann, occurred_on=today)
    vetting.add_note(bo, "Did our office well", vouched_by_id=cy)
    before = _dump()
    with pytest.raises(NotFoundError):
        trash.delete_contacts([ann, 999, bo])
    assert _dump() == before

    snaps = trash.delete_contacts([ann, bo, cy])
    assert contacts.count_contacts() == 0
    trash.restore_contacts(snaps[2:])  # Cy back by another way, in between
    # Cy is left as he is, Ann and Bo come back with every link, Cy's included.
    assert trash.restore_contacts(snaps) == {ann: ann, bo: bo, cy: cy}
    assert _dump() == before
    with pytest.raises(NotFoundError, match="Ann Lee, Bo Chan, Cy Diaz are already back"):
        trash.restore_contacts(snaps)


def test_a_link_still_broken_at_the_end_fails_the_whole_restore_and_keeps_nothing(
    db, make_contact, monkeypatch
):
    # The foreign keys are checked once, at COMMIT: a link that is still broken then
    # fails it, and the whole restore is rolled back, not half of it kept.
    import peewee

    from favorbook.db.models import Tag
    from favorbook.db.models import db as peewee_db

    ann = make_contact("Ann", "Lee", tags=["golf"])
    favors.log_favor(ann, "given", "Intro to a buyer")
    snap = trash.delete_contact(ann)
    Tag.delete().execute()  # what ContactTag links to is gone
    deleted = _dump()
    monkeypatch.setattr(trash, "_without_dangling_links", lambda rows: (rows, {}))
    with pytest.raises(peewee.IntegrityError, match="FOREIGN KEY"):
        trash.restore(snap)
    assert not peewee_db.in_transaction()
    assert _dump() == deleted
    assert peewee_db.execute_sql("PRAGMA defer_foreign_keys").fetchone() == (0,)

    monkeypatch.undo()  # as the database would have: the tag link stays out
    assert trash.restore(snap) == ann
    assert contacts.get_contact(ann).tags == []
    assert [f.description for f in favors.list_favors(ann)] == ["Intro to a buyer"]


def _listed(**options) -> tuple[list[int], bool]:
    """The contact list's ids, and whether the whole list was read for them."""
    from tests.perf_guards import capture_sql

    with capture_sql() as ran:
        ids = search.search_ids("", **options)
    return ids, any("ORDER BY" in s for s in ran.selects)


LISTS = ({}, {"order": "company"}, {"include_archived": True})


def test_a_delete_and_its_undo_keep_the_lists_without_reading_them_again(db, make_contact):
    """At 100,000 contacts a delete read the whole list again (35-45 ms of its 90-110 ms)
    and so did its undo. A deleted contact is in no list: the lists kept are kept
    without them. Undone, the lists are the ones from before the delete."""
    ids = [make_contact(f"P{i}", last) for i, last in enumerate(["Lee", "Chan", "Ortiz", "Abe"])]
    contacts.archive_contact(ids[3])
    before = [_listed(**options)[0] for options in LISTS]
    gone = [ids[1], ids[3]]
    snaps = trash.delete_contacts(gone)
    for options, was in zip(LISTS, before, strict=True):
        assert _listed(**options) == ([i for i in was if i not in gone], False)
    trash.restore_contacts(snaps)
    for options, was in zip(LISTS, before, strict=True):
        assert _listed(**options) == (was, False)
    search._by_names.clear()  # read afresh: the same
    assert [_listed(**options) for options in LISTS] == [(was, True) for was in before]


def test_lists_are_read_again_when_the_undo_is_not_the_state_before_the_delete(db, make_contact):
    """A name changed between the delete and its undo, or the contact back under another
    id: the lists from before the delete are not the lists now."""
    ann, bo, cy = make_contact("Ann", "Lee"), make_contact("Bo", "Chan"), make_contact("Cy", "Abe")
    _listed()
    snap = trash.delete_contact(bo)
    contacts.update_contact(cy, contacts.ContactInput(first_name="Cy", last_name="Zed"))
    trash.restore(snap)
    assert _listed() == ([bo, ann, cy], True)

    snap = trash.delete_contact(cy)
    assert _listed() == ([bo, ann], False)
    di = make_contact("Di", "Moss")  # takes the highest free id: Cy's
    back = trash.restore(snap)
    assert back != cy and di == cy
    assert _listed() == ([bo, ann, di, back], True)


def test_a_delete_rolled_back_leaves_the_lists_as_they_were(db, make_contact):
    from favorbook.db.models import db as peewee_db

    ann, bo = make_contact("Ann", "Lee"), make_contact("Bo", "Chan")
    _listed()
    with pytest.raises(RuntimeError), peewee_db.atomic():
        trash.delete_contact(bo)
        assert _listed() == ([ann], False)
        raise RuntimeError("the disk is full")
    assert _listed()[0] == [bo, ann]
