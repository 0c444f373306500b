"""Files written by real programs, and round trips of favorbook's own exports.

The files are in ../shared/testdata/interop beside the repository (SOURCES.md there
says where each comes from); from a git worktree the folder is looked for further
up. These tests skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from favorbook.formats import importer
from favorbook.formats.vcard import write_vcards
from favorbook.sample import demo
from favorbook.services import contacts, importing, session

REPO = Path(__file__).parents[2]
INTEROP = next(
    (
        up / "shared" / "testdata" / "interop"
        for up in REPO.parents
        if (up / "shared" / "testdata" / "interop").is_dir()
    ),
    REPO.parent / "shared" / "testdata" / "interop",
)
VCARDS = sorted((INTEROP / "vcard").glob("*.vcf")) if INTEROP.is_dir() else []


def imported(db, path: Path):
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    details = [contacts.get_contact(a["contact_id"]) for a in report.added]
    return report, details


@pytest.mark.skipif(not VCARDS, reason="interop test files are not beside the repository")
@pytest.mark.parametrize("path", VCARDS, ids=[p.name for p in VCARDS])
def test_every_interop_vcard_imports_or_skips_with_a_reason(db, path):
    report, details = imported(db, path)
    assert report.added or report.skipped
    for skip in report.skipped:
        assert skip["reason"].startswith(skip["position"])
    for d in details:
        assert d.display_name.strip()
        assert "\ufffd" not in d.display_name  # no undecoded bytes in a name


def by_file(db, name: str):
    path = INTEROP / "vcard" / name
    if not path.exists():
        pytest.skip(f"{name} is not in the interop folder")
    return imported(db, path)


def test_spot_checks_android_qp_and_japanese_shift_jis(db):
    report, people = by_file(db, "android-2.1-qp-utf8-multi.vcf")
    assert len(people) == 6 and not report.skipped
    assert people[0].emails[0].value == "john.doe@company.com"
    assert people[2].last_name == "Ñ Ñ Ñ Ñ"
    assert people[2].notes == [] or "123456789" in people[2].notes[0].body
    _, (jp,) = by_file(db, "japanese-featurephone-2.1-shiftjis-qp.vcf")
    assert (jp.last_name, jp.first_name) == ("安藤", "ロイド1")
    assert jp.addresses[0].street.startswith("東京都渋谷区")
    assert jp.notes[0].body == "メモ"


def test_spot_checks_charsets_and_quoted_printable_notes(db):
    _, (doe,) = by_file(db, "windows-1252-charset-2.1.vcf")
    assert doe.last_name == "Doë"
    assert [e.value for e in doe.emails] == ["inbox@roundcube.net", "roundcube@gmail.com"]
    _, (mike,) = by_file(db, "outlook-2007-2.1-qp-photo.vcf")
    assert "I assume it encodes this text inside a NOTE vCard type.\n" in mike.notes[0].body
    assert mike.birthday == "1922-03-10"
    assert contacts.photo_of(mike.id)[1] == "image/jpeg"


def test_spot_checks_photos_and_birthdays(db):
    _, (bob,) = by_file(db, "apple-ios6-3.0-crcrlf-photo.vcf")
    assert bob.display_name == "Bob Smith" and bob.organization == "Smith Auto Repair"
    assert contacts.photo_of(bob.id)[1] == "image/jpeg"
    _, (sony,) = by_file(db, "sony-ericsson-2.1-photo-irmc.vcf")  # no FN
    assert sony.display_name == "Bar Foobar" and sony.birthday == "1942-04-02"
    assert len(contacts.photo_of(sony.id)[0]) > 40_000
    _, (simon,) = by_file(db, "rfc6350-4.0-example.vcf")
    assert simon.birthday == "--02-03"  # no year
    assert simon.emails[0].value == "simon.perreault@viagenie.ca"
    _, (heiko,) = by_file(db, "kaddressbook-3.0-x-kaddressbook-media.vcf")
    assert contacts.photo_of(heiko.id)[1] == "image/png"
    assert heiko.tags == ["Friend"]


def test_spot_checks_multi_card_files_and_related(db):
    _, people = by_file(db, "google-contacts-3.0-multi-no-final-eol.vcf")
    assert [p.display_name for p in people] == ["Arnold Smith", "Chris Beatle", "Doug White"]
    _, people = by_file(db, "rfc2426-3.0-example-two-cards.vcf")
    assert [(p.display_name, p.organization) for p in people] == [
        ("Frank Dawson", "Lotus Development Corporation"),
        ("Tim Howes", "Netscape Communications Corp."),
    ]
    _, (tester,) = by_file(db, "related-text-3.0-kde-bug365192.vcf")
    assert "Child Tester (child)" in tester.notes[0].body
    _, (tb,) = by_file(db, "thunderbird-mfffab-3.0-photo-mixed-eol.vcf")
    assert tb.tags == ["category1", "category2", "category3"]


# --- round trip over the sample network --------------------------------------------------


def snapshot() -> list[tuple]:
    out = []
    for cid in contacts.list_ids(include_archived=True):
        d = contacts.get_contact(cid, include_private=False)
        out.append(
            (
                d.first_name,
                d.last_name,
                d.organization,
                d.title,
                d.kind,
                tuple((e.value, e.label) for e in d.emails),
                tuple((p.value, p.label) for p in d.phones),
                tuple(
                    (a.label, a.street, a.city, a.region, a.postcode, a.country)
                    for a in d.addresses
                ),
                tuple((k.value, k.label) for k in d.links),
                tuple(d.tags),
                d.birthday,
                d.how_met,
                d.needs,
                d.goals,
                d.offers,
                "\n\n".join(n.body for n in sorted(d.notes, key=lambda n: n.id)),
                contacts.photo_of(cid),
            )
        )
    return sorted(out, key=repr)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_round_trip_of_the_sample_network(db, tmp_path, version):
    from tests.unit.test_vcard import tiny_png

    demo.load(40, seed=3)
    ids = contacts.list_ids()
    for n, cid in enumerate(ids[:5]):
        d = contacts.get_contact(cid)
        d.addresses = [
            contacts.Address("work", f"{n} Main St\nSuite 4", "Springfield", "IL", "62701", "USA")
        ]
        d.links = [contacts.Labeled("https://example.com/p", "portfolio")]
        d.birthday = "--12-31" if n % 2 else d.birthday
        contacts.update_contact(cid, d.to_input())
        contacts.set_photo(cid, tiny_png())
    before = snapshot()
    out = tmp_path / "network.vcf"
    assert write_vcards(out, version=version) == len(before)
    session.close()
    session.open_data(tmp_path / "fresh")
    report = importing.apply_import(importing.plan_import(importer.read_file(out)))
    assert not report.skipped and not report.warnings
    assert snapshot() == before
