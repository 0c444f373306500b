"""What vendor files hold comes through: undeclared encodings, the name a card shows and
its details, the file's own UID, odd lines, sniffing, and caps on what one card holds."""

from __future__ import annotations

import base64
import zipfile

import pytest

from favorbook.cli import main
from favorbook.errors import NotAContactFile
from favorbook.formats import importer, vcard
from favorbook.services import contacts, importing

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8


def run_import(path):
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    return report, [contacts.get_contact(a["contact_id"]) for a in report.added]


def card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


# --- encodings the file does not declare ---------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_either_byte_order(db, tmp_path, codec):
    path = tmp_path / "phone.vcf"
    path.write_bytes(card("FN:Jörg Weiß", "N:Weiß;Jörg;;;", "TEL:+49 30 1234567").encode(codec))
    report, [d] = run_import(path)
    assert (d.first_name, d.last_name) == ("Jörg", "Weiß")
    assert d.phones[0].value == "+49301234567"


def test_shift_jis_csv_without_a_declaration_reads_japanese_names(db, tmp_path):
    path = tmp_path / "keitai.csv"
    rows = (
        "First Name,Last Name,E-mail Address\r\n"
        "太郎,山田,taro@example.jp\r\n花子,佐藤,h@example.jp\r\n"
    )
    path.write_bytes(rows.encode("shift_jis"))
    report, details = run_import(path)
    assert sorted(d.display_name for d in details) == ["太郎 山田", "花子 佐藤"]


def test_latin2_quoted_printable_without_charset_is_not_read_as_latin1(db, tmp_path):
    path = tmp_path / "old-phone.vcf"
    name = "Łukasz Świętochowski"
    qp = "".join(f"={b:02X}" if b > 127 else chr(b) for b in name.encode("iso8859_2"))
    family = "".join(f"={b:02X}" if b > 127 else chr(b) for b in "Žluťák".encode("iso8859_2"))
    given = "".join(f"={b:02X}" if b > 127 else chr(b) for b in "Šimon".encode("iso8859_2"))
    path.write_bytes(
        (
            card(f"FN;ENCODING=QUOTED-PRINTABLE:{qp}", version="2.1")
            + card(f"N;ENCODING=QUOTED-PRINTABLE:{family};{given}", version="2.1")
        ).encode("ascii")
    )
    report, details = run_import(path)
    assert sorted(d.display_name for d in details) == ["Łukasz Świętochowski", "Šimon Žluťák"]


def test_a_weak_guess_is_a_warning_in_the_report(db, tmp_path):
    path = tmp_path / "few.csv"
    path.write_bytes("First Name,Last Name\r\nAna,Peña\r\n".encode("cp1252"))
    report, details = run_import(path)
    assert details  # read in one of the candidates
    assert any(
        w["position"] == "file" and "does not say its text encoding" in w["message"]
        for w in report.warnings
    )


def test_a_clear_guess_gives_no_warning(db, tmp_path):
    path = tmp_path / "cz.csv"
    text = "First Name,Last Name\r\nŽofie,Šťastná\r\nŠimon,Žižka\r\nŤopka,Šťovíček\r\n"
    path.write_bytes(text.encode("iso8859_2"))
    report, details = run_import(path)
    assert sorted(d.last_name for d in details) == ["Šťastná", "Šťovíček", "Žižka"]
    assert not report.warnings


# --- the name shown and its details ----------------------------------------------------------


def test_fn_is_the_name_shown_and_n_keeps_prefix_and_suffix(db, tmp_path):
    path = tmp_path / "names.vcf"
    path.write_text(
        card("FN:Ann Lee (Acme buying)", "N:Lee;Ann;;Dr.;PhD")
        + card("FN:Mr. Bo Chan Jr.", "N:Chan;Bo;;Mr.;Jr.")
        + card("FN:Cy Abe")
    )
    report, details = run_import(path)
    ann, bo, cy = sorted(details, key=lambda d: d.first_name)
    assert ann.display_name == "Ann Lee (Acme buying)"
    assert (ann.name_prefix, ann.name_suffix) == ("Dr.", "PhD")
    assert bo.display_name == "Mr. Bo Chan Jr." and bo.full_name == ""  # built from the parts
    assert (cy.first_name, cy.last_name, cy.display_name) == ("Cy", "Abe", "Cy Abe")


