"""A field-level view of a vCard, the unit of favorbook's three-way merge.

Server cards and the cards favorbook builds go through the same reader
(``formats.vcard.read_vcards``) into a dict of plain JSON values, one entry per field
the user sees. Comparing these, not the text, means a server that re-folds, reorders
or re-labels a card (or a phone that rewrites numbers in its own format) causes no
change and no ping-pong. Values favorbook cannot store (an e-mail that is no address,
a number without country code) and properties it does not know stay as verbatim lines
in the ``extra`` field, so nothing a phone wrote is lost.

Never part of a synced card: notes, how_met, needs, goals, offers (see
``formats.vcard.sync_card_text``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re

from favorbook.services.contacts import DETAILS
from favorbook.services.contacts import NAME_DETAILS as NAME_FIELDS

FIELDS = (
    "name",
    *NAME_FIELDS,
    "organization",
    "title",
    "emails",
    "phones",
    "addresses",
    "links",
    "birthday",
    "tags",
    "kind",
    "photo",
    "extra",
)
"""Every field of the view, in the order a user reads a contact."""

LABELS = {
    "name": "Name",
    **{d.name: d.label for d in DETAILS},
    "organization": "Organization",
    "title": "Title",
    "emails": "Emails",
    "phones": "Phones",
    "addresses": "Addresses",
    "links": "Links",
    "birthday": "Birthday",
    "tags": "Tags",
    "kind": "Kind",
    "photo": "Photo",
    "extra": "Other card details",
}

Fields = dict[str, object]


def sort_key(text: str) -> tuple[str, str]:
    """The order of tags and extra lines in a view: by lower case, then exactly."""
    return (text.lower(), text)


class CardUnreadable(ValueError):
    """A server card favorbook cannot read (no name, no card at all)."""


def _note_lines(text: str) -> list[str]:
    """The NOTE lines of a card, unfolded, verbatim (a phone's notes, kept as they are)."""
    from favorbook.formats import vcard

    out = []
    for card in vcard.card_lines(text.encode("utf-8"))[:1]:
        for line in card:
            if re.match(r"(?i)^([a-z0-9-]+\.)?NOTE[;:]", line):
                out.append(vcard.line_text(line))
    return out


def _email(value: str) -> tuple[str, bool]:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized, True
    except EmailNotValidError:
        return value, False


def _phone(value: str) -> tuple[str, bool]:
    from favorbook.errors import ValidationError
    from favorbook.services.contacts import normalize_phone

    try:
        return normalize_phone(value), True
    except ValidationError:
        return value, False


def _escape(text: str) -> str:
    from favorbook.formats.vcard import escape_value

    return escape_value(text)


def card_fields(text: str) -> Fields:
    """The field view of the first card in ``text``; CardUnreadable when it has none."""
    from favorbook.formats.vcard import read_vcards

    if not text.strip():
        raise CardUnreadable("empty card")
    parsed = read_vcards(text.encode("utf-8"))
    if not parsed.records or parsed.records[0].contact is None:
        problem = parsed.records[0].problem if parsed.records else "no card"
        raise CardUnreadable(problem)
    record = parsed.records[0]
    c = record.contact
    # The one-line fields as favorbook stores them (contacts.validated drops bidi controls
    # and zero-width characters): a server card compares equal to what it was saved as.
    from favorbook.services._common import visible

    c.first_name, c.last_name = visible(c.first_name), visible(c.last_name)
    c.organization, c.title = visible(c.organization), visible(c.title)
    for item in (*c.emails, *c.phones):
        item.value = visible(item.value)
    extra = [x for x in record.extra.get("vcard", "").split("\n") if x.strip()]
    extra += _note_lines(text)
    emails, phones = [], []
    seen: set[str] = set()
    for e in c.emails:
        value, ok = _email(e.value)
        if not ok:
            extra.append(f"EMAIL:{_escape(e.value)}")
        elif value.lower() not in seen:
            seen.add(value.lower())
            emails.append([e.label, value])
    seen = set()
    for p in c.phones:
        value, ok = _phone(p.value)
        if not ok:
            extra.append(f"TEL:{_escape(p.value)}")
        elif value not in seen:
            seen.add(value)
            phones.append([p.label, value])
    tags: dict[str, str] = {}
    for t in c.tags:
        tags.setdefault(t.lower(), t)
    from favorbook.services.contacts import built_name

    names = {f: getattr(c, f) for f in NAME_FIELDS}
    if names["full_name"] == built_name(c):
        names["full_name"] = ""  # the name built from the parts, as favorbook stores it
    return {
        "name": [c.first_name, c.last_name],
        **names,
        "organization": c.organization,
        "title": c.title,
        "emails": emails,
        "phones": phones,
        "addresses": [
            [a.label, a.street, a.city, a.region, a.postcode, a.country] for a in c.addresses
        ],
        "links": [[k.label, k.value] for k in c.links],
        "birthday": c.birthday or "",
        "tags": sorted(tags.values(), key=sort_key),
        "kind": c.kind if c.kind else "other",
        "photo": base64.b64encode(record.photo).decode("ascii") if record.photo else "",
        "extra": sorted(dict.fromkeys(extra), key=sort_key),
    }


def empty_fields() -> Fields:
    """The view of no card: the base of a contact met for the first time."""
    return {
        "name": ["", ""],
        **dict.fromkeys(NAME_FIELDS, ""),
        "organization": "",
        "title": "",
        "emails": [],
        "phones": [],
        "addresses": [],
        "links": [],
        "birthday": "",
        "tags": [],
        "kind": "other",
        "photo": "",
        "extra": [],
    }


def card_uid(text: str) -> str:
    """The UID of a card ('' when it has none)."""
    m = re.search(r"(?im)^UID(;[^:\r\n]*)?:(.*)$", text)
    return m.group(2).strip() if m else ""


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def show(field: str, value: object) -> str:
    """A field's value as a user reads it (conflict review)."""
    if field == "photo":
        return "a photo" if value else "no photo"
    if field == "name":
        return " ".join(p for p in value if p)  # type: ignore[union-attr]
    if isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, list):
                label, *rest = v
                text = ", ".join(p for p in rest if p)
                parts.append(f"{text} ({label})" if label else text)
            else:
                parts.append(str(v))
        return "; ".join(parts)
    return str(value or "")


