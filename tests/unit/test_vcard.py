"""vCard files as phones and address books write them, read into contacts; and written back."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from favorbook.formats.vcard import read_vcards, write_vcards
from favorbook.services import contacts


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def one(text: str | bytes):
    records = read_vcards(text if isinstance(text, bytes) else text.encode("utf-8")).records
    assert len(records) == 1
    return records[0]


def test_vcard_21_quoted_printable_with_soft_line_breaks_and_charset():
    card = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0A=\r\n"
        b"Zweite Zeile mit =C3=A4\r\n"
        b"ORG;CHARSET=windows-1252:Caf\xe9 Central\r\n"
        b"TEL;CELL;PREF:+49 30 1234567\r\n"
        b"END:VCARD\r\n"
    )
    record = one(card)
    assert (record.contact.first_name, record.contact.last_name) == ("Jürgen", "Müller")
    assert record.note == "Erste Zeile\nZweite Zeile mit ä"
    assert record.contact.organization == "Café Central"
    assert record.contact.phones[0].label == "mobile"


def test_folded_lines_typed_values_categories_and_related():
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ruiz\nN:Ruiz;Ana;;;\n"
        "ORG:Acme Corp;Sales\nTITLE:Head of\n  Purchasing\n"
        "EMAIL;TYPE=INTERNET,WORK:ana@acme.example\n"
        "TEL;TYPE=HOME,VOICE:+1 415 555 0101\n"
        "ADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;USA\n"
        "item1.URL:https://ana.example\nitem1.X-ABLabel:_$!<HomePage>!$_\n"
        "CATEGORIES:golf,Key accounts\n"
        "RELATED;TYPE=spouse;VALUE=text:Luis Ruiz\n"
        "X-SOCIALPROFILE;type=twitter:x.com/ana\n"
        "END:VCARD\n"
    )
    record = one(card)
    c = record.contact
    assert c.organization == "Acme Corp"
    assert c.title == "Head of Purchasing"
    assert [(e.value, e.label) for e in c.emails] == [("ana@acme.example", "work")]
    assert c.phones[0].label == "home"
    assert c.addresses[0].city == "Springfield" and c.addresses[0].label == "work"
    assert (c.links[0].value, c.links[0].label) == ("https://ana.example", "homepage")
    assert c.tags == ["golf", "Key accounts"]
    assert "Luis Ruiz (spouse)" in record.note
    assert "X-SOCIALPROFILE;type=twitter:x.com/ana" in record.extra["vcard"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-04-12", "1985-04-12"),
        ("19850412", "1985-04-12"),
        ("--0412", "--04-12"),
        ("--04-12", "--04-12"),
        ("1604-04-12", "--04-12"),
        ("1985-04-12T00:00:00Z", "1985-04-12"),
        ("sometime in spring", None),
    ],
)
def test_birthdays_with_and_without_year(value, expected):
    record = one(f"BEGIN:VCARD\nVERSION:3.0\nFN:Bo Day\nBDAY:{value}\nEND:VCARD\n")
    assert record.contact.birthday == expected


def test_photos_base64_in_30_and_data_uri_in_40():
    png = tiny_png()
    encoded = base64.b64encode(png).decode()
    v3 = one(
        "BEGIN:VCARD\nVERSION:3.0\nFN:P One\n"
        f"PHOTO;ENCODING=b;TYPE=PNG:{encoded[:30]}\n {encoded[30:]}\nEND:VCARD\n"
    )
    v4 = one(
        f"BEGIN:VCARD\nVERSION:4.0\nFN:P Two\nPHOTO:data:image/png;base64,{encoded}\nEND:VCARD"
    )
    v21 = one(
        "BEGIN:VCARD\nVERSION:2.1\nFN:P Three\n"
        f"PHOTO;ENCODING=BASE64;PNG:\n{encoded[:20]}\n{encoded[20:]}\n\nEND:VCARD\n"
    )
    assert v3.photo == png and v4.photo == png and v21.photo == png


def test_missing_n_or_fn_and_cards_without_any_name():
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Only Fullname\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nN:Lastonly;;;;\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nORG:Plumbing Inc\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nEMAIL:kim.park@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nNOTE:nothing to call this by\nEND:VCARD\n"
        "this is not a card at all\n"
        "BEGIN:VCARD\n\x00\x01garbage\nEND:VCARD\n"
    )
    records = read_vcards(text.encode()).records
    names = [
        (r.contact.first_name, r.contact.last_name, r.contact.organization) for r in records[:4]
    ]
    assert names == [
        ("Only", "Fullname", ""),
        ("", "Lastonly", ""),
        ("", "", "Plumbing Inc"),
        ("Kim", "Park", ""),
    ]
    assert records[4].contact is None and records[4].problem.startswith("card 5:")
    assert records[5].contact is None and "card 6" in records[5].problem


def test_never_raises_on_garbage():
    for data in (b"", b"\xff\xfe\x00", b"BEGIN:VCARD\n:::\n;;;\nEND:VCARD", bytes(range(256))):
        read_vcards(data)


def test_write_30_and_40_then_read_back(db, tmp_path):
    png = tiny_png()
    cid = contacts.create_contact(
        contacts.ContactInput(
            first_name="Zoë",
            last_name="O'Hara; Jr",
            organization="Smith, Jones & Co",
            title="CFO",
            emails=[contacts.Labeled("zoe@example.com", "work")],
            phones=[contacts.Labeled("+1 415 555 0199", "mobile")],
            links=[contacts.Labeled("https://example.com/zoe", "portfolio")],
            tags=["golf", "board"],
            birthday="--07-04",
            how_met="Trade fair",
        )
    )
    contacts.set_photo(cid, png)
    contacts.add_note(cid, "Likes long calls,\nafter 10am")
    contacts.add_note(cid, "Do not mention the lawsuit", private=True)
    for version in ("3.0", "4.0"):
        out = tmp_path / f"out-{version}.vcf"
        assert write_vcards(out, version=version) == 1
        raw = out.read_bytes()
        assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
        assert b"lawsuit" not in raw
        import vobject

        (parsed,) = vobject.readComponents(raw.decode("utf-8"))  # another reader agrees
        assert parsed.fn.value == "Zoë O'Hara; Jr"
        record = one(raw)
        c = record.contact
        assert (c.first_name, c.last_name) == ("Zoë", "O'Hara; Jr")
        assert c.organization == "Smith, Jones & Co"
        assert c.birthday == "--07-04"
        assert sorted(c.tags) == ["board", "golf"]
        assert (c.links[0].value, c.links[0].label) == ("https://example.com/zoe", "portfolio")
        assert c.how_met == "Trade fair"
        assert record.photo == png
        assert record.note == "Likes long calls,\nafter 10am"
        assert record.uid == contacts.get_contact(cid).uid
    assert b"data:image/png;base64," in (tmp_path / "out-4.0.vcf").read_bytes()
    assert b"PHOTO;ENCODING=b;TYPE=PNG:" in (tmp_path / "out-3.0.vcf").read_bytes()
    write_vcards(tmp_path / "private.vcf", include_private=True)
    assert "lawsuit" in one((tmp_path / "private.vcf").read_bytes()).note


def test_failed_export_keeps_the_old_file(db, tmp_path, make_contact, monkeypatch):
    make_contact("Ann", "Lee")
    out = tmp_path / "contacts.vcf"
    out.write_text("the old export")
    from favorbook.formats import vcard

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(vcard, "_card_text", broken)
    with pytest.raises(OSError):
        write_vcards(out)
    assert out.read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_kept_item_groups_and_own_labels_stay_apart_on_export(db, tmp_path):
    from favorbook.formats import importer
    from favorbook.services import importing

    source = tmp_path / "in.vcf"
    source.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Gil Ford\nN:Ford;Gil;;;\n"
        "item1.X-ABDATE:2010-06-01\nitem1.X-ABLabel:_$!<Anniversary>!$_\n"
        "item2.EMAIL:gil@example.com\nitem2.X-ABLabel:conference\nEND:VCARD\n"
    )
    report = importing.apply_import(importing.plan_import(importer.read_file(source)))
    assert len(report.added) == 1
    write_vcards(tmp_path / "out.vcf")
    out = (tmp_path / "out.vcf").read_text()
    assert "item1.X-ABDATE:2010-06-01" in out
    record = one(out)
    assert [(e.value, e.label) for e in record.contact.emails] == [
        ("gil@example.com", "conference")
    ]
    assert "item1.X-ABLabel:_$!<Anniversary>!$_" in record.extra["vcard"]
