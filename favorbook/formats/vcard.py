"""vCard 2.1, 3.0 and 4.0 in and out.

Reading is done in two layers. favorbook does the file-level work that vobject
does not (it stops on quoted-printable soft line breaks, base64 continuation
lines without indent, raw bytes in a CHARSET= other than the file's, lines
ending CR CR LF): it reads the file in chunks, splits cards, unfolds lines (each
property's pieces joined once: linear in the file's size, and capped per card so a
200 MB note holds no more than the cap) and decodes each value with its own charset,
or with the code page guessed for the file (``formats.encoding``) when it names none.
Each logical line is then parsed by vobject's content-line parser (name, group,
parameters, value). vobject is imported inside the functions so that start-up
stays fast.

A card that cannot be read becomes a ParsedRecord with ``problem`` set (its
position names the card number); bad input never raises.

Writing produces vCard 3.0 (PHOTO;ENCODING=b) or 4.0 (PHOTO:data: URI), with
the contact's uid as UID. NOTE carries the contact's notes that are not
private; private notes are written only with ``include_private=True``.
Properties favorbook kept verbatim from an imported card are written back.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import itertools
import os
import quopri
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from favorbook import __version__
from favorbook.formats.atomic import atomic_write
from favorbook.services.contacts import (
    MAX_PHOTO_BYTES,
    Address,
    ContactInput,
    Labeled,
    photo_mime,
)
from favorbook.services.importing import PROGRESS_EVERY, ParsedFile, ParsedRecord

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)?[;:]")
_BEGIN = "BEGIN:VCARD"
_END = "END:VCARD"
# Properties read into favorbook's fields; everything else is kept verbatim.
_KNOWN = {
    "BEGIN",
    "END",
    "VERSION",
    "N",
    "FN",
    "ORG",
    "TITLE",
    "EMAIL",
    "TEL",
    "ADR",
    "URL",
    "NOTE",
    "BDAY",
    "CATEGORIES",
    "PHOTO",
    "UID",
    "PRODID",
    "REV",
    "RELATED",
    "LABEL",
    "X-ABLABEL",
    "ROLE",
    "NICKNAME",
    "IMPP",
    "X-PHONETIC-FIRST-NAME",
    "X-PHONETIC-MIDDLE-NAME",
    "X-PHONETIC-LAST-NAME",
    "SORT-STRING",
    "X-FAVORBOOK-KIND",
    "X-FAVORBOOK-HOW-MET",
    "X-FAVORBOOK-NEEDS",
    "X-FAVORBOOK-GOALS",
    "X-FAVORBOOK-OFFERS",
}
# Verbatim lines longer than this (keys, sounds, logos) are not worth keeping.
_MAX_EXTRA_LINE = 16_000
_TYPE_LABELS = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "work": "work",
    "home": "home",
    "fax": "fax",
    "pager": "pager",
    "main": "main",
    "other": "other",
    "homepage": "homepage",
    "blog": "blog",
    "profile": "profile",
}
_LABEL_PRIORITY = list(dict.fromkeys(["mobile", "fax", "pager", *_TYPE_LABELS.values()]))
_IGNORED_TYPES = {"internet", "pref", "voice", "x400", "msg", "text", "video", "dom", "intl"}
_FAVORBOOK_FIELDS = {
    "X-FAVORBOOK-HOW-MET": "how_met",
    "X-FAVORBOOK-NEEDS": "needs",
    "X-FAVORBOOK-GOALS": "goals",
    "X-FAVORBOOK-OFFERS": "offers",
}


# --- reading: bytes to logical lines ------------------------------------------------------

_CHUNK = 1 << 20
MAX_TEXT_CHARS = 1_000_000
"""The longest NOTE (or other text property) one card may hold; a longer one skips the card."""
_MAX_BLOB_CHARS = MAX_PHOTO_BYTES * 4 // 3 + 100_000
"""The base64 text of the largest photo kept (with room for line breaks)."""
MAX_VALUES = 100
"""Emails, and phones, one card may hold; more skips the card."""
MAX_LINES = 5_000
"""Properties one card may hold; more skips the card."""
_BLOBS = ("PHOTO", "LOGO", "SOUND", "KEY")


def _byte_chunks(source: bytes | Path) -> Iterable[bytes]:
    if isinstance(source, bytes):
        view = memoryview(source)
        for start in range(0, len(source), _CHUNK):
            yield bytes(view[start : start + _CHUNK])
        return
    with open(source, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _text_chunks(chunks: Iterable[bytes]) -> Iterable[str]:
    """The file as str chunks whose characters are its bytes (lossless), line ends made
    LF (CRLF, CR CR LF and a bare CR each end one line), BOMs and UTF-16 undone."""
    import codecs

    from favorbook.formats import encoding

    chunks = iter(chunks)
    first = next(chunks, b"")
    codec, skip = encoding.unicode_encoding(first)
    first = first[skip:]
    decoder = None
    if codec and codec != "utf_8":
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    carry = ""
    for chunk in itertools.chain((first,), chunks):
        if decoder is not None:
            chunk = decoder.decode(chunk).encode("utf-8")
        text = carry + chunk.decode("latin-1")
        kept = text.rstrip("\r")  # a CR at the end may begin a CR LF in the next chunk
        carry = text[len(kept) :]
        yield kept.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    if carry:
        yield carry.replace("\r", "\n")


class _Long(str):
    """A line cut at its limit; ``size`` is how long it was."""

    size: int = 0


def _physical_lines(texts: Iterable[str], limit: int = _MAX_BLOB_CHARS) -> Iterable[str]:
    """Lines of the text chunks; one longer than ``limit`` is cut there (a _Long)."""
    parts: list[str] = []
    size = 0
    for text in texts:
        pieces = text.split("\n")
        for piece in pieces[:-1]:
            if size:
                line = "".join(parts) + piece[: max(0, limit - size)]
                total = size + len(piece)
                parts, size = [], 0
            else:
                line, total = piece[:limit], len(piece)
            if total > limit:
                line = _Long(line)
                line.size = total
            yield line
        tail = pieces[-1]
        if size < limit:
            parts.append(tail[: limit - size])
        size += len(tail)
    if size:
        line = "".join(parts)
        if size > limit:
            line = _Long(line)
            line.size = size
        yield line


_QP_RE = re.compile(r"(?i)quoted-printable")
_B64_RE = re.compile(r"(?i)encoding=b|;base64")
_PROP_NAME = re.compile(r"(?:[^;:.]*\.)?([^;:]*)")


class _RawCard:
    """A card's unfolded lines: plain strings (the latin-1 characters of their bytes);
    ``sizes`` gives the length a line had before a cap cut it (only for those)."""

    __slots__ = ("lines", "sizes", "strays", "too_many")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sizes: dict[int, int] = {}
        self.strays: list[str] = []
        self.too_many = False


class _Unfolder:
    """Takes a card's physical lines one by one into a _RawCard: indented continuations,
    QP soft breaks, base64 runs without indent; ``#`` comments left out; a line that is
    no property and no continuation set aside as a stray.

    A property's pieces are joined once, when it ends (linear work, however many lines
    it was folded over); past its cap (MAX_TEXT_CHARS, or _MAX_BLOB_CHARS for PHOTO,
    LOGO, SOUND, KEY) its pieces are counted, not kept.
    """

    __slots__ = ("card", "parts", "size", "limit", "soft")

    def __init__(self) -> None:
        self.card = _RawCard()
        self.parts: list[str] = []
        self.size = 0
        self.limit = MAX_TEXT_CHARS
        self.soft = False

    def _head(self) -> str:
        first = self.parts[0]
        colon = first.find(":")
        if colon < 0:
            first = "".join(self.parts)[:8192]
            colon = first.find(":")
        return first[:colon] if colon >= 0 else first

    def _close(self) -> None:
        if not self.parts:
            return
        card = self.card
        line = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
        if self.size > self.limit or isinstance(line, _Long):
            card.sizes[len(card.lines)] = max(self.size, getattr(line, "size", 0))
            line = str(line)
        card.lines.append(line)
        self.parts = []

    def _add(self, piece: str) -> None:
        size = self.size + getattr(piece, "size", len(piece))
        if size > MAX_TEXT_CHARS and self.limit == MAX_TEXT_CHARS:
            first = self.parts[0] if self.parts else piece
            name = _PROP_NAME.match(first).group(1).upper()  # type: ignore[union-attr]
            if name in _BLOBS:
                self.limit = _MAX_BLOB_CHARS
        if self.size < self.limit:
            self.parts.append(piece[: self.limit - self.size])
        self.size = size

    def feed(self, line: str) -> None:
        parts = self.parts
        if self.soft and parts:
            parts[-1] = parts[-1][:-1]
            self.size -= 1
            self._add(line.lstrip(" \t"))
        elif line[:1] in (" ", "\t") and parts:
            self._add(line[1:])
        elif not line.strip():
            self.soft = False
            return
        elif line[0] == "#":
            return  # a comment line some writers put in; no part of any value
        elif not parts or _NAME_RE.match(line):
            self._close()
            if len(self.card.lines) >= MAX_LINES:
                self.card.too_many = True
                self.soft = False
                return
            self.limit = MAX_TEXT_CHARS
            if len(line) <= MAX_TEXT_CHARS and not isinstance(line, _Long):
                self.parts, self.size = [line], len(line)
            else:
                self.parts, self.size = [], 0
                self._add(line)
        elif _B64_RE.search(self._head()):
            self._add(line.strip())
            return
        else:
            self.card.strays.append(line[:80])
            return
        tail = self.parts[-1] if self.parts else ""
        self.soft = tail.endswith("=") and bool(_QP_RE.search(self._head()))

    def finish(self) -> _RawCard:
        self._close()
        return self.card


def _raw_cards(lines: Iterable[str]) -> Iterable[_RawCard]:
    """Each card's unfolded lines; nested cards (2.1 AGENT) stay inside their parent."""
    depth = 0
    unfolder: _Unfolder | None = None
    for line in lines:
        upper = line.strip().upper() if len(line) < 40 else ""
        if upper == _BEGIN:
            depth += 1
            if depth == 1:
                unfolder = _Unfolder()
                continue
        elif upper == _END and depth:
            depth -= 1
            if depth == 0 and unfolder is not None:
                yield unfolder.finish()
                unfolder = None
                continue
        if unfolder is not None:
            unfolder.feed(line)
    if unfolder is not None:  # a last card without END:VCARD
        card = unfolder.finish()
        if card.lines:
            yield card


