"""Huge and strange values: each is stored and read back as typed, or refused with a message."""

import datetime as dt

import pytest

from favorbook.errors import ValidationError
from favorbook.services import contacts, conversations, favors, followups, search

NAMES = {
    "Latin": ("José", "Müller-Lüdenscheidt"),
    "Cyrillic": ("Владимир", "Шостакович"),
    "Greek": ("Αλέξανδρος", "Παπαδόπουλος"),
    "Armenian": ("Արամ", "Խաչատրյան"),
    "Georgian": ("ნინო", "ბერიძე"),
    "Hebrew": ("דוד", "כהן"),
    "Arabic": ("محمد", "الفارسي"),
    "Persian": ("پریسا", "رضایی"),
    "Devanagari": ("अनीता", "शर्मा"),
    "Bengali": ("রবীন্দ্রনাথ", "ঠাকুর"),
    "Tamil": ("முருகன்", "சுப்பிரமணியம்"),
    "Thai": ("สมชาย", "ใจดี"),
    "Ethiopic": ("አበበ", "ቢቂላ"),
    "Chinese": ("小明", "王"),
    "Japanese": ("さくら", "山田"),
    "Korean": ("민준", "김"),
    "Vietnamese": ("Nguyễn", "Thị Minh Khai"),
    "Emoji": ("Ann 🎉", "👩\u200d💻 Lee"),
}


def _roundtrip(data):
    return contacts.get_contact(contacts.create_contact(data))


@pytest.mark.parametrize("script", NAMES)
def test_names_in_many_scripts_are_stored_shown_and_found(db, script):
    first, last = NAMES[script]
    saved = _roundtrip(contacts.ContactInput(first_name=first, last_name=last, tags=[first]))
    assert (saved.first_name, saved.last_name) == (first, last)
    assert saved.display_name == f"{first} {last}"
    assert saved.tags == [first]
    assert saved.id in search.search_ids(first)
    assert saved.id in search.search_ids(f"{first} {last}")
    assert saved.id in search.search_ids(f"tag:{first}")


def test_right_to_left_text_keeps_its_marks_in_free_text_but_not_in_a_name(db):
    rlm, lre, pdf = "\u200f", "\u202a", "\u202c"
    name = f"{rlm}שרה{rlm}"
    note = f"פגישה ב-{lre}Acme Corp{pdf} ביום שני; 3 הזמנות"
    saved = _roundtrip(contacts.ContactInput(first_name=name, last_name="לוי", needs=note))
    assert saved.needs == note  # the marks order a mixed sentence; a name needs none
    assert saved.first_name == "שרה"
    assert saved.id in search.search_ids("שרה")


SPOOFS = {
    "right-to-left override": ("Invoice\u202efdp.exe", "Invoicefdp.exe"),
    "isolates": ("\u2066Ann\u2069 \u2067Lee\u2069", "Ann Lee"),
    "embedding": ("\u202bAcme\u202c", "Acme"),
    "marks": ("\u200eAnn\u200f\u061c", "Ann"),
    "zero-width space": ("pay\u200bment", "payment"),
    "zero-width joiner between ASCII letters": ("pay\u200dment", "payment"),
    "zero-width non-joiner": ("\u200cAnn", "Ann"),
    "word joiner and BOM": ("\ufeffAnn\u2060", "Ann"),
}


@pytest.mark.parametrize("spoof", SPOOFS)
def test_bidi_and_zero_width_characters_are_removed_from_names_and_companies(db, spoof):
    typed, shown = SPOOFS[spoof]
    saved = _roundtrip(
        contacts.ContactInput(
            first_name=typed,
            last_name=typed,
            organization=typed,
            title=typed,
            emails=[contacts.Labeled("ann\u200b@exa\u202emple.com", typed)],
            phones=[contacts.Labeled("+1 415\u202e 555 0100")],
            tags=[typed],
        )
    )
    assert (saved.first_name, saved.last_name, saved.organization, saved.title) == (shown,) * 4
    assert saved.display_name == f"{shown} {shown}"
    assert saved.emails[0].value == "ann@example.com"
    assert saved.emails[0].label == shown
    assert saved.phones[0].value == "+14155550100"
    assert saved.tags == [shown]
    saved_again = contacts.get_contact(saved.id)
    contacts.update_contact(saved.id, contacts.ContactInput(first_name=typed))
    assert contacts.get_contact(saved_again.id).first_name == shown


