"""The fast paths of import and export give what the slow ones gave: same matches, same
addresses, same parsed lines, same folding."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = [
    "Ann Lee",
    "Anne Lee",
    "Ann Leigh",
    "Jonathan Smithson",
    "Jonathon Smithsen",
    "Katherine Johnson",
    "Katharine Jonson",
    "Bo Li",
    "Li Bo",
    "Zoë Ðurić",
    "José Álvarez-Núñez",
    "Dmitri Tanaka",
    "O'Brien, Pat",
    "X",
    "",
    "Mary-Jane Watson",
    "Mary Jane Watson",
    # Words the scorer would sort differently if the keys were not sorted as it sorts
    # them: capitals, accents, digits, other scripts, other spaces and punctuation.
    "ann\u3000LEE",
    "Lee\tAnn",
    "Éva Zimmer 2nd",
    "éva zimmer II",
    "李 小龙",
    "小龙 李",
    "Straße Öz",
    "ÖZ STRASSE",
    "Ann_Lee",
    "Ann.Lee\u00a0Jr",
]


def _population(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    first = ["Ann", "Jon", "Kate", "Li", "Maria", "Omar", "Priya", "Sven", "Yuki", "Zoë"]
    last = ["Lee", "Smith", "Johnson", "Nakamura", "Ortega", "Petrov", "Rossi", "Weber"]
    people = [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(n)]
    for _ in range(n // 3):  # a few typos and odd ones
        name = list(rng.choice(people))
        name[rng.randrange(len(name))] = rng.choice("aeiouxyz ")
        people.append("".join(name))
    return people + NAMES


def _mutations(names: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for name in names:
        chars = list(name)
        for _ in range(rng.randrange(0, 3)):
            if chars and rng.random() < 0.5:
                del chars[rng.randrange(len(chars))]
            else:
                chars.insert(rng.randrange(len(chars) + 1), rng.choice("abcdeñ -"))
        out.append("".join(chars))
    return out


def test_name_index_finds_what_scoring_every_name_finds():
    from rapidfuzz import fuzz, process, utils

    from favorbook.services.importing import FUZZY_CUTOFF, _NameIndex

    names = _population(600, seed=5)
    index = _NameIndex(names)
    queries = _mutations(random.Random(9).sample(names, 150), seed=11) + NAMES
    for query in queries:
        everyone = process.extract(
            query,
            names,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=FUZZY_CUTOFF,
            limit=5,
        )
        assert index.close_to(query) == [i for _name, _score, i in everyone], query


def test_a_name_five_people_have_is_not_scored_against_the_others(monkeypatch):
    """Five people with the very name score 100 and every other name less: they are
    the best five, found without scoring any name (the same five as scoring all)."""
    from rapidfuzz import process

    from favorbook.services.importing import _NameIndex

    names = ["Ann Lee", "Anne Lee", "ann  lee", "Lee Ann", "ANN LEE", "Ann Lee", "Ann Lee"]
    index = _NameIndex(names)
    assert index.close_to("Anne Lee") == [1, 0, 2, 3, 4]  # scored: four, then one less
    scored = []
    monkeypatch.setattr(process, "extract", lambda *a, **k: scored.append(a) or [])
    assert index.close_to("Ann Lee") == [0, 2, 3, 4, 5]
    assert index.close_to("lee ann") == [0, 2, 3, 4, 5]
    assert not scored
    assert index.close_to("Anne Lee") == []  # (one person: scored as before)
    assert len(scored) == 1


@pytest.mark.parametrize(
    "address",
    [
        "Ann.Lee@Example.COM",
        "a+b@x-y.com",
        "a..b@x.com",
        "a@localhost",
        "x@foo.test",
        "a@x.123",
        "a@-x.com",
        "ÄB@x.com",
        "a@xn--bcher-kva.com",
        "a" * 65 + "@x.com",
        "a@" + "b" * 250 + ".com",
        "a@b@c.com",
        '"quoted"@x.com',
        "a@x.com.",
    ],
)
def test_email_check_gives_what_email_validator_gives(address):
    from email_validator import EmailNotValidError, validate_email

    from favorbook.services.importing import _EmailChecker

    checker = _EmailChecker()
    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    for _ in range(2):  # the second time from what the first one kept
        try:
            got = checker.normalized(address)
        except EmailNotValidError:
            got = None
        assert got == expected


@pytest.mark.parametrize(
    "line",
    [
        "FN:Ann Lee",
        "item1.TEL;TYPE=WORK,VOICE;PREF:+1 555 0100",
        "TEL;CELL;PREF:+1 555",
        "N:Lee;Ann;;;",
        "EMAIL;TYPE=:a@b.c",
        "X_CUSTOM;A=1,,2:v:w",
        'ADR;LABEL="a;b:c":;;Street',
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9",
        "BAD LINE",
        ";:x",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ",
    ],
)
def test_content_lines_split_as_vobject_splits_them(line):
    from vobject.base import ParseError, parseLine

    from favorbook.formats.vcard import _split_line

    try:
        expected = parseLine(line)
    except ParseError:
        expected = None
    assert _split_line(line) == expected


def _slow_fold(line: str) -> str:
    out, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def test_folding_is_unchanged():
    from favorbook.formats.vcard import _fold

    rng = random.Random(2)
    for length in [*range(0, 240), 1000, 5000]:
        for alphabet in ("abc;:,=XYZ", "aé€😀 "):
            line = "".join(rng.choice(alphabet) for _ in range(length))
            assert _fold(line) == _slow_fold(line)


def test_full_north_american_numbers_are_stored_as_phonenumbers_stores_them():
    """phone_value takes +1 and ten digits as they are, without parsing: what parsing
    them would have stored, whatever the phone region."""
    import phonenumbers

    from favorbook.services import contacts

    rng = random.Random(5)
    numbers = [
        f"+1{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        for _ in range(3000)
    ] + ["+12015550123", "+19999999999", "+12002000000"]
    for number in numbers:
        for region in ("US", "DE", "JP"):
            parsed = phonenumbers.parse(number, region)
            assert phonenumbers.is_possible_number(parsed) or phonenumbers.is_valid_number(parsed)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            assert contacts.phone_value(number, region) == (e164, "") == (number, "")


def _vcard_sources(tmp_path) -> list[bytes]:
    """vCard files of every kind at hand: the interop files of other programs, the
    vendor cards of the tests, and an export of the sample network (plain cards)."""
    from tests.unit import test_interop, test_vendor_cards

    sources = [path.read_bytes() for path in test_interop.VCARDS]
    for value in vars(test_vendor_cards).values():
        if isinstance(value, str) and "BEGIN:VCARD" in value.upper():
            sources.append(value.encode("utf-8"))
    return sources


def test_plain_cards_read_as_the_general_path_reads_them(db, tmp_path, monkeypatch):
    """The short way for plain cards of a UTF-8 file gives the records the general path
    (unfolding, per-line charsets, the chain of readers) gives, card for card."""
    from favorbook.formats import vcard
    from favorbook.sample import demo
    from favorbook.services import contacts

    demo.load(300, seed=8)
    export = tmp_path / "sample.vcf"
    vcard.write_vcards(export, contacts.list_ids())
    odd = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;Dr.;\r\nN:Other;One;;;\r\nFN:Ann Lee\r\n"
        "FN:Second\r\nORG:A\\;B;Sales;EMEA\r\nTITLE:Boss\\, big\r\nTITLE:Again\r\n"
        "EMAIL;TYPE=INTERNET,HOME,PREF:ann@example.com\r\nEMAIL:mailto:b@example.com\r\n"
        "TEL;TYPE=CELL:tel:+14155550100\r\nTEL:555 0199\r\nTEL;TYPE=fax,x-odd:+4930123456\r\n"
        "ADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;USA\r\nLABEL;TYPE=HOME:2 Side St\r\n"
        "URL:https://example.com\r\nNOTE:line one\\nline two\r\nNOTE:line one\\nline two\r\n"
        "BDAY:1604-03-02\r\nBDAY:2000-01-01\r\nCATEGORIES:a\\,b,c\r\nNICKNAME:Annie,,A\r\n"
        "ROLE:Lead\r\nUID: u-1 \r\nX-FAVORBOOK-KIND:Customer\r\nX-FAVORBOOK-NEEDS:help\r\n"
        "#comment\r\n\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Kept Lines\r\nX_ODD:kept\r\n"
        "item1.EMAIL:grouped@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Only Email\r\nEMAIL:only.email@example.org\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nN:;;;;\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Ümlaut Ökonom\r\nORG:Café\r\nTEL;TYPE=Büro:+33 1 23 45 67 89\r\n"
        "END:VCARD\r\n"
    )
    sources = [export.read_bytes(), odd.encode("utf-8"), *_vcard_sources(tmp_path)]
    plain_cards = 0
    for data in sources:
        quick = vcard.read_vcards(data)
        cards = vcard._plain_cards(data)
        plain_cards += sum(isinstance(c, vcard._PlainCard) for c in cards or ())
        with monkeypatch.context() as m:
            m.setattr(vcard, "_plain_cards", lambda data: None)
            general = vcard.read_vcards(data)
        assert quick == general
    assert plain_cards >= 300
    assert vcard._plain_record(vcard._plain_cards(odd.encode("utf-8"))[0], "card 1") is not None


_PLAIN_HEADS = [
    "FN",
    "fn",
    "N",
    "ORG",
    "TITLE",
    "ROLE",
    "NICKNAME",
    "EMAIL",
    "EMAIL;TYPE=INTERNET,WORK",
    "email;type=home;type=pref",
    "TEL;TYPE=CELL",
    "TEL;CELL;PREF",
    "TEL;TYPE=fax,x-odd",
    "ADR;TYPE=WORK",
    "LABEL;TYPE=HOME",
    "URL;TYPE=blog",
    "NOTE",
    "BDAY",
    "CATEGORIES",
    "UID",
    "VERSION",
    "PRODID",
    "REV",
    "X-FAVORBOOK-KIND",
    "X-FAVORBOOK-NEEDS",
    "x_favorbook_goals",
]
_ODD_LINES = [
    # What the short way leaves to the general path: the same records either way.
    "item1.EMAIL:a@b.c",
    "item1.X-ABLabel:_$!<HomePage>!$_",
    "NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=",
    "NOTE;CHARSET=UTF-8:x",
    "NOTE;X-A=quoted-printable:a=",
    'ADR;LABEL="a;b":;;1 Main St',
    "TEL;TYPE=Büro:+33 1 23 45 67 89",
    "X-CUSTOM:kept",
    "X-MS-TEL:+1 415 555 0100",
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ",
    "#comment: here",
    "#",
    "-X:y",
    "",
    " folded",
    "\tfolded",
    "no colon",
    ":x",
    "BEGIN:VCARD",
    "end:vcard",
    "BEGIN:VCARD ",
    "begın:vcard",
    "END:VCARD\r\nEND:VCARD",
]
_PLAIN_VALUES = [
    "Lee;Ann;;Dr.;",
    ";;;;",
    "Lee\\;Smith;Ann;B.;;Jr.",
    "Acme\\, Inc.;Sales;EMEA",
    "ann@example.com",
    "mailto:Ann@Example.com",
    "MAILTO:x@example.com",
    " spaced@example.com ",
    "tel:+14155550100",
    "TEL:+14155550100",
    "+1 415 555 0100",
    "1604-03-02",
    "--0314",
    "1975-03-14T00:00:00Z",
    "not-a-date",
    ";;1 Main St;Springfield;IL;62701;USA",
    "PO 1;ext;;;;;",
    "golf\\,vip,,tennis",
    "line one\\nline two\\, three\\\\",
    "Customer",
    "",
    " ",
    "Zoë Ðurić 李",
    "a=",
    "u-1",
]
_PLAIN_LINE = st.tuples(
    st.sampled_from(_PLAIN_HEADS),
    st.one_of(st.sampled_from(_PLAIN_VALUES), st.text(max_size=12)),
).map(lambda hv: f"{hv[0]}:{hv[1]}")
_PLAIN_CARD = st.tuples(
    st.lists(_PLAIN_LINE, max_size=14),
    st.one_of(
        st.just([]), st.just([]), st.just([]), st.lists(st.sampled_from(_ODD_LINES), max_size=2)
    ),
    st.randoms(use_true_random=False),
).map(lambda c: _shuffled(c[0] + c[1], c[2]))


def _shuffled(lines: list[str], rng) -> str:
    rng.shuffle(lines)
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"])


@settings(max_examples=500, deadline=None, database=None)
@given(cards=st.lists(_PLAIN_CARD, min_size=1, max_size=4), between=st.sampled_from(["", "\n"]))
def test_any_card_of_a_utf8_file_reads_as_the_general_path_reads_it(cards, between):
    """Cards of plain properties in every combination, with what the short way must leave
    to the general path (a folded line, a group, an encoding, another property, a stray,
    a boundary in another case) mixed in now and then: the same records card for card."""
    from favorbook.formats import vcard

    data = (between + "\r\n").join(cards).encode("utf-8", errors="surrogatepass")
    quick = vcard.read_vcards(data)
    general_reader = vcard._plain_cards
    try:
        vcard._plain_cards = lambda data: None
        general = vcard.read_vcards(data)
    finally:
        vcard._plain_cards = general_reader
    assert quick == general


def test_an_import_indexes_what_the_tables_give(db, tmp_path):
    """The search index rows an import (or a new contact's form) writes from what it
    added, not read back, are the rows the index's own query builds from the tables: tags
    in the index's order, the stored case of an organisation or tag that was there
    before, phones in every form, a contact of the file filled in by a later card."""
    from favorbook.db.models import db as database
    from favorbook.formats import importer, vcard
    from favorbook.sample import demo
    from favorbook.services import contacts, importing, search_index
    from tests.unit import test_interop

    demo.load(120, seed=4)
    export = tmp_path / "sample.vcf"
    vcard.write_vcards(export, contacts.list_ids()[::3])
    with database.atomic():
        database.execute_sql("DELETE FROM contact")
        database.execute_sql("DELETE FROM contact_fts")
    contacts.create_contact(
        contacts.ContactInput(first_name="Old", organization="ACME corp", tags=["VIP", "golf"])
    )
    contacts.create_contact(  # the form's way: one contact, names looked up as they come
        contacts.ContactInput(first_name="Form", organization="acme CORP", tags=["vip", "B", "a"])
    )
    odd = tmp_path / "odd.vcf"
    odd.write_text(
        "BEGIN:VCARD\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nORG:acme Corp;Sales\r\nTITLE:Boss\r\n"
        "EMAIL:ann@example.com\r\nTEL:555 0199\r\nTEL:(415) 555-0100\r\nTEL:+14155550101\r\n"
        "CATEGORIES:vip,Zeta,alpha,Golf,beta\r\nNOTE:first\\nnote\r\nNICKNAME:Annie\r\n"
        "X-FAVORBOOK-HOW-MET:at a fair\r\nX-FAVORBOOK-NEEDS:leads\r\n"
        "X-FAVORBOOK-GOALS:grow\r\nX-FAVORBOOK-OFFERS:advice\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEMAIL:ann2@example.com\r\n"
        "CATEGORIES:new\r\nNOTE:second\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Ünïcode Ørg\r\nORG:Ørg\r\nCATEGORIES:Öl,oz,Ab\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Bo Chan\r\nORG:acme CORP\r\nTEL:555 0123\r\n"
        "CATEGORIES:vip,Zeta,alpha,Golf,beta\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    for path in [export, odd, *test_interop.VCARDS]:
        plan = importing.plan_import(importer.read_file(path))
        importing.apply_import(plan, {i.index: importing.UPDATE for i in plan.items if i.same_as})
    stored = database.execute_sql(
        f"SELECT rowid, {', '.join(search_index.COLUMNS)} FROM contact_fts ORDER BY rowid"
    ).fetchall()
    built = database.execute_sql(f"{search_index._ROW_SQL} ORDER BY c.id").fetchall()
    assert len(stored) > 50
    assert stored == built


def test_a_new_contacts_rows_are_queued_as_child_rows_gives_them(db):
    """ContactWriter queues a new contact's emails, phones, links, addresses and tags as
    tuples, not a dict each: the same values, for the same columns, as ``child_rows``
    (and as a contact filled in, which goes through it) gives."""
    from favorbook.services import contact_store
    from favorbook.services.contact_store import Address, ContactInput, Labeled

    data = ContactInput(
        first_name="Ann",
        last_name="Lee",
        emails=[Labeled("ann@example.com", "work"), Labeled("a@lee.example", "")],
        phones=[Labeled("+14155550100", "cell")],
        links=[Labeled("https://lee.example", "site")],
        addresses=[Address("home", "1 Main St", "Springfield", "IL", "62701", "US")],
        tags=["vip", "golf"],
    )
    writer = contact_store.ContactWriter()
    cid, _name = writer.add(data, cadence=None)
    for kind, dicts in contact_store.child_rows(cid, data).items():
        table = contact_store._TABLES[kind]
        columns = [table._meta.fields[k].column_name for k in dicts[0]]
        assert list(contact_store._CHILD_COLUMNS[kind]) == columns
        assert writer.rows[kind] == [tuple(d.values()) for d in dicts]
    assert writer.rows["tag"] == [(cid, writer.tag_id("vip")), (cid, writer.tag_id("golf"))]
    writer.finish()
    stored = contact_store.Contact.get_by_id(cid)
    assert [e.value for e in stored.emails.order_by(contact_store.ContactEmail.position)] == [
        "ann@example.com",
        "a@lee.example",
    ]
