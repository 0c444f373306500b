"""Contacts: what a form hands over is validated, normalised, stored and read back."""

import contextlib
import copy
import datetime as dt

import pytest

from favorbook.db.models import db as peewee_db
from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    followups,
    search,
)
from favorbook.services.contacts import Address, ContactInput, Labeled


@contextlib.contextmanager
def _statements():
    """Every SQL statement SQLite runs meanwhile, whoever sends it."""
    seen: list[str] = []
    conn = peewee_db.connection()
    conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)


def _field_of(data: ContactInput) -> str:
    with pytest.raises(ValidationError) as info:
        contacts.create_contact(data)
    return info.value.field


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ContactInput(first_name="Ann", emails=[Labeled("ann@", "work")]), "emails[0]"),
        (ContactInput(first_name="Ann", emails=[Labeled("not an email")]), "emails[0]"),
        (ContactInput(first_name="Ann", phones=[Labeled("call me maybe")]), "phones[0]"),
        (ContactInput(first_name="Ann", phones=[Labeled("12")]), "phones[0]"),
        (ContactInput(), "first_name"),
        (ContactInput(first_name="   ", last_name="\t"), "first_name"),
        (ContactInput(first_name="Ann", kind="friend"), "kind"),
        (ContactInput(first_name="Ann", birthday="1980-02-30"), "birthday"),
        (ContactInput(first_name="Ann", birthday="last tuesday"), "birthday"),
        (ContactInput(first_name="Ann", birthday="--13-01"), "birthday"),
        (ContactInput(first_name="Ann", cadence_days=-1), "cadence_days"),
        (ContactInput(first_name="Ann", cadence_days=3651), "cadence_days"),
        (ContactInput(first_name="Ann", cadence_days="weekly"), "cadence_days"),
        (ContactInput(first_name="Ann\x00"), "first_name"),
        (ContactInput(first_name="Ann", goals="grow\x00"), "goals"),
        (ContactInput(first_name="Ann", tags=["ok", "b\x00d"]), "tags"),
        (ContactInput(first_name="Ann", referred_by_id=9999), None),
    ],
)
def test_invalid_input_names_the_field(db, data, field):
    if field is None:  # a referrer that does not exist
        with pytest.raises(NotFoundError):
            contacts.create_contact(data)
    else:
        assert _field_of(data) == field
    assert contacts.count_contacts() == 0


def test_failed_validation_leaves_the_form_data_as_typed(db):
    data = ContactInput(
        first_name="  Ann ",
        last_name="Lee",
        kind="Customer",
        emails=[Labeled(" Ann@Example.COM ", "work"), Labeled("ann@example.com")],
        phones=[Labeled("+1 415 555 0100", "mobile"), Labeled("not a phone")],
        tags=["VIP", "vip", " golf "],
        birthday="--05-17",
        cadence_days="30",
    )
    before = copy.deepcopy(data)
    with pytest.raises(ValidationError) as info:
        contacts.create_contact(data)
    assert info.value.field == "phones[1]"
    assert data == before
    assert contacts.count_contacts() == 0


def test_successful_save_does_not_rewrite_the_form_either(db):
    data = ContactInput(first_name=" Ann ", phones=[Labeled("+1 415 555 0100")], tags=["A", "a"])
    before = copy.deepcopy(data)
    contacts.create_contact(data)
    assert data == before


def test_values_are_normalised_on_save(db):
    cid = contacts.create_contact(
        ContactInput(
            first_name="  Ann ",
            last_name=" Lee",
            kind=" Customer ",
            emails=[
                Labeled(" ann@EXAMPLE.com ", "work"),
                Labeled("Ann@example.com", "dup"),
                Labeled("  ", "empty"),
            ],
            phones=[
                Labeled("+1 415 555 0100", "mobile"),
                Labeled("+1 (415) 555-0100", "dup"),
                Labeled("+44 20 7946 0958", "london"),
            ],
            tags=["VIP", "vip", " Golf ", "golf", ""],
            birthday="--05-17",
            cadence_days="30",
            addresses=[Address(city=" Oakland "), Address()],
        )
    )
    got = contacts.get_contact(cid)
    assert got.display_name == "Ann Lee"
    assert got.kind == "customer"
    assert [e.value for e in got.emails] == ["ann@example.com"]
    assert [p.value for p in got.phones] == ["+14155550100", "+442079460958"]
    assert [p.label for p in got.phones] == ["mobile", "london"]
    assert got.tags == ["Golf", "VIP"]  # first spelling kept
    assert got.birthday == "--05-17"
    assert got.cadence_days == 30
    assert [a.city for a in got.addresses] == ["Oakland"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("--05-17", "--05-17"), ("05-17", "--05-17"), ("1980-05-17", "1980-05-17"), ("", None)],
)
def test_birthday_with_or_without_year(make_contact, typed, stored):
    cid = make_contact(birthday=typed)
    assert contacts.get_contact(cid).birthday == stored


