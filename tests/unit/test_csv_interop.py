"""Every CSV file in the shared interop folder, read with stated results.

The folder sits beside the repository (../shared/testdata/interop); the tests skip
when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from favorbook.formats.csv_import import read_csv

REPO = Path(__file__).resolve().parents[2]
# Beside the repository; a git worktree one folder deeper (wt/<name>) looks one level up too.
CANDIDATES = [
    base / "shared" / "testdata" / "interop" for base in (REPO.parent, REPO.parent.parent)
]
INTEROP = next((c for c in CANDIDATES if c.is_dir()), CANDIDATES[0])
CSV_DIR = INTEROP / "csv"

pytestmark = pytest.mark.skipif(not CSV_DIR.is_dir(), reason="interop test files are absent")


@pytest.fixture(autouse=True)
def _us_numbers(monkeypatch):
    # The US files write numbers without a country code; read them as a US rep would.
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


def read(name):
    parsed = read_csv(CSV_DIR / name)
    read_ok = {
        f"{r.contact.first_name} {r.contact.last_name}".strip() or r.contact.organization: r
        for r in parsed.records
        if r.contact
    }
    skipped = {r.position: r.problem for r in parsed.records if not r.contact}
    return parsed, read_ok, skipped


def emails(record):
    return [(e.value, e.label) for e in record.contact.emails]


@pytest.mark.parametrize(
    "name", ["google-csv-2014-crlf-multiline.csv", "google-csv-2014-utf8bom-derived.csv"]
)
def test_google_csv(name):
    parsed, contacts, skipped = read(name)
    assert parsed.format == "csv-google"
    assert list(contacts) == ["test contact"] and skipped == {}
    record = contacts["test contact"]
    contact = record.contact
    assert record.position == "line 2"
    assert emails(record) == [
        ("homeemail@home.com", "home"),
        ("workemail@work.com", "work"),
        ("customemail@custom.com", "Custom email"),
    ]
    assert (contact.organization, contact.title) == ("company-name", "titledata")
    assert contact.birthday == "--01-01"  # Google writes a year-less birthday as year 1
    assert [a.label for a in contact.addresses] == ["home", "work", "Custom address"]
    work = contact.addresses[1]
    assert (work.city, work.region, work.postcode, work.country) == (
        "los angelas",
        "ca",
        "90210",
        "usa",
    )
    assert [k.value for k in contact.links] == ["profile url", "custom url", "blog url"]
    assert contact.tags == []  # "* My Contacts" is Google's own group
    # The phone "numbers" are words; they are kept in the note, not lost.
    assert record.note.startswith("notes data\n")
    assert "mobilephone 123-234-2433 (not a phone number)" in record.note


def test_linkedin_connections():
    parsed, contacts, skipped = read("linkedin-connections.csv")
    assert parsed.format == "csv-linkedin"
    assert len(contacts) == 6 and skipped == {}
    assert [r.position for r in parsed.records] == [f"line {n}" for n in range(5, 11)]
    bea = contacts["Bea Beispiel"]
    assert emails(bea) == [("bea.beispiel@example.com", "")]
    assert (bea.contact.organization, bea.contact.title) == (
        "Beispiel GmbH & Co. KG",
        "Head of Sales, DACH",
    )
    assert bea.contact.how_met == "LinkedIn connection since 2023-01-02"
    assert [(k.value, k.label) for k in bea.contact.links] == [
        ("https://www.linkedin.com/in/bea-beispiel", "LinkedIn")
    ]
    assert contacts["Dana O'Test"].contact.title == 'Director, "Special" Projects'
    assert contacts["Alex Example"].contact.emails == []
    assert "Zoë Exämple 🚀" in contacts
    assert "José Núñez" in contacts


def test_outlook_2000_windows_1252():
    parsed, contacts, skipped = read("outlook-2000-en-cp1252-synthetic-rows.csv")
    assert parsed.format == "csv-outlook"
    assert list(contacts) == [
        "Jörg Müller-Lüdenscheidt",
        "Ana Núñez Peña",
        "ACME Widgets & Co., Ltd.",
    ]
    assert skipped == {}
    assert [r.position for r in parsed.records] == ["line 2", "line 4", "line 5"]
    jorg = contacts["Jörg Müller-Lüdenscheidt"]
    assert emails(jorg) == [("joerg.mueller@example.com", "")]
    assert [(p.value, p.label) for p in jorg.contact.phones] == [
        ("+492215550100", "work"),
        ("+491705550101", "mobile"),
    ]
    assert (jorg.contact.organization, jorg.contact.title) == ("Beispiel AG", "Leiter Einkauf")
    assert jorg.contact.tags == ["Kunden", "Messe"]
    assert jorg.contact.birthday is None  # Outlook writes "0/0/00" for none
    assert jorg.contact.addresses[0].city == "Köln"
    assert jorg.note == (
        "Erster Kontakt auf der Messe.\nRückruf erbeten – Café um 10:00 Uhr.\n"
        "Gender: Male"  # a column with no field of its own
    )
    # Outlook's Title is the salutation: the name's prefix; Department has its field.
    assert (jorg.contact.name_prefix, jorg.contact.department) == ("Herr", "Einkauf")
    assert parsed.warnings == [
        "kept in each contact's note, as favorbook has no field for them: Gender",
        "not imported (they repeat other columns): E-mail Display Name, Initials",
    ]
    assert contacts["Ana Núñez Peña"].contact.birthday == "1975-03-14"
    acme = contacts["ACME Widgets & Co., Ltd."]
    assert (acme.contact.first_name, acme.contact.last_name) == ("", "")
    assert {p.label for p in acme.contact.phones} == {"work", "fax"}


def test_outlook_com_2016():
    parsed, contacts, skipped = read("outlook-com-2016-export.csv")
    assert parsed.format == "csv-outlook"
    assert list(contacts) == ["test name", "test name2"] and skipped == {}
    # "12341234" is not a phone number anywhere; it is kept in the note.
    assert contacts["test name"].note == "Mobile Phone: 12341234 (not a phone number)"


def test_thunderbird_17_through_the_guessed_columns():
    parsed, contacts, skipped = read("thunderbird-17-export.csv")
    assert parsed.format == "csv"
    assert skipped == {"line 2": "no name or organisation (justanemail@cox.net)"}
    assert list(contacts) == ["Weather", "Bob Dole"]
    bob = contacts["Bob Dole"]
    assert emails(bob) == [("dole49@hotmail.com", ""), ("secondarydole@hotmail.com", "")]
    assert bob.contact.organization == "org1"
    assert bob.contact.birthday == "1950-12-12"  # Birth Year, "december", Birth Day
    assert [p.label for p in bob.contact.phones] == ["work", "home", "mobile"]
    assert "notes ok yes notes" in bob.note


def test_thunderbird_bare_cr_inside_quotes():
    parsed, contacts, skipped = read("thunderbird-export-bare-cr.csv")
    assert list(contacts) == ["contact one", "contact two"] and skipped == {}
    two = contacts["contact two"]
    assert two.position == "line 3"
    assert two.contact.title == '"worker"'
    assert "here's some unicode text…" in two.note
    # "contact2@invalid" has no domain an email can have; it is kept in the note.
    assert "contact2@invalid (not an email address)" in two.note


def test_the_display_name_a_csv_gives_is_the_name_shown(db):
    """Thunderbird's Display Name ("contact number one") is what the rep knows the person
    by, as vCard's FN: kept as the name shown, beside First and Last Name."""
    from favorbook.services import contacts as contact_service
    from favorbook.services import importing

    _parsed, contacts, _skipped = read("thunderbird-export-bare-cr.csv")
    one = contacts["contact one"].contact
    assert one.full_name == "contact number one"
    assert contact_service.shown_name(one) == "contact number one"
    plan = importing.plan_import(read_csv(CSV_DIR / "thunderbird-export-bare-cr.csv"))
    importing.apply_import(plan)
    shown = sorted(name for _id, name in contact_service.all_names())
    assert shown == ["contact number one", "contact number two"]


