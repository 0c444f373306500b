"""Read contacts from CSV files: Google, Outlook and LinkedIn exports, and any other CSV.

A recognised export is read with the mapping its program implies. Any other file
goes through ``guess_mapping`` (column names in English and a few common
variants), which the column-mapping dialog shows and lets the user correct
before calling ``read_csv(path, mapping)``.

Every row becomes a ``ParsedRecord`` whose contact passes favorbook's own
validation: an email or phone number that is not valid, or a birthday that is
not a date, is not dropped but kept in the record's note (``"Work Phone:
call me (not a phone number)"``), and the record's ``warnings`` say so. A
column favorbook has no field for (Custom 1, Department, Spouse...) is kept in
the note as ``"Column: value"``; the file's ``warnings`` name those columns, and
those left out (repeating others, or set to ignore). A row whose name is its
company is an organisation. A row without a name or organisation is skipped
with its reason. Nothing in a file makes this module raise anything but
``NotAContactFile``.

Cells written by favorbook's own export that start with an apostrophe before
``= + - @``, tab or CR (the formula-injection guard, see ``csv_export``) are read
back without that apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from favorbook.errors import NotAContactFile
from favorbook.services.contacts import KINDS, NAME_DETAILS, Address, ContactInput, Labeled
from favorbook.services.importing import PROGRESS_EVERY, ParsedFile, ParsedRecord

# Target -> what the mapping dialog calls it. Address parts of one column group
# (``Business Street``, ``Business City``...) make one address.
COLUMN_TARGETS: dict[str, str] = {
    "ignore": "(ignore)",
    "full_name": "Full name",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "name_prefix": "Name prefix (Dr., Ms.)",
    "name_suffix": "Name suffix (Jr., PhD)",
    "nickname": "Nickname",
    "phonetic_first_name": "Phonetic first name",
    "phonetic_last_name": "Phonetic last name",
    "department": "Department",
    "role": "Role",
    "organization": "Organisation",
    "title": "Job title",
    "kind": "Kind (customer, prospect, ...)",
    "emails": "Email",
    "phones": "Phone",
    "links": "Web link",
    "label": "Label of the email/phone/link/address beside it",
    "street": "Address: street",
    "city": "Address: city",
    "region": "Address: state/region",
    "postcode": "Address: postal code",
    "country": "Address: country",
    "tags": "Tags",
    "birthday": "Birthday",
    "birth_year": "Birthday: year",
    "birth_month": "Birthday: month",
    "birth_day": "Birthday: day",
    "how_met": "How we met",
    "needs": "Needs",
    "goals": "Goals",
    "offers": "Offers",
    "note": "Note",
}
# Targets only the recognised exports use.
_INTERNAL_TARGETS = {"connected_on"}
_ADDRESS_PARTS = ("street", "city", "region", "postcode", "country")
_NAME_TARGETS = {"full_name", "first_name", "last_name", "organization", "emails", "phones"}
# Values contact programs write for "nothing" in columns favorbook keeps in the note.
_EMPTY_DATES = {"0/0/00", "0/0/0000", "00.00.0000", "1/1/1601"}
_DEFAULTS = {
    "sensitivity": {"normal"},
    "priority": {"normal"},
    "private": {"false"},
    "gender": {"unspecified"},
}
_ESCAPED = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL = 1_000_000  # anything longer is not a contact field

# --- decoding ---------------------------------------------------------------------------


def decode(path: str | os.PathLike[str]) -> str:
    """The text of ``path`` (see ``decode_file``)."""
    return decode_file(path)[0]


def decode_file(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(text, warning) of ``path``: by its BOM, UTF-16 without one by its zero bytes,
    UTF-8, else the legacy code page ``formats.encoding`` guesses; the warning is set
    when that guess is weak. NotAContactFile when it cannot be read or is binary."""
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise NotAContactFile(f"{name} cannot be read: {exc.strerror or exc}") from None
    return _decode_bytes(data, name)