def test_phone_extension_is_kept(make_contact):
    cid = make_contact(phones=[Labeled("+1 415 555 0100 ext. 12")])
    assert contacts.get_contact(cid).phones[0].value == "+14155550100;ext=12"


def test_tags_are_shared_case_insensitively_between_contacts(make_contact):
    a = make_contact("Ann", tags=["Golf"])
    b = make_contact("Bob", tags=["golf"])
    assert contacts.all_tags() == ["Golf"]
    assert contacts.tags_of(b) == ["Golf"]
    assert set(contacts.list_ids(tag="Golf")) == {a, b}


def test_organization_only_contact_is_named_after_it(make_contact):
    cid = make_contact("", "", organization="Acme Corp")
    assert contacts.get_contact(cid).display_name == "Acme Corp"


def test_list_is_in_last_name_order(make_contact):
    zed = make_contact("Ann", "Zed")
    abe = make_contact("Zoe", "Abe")
    mid = make_contact("Bob", "Moss")
    assert contacts.list_ids() == [abe, mid, zed]


# --- updating, archiving ------------------------------------------------------------------


def test_update_replaces_the_profile_and_keeps_the_history(make_contact, today):
    cid = make_contact("Ann", "Lee", emails=[Labeled("ann@old.example")], tags=["old"])
    favors.log_favor(cid, "given", "Sent the white paper")
    conversations.log_conversation(cid, "inbound", "Asked about pricing")
    contacts.add_note(cid, "Likes early calls")
    data = contacts.get_contact(cid).to_input()
    data.last_name = "Lee-Smith"
    data.emails = [Labeled("ann@new.example")]
    data.tags = ["new"]
    contacts.update_contact(cid, data)
    got = contacts.get_contact(cid)
    assert got.display_name == "Ann Lee-Smith"
    assert [e.value for e in got.emails] == ["ann@new.example"]
    assert got.tags == ["new"]
    assert len(favors.list_favors(cid)) == 1
    assert len(conversations.list_conversations(cid)) == 1
    assert [n.body for n in got.notes] == ["Likes early calls"]
    assert search.search_ids("email:ann@new.example") == [cid]
    assert search.search_ids("email:old") == []


def test_failed_update_changes_nothing(make_contact):
    cid = make_contact("Ann", "Lee", emails=[Labeled("ann@example.com")])
    data = contacts.get_contact(cid).to_input()
    data.last_name = "Changed"
    data.emails = [Labeled("broken@")]
    with pytest.raises(ValidationError):
        contacts.update_contact(cid, data)
    got = contacts.get_contact(cid)
    assert got.last_name == "Lee"
    assert [e.value for e in got.emails] == ["ann@example.com"]


def test_update_of_missing_contact_is_not_found(db):
    with pytest.raises(NotFoundError):
        contacts.update_contact(4242, ContactInput(first_name="Ghost"))


def test_archive_hides_and_restore_brings_back(make_contact):
    ann = make_contact("Ann", "Archer")
    bob = make_contact("Bob", "Archer")
    contacts.archive_contact(ann)
    assert contacts.list_ids() == [bob]
    assert search.search_ids("archer") == [bob]
    assert contacts.count_contacts() == 1
    assert ann in contacts.list_ids(include_archived=True)
    assert contacts.get_contact(ann).archived
    contacts.restore_contact(ann)
    assert set(contacts.list_ids()) == {ann, bob}
    assert set(search.search_ids("archer")) == {ann, bob}
    assert not contacts.get_contact(ann).archived


# --- notes --------------------------------------------------------------------------------


def test_private_notes_are_left_out_when_asked(make_contact):
    cid = make_contact()
    contacts.add_note(cid, "Prefers calls before 10am")
    contacts.add_note(cid, "Going through a divorce", private=True)
    everything = contacts.get_contact(cid)
    shareable = contacts.get_contact(cid, include_private=False)
    assert {n.body for n in everything.notes} == {
        "Prefers calls before 10am",
        "Going through a divorce",
    }
    assert [n.body for n in shareable.notes] == ["Prefers calls before 10am"]
    assert [n.private for n in everything.notes if "divorce" in n.body] == [True]


def test_notes_are_searchable_and_deleting_one_unindexes_it(make_contact):
    cid = make_contact()
    note = contacts.add_note(cid, "Collects vintage motorcycles")
    assert search.search_ids("motorcycles") == [cid]
    contacts.delete_note(note)
    assert search.search_ids("motorcycles") == []
    assert contacts.get_contact(cid).notes == []


@pytest.mark.parametrize("body", ["", "   ", "bad\x00note"])
def test_empty_or_nul_note_is_refused(make_contact, body):
    cid = make_contact()
    with pytest.raises(ValidationError) as info:
        contacts.add_note(cid, body)
    assert info.value.field == "note"
    assert contacts.get_contact(cid).notes == []


