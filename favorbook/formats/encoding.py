"""The text encoding of a contact file that does not say what it is.

One helper for the vCard and CSV readers:

- a BOM (UTF-8, UTF-16 either byte order) decides;
- UTF-16 without a BOM is recognised by its zero bytes (every other byte of ASCII text);
- text that is valid UTF-8 is UTF-8;
- anything else is a legacy code page (Windows-1252, Latin-2, Shift_JIS, ...), guessed
  by ``charset-normalizer`` among the code pages contact files are written in, then
  checked here: the candidate whose text reads as words (letters, not symbols such as
  ``®`` or ``»`` in the middle of a name, one script a word) wins. The guess is *weak*
  when another candidate reads as well but gives a different text; the readers then
  warn in the import report.

charset-normalizer is imported only when a file is not UTF-8 or UTF-16.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Code pages contact files are written in, the most used first (the order breaks ties).
COMMON_ENCODINGS = (
    "cp1252",
    "iso8859_2",
    "cp1250",
    "iso8859_15",
    "cp1251",
    "koi8_r",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "cp949",
    "euc_kr",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "cp1257",
    "cp1255",
    "cp1256",
    "cp874",
    "mac_roman",
    "cp850",
    "cp437",
)
# The code pages a guess can be confused with worth a warning (a text that reads as well in
# Baltic or Greek Windows code pages as in Western European is not a doubt worth raising).
_LIKELY = {
    "cp1252",
    "iso8859_2",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp932",
    "shift_jis",
    "gb18030",
    "big5",
}
_MULTIBYTE = {"cp932", "shift_jis", "euc_jp", "gb18030", "big5", "cp949", "euc_kr"}
SAMPLE_BYTES = 64_000
_TOO_FEW = 40  # non-ASCII bytes below which charset-normalizer's measures are noise
"""How much of the file's non-ASCII text the guess looks at."""

_READABLE_NAMES = {
    "cp1252": "Windows-1252 (Western European)",
    "iso8859_2": "ISO-8859-2 (Central European)",
    "cp1250": "Windows-1250 (Central European)",
    "iso8859_15": "ISO-8859-15 (Western European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "koi8_r": "KOI8-R (Cyrillic)",
    "cp932": "Shift_JIS (Japanese)",
    "shift_jis": "Shift_JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Chinese)",
    "cp949": "EUC-KR (Korean)",
    "euc_kr": "EUC-KR (Korean)",
    "utf_8": "UTF-8",
    "utf_16_le": "UTF-16 (little-endian)",
    "utf_16_be": "UTF-16 (big-endian)",
}


def readable(encoding: str) -> str:
    """The name a user knows an encoding by."""
    return _READABLE_NAMES.get(encoding, encoding.replace("_", "-").upper())


@dataclass
class Guess:
    encoding: str
    """A Python codec name."""
    weak: bool = False
    """True when another encoding reads as well but gives a different text."""
    alternative: str = ""
    """That other encoding, when the guess is weak."""

    def warning(self, what: str) -> str:
        """The import report's warning for a weak guess ("" when the guess is sure)."""
        if not self.weak:
            return ""
        return (
            f"{what} does not say its text encoding; it was read as {readable(self.encoding)}, "
            f"but {readable(self.alternative)} reads as well: check accented or non-Latin "
            "letters in the imported names"
        )


def utf16_without_bom(sample: bytes) -> str:
    """ "utf_16_le" or "utf_16_be" when ``sample`` looks like UTF-16 text without a BOM
    (a zero byte beside nearly every ASCII character), else ""."""
    sample = sample[:4000]
    if len(sample) < 4:
        return ""
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > half // 2 and even < odd // 8:
        return "utf_16_le"
    if even > half // 2 and odd < even // 8:
        return "utf_16_be"
    return ""


