"""vCard 2.1, 3.0 and 4.0 in and out.

Reading is done in two layers. favorbook does the file-level work that vobject
does not (it stops on quoted-printable soft line breaks, base64 continuation
lines without indent, raw bytes in a CHARSET= other than the file's, lines
ending CR CR LF): it reads bytes, splits cards, unfolds lines and decodes each
value with its own charset. Each logical line is then parsed by vobject's
content-line parser (name, group, parameters, value). vobject is imported
inside the functions so that start-up stays fast.

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
import datetime as dt
import os
import quopri
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from favorbook import __version__
from favorbook.formats.atomic import atomic_write
from favorbook.formats.records import PROGRESS_EVERY, ParsedFile, ParsedRecord
from favorbook.services.contacts import Address, ContactInput, Labeled, photo_mime

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


def _to_latin(data: bytes) -> str:
    """The file as a str whose characters are its bytes (lossless), BOMs and UTF-16 undone."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif len(data) > 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        data = data.decode("utf-16-le", errors="replace").encode("utf-8")
    text = data.decode("latin-1")
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _is_qp(head: str) -> bool:
    upper = head.upper()
    return "QUOTED-PRINTABLE" in upper


def _is_b64(head: str) -> bool:
    upper = head.upper()
    return "ENCODING=B" in upper or ";BASE64" in upper


def _logical_lines(physical: list[str]) -> list[str]:
    """Unfold: indented continuations, QP soft breaks, and base64 runs without indent."""
    out: list[str] = []
    soft_break = False
    for line in physical:
        if soft_break and out:
            out[-1] = out[-1][:-1] + line.lstrip(" \t")
            soft_break = out[-1].endswith("=")
            continue
        if line[:1] in (" ", "\t") and out:
            out[-1] += line[1:]
        elif not line.strip():
            continue
        elif out and not _NAME_RE.match(line) and _is_b64(out[-1].split(":", 1)[0]):
            out[-1] += line.strip()
        elif not _NAME_RE.match(line) and out and ":" not in line:
            # A line that is no property (a broken fold): keep it with the one before.
            out[-1] += line
        else:
            out.append(line)
        head = out[-1].split(":", 1)[0] if out else ""
        soft_break = bool(out) and _is_qp(head) and out[-1].endswith("=")
    return out


def _split_cards(text: str) -> list[list[str]]:
    """Physical lines of each card; nested cards (2.1 AGENT) stay inside their parent."""
    cards: list[list[str]] = []
    current: list[str] | None = None
    depth = 0
    for line in text.split("\n"):
        upper = line.strip().upper()
        if upper == _BEGIN:
            depth += 1
            if depth == 1:
                current = []
                continue
        elif upper == _END and depth:
            depth -= 1
            if depth == 0 and current is not None:
                cards.append(current)
                current = None
                continue
        if current is not None:
            current.append(line)
    if current:  # a last card without END:VCARD
        cards.append(current)
    return cards


# --- reading: one property -----------------------------------------------------------------


def _line_text(line: str) -> str:
    """A logical line (latin-1 characters of its bytes) as text: UTF-8, else as it is."""
    try:
        return line.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return line


class _Prop:
    __slots__ = ("name", "group", "params", "raw", "line")

    def __init__(self, name: str, group: str, params: dict[str, list[str]], raw: str, line: str):
        self.name = name
        self.group = group
        self.params = params
        self.raw = raw  # the value, still as latin-1 characters of its bytes
        self.line = line

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
            text = raw.decode("cp1252", errors="replace")
        return text.replace("\r\n", "\n")


def _parse_line(line: str) -> _Prop | None:
    from vobject.base import ParseError, parseLine  # lazily: vobject is slow to import

    try:
        name, param_list, value, group = parseLine(line)
    except ParseError:
        return None
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
    """Apple/Google item labels: _$!<HomePage>!$_ is a built-in one, anything else custom."""
    m = re.fullmatch(r"_\$!<(.*)>!\$_", text.strip())
    return (m.group(1) if m else text).strip().lower()[:50]


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
    try:
        data = base64.b64decode(re.sub(r"\s+", "", raw) + "==", validate=False)
    except (binascii.Error, ValueError):
        return None
    return data if photo_mime(data) else None