def test_joiners_inside_emoji_and_persian_words_are_kept(db):
    family, word = "👩\u200d💻", "می\u200cخواهم"
    saved = _roundtrip(contacts.ContactInput(first_name=word, last_name=family))
    assert (saved.first_name, saved.last_name) == (word, family)


def test_a_renamed_organization_loses_its_invisible_characters(db, make_contact):
    from favorbook.services import organizations

    make_contact(organization="Acme")
    (org,) = organizations.list_organizations()
    organizations.update(org.id, name="\u202eemcA")
    assert organizations.list_organizations()[0].name == "emcA"


def test_a_seven_digit_local_number_is_kept_as_typed_not_made_into_a_false_e164(db):
    saved = _roundtrip(
        contacts.ContactInput(
            first_name="A",
            phones=[contacts.Labeled("555 0199"), contacts.Labeled("+1 415 555 0100")],
        )
    )
    assert [p.value for p in saved.phones] == ["555 0199", "+14155550100"]
    (remark,) = contacts.phone_remarks(saved.phones)
    assert remark[0] == 0 and "555 0199" in remark[1] and "area code" in remark[1]
    assert contacts.format_phone("555 0199") == "555 0199"


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("(415) 555-0100", "US", "+14155550100"),  # possible: E.164
        ("0221 5550100", "DE", "+492215550100"),  # valid for the region
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("289-1212", "US", "289-1212"),  # local only: as typed
    ],
)
def test_phones_are_e164_only_when_valid_or_possible(db, typed, region, stored):
    assert contacts.normalize_phone(typed, region) == stored


def test_one_megabyte_note(db, make_contact):
    cid = make_contact()
    body = ("Long meeting notes with details. " * 32_000)[:1_000_000]
    contacts.add_note(cid, body)
    [note] = contacts.get_contact(cid).notes
    assert note.body == body.strip()
    assert cid in search.search_ids("note:details")


def test_over_long_text_is_refused_with_its_field(db):
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(contacts.ContactInput(first_name="A", how_met="x" * 1_000_001))
    assert caught.value.field == "how_met" and "limit" in caught.value.message
    with pytest.raises(ValidationError, match="limit") as caught:
        contacts.create_contact(contacts.ContactInput(first_name="A" * 10_000))
    assert caught.value.field == "first_name"


def test_ten_thousand_tags(db):
    tags = [f"tag{i:05d}" for i in range(10_000)]
    saved = _roundtrip(contacts.ContactInput(first_name="Tagged", tags=tags))
    assert saved.tags == tags
    assert saved.id in search.search_ids("tag:tag09999")


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "organization", "title", "how_met", "needs", "goals"]
)
def test_nul_bytes_are_refused_naming_the_field(db, field):
    data = contacts.ContactInput(first_name="Ann")
    setattr(data, field, "before\x00after")
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(data)
    assert caught.value.field == field and "NUL" in caught.value.message
    assert contacts.count_contacts() == 0


def test_nul_bytes_in_lists_notes_and_ledger_are_refused(db, make_contact):
    cid = make_contact()
    for data, field in [
        (contacts.ContactInput(first_name="A", tags=["ok", "b\x00d"]), "tags"),
        (contacts.ContactInput(first_name="A", emails=[contacts.Labeled("a\x00@b.c")]), "emails"),
        (contacts.ContactInput(first_name="A", links=[contacts.Labeled("http://x\x00")]), "links"),
    ]:
        with pytest.raises(ValidationError) as caught:
            contacts.create_contact(data)
        assert caught.value.field == field
    with pytest.raises(ValidationError, match="NUL"):
        contacts.add_note(cid, "a\x00b")
    with pytest.raises(ValidationError, match="NUL"):
        favors.log_favor(cid, "given", "intro\x00duction")
    with pytest.raises(ValidationError, match="NUL"):
        conversations.log_conversation(cid, "inbound", "call\x00")
    assert contacts.count_contacts() == 1


