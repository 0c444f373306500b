"""Field fidelity of vCard import: what a file holds, field by field, against what
favorbook stored.

The file is read here by a reader of its own (RFC 2425/6350 unfolding, 2.1 soft line
breaks and base64 runs, QUOTED-PRINTABLE, CHARSET, UTF-16 and BOMs), independent of
favorbook.formats.vcard, so a mistake of favorbook's reader is not repeated on both
sides. Each user-visible property of each card is one field; after an import into a
fresh database the field is *right* when favorbook holds its value where a user finds
it: its own field, or the imported note for values favorbook cannot store as such (a
phone number written as a word, a related name, an anniversary) with the warning the
import report gives.

    python -m tests.fidelity [FILE.vcf ...]     # the interop folder by default

prints, per file, fields right / fields present and the fields that were not.
"""

from __future__ import annotations

import quopri
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# --- an independent reader --------------------------------------------------------------------


@dataclass
class Prop:
    name: str
    params: dict[str, list[str]]
    value: str  # decoded text (blobs: the raw value)
    group: str = ""

    @property
    def types(self) -> set[str]:
        return {t.lower() for t in self.params.get("TYPE", [])}


_LINE = re.compile(r"^(?:([\w-]+)\.)?([\w-]+)((?:;[^:]*)?):(.*)$", re.DOTALL)