def _decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    from favorbook.formats import encoding

    if not data.strip():
        raise NotAContactFile(f"{name} is empty; it holds no contacts.")
    text, warning = encoding.decode(data, name)
    text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text[:4000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text[:4000] or controls > len(text[:4000]) // 20:
        raise NotAContactFile(f"{name} is not a text file, so it is not a contacts CSV.")
    return text, warning


def _delimiter(line: str) -> str:
    """Comma, semicolon or tab: whichever splits the header line most (outside quotes)."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class _Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (file line where the row starts, cells)
    header_line: int


def _table(text: str, name: str, *, limit: int | None = None) -> _Table:
    # Line breaks are CRLF, LF or a bare CR, as csv and the line numbers count them.
    offsets = [0]
    for match in _LINE_BREAK.finditer(text):
        offsets.append(match.end())
        if len(offsets) > 30:
            break
    ends = [*offsets[1:], len(text)]
    lines = [text[a:b].rstrip("\r\n") for a, b in zip(offsets, ends, strict=True)]
    # The header is the first line with two or more cells (LinkedIn puts notes above it).
    for i, line in enumerate(lines[:30]):
        unquoted = re.sub(r'"[^"]*"?', "x", line)  # a quoted sentence is one cell
        if len([c for c in re.split(r"[,;\t]", unquoted) if c.strip()]) >= 2:
            start = i
            break
    else:
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    delimiter = _delimiter(lines[start] if start < len(lines) else "")
    body = text[offsets[start] :] if start < len(offsets) else ""
    # A long note is still a note: csv's default limit is 128 KiB a field.
    csv.field_size_limit(max(csv.field_size_limit(), 2 * _MAX_CELL))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    previous = 0
    try:
        for cells in reader:
            first_line = start + previous + 1
            previous = reader.line_num
            if headers is None:
                headers = [_cell(c) for c in cells]
                continue
            if limit is not None and len(rows) >= limit:
                break
            if any(c.strip() for c in cells):
                rows.append((first_line, [_cell(c) for c in cells]))
    except csv.Error as exc:
        raise NotAContactFile(f"{name} is not a CSV file favorbook can read: {exc}") from None
    if not headers or not any(h.strip() for h in headers):
        raise NotAContactFile(f"{name} has no header line, so it is not a contacts CSV.")
    return _Table(headers, rows, start + 1)


def _cell(text: str) -> str:
    text = text.replace("\x00", "")
    if len(text) > 1 and text[0] == "'" and text[1] in _ESCAPED:
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def preview_rows(path: str | os.PathLike[str], n: int = 20) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``n`` rows (padded to the header's width), for the
    column-mapping dialog. NotAContactFile when the file is not a readable CSV."""
    table = _table(decode(path), Path(path).name, limit=n)
    width = len(table.headers)
    rows = [(cells + [""] * width)[:width] for _, cells in table.rows]
    return table.headers, rows


# --- column names -----------------------------------------------------------------------


def _norm(header: str) -> str:
    text = header.replace("\ufeff", "").strip().lower()
    text = re.sub(r"e[\s_-]?mail", "email", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


_FULL = {"name", "full name", "fullname", "display name", "contact name", "contact"}
_FIRST = {"first name", "firstname", "first", "given name", "givenname", "given", "forename"}
_FIRST |= {"vorname", "prénom", "prenom", "nombre"}
_LAST = {"last name", "lastname", "last", "family name", "familyname", "surname", "family"}
_LAST |= {"nachname", "nom", "apellido", "apellidos"}
_MIDDLE = {"middle name", "additional name", "middle", "second name"}
# The name details beside first and last name (services.contacts.NAME_DETAILS).
_DETAILS = {
    "name prefix": "name_prefix",
    "prefix": "name_prefix",
    "salutation": "name_prefix",
    "name suffix": "name_suffix",
    "suffix": "name_suffix",
    "nickname": "nickname",
    "nick name": "nickname",
    "given name yomi": "phonetic_first_name",
    "first name yomi": "phonetic_first_name",
    "phonetic first name": "phonetic_first_name",
    "family name yomi": "phonetic_last_name",
    "last name yomi": "phonetic_last_name",
    "phonetic last name": "phonetic_last_name",
    "department": "department",
    "role": "role",
}
# Columns that only repeat what other columns hold (the name, the email, the address
# parts): left out, and named in the import report when they hold anything.
_REPEATS = {"initials", "file as", "email display name"}
_ORG = {"company", "company name", "organization", "organisation", "organization name"}
_ORG |= {"organisation name", "org", "employer", "firma", "unternehmen", "empresa", "société"}
_TITLE = {"job title", "jobtitle", "title", "position", "role", "job", "funktion", "cargo"}
_TAGS = {"tags", "tag", "labels", "categories", "category", "groups", "group"}
_TAGS |= {"group membership", "kategorien"}
_NOTES = {"notes", "note", "comments", "comment", "remarks", "description", "notizen", "notas"}
_BIRTHDAY = {"birthday", "birth date", "birthdate", "date of birth", "dob", "bday"}
_BIRTHDAY |= {"geburtstag", "cumpleaños"}
_SIMPLE = {
    "birth year": "birth_year",
    "birth month": "birth_month",
    "birth day": "birth_day",
    "how met": "how_met",
    "how we met": "how_met",
    "met at": "how_met",
    "needs": "needs",
    "need": "needs",
    "goals": "goals",
    "goal": "goals",
    "offers": "offers",
    "offer": "offers",
    "kind": "kind",
    "contact kind": "kind",
}
_SIMPLE.update(_DETAILS)
_EMAIL = re.compile(r"\b(email|mail|courriel)\b")
_PHONE = re.compile(
    r"\b(phone|telephone|tel|mobile|cell|cellphone|fax|pager|handy|telefon|teléfono|"
    r"telefono|téléphone|mobiltelefon|callback|isdn)\b"
)
_LINK = re.compile(r"\b(web ?page|website|web site|url|homepage|home page|linkedin|link|blog)\b")
_COUNTRY = re.compile(r"\b(country|country region|land|país|pays)\b")
_POSTCODE = re.compile(r"\b(postal code|postcode|post code|zip ?code|zip|plz)\b")
_REGION = re.compile(r"\b(state|region|province|county|bundesland)\b")
_CITY = re.compile(r"\b(city|town|ort|stadt|ciudad|ville)\b")
_STREET = re.compile(r"\b(street|address|addr|strasse|straße|po box|extended address)\b")
_ADDRESS_WORDS = re.compile(
    r"\b(street|address|addr|strasse|straße|po box|extended|country region|country|postal code|"
    r"postcode|post code|zip ?code|zip|plz|state|region|province|county|city|town|ort)"
    r"( \d+)?\b"
)


def _guess(norm: str) -> str:
    if not norm:
        return "ignore"
    words = norm.split()
    if "formatted" in words or norm in _REPEATS:
        return "ignore"  # the address parts, the name or the email say the same
    if _EMAIL.search(norm) and "display" in words:
        return "ignore"
    if norm in _SIMPLE:  # the name details, how met, needs, goals, offers, kind...
        return _SIMPLE[norm]
    if "yomi" in words or "phonetic" in words:
        return "note"  # how a company or a middle name is read: no field of its own
    for names, target in (
        (_FULL, "full_name"),
        (_FIRST, "first_name"),
        (_MIDDLE, "middle_name"),
        (_LAST, "last_name"),
        (_ORG, "organization"),
        (_TITLE, "title"),
        (_TAGS, "tags"),
        (_NOTES, "note"),
        (_BIRTHDAY, "birthday"),
    ):
        if norm in names:
            return target
    if words[0] in ("organization", "organisation", "company"):
        if words[-1] == "name":
            return "organization"
        if words[-1] in ("type", "label"):
            return "ignore"
        return "title" if words[-1] == "title" else "note"  # department, location...
    if words[-1] in ("type", "label") and len(words) > 1:
        stem_target = _guess(" ".join(words[:-1]))
        linked = {"emails", "phones", "links", *_ADDRESS_PARTS}
        # The type of a value kept in the note ("Relation 1 - Type") goes beside it there.
        return "label" if stem_target in linked else "ignore"
    if words[-1] == "value" and len(words) > 1:
        return _guess(" ".join(words[:-1]))
    if _EMAIL.search(norm):
        return "emails"
    if _PHONE.search(norm):
        return "phones"
    if _LINK.search(norm):
        return "links"
    for pattern, target in (
        (_COUNTRY, "country"),
        (_POSTCODE, "postcode"),
        (_REGION, "region"),
        (_CITY, "city"),
        (_STREET, "street"),
    ):
        if pattern.search(norm):
            return target
    # Anything else (Custom 1, Department, Spouse, Manager's Name...) is kept in the
    # contact's note as "Column: value", never dropped unseen.
    return "note"


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """What each column most likely holds, from its name. Columns favorbook has no field
    for are kept in the note ("note"); "ignore" only for a nameless column or one that
    repeats others (a formatted address, an email's display name, initials)."""
    return {header: _guess(_norm(header)) for header in headers}


def _stem(norm: str) -> str:
    """The part of a column name shared by a value and its label column
    ("E-mail 1 - Type" and "E-mail 1 - Value" -> "email 1")."""
    words = norm.split()
    while len(words) > 1 and words[-1] in ("type", "label", "value", "address", "number"):
        words.pop()
    return " ".join(words)


def _address_group(norm: str) -> str:
    match = re.match(r"^(address \d+)\b", norm)
    if match:
        return match.group(1)
    return " ".join(_ADDRESS_WORDS.sub(" ", norm).split())


def _label_from_words(text: str) -> str:
    words = set(text.split())
    for keys, label in (
        ({"fax"}, "fax"),
        ({"pager"}, "pager"),
        ({"mobile", "cell", "cellphone", "handy"}, "mobile"),
        ({"business", "work", "office", "company", "geschäftlich"}, "work"),
        ({"home", "private", "personal", "privat"}, "home"),
        ({"other"}, "other"),
    ):
        if words & keys:
            return label
    return ""


def _clean_label(text: str) -> str:
    text = text.strip().lstrip("*").strip()
    if text.lower() in ("home", "work", "mobile", "other", "fax", "pager", "main"):
        return text.lower()
    return text[:50]


# --- recognised exports -----------------------------------------------------------------


def _detect(headers: list[str]) -> tuple[str, dict[str, str]]:
    norms = {_norm(h) for h in headers}
    mapping = guess_mapping(headers)
    if {"first name", "last name", "url", "connected on"} <= norms:
        for h in headers:
            norm = _norm(h)
            if norm == "connected on":
                mapping[h] = "connected_on"
            elif norm == "position":
                mapping[h] = "title"
        return "csv-linkedin", mapping
    google = "group membership" in norms or any(
        re.fullmatch(r"\s*E-mail \d+ - (Value|Type|Label)\s*", h.replace("\ufeff", ""))
        for h in headers
    )
    if google:
        for h in headers:
            norm = _norm(h)
            if norm in ("occupation", "location", "subject", "short name", "maiden name"):
                mapping[h] = "note"
        return "csv-google", mapping
    outlook = {"business phone", "mobile phone", "job title", "categories"}
    if "email address" in norms and "first name" in norms and norms & outlook:
        for h in headers:
            norm = _norm(h)
            # Outlook's Title is the salutation (Mr., Herr), not the job title: the name's
            # prefix; the account, office and who referred them go into the note.
            if norm == "title":
                mapping[h] = "name_prefix"
            elif norm in ("account", "office location", "referred by"):
                mapping[h] = "note"
        return "csv-outlook", mapping
    return "csv", mapping


# --- dates ------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("jan", "january", "janvier", "januar", "enero"),
            ("feb", "february", "février", "februar", "febrero"),
            ("mar", "march", "mars", "märz", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "juni", "junio"),
            ("jul", "july", "juillet", "juli", "julio"),
            ("aug", "august", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "oktober", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "décembre", "dezember", "diciembre"),
        )
    )
    for m in names
}


