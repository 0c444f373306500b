"""Sync accounts, the dirty-tracking triggers and the conflicts list (no server needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.db.models import Contact, SyncAccount, SyncCollection, SyncItem
from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import contacts, followups, trash
from favorbook.sync import accounts, conflicts


def _account(name="rep@dav.example.com"):
    acct = SyncAccount.create(
        name=name,
        url="https://dav.example.com/",
        username="rep",
        addressbook_url="https://dav.example.com/rep/book/",
        created_at=dt.datetime(2026, 11, 1),
    )
    coll = SyncCollection.create(account=acct, kind="contacts", url=acct.addressbook_url)
    return acct, coll


def _item(coll, contact_id):
    uid = Contact.get_by_id(contact_id).uid
    return SyncItem.create(
        collection=coll, uid=uid, href=f"/rep/book/{uid}.vcf", contact=contact_id, dirty=False
    )


def _dirty(item) -> bool:
    return bool(SyncItem.get_by_id(item.id).dirty)


def test_every_local_edit_path_marks_the_synced_card_dirty(db, make_contact):
    _, coll = _account()
    cid = make_contact("Ann", "Lee")
    item = _item(coll, cid)
    edits = [
        lambda: contacts.update_contact(cid, contacts.ContactInput("Ann", "Leigh")),
        lambda: contacts.set_photo(cid, b"\x89PNG\r\n\x1a\n" + bytes(32)),
        lambda: contacts.update_contact(
            cid, contacts.ContactInput("Ann", "Leigh", phones=[contacts.Labeled("+14155550100")])
        ),
        lambda: followups.add_followup(cid, "2026-12-01", "Call back"),
    ]
    for edit in edits:
        SyncItem.update(dirty=False).where(SyncItem.id == item.id).execute()
        edit()
        assert _dirty(item)


def test_a_deleted_contact_leaves_a_tombstone_and_undo_relinks_it(db, make_contact):
    _, coll = _account()
    cid = make_contact("Ann", "Lee")
    item = _item(coll, cid)
    snap = trash.delete_contact(cid)
    row = SyncItem.get_by_id(item.id)
    assert row.contact_id is None and row.deleted and row.dirty
    back = trash.restore(snap)
    assert SyncItem.get_by_id(item.id).contact_id == back


def test_accounts_are_listed_found_and_removed_with_their_bookkeeping(
    db, make_contact, monkeypatch
):
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", "secret")
    _, coll = _account("b")
    _account("a")
    _item(coll, make_contact())
    assert [a.name for a in accounts.list_accounts()] == ["a", "b"]
    assert accounts.get_account("b").addressbook_url == "https://dav.example.com/rep/book/"
    accounts.set_interval("b", 15)
    assert accounts.get_account("b").interval_minutes == 15
    with pytest.raises(ValidationError):
        accounts.set_interval("b", -3)
    accounts.remove_account("b")
    assert [a.name for a in accounts.list_accounts()] == ["a"]
    assert SyncItem.select().count() == 0
    assert contacts.count_contacts() == 1  # local contacts stay
    with pytest.raises(NotFoundError):
        accounts.get_account("b")


def test_sync_needs_one_account_or_a_name(db):
    with pytest.raises(ValidationError):
        accounts.the_account(None)
    _account("a")
    _account("b")
    with pytest.raises(ValidationError):
        accounts.the_account(None)
    assert accounts.the_account("a").name == "a"


def test_add_account_without_a_password_names_the_field(db, monkeypatch):
    monkeypatch.delenv("FAVORBOOK_SYNC_PASSWORD", raising=False)
    with pytest.raises(ValidationError) as err:
        accounts.add_account("https://dav.example.com", "rep")
    assert err.value.field == "password"


def test_a_conflict_can_be_restored_to_the_contact_or_dismissed(db, make_contact):
    acct, _ = _account()
    cid = make_contact("Ann", "Lee", title="Head buyer")
    uid = Contact.get_by_id(cid).uid
    first = conflicts.record(acct.id, cid, uid, "title", "Buyer", "Head buyer")
    second = conflicts.record(
        acct.id, cid, uid, "phones", [["mobile", "+14155550100"]], [["work", "+14155550199"]]
    )
    rows = conflicts.list_conflicts()
    assert {r.field for r in rows} == {"title", "phones"}
    phone = next(r for r in rows if r.field == "phones")
    assert phone.contact_name == "Ann Lee"
    assert "+14155550100" in phone.local_value and "+14155550199" in phone.server_value
    conflicts.restore_local(first)
    assert contacts.get_contact(cid).title == "Buyer"
    conflicts.dismiss(second)
    assert conflicts.list_conflicts() == []
    assert len(conflicts.list_conflicts(include_resolved=True)) == 2
    assert contacts.get_contact(cid).phones == []