def _logical_lines(physical: list[str]) -> list[str]:
    """Unfold one card's physical lines (see ``_Unfolder``)."""
    unfolder = _Unfolder()
    for line in physical:
        unfolder.feed(line)
    return unfolder.finish().lines


def card_lines(data: bytes) -> list[list[str]]:
    """The unfolded lines of each card in ``data`` (latin-1 characters of their bytes)."""
    lines = _physical_lines(_text_chunks(_byte_chunks(data)))
    return [card.lines for card in _raw_cards(lines)]


def _is_qp(head: str) -> bool:
    return "QUOTED-PRINTABLE" in head.upper()


def _is_b64(head: str) -> bool:
    upper = head.upper()
    return "ENCODING=B" in upper or ";BASE64" in upper


def _needs_guess(line: str) -> bytes:
    """The value bytes of an unfolded line that are neither ASCII nor UTF-8 and whose
    property names no CHARSET: what the file's own code page has to be guessed for."""
    if line.isascii() and not _QP_RE.search(line):
        return b""
    head, _, value = line.partition(":")
    upper = head.upper()
    if "CHARSET=" in upper:
        return b""
    qp = "QUOTED-PRINTABLE" in upper
    if not qp and value.isascii():
        return b""
    raw = value.encode("latin-1", errors="replace")
    if qp:
        raw = quopri.decodestring(raw)
    if raw.isascii():
        return b""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return b""


# --- reading: one property -----------------------------------------------------------------


def line_text(line: str, fallback: str = "") -> str:
    """A logical line (latin-1 characters of its bytes) as text: UTF-8, else the file's
    code page ``fallback`` when given, else as it is."""
    try:
        return line.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        return line
    except UnicodeDecodeError:
        return line.encode("latin-1").decode(fallback, errors="replace") if fallback else line


class _Prop:
    __slots__ = ("name", "group", "params", "raw", "line", "fallback", "size")

    def __init__(self, name: str, group: str, params: dict[str, list[str]], raw: str, line: str):
        self.name = name
        self.group = group
        self.params = params
        self.raw = raw  # the value, still as latin-1 characters of its bytes
        self.line = line
        self.fallback = "cp1252"  # the file's code page for 8-bit text without a CHARSET
        self.size = len(line)  # how long the line was before a cap cut it

    @property
    def types(self) -> list[str]:
        return [t.lower() for t in self.params.get("TYPE", [])]

    def value_bytes(self) -> bytes:
        raw = self.raw.encode("latin-1", errors="replace")
        encoding = (self.params.get("ENCODING") or [""])[0].upper()
        if encoding == "QUOTED-PRINTABLE":
            raw = quopri.decodestring(raw)
        return raw

    def text(self) -> str:
        raw = self.value_bytes()
        charset = (self.params.get("CHARSET") or [""])[0]
        if charset:
            try:
                return raw.decode(charset).replace("\r\n", "\n")
            except (LookupError, UnicodeDecodeError):
                pass
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(self.fallback, errors="replace")
        return text.replace("\r\n", "\n")


