"""Importing a contact file: recognising it, matching duplicates, one transaction."""

from __future__ import annotations

import pytest

from favorbook.errors import NotAContactFile
from favorbook.formats import importer
from favorbook.services import contacts, importing, search


def vcf(tmp_path, body: str, name="in.vcf", prefix=b"") -> str:
    path = tmp_path / name
    path.write_bytes(prefix + body.encode("utf-8"))
    return str(path)


def card(fn: str, *lines: str) -> str:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"
        + fn
        + "\r\n"
        + "".join(f"{x}\r\n" for x in lines)
        + ("END:VCARD\r\n")
    )


def run(path, choices=None):
    return importing.apply_import(importing.plan_import(importer.read_file(path)), choices)


def test_sniffs_vcard_after_bom_and_blank_lines_in_any_case(db, tmp_path):
    path = vcf(
        tmp_path, "\n\n  begin:vcard\nversion:3.0\nfn:Low Case\nend:vcard\n", prefix=b"\xef\xbb\xbf"
    )
    parsed = importer.read_file(path)
    assert parsed.format == "vcard"
    assert parsed.records[0].contact.last_name == "Case"
    utf16 = tmp_path / "u16.vcf"
    utf16.write_bytes(card("Wide Text").encode("utf-16"))
    assert importer.read_file(utf16).records[0].contact.first_name == "Wide"


def test_not_a_contact_file_names_the_file(db, tmp_path):
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a contact file")
    with pytest.raises(NotAContactFile, match="holiday.jpg"):
        importer.read_file(junk)
    with pytest.raises(NotAContactFile, match="missing.vcf"):
        importer.read_file(tmp_path / "missing.vcf")


def test_csv_goes_to_the_csv_reader(db, tmp_path):
    csv_import = pytest.importorskip("favorbook.formats.csv_import")
    if not hasattr(csv_import, "read_csv"):
        pytest.skip("the CSV reader is not in this branch")
    path = tmp_path / "google.csv"
    path.write_text("Given Name,Family Name,E-mail 1 - Value\nAna,Ruiz,ana@example.com\n")
    assert importer.read_file(path).format.startswith("csv")


def test_new_contacts_are_added_with_everything(db, tmp_path):
    path = vcf(
        tmp_path,
        card(
            "Ana Ruiz",
            "N:Ruiz;Ana;;;",
            "ORG:Acme",
            "EMAIL;TYPE=WORK:ana@acme.example",
            "TEL;TYPE=CELL:+1 415 555 0101",
            "TEL:12345",
            "CATEGORIES:golf",
            "NOTE:Met at the fair",
            "X-CUSTOM:kept",
        ),
    )
    report = run(path)
    assert [a["position"] for a in report.added] == ["card 1"]
    detail = contacts.get_contact(report.added[0]["contact_id"])
    assert detail.organization == "Acme"
    assert [p.value for p in detail.phones] == ["+14155550101"]
    assert detail.tags == ["golf"]
    notes = detail.notes[0].body
    assert "Met at the fair" in notes and "12345" in notes  # an unreadable number is kept
    assert report.warnings and "12345" in report.warnings[0]["message"]
    assert search.search("acme")[0].id == detail.id
    from favorbook.db.models import Contact

    assert Contact.get_by_id(detail.id).vcard_extra == "X-CUSTOM:kept"