def _params(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in re.findall(r';((?:[^;"]|"[^"]*")*)', text):
        key, eq, value = part.partition("=")
        if not eq:  # 2.1 bare parameter
            key, value = (
                ("ENCODING" if key.upper() in ("QUOTED-PRINTABLE", "BASE64", "B") else "TYPE"),
                key,
            )
        for v in value.split(","):
            out.setdefault(key.upper(), []).append(v.strip().strip('"'))
    return out


def _text_of(data: bytes) -> tuple[str, bool]:
    """(text with each character one byte, or decoded when the file says UTF-16), raw."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("latin-1"), True
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec).encode("utf-8").decode("latin-1"), True
    if len(data) > 3 and data[1] == 0 and data[0] != 0:
        return data.decode("utf-16-le").encode("utf-8").decode("latin-1"), True
    if len(data) > 3 and data[0] == 0 and data[1] != 0:
        return data.decode("utf-16-be").encode("utf-8").decode("latin-1"), True
    return data.decode("latin-1"), True


def read_cards(data: bytes, fallback: str = "cp1252") -> list[list[Prop]]:
    text, _ = _text_of(data)
    lines = re.split(r"\r\r\n|\r\n|\r|\n", text)
    cards: list[list[Prop]] = []
    raw: list[str] | None = None
    depth = 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            depth += 1
            if depth == 1:
                raw = []
                continue
        if upper == "END:VCARD" and depth:
            depth -= 1
            if depth == 0 and raw is not None:
                cards.append(_props(raw, fallback))
                raw = None
                continue
        if raw is not None and depth == 1:
            raw.append(line)
    if raw:
        cards.append(_props(raw, fallback))
    return cards


def _props(lines: list[str], fallback: str) -> list[Prop]:
    logical: list[str] = []
    for line in lines:
        if (
            logical
            and logical[-1].endswith("=")
            and "QUOTED-PRINTABLE" in logical[-1].split(":")[0].upper()
        ):
            logical[-1] = logical[-1][:-1] + line.lstrip()
        elif line[:1] in (" ", "\t") and logical:
            logical[-1] += line[1:]
        elif not line.strip() or line.startswith("#"):
            continue
        elif _LINE.match(line) and re.match(r"^[\w.-]+[;:]", line):
            logical.append(line)
        elif (
            logical
            and "BASE64" in logical[-1].split(":")[0].upper()
            or (logical and "ENCODING=B" in logical[-1].split(":")[0].upper())
        ):
            logical[-1] += line.strip()
        # anything else is no property: not a field the file holds
    out = []
    for line in logical:
        m = _LINE.match(line)
        if not m:
            continue
        group, name, params, value = m.groups()
        p = _params(params)
        name = name.upper()
        if name in ("PHOTO", "LOGO", "SOUND", "KEY"):
            out.append(Prop(name, p, value, (group or "").lower()))
            continue
        raw = value.encode("latin-1")
        if "QUOTED-PRINTABLE" in (e.upper() for e in p.get("ENCODING", [])):
            raw = quopri.decodestring(raw)
        charset = (p.get("CHARSET") or [""])[0]
        try:
            decoded = raw.decode(charset) if charset else raw.decode("utf-8")
        except (LookupError, UnicodeDecodeError):
            decoded = raw.decode(fallback, errors="replace")
        out.append(Prop(name, p, decoded.replace("\r\n", "\n"), (group or "").lower()))
    return out


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def split(text: str, sep: str) -> list[str]:
    parts = re.split(r"(?<!\\)" + re.escape(sep), text)
    return [unescape(p).strip() for p in parts]


# --- the fields a card holds ----------------------------------------------------------------------


@dataclass
class Field:
    kind: str
    value: str
    where: str = ""  # the stored value, when it was found wrong

    def __str__(self) -> str:
        return f"{self.kind}={self.value!r}"


_IM = {
    "X-AIM",
    "X-JABBER",
    "X-SKYPE",
    "X-SKYPE-USERNAME",
    "X-MSN",
    "X-YAHOO",
    "X-ICQ",
    "X-GTALK",
    "X-QQ",
    "X-GOOGLE-TALK",
    "X-GADUGADU",
    "X-GROUPWISE",
    "X-MS-IMADDRESS",
}


# Related people, dates and the like, as each program writes them.
_RELATED = {"RELATED", "X-ABRELATEDNAMES", "X-ABDATE", "ANNIVERSARY", "X-ANNIVERSARY", "X-SPOUSE"}
_RELATED_ENDINGS = (
    "-SPOUSE",
    "-MANAGER",
    "-ASSISTANT",
    "-ANNIVERSARY",
    "-X-SPOUSESNAME",
    "-X-MANAGERSNAME",
    "-X-ASSISTANTSNAME",
    "-X-PROFESSION",
    "-X-OFFICE",
)


def fields_of(props: list[Prop]) -> list[Field]:
    out: list[Field] = []
    adr_types = set()
    seen = set()
    for p in props:
        if p.name == "ADR":
            adr_types.add(frozenset(p.types - {"pref", "postal", "parcel", "dom", "intl"}))
    has_n = any(p.name == "N" and any(split(p.value, ";")[:2]) for p in props)
    for p in props:
        key = p.name
        v = p.value
        if key == "FN" and "FN" not in seen and unescape(v).strip():
            seen.add(key)
            out.append(Field("name shown", unescape(v).strip()))
        elif key == "N" and "N" not in seen:
            seen.add(key)
            parts = [*split(v, ";"), "", "", "", "", ""]
            given = " ".join(x for x in (parts[1], parts[2]) if x)
            for kind, value in (
                ("last name", parts[0]),
                ("first name", given),
                ("name prefix", parts[3]),
                ("name suffix", parts[4]),
            ):
                if value:
                    out.append(Field(kind, value))
        elif (
            key
            in (
                "NICKNAME",
                "ROLE",
                "TITLE",
                "X-PHONETIC-FIRST-NAME",
                "X-PHONETIC-LAST-NAME",
                "SORT-STRING",
            )
            and key not in seen
            and unescape(v).strip()
        ):
            seen.add(key)
            out.append(Field(key.lower(), unescape(v).strip()))
        elif key == "ORG" and key not in seen:
            seen.add(key)
            units = [u for u in split(v, ";") if u]
            if units:
                out.append(Field("organization", units[0]))
            if units[1:]:
                out.append(Field("department", "; ".join(units[1:])))
        elif key in ("EMAIL", "TEL", "URL", "IMPP", "NOTE", "CATEGORIES") or key in _IM:
            text = unescape(v).strip() if key not in ("CATEGORIES",) else v
            if key == "CATEGORIES":
                for tag in (t.strip() for c in split(v, ",") for t in c.split(",")):
                    if tag:
                        out.append(Field("tag", tag))
            elif text:
                out.append(Field("im" if key in _IM else key.lower(), text))
        elif key == "ADR":
            parts = [*split(v, ";"), *[""] * 7][:7]
            if any(parts):
                out.append(Field("address", " | ".join(parts)))
        elif (
            key == "LABEL"
            and frozenset(p.types - {"pref", "postal", "parcel", "dom", "intl"}) not in adr_types
        ):
            if unescape(v).strip():
                out.append(Field("address label", unescape(v).strip()))
        elif (
            key == "BDAY"
            and key not in seen
            and v.strip()
            and p.params.get("VALUE", [""])[0].lower() != "text"
        ):
            seen.add(key)
            out.append(Field("birthday", v.strip()))
        elif key == "PHOTO" and key not in seen and v.strip():
            seen.add(key)
            url = re.match(r"(?i)(https?|ftp):", v.strip())
            out.append(Field("photo", v.strip() if url else "(image)"))
        elif key == "UID" and key not in seen and v.strip():
            seen.add(key)
            out.append(Field("uid", unescape(v).strip()))
        elif key == "X-MS-TEL" and v.strip():
            out.append(Field("tel", unescape(v).strip()))
        elif key == "X-KADDRESSBOOK-X-IMADDRESS" and v.strip():
            out.append(Field("im", unescape(v).strip()))
        elif key == "X-KADDRESSBOOK-X-DEPARTMENT" and v.strip():
            if not any(f.kind == "department" for f in out):
                out.append(Field("department", unescape(v).strip()))
        elif (key in _RELATED or key.endswith(_RELATED_ENDINGS)) and v.strip():
            out.append(Field("related or date", unescape(v).strip()))
    if not has_n:
        # A card without a real N: FN is all its name (or its organization's).
        out = [f for f in out if f.kind not in ("name prefix", "name suffix")]
    return out


# --- checking what favorbook stored ---------------------------------------------------------------


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _blob(d, notes: str) -> str:
    return "\n".join([notes, d.vcard_extra])


def check(f: Field, d, photo: bool) -> bool:  # noqa: C901 - one branch per kind of field
    notes = "\n".join(n.body for n in d.notes)
    low = notes.casefold()
    v = f.value
    if f.kind == "name shown":
        return d.display_name == v or (not d.first_name and not d.last_name and d.organization == v)
    if f.kind == "last name":
        return d.last_name == v
    if f.kind == "first name":
        return d.first_name == v
    if f.kind == "name prefix":
        return getattr(d, "name_prefix", "") == v
    if f.kind == "name suffix":
        return getattr(d, "name_suffix", "") == v
    if f.kind in ("nickname", "role", "title"):
        return getattr(d, f.kind, "") == v
    if f.kind == "x-phonetic-first-name":
        return getattr(d, "phonetic_first_name", "") == v
    if f.kind in ("x-phonetic-last-name", "sort-string"):
        return getattr(d, "phonetic_last_name", "") == v
    if f.kind == "organization":
        return d.organization == v
    if f.kind == "department":
        return getattr(d, "department", "") == v
    if f.kind == "email":
        value = v.removeprefix("mailto:").strip()
        return value.casefold() in {e.value.casefold() for e in d.emails} or value.casefold() in low
    if f.kind == "tel":
        digits = _digits(v.removeprefix("tel:"))
        if digits and any(_digits(p.value).endswith(digits[-7:]) for p in d.phones):
            return True
        return v.casefold() in low
    if f.kind == "url":
        return v in {k.value for k in d.links} or v in notes
    if f.kind in ("impp", "im"):
        handle = v.split(":", 1)[-1] if f.kind == "impp" else v
        return any(k.value.endswith(handle) for k in d.links)
    if f.kind == "note":
        return v.strip()[:40] in notes
    if f.kind == "tag":
        return v.casefold() in {t.casefold() for t in d.tags}
    if f.kind == "address":
        parts = [p for p in v.split(" | ") if p]
        stored = [
            " ".join([a.street, a.city, a.region, a.postcode, a.country]) for a in d.addresses
        ]
        return any(all(p.replace("\n", " ") in s.replace("\n", " ") for p in parts) for s in stored)
    if f.kind == "address label":
        first = v.splitlines()[0].strip()
        return any(first in a.street for a in d.addresses)
    if f.kind == "birthday":
        digits = _digits(v.split("T")[0])
        stored = _digits(d.birthday or "")
        return bool(stored) and (digits.endswith(stored) or stored.endswith(digits[-4:]))
    if f.kind == "photo":  # an image, or the address of one kept to be written back
        return photo if v == "(image)" else v in d.vcard_extra
    if f.kind == "uid":
        return d.uid == v
    if f.kind == "related or date":
        return v.casefold() in low or _digits(v) and _digits(v) in _digits(notes)
    return False


@dataclass
class Result:
    path: str
    right: int = 0
    present: int = 0
    missed: list[str] = field(default_factory=list)
    per_card: list[tuple[int, int]] = field(default_factory=list)


def measure(path: Path, fallback: str = "cp1252") -> Result:
    """Import ``path`` into the open (empty) database and compare, card by card."""
    from favorbook.formats import importer
    from favorbook.services import contacts, importing

    cards = read_cards(path.read_bytes(), fallback)
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    where: dict[str, int] = {}
    for entry in [*report.added, *report.updated, *report.merged]:
        where[entry["position"]] = entry["contact_id"]
    result = Result(path.name)
    for number, props in enumerate(cards, start=1):
        fields = fields_of(props)
        cid = where.get(f"card {number}")
        d = contacts.get_contact(cid) if cid is not None else None
        photo = cid is not None and contacts.photo_of(cid) is not None
        right = 0
        for f in fields:
            if d is not None and check(f, d, photo):
                right += 1
            else:
                result.missed.append(f"card {number}: {f}")
        result.right += right
        result.present += len(fields)
        result.per_card.append((right, len(fields)))
    return result


def main(argv: list[str]) -> int:
    import tempfile

    from favorbook.services import session
    from tests.unit.test_interop import INTEROP

    paths = [Path(a) for a in argv] or sorted((INTEROP / "vcard").glob("*.vcf"))
    right = present = 0
    for path in paths:
        with tempfile.TemporaryDirectory() as tmp:
            session.open_data(Path(tmp))
            r = measure(path)
            session.close()
        right += r.right
        present += r.present
        print(f"{r.right:4d}/{r.present:<4d} {path.name}")
        for miss in r.missed:
            print(f"          missed {miss[:110]}")
    print(f"{right}/{present} fields right ({100 * right / max(present, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
