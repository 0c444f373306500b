"""Reading contacts from CSV files: encodings, delimiters, column guessing, rows and dates."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from favorbook.errors import NotAContactFile
from favorbook.formats import csv_import
from favorbook.formats.csv_import import guess_mapping, parse_date, preview_rows, read_csv


@pytest.fixture(autouse=True)
def _us_numbers(monkeypatch):
    # Numbers written without a country code are read in the locale's region.
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


def write(tmp_path, text: str, *, encoding="utf-8", name="contacts.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SIMPLE = "First Name,Last Name,Email,Phone\r\nAnn,Lee,ann@example.com,+1 415 555 0100\r\n"


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("cp1252", b""),
    ],
)
def test_decode_reads_every_encoding_contact_programs_write(tmp_path, encoding, prefix):
    text = "First Name,Last Name\r\nJörg,Müller – Café\r\n"
    path = tmp_path / "x.csv"
    path.write_bytes(prefix + text.encode(encoding))
    assert csv_import.decode(path) == text
    record = read_csv(path).records[0]
    assert (record.contact.first_name, record.contact.last_name) == ("Jörg", "Müller – Café")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_found_from_the_header(tmp_path, delimiter):
    text = SIMPLE.replace(",", delimiter)
    contact = read_csv(write(tmp_path, text)).records[0].contact
    assert contact.emails[0].value == "ann@example.com"
    assert contact.phones[0].value == "+14155550100"


def test_guess_mapping_knows_common_column_names():
    mapping = guess_mapping(
        [
            "Name",
            "Vorname",
            "Surname",
            "Company",
            "Job Title",
            "E-mail 2 Address",
            "Email 1 Label",
            "Mobile Number",
            "Work Phone",
            "Web Page",
            "Home City",
            "Business Postal Code",
            "Business Country/Region",
            "Home Street 2",
            "State",
            "Categories",
            "Birthday",
            "Notes",
            "How we met",
            "Gender",
            "Custom 1",
            "E-mail Display Name",
            "Address 1 - Formatted",
            "Middle Name",
            "",
        ]
    )
    assert list(mapping.values()) == [
        "full_name",
        "first_name",
        "last_name",
        "organization",
        "title",
        "emails",
        "label",
        "phones",
        "phones",
        "links",
        "city",
        "postcode",
        "country",
        "street",
        "region",
        "tags",
        "birthday",
        "note",
        "how_met",
        "note",  # no field for it: kept in the note, never dropped unseen
        "note",
        "ignore",  # repeats the email, the address parts
        "ignore",
        "middle_name",
        "ignore",
    ]
    assert set(mapping.values()) <= set(csv_import.COLUMN_TARGETS)


def test_generic_rows_become_contacts_with_labels_addresses_and_real_line_numbers(tmp_path):
    text = (
        "Name,Organisation,Email 1,Email 1 Label,Phone,Street,City,Country,Tags,Notes\n"
        'Ann Lee,Acme,ann@example.com,work,+1 415 555 0100,"1 Main St\nSuite 2",Springfield,'
        'USA,"vip, golf",Met at the fair\n'
        "Bo Chen,,bo@example.com;bo@home.example,private,,,,,,\n"
    )
    parsed = read_csv(write(tmp_path, text))
    assert parsed.format == "csv"
    first, second = parsed.records
    assert first.position == "line 2"
    assert second.position == "line 4"  # the quoted street spans two lines
    ann = first.contact
    assert (ann.first_name, ann.last_name, ann.organization) == ("Ann", "Lee", "Acme")
    assert [(e.value, e.label) for e in ann.emails] == [("ann@example.com", "work")]
    assert ann.addresses[0].street == "1 Main St\nSuite 2"
    assert ann.addresses[0].city == "Springfield"
    assert ann.tags == ["vip", "golf"]
    assert first.note == "Met at the fair"
    assert [e.value for e in second.contact.emails] == ["bo@example.com", "bo@home.example"]
    assert [e.label for e in second.contact.emails] == ["private", "private"]


def test_values_favorbook_cannot_store_are_kept_in_the_note(tmp_path):
    text = "First Name,Work Phone,Email,Birthday\nAnn,call me,not-an-email,someday\n"
    record = read_csv(write(tmp_path, text)).records[0]
    assert record.contact.phones == [] and record.contact.emails == []
    assert record.contact.birthday is None
    assert "Work Phone: call me (not a phone number)" in record.note
    assert "Email: not-an-email (not an email address)" in record.note
    assert "Birthday: someday" in record.note


def test_rows_without_a_name_are_skipped_with_the_reason(tmp_path):
    text = "First Name,Email\n,only@example.com\n,,\nAnn,\n"
    records = read_csv(write(tmp_path, text)).records
    assert [r.position for r in records] == ["line 2", "line 4"]
    assert records[0].contact is None
    assert records[0].problem == "no name or organisation (only@example.com)"
    assert records[1].contact.first_name == "Ann"


def test_a_file_without_contact_columns_is_not_a_contact_file(tmp_path):
    path = write(tmp_path, "date,amount\n2024-01-01,12\n", name="sales.csv")
    with pytest.raises(NotAContactFile, match="sales.csv"):
        read_csv(path)


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02\x03" * 50, b"\x89PNG\r\n\x1a\n"])
def test_empty_or_binary_files_are_not_contact_files(tmp_path, data):
    path = tmp_path / "photo.csv"
    path.write_bytes(data)
    with pytest.raises(NotAContactFile, match="photo.csv"):
        read_csv(path)


def test_a_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(NotAContactFile, match="gone.csv"):
        read_csv(tmp_path / "gone.csv")


def test_an_explicit_mapping_is_used_as_given(tmp_path):
    text = "Col A,Col B,Col C\nAnn,Acme,golfer\n"
    path = write(tmp_path, text)
    with pytest.raises(NotAContactFile):
        read_csv(path)
    mapping = {"Col A": "full_name", "Col B": "organization", "Col C": "needs"}
    contact = read_csv(path, mapping).records[0].contact
    assert (contact.first_name, contact.organization, contact.needs) == ("Ann", "Acme", "golfer")


def test_full_names_are_split_into_first_and_last(tmp_path):
    text = 'Name\nAnn Marie Lee\n"Chen, Bo"\nMadonna\n'
    contacts = [r.contact for r in read_csv(write(tmp_path, text)).records]
    assert [(c.first_name, c.last_name) for c in contacts] == [
        ("Ann Marie", "Lee"),
        ("Bo", "Chen"),
        ("Madonna", ""),
    ]


@pytest.mark.parametrize(
    "text, day_first, expected",
    [
        ("1975-03-14", False, "1975-03-14"),
        ("19750314", False, "1975-03-14"),
        ("3/14/1975", False, "1975-03-14"),
        ("3/14/75", False, "1975-03-14"),
        ("14/3/1975", True, "1975-03-14"),
        ("14.03.1975", True, "1975-03-14"),
        ("--03-14", False, "--03-14"),
        ("--0314", False, "--03-14"),
        ("0000-03-14", False, "--03-14"),
        ("   1-01-01", False, "--01-01"),
        ("15 Mar 2024", True, "2024-03-15"),
        ("March 15, 2024", False, "2024-03-15"),
        ("0/0/00", False, None),
        ("2/30/1990", False, None),
        ("soon", False, None),
        ("", False, None),
    ],
)
def test_dates_in_the_forms_contact_programs_write(text, day_first, expected):
    assert parse_date(text, day_first=day_first) == expected


def test_day_first_is_decided_per_file(tmp_path):
    us = "Name,Birthday\nAnn Lee,3/4/1980\nBo Chen,12/25/1990\n"
    eu = "Name,Birthday\nAnn Lee,3/4/1980\nBo Chen,25/12/1990\n"
    assert [r.contact.birthday for r in read_csv(write(tmp_path, us)).records] == [
        "1980-03-04",
        "1990-12-25",
    ]
    assert [r.contact.birthday for r in read_csv(write(tmp_path, eu, name="eu.csv")).records] == [
        "1980-04-03",
        "1990-12-25",
    ]


def test_google_multi_values_are_split_and_paired_with_their_types(tmp_path):
    text = (
        "Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
        "Phone 1 - Type,Phone 1 - Value\n"
        "Ann,Lee,* myContacts ::: Clients ::: * Starred,* Home ::: Work,"
        "a@home.example ::: a@work.example,Mobile,+1 415 555 0100\n"
    )
    parsed = read_csv(write(tmp_path, text))
    assert parsed.format == "csv-google"
    contact = parsed.records[0].contact
    assert [(e.value, e.label) for e in contact.emails] == [
        ("a@home.example", "home"),
        ("a@work.example", "work"),
    ]
    assert [(p.value, p.label) for p in contact.phones] == [("+14155550100", "mobile")]
    assert contact.tags == ["Clients", "Starred"]  # Google's own group is no tag


def test_new_style_google_header_is_recognised(tmp_path):
    text = (
        "First Name,Middle Name,Last Name,Organization Name,Organization Title,Labels,"
        "E-mail 1 - Label,E-mail 1 - Value,Birthday\n"
        "Ann,M,Lee,Acme,Buyer,* myContacts ::: VIP,* Work,ann@acme.example,--05-17\n"
    )
    parsed = read_csv(write(tmp_path, text))
    contact = parsed.records[0].contact
    assert parsed.format == "csv-google"
    assert (contact.first_name, contact.last_name) == ("Ann M", "Lee")  # as vCard's N does
    assert (contact.organization, contact.title) == ("Acme", "Buyer")
    assert [(e.value, e.label) for e in contact.emails] == [("ann@acme.example", "work")]
    assert contact.tags == ["VIP"]
    assert contact.birthday == "--05-17"


def test_escaped_cells_from_favorbooks_export_are_read_back(tmp_path):
    text = "First Name,Notes\nAnn,'=1+1\n"
    assert read_csv(write(tmp_path, text)).records[0].note == "=1+1"


def test_preview_rows_gives_the_header_and_padded_rows(tmp_path):
    text = 'Notes:\n"a sentence, with a comma"\n\nFirst Name,Last Name,Email\nAnn,Lee\n' + (
        "Bo,Chen,bo@example.com\n" * 30
    )
    headers, rows = preview_rows(write(tmp_path, text), n=5)
    assert headers == ["First Name", "Last Name", "Email"]
    assert len(rows) == 5
    assert rows[0] == ["Ann", "Lee", ""]


# --- property-based: nothing in a file makes the reader raise but NotAContactFile -------

HEADER_WORDS = [
    "Name",
    "First Name",
    "Last Name",
    "Email",
    "E-mail 1 - Value",
    "E-mail 1 - Type",
    "Phone",
    "Mobile Phone",
    "Company",
    "Birthday",
    "Tags",
    "Notes",
    "Street",
    "City",
    "Birth Month",
    "Birth Day",
    "Kind",
    "URL",
    "Connected On",
    "Group Membership",
    "E-mail Address",
    "Job Title",
    "",
]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_raise_nothing_but_not_a_contact_file(tmp_path, data):
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        parsed = read_csv(path)
    except NotAContactFile:
        return
    for record in parsed.records:
        assert (record.contact is None) != (record.problem == "")


cell_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["3/14/75", "--02-30", "0000-00-00", "+1 415 555 0100", "a@b.example", "x ::: y"]
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADER_WORDS), st.text(max_size=15)), max_size=8),
    rows=st.lists(st.lists(cell_text, max_size=9), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_random_headers_and_rows_raise_nothing_but_not_a_contact_file(
    tmp_path, headers, rows, delimiter, encoding
):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    try:
        parsed = read_csv(path)
    except NotAContactFile:
        return
    for record in parsed.records:
        if record.contact is not None:
            contact = record.contact
            assert contact.first_name or contact.last_name or contact.organization
            assert contact.kind in ("customer", "prospect", "partner", "vendor", "peer", "other")


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    headers=st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8),
    rows=st.lists(st.lists(cell_text, max_size=9), min_size=1, max_size=4),
)
def test_every_record_read_can_be_stored(db, tmp_path, headers, rows):
    import csv
    import io

    from favorbook.services import contacts

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        parsed = read_csv(path)
    except NotAContactFile:
        return
    for record in parsed.records:
        if record.contact is not None:
            contacts.create_contact(record.contact)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value", "csv-google"),
        ("First Name,Last Name,E-mail Address,Business Phone", "csv-outlook"),
        ("First Name,Last Name,URL,Email Address,Company,Position,Connected On", "csv-linkedin"),
        ("Vorname,Nachname,E-Mail-Adresse,Mobiltelefon", "csv"),
    ],
)
def test_detect_names_the_program_that_wrote_the_file(tmp_path, header, expected):
    path = write(tmp_path, header + "\n")
    fmt, mapping = csv_import.detect(path)
    assert fmt == expected
    assert "ignore" not in list(mapping.values())[:2]


def test_german_outlook_style_columns_are_guessed():
    assert list(
        guess_mapping(["Vorname", "Nachname", "E-Mail-Adresse", "Mobiltelefon"]).values()
    ) == [
        "first_name",
        "last_name",
        "emails",
        "phones",
    ]


def test_a_long_note_is_read_and_an_absurd_cell_skips_only_its_row(tmp_path):
    long_note = "word " * 60_000  # 300 KB, over csv's default field limit
    absurd = "x" * 1_500_000
    text = f'First Name,Notes\nAnn,"{long_note}"\nBo,{absurd}\nCy,short\n'
    records = read_csv(write(tmp_path, text)).records
    assert records[0].note == long_note.strip()
    assert records[1].contact is None and "Notes" in records[1].problem
    assert records[2].note == "short"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Name,Organization 1 - Name,Phone 1 - Value", "Acer America,Acer America,+1 949 555 0100"),
        ("First Name,Last Name,Company,Mobile Phone", "Acer America,,Acer America,+1 949 555 0100"),
        ("First Name,Last Name,Company,Mobile Phone", "Acer,America,ACER  America,+1 949 555 0100"),
        ("Display Name,Organization,Work Phone", "Acer America,Acer America,+1 949 555 0100"),
    ],
)
def test_a_row_naming_only_a_company_is_an_organisation_not_a_person(tmp_path, header, row):
    (record,) = read_csv(write(tmp_path, f"{header}\n{row}\n")).records
    c = record.contact
    assert (c.first_name, c.last_name) == ("", "")
    assert " ".join(c.organization.split()) in ("Acer America", "ACER America")


def test_a_person_at_a_company_keeps_their_name(tmp_path):
    text = "Name,Organization 1 - Name\nAcer Smith,Acer America\n"
    (record,) = read_csv(write(tmp_path, text)).records
    assert (record.contact.first_name, record.contact.last_name) == ("Acer", "Smith")


def test_columns_set_to_ignore_in_the_mapping_are_named_in_the_report(db, tmp_path):
    from favorbook.services import importing

    path = write(tmp_path, "Wer,Firma,Geheim,Leer\nAnn Lee,Acme,secret,\n")
    mapping = {"Wer": "full_name", "Firma": "note", "Geheim": "ignore", "Leer": "ignore"}
    parsed = read_csv(path, mapping)
    assert parsed.records[0].note == "Firma: Acme"
    assert parsed.warnings == [
        "kept in each contact's note, as favorbook has no field for them: Firma",
        "not imported (as chosen in the column mapping): Geheim",  # Leer held nothing
    ]
    report = importing.apply_import(importing.plan_import(parsed))
    assert [w["message"] for w in report.warnings if w["position"] == "file"] == parsed.warnings


def test_csv_import_warns_when_it_moves_a_value_to_the_note(db, tmp_path):
    from favorbook.formats import importer
    from favorbook.services import importing

    path = write(tmp_path, "First Name,E-mail Address,Mobile Phone\nAnn,ann@,call me\n")
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    assert [w["message"] for w in report.warnings] == [
        "line 2: “ann@” (E-mail Address) is not an email address; kept in the note",
        "line 2: “call me” (Mobile Phone) is not a phone number; kept in the note",
    ]
    (note,) = contacts_notes(report.added[0]["contact_id"])
    assert "ann@ (not an email address)" in note and "call me (not a phone number)" in note


def contacts_notes(cid):
    from favorbook.services import contacts

    return [n.body for n in contacts.get_contact(cid).notes]