def test_classifies_new_matched_and_conflicting(db, tmp_path, make_contact):
    by_email = make_contact("Bob", "Stone", emails=[contacts.Labeled("bob@stone.example")])
    by_phone = make_contact("Cy", "Young", phones=[contacts.Labeled("+1 415 555 0102")])
    by_name = make_contact("Katherine", "Johnson", organization="NASA")
    conflict = make_contact("Dee", "Park", emails=[contacts.Labeled("dee@park.example")])
    other_email = make_contact("Eve", "Adams", emails=[contacts.Labeled("eve@one.example")])
    text = "".join(
        [
            card("Robert Stone", "N:Stone;Bob;;;", "EMAIL:BOB@stone.example"),
            card("Cy Young", "N:Young;Cy;;;", "TEL:(415) 555-0102"),
            card("Johnson Katherine", "N:Johnson;Katherine;;;", "ORG:nasa"),
            card("Dee Park", "N:Park;Dee;;;", "EMAIL:dee@park.example", "TITLE:CEO", "ORG:Other"),
            card("Eve Adams", "N:Adams;Eve;;;", "EMAIL:eve@two.example"),
            card("Nobody Known", "N:Known;Nobody;;;"),
        ]
    )
    contacts.update_contact(
        conflict,
        contacts.ContactInput(
            "Dee",
            "Park",
            organization="ParkCo",
            title="CTO",
            emails=[contacts.Labeled("dee@park.example")],
        ),
    )
    plan = importing.plan_import(importer.read_file(vcf(tmp_path, text)))
    got = [(i.status, i.candidate_id, i.matched_by) for i in plan.items]
    assert got == [
        ("matched", by_email, "email"),
        ("matched", by_phone, "phone"),
        ("matched", by_name, "name"),
        ("conflicting", conflict, "email"),
        # Same name, but different emails: maybe another Eve Adams; asked, added by default.
        ("possible duplicate", other_email, "name"),
        ("new", None, ""),
    ]
    assert plan.items[3].differences == ["organization", "title"]
    assert plan.items[4].default_choice == importing.ADD
    assert plan.counts() == {
        "new": 1,
        "matched": 3,
        "conflicting": 1,
        "possible duplicate": 1,
        "unreadable": 0,
    }


def test_update_fills_and_adds_but_never_erases(db, tmp_path, make_contact):
    cid = make_contact(
        "Bob",
        "Stone",
        title="Buyer",
        emails=[contacts.Labeled("bob@stone.example", "work")],
        tags=["golf"],
    )
    contacts.add_note(cid, "Old note")
    text = card(
        "Bob Stone",
        "N:Stone;Bob;;;",
        "EMAIL:bob@stone.example",
        "EMAIL;TYPE=HOME:bob@home.example",
        "TEL:+1 415 555 0103",
        "ORG:Stone Ltd",
        "BDAY:1970-01-02",
        "CATEGORIES:golf,vip",
        "NOTE:New note",
    )
    report = run(vcf(tmp_path, text))
    assert [u["contact_id"] for u in report.updated] == [cid]
    d = contacts.get_contact(cid)
    assert d.title == "Buyer"
    assert d.organization == "Stone Ltd" and d.birthday == "1970-01-02"
    assert [e.value for e in d.emails] == ["bob@stone.example", "bob@home.example"]
    assert [p.value for p in d.phones] == ["+14155550103"]
    assert d.tags == ["golf", "vip"]
    assert sorted(n.body for n in d.notes) == ["New note", "Old note"]
    again = run(vcf(tmp_path, text))  # the same file twice changes nothing more
    assert len(again.updated) == 1
    d2 = contacts.get_contact(cid)
    assert (len(d2.emails), len(d2.phones), len(d2.notes)) == (2, 1, 2)


def test_conflicting_skipped_by_default_with_reason_and_choices_override(
    db, tmp_path, make_contact
):
    cid = make_contact("Dee", "Park", title="CTO", emails=[contacts.Labeled("dee@park.example")])
    path = vcf(tmp_path, card("Dee Park", "N:Park;Dee;;;", "EMAIL:dee@park.example", "TITLE:CEO"))
    report = run(path)
    assert report.skipped[0]["position"] == "card 1"
    assert "Dee Park" in report.skipped[0]["reason"] and "title" in report.skipped[0]["reason"]
    assert contacts.get_contact(cid).title == "CTO"
    report = run(path, {0: importing.ADD})
    assert report.added and contacts.count_contacts() == 2
    assert contacts.get_contact(cid).title == "CTO"