# --- referred by --------------------------------------------------------------------------


def test_referred_by_round_trip(make_contact):
    carla = make_contact("Carla", "Source")
    dev = make_contact("Dev", "Other")
    ann = make_contact("Ann", "Lee", referred_by_id=carla)
    got = contacts.get_contact(ann)
    assert (got.referred_by_id, got.referred_by_name) == (carla, "Carla Source")
    data = got.to_input()
    data.referred_by_id = dev
    contacts.update_contact(ann, data)
    assert contacts.get_contact(ann).referred_by_id == dev
    data.referred_by_id = None
    contacts.update_contact(ann, data)
    got = contacts.get_contact(ann)
    assert (got.referred_by_id, got.referred_by_name) == (None, "")


def test_contact_cannot_refer_themselves(make_contact):
    ann = make_contact()
    data = contacts.get_contact(ann).to_input()
    data.referred_by_id = ann
    with pytest.raises(ValidationError) as info:
        contacts.update_contact(ann, data)
    assert info.value.field == "referred_by"
    assert contacts.get_contact(ann).referred_by_id is None


# --- list rows ----------------------------------------------------------------------------


def test_rows_show_counts_and_next_followup(make_contact, today):
    ann = make_contact("Ann", "Lee", organization="Acme")
    bob = make_contact("Bob", "Ray")
    for _ in range(3):
        favors.log_favor(ann, "given", "Intro")
    favors.log_favor(ann, "received", "Lead")
    later, sooner = today + dt.timedelta(days=9), today + dt.timedelta(days=2)
    followups.add_followup(ann, later, "Send deck")
    followups.add_followup(ann, sooner, "Call back")
    done = followups.add_followup(ann, today, "Already done")
    followups.complete(done)
    got = contacts.rows([ann, bob])
    assert (got[ann].name, got[ann].company) == ("Ann Lee", "Acme")
    assert (got[ann].given, got[ann].received) == (3, 1)
    assert got[ann].next_followup == sooner
    assert (got[bob].given, got[bob].received, got[bob].next_followup) == (0, 0, None)
    assert contacts.rows([]) == {}


def test_rows_use_the_same_number_of_queries_for_any_batch(make_contact, today):
    ids = []
    for i in range(30):
        cid = make_contact(f"P{i}", "Batch", organization=f"Org {i % 3}")
        favors.log_favor(cid, "given", "Intro")
        followups.add_followup(cid, today, "Call")
        ids.append(cid)
    with _statements() as small:
        few = contacts.rows(ids[:2])
    with _statements() as large:
        many = contacts.rows(ids)
    assert len(few) == 2 and len(many) == 30
    assert all(r.given == 1 and r.next_followup == today for r in many.values())
    assert 1 <= len(large) <= 4
    assert len(large) == len(small)


def test_new_contact_takes_the_default_cadence_unless_told_otherwise(db, today):
    from favorbook.services import settings

    settings.set_default_cadence_days(45)
    plain = contacts.create_contact(ContactInput(first_name="Ann"))
    untracked = contacts.create_contact(ContactInput(first_name="Bo", cadence_days=0))
    assert contacts.get_contact(plain).cadence_days == 45
    assert contacts.get_contact(plain).touch_due_on == today + dt.timedelta(days=45)
    assert contacts.get_contact(untracked).cadence_days is None
    # Saving the profile back unchanged keeps an untracked contact untracked.
    detail = contacts.get_contact(untracked)
    contacts.update_contact(untracked, detail.to_input())
    assert contacts.get_contact(untracked).touch_due_on is None


@pytest.mark.parametrize("typed", ["0", "", 0])
def test_a_cadence_of_zero_typed_in_a_form_means_untracked(db, typed):
    cid = contacts.create_contact(ContactInput(first_name="Zed", cadence_days=typed))
    assert contacts.get_contact(cid).cadence_days is None


def test_list_rows_flag_overdrawn_against_the_target(make_contact):
    from favorbook.services import favors, settings

    ann = make_contact()
    for _ in range(3):
        favors.log_favor(ann, "given", "Help")
    favors.log_favor(ann, "received", "Lunch")
    assert contacts.rows([ann])[ann].overdrawn  # 3:1 is below 4:1
    settings.set_target_ratio(3)
    assert not contacts.rows([ann])[ann].overdrawn


def test_list_rows_say_which_contacts_are_sample_data(make_contact):
    from favorbook.sample import demo

    own = make_contact("Own", "Person")
    demo.load(3, force=True)
    ids = contacts.list_ids()
    rows = contacts.rows(ids)
    assert {i for i in ids if rows[i].sample} == set(ids) - {own}
    assert not rows[own].sample