def test_a_card_whose_only_real_name_is_fn_keeps_it(db, tmp_path):
    path = tmp_path / "fn.vcf"
    path.write_text(card("FN:Dr. Ingrid van der Berg", "N:Berg;;;;", "EMAIL:i@example.com"))
    report, [d] = run_import(path)
    assert d.display_name == "Dr. Ingrid van der Berg"
    assert d.last_name == "Berg"


def test_nickname_role_im_phonetic_org_units_and_label_addresses_are_kept(db, tmp_path):
    path = tmp_path / "details.vcf"
    path.write_text(
        card(
            "FN:Kenji Sato",
            "N:Sato;Kenji;;;",
            "NICKNAME:Ken",
            "ROLE:Decision maker",
            "ORG:ABC\\, Inc.;North American Division;Marketing",
            "X-PHONETIC-FIRST-NAME:けんじ",
            "X-PHONETIC-LAST-NAME:さとう",
            "IMPP;X-SERVICE-TYPE=Jabber;type=HOME:xmpp:ken@jabber.example",
            "X-AIM;type=pref:kensato",
            "X-SKYPE:ken.sato",
            "LABEL;TYPE=WORK:1 Main St\\nSpringfield\\, IL 62701",
        )
        + card("FN:Mia Lund", "SORT-STRING:Lund", "ORG:Lund AB")
    )
    report, details = run_import(path)
    ken, mia = sorted(details, key=lambda d: d.first_name)
    assert ken.nickname == "Ken" and ken.role == "Decision maker"
    assert (ken.organization, ken.department) == ("ABC, Inc.", "North American Division; Marketing")
    assert (ken.phonetic_first_name, ken.phonetic_last_name) == ("けんじ", "さとう")
    links = {(k.label, k.value) for k in ken.links}
    assert {
        ("Jabber", "xmpp:ken@jabber.example"),
        ("AIM", "aim:kensato"),
        ("Skype", "skype:ken.sato"),
    } <= links
    assert [(a.label, a.street) for a in ken.addresses] == [
        ("work", "1 Main St\nSpringfield, IL 62701")
    ]
    assert mia.phonetic_last_name == "Lund"

    out = tmp_path / "out.vcf"
    vcard.write_vcards(out, [ken.id])
    text = out.read_text()
    for line in (
        "NICKNAME:Ken",
        "ROLE:Decision maker",
        "ORG:ABC\\, Inc.;North American Division;Marketing",
        "X-PHONETIC-FIRST-NAME:けんじ",
        'IMPP;X-SERVICE-TYPE="Jabber":xmpp:ken@jabber.example',
        'IMPP;X-SERVICE-TYPE="AIM":aim:kensato',
    ):
        assert line in text
    again = vcard.read_vcards(out.read_bytes()).records[0].contact
    for field in contacts.NAME_DETAILS:
        assert getattr(again, field) in (getattr(ken, field), "Kenji Sato"), field
    assert {(k.label, k.value) for k in again.links} == links


def test_an_address_given_as_both_adr_and_label_is_one_address(db, tmp_path):
    path = tmp_path / "outlook.vcf"
    path.write_text(
        card(
            "N:Lee;Ann",
            "ADR;WORK:;;1 Main St;Springfield;IL;62701;USA",
            "LABEL;WORK;ENCODING=QUOTED-PRINTABLE:1 Main St=0D=0ASpringfield, IL 62701",
            version="2.1",
        )
    )
    report, [d] = run_import(path)
    assert [a.city for a in d.addresses] == ["Springfield"]


