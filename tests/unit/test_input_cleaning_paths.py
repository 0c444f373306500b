"""Every way into favorbook cleans a contact's one-line fields the same way: bidi controls
and zero-width characters are removed (contacts.validated), so no name, organization or
email coming from a form, a vCard, a CSV or a CardDAV server can pose as something else."""

from __future__ import annotations

from favorbook.formats import importer
from favorbook.services import contacts, importing

RLO, ZWSP, LRI, PDI = "\u202e", "\u200b", "\u2066", "\u2069"


def _imported(path) -> contacts.ContactDetail:
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    (added,) = report.added
    return contacts.get_contact(added["contact_id"])


def test_vcard_import_removes_them(db, tmp_path):
    path = tmp_path / "spoof.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:Pay{RLO}exe.tnemtsevni\r\nN:{RLO}exe.tnemtsevni;Pay{ZWSP};;;\r\n"
        f"ORG:{LRI}Acme{PDI}\r\nEMAIL:pay{ZWSP}@example.com\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    c = _imported(path)
    assert (c.first_name, c.last_name) == ("Pay", "exe.tnemtsevni")
    assert c.organization == "Acme"
    assert [e.value for e in c.emails] == ["pay@example.com"]
    assert RLO not in c.display_name and ZWSP not in c.display_name


def test_csv_import_removes_them(db, tmp_path):
    path = tmp_path / "spoof.csv"
    path.write_text(
        "First Name,Last Name,Company,E-mail Address\n"
        f"Ann{ZWSP},{RLO}eeL,{LRI}Acme{PDI},ann{ZWSP}@example.com\n",
        encoding="utf-8",
    )
    c = _imported(path)
    assert (c.first_name, c.last_name, c.organization) == ("Ann", "eeL", "Acme")
    assert [e.value for e in c.emails] == ["ann@example.com"]


def test_carddav_input_removes_them(db):
    from favorbook.sync import vcard_fields

    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:spoof-1\r\n"
        f"FN:Ann{RLO} Lee\r\nN:Lee;Ann{RLO};;;\r\nORG:{LRI}Acme{PDI}\r\n"
        f"EMAIL:ann{ZWSP}@example.com\r\nEND:VCARD\r\n"
    )
    fields = vcard_fields.card_fields(card)
    assert fields["name"] == ["Ann", "Lee"] and fields["organization"] == "Acme"
    c = contacts.get_contact(vcard_fields.apply(fields, uid="spoof-1"))
    assert (c.first_name, c.last_name, c.organization) == ("Ann", "Lee", "Acme")
    assert [e.value for e in c.emails] == ["ann@example.com"]
    # What the server sent compares equal to what was stored: no change to push back.
    assert vcard_fields.card_fields(vcard_fields.local_card(c.id))["name"] == fields["name"]


def test_import_keeps_a_local_number_as_typed_and_says_so(db, tmp_path):
    path = tmp_path / "local.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
        "TEL;TYPE=WORK:555 0199\r\nTEL;TYPE=CELL:+1 415 555 0100\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    c = contacts.get_contact(report.added[0]["contact_id"])
    assert [p.value for p in c.phones] == ["555 0199", "+14155550100"]
    (warning,) = report.warnings
    assert "555 0199" in warning["message"] and "area code" in warning["message"]
