"""Property tests of the vCard importer: any input is read or skipped with a reason,
never an exception, and an import is all of a file or nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from favorbook.db.models import ALL_MODELS
from favorbook.formats import importer
from favorbook.formats.vcard import read_vcards
from favorbook.services import importing

PROPERTIES = [
    "FN",
    "N",
    "ORG",
    "TITLE",
    "EMAIL;TYPE=work",
    "TEL;TYPE=CELL",
    "ADR;TYPE=home",
    "NOTE",
    "BDAY",
    "CATEGORIES",
    "URL",
    "PHOTO;ENCODING=b;TYPE=JPEG",
    "RELATED",
    "X-CUSTOM",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8",
    "item1.EMAIL",
    "VERSION",
    "UID",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "Lee;Ann;;;",
            "Acme;Sales",
            "ann@example.com",
            "+1 415 555 0100",
            "--0314",
            "1975-03-14",
            "=C3=A9t=C3=A9=\r\n",
            "/9j/4AAQSkZJRg==",
            ";;1 Main St;Springfield;;;",
            "golf,vip",
            "not-a-date",
            "\x00",
            "data:image/png;base64,iVBORw0KGgo=",
        ]
    ),
)
LINE = st.one_of(
    st.tuples(st.sampled_from(PROPERTIES), VALUES).map(lambda pv: f"{pv[0]}:{pv[1]}"),
    st.text(max_size=30),
    st.sampled_from(["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "VERSION:4.0", " folded", ""]),
)
CARD = st.lists(LINE, max_size=10).map(
    lambda lines: "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"])
)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.binary(max_size=800))
def test_arbitrary_bytes_never_raise(data):
    for record in read_vcards(data).records:
        assert (record.contact is None) == bool(record.problem)


@FUZZ
@given(cards=st.lists(CARD, min_size=1, max_size=4))
def test_card_like_text_is_read_or_skipped_with_a_reason(cards):
    parsed = read_vcards("\r\n".join(cards).encode("utf-8", errors="surrogatepass"))
    for record in parsed.records:
        if record.contact is None:
            assert record.problem.startswith("card ")


def _dump():
    return {m.__name__: m.select().count() for m in ALL_MODELS}


@settings(FUZZ, max_examples=80)
@given(cards=st.lists(CARD, min_size=1, max_size=4))
def test_an_import_is_all_of_a_file_or_nothing(db, tmp_path, cards):
    path = tmp_path / "fuzz.vcf"
    path.write_bytes("\r\n".join(cards).encode("utf-8", errors="surrogatepass"))
    before = _dump()
    parsed = importer.read_file(path)
    plan = importing.plan_import(parsed)
    calls = []

    def cancel_at_the_end(done, total):
        calls.append(done)
        if done == total:
            raise importer.ImportCancelled("stop")

    with pytest.raises(importer.ImportCancelled):
        importing.apply_import(plan, progress=cancel_at_the_end)
    assert _dump() == before  # cancelled at the last step: nothing of it stays
    report = importing.apply_import(plan)
    assert len(report.added) + len(report.updated) + len(report.skipped) == len(plan.items)