def test_name_details_survive_the_sync_card(db):
    from favorbook.sync import vcard_fields as vf

    cid = contacts.create_contact(
        contacts.ContactInput(
            first_name="Ann",
            last_name="Lee",
            organization="Acme",
            full_name="Ann Lee (Acme)",
            nickname="Annie",
            role="Buyer",
            department="Sales; East",
            phonetic_last_name="Lii",
            name_suffix="PhD",
        )
    )
    fields = vf.card_fields(vf.local_card(cid))
    assert fields["full_name"] == "Ann Lee (Acme)" and fields["nickname"] == "Annie"
    assert fields["department"] == "Sales; East" and fields["name_suffix"] == "PhD"
    fields["nickname"] = "Ann"
    vf.apply(fields, cid)
    assert contacts.get_contact(cid).nickname == "Ann"
    assert contacts.get_contact(cid).display_name == "Ann Lee (Acme)"


# --- the file's own UID ----------------------------------------------------------------------


def test_the_files_uid_is_kept_and_exported_back(db, tmp_path):
    path = tmp_path / "phone.vcf"
    path.write_text(
        card("FN:Ann Lee", "UID:0F1E2D3C-AAAA-4BBB-8CCC-123456789ABC")
        + card("FN:Bo Chan", "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1")
    )
    report, details = run_import(path)
    uids = {d.uid for d in details}
    assert uids == {
        "0F1E2D3C-AAAA-4BBB-8CCC-123456789ABC",
        "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
    }
    out = tmp_path / "back.vcf"
    vcard.write_vcards(out)
    assert b"UID:0F1E2D3C-AAAA-4BBB-8CCC-123456789ABC\r\n" in out.read_bytes()
    # The export read back matches by UID: no duplicates.
    report = importing.apply_import(importing.plan_import(importer.read_file(out)))
    assert not report.added and len(report.updated) == 2


def test_a_uid_another_contact_has_gives_a_new_one(db, tmp_path):
    mine = contacts.get_contact(contacts.create_contact(contacts.ContactInput("Old", "One")))
    path = tmp_path / "clash.vcf"
    path.write_text(card("FN:New Person", "EMAIL:new@example.com", f"UID:{mine.uid}"))
    plan = importing.plan_import(importer.read_file(path))
    report = importing.apply_import(plan, {0: importing.ADD})
    added = contacts.get_contact(report.added[0]["contact_id"])
    assert added.uid != mine.uid


# --- lines that are not what they seem --------------------------------------------------------


def test_comment_lines_are_no_part_of_a_note_and_stray_lines_are_warned(db, tmp_path):
    path = tmp_path / "odd.vcf"
    path.write_text(
        card(
            "FN:Ann Lee",
            "NOTE:Met at the fair",
            "# exported by a script",
            "EMAIL:ann@example.com",
            "this line is no property",
        )
    )
    report, [d] = run_import(path)
    assert [n.body for n in d.notes] == ["Met at the fair"]
    assert [e.value for e in d.emails] == ["ann@example.com"]
    assert any("this line is no property" in w["message"] for w in report.warnings)


def test_custom_link_labels_keep_their_case(db, tmp_path):
    path = tmp_path / "labels.vcf"
    path.write_text(
        card(
            "FN:Ann Lee",
            "item1.URL:https://ann.example",
            "item1.X-ABLabel:_$!<HomePage>!$_",
            "item2.URL:https://github.com/ann",
            "item2.X-ABLabel:GitHub",
        )
    )
    report, [d] = run_import(path)
    assert [(k.label, k.value) for k in d.links] == [
        ("homepage", "https://ann.example"),
        ("GitHub", "https://github.com/ann"),
    ]
    out = tmp_path / "out.vcf"
    vcard.write_vcards(out, [d.id])
    assert "X-ABLabel:GitHub" in out.read_text()


# --- sniffing ---------------------------------------------------------------------------------


def test_a_card_after_many_blank_lines_is_read(db, tmp_path):
    path = tmp_path / "blank.vcf"
    path.write_text("\r\n" * 10_000 + card("FN:Ann Lee"))
    report, [d] = run_import(path)
    assert d.display_name == "Ann Lee"


