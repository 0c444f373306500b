"""The contact store: one way a contact is written, alone or ten thousand at a time."""

from __future__ import annotations

from favorbook.db.models import db as sqldb
from favorbook.services import contact_store, contacts, search
from favorbook.services.contact_store import ContactInput, ContactWriter, Labeled
from tests.perf_guards import capture_sql


def _person(i: int) -> ContactInput:
    return ContactInput(
        first_name=f"Ann{i}",
        last_name="Lee",
        organization=f"Org {i % 3}",
        emails=[Labeled(f"ann{i}@example.com", "work")],
        phones=[Labeled(f"+1415555{i:04d}", "mobile")],
        tags=["golf", "Golf" if i % 2 else "vip"],
    )


def _added(n: int) -> list[int]:
    with sqldb.atomic():
        writer = ContactWriter()
        ids = [writer.add(_person(i), cadence=30, note=f"met {i}")[0] for i in range(n)]
        writer.finish()
    return ids


def test_the_bulk_writer_fills_the_derived_columns_and_the_index(db):
    ids = _added(3)
    detail = contacts.get_contact(ids[1])
    assert (detail.display_name, detail.organization, detail.tags) == (
        "Ann1 Lee",
        "Org 1",
        ["golf"],
    )
    assert detail.touch_due_on is not None and detail.cadence_days == 30
    row = sqldb.execute_sql("SELECT sort_name FROM contact WHERE id = ?", (ids[1],)).fetchone()
    assert row[0] == "lee, ann1"
    assert [r.id for r in search.search("ann2")] == [ids[2]]
    assert [r.id for r in search.search("met")] and detail.notes[0].body == "met 1"


def test_filling_in_never_erases_and_adds_only_what_is_new(db):
    (cid,) = _added(1)
    with sqldb.atomic():
        writer = ContactWriter()
        writer.preload([cid])
        more = ContactInput(
            first_name="Someone",
            title="Buyer",
            emails=[Labeled("ANN0@example.com"), Labeled("second@example.com")],
        )
        assert writer.fill(cid, more, note="met 0") == "Ann0 Lee"
        writer.finish()
    detail = contacts.get_contact(cid)
    assert (detail.first_name, detail.title) == ("Ann0", "Buyer")
    assert [e.value for e in detail.emails] == ["ann0@example.com", "second@example.com"]
    assert len(detail.notes) == 1


def test_a_bulk_write_reads_the_same_few_times_for_ten_or_a_thousand_contacts(db):
    def selects(n: int) -> int:
        with capture_sql() as ran:
            _added(n)
        return len(ran.selects)

    assert selects(1000) == selects(10)


def test_one_contact_from_a_form_goes_through_the_store(db):
    cid = contacts.create_contact(ContactInput(first_name="Bo", last_name="Ek", organization="X"))
    contacts.update_contact(cid, ContactInput(first_name="Bo", last_name="Eklund"))
    detail = contacts.get_contact(cid)
    assert (detail.display_name, detail.organization) == ("Bo Eklund", "")
    assert contact_store.display_and_sort_names(detail) == ("Bo Eklund", "eklund, bo")


def test_rows_a_load_writes_itself_get_the_names_a_form_would(db):
    now = "2026-01-02 03:04:05"
    row = {"uid": "u-1", "first_name": "Ann", "last_name": "Lee", "name_prefix": "Dr."}
    contact_store.insert_contacts([{"id": 7, **row, "created_at": now, "updated_at": now}])
    contact_store.reindex([7])
    names = sqldb.execute_sql("SELECT display_name, sort_name FROM contact WHERE id = 7")
    assert names.fetchone() == ("Dr. Ann Lee", "lee, ann")
    assert search.search("lee")[0].id == 7