# A content line without quotes before its value, which is nearly all of them: split
# here exactly as vobject's parser would, at a fraction of its cost.
_SIMPLE_LINE = re.compile(
    r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)((?:;[A-Za-z0-9_-]+(?:=[^\";:]*)?)*):(.*)\Z",
    re.DOTALL,
)


def _split_line(line: str) -> tuple[str, list[list[str]], str, str | None] | None:
    """(name, [[param, value, ...], ...], value, group) as vobject's parseLine gives them."""
    match = _SIMPLE_LINE.match(line)
    if match is not None:
        group, name, params, value = match.groups()
        param_list = []
        for part in params.split(";")[1:]:
            key, equals, values = part.partition("=")
            param_list.append([key, *(v for v in values.split(",") if v)] if equals else [key])
        return name.replace("_", "-"), param_list, value, group
    from vobject.base import ParseError, parseLine  # lazily: vobject is slow to import

    try:
        return parseLine(line)
    except ParseError:
        return None


def _parse_line(line: str) -> _Prop | None:
    parts = _split_line(line)
    if parts is None:
        return None
    name, param_list, value, group = parts
    params: dict[str, list[str]] = {}
    for key, *values in param_list:
        key = key.upper()
        if not values:  # vCard 2.1 bare parameters: TEL;CELL;PREF, ENCODING=... implied
            bare = key
            if bare in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
                params.setdefault("ENCODING", []).append(bare)
            else:
                params.setdefault("TYPE", []).append(bare)
            continue
        for v in values:
            parts = v.split(",") if key == "TYPE" else [v]
            params.setdefault(key, []).extend(p.strip() for p in parts if p.strip())
    return _Prop(name.upper(), (group or "").lower(), params, value, line)


_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped, then unescape each part."""
    if "\\" not in text:
        return [p.strip() for p in text.split(sep)]
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [_unescape(p).strip() for p in parts]


def _label(prop: _Prop, group_labels: dict[str, str]) -> str:
    if prop.group and prop.group in group_labels:
        return group_labels[prop.group]
    known = [_TYPE_LABELS[t] for t in prop.types if t in _TYPE_LABELS]
    for label in _LABEL_PRIORITY:
        if label in known:
            return label
    for t in prop.types:
        if t not in _IGNORED_TYPES and not t.startswith("x-") and len(t) <= 30:
            return t
    return ""


def _ab_label(text: str) -> str:
    """Apple/Google item labels: _$!<HomePage>!$_ is a built-in one (lower case, as the
    TYPE words are), anything else the user's own, kept as written."""
    m = re.fullmatch(r"_\$!<(.*)>!\$_", text.strip())
    return m.group(1).strip().lower()[:50] if m else text.strip()[:50]


def _birthday(text: str) -> str | None:
    """An ISO date, or --MM-DD for a birthday without its year; None when not a date."""
    text = text.strip().split("T", 1)[0]
    if text.startswith("--"):
        digits = text[2:].replace("-", "")
        if len(digits) == 4 and digits.isdigit():
            month, day = int(digits[:2]), int(digits[2:])
            try:
                dt.date(2000, month, day)
            except ValueError:
                return None
            return f"--{month:02d}-{day:02d}"
        return None
    digits = text.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    if day.year < 1800:
        # Apple writes 1604 for "no year"; any year before 1800 is such a placeholder.
        return f"--{day.month:02d}-{day.day:02d}"
    return day.isoformat()


def _photo(prop: _Prop) -> bytes | None:
    raw = prop.raw.strip()
    if raw.lower().startswith("data:"):
        meta, _, payload = raw.partition(",")
        if ";base64" not in meta.lower():
            return None
        raw = payload
    elif not _is_b64(";".join(f"{k}={','.join(v)}" for k, v in prop.params.items())):
        return None  # a URL: favorbook never fetches anything
    text = re.sub(r"[^A-Za-z0-9+/]", "", raw.split("=", 1)[0])
    text = text[: len(text) - len(text) % 4 if len(text) % 4 == 1 else len(text)]
    try:  # a cut-short last group (some phones write one) loses that group only
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None
    return data if photo_mime(data) else None


def _name_from_email(email: str) -> tuple[str, str]:
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._]+", local) if p]
    if len(parts) >= 2 and all(p.isalpha() for p in parts):
        return parts[0].capitalize(), " ".join(p.capitalize() for p in parts[1:])
    return email, ""


_IM_SCHEMES = {
    "AIM": ("aim", "AIM"),
    "JABBER": ("xmpp", "Jabber"),
    "XMPP": ("xmpp", "Jabber"),
    "GTALK": ("xmpp", "Google Talk"),
    "GOOGLE-TALK": ("xmpp", "Google Talk"),
    "SKYPE": ("skype", "Skype"),
    "SKYPE-USERNAME": ("skype", "Skype"),
    "MSN": ("msnim", "MSN"),
    "YAHOO": ("ymsgr", "Yahoo"),
    "ICQ": ("icq", "ICQ"),
    "QQ": ("x-apple", "QQ"),
    "GADUGADU": ("gg", "Gadu-Gadu"),
    "GROUPWISE": ("x-apple", "GroupWise"),
    "TWITTER": ("x-apple", "Twitter"),
    "MS-IMADDRESS": ("im", "IM"),
    "KADDRESSBOOK-X-IMADDRESS": ("im", "IM"),
}
"""X-<service> (and X-<service>-IM) instant-messaging properties: URI scheme, label."""
IM_SCHEMES = {"aim", "xmpp", "skype", "msnim", "ymsgr", "icq", "gg", "x-apple", "sip", "im"}
"""Link URIs written back as IMPP, not URL."""
_SERVICE_SCHEMES = {label.lower(): scheme for scheme, label in _IM_SCHEMES.values()}


# What other programs call a related person or a date (Outlook, Evolution, KAddressBook):
# shown in the note beside Apple's X-ABRELATEDNAMES, the line kept for export.
_RELATED_NAMES = {
    "X-MS-SPOUSE": "spouse",
    "X-SPOUSE": "spouse",
    "X-EVOLUTION-SPOUSE": "spouse",
    "X-KADDRESSBOOK-X-SPOUSESNAME": "spouse",
    "X-MS-MANAGER": "manager",
    "X-MANAGER": "manager",
    "X-EVOLUTION-MANAGER": "manager",
    "X-KADDRESSBOOK-X-MANAGERSNAME": "manager",
    "X-MS-ASSISTANT": "assistant",
    "X-ASSISTANT": "assistant",
    "X-EVOLUTION-ASSISTANT": "assistant",
    "X-KADDRESSBOOK-X-ASSISTANTSNAME": "assistant",
}
_DATES = {
    "ANNIVERSARY": "Anniversary",
    "X-ANNIVERSARY": "Anniversary",
    "X-MS-ANNIVERSARY": "Anniversary",
    "X-EVOLUTION-ANNIVERSARY": "Anniversary",
    "X-KADDRESSBOOK-X-ANNIVERSARY": "Anniversary",
}
_NOTED = {"X-KADDRESSBOOK-X-PROFESSION": "Profession", "X-KADDRESSBOOK-X-OFFICE": "Office"}


def _im_service(name: str) -> str:
    """ "AIM" for X-AIM, X-AIM-IM, X-GOOGLE-TALK; "" for any other property."""
    if not name.startswith("X-"):
        return ""
    service = name[2:].removesuffix("-IM")
    return service if service in _IM_SCHEMES else ""


def _impp(value: str, service: str, types: list[str]) -> Labeled | None:
    value = value.strip()
    if not value:
        return None
    label = service or next((t for t in types if t not in _IGNORED_TYPES), "")
    scheme, colon, rest = value.partition(":")
    if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        scheme = _SERVICE_SCHEMES.get(label.lower(), "x-apple")
        value = f"{scheme}:{value}"
    return Labeled(value, label)


def _size(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB" if n >= 100_000 else f"{n:,} characters"


class _CardReader:
    """One card's properties read into a ParsedRecord: the names, the ways to reach them,
    and everything else (notes, dates, photo, the lines kept verbatim for export)."""

    def __init__(self, props: list[_Prop], position: str, fallback: str) -> None:
        self.position = position
        self.fallback = fallback
        self.group_labels = {
            p.group: _ab_label(p.text()) for p in props if p.name == "X-ABLABEL" and p.group
        }
        self.known_groups = {p.group for p in props if p.group and p.name in _KNOWN - {"X-ABLABEL"}}
        self.data = ContactInput()
        self.record = ParsedRecord(position=position, contact=self.data)
        self.fn = ""
        self.has_n = False
        self.notes: list[str] = []
        self.related: list[str] = []
        self.dates: list[str] = []
        self.extra: list[str] = []
        self.labels: list[Address] = []

    def read(self, p: _Prop) -> None:
        """Take in one property; the first of the readers that knows it keeps it."""
        name = p.name
        (
            self._name_part(p, name)
            or self._name_reading(p, name)
            or self._reach(p, name)
            or self._notes_and_photo(p, name)
            or self._kept(p, name)
            or self._own_and_kept(p, name)
        )

    def _name_part(self, p: _Prop, name: str) -> bool:
        """N, FN, ORG (with its units), TITLE and ROLE."""
        if name == "N" and not self.has_n:
            parts = [*_split(p.text(), ";"), "", "", "", ""]
            family, given, additional, prefix, suffix = parts[:5]
            self.data.first_name = " ".join(x for x in (given, additional) if x)
            self.data.last_name = family
            self.data.name_prefix, self.data.name_suffix = prefix, suffix
            self.has_n = bool(self.data.first_name or self.data.last_name)
            return True
        if name == "FN" and not self.fn:
            self.fn = _unescape(p.text()).strip()
            return True
        if name == "ORG" and not self.data.organization:
            units = [u for u in _split(p.text(), ";") if u]
            if units:
                self.data.organization = units[0]
                self.data.department = "; ".join(units[1:])
            return True
        if name == "TITLE" and not self.data.title:
            self.data.title = _unescape(p.text()).strip()
            return True
        if name == "X-KADDRESSBOOK-X-DEPARTMENT" and not self.data.department:
            self.data.department = _unescape(p.text()).strip()
            return True
        if name == "ROLE" and not self.data.role:
            self.data.role = _unescape(p.text()).strip()
            return True
        return False

    def _name_reading(self, p: _Prop, name: str) -> bool:
        """NICKNAME, and how the name is read (phonetic names, a phone's SOUND)."""
        if name == "NICKNAME" and not self.data.nickname:
            self.data.nickname = ", ".join(v for v in _split(p.text(), ",") if v)
            return True
        if name == "X-PHONETIC-FIRST-NAME" and not self.data.phonetic_first_name:
            self.data.phonetic_first_name = _unescape(p.text()).strip()
            return True
        if name == "X-PHONETIC-MIDDLE-NAME":
            middle = _unescape(p.text()).strip()
            self.data.phonetic_first_name = " ".join(
                x for x in (self.data.phonetic_first_name, middle) if x
            )
            return True
        if name in ("X-PHONETIC-LAST-NAME", "SORT-STRING") and not self.data.phonetic_last_name:
            self.data.phonetic_last_name = _unescape(p.text()).strip()
            return True
        if name == "SOUND" and "X-IRMC-N" in (t.upper() for t in p.types):
            # Japanese phones: the reading of the name, family;given like N.
            parts = [*_split(p.text(), ";"), "", ""]
            self.data.phonetic_last_name = self.data.phonetic_last_name or parts[0]
            self.data.phonetic_first_name = self.data.phonetic_first_name or parts[1]
            return True
        return False

    def _reach(self, p: _Prop, name: str) -> bool:
        """Emails, phones, addresses (and LABELs), URLs and messaging handles."""
        if name == "EMAIL":
            value = _unescape(p.text()).strip()
            if value.lower().startswith("mailto:"):
                value = value[7:]
            if value:
                self.data.emails.append(Labeled(value, _label(p, self.group_labels)))
            return True
        if name in ("TEL", "X-MS-TEL"):  # Outlook's callback, radio, telex... numbers
            value = _unescape(p.text()).strip()
            if value.lower().startswith("tel:"):
                value = value[4:]
            if value:
                self.data.phones.append(Labeled(value, _label(p, self.group_labels)))
            return True
        if name == "ADR":
            parts = [*_split(p.text(), ";"), *[""] * 7][:7]
            po, ext, street, city, region, postcode, country = parts
            street = "\n".join(x for x in (po, ext, street) if x)
            addr = Address(_label(p, self.group_labels), street, city, region, postcode, country)
            if not addr.is_empty():
                self.data.addresses.append(addr)
            return True
        if name == "LABEL":
            text = _unescape(p.text()).strip()
            if text:
                self.labels.append(Address(_label(p, self.group_labels), street=text))
            return True
        if name == "URL":
            value = _unescape(p.text()).strip()
            if value:
                self.data.links.append(Labeled(value, _label(p, self.group_labels)))
            return True
        if name == "IMPP":
            service = (p.params.get("X-SERVICE-TYPE") or [""])[0]
            if p.group in self.group_labels and not service:
                service = self.group_labels[p.group]
            link = _impp(_unescape(p.text()), service, p.types)
            if link is not None:
                self.data.links.append(link)
            return True
        if _im_service(name):
            scheme, label = _IM_SCHEMES[_im_service(name)]
            value = _unescape(p.text()).strip()
            if value:
                self.data.links.append(Labeled(f"{scheme}:{value}", label))
            return True
        return False

    def _notes_and_photo(self, p: _Prop, name: str) -> bool:
        """NOTE, BDAY, CATEGORIES and PHOTO."""
        if name == "NOTE":
            value = _unescape(p.text()).strip()
            if value:
                self.notes.append(value)
            return True
        if name == "BDAY" and self.data.birthday is None:
            self.data.birthday = _birthday(p.text())
            return True
        if name == "CATEGORIES":
            # Some writers escape the commas between categories; a tag never holds one.
            tags = (t.strip() for v in _split(p.text(), ",") for t in v.split(","))
            self.data.tags.extend(t for t in tags if t)
            return True
        if name == "PHOTO" and self.record.photo is None:
            if p.size > len(p.line):
                self.record.warnings.append(
                    f"{self.position}: the photo ({_size(p.size * 3 // 4)}) is larger than the "
                    f"{MAX_PHOTO_BYTES // 1_000_000} MB favorbook keeps; left out"
                )
                return True
            self.record.photo = _photo(p)
            if self.record.photo is not None and len(self.record.photo) > MAX_PHOTO_BYTES:
                self.record.warnings.append(
                    f"{self.position}: the photo ({_size(len(self.record.photo))}) is larger "
                    "than the "
                    f"{MAX_PHOTO_BYTES // 1_000_000} MB favorbook keeps; left out"
                )
                self.record.photo = None
                return True
            if self.record.photo is None and len(p.line) <= _MAX_EXTRA_LINE:
                self.extra.append(line_text(p.line, self.fallback))
            return True
        return False

    def _kept(self, p: _Prop, name: str) -> bool:
        """UID, and related people and dates (shown in the note, their lines kept)."""
        if name == "UID":
            self.record.uid = _unescape(p.text()).strip()
            return True
        if name == "RELATED":
            value = _unescape(p.text()).strip()
            if value and not value.lower().startswith("urn:"):
                kind = ", ".join(t for t in p.types if t not in _IGNORED_TYPES)
                self.related.append(f"{value} ({kind})" if kind else value)
            self.extra.append(line_text(p.line, self.fallback))
            return True
        if (
            name in ("X-ABRELATEDNAMES", "X-ABDATE")
            or name in _RELATED_NAMES
            or (name in _DATES or name in _NOTED)
        ):
            # Related people and dates: shown in the note, and the line kept for export.
            value = _unescape(p.text()).strip()
            kind = self.group_labels.get(p.group, "") or _RELATED_NAMES.get(name, "")
            if value and (name == "X-ABRELATEDNAMES" or name in _RELATED_NAMES):
                self.related.append(f"{value} ({kind})" if kind else value)
            elif value and name in _NOTED:
                self.dates.append(f"{_NOTED[name]}: {value}")
            elif value:
                label = kind.capitalize() or _DATES.get(name, "Date")
                self.dates.append(f"{label}: {value}")
            if len(p.line) <= _MAX_EXTRA_LINE and "CHARSET" not in p.params:
                self.extra.append(line_text(p.line, self.fallback))
            return True
        return False

    def _own_and_kept(self, p: _Prop, name: str) -> bool:
        """favorbook's own fields, and the lines kept verbatim for export."""
        if name == "X-FAVORBOOK-KIND":
            self.data.kind = _unescape(p.text()).strip().lower() or "other"
            return True
        if name in _FAVORBOOK_FIELDS:
            setattr(self.data, _FAVORBOOK_FIELDS[name], _unescape(p.text()).strip())
            return True
        if name == "X-ABLABEL":
            if p.group not in self.known_groups:  # the label of a property kept verbatim
                self.extra.append(line_text(p.line, self.fallback))
            return True
        if name not in _KNOWN and len(p.line) <= _MAX_EXTRA_LINE:
            if "CHARSET" in p.params or _is_qp(p.line.split(":", 1)[0]):
                return True  # 2.1 encodings cannot be written back faithfully
            self.extra.append(line_text(p.line, self.fallback))
            return True
        return False

    def finish(self) -> ParsedRecord:
        """The record, once every property is read; a problem record when the card names
        nobody."""
        data, record = self.data, self.record
        # An address written only as a LABEL (no ADR of the same kind) is the address.
        adr_labels = {a.label for a in data.addresses}
        data.addresses.extend(
            a for a in self.labels if not data.addresses or a.label not in adr_labels
        )
        if self.has_n:
            data.full_name = self.fn  # kept as the name shown, unless it is the one N builds
        elif self.fn:
            words = self.fn.split()
            if data.organization and self.fn == data.organization:
                pass  # a company card: the organization is its name
            elif len(words) > 1:
                data.first_name, data.last_name = " ".join(words[:-1]), words[-1]
                data.name_prefix = data.name_suffix = ""
            else:
                data.first_name = self.fn
                data.name_prefix = data.name_suffix = ""
        if not (data.first_name or data.last_name or data.organization):
            if data.emails:
                data.first_name, data.last_name = _name_from_email(data.emails[0].value)
            elif data.phones:
                data.first_name = data.phones[0].value
            else:
                return ParsedRecord(
                    position=self.position,
                    problem=f"{self.position}: no name, organization, email or phone",
                )
        if self.related:
            self.notes.append("Related: " + "; ".join(self.related))
        if self.dates:
            self.notes.append("\n".join(self.dates))
        record.note = "\n\n".join(dict.fromkeys(self.notes))
        if self.extra:
            record.extra["vcard"] = "\n".join(self.extra)
        return record


def _card(raw: _RawCard | list[str], position: str, fallback: str = "cp1252") -> ParsedRecord:
    if isinstance(raw, list):  # physical lines (tests, the sync field view)
        unfolder = _Unfolder()
        for line in raw:
            unfolder.feed(line)
        raw = unfolder.finish()
    props: list[_Prop] = []
    for index, line in enumerate(raw.lines):
        prop = _parse_line(line)
        if prop is None:
            raw.strays.append(line[:80])
            continue
        prop.fallback = fallback
        if index in raw.sizes:
            prop.size = raw.sizes[index]
        props.append(prop)
    skip = _over_caps(props, raw, position)
    if skip:
        return ParsedRecord(position=position, problem=skip)
    reader = _CardReader(props, position, fallback)
    for stray in raw.strays:
        reader.record.warnings.append(
            f"{position}: a line that is no vCard property was skipped: “{stray.strip()}”"
        )
    for p in props:
        reader.read(p)
    return reader.finish()


def _over_caps(props: list[_Prop], raw: _RawCard, position: str) -> str:
    """Why a card holds more than favorbook takes from one card ("" when it does not)."""
    if raw.too_many:
        return f"{position}: holds more than {MAX_LINES:,} properties; not imported"
    for kind, label in (("EMAIL", "email addresses"), ("TEL", "phone numbers")):
        count = sum(1 for p in props if p.name in (kind, f"X-MS-{kind}"))
        if count > MAX_VALUES:
            return (
                f"{position}: holds {count:,} {label}, more than the {MAX_VALUES} "
                "favorbook keeps for one contact; not imported"
            )
    for p in props:
        if p.size > len(p.line) and p.name not in _BLOBS:
            what = "note" if p.name == "NOTE" else p.name
            return (
                f"{position}: its {what} is {_size(p.size)} long, more than the "
                f"{MAX_TEXT_CHARS:,} characters favorbook keeps of one field; not imported"
            )
    return ""


# --- reading: the plain cards of a plain file, without the per-line machinery -----------

_EASY_FILE_BYTES = 8 * 1024 * 1024
"""Files up to this size (some 15,000 cards without photos) are read whole and their
plain cards taken the short way; a bigger one is read a chunk at a time, as memory
stays bounded by the caps, not by what a file holds."""
_HARD_HEAD = re.compile(r"(?i)quoted-printable|charset|encoding|base64|[^\x21-\x7e]|[\".]")
"""What in a property's head only the general path reads: an encoding or a charset (or
the words the unfolder looks for in a head), quotes, a group, spaces, letters beyond
ASCII."""
_HEADS: dict[str, tuple[str, str] | None] = {}
"""A plain property's name and label by the text before its colon, worked out once: a
file says "EMAIL;TYPE=INTERNET,WORK" ten thousand times. None for a head only the general
path reads. Read only, but for adding to it."""
_COMMENT = ("#", "")


def _text_of(value: str) -> str:
    """A property's value unescaped and stripped, as _CardReader takes most of them."""
    return (_unescape(value) if "\\" in value else value).strip()


def _plain_email(r: _CardReader, value: str, label: str) -> None:
    value = _text_of(value)
    if value[:7].lower() == "mailto:":
        value = value[7:]
    if value:
        r.data.emails.append(Labeled(value, label))


def _plain_tel(r: _CardReader, value: str, label: str) -> None:
    value = _text_of(value)
    if value[:4].lower() == "tel:":
        value = value[4:]
    if value:
        r.data.phones.append(Labeled(value, label))


def _plain_n(r: _CardReader, value: str, label: str) -> None:
    if not r.has_n:
        family, given, additional, prefix, suffix = [*_split(value, ";"), "", "", "", ""][:5]
        data = r.data
        data.first_name = f"{given} {additional}" if given and additional else given or additional
        data.last_name, data.name_prefix, data.name_suffix = family, prefix, suffix
        r.has_n = bool(data.first_name or family)


def _plain_fn(r: _CardReader, value: str, label: str) -> None:
    if not r.fn:
        r.fn = _text_of(value)


def _plain_org(r: _CardReader, value: str, label: str) -> None:
    if not r.data.organization:
        units = [u for u in _split(value, ";") if u]
        if units:
            r.data.organization = units[0]
            r.data.department = "; ".join(units[1:])


def _plain_once(field: str) -> Callable[[_CardReader, str, str], None]:
    """The reader of a one-line field the first value of a card fills (TITLE, ROLE)."""

    def read(r: _CardReader, value: str, label: str) -> None:
        if not getattr(r.data, field):
            setattr(r.data, field, _text_of(value))

    return read


def _plain_last(field: str) -> Callable[[_CardReader, str, str], None]:
    """The reader of a field the last value of a card fills (favorbook's own fields)."""

    def read(r: _CardReader, value: str, label: str) -> None:
        setattr(r.data, field, _text_of(value))

    return read


def _plain_nickname(r: _CardReader, value: str, label: str) -> None:
    if not r.data.nickname:
        r.data.nickname = ", ".join(v for v in _split(value, ",") if v)


def _plain_adr(r: _CardReader, value: str, label: str) -> None:
    po, ext, street, city, region, postcode, country = [*_split(value, ";"), *[""] * 7][:7]
    street = "\n".join(x for x in (po, ext, street) if x)
    address = Address(label, street, city, region, postcode, country)
    if not address.is_empty():
        r.data.addresses.append(address)


def _plain_label(r: _CardReader, value: str, label: str) -> None:
    text = _text_of(value)
    if text:
        r.labels.append(Address(label, street=text))


def _plain_url(r: _CardReader, value: str, label: str) -> None:
    value = _text_of(value)
    if value:
        r.data.links.append(Labeled(value, label))


def _plain_note(r: _CardReader, value: str, label: str) -> None:
    value = _text_of(value)
    if value:
        r.notes.append(value)


def _plain_bday(r: _CardReader, value: str, label: str) -> None:
    if r.data.birthday is None:
        r.data.birthday = _birthday(value)


def _plain_categories(r: _CardReader, value: str, label: str) -> None:
    tags = (t.strip() for v in _split(value, ",") for t in v.split(","))
    r.data.tags.extend(t for t in tags if t)


def _plain_uid(r: _CardReader, value: str, label: str) -> None:
    r.record.uid = _text_of(value)


def _plain_kind(r: _CardReader, value: str, label: str) -> None:
    r.data.kind = _text_of(value).lower() or "other"


def _plain_skipped(r: _CardReader, value: str, label: str) -> None:
    pass


_PLAIN = {
    "EMAIL": _plain_email,
    "TEL": _plain_tel,
    "N": _plain_n,
    "FN": _plain_fn,
    "ORG": _plain_org,
    "TITLE": _plain_once("title"),
    "ROLE": _plain_once("role"),
    "NICKNAME": _plain_nickname,
    "ADR": _plain_adr,
    "LABEL": _plain_label,
    "URL": _plain_url,
    "NOTE": _plain_note,
    "BDAY": _plain_bday,
    "CATEGORIES": _plain_categories,
    "UID": _plain_uid,
    "X-FAVORBOOK-KIND": _plain_kind,
    **{name: _plain_last(field) for name, field in _FAVORBOOK_FIELDS.items()},
    **dict.fromkeys(("VERSION", "PRODID", "REV", "#"), _plain_skipped),
}
"""The properties a plain card may hold, each read as _CardReader reads it (the same
record), from the text after the colon and the label its head gives; "#" is a comment."""


class _PlainCard:
    """A card of a UTF-8 file, as text lines: read the short way when each of its lines
    is one whole plain property (``_plain_record``), else the general path's way."""

    __slots__ = ("lines",)

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def raw(self) -> _RawCard:
        """The card as the general path takes it (latin-1 characters of its bytes)."""
        unfolder = _Unfolder()
        for line in self.lines:
            unfolder.feed(line.encode("utf-8").decode("latin-1"))
        return unfolder.finish()


def _utf8_text(data: bytes | Path) -> str | None:
    """The text of a UTF-8 file (or one with a UTF-8 BOM) of at most _EASY_FILE_BYTES,
    line ends made LF as the general path makes them; None for any other."""
    from favorbook.formats import encoding

    if isinstance(data, Path):
        try:
            if data.stat().st_size > _EASY_FILE_BYTES:
                return None
            data = data.read_bytes()
        except OSError:
            return None
    elif len(data) > _EASY_FILE_BYTES:
        return None
    codec, skip = encoding.unicode_encoding(data[: 1 << 20])
    if codec not in ("", "utf_8"):
        return None
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _plain_cards(data: bytes | Path) -> list[_PlainCard] | None:
    """The cards of a UTF-8 file of at most _EASY_FILE_BYTES, as text lines. None when the
    file is no such file, or its cards are not split as the general path splits them (a
    nested card, a BEGIN:VCARD in another case or with spaces around it, a card left
    open, a line longer than a field holds): then the general path reads it all."""
    text = _utf8_text(data)
    if text is None:
        return None
    lines = text.split("\n")
    if max(map(len, lines), default=0) > MAX_TEXT_CHARS:
        return None  # the general path cuts such lines as it reads them
    cards: list[_PlainCard] = []
    at = 0
    with contextlib.suppress(ValueError):  # no more cards
        while True:
            begin = lines.index(_BEGIN, at)
            at = lines.index(_END, begin + 1)
            cards.append(_PlainCard(lines[begin + 1 : at]))
            at += 1
    # Each card began and ended by such a line, and no other line says BEGIN:VCARD or
    # END:VCARD in any case (as the general path reads them: "begın" is "BEGIN" to it).
    if "\u0131" in text:
        folded = text.upper()
        begins, ends = folded.count(_BEGIN), folded.count(_END)
    else:  # the same count, ASCII letters alone changing case
        upper = text.encode("utf-8").upper()
        begins, ends = upper.count(b"BEGIN:VCARD"), upper.count(b"END:VCARD")
    if begins != len(cards) or ends != len(cards):
        return None
    return cards


def _plain_head(head: str) -> tuple[str, str] | None:
    """(name, label) of a plain property's head; None for what the general path reads
    (another property, a group, quotes, an encoding or charset, letters beyond ASCII)."""
    if head[:1] == "#":
        return _COMMENT
    if not head[:1].isalpha() or _HARD_HEAD.search(head) or not _SIMPLE_LINE.match(head + ":"):
        return None
    prop = _parse_line(head + ":")
    if prop is None or prop.group or prop.name not in _PLAIN:
        return None
    return prop.name, _label(prop, {})


def _plain_record(card: _PlainCard, position: str) -> ParsedRecord | None:
    """The record of a plain card, as _card reads it; None when the card holds what only
    the general path takes (another property, a folded line, a group, an encoding)."""
    lines = card.lines
    if len(lines) > MAX_VALUES:
        return None  # it may hold more emails or phones than a card keeps: the general path counts
    reader = _CardReader([], position, "cp1252")
    heads = _HEADS
    for line in lines:
        colon = line.find(":")
        if colon <= 0:
            if not line or line[0] == "#":
                continue
            return None
        head = line[:colon]
        info = heads.get(head)
        if info is None:
            if head in heads:
                return None
            info = _plain_head(head)
            if len(heads) < 10_000:
                heads[head] = info
            if info is None:
                return None
        name, label = info
        _PLAIN[name](reader, line[colon + 1 :], label)
    return reader.finish()


def _record(raw: _RawCard, position: str, fallback: str) -> ParsedRecord:
    """One card's record by the general path; a card that cannot be read is a problem
    record (one bad card must not stop the file)."""
    try:
        return _card(raw, position, fallback)
    except Exception as exc:  # noqa: BLE001
        return ParsedRecord(position=position, problem=f"{position}: cannot be read ({exc})")


def _file_code_page(cards: list, parsed: ParsedFile, label: str) -> str:
    """The code page for 8-bit text without a CHARSET that is not UTF-8, guessed from
    what the general path's cards hold of it (cp1252 when they hold none); a weak guess
    is a warning of ``parsed``."""
    from favorbook.formats import encoding

    sample: list[bytes] = []
    sampled = 0
    for card in cards:
        if sampled < encoding.SAMPLE_BYTES and isinstance(card, _RawCard):
            for index, line in enumerate(card.lines):
                if index not in card.sizes:
                    found = _needs_guess(line)
                    if found:
                        sample.append(found)
                        sampled += len(found) + 1
    if not sample:
        return "cp1252"
    guess = encoding.guess(b"\n".join(sample))
    if guess.weak:
        parsed.warnings.append(guess.warning(Path(label).name if label else "the file"))
    return guess.encoding


def read_vcards(
    source: str | os.PathLike[str] | bytes,
    *,
    path_label: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Every card of a vCard file (a path, or its bytes/text) as ParsedRecords.

    The file is read in chunks and each card unfolded in time proportional to its size;
    what one card may hold is capped (MAX_TEXT_CHARS a field, MAX_PHOTO_BYTES a photo,
    MAX_VALUES emails and phones, MAX_LINES properties), so memory stays bounded by the
    caps, not by what a file holds. 8-bit text without a CHARSET that is not UTF-8 is
    read in the code page guessed for the whole file (``formats.encoding``); a weak
    guess is a warning of the ParsedFile.

    A UTF-8 file of at most _EASY_FILE_BYTES is read whole, and each of its cards whose
    every line is one plain property (what real exports hold) is read the short way, by
    a property's name and the label of its head worked out once per file: the same
    record as the general path gives (tests/unit/test_speed_equivalence.py).

    ``progress(done, total)`` is called every 200 cards and once at the end; raising
    from it (ImportCancelled) stops the reading.
    """
    if isinstance(source, bytes):
        data, label = source, path_label or "<data>"
    elif isinstance(source, str) and ("\n" in source or _BEGIN in source[:4096].upper()):
        data, label = source.encode("utf-8"), path_label or "<text>"
    else:
        data, label = Path(source), str(source)
    parsed = ParsedFile(path=label, format="vcard")
    cards: list = _plain_cards(data)  # type: ignore[assignment]
    if cards is None:
        cards = list(_raw_cards(_physical_lines(_text_chunks(_byte_chunks(data)))))
    records: list = [None] * len(cards)
    for index, card in enumerate(cards):
        if isinstance(card, _PlainCard):
            try:
                records[index] = _plain_record(card, f"card {index + 1}")
            except Exception:  # noqa: BLE001 - the general path says what is wrong
                records[index] = None
            cards[index] = None if records[index] is not None else card.raw()
    fallback = _file_code_page(cards, parsed, label)
    total = len(cards)
    if progress is not None:
        progress(0, total)
    for number, raw in enumerate(cards, start=1):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
        if raw is not None:
            records[number - 1] = _record(raw, f"card {number}", fallback)
            cards[number - 1] = None  # free it as we go
    parsed.records = records
    if progress is not None:
        progress(total, total)
    return parsed


# --- writing ------------------------------------------------------------------------------


def escape_value(text: str) -> str:
    """``text`` escaped for a vCard property value (backslash, newline, comma, semicolon)."""
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if line.isascii():  # one octet a character: cut by length (most lines fit whole)
        if len(line) <= 75:
            return line + "\r\n"
        parts = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
        return "\r\n".join(parts) + "\r\n"
    if len(line.encode("utf-8")) <= 75:
        return line + "\r\n"
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


_V3_TYPES = {"mobile": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX", "pager": "PAGER"}


class _CardWriter:
    def __init__(self, version: str):
        self.version = version
        self.lines: list[str] = []
        self.items = 0

    def add(self, name: str, value: str, params: str = "") -> None:
        self.lines.append(f"{name}{params}:{value}")

    def add_labeled(self, name: str, value: str, label: str, extra_type: str = "") -> None:
        label = label.strip()
        if label.lower() in _V3_TYPES or label.lower() in ("other", ""):
            label = label.lower()
            types = [t for t in (extra_type, _V3_TYPES.get(label, label.upper())) if t]
            if self.version == "4.0":
                types = [t.lower() for t in types if t.lower() not in ("internet",)]
                types = ["cell" if t == "cell" else t for t in types]
            params = f";TYPE={','.join(types)}" if types else ""
            self.add(name, value, params)
        else:  # a label of the user's own: Apple's and Google's item groups
            self.items += 1
            group = f"item{self.items}"
            params = f";TYPE={extra_type}" if extra_type and self.version != "4.0" else ""
            self.add(f"{group}.{name}", value, params)
            self.add(f"{group}.X-ABLabel", escape_value(label))


def _write_identity(w: _CardWriter, contact) -> None:
    """UID, FN, N, nickname, phonetic names, ORG (with its units), TITLE and ROLE."""
    w.add("UID", escape_value(contact.uid))
    w.add("FN", escape_value(contact.display_name))
    n_parts = (contact.last_name, contact.first_name, "", contact.name_prefix, contact.name_suffix)
    w.add("N", ";".join(escape_value(p) for p in n_parts))
    if contact.nickname:
        w.add("NICKNAME", escape_value(contact.nickname))
    if contact.phonetic_first_name:
        w.add("X-PHONETIC-FIRST-NAME", escape_value(contact.phonetic_first_name))
    if contact.phonetic_last_name:
        w.add("X-PHONETIC-LAST-NAME", escape_value(contact.phonetic_last_name))
    if contact.organization:
        units = [u.strip() for u in contact.department.split(";") if u.strip()]
        w.add("ORG", ";".join(escape_value(p) for p in [contact.organization, *units]))
    if contact.title:
        w.add("TITLE", escape_value(contact.title))
    if contact.role:
        w.add("ROLE", escape_value(contact.role))


def _write_channels(w: _CardWriter, contact) -> None:
    """Emails, phones, addresses, and links (IMPP for an instant-messaging handle)."""
    for email in contact.emails:
        w.add_labeled("EMAIL", escape_value(email.value), email.label, "INTERNET")
    for phone in contact.phones:
        w.add_labeled("TEL", escape_value(phone.value), phone.label)
    for a in contact.addresses:
        parts = ["", "", a.street, a.city, a.region, a.postcode, a.country]
        w.add_labeled("ADR", ";".join(escape_value(p) for p in parts), a.label)
    for link in contact.links:
        value = link.value.replace("\n", "")
        if value.partition(":")[0].lower() in IM_SCHEMES:
            # An instant-messaging handle: IMPP, with its service as Apple and Google write it.
            service = link.label.strip().replace('"', "")
            params = f';X-SERVICE-TYPE="{service}"' if service else ""
            w.add("IMPP", value, params)
        else:
            w.add_labeled("URL", value, link.label)


def _write_photo(w: _CardWriter, photo: tuple[bytes, str], version: str) -> None:
    """PHOTO inline: a data: URI in 4.0, base64 with its type in 3.0."""
    data, mime = photo
    encoded = base64.b64encode(data).decode("ascii")
    if version == "4.0":
        w.add("PHOTO", f"data:{mime};base64,{encoded}")
    else:
        w.add("PHOTO", encoded, f";ENCODING=b;TYPE={mime.split('/')[-1].upper()}")


def _card_text(
    contact, photo, notes: list[str], version: str, *, private_fields: bool = True
) -> str:
    w = _CardWriter(version)
    # Number our item groups after the ones in the lines kept verbatim, so labels stay apart.
    groups = re.findall(r"(?im)^item(\d+)\.", contact.vcard_extra or "")
    w.items = max((int(g) for g in groups), default=0)
    w.add("VERSION", version)
    w.add("PRODID", f"-//favorbook//favorbook {__version__}//EN")
    _write_identity(w, contact)
    _write_channels(w, contact)
    if contact.birthday:
        no_year = contact.birthday.startswith("--")
        # Without a year: --MMDD in 4.0 (RFC 6350), --MM-DD in 3.0 as most programs write it.
        w.add(
            "BDAY",
            "--" + contact.birthday[2:].replace("-", "")
            if no_year and version == "4.0"
            else contact.birthday,
        )
    if contact.tags:
        w.add("CATEGORIES", ",".join(escape_value(t) for t in contact.tags))
    if contact.kind and contact.kind != "other":
        w.add("X-FAVORBOOK-KIND", contact.kind)
    for prop, attr in _FAVORBOOK_FIELDS.items() if private_fields else ():
        value = getattr(contact, attr)
        if value:
            w.add(prop, escape_value(value))
    if notes:
        w.add("NOTE", escape_value("\n\n".join(notes)))
    if photo is not None:
        _write_photo(w, photo, version)
    body = "".join(_fold(line) for line in w.lines)
    for line in (contact.vcard_extra or "").splitlines():
        if line.strip() and not line.upper().startswith(("VERSION", "BEGIN", "END")):
            body += _fold(line)
    return f"BEGIN:VCARD\r\n{body}END:VCARD\r\n"


def sync_card_text(contact, photo: tuple[bytes, str] | None) -> str:
    """The vCard 3.0 of ``contact`` (a ContactDetail) as favorbook syncs it to a server.

    Only what a phone shows: no notes, and none of how_met, needs, goals or offers
    (they never leave the laptop). CRLF line ends, folded at 75 octets.
    """
    return _card_text(contact, photo, [], "3.0", private_fields=False)


def _load(ids: list[int], include_private: bool) -> list[tuple]:
    """(contact, photo, notes oldest first) for ``ids`` that still exist, in a fixed
    number of queries per 500 contacts."""
    from favorbook.db.models import ContactPhoto
    from favorbook.services import contacts

    out = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        photos = {
            p.contact_id: (bytes(p.data), p.mime)
            for p in ContactPhoto.select().where(ContactPhoto.contact.in_(chunk))
        }
        for d in contacts.details(chunk, include_private=include_private, skip_missing=True):
            out.append((d, photos.get(d.id), [n.body for n in reversed(d.notes)]))
    return out


def write_vcards(
    path: str | os.PathLike[str],
    contact_ids: Iterable[int] | None = None,
    version: str = "3.0",
    include_private: bool = False,
) -> int:
    """Write contacts (all when ``contact_ids`` is None) as vCard ``version``; returns count.

    NOTE carries the contact's notes that are not private; private ones only with
    ``include_private``. Written atomically: on any failure ``path`` is left as it was.
    """
    from favorbook.db.models import Contact
    from favorbook.errors import ValidationError

    if version not in ("3.0", "4.0"):
        raise ValidationError("vcard_version", "must be 3.0 or 4.0")
    if contact_ids is None:
        query = Contact.select(Contact.id).order_by(Contact.sort_name, Contact.id)
        ids = [r[0] for r in query.tuples()]
    else:
        ids = list(dict.fromkeys(contact_ids))
    cards = _load(ids, include_private)
    with atomic_write(path, "w", encoding="utf-8", newline="") as out:
        for contact, photo, notes in cards:
            out.write(_card_text(contact, photo, notes, version))
    return len(cards)