def test_a_zip_named_vcf_is_not_a_vcard_or_csv_file(db, tmp_path):
    path = tmp_path / "contacts.vcf"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("contacts.vcf", card("FN:Ann Lee"))
    with pytest.raises(NotAContactFile, match="not a vCard or CSV file"):
        importer.read_file(path)
    binary = tmp_path / "photo.vcf"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(NotAContactFile, match="not a vCard or CSV file"):
        importer.read_file(binary)


@pytest.mark.parametrize("fmt", ["vcf", "csv"])
def test_an_empty_export_imports_with_exit_0(db, tmp_path, fmt, capsys):
    out = tmp_path / f"empty.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0
    assert main(["import", str(out)]) == 0
    assert "0 added, 0 updated, 0 skipped" in capsys.readouterr().out


# --- caps and linear unfolding ------------------------------------------------------------------


def _folded(name: str, value: str) -> str:
    line = f"{name}:{value}"
    return "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74))


def test_a_folded_photo_is_unfolded_once_piece_by_piece(monkeypatch):
    """Linear work: every continuation line is added once, each property is joined once."""
    photo = JPEG * 200  # 0.4 MB, 7,600 folded lines
    text = card(_folded("PHOTO;ENCODING=b;TYPE=JPEG", base64.b64encode(photo).decode()), "FN:A B")
    adds, joins = [], []
    add, close = vcard._Unfolder._add, vcard._Unfolder._close
    monkeypatch.setattr(
        vcard._Unfolder, "_add", lambda self, p: (adds.append(len(p)), add(self, p))
    )
    monkeypatch.setattr(vcard._Unfolder, "_close", lambda self: (joins.append(1), close(self)))
    record = vcard.read_vcards(text.encode()).records[0]
    assert record.photo == photo
    physical = text.count("\r\n ")
    assert len(adds) == physical and sum(adds) < len(text)
    assert len(joins) == 4  # one close a property (VERSION, PHOTO, FN), one before the first


def test_a_huge_note_is_skipped_with_its_reason_in_bounded_memory(db, tmp_path):
    import tracemalloc

    def peak_reading(size: int) -> tuple[int, importing.ImportReport]:
        path = tmp_path / f"note{size}.vcf"
        path.write_text(card("FN:Ann Lee", _folded("NOTE", "x" * size)) + card("FN:Bo Chan"))
        tracemalloc.start()
        parsed = importer.read_file(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak, importing.apply_import(importing.plan_import(parsed))

    small_peak, report = peak_reading(3_000_000)
    assert [a["name"] for a in report.added] == ["Bo Chan"]
    big_peak, report = peak_reading(12_000_000)
    assert "card 1: its note is 12.0 MB long" in report.skipped[0]["reason"]
    # What is held is bounded by the caps, not by the note: 4x the note, same memory.
    assert big_peak < 1.5 * small_peak + 1_000_000
    assert big_peak < 12_000_000


def test_too_many_emails_skip_the_card_and_a_huge_photo_is_left_out(db, tmp_path):
    path = tmp_path / "caps.vcf"
    emails = [f"EMAIL:p{i}@example.com" for i in range(vcard.MAX_VALUES + 1)]
    big = base64.b64encode(JPEG * (vcard.MAX_PHOTO_BYTES // len(JPEG) + 10)).decode()
    path.write_text(
        card("FN:Spam Card", *emails)
        + card("FN:Ann Lee", _folded("PHOTO;ENCODING=b;TYPE=JPEG", big))
    )
    report, [ann] = run_import(path)
    assert report.skipped[0]["reason"].startswith("card 1: holds 101 email addresses")
    assert ann.display_name == "Ann Lee" and contacts.photo_of(ann.id) is None
    assert any("photo" in w["message"] and "left out" in w["message"] for w in report.warnings)


def test_a_nickname_and_a_department_find_the_contact(db):
    from favorbook.services import search

    cid = contacts.create_contact(
        contacts.ContactInput("Kenji", "Sato", nickname="Kenny", department="Marketing")
    )
    assert cid in search.search_ids("Kenny")
    assert cid in search.search_ids("marketing")


def test_csv_export_has_name_detail_columns_only_when_a_contact_has_one(db, tmp_path):
    import csv

    from favorbook.formats.csv_export import write_contacts

    plain = contacts.create_contact(contacts.ContactInput("Bo", "Chan"))
    out = tmp_path / "plain.csv"
    write_contacts(out, [plain])
    header = next(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert "Nickname" not in header and "Department" not in header
    ken = contacts.create_contact(
        contacts.ContactInput("Kenji", "Sato", nickname="Ken", department="Marketing")
    )
    write_contacts(out, [plain, ken])
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["Nickname"], r["Department"]) for r in rows] == [("", ""), ("Ken", "Marketing")]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Antonín Dvořák, Brno", "iso8859_2"),
        ("Łukasz Wróblewski, Kraków", "iso8859_2"),
        ("Jörg Müller-Lüdenscheidt, Ana Núñez Peña", "cp1252"),
        ("Ångström Øre, Straße", "cp1252"),
        ("Ελένη Παπαδοπούλου", "cp1253"),
        ("Владимир Иванович Петров, Москва, ул. Тверская", "koi8_r"),
        ("佐藤 花子 東京商事 営業部長 鈴木 一郎 大阪物産 ゴルフが好き", "shift_jis"),
    ],
)
def test_the_guess_reads_names_in_their_own_code_page(text, codec):
    from favorbook.formats import encoding

    data = text.encode(codec)
    guess = encoding.guess(encoding.non_ascii_lines(data))
    assert data.decode(guess.encoding) == text
    assert not guess.weak