def test_text_that_is_not_valid_unicode_is_refused(db, make_contact):
    """A lone surrogate (broken pasted text) cannot be stored as UTF-8: a message, no crash."""
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(contacts.ContactInput(first_name="Bad\ud800name"))
    assert caught.value.field == "first_name"
    cid = make_contact()
    with pytest.raises(ValidationError):
        contacts.add_note(cid, "broken \udcff text")
    with pytest.raises(ValidationError):
        favors.log_favor(cid, "given", "broken \udcff text")


@pytest.mark.parametrize(
    "birthday", ["0000-01-01", "10000-01-01", "2023-02-30", "--02-30", "--13-01", "1-1-1", "🎂"]
)
def test_impossible_birthdays_are_refused(db, birthday):
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(contacts.ContactInput(first_name="A", birthday=birthday))
    assert caught.value.field == "birthday"


@pytest.mark.parametrize("birthday", ["0001-01-01", "9999-12-31", "--02-29", "1904-02-29"])
def test_extreme_but_real_birthdays_are_kept(db, birthday):
    saved = _roundtrip(contacts.ContactInput(first_name="A", birthday=birthday))
    assert saved.birthday == birthday


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-02-28"])
def test_extreme_ledger_dates_are_stored_or_refused(db, make_contact, day):
    cid = make_contact()
    favor_id = favors.log_favor(cid, "given", "An old favor", occurred_on=day)
    assert favors.list_favors(cid)[0].occurred_on == dt.date.fromisoformat(day)
    assert favors.balance(cid).given == 1
    assert favor_id
    followups.add_followup(cid, day, "Someday")
    due = [f.due_on for f in followups.open_followups(contact_id=cid)]
    assert due == [dt.date.fromisoformat(day)]


@pytest.mark.parametrize(
    "when", ["0001-01-01", "0001-01-01 00:00", "9999-12-31", "1969-12-31 23:59", "2021-13-01"]
)
def test_conversation_dates_out_of_range(db, make_contact, when):
    cid = make_contact()
    try:
        conv_id = conversations.log_conversation(cid, "inbound", "A call", occurred_at=when)
    except ValidationError as exc:
        assert exc.field == "occurred_at" and exc.message
        assert conversations.list_conversations(cid) == []
        return
    [view] = conversations.list_conversations(cid)
    assert view.id == conv_id
    contacts.get_contact(cid)  # the profile still shows


@pytest.mark.parametrize("value", ["abc", None, 0, 6, 10**100, float("nan"), float("inf"), "3.5"])
def test_favor_values_out_of_range_are_refused(db, make_contact, value):
    cid = make_contact()
    with pytest.raises(ValidationError) as caught:
        favors.log_favor(cid, "given", "Intro", value=value)
    assert caught.value.field == "value"
    assert favors.list_favors(cid) == []


@pytest.mark.parametrize("cadence", ["soon", -1, 3651, 10**30, float("inf"), float("nan")])
def test_cadence_out_of_range_is_refused(db, cadence):
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(contacts.ContactInput(first_name="A", cadence_days=cadence))
    assert caught.value.field == "cadence_days"


@pytest.mark.parametrize(
    "email", ["plainaddress", "@no-local.org", "a@b", "x" * 400 + "@example.com", "a@b@c.com"]
)
def test_bad_emails_are_refused(db, email):
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(
            contacts.ContactInput(first_name="A", emails=[contacts.Labeled(email)])
        )
    assert caught.value.field.startswith("emails")


def test_international_email_is_kept(db):
    saved = _roundtrip(
        contacts.ContactInput(first_name="A", emails=[contacts.Labeled("josé@exämple.de")])
    )
    assert saved.emails[0].value.startswith("josé@")


@pytest.mark.parametrize("phone", ["☎", "call me", "+" + "9" * 40, "0"])
def test_bad_phones_are_refused(db, phone):
    with pytest.raises(ValidationError) as caught:
        contacts.create_contact(
            contacts.ContactInput(first_name="A", phones=[contacts.Labeled(phone)])
        )
    assert caught.value.field.startswith("phones")


def test_a_local_number_kept_as_typed_is_found_written_either_way(db):
    saved = _roundtrip(
        contacts.ContactInput(first_name="A", phones=[contacts.Labeled("(555) 0199")])
    )
    assert saved.phones[0].value == "(555) 0199"
    assert saved.id in search.search_ids("555 0199")
    assert saved.id in search.search_ids("5550199")