def _month(text: str) -> int | None:
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text)
    return _MONTHS.get(text)


def _slash_parts(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _day_first(values: list[str]) -> bool:
    """Whether slash dates in this file are D/M/Y: only when one of them says so."""
    pairs = [p for p in map(_slash_parts, values) if p]
    if any(a > 12 for a, _ in pairs) and not any(b > 12 for _, b in pairs):
        return True
    # 14.03.1975 is how German and other European programs write it.
    return any("." in v for v in values if _slash_parts(v))


def _ymd(year: int | None, month: int | None, day: int | None) -> str | None:
    if not month or not day:
        return None
    try:
        if year is None or year < 1800:
            dt.date(2000, month, day)
            return f"--{month:02d}-{day:02d}"
        return dt.date(year, month, day).isoformat()
    except (ValueError, OverflowError):
        return None


def parse_date(text: str, *, day_first: bool = False) -> str | None:
    """ISO date (or --MM-DD without a year) from the forms contact programs write;
    None when ``text`` is empty or not a date."""
    text = text.strip()
    if not text or text in ("0/0/00", "0/0/0000", "00.00.0000"):
        return None
    match = re.fullmatch(r"--(\d{2})-?(\d{2})", text)
    if match:
        return _ymd(None, int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if match:
        return _ymd(*(int(g) for g in match.groups()))
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        return _ymd(*(int(g) for g in match.groups()))
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:\s.*)?", text)
    if match:
        a, b, year_text = match.groups()
        year = int(year_text)
        if len(year_text) == 2:
            # Two-digit years: not in the future.
            year += 2000 if year <= dt.date.today().year % 100 else 1900
        month, day = (int(b), int(a)) if day_first else (int(a), int(b))
        return _ymd(year, month, day)
    match = re.fullmatch(r"(\d{1,2})\.? ([^\W\d]+)\.?,? (\d{4})", text)  # 15 Mar 2024
    if match:
        return _ymd(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
    match = re.fullmatch(r"([^\W\d]+)\.? (\d{1,2}),? (\d{4})", text)  # March 15, 2024
    if match:
        return _ymd(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
    return None


# --- rows -------------------------------------------------------------------------------


@dataclass
class _Column:
    index: int
    header: str
    target: str
    norm: str
    group: str = ""
    labels: list[int] = field(default_factory=list)  # indexes of label columns for it


def _columns(headers: list[str], mapping: dict[str, str]) -> list[_Column]:
    columns = []
    for i, header in enumerate(headers):
        target = mapping.get(header, "ignore")
        if target not in COLUMN_TARGETS and target not in _INTERNAL_TARGETS:
            target = "ignore"
        if target == "ignore":
            continue
        norm = _norm(header)
        column = _Column(i, header, target, norm)
        if target in _ADDRESS_PARTS:
            column.group = _address_group(norm)
        elif target in ("emails", "phones", "links", "label"):
            column.group = _stem(norm)
        columns.append(column)
    labels = [c for c in columns if c.target == "label"]
    for column in columns:
        if column.target in ("emails", "phones", "links"):
            column.labels = [lab.index for lab in labels if lab.group == column.group]
    # A value kept in the note takes the type column beside it ("Relation 1 - Type" for
    # "Relation 1 - Value"): "Relation 1 - Value (Spouse): Maria".
    types = {
        _stem(_norm(h)): i
        for i, h in enumerate(headers)
        if mapping.get(h, "ignore") == "ignore" and _norm(h).split()[-1:] in (["type"], ["label"])
    }
    for column in columns:
        if column.target == "note" and column.norm not in _NOTES:
            stem = _stem(column.norm)
            if stem in types and stem != column.norm:
                column.labels = [types[stem]]
    return columns


def _paired_types(columns: list[_Column]) -> set[int]:
    return {i for c in columns if c.target == "note" for i in c.labels}


# Several values in one cell: Google writes "a ::: b"; people write "a; b" or one a line.
_SPLIT = {
    "emails": re.compile(r"\s*:::\s*|\s*[;,\n]\s*"),
    "phones": re.compile(r"\s*:::\s*|\s*[;\n]\s*"),
    "links": re.compile(r"\s*:::\s*|\s*\n\s*"),  # a web address may hold ; and ,
}
_SPLIT_TAGS = re.compile(r"\s*:::\s*|\s*[;,\n]\s*")


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in pattern.split(text) if part.strip()]


class _Row:
    """What one CSV row has given so far, while its cells are read."""

    def __init__(self, position: str, cells: list[str]) -> None:
        self.position = position
        self.cells = cells
        self.contact = ContactInput()
        self.own_notes: list[str] = []
        self.notes: list[str] = []  # "Column: value" of what has no field of its own
        self.warnings: list[str] = []
        self.names: dict[str, list[str]] = {
            "full_name": [],
            "first_name": [],
            "middle_name": [],
            "last_name": [],
        }
        self.texts: dict[str, list[str]] = {"how_met": [], "needs": [], "goals": [], "offers": []}
        self.addresses: dict[str, Address] = {}
        self.birthday_parts: dict[str, str] = {}

    def cell(self, index: int) -> str:
        return self.cells[index].strip() if index < len(self.cells) else ""


class _RowReader:
    def __init__(self, columns: list[_Column], *, day_first: bool, region: str, fmt: str):
        self.columns = columns
        self.day_first = day_first
        self.region = region
        self.format = fmt
        self.address_label_columns: dict[str, list[int]] = {}
        for column in columns:
            if column.target == "label":
                self.address_label_columns.setdefault(column.group, []).append(column.index)
        self.noted: dict[str, None] = {}
        """Columns with no field of their own whose values went into a note, in order."""

    def read(self, line: int, cells: list[str]) -> ParsedRecord:
        row = _Row(f"line {line}", cells)
        anything = False
        for column in self.columns:
            value = row.cell(column.index)
            if not value or column.target == "label":
                continue
            if len(value) > _MAX_CELL:
                return ParsedRecord(row.position, problem=f"the {column.header} cell is too long")
            anything = True
            self._take_field(row, column, value) or self._take_text(row, column, value)
        if not anything:
            return ParsedRecord(row.position, problem="the row holds nothing favorbook can use")
        return self._record(row)

    def _take_field(self, row: _Row, column: _Column, value: str) -> bool:
        """A cell for a field of the contact (names, organization, title, kind, emails,
        phones, links, address parts, tags); False when the column is for none of them."""
        contact, target = row.contact, column.target
        if target in row.names:
            row.names[target].append(" ".join(value.split()))
        elif target == "organization":
            contact.organization = contact.organization or " ".join(value.split())
        elif target == "title":
            contact.title = contact.title or " ".join(value.split())
        elif target in NAME_DETAILS and target != "full_name":
            setattr(contact, target, getattr(contact, target) or " ".join(value.split()))
        elif target == "kind":
            if value.lower() in KINDS:
                contact.kind = value.lower()
            else:
                row.notes.append(f"{column.header}: {value}")
        elif target in ("emails", "phones", "links"):
            self._values(column, value, row.cell, contact, row.notes, row.warnings, row.position)
        elif target in _ADDRESS_PARTS:
            address = row.addresses.setdefault(column.group, Address())
            old = getattr(address, target)
            setattr(address, target, f"{old}\n{value}" if old else value)
        elif target == "tags":
            for tag in _split(value, _SPLIT_TAGS):
                tag = tag.lstrip("*").strip()
                if tag and tag.lower() not in ("my contacts", "mycontacts"):
                    contact.tags.append(tag[:100])
        else:
            return False
        return True

    def _take_text(self, row: _Row, column: _Column, value: str) -> None:
        """A cell for a date, a profile text or a note; what has no field of its own goes
        into the note as "Column: value"."""
        target = column.target
        if target == "birthday":
            parsed = parse_date(value, day_first=self.day_first)
            if parsed:
                row.contact.birthday = parsed
            elif value not in ("0/0/00", "0/0/0000"):
                row.notes.append(f"{column.header}: {value}")
        elif target in ("birth_year", "birth_month", "birth_day"):
            row.birthday_parts[target] = value
        elif target in row.texts:
            row.texts[target].append(value)
        elif target == "connected_on":
            day = parse_date(value, day_first=True)
            row.texts["how_met"].append(f"LinkedIn connection since {day or value}")
        elif target == "note":
            if column.norm in _NOTES:
                row.own_notes.append(value)  # the file's own notes come first
            elif value.lower() in _DEFAULTS.get(column.norm, ()) or value in _EMPTY_DATES:
                return  # Outlook's "Normal", "False", "0/0/00": nothing was said
            else:
                kind = next((row.cell(i) for i in column.labels if row.cell(i)), "")
                header = column.header
                if kind:  # "Relation 1 - Value" beside "Spouse": "Relation 1 (Spouse)"
                    base = re.sub(r"(?i)[\s-]*value\s*$", "", header) or header
                    header = f"{base} ({kind})"
                row.notes.append(f"{header}: {value}")
                self.noted.setdefault(column.header, None)

    def _record(self, row: _Row) -> ParsedRecord:
        """The row's record once every cell is taken: names, texts, addresses with their
        labels, a birthday from its parts; a problem when it names nobody."""
        contact, position = row.contact, row.position
        self._names(contact, row.names)
        for key, parts in row.texts.items():
            setattr(contact, key, "\n".join(parts))
        if self.format == "csv-linkedin" and not contact.how_met:
            contact.how_met = "LinkedIn connection"
        for group, address in row.addresses.items():
            label = ""
            for index in self.address_label_columns.get(group, []):
                label = label or _clean_label(row.cell(index))
            address.label = label or _label_from_words(group)
            contact.addresses.append(address)
        if row.birthday_parts and not contact.birthday:
            year = row.birthday_parts.get("birth_year", "")
            month = _month(row.birthday_parts.get("birth_month", ""))
            day = row.birthday_parts.get("birth_day", "")
            contact.birthday = _ymd(
                int(year) if year.isdigit() else None,
                month,
                int(day) if day.isdigit() else None,
            )
        if not (contact.first_name or contact.last_name or contact.organization):
            what = ", ".join(e.value for e in contact.emails + contact.phones)
            reason = "no name or organisation"
            return ParsedRecord(position, problem=f"{reason} ({what})" if what else reason)
        problem = _too_long(contact)
        if problem:
            return ParsedRecord(position, problem=problem)
        note = "\n".join(row.own_notes + row.notes)
        return ParsedRecord(position, contact=contact, note=note, warnings=row.warnings)

    def _values(self, column, value, cell, contact, notes, warnings, position) -> None:
        values = _split(value, _SPLIT[column.target])
        labels: list[str] = []
        for index in column.labels:
            labels = labels or _split(cell(index), re.compile(r"\s*:::\s*"))
        default = _label_from_words(column.norm)
        for i, item in enumerate(values):
            # One label for several values ("a; b" beside "work") labels them all.
            own = labels[i] if i < len(labels) else (labels[0] if len(labels) == 1 else "")
            label = _clean_label(own) or default
            if column.target == "emails":
                email = _email(item)
                if email:
                    contact.emails.append(Labeled(email, label))
                else:
                    notes.append(f"{column.header}: {item} (not an email address)")
                    warnings.append(
                        f"{position}: “{item}” ({column.header}) is not an email address; "
                        "kept in the note"
                    )
            elif column.target == "phones":
                phone = _phone(item, self.region)
                if phone:
                    contact.phones.append(Labeled(phone, label))
                else:
                    notes.append(f"{column.header}: {item} (not a phone number)")
                    warnings.append(
                        f"{position}: “{item}” ({column.header}) is not a phone number; "
                        "kept in the note"
                    )
            else:
                if self.format == "csv-linkedin":
                    label = label or "LinkedIn"
                contact.links.append(Labeled(item, label))

    @staticmethod
    def _names(contact: ContactInput, names: dict[str, list[str]]) -> None:
        # The middle name goes with the first, as vCard's additional names do.
        contact.first_name = " ".join(names["first_name"] + names["middle_name"])
        contact.last_name = " ".join(names["last_name"])
        full = names["full_name"][0] if names["full_name"] else ""
        company = contact.organization.casefold()
        if (
            company
            and full.casefold() == company
            and not (names["first_name"] or names["last_name"])
        ):
            return  # a company's row: its name is the organisation, not a person's
        from_parts = bool(contact.first_name or contact.last_name)
        if full and not from_parts:
            if "," in full:
                last, _, first = full.partition(",")
                contact.first_name, contact.last_name = first.strip(), last.strip()
            elif " " in full:
                first, _, last = full.rpartition(" ")
                contact.first_name, contact.last_name = first, last
            else:
                contact.first_name = full
        person = " ".join(p for p in (contact.first_name, contact.last_name) if p)
        if company and person.casefold() == company:
            # "Acer America" as the name and as the company (Outlook.com writes a
            # company's name into First Name): an organisation, not a person so named.
            contact.first_name = contact.last_name = ""
        elif full and (from_parts or "," not in full):
            # The name the file shows ("Display Name"), as vCard's FN: kept as the name
            # favorbook shows; the one built from the parts is dropped again on save.
            contact.full_name = full


_LIMITS = {"first_name": 200, "last_name": 200, "organization": 300, "title": 300}


def _too_long(contact: ContactInput) -> str:
    for name, limit in _LIMITS.items():
        if len(getattr(contact, name)) > limit:
            return f"the {name.replace('_', ' ')} is longer than {limit} characters"
    for link in contact.links:
        if len(link.value) > 2000:
            return "a web link is longer than 2,000 characters"
    for address in contact.addresses:
        for part in _ADDRESS_PARTS:
            if len(getattr(address, part)) > 500:
                return f"the address {part} is longer than 500 characters"
    for text in (contact.how_met, contact.needs, contact.goals, contact.offers):
        if len(text) > 100_000:
            return "a text field is longer than 100,000 characters"
    return ""


def _email(text: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    from favorbook.services._common import visible

    # Without invisible characters, as contacts.validated would store it.
    text = visible(text).strip().strip("<>").removeprefix("mailto:")
    if not text or len(text) > 320 or "@" not in text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except (EmailNotValidError, ValueError, UnicodeError):
        return None


def _phone(text: str, region: str) -> str | None:
    from favorbook.errors import ValidationError
    from favorbook.services.contacts import normalize_phone

    text = text.strip()
    if not text or len(text) > 60 or sum(ch.isdigit() for ch in text) < 3:
        return None
    if sum(ch.isalpha() for ch in text) > 3:  # "customphone 123-1234", "faxnum12334"
        return None
    try:
        return normalize_phone(text, region)
    except (ValidationError, ValueError):
        return None


def _phone_region() -> str:
    """The phone region setting when a database is open, else the one from the locale."""
    from peewee import PeeweeException

    from favorbook.services import settings

    try:
        return settings.phone_region()
    except PeeweeException:  # no database open (a preview, a test): the locale decides
        import locale

        for candidate in (os.environ.get("LC_ALL"), os.environ.get("LANG"), locale.getlocale()[0]):
            if candidate and "_" in candidate:
                code = candidate.split("_", 1)[1][:2].upper()
                if code.isalpha() and len(code) == 2:
                    return code
        return "US"


# --- the reader -------------------------------------------------------------------------


def detect(path: str | os.PathLike[str]) -> tuple[str, dict[str, str]]:
    """The format ``read_csv(path)`` would read the file as ("csv-google", "csv-outlook",
    "csv-linkedin", or "csv" for any other) and its column mapping; a "csv" result is
    the one to show in the column-mapping dialog. NotAContactFile as for ``read_csv``."""
    headers, _ = preview_rows(path, n=0)
    return _detect(headers)


def read_csv(
    path: str | os.PathLike[str],
    mapping: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Read every row of a contacts CSV.

    With ``mapping=None`` a Google, Outlook or LinkedIn export is read with the
    mapping of its program, any other file with ``guess_mapping``. A given
    ``mapping`` (header -> target from COLUMN_TARGETS) is used as it is. Raises
    NotAContactFile (naming the file) when it is not a CSV or no column holds a
    name, organisation, email or phone. ``progress(done, total)`` is called every
    200 rows and once at the end; raising from it (ImportCancelled) stops the reading.
    """
    name = Path(path).name
    text, warning = decode_file(path)
    table = _table(text, name)
    given = mapping is not None
    if mapping is None:
        fmt, mapping = _detect(table.headers)
    else:
        fmt = "csv"
    columns = _columns(table.headers, mapping)
    if not any(c.target in _NAME_TARGETS for c in columns):
        raise NotAContactFile(
            f"{name} is not a contacts file favorbook recognises: no column holds a name, "
            "organisation, email or phone. Choose the columns in the import dialog."
        )
    birthday_columns = [c.index for c in columns if c.target == "birthday"]
    day_first = _day_first(
        [cells[i] for _, cells in table.rows for i in birthday_columns if i < len(cells)]
    )
    reader = _RowReader(columns, day_first=day_first, region=_phone_region(), fmt=fmt)
    parsed = ParsedFile(str(path), fmt)
    used = {c.index for c in columns} | _paired_types(columns)
    left_out = [i for i in range(len(table.headers)) if i not in used]
    if warning:
        parsed.warnings.append(warning)
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    for done, (line, cells) in enumerate(table.rows, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        parsed.records.append(reader.read(line, cells))
    if progress is not None:
        progress(total, total)
    if reader.noted:
        parsed.warnings.append(
            "kept in each contact's note, as favorbook has no field for them: "
            + ", ".join(reader.noted)
        )
    unused = [
        table.headers[i]
        for i in left_out
        if any(i < len(cells) and cells[i].strip() for _line, cells in table.rows)
    ]
    if unused:
        why = "as chosen in the column mapping" if given else "they repeat other columns"
        parsed.warnings.append(f"not imported ({why}): " + ", ".join(unused))
    return parsed