def bom_encoding(data: bytes) -> tuple[str, int]:
    """(codec, BOM length) when ``data`` starts with a BOM, else ("", 0)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf_8", 3
    if data.startswith(b"\xff\xfe"):
        return "utf_16_le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf_16_be", 2
    return "", 0


def unicode_encoding(data: bytes) -> tuple[str, int]:
    """(codec, BOM length) for text that says or shows it is UTF-16/UTF-8 by a BOM or by
    its zero bytes, else ("", 0): the caller tries UTF-8, then ``guess``."""
    encoding, skip = bom_encoding(data)
    if encoding:
        return encoding, skip
    return utf16_without_bom(data), 0


_PUNCTUATION = frozenset("\u00a0“”‘’‚„«»‹›–—…·•¿¡\u2009\u202f")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    word = name.split(" ", 1)[0]
    if word in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC"):
        return "CJK"
    return word


# The accented letters of the languages written in Latin script with a legacy code page:
# a word whose accented letters no one language has together ("Núńez": ú and ń) was
# decoded in the wrong code page, though each of its characters is a letter.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "áéíóúñü",  # Spanish
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "àçèéíïòóúü",  # Catalan
        "éëïóöüèáà",  # Dutch
        "åäöæøé",  # Swedish, Norwegian, Danish, Finnish
        "áéíóúýðþæö",  # Icelandic
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšž",  # Croatian, Bosnian, Serbian (Latin), Slovenian
        "ăâîșțşţ",  # Romanian
        "çğıöşüâî",  # Turkish
        "ąčęėįšųūž",  # Lithuanian
        "āčēģīķļņšūž",  # Latvian
        "äöõüšž",  # Estonian
        "çë",  # Albanian
        "âêîôûŵŷ",  # Welsh
    )
)


def _one_language(letters: set[str]) -> bool:
    return any(letters <= alphabet for alphabet in _ALPHABETS)


def _score(text: str) -> float:
    """How much ``text`` reads as words: the share of its non-ASCII characters that are
    letters in a word of one script (1.0: all of them)."""
    good = total = 0
    word: list[str] = []

    def close() -> None:
        nonlocal good, total
        odd = [c for c in word if ord(c) > 127]
        if odd:
            # One script a word: "Müller" and "Иван" read, "Mьller" does not; and a
            # Latin word's accents are those of one language.
            scripts = {_script(c) for c in word if c.isalpha()}
            total += len(odd)
            accents = {c.lower() for c in odd}
            readable = "\ufffd" not in accents
            if readable and len(scripts) <= 1 and (scripts != {"LATIN"} or _one_language(accents)):
                good += len(odd)
        word.clear()

    for ch in text:
        if ch.isalpha() or ch.isdigit():
            # A capital after a small letter inside a word ("ЕлЭнз", Greek read as
            # Cyrillic) is no name's spelling; ASCII ones ("McDonald") are fine.
            if word and ord(ch) > 127 and ch.isupper() and word[-1].islower():
                word.append("\ufffd")
            word.append(ch)
            continue
        close()
        if ord(ch) > 127:
            total += 1
            # Punctuation a name or a note holds (“ ” – … ·, a no-break space, Japanese
            # and Chinese punctuation) is fine; "Stra‗e" or "Ma¤ana" is not.
            if ch in _PUNCTUATION or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff0f":
                good += 1
    close()
    return good / total if total else 1.0


def guess(sample: bytes) -> Guess:
    """The legacy code page ``sample`` (bytes that are not UTF-8) is most likely in."""
    from charset_normalizer import from_bytes  # lazily: only for files that need it

    sample = sample[:SAMPLE_BYTES]
    # charset-normalizer's view of each code page it finds plausible: (chaos, coherence).
    # On a few names it cannot tell Latin code pages apart (it may even propose UTF-16),
    # so its view breaks ties after favorbook's own reading test, and the more used code
    # page breaks the ties left ("Peña" in Windows-1252 over "Peńa" in Windows-1250).
    found = {m.encoding: (m.chaos, m.coherence) for m in from_bytes(sample)}
    few = sum(1 for b in sample if b > 127) < _TOO_FEW
    if few:
        found = {e: (0.0, 0.0) for e in found}  # a few letters: its view says nothing
    extra = (e for e in found if e not in COMMON_ENCODINGS and not e.startswith("utf"))
    ordered = [*COMMON_ENCODINGS, *extra]  # (the caller has ruled UTF-8 and UTF-16 out)
    scored: list[tuple[float, float, float, int, str, str]] = []
    for rank, encoding in enumerate(ordered):
        try:
            text = sample.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        chaos, coherence = found.get(encoding, (0.0, 0.0) if few else (1.0, 0.0))
        scored.append((_score(text), -chaos, coherence, -rank, encoding, text))
    if not scored:
        return Guess("cp1252", weak=True, alternative="iso8859_2")
    scored.sort(reverse=True)
    best_score, best_chaos, _, _, best, best_text = scored[0]

    def wide(encoding: str) -> bool:
        return encoding in _MULTIBYTE

    # A doubt worth a warning: a common code page of the same width (single-byte text
    # that reads as Cyrillic also "reads" as Chinese, two bytes a character) that reads
    # as well, that charset-normalizer finds as plausible, and that gives another text.
    for score, chaos, _, _, encoding, text in scored[1:]:
        close = score >= best_score - 0.05 and chaos >= best_chaos - 0.05
        if close and text != best_text and encoding in _LIKELY and wide(encoding) == wide(best):
            return Guess(best, weak=True, alternative=encoding)
    return Guess(best)


def decode(data: bytes, what: str) -> tuple[str, str]:
    """(text, warning) of a whole file's bytes; ``what`` names the file in the warning.

    BOMs are taken off. Bytes that do not fit the chosen encoding become U+FFFD.
    """
    encoding, skip = unicode_encoding(data)
    if encoding:
        return data[skip:].decode(encoding, errors="replace"), ""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    chosen = guess(non_ascii_lines(data))
    return data.decode(chosen.encoding, errors="replace"), chosen.warning(what)


def non_ascii_lines(data: bytes, limit: int = SAMPLE_BYTES) -> bytes:
    """The lines of ``data`` that hold bytes above 127, up to ``limit`` bytes: what
    tells one code page from another (ASCII reads the same in all of them)."""
    out: list[bytes] = []
    size = 0
    for match in _NON_ASCII_LINE.finditer(data):
        out.append(match.group())
        size += len(out[-1]) + 1
        if size >= limit:
            break
    return b"\n".join(out)


_NON_ASCII_LINE = re.compile(rb"[^\r\n]*[\x80-\xff][^\r\n]*")