# --- local contacts ------------------------------------------------------------------------


def local_cards(contact_ids: list[int]) -> dict[int, str]:
    """{contact id: the vCard favorbook syncs for it}, in a few queries per 500 contacts."""
    from favorbook.formats.vcard import sync_card_text
    from favorbook.services import contacts
    from favorbook.sync import store

    out: dict[int, str] = {}
    for start in range(0, len(contact_ids), 500):
        chunk = contact_ids[start : start + 500]
        photos = store.photos(chunk)
        for d in contacts.details(chunk, include_private=False, skip_missing=True):
            out[d.id] = sync_card_text(d, photos.get(d.id))
    return out


def local_card(contact_id: int) -> str:
    return local_cards([contact_id])[contact_id]


def _input(fields: Fields, keep=None):
    """(ContactInput, photo bytes or None, vcard_extra text) for ``fields``.

    ``keep`` (a ContactDetail) gives what never syncs: how_met, needs, goals, offers,
    cadence, referred by.
    """
    from favorbook.services.contacts import Address, ContactInput, Labeled

    first, last = fields["name"]  # type: ignore[misc]
    data = ContactInput(
        first_name=first,
        last_name=last,
        organization=fields["organization"],  # type: ignore[arg-type]
        title=fields["title"],  # type: ignore[arg-type]
        kind=fields["kind"] or "other",  # type: ignore[arg-type]
        emails=[Labeled(v, lab[:50]) for lab, v in fields["emails"]],  # type: ignore[union-attr]
        phones=[Labeled(v, lab[:50]) for lab, v in fields["phones"]],  # type: ignore[union-attr]
        addresses=[Address(a[0][:50], *a[1:]) for a in fields["addresses"]],  # type: ignore[union-attr]
        links=[Labeled(v, lab[:50]) for lab, v in fields["links"]],  # type: ignore[union-attr]
        tags=list(fields["tags"]),  # type: ignore[call-overload]
        birthday=fields["birthday"] or None,  # type: ignore[arg-type]
        **{f: fields.get(f) or "" for f in NAME_FIELDS},  # type: ignore[misc]
    )
    if keep is not None:
        data.how_met, data.needs, data.goals, data.offers = (
            keep.how_met,
            keep.needs,
            keep.goals,
            keep.offers,
        )
        data.cadence_days = keep.cadence_days or 0
        data.referred_by_id = keep.referred_by_id
    from favorbook.services.contacts import KINDS

    if data.kind not in KINDS:
        data.kind = "other"
    photo = base64.b64decode(fields["photo"]) if fields["photo"] else None  # type: ignore[arg-type]
    return data, photo, "\n".join(fields["extra"])  # type: ignore[arg-type]


def apply(fields: Fields, contact_id: int | None = None, *, uid: str = "") -> int:
    """Write ``fields`` to a local contact (a new one with ``contact_id`` None); its id.

    A new contact takes ``uid`` (the card's UID) when no other contact has it. Raises
    ValidationError when the card cannot be stored (the caller reports it).
    """
    from favorbook.services import contacts
    from favorbook.sync import store

    had_photo = contact_id is not None
    if contact_id is None:
        data, photo, extra = _input(fields)
        if not (data.first_name or data.last_name or data.organization or data.full_name):
            data.first_name = "(no name)"
        # A card carries no stay-in-touch cadence: a contact received from the server is
        # not put on the clock here (0: none, not the default), so this computer does not
        # invent stay-in-touch days (and tasks) the device that has the contact never set.
        data.cadence_days = 0
        contact_id = contacts.create_contact(data)
        if uid and store.contact_with_uid(uid) is None:
            from favorbook.sync.vault import regid

            store.update_contact(contact_id, uid=uid)
            regid.follow_uid(contact_id, uid)  # so another device's same card meets it
    else:
        keep = contacts.get_contact(contact_id, include_private=False)
        data, photo, extra = _input(fields, keep)
        contacts.update_contact(contact_id, data)
    current = contacts.photo_of(contact_id) if had_photo else None
    if (photo or None) != (current or (None,))[0]:
        from favorbook.errors import ValidationError

        with contextlib.suppress(ValidationError):  # a photo favorbook cannot keep stays out
            contacts.set_photo(contact_id, photo)
    if extra or had_photo:
        store.set_vcard_extra(contact_id, extra)
    return contact_id


def set_field(contact_id: int, field: str, value: object) -> None:
    """Write one field's value to a contact, keeping the others (restore from a conflict)."""
    current = card_fields(local_card(contact_id))
    current[field] = value
    apply(current, contact_id)