def test_reimporting_an_export_matches_by_uid(db, tmp_path, make_contact):
    from favorbook.formats.vcard import write_vcards

    make_contact("Ann", "Lee")
    write_vcards(tmp_path / "all.vcf")
    plan = importing.plan_import(importer.read_file(tmp_path / "all.vcf"))
    assert [(i.status, i.matched_by) for i in plan.items] == [("matched", "uid")]


def test_unreadable_records_are_skipped_with_their_card_number(db, tmp_path):
    text = card("Good One") + "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name\r\nEND:VCARD\r\n"
    text += card("x" * 300)
    report = run(vcf(tmp_path, text))
    assert [a["position"] for a in report.added] == ["card 1"]
    assert [s["position"] for s in report.skipped] == ["card 2", "card 3"]
    assert "no name" in report.skipped[0]["reason"]
    assert "limit" in report.skipped[1]["reason"]
    assert set(report.as_dict()) == {
        "file",
        "format",
        "added",
        "updated",
        "skipped",
        "warnings",
        "merged",
    }


def test_cancel_rolls_everything_back(db, tmp_path, make_contact):
    keep = make_contact("Bob", "Stone", emails=[contacts.Labeled("bob@stone.example")])
    cards = [card("Bob Stone", "EMAIL:bob@stone.example", "TITLE:Buyer")]
    cards += [card(f"Person {i}", f"N:P{i};Person;;;") for i in range(600)]
    plan = importing.plan_import(importer.read_file(vcf(tmp_path, "".join(cards))))
    seen = []

    def progress(done, total):
        seen.append(done)
        if done >= 500:
            raise importer.ImportCancelled("cancelled")

    with pytest.raises(importer.ImportCancelled):
        importing.apply_import(plan, progress=progress)
    assert seen[-1] == 500 and 0 in seen
    assert contacts.count_contacts() == 1
    assert contacts.get_contact(keep).title == ""
    assert search.search("person") == []


def _big(tmp_path, n: int) -> str:
    return vcf(tmp_path, "".join(card(f"Person {i}", f"EMAIL:p{i}@example.com") for i in range(n)))


def test_reading_and_planning_report_progress_up_to_the_total(db, tmp_path):
    path = _big(tmp_path, 450)
    read_calls, plan_calls = [], []
    parsed = importer.read_file(path, progress=lambda done, total: read_calls.append((done, total)))
    plan = importing.plan_import(
        parsed, progress=lambda done, total: plan_calls.append((done, total))
    )
    for calls in (read_calls, plan_calls):
        done = [d for d, _ in calls]
        assert done == sorted(done) and len(calls) >= 3  # 0, every 200, the end
        assert calls[-1] == (450, 450)
        assert {t for _, t in calls} == {450}
    assert len(plan.items) == 450


def test_reading_csv_reports_progress(db, tmp_path):
    path = tmp_path / "people.csv"
    rows = "".join(f"Person{i},Lee,p{i}@example.com\n" for i in range(250))
    path.write_text("First Name,Last Name,E-mail Address\n" + rows, "utf-8")
    calls = []
    parsed = importer.read_file(path, progress=lambda done, total: calls.append((done, total)))
    assert len(parsed.records) == 250
    assert calls[0] == (0, 250) and (200, 250) in calls and calls[-1] == (250, 250)


@pytest.mark.parametrize("stage", ["read", "plan"])
def test_raising_from_progress_stops_reading_and_planning(db, tmp_path, stage):
    path = _big(tmp_path, 700)
    seen = []

    def stop(done, total):
        seen.append(done)
        if done >= 400:
            raise importer.ImportCancelled("cancelled")

    with pytest.raises(importer.ImportCancelled):
        if stage == "read":
            importer.read_file(path, progress=stop)
        else:
            importing.plan_import(importer.read_file(path), progress=stop)
    assert seen[-1] == 400  # it stopped there, not at the end
    assert contacts.count_contacts() == 0