def test_upgrading_a_synced_database_takes_the_name_details_from_the_last_synced_card(
    data_dir,
):
    """Without this, the first sync after the upgrade would take FN, N's prefix and ORG's
    units off the server (favorbook had never stored them)."""
    import sqlite3
    from pathlib import Path

    from favorbook.services import session

    fixture = Path(__file__).parents[1] / "fixtures" / "schema_v5.sql"
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / "favorbook.db")
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.execute(
        "INSERT INTO organization (id, name, created_at) VALUES (900, 'Acme', '2026-11-01')"
    )
    conn.execute(
        "INSERT INTO contact (id, uid, first_name, last_name, display_name, sort_name, title,"
        " kind, how_met, needs, goals, offers, is_sample, created_at, updated_at,"
        " organization_id) VALUES (900, 'srv-900', 'Ann', 'Lee', 'Ann Lee', 'lee, ann', '',"
        " 'other', '', '', '', '', 0, '2026-11-01 09:00:00', '2026-11-01 09:00:00', 900)"
    )
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:srv-900\r\nFN:Ann Lee (Acme buying)\r\n"
        "N:Lee;Ann;;Dr.;PhD\r\nORG:Acme;Purchasing;\r\n East\r\n"
        "item1.URL:https://github.com/ann\r\nitem1.X-ABLabel:GitHub\r\nEND:VCARD\r\n"
    )
    conn.execute(
        "INSERT INTO contact_link (contact_id, label, url, position)"
        " VALUES (900, 'github', 'https://github.com/ann', 0)"
    )
    conn.execute(
        "INSERT INTO sync_item (collection_id, uid, href, etag, base_text, contact_id, dirty,"
        " deleted) VALUES (1, 'srv-900', '/rep/contacts/srv-900.vcf', '\"e\"', ?, 900, 0, 0)",
        (card,),
    )
    conn.commit()
    conn.close()
    session.open_data(data_dir)
    try:
        ann = contacts.get_contact(900)
        assert ann.display_name == "Ann Lee (Acme buying)"
        assert (ann.name_prefix, ann.name_suffix) == ("Dr.", "PhD")
        assert ann.department == "Purchasing; East"
        assert [k.label for k in ann.links] == ["GitHub"]
        from favorbook.sync import vcard_fields as vf
        from favorbook.sync.merge import same

        # The card favorbook would send now is the one the server has: nothing to push.
        assert same(vf.card_fields(card), vf.card_fields(vf.local_card(900)))
    finally:
        session.close()
