"""favorbook import / export on the command line: reports, JSON and exit codes."""

from __future__ import annotations

import json

import pytest

from favorbook.cli import main
from favorbook.services import contacts

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
    "EMAIL:ana@example.com\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name at all\r\nEND:VCARD\r\n"
)


def test_import_prints_the_report_and_exits_0_with_skips(db, tmp_path, capsys):
    path = tmp_path / "people.vcf"
    path.write_text(CARDS)
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 1 skipped" in out
    assert "card 2" in out
    assert contacts.count_contacts() == 1


def test_import_json(db, tmp_path, capsys):
    path = tmp_path / "people.vcf"
    path.write_text(CARDS)
    assert main(["import", str(path), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["format"] == "vcard"
    assert [a["name"] for a in report["added"]] == ["Ana Ruiz"]
    assert report["skipped"][0]["position"] == "card 2"
    assert "no name" in report["skipped"][0]["reason"]


def test_import_of_something_else_exits_2_naming_the_file(db, tmp_path, capsys):
    junk = tmp_path / "notes.txt"
    junk.write_text("Dear diary")
    good = tmp_path / "people.vcf"
    good.write_text(CARDS)
    assert main(["import", str(junk), str(good)]) == 2
    captured = capsys.readouterr()
    assert "notes.txt" in captured.err and "Traceback" not in captured.err
    assert "people.vcf: 1 added" in captured.out  # the good file was still imported


def test_export_vcf_both_versions(db, tmp_path, make_contact, capsys):
    make_contact("Ann", "Lee", emails=[contacts.Labeled("ann@example.com")])
    for version in ("3.0", "4.0"):
        out = tmp_path / f"all-{version}.vcf"
        args = ["export", "--format", "vcf", "--out", str(out), "--vcard-version", version]
        assert main(args) == 0
        text = out.read_text()
        assert f"VERSION:{version}" in text and "ann@example.com" in text
    assert "Wrote 1 contact to" in capsys.readouterr().out


def test_export_csv_and_ics_write_their_files(db, tmp_path, make_contact, today):
    from favorbook.services import followups

    ann = make_contact("Ann", "Lee", emails=[])
    followups.add_followup(ann, today, "Send the deck")
    csv_out, ics_out = tmp_path / "out.csv", tmp_path / "out.ics"
    assert main(["export", "--format", "csv", "--out", str(csv_out)]) == 0
    assert "Ann" in csv_out.read_text(encoding="utf-8-sig")
    assert main(["export", "--format", "ics", "--out", str(ics_out)]) == 0
    assert "Send the deck" in ics_out.read_text(encoding="utf-8")


def test_export_needs_a_known_format(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "pdf", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2


def test_import_prints_cards_merged_with_an_earlier_card_of_the_file(db, tmp_path, capsys):
    path = tmp_path / "phone.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
        "EMAIL:ana@example.com\r\nTEL:+1 212 555 0101\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
        "EMAIL:ana@example.com\r\nTEL:+1 212 555 0199\r\nEND:VCARD\r\n"
    )
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 0 skipped" in out
    assert "merged card 2 into Ana Ruiz (same as card 1 in this file)" in out
    (ana,) = [i for i, _name in contacts.all_names()]
    assert len(contacts.get_contact(ana).phones) == 2


def test_export_csv_writes_private_notes_only_with_include_private(db, tmp_path, make_contact):
    ann = make_contact("Ann", "Lee")
    contacts.add_note(ann, "Likes sailing")
    contacts.add_note(ann, "Going through a divorce", private=True)
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    assert main(["export", "--format", "csv", "--out", str(plain)]) == 0
    assert main(["export", "--format", "csv", "--out", str(full), "--include-private"]) == 0
    assert "Likes sailing" in plain.read_text(encoding="utf-8-sig")
    assert "divorce" not in plain.read_text(encoding="utf-8-sig")
    assert "divorce" in full.read_text(encoding="utf-8-sig")


def test_export_vcf_writes_private_notes_only_with_include_private(db, tmp_path, make_contact):
    ann = make_contact("Ann", "Lee")
    contacts.add_note(ann, "Going through a divorce", private=True)
    plain, full = tmp_path / "plain.vcf", tmp_path / "full.vcf"
    assert main(["export", "--format", "vcf", "--out", str(plain)]) == 0
    assert main(["export", "--format", "vcf", "--out", str(full), "--include-private"]) == 0
    assert "divorce" not in plain.read_text() and "divorce" in full.read_text()


def test_export_ics_says_include_private_changes_nothing(db, tmp_path, make_contact, capsys):
    make_contact("Ann", "Lee")
    out = tmp_path / "dates.ics"
    assert main(["export", "--format", "ics", "--out", str(out), "--include-private"]) == 0
    assert "holds no notes" in capsys.readouterr().err


def test_a_skipped_csv_row_is_named_by_its_line(db, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("First Name,E-mail Address\nAnn,ann@example.com\n,only@example.com\n")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "skipped line 3: no name or organisation (only@example.com)" in out


def test_search_names_an_organisation_once(db, capsys):
    contacts.create_contact(contacts.ContactInput(organization="Acme Widgets"))
    assert main(["search", "acme"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.count("Acme Widgets") == 1