def test_two_cards_of_one_file_with_the_same_email_become_one_contact(db, tmp_path):
    path = vcf(
        tmp_path,
        card("Ann Lee", "N:Lee;Ann;;;", "EMAIL:ann@example.com", "TEL:+1 212 555 0101")
        + card("Bo Chan", "N:Chan;Bo;;;", "EMAIL:bo@example.com")
        + card(
            "Ann Lee",
            "N:Lee;Ann;;;",
            "EMAIL:ANN@example.com",
            "TEL:+1 212 555 0199",
            "TITLE:Buyer",
            "CATEGORIES:Fair",
        ),
    )
    plan = importing.plan_import(importer.read_file(path))
    third = plan.items[2]
    assert third.status == importing.MATCHED and third.matched_by == "email"
    assert third.same_as == 0 and third.same_as_position == "card 1"
    assert third.candidate_id is None and third.candidate_name == "Ann Lee"
    report = importing.apply_import(plan)
    assert contacts.count_contacts() == 2
    assert [a["position"] for a in report.added] == ["card 1", "card 2"]
    ann = report.added[0]["contact_id"]
    assert report.merged == [
        {"position": "card 3", "contact_id": ann, "name": "Ann Lee", "same_as": "card 1"}
    ]
    detail = contacts.get_contact(ann)
    assert sorted(p.value for p in detail.phones) == ["+12125550101", "+12125550199"]
    assert [e.value for e in detail.emails] == ["ann@example.com"]
    assert detail.title == "Buyer" and detail.tags == ["Fair"]
    assert search.search("buyer")  # the search index knows the merged title


def test_duplicates_in_a_file_by_phone_and_uid_and_a_skipped_first(db, tmp_path):
    path = vcf(
        tmp_path,
        card("Ann Lee", "N:Lee;Ann;;;", "TEL:+1 212 555 0101")
        + card("Ann Lee", "N:Lee;Ann;;;", "TEL:+12125550101", "EMAIL:ann@example.com")
        + card("Cy Abe", "N:Abe;Cy;;;", "UID:abc-1")
        + card("Cy Abe", "N:Abe;Cy;;;", "UID:abc-1", "EMAIL:cy@example.com")
        + card("Cy Abe", "N:Abe;Cy;;;", "EMAIL:cy@example.com", "TITLE:Chief"),
    )
    plan = importing.plan_import(importer.read_file(path))
    assert [(i.status, i.same_as, i.matched_by) for i in plan.items] == [
        ("new", None, ""),
        ("matched", 0, "phone"),
        ("new", None, ""),
        ("matched", 2, "uid"),
        ("matched", 2, "email"),  # through the email card 4 brought
    ]
    # The first Cy is skipped: the second is added in its place, the third merges into it.
    report = importing.apply_import(plan, {2: importing.SKIP})
    assert contacts.count_contacts() == 2
    assert [a["position"] for a in report.added] == ["card 1", "card 4"]
    assert [m["position"] for m in report.merged] == ["card 2", "card 5"]
    cy = contacts.get_contact(report.added[1]["contact_id"])
    assert cy.title == "Chief" and [e.value for e in cy.emails] == ["cy@example.com"]


def test_a_duplicate_in_the_file_with_another_name_conflicts(db, tmp_path):
    path = vcf(
        tmp_path,
        card("Ann Lee", "N:Lee;Ann;;;", "EMAIL:info@acme.example")
        + card("Bo Chan", "N:Chan;Bo;;;", "EMAIL:info@acme.example"),
    )
    plan = importing.plan_import(importer.read_file(path))
    assert plan.items[1].status == importing.CONFLICTING
    assert plan.items[1].differences == ["first_name", "last_name"]
    report = importing.apply_import(plan)
    assert contacts.count_contacts() == 1
    assert "card 1 in this file" in report.skipped[0]["reason"]
    assert importing.apply_import(plan, {1: importing.ADD}).added  # the user may add it


