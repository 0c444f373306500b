"""CSV export of contacts and the favor ledger: safe in a spreadsheet, and read back whole."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from favorbook.formats import csv_export, csv_import
from favorbook.sample import demo
from favorbook.services import contacts, favors


@pytest.fixture(autouse=True)
def _us_numbers(monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


INJECTIONS = ["=1+1", "+SUM(A1)", "-2", "@x", "\tx", "\rx"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(text):
    assert csv_export.escape_cell(text) == "'" + text
    assert csv_export.escape_cell(text, phone=True) == "'" + text


@pytest.mark.parametrize(
    "number", ["+1 415-555-0100", "+44 20 7946 0958", "+1 (415) 555.0100 ext. 12"]
)
def test_a_plain_phone_number_stays_dialable(number):
    assert csv_export.escape_cell(number, phone=True) == number


@pytest.mark.parametrize("text", ["+1+cmd|' /C calc'!A0", "-2", "+1-2", "=14155550100"])
def test_phone_column_with_anything_but_a_number_is_still_escaped(text):
    assert csv_export.escape_cell(text, phone=True) == "'" + text


def test_injection_cells_are_escaped_in_the_file_and_read_back_as_typed(db, tmp_path):
    # Stored fields are stripped, so a leading tab or CR cannot reach them (see below).
    typed = ["=1+1", "+SUM(A1)", "-2", "@x"]
    ids = []
    for i, text in enumerate(typed):
        cid = contacts.create_contact(
            contacts.ContactInput(
                first_name=f"P{i}",
                organization=text,
                how_met=text,
                phones=[contacts.Labeled("+1 415 555 0100", "work")],
            )
        )
        contacts.add_note(cid, text + " note")
        ids.append(cid)
    path = tmp_path / "contacts.csv"
    assert csv_export.write_contacts(path, ids) == len(typed)

    rows = rows_of(path)
    for row, text in zip(rows, typed, strict=True):
        assert row["Organization"] == "'" + text
        assert row["How Met"] == "'" + text
        assert row["Notes"] == "'" + text + " note"
        assert row["Phone 1"] == "+1 415-555-0100"  # not escaped: usable as it is

    parsed = csv_import.read_csv(path)
    for record, text in zip(parsed.records, typed, strict=True):
        assert record.contact.organization == text
        assert record.contact.how_met == text
        assert record.note == text + " note"
        assert record.contact.phones[0].value == "+14155550100"


def test_every_injection_cell_reads_back_without_its_apostrophe(tmp_path):
    path = tmp_path / "cells.csv"
    csv_export._write(
        path, ["First Name", "Notes"], [[f"P{i}", t] for i, t in enumerate(INJECTIONS)]
    )
    assert [row["Notes"] for row in rows_of(path)] == ["'" + t for t in INJECTIONS]
    notes = [r.note for r in csv_import.read_csv(path).records]
    # Leading white space is dropped as in every favorbook field.
    assert notes == ["=1+1", "+SUM(A1)", "-2", "@x", "x", "x"]


def test_file_starts_with_a_bom_and_uses_crlf(db, make_contact, tmp_path):
    make_contact("Zoë", "Müller")
    path = tmp_path / "c.csv"
    csv_export.write_contacts(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfFirst Name,Last Name,")
    assert b"\r\n" in data
    assert "Zoë".encode() in data


def test_private_notes_only_when_asked(db, make_contact, tmp_path):
    cid = make_contact()
    contacts.add_note(cid, "likes sailing")
    contacts.add_note(cid, "going through a divorce", private=True)
    path = tmp_path / "c.csv"
    csv_export.write_contacts(path)
    assert rows_of(path)[0]["Notes"] == "likes sailing"
    csv_export.write_contacts(path, include_private=True)
    assert rows_of(path)[0]["Notes"] == "likes sailing\n\ngoing through a divorce"


@pytest.mark.parametrize("export", ["contacts", "ledger"])
def test_a_failed_export_leaves_the_old_file(db, make_contact, tmp_path, monkeypatch, export):
    from favorbook.formats import atomic

    ann = make_contact()
    favors.log_favor(ann, "given", "Advice")
    path = tmp_path / "c.csv"
    path.write_text("old export", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken)
    with pytest.raises(OSError):
        if export == "contacts":
            csv_export.write_contacts(path)
        else:
            csv_export.write_ledger(path)
    assert path.read_text(encoding="utf-8") == "old export"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["c.csv"]


def test_contacts_round_trip_through_the_generic_reader(db, tmp_path):
    demo.load()
    ids = contacts.list_ids(include_archived=True)
    path = tmp_path / "network.csv"
    assert csv_export.write_contacts(path) == len(ids)

    parsed = csv_import.read_csv(path)
    assert parsed.format == "csv"
    assert [r.problem for r in parsed.records] == [""] * len(ids)
    for cid, record in zip(ids, parsed.records, strict=True):
        want = contacts.get_contact(cid)
        got = record.contact
        assert (got.first_name, got.last_name) == (want.first_name, want.last_name)
        assert (got.organization, got.title, got.kind) == (want.organization, want.title, want.kind)
        assert [(e.value, e.label) for e in got.emails] == [(e.value, e.label) for e in want.emails]
        assert [(p.value, p.label) for p in got.phones] == [(p.value, p.label) for p in want.phones]
        assert sorted(got.tags) == sorted(want.tags)
        assert got.birthday == want.birthday
        assert (got.how_met, got.needs, got.goals, got.offers) == (
            want.how_met,
            want.needs,
            want.goals,
            want.offers,
        )


def test_links_addresses_and_yearless_birthdays_round_trip(db, tmp_path):
    data = contacts.ContactInput(
        first_name="Ann",
        last_name="Lee",
        emails=[contacts.Labeled("ann@a.example", "work"), contacts.Labeled("ann@b.example", "")],
        links=[contacts.Labeled("https://example.com/ann", "blog")],
        addresses=[
            contacts.Address("work", "1 Main St\nFloor 2", "Springfield", "IL", "62701", "USA")
        ],
        tags=["golf", "board member"],
        birthday="--05-17",
    )
    cid = contacts.create_contact(data)
    path = tmp_path / "c.csv"
    csv_export.write_contacts(path, [cid])
    got = csv_import.read_csv(path).records[0].contact
    assert [(e.value, e.label) for e in got.emails] == [
        ("ann@a.example", "work"),
        ("ann@b.example", ""),
    ]
    assert [(k.value, k.label) for k in got.links] == [("https://example.com/ann", "blog")]
    assert got.addresses == data.addresses
    assert sorted(got.tags) == ["board member", "golf"]
    assert got.birthday == "--05-17"


def test_ledger_lists_every_favor_with_its_status(db, make_contact, tmp_path):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chen")
    iou = favors.log_favor(
        ann, "given", "=HYPERLINK(evil)", kind="advice", occurred_on=dt.date(2024, 1, 2),
        value=3, expectation="iou",
    )  # fmt: skip
    favors.log_favor(
        ann, "received", "Intro to a buyer", kind="introduction",
        occurred_on=dt.date(2024, 2, 3), settles_id=iou,
    )  # fmt: skip
    favors.log_favor(bo, "given", "Lunch", occurred_on=dt.date(2024, 1, 1), expectation="iou")
    path = tmp_path / "ledger.csv"
    assert csv_export.write_ledger(path) == 3
    rows = rows_of(path)
    assert list(rows[0]) == list(csv_export.LEDGER_HEADER)
    assert [(r["Date"], r["Contact"], r["Direction"]) for r in rows] == [
        ("2024-01-01", "Bo Chen", "given"),
        ("2024-01-02", "Ann Lee", "given"),
        ("2024-02-03", "Ann Lee", "received"),
    ]
    assert rows[0]["Status"] == "open"
    assert rows[1]["Description"] == "'=HYPERLINK(evil)"
    assert rows[1]["Status"] == "settled 2024-02-03"
    assert (rows[1]["Kind"], rows[1]["Value"], rows[1]["Expectation"]) == ("Advice", "3", "IOU")
    assert (rows[2]["Expectation"], rows[2]["Status"]) == ("pay it forward", "")

    assert csv_export.write_ledger(path, bo) == 1
    assert [r["Contact"] for r in rows_of(path)] == ["Bo Chen"]


def test_a_selection_keeps_its_order_and_a_deleted_contact_is_named(db, make_contact, tmp_path):
    from favorbook.errors import NotFoundError

    ann, bo = make_contact("Ann", "Lee"), make_contact("Bo", "Chen")
    path = tmp_path / "c.csv"
    assert csv_export.write_contacts(path, [bo, ann]) == 2
    assert [r["First Name"] for r in rows_of(path)] == ["Bo", "Ann"]
    with pytest.raises(NotFoundError, match="999"):
        csv_export.write_contacts(path, [ann, 999])
    assert [r["First Name"] for r in rows_of(path)] == ["Bo", "Ann"]