def test_a_display_name_that_is_first_and_last_adds_nothing(db, tmp_path):
    """Kept only where it says more than the parts, so a later edit of the first or last
    name still renames the contact."""
    from favorbook.services import contacts as contact_service
    from favorbook.services import importing

    path = tmp_path / "tb.csv"
    path.write_text("First Name,Last Name,Display Name\nAnn,Lee,Ann Lee\n", encoding="utf-8")
    importing.apply_import(importing.plan_import(read_csv(path)))
    [(cid, name)] = contact_service.all_names()
    assert name == "Ann Lee" and contact_service.get_contact(cid).full_name == ""


def test_thunderbird_utf16le():
    parsed, contacts, skipped = read("thunderbird-format-utf16le-bom.csv")
    assert list(contacts) == ["John Doe"] and skipped == {}
    assert "johndoe@host.invalid" in contacts["John Doe"].note


def test_every_file_is_covered_above():
    covered = {
        "google-csv-2014-crlf-multiline.csv",
        "google-csv-2014-utf8bom-derived.csv",
        "linkedin-connections.csv",
        "outlook-2000-en-cp1252-synthetic-rows.csv",
        "outlook-com-2016-export.csv",
        "thunderbird-17-export.csv",
        "thunderbird-export-bare-cr.csv",
        "thunderbird-format-utf16le-bom.csv",
    }
    assert {p.name for p in CSV_DIR.glob("*.csv")} <= covered


