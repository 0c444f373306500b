"""Field by field, what vendor vCards hold against what favorbook stored (tests/fidelity.py):
at least 95% of the fields right on every card, over the interop folder and over files
made here in encodings the files do not declare."""

from __future__ import annotations

from pathlib import Path

import pytest

from favorbook.services import session
from tests import fidelity
from tests.unit.test_interop import VCARDS

TARGET = 0.95


def _measure(path: Path, data_dir: Path, fallback: str = "cp1252") -> fidelity.Result:
    session.open_data(data_dir)
    try:
        return fidelity.measure(path, fallback)
    finally:
        session.close()


def _assert_every_card(result: fidelity.Result) -> None:
    for number, (right, present) in enumerate(result.per_card, start=1):
        assert right >= TARGET * present, (
            f"{result.path} card {number}: {right}/{present} fields right; missed "
            + "; ".join(m for m in result.missed if m.startswith(f"card {number}:"))
        )


@pytest.mark.skipif(not VCARDS, reason="interop test files are not beside the repository")
def test_interop_vcards_keep_what_they_hold(tmp_path):
    right = present = 0
    for i, path in enumerate(VCARDS):
        result = _measure(path, tmp_path / f"data{i}")
        _assert_every_card(result)
        right += result.right
        present += result.present
    assert present > 400  # the fields of 23 files, not an empty comparison
    assert right >= TARGET * present, f"{right}/{present}"


def _qp(text: str, codec: str) -> str:
    return "".join(f"={b:02X}" if b > 127 or b == 61 else chr(b) for b in text.encode(codec))


CARDS_30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jörg Weiß\r\nN:Weiß;Jörg;;Dr.;\r\n"
    "NICKNAME:Jogi\r\nORG:Müller & Söhne;Einkauf\r\nTITLE:Einkaufsleiter\r\n"
    "EMAIL;TYPE=WORK:joerg@mueller.example\r\nTEL;TYPE=CELL:+49 170 1234567\r\n"
    "ADR;TYPE=WORK:;;Königstraße 5;Stuttgart;;70173;Deutschland\r\n"
    "NOTE:Trifft sich gern früh\\, vor 8 Uhr.\r\nUID:jw-0001\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\n"
    "X-PHONETIC-FIRST-NAME:たろう\r\nX-PHONETIC-LAST-NAME:やまだ\r\n"
    "ORG:株式会社サンプル\r\nEMAIL:taro@sample.example.jp\r\nTEL:+81 3-1234-5678\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ирина Петрова\r\nN:Петрова;Ирина;;;\r\n"
    "ROLE:Закупки\r\nEMAIL:irina@example.ru\r\nX-SKYPE:irina.p\r\nEND:VCARD\r\n"
)


def _latin2_qp() -> bytes:
    cards = []
    for n, (fn, family, given, org, note) in enumerate(
        (
            ("Łukasz Świętochowski", "Świętochowski", "Łukasz", "Fabryka Śrub", "Lubi żeglarstwo"),
            ("Šimon Žluťák", "Žluťák", "Šimon", "Strojírny Brno", "Zná ředitele školy"),
        )
    ):
        q = lambda t: _qp(t, "iso8859_2")  # noqa: E731
        cards.append(
            "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            f"FN;ENCODING=QUOTED-PRINTABLE:{q(fn)}\r\n"
            f"N;ENCODING=QUOTED-PRINTABLE:{q(family)};{q(given)};;;\r\n"
            f"ORG;ENCODING=QUOTED-PRINTABLE:{q(org)}\r\n"
            f"NOTE;ENCODING=QUOTED-PRINTABLE:{q(note)}\r\n"
            f"TEL;CELL:+48 601 234 56{n}\r\nEND:VCARD\r\n"
        )
    return "".join(cards).encode("ascii")


def _shift_jis() -> bytes:
    cards = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:佐藤 花子\r\nN:佐藤;花子;;;\r\nORG:東京商事\r\n"
        "TITLE:営業部長\r\nTEL;CELL:090-1234-5678\r\nEMAIL:hanako@example.jp\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:鈴木 一郎\r\nN:鈴木;一郎;;;\r\nORG:大阪物産\r\n"
        "NOTE:ゴルフが好き\r\nTEL;WORK:06-1234-5678\r\nEND:VCARD\r\n"
    )
    return cards.encode("shift_jis")


MADE = {
    "utf16le-no-bom.vcf": (lambda: CARDS_30.encode("utf-16-le"), "cp1252"),
    "utf16be-no-bom.vcf": (lambda: CARDS_30.encode("utf-16-be"), "cp1252"),
    "shift-jis-no-charset.vcf": (_shift_jis, "cp932"),
    "latin2-qp-no-charset.vcf": (_latin2_qp, "iso8859_2"),
}


@pytest.mark.parametrize("name", list(MADE))
def test_files_in_undeclared_encodings_keep_what_they_hold(tmp_path, name):
    make, truth = MADE[name]
    path = tmp_path / name
    path.write_bytes(make())
    # The reference reader is told the true encoding; favorbook has to find it.
    result = _measure(path, tmp_path / "data", truth)
    assert result.present >= 10
    _assert_every_card(result)