def _name_from_email(email: str) -> tuple[str, str]:
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._]+", local) if p]
    if len(parts) >= 2 and all(p.isalpha() for p in parts):
        return parts[0].capitalize(), " ".join(p.capitalize() for p in parts[1:])
    return email, ""


def _card(lines: list[str], position: str) -> ParsedRecord:
    props = [p for p in (_parse_line(line) for line in _logical_lines(lines)) if p]
    group_labels = {
        p.group: _ab_label(p.text()) for p in props if p.name == "X-ABLABEL" and p.group
    }
    known_groups = {p.group for p in props if p.group and p.name in _KNOWN - {"X-ABLABEL"}}
    data = ContactInput()
    record = ParsedRecord(position=position, contact=data)
    fn = ""
    notes: list[str] = []
    related: list[str] = []
    extra: list[str] = []
    for p in props:
        name = p.name
        if name == "N" and not (data.first_name or data.last_name):
            parts = [*_split(p.text(), ";"), "", "", ""]
            family, given, additional = parts[0], parts[1], parts[2]
            data.first_name = " ".join(x for x in (given, additional) if x)
            data.last_name = family
        elif name == "FN" and not fn:
            fn = _unescape(p.text()).strip()
        elif name == "ORG" and not data.organization:
            data.organization = _split(p.text(), ";")[0]
        elif name == "TITLE" and not data.title:
            data.title = _unescape(p.text()).strip()
        elif name == "EMAIL":
            value = _unescape(p.text()).strip()
            if value.lower().startswith("mailto:"):
                value = value[7:]
            if value:
                data.emails.append(Labeled(value, _label(p, group_labels)))
        elif name == "TEL":
            value = _unescape(p.text()).strip()
            if value.lower().startswith("tel:"):
                value = value[4:]
            if value:
                data.phones.append(Labeled(value, _label(p, group_labels)))
        elif name == "ADR":
            parts = [*_split(p.text(), ";"), *[""] * 7][:7]
            po, ext, street, city, region, postcode, country = parts
            street = "\n".join(x for x in (po, ext, street) if x)
            addr = Address(_label(p, group_labels), street, city, region, postcode, country)
            if not addr.is_empty():
                data.addresses.append(addr)
        elif name == "URL":
            value = _unescape(p.text()).strip()
            if value:
                data.links.append(Labeled(value, _label(p, group_labels)))
        elif name == "NOTE":
            value = _unescape(p.text()).strip()
            if value:
                notes.append(value)
        elif name == "BDAY" and data.birthday is None:
            data.birthday = _birthday(p.text())
        elif name == "CATEGORIES":
            # Some writers escape the commas between categories; a tag never holds one.
            tags = (t.strip() for v in _split(p.text(), ",") for t in v.split(","))
            data.tags.extend(t for t in tags if t)
        elif name == "PHOTO" and record.photo is None:
            record.photo = _photo(p)
            if record.photo is None and len(p.line) <= _MAX_EXTRA_LINE:
                extra.append(_line_text(p.line))
        elif name == "UID":
            record.uid = _unescape(p.text()).strip()
        elif name == "RELATED":
            value = _unescape(p.text()).strip()
            if value and not value.lower().startswith("urn:"):
                kind = ", ".join(t for t in p.types if t not in _IGNORED_TYPES)
                related.append(f"{value} ({kind})" if kind else value)
            extra.append(_line_text(p.line))
        elif name == "X-FAVORBOOK-KIND":
            data.kind = _unescape(p.text()).strip().lower() or "other"
        elif name in _FAVORBOOK_FIELDS:
            setattr(data, _FAVORBOOK_FIELDS[name], _unescape(p.text()).strip())
        elif name == "X-ABLABEL":
            if p.group not in known_groups:  # the label of a property kept verbatim
                extra.append(_line_text(p.line))
        elif name not in _KNOWN and len(p.line) <= _MAX_EXTRA_LINE:
            if "CHARSET" in p.params or _is_qp(p.line.split(":", 1)[0]):
                continue  # 2.1 encodings cannot be written back faithfully
            extra.append(_line_text(p.line))
    if not (data.first_name or data.last_name) and fn:
        words = fn.split()
        if data.organization and fn == data.organization:
            pass  # a company card: the organization is its name
        elif len(words) > 1:
            data.first_name, data.last_name = " ".join(words[:-1]), words[-1]
        else:
            data.first_name = fn
    if not (data.first_name or data.last_name or data.organization):
        if data.emails:
            data.first_name, data.last_name = _name_from_email(data.emails[0].value)
        elif data.phones:
            data.first_name = data.phones[0].value
        else:
            return ParsedRecord(
                position=position,
                problem=f"{position}: no name, organization, email or phone",
            )
    if related:
        notes.append("Related: " + "; ".join(related))
    record.note = "\n\n".join(dict.fromkeys(notes))
    if extra:
        record.extra["vcard"] = "\n".join(extra)
    return record