def test_every_record_read_from_every_file_can_be_stored(db):
    from favorbook.services import contacts

    stored = 0
    for path in sorted(CSV_DIR.glob("*.csv")):
        for record in read_csv(path).records:
            if record.contact is None:
                assert record.problem
                continue
            cid = contacts.create_contact(record.contact)
            if record.note:
                contacts.add_note(cid, record.note)
            stored += 1
    assert stored == 18


def test_thunderbird_columns_without_a_field_are_kept_in_the_note_and_reported():
    parsed, contacts, _skipped = read("thunderbird-17-export.csv")
    bob = contacts["Bob Dole"]
    # Display Name, Nickname and Department have fields of their own.
    assert (bob.contact.nickname, bob.contact.department) == ("Aka The Bananna", "department1")
    for line in (
        "Screen Name: Dolescreen-name",
        "Custom 1: custom1",
        "Custom 2: custom2",
        "Custom 3: testing",
    ):
        assert line in bob.note.splitlines()
    assert bob.note.startswith("notes ok yes notes\n")
    assert parsed.warnings == [
        "kept in each contact's note, as favorbook has no field for them: "
        "Screen Name, Custom 1, Custom 2, Custom 3"
    ]
    # What the reader moved to the note is said, as vCard import says it.
    assert bob.warnings == [
        "line 4: “faxnum12334” (Fax Number) is not a phone number; kept in the note",
        "line 4: “pager1234” (Pager Number) is not a phone number; kept in the note",
    ]


def test_google_relations_events_and_custom_fields_keep_their_type():
    parsed, contacts, _skipped = read("google-csv-2014-crlf-multiline.csv")
    note = contacts["test contact"].note.splitlines()
    assert note[0] == "notes data"
    for line in (
        "Relation 1 (Child): child data",
        "Relation 3 (Spouse): spouse data",
        "Event 1 (Anniversary): 0002-01-03",
        "Custom Field 1 (custom field): custom custom field data",
    ):
        assert line in note
    person = contacts["test contact"].contact
    assert (person.phonetic_first_name, person.name_prefix) == ("phonetic-first", "name-prefix")
    assert person.full_name == "test contact"  # Google's Name column: the name shown
    assert parsed.warnings[-1] == (
        "not imported (they repeat other columns): "
        "Address 1 - Formatted, Address 2 - Formatted, Address 3 - Formatted"
    )


@pytest.mark.parametrize("name", sorted(p.name for p in CSV_DIR.glob("*.csv")))
def test_no_value_of_any_file_is_dropped_without_a_word(name):
    """Every non-empty cell is read into a field, kept in the note, or its column is named
    in the report as not imported."""
    from favorbook.formats import csv_import

    parsed = read_csv(CSV_DIR / name)
    table = csv_import._table(csv_import.decode(CSV_DIR / name), name)
    _fmt, mapping = csv_import._detect(table.headers)
    columns = csv_import._columns(table.headers, mapping)
    paired = csv_import._paired_types(columns)
    named = " ".join(parsed.warnings)
    records = {r.position: r for r in parsed.records}
    for line, cells in table.rows:
        record = records[f"line {line}"]
        if record.contact is None:
            continue
        for header, cell in zip(table.headers, cells, strict=False):
            value = cell.strip()
            if not value or value in csv_import._EMPTY_DATES:
                continue
            target = mapping.get(header, "ignore")
            if target == "note" and value.lower() in csv_import._DEFAULTS.get(
                csv_import._norm(header), ()
            ):
                continue
            if target == "note" or table.headers.index(header) in paired:
                assert value in record.note, (header, value)
            elif target == "ignore":
                assert header in named, (header, value)