def _generated_cards(count: int, seed: int, extra: list[str]) -> str:
    """``count`` cards, each with its own made-up name, email and phone, then ``extra``."""
    import random

    rng = random.Random(seed)
    syllables = [a + b for a in "klmnrstv" for b in "aeiou"]
    out, names = [], set()
    while len(out) < count:
        first = "".join(rng.choice(syllables) for _ in range(2)).title()
        last = "".join(rng.choice(syllables) for _ in range(3)).title()
        if (first, last) in names:
            continue
        names.add((first, last))
        n = len(out)
        out.append(
            card(
                f"{first} {last}",
                f"N:{last};{first};;;",
                f"EMAIL:gen{n}@generated.example",
                f"TEL:+1 212 555 {n:04d}",
            )
        )
    return "".join(out + extra)


def test_generated_people_are_never_merged_into_the_sample_network(db, tmp_path):
    """The sample network and a file of people each with their own name, email and phone:
    one shares a phone number with a sample contact (numbers are drawn from the same 555
    ranges), one has the name and company of another but not their email or phone. Both
    were taken for those contacts (one skipped as conflicting, one merged into them); now
    every card is added, and those two are possible duplicates for the user to decide."""
    from favorbook.db.models import ContactEmail, ContactPhone
    from favorbook.sample import demo
    from favorbook.services.contacts import details, list_ids

    demo.load(60)
    sample = details(list_ids())
    shared_line = sample[0]
    namesake = next(c for c in sample[1:] if c.organization)
    extra = [
        card(
            "Zed Quorn",
            "N:Quorn;Zed;;;",
            "EMAIL:zed@generated.example",
            f"TEL:{shared_line.phones[0].value}",
        ),
        card(
            namesake.display_name,
            f"N:{namesake.last_name};{namesake.first_name};;;",
            f"ORG:{namesake.organization}",
            "EMAIL:namesake@generated.example",
            "TEL:+1 212 555 9999",
        ),
    ]
    path = vcf(tmp_path, _generated_cards(300, 14, extra))
    emails_before, phones_before = ContactEmail.select().count(), ContactPhone.select().count()

    plan = importing.plan_import(importer.read_file(path))
    possible = [i for i in plan.items if i.status == importing.POSSIBLE]
    assert [(i.candidate_id, i.matched_by) for i in possible] == [
        (shared_line.id, "phone"),
        (namesake.id, "name"),
    ]
    report = importing.apply_import(plan)
    assert len(report.added) == 302 and not report.updated and not report.skipped
    assert ContactEmail.select().count() == emails_before + 302
    assert ContactPhone.select().count() == phones_before + 302
    # The sample contacts kept exactly what they had.
    assert details([shared_line.id, namesake.id]) == [shared_line, namesake]
    said = [w["message"] for w in report.warnings]
    assert len(said) == 2 and all("merge them" in m for m in said)


def test_a_possible_duplicate_is_merged_when_the_user_says_so(db, tmp_path, make_contact):
    bruno = make_contact(
        "Bruno",
        "Gupta",
        organization="Harbor Estates",
        emails=[contacts.Labeled("bruno@harbor.example")],
    )
    path = vcf(
        tmp_path,
        card("Bruno Gupta", "N:Gupta;Bruno;;;", "ORG:Harbor Estates", "EMAIL:bg@home.example"),
    )
    plan = importing.plan_import(importer.read_file(path))
    (item,) = plan.items
    assert (item.status, item.candidate_id) == (importing.POSSIBLE, bruno)
    report = importing.apply_import(plan, {item.index: importing.UPDATE})
    assert [u["contact_id"] for u in report.updated] == [bruno] and not report.warnings
    assert {e.value for e in contacts.get_contact(bruno).emails} == {
        "bruno@harbor.example",
        "bg@home.example",
    }


def test_a_card_with_only_a_name_still_matches_by_name(db, tmp_path, make_contact):
    ann = make_contact("Ann", "Lee", emails=[contacts.Labeled("ann@example.com")])
    plan = importing.plan_import(importer.read_file(vcf(tmp_path, card("Ann Lee", "TITLE:CFO"))))
    assert (plan.items[0].status, plan.items[0].candidate_id) == (importing.MATCHED, ann)