def read_vcards(
    source: str | os.PathLike[str] | bytes,
    *,
    path_label: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Every card of a vCard file (a path, or its bytes/text) as ParsedRecords.

    ``progress(done, total)`` is called every 200 cards and once at the end; raising
    from it (ImportCancelled) stops the reading.
    """
    if isinstance(source, bytes):
        data, label = source, path_label or "<data>"
    elif isinstance(source, str) and ("\n" in source or _BEGIN in source[:4096].upper()):
        data, label = source.encode("utf-8"), path_label or "<text>"
    else:
        data, label = Path(source).read_bytes(), str(source)
    parsed = ParsedFile(path=label, format="vcard")
    cards = _split_cards(_to_latin(data))
    total = len(cards)
    if progress is not None:
        progress(0, total)
    for number, lines in enumerate(cards, start=1):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
        position = f"card {number}"
        try:
            parsed.records.append(_card(lines, position))
        except Exception as exc:  # noqa: BLE001 - one bad card must not stop the file
            parsed.records.append(
                ParsedRecord(position=position, problem=f"{position}: cannot be read ({exc})")
            )
    if progress is not None:
        progress(total, total)
    return parsed


# --- writing ------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
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
        label = label.strip().lower()
        if label in _V3_TYPES or label in ("other", ""):
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
            self.add(f"{group}.X-ABLabel", _escape(label))


def _card_text(
    contact, photo, notes: list[str], version: str, *, private_fields: bool = True
) -> str:
    w = _CardWriter(version)
    # Number our item groups after the ones in the lines kept verbatim, so labels stay apart.
    groups = re.findall(r"(?im)^item(\d+)\.", contact.vcard_extra or "")
    w.items = max((int(g) for g in groups), default=0)
    w.add("VERSION", version)
    w.add("PRODID", f"-//favorbook//favorbook {__version__}//EN")
    w.add("UID", _escape(contact.uid))
    w.add("FN", _escape(contact.display_name))
    w.add("N", f"{_escape(contact.last_name)};{_escape(contact.first_name)};;;")
    if contact.organization:
        w.add("ORG", _escape(contact.organization))
    if contact.title:
        w.add("TITLE", _escape(contact.title))
    for email in contact.emails:
        w.add_labeled("EMAIL", _escape(email.value), email.label, "INTERNET")
    for phone in contact.phones:
        w.add_labeled("TEL", _escape(phone.value), phone.label)
    for a in contact.addresses:
        parts = ["", "", a.street, a.city, a.region, a.postcode, a.country]
        w.add_labeled("ADR", ";".join(_escape(p) for p in parts), a.label)
    for link in contact.links:
        w.add_labeled("URL", link.value.replace("\n", ""), link.label)
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
        w.add("CATEGORIES", ",".join(_escape(t) for t in contact.tags))
    if contact.kind and contact.kind != "other":
        w.add("X-FAVORBOOK-KIND", contact.kind)
    for prop, attr in _FAVORBOOK_FIELDS.items() if private_fields else ():
        value = getattr(contact, attr)
        if value:
            w.add(prop, _escape(value))
    if notes:
        w.add("NOTE", _escape("\n\n".join(notes)))
    if photo is not None:
        data, mime = photo
        encoded = base64.b64encode(data).decode("ascii")
        if version == "4.0":
            w.add("PHOTO", f"data:{mime};base64,{encoded}")
        else:
            w.add("PHOTO", encoded, f";ENCODING=b;TYPE={mime.split('/')[-1].upper()}")
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
