"""Contacts and organizations: who they are, what they need and offer."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import JOIN, SQL, fn

from favorbook.db import listing
from favorbook.db.listing import ContactRow
from favorbook.db.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactPhoto,
    ContactTag,
    Note,
    Organization,
    Referral,
    Tag,
    db,
)
from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import contact_store, listcache, referrals, search_index, settings, terms
from favorbook.services._common import (
    clean,
    clean_line,
    iso_date,
    iso_datetime,
    prepared_rows,
    require,
    utc_now,
    visible,
)

# What a contact is made of is defined in the contact store; named here too, as every
# caller knows them (contacts.ContactInput, contacts.Labeled, ...).
from favorbook.services.contact_store import (  # noqa: F401
    DETAILS,
    FILLABLE,
    NAME_DETAILS,
    Address,
    ContactInput,
    Labeled,
    built_name,
    child_rows,
    display_and_sort_names,
    shown_name,
    touch_due,
)

KINDS = terms.KINDS
MAX_CADENCE_DAYS = 3650


@dataclass
class NoteView:
    id: int
    body: str
    private: bool
    created_at: dt.datetime


@dataclass
class ContactDetail(ContactInput):
    id: int = 0
    uid: str = ""
    display_name: str = ""
    organization_id: int | None = None
    referred_by_name: str = ""
    last_interaction_at: dt.datetime | None = None
    touch_due_on: dt.date | None = None
    archived: bool = False
    sample: bool = False
    created_at: dt.datetime | None = None
    notes: list[NoteView] = field(default_factory=list)
    vcard_extra: str = ""
    """vCard lines favorbook does not use, kept verbatim for export."""

    def to_input(self) -> ContactInput:
        return ContactInput(**{f: getattr(self, f) for f in ContactInput.__dataclass_fields__})


# --- validation -------------------------------------------------------------------------


def _validate_email(value: str, index: int) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(
            f"emails[{index}]", f"“{value}” is not a valid email address: {exc}"
        ) from None


_FULL_NANP = re.compile(r"\+1[2-9]\d\d[2-9]\d{6}\Z")
"""A North American number written in E.164 (+1, area code, exchange, line): stored as
it is, whatever the phone region, as ``phonenumbers`` would store it."""


def phone_value(value: str, region: str | None = None) -> tuple[str, str]:
    """(what to store, a remark for the user) for a phone number as typed.

    A number ``phonenumbers`` finds valid, or possible as a full number, for ``region``
    (the phone region setting by default) is stored in E.164 (``+14155550100``, with
    ``;ext=12``). One that is only possible as a local number (``555 0199``: no area
    code) is stored as typed, with a remark saying so: its E.164 form (``+15550199``)
    would be no real number. Anything else raises ValidationError naming ``phones``.
    """
    value = " ".join(visible(value).split())
    if _FULL_NANP.match(value):
        return value, ""  # what phonenumbers makes of it, without the parsing (imports)
    import phonenumbers
    from phonenumbers import ValidationResult

    region = region or settings.phone_region()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None:
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason == ValidationResult.IS_POSSIBLE or phonenumbers.is_valid_number(number):
            formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if number.extension:
                formatted += f";ext={number.extension}"
            return formatted, ""
        if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
            return value, (
                f"“{value}” is a local number without its area code (phone region "
                f"{region}); kept as typed, not as an international number"
            )
    raise ValidationError(
        "phones",
        f"“{value}” is not a phone number; write it with its country code, "
        "for example +1 415 555 0100",
    )


def normalize_phone(value: str, region: str | None = None) -> str:
    """What ``phone_value`` stores for ``value``: E.164, or a local number as typed."""
    return phone_value(value, region)[0]


def phone_remarks(phones: list[Labeled], region: str | None = None) -> list[tuple[int, str]]:
    """(row, remark) for each number of ``phones`` that is stored as typed instead of in
    E.164 (see ``phone_value``), for a form to show before saving. Numbers that are not
    numbers at all are left to the save's ValidationError."""
    out = []
    for i, item in enumerate(phones):
        if item.value.strip():
            try:
                _stored, remark = phone_value(item.value, region)
            except ValidationError:
                continue
            if remark:
                out.append((i, remark))
    return out


def format_phone(e164: str) -> str:
    """A stored number as people read it: international format with spaces."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164.replace(";ext=", " ext "), None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_birthday(value: str | None) -> str | None:
    """The birthday as stored (ISO date, or --MM-DD without a year), None when empty;
    ValidationError when it is not a date."""
    value = (value or "").strip()
    if not value:
        return None
    text = value[2:] if value.startswith("--") else value
    try:
        if len(text) == 5:  # MM-DD, a birthday without its year
            dt.date.fromisoformat(f"2000-{text}")
            return f"--{text}"
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(
            "birthday", f"“{value}” is not a date; write YYYY-MM-DD, or --MM-DD without the year"
        ) from None


def _valid_cadence(value) -> int | None:
    """Days between touches: a whole number from 1 to MAX_CADENCE_DAYS, or None (0, empty)."""
    try:
        cadence = int(value or 0)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("cadence_days", "must be a whole number of days") from None
    if cadence and not 1 <= cadence <= MAX_CADENCE_DAYS:
        raise ValidationError("cadence_days", f"must be between 1 and {MAX_CADENCE_DAYS} days")
    return cadence or None


def _valid_emails(items: list[Labeled]) -> list[Labeled]:
    """The emails checked, empty ones dropped, each address once (whatever its case)."""
    out: list[Labeled] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = clean_line(item.value, "emails", max_len=320)
        if value:
            value = _validate_email(value, i)
            if value.lower() not in seen:
                seen.add(value.lower())
                out.append(Labeled(value, clean_line(item.label, "emails", max_len=50)))
    return out


def _valid_phones(items: list[Labeled]) -> list[Labeled]:
    """The phones normalized, empty ones dropped, each number once; a bad one is named
    by its row (``phones[2]``), so a form can point at it."""
    out: list[Labeled] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = clean_line(item.value, "phones", max_len=60)
        if value:
            try:
                value = normalize_phone(value)
            except ValidationError as exc:
                raise ValidationError(f"phones[{i}]", exc.message) from None
            if value not in seen:
                seen.add(value)
                out.append(Labeled(value, clean_line(item.label, "phones", max_len=50)))
    return out


def _valid_addresses(items: list[Address]) -> list[Address]:
    """The addresses with every part cleaned; empty ones dropped."""
    out = []
    for addr in items:
        cleaned = Address(
            *(
                clean_line(getattr(addr, f), "addresses", max_len=500)
                for f in Address.__dataclass_fields__
            )
        )
        if not cleaned.is_empty():
            out.append(cleaned)
    return out


def _validated(data: ContactInput, contact_id: int | None) -> ContactInput:
    """The one place a contact's fields are checked and cleaned, for every way in: the
    forms, vCard and CSV import, CardDAV sync. One-line fields lose bidi controls and
    zero-width characters (``clean_line``), so no name, organization or email can pose
    as something else in the list or in an export."""
    out = ContactInput(
        first_name=clean_line(data.first_name, "first_name", max_len=200),
        last_name=clean_line(data.last_name, "last_name", max_len=200),
        organization=clean_line(data.organization, "organization", max_len=300),
        title=clean_line(data.title, "title", max_len=300),
        how_met=clean(data.how_met, "how_met"),
        needs=clean(data.needs, "needs"),
        goals=clean(data.goals, "goals"),
        offers=clean(data.offers, "offers"),
        birthday=validate_birthday(data.birthday),
        referred_by_id=data.referred_by_id,
        **{f: clean_line(getattr(data, f), f, max_len=300) for f in NAME_DETAILS},
    )
    if out.full_name and out.full_name == built_name(out):
        out.full_name = ""  # the name built from the parts: it follows them when they change
    if not (out.first_name or out.last_name or out.organization or out.full_name):
        raise ValidationError("first_name", "give a first or last name (or an organization)")
    kind = (data.kind or "other").strip().lower()
    if kind not in KINDS:
        raise ValidationError("kind", f"must be one of {', '.join(KINDS)}")
    out.kind = kind
    out.cadence_days = _valid_cadence(data.cadence_days)
    out.emails = _valid_emails(data.emails)
    out.phones = _valid_phones(data.phones)
    out.links = [
        Labeled(value, clean_line(item.label, "links", max_len=50))
        for item in data.links
        if (value := clean_line(item.value, "links", max_len=2000))
    ]
    out.addresses = _valid_addresses(data.addresses)
    tags: dict[str, str] = {}
    for tag in data.tags:
        tag = clean_line(tag, "tags", max_len=100)
        if tag:
            tags.setdefault(tag.lower(), tag)
    out.tags = list(tags.values())
    if out.referred_by_id is not None:
        if contact_id is not None and out.referred_by_id == contact_id:
            raise ValidationError("referred_by", "a contact cannot have referred themselves")
        require(Contact, out.referred_by_id, "contact (referred by)")
    return out


# --- writing ----------------------------------------------------------------------------


def _set_referred_by(contact_id: int, source_id: int | None) -> None:
    current = Referral.get_or_none((Referral.kind == "inbound") & (Referral.subject == contact_id))
    if source_id is None:
        if current is not None:
            current.delete_instance()
        return
    if current is not None and current.source_id == source_id:
        return
    referrals.record_inbound(source_id, contact_id)


def create_contact(data: ContactInput, *, is_sample: bool = False) -> int:
    """Store a new contact; returns its id. ValidationError names the first bad field."""
    use_default = data.cadence_days is None
    data = _validated(data, None)
    if use_default:
        data.cadence_days = settings.default_cadence_days()
    with db.atomic():
        contact_id = contact_store.create(data, is_sample=is_sample)
        if data.referred_by_id is not None:
            _set_referred_by(contact_id, data.referred_by_id)
    return contact_id


def update_contact(contact_id: int, data: ContactInput) -> None:
    """Replace a contact's profile with ``data``; favors, notes and history stay."""
    contact = require(Contact, contact_id, "contact")
    data = _validated(data, contact_id)
    with db.atomic():
        contact_store.rewrite(contact, data)
        _set_referred_by(contact_id, data.referred_by_id)


def refresh_interaction(contact_id: int) -> None:
    """Recompute last interaction and the stay-in-touch date from the conversation log."""
    from favorbook.db.models import Conversation

    contact = require(Contact, contact_id, "contact")
    last = (
        Conversation.select(fn.MAX(Conversation.occurred_at))
        .where(Conversation.contact == contact_id)
        .scalar()
    )
    if isinstance(last, str):
        last = dt.datetime.fromisoformat(last)
    contact.last_interaction_at = last
    contact.touch_due_on = touch_due(last, contact.created_at, contact.cadence_days)
    contact.save(only=[Contact.last_interaction_at, Contact.touch_due_on])


def refresh_interactions(contact_ids) -> None:
    """``refresh_interaction`` for many contacts at once (a sync that brought many): one
    query per 500 contacts and one executemany, the same values."""
    ids = sorted(set(contact_ids))
    updates = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute_sql(
            "SELECT c.id, c.created_at, c.cadence_days, (SELECT max(v.occurred_at) "
            "FROM conversation v WHERE v.contact_id = c.id) FROM contact c "
            f"WHERE c.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for cid, created, cadence, last in rows:
            last = dt.datetime.fromisoformat(last) if isinstance(last, str) else last
            if isinstance(created, str):
                created = dt.datetime.fromisoformat(created)
            due = touch_due(last, created, cadence)
            updates.append(
                (last.isoformat(" ") if last else None, due.isoformat() if due else None, cid)
            )
    db.cursor().executemany(
        "UPDATE contact SET last_interaction_at = ?, touch_due_on = ? WHERE id = ?", updates
    )


def archive_contact(contact_id: int) -> None:
    """Hide a contact from lists without losing anything; ``restore_contact`` undoes it."""
    contact = require(Contact, contact_id, "contact")
    contact.archived_at = utc_now()
    contact.save(only=[Contact.archived_at])


def restore_contact(contact_id: int) -> None:
    contact = require(Contact, contact_id, "contact")
    contact.archived_at = None
    contact.save(only=[Contact.archived_at])


def is_archived(contact_id: int) -> bool:
    return require(Contact, contact_id, "contact").archived_at is not None


def add_note(contact_id: int, body: str, *, private: bool = False) -> int:
    require(Contact, contact_id, "contact")
    body = clean(body, "note", max_len=2_000_000)
    if not body:
        raise ValidationError("note", "is empty; write something first")
    with db.atomic():
        note = Note.create(contact=contact_id, body=body, private=private, created_at=utc_now())
        search_index.index_contacts([contact_id])
    return note.id


def delete_note(note_id: int) -> None:
    note = require(Note, note_id, "note")
    with db.atomic():
        note.delete_instance()
        search_index.index_contacts([note.contact_id])


PHOTO_MIMES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"GIF8": "image/gif"}
MAX_PHOTO_BYTES = 5_000_000


def photo_mime(data: bytes) -> str | None:
    """The image type of ``data`` by its first bytes (JPEG, PNG, GIF), else None."""
    return next((m for magic, m in PHOTO_MIMES.items() if data.startswith(magic)), None)


def set_photo(contact_id: int, data: bytes | None) -> None:
    """Give a contact a photo (JPEG, PNG or GIF bytes), or take it away with None."""
    require(Contact, contact_id, "contact")
    if not data:
        ContactPhoto.delete().where(ContactPhoto.contact == contact_id).execute()
        return
    mime = photo_mime(data)
    if mime is None:
        raise ValidationError("photo", "is not a JPEG, PNG or GIF image")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError("photo", f"is {len(data):,} bytes; the limit is {MAX_PHOTO_BYTES:,}")
    ContactPhoto.insert(
        contact=contact_id, mime=mime, data=data, updated_at=utc_now()
    ).on_conflict_replace().execute()


def photo_of(contact_id: int) -> tuple[bytes, str] | None:
    """(image bytes, mime type) of a contact's photo, or None when there is none."""
    row = ContactPhoto.get_or_none(ContactPhoto.contact == contact_id)
    return (bytes(row.data), row.mime) if row else None


def validated(data: ContactInput) -> ContactInput:
    """``data`` checked and normalised as create_contact would store it (for importers)."""
    return _validated(data, None)


# --- reading ----------------------------------------------------------------------------


def get_contact(contact_id: int, *, include_private: bool = True) -> ContactDetail:
    require(Contact, contact_id, "contact")
    return details([contact_id], include_private=include_private)[0]


def details(
    contact_ids: list[int], *, include_private: bool = True, skip_missing: bool = False
) -> list[ContactDetail]:
    """Full profiles of ``contact_ids``, in that order, in a fixed number of queries per
    500 contacts (never a query per contact): the one reader behind get_contact and the
    exports. An id that names nobody raises NotFoundError, or is left out with
    ``skip_missing``. Notes come newest first; private ones only with ``include_private``."""
    out: list[ContactDetail] = []
    for start in range(0, len(contact_ids), 500):
        chunk = contact_ids[start : start + 500]
        # The chunk as one JSON parameter: peewee builds no 500-placeholder SQL nine times
        # over, and rows come as converted tuples, not model objects (export of 10,000
        # contacts: 5 s before, a fraction of that now).
        ids = json.dumps(chunk)
        found = _detail_rows(ids)
        missing = [cid for cid in chunk if cid not in found]
        if missing and not skip_missing:
            raise NotFoundError(f"No contact with id {missing[0]}; it may have been deleted.")
        _add_detail_parts(found, ids, include_private=include_private)
        out.extend(found[cid] for cid in chunk if cid in found)
    return out


def _in(ids_json: str):
    """The ids of a JSON list, for ``IN``: one parameter, whatever their number."""
    return SQL("(SELECT value FROM json_each(?))", [ids_json])


def _detail_query(ids_json: str):
    return (
        Contact.select(
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.first_name,
            Contact.last_name,
            Organization.name,
            Contact.organization,
            Contact.title,
            Contact.kind,
            Contact.birthday,
            Contact.how_met,
            Contact.needs,
            Contact.goals,
            Contact.offers,
            Contact.cadence_days,
            Contact.last_interaction_at,
            Contact.touch_due_on,
            Contact.archived_at,
            Contact.is_sample,
            Contact.created_at,
            Contact.vcard_extra,
            *(getattr(Contact, f) for f in NAME_DETAILS),
        )
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.id.in_(_in(ids_json)))
    )


def _detail_rows(ids_json: str) -> dict[int, ContactDetail]:
    """The contacts' own columns (and organization name) for ``details``, by id."""
    found: dict[int, ContactDetail] = {}
    for row in prepared_rows("contacts.details", _detail_query, ids_json):
        found[row[0]] = ContactDetail(
            id=row[0],
            uid=row[1],
            display_name=row[2],
            first_name=row[3],
            last_name=row[4],
            organization=row[5] or "",
            organization_id=row[6],
            title=row[7],
            kind=row[8],
            birthday=row[9],
            how_met=row[10],
            needs=row[11],
            goals=row[12],
            offers=row[13],
            cadence_days=row[14],
            last_interaction_at=iso_datetime(row[15]),
            touch_due_on=iso_date(row[16]),
            archived=row[17] is not None,
            sample=bool(row[18]),
            created_at=iso_datetime(row[19]),
            vcard_extra=row[20] or "",
            **dict(zip(NAME_DETAILS, row[21:], strict=True)),
        )
    return found


def _channel_query(model):
    def build(ids_json: str):
        return (
            model.select(model.contact, model.value, model.label)
            .where(model.contact.in_(_in(ids_json)))
            .order_by(model.position, model.id)
        )

    return build


_email_query, _phone_query = _channel_query(ContactEmail), _channel_query(ContactPhone)


def _link_query(ids_json: str):
    return (
        ContactLink.select(ContactLink.contact, ContactLink.url, ContactLink.label)
        .where(ContactLink.contact.in_(_in(ids_json)))
        .order_by(ContactLink.position, ContactLink.id)
    )


def _address_query(ids_json: str):
    return (
        ContactAddress.select(
            ContactAddress.contact,
            ContactAddress.label,
            ContactAddress.street,
            ContactAddress.city,
            ContactAddress.region,
            ContactAddress.postcode,
            ContactAddress.country,
        )
        .where(ContactAddress.contact.in_(_in(ids_json)))
        .order_by(ContactAddress.position, ContactAddress.id)
    )


def _tag_query(ids_json: str):
    return (
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(_in(ids_json)))
        .order_by(fn.lower(Tag.name))
    )


def _note_query(include_private: bool):
    def build(ids_json: str):
        notes = Note.select(Note.contact, Note.id, Note.body, Note.private, Note.created_at)
        notes = notes.where(Note.contact.in_(_in(ids_json)))
        if not include_private:
            notes = notes.where(Note.private == False)  # noqa: E712
        return notes.order_by(Note.created_at.desc(), Note.id.desc())

    return build


_note_queries = {private: _note_query(private) for private in (True, False)}


def _referred_by_query(ids_json: str):
    source = Contact.alias()
    return (
        Referral.select(Referral.subject, source.id, source.display_name)
        .join(source, on=(Referral.source == source.id))
        .where((Referral.kind == "inbound") & Referral.subject.in_(_in(ids_json)))
    )


def _add_detail_parts(
    found: dict[int, ContactDetail], ids_json: str, *, include_private: bool
) -> None:
    """Fill in each contact's emails, phones, links, addresses, tags, notes and who
    referred them, in a fixed number of queries for all of ``ids_json``. Each query's SQL
    is made once (``prepared_rows``): opening a contact reads its details."""
    for key, build, attr in (
        ("contacts.emails", _email_query, "emails"),
        ("contacts.phones", _phone_query, "phones"),
        ("contacts.links", _link_query, "links"),
    ):
        for cid, value, label in prepared_rows(key, build, ids_json):
            getattr(found[cid], attr).append(Labeled(value, label))
    for cid, *parts in prepared_rows("contacts.addresses", _address_query, ids_json):
        found[cid].addresses.append(Address(*parts))
    for cid, name in prepared_rows("contacts.tags", _tag_query, ids_json):
        found[cid].tags.append(name)
    notes = _note_queries[include_private]
    for cid, *note in prepared_rows(("contacts.notes", include_private), notes, ids_json):
        note_id, body, private, created_at = note
        found[cid].notes.append(NoteView(note_id, body, bool(private), iso_datetime(created_at)))
    for cid, source_id, name in prepared_rows("contacts.referred_by", _referred_by_query, ids_json):
        found[cid].referred_by_id = source_id
        found[cid].referred_by_name = name


def tags_of(contact_id: int) -> list[str]:
    query = (
        Tag.select(Tag.name)
        .join(ContactTag)
        .where(ContactTag.contact == contact_id)
        .order_by(fn.lower(Tag.name))
    )
    return [t.name for t in query]


def all_tags() -> list[str]:
    return [t.name for t in Tag.select(Tag.name).order_by(fn.lower(Tag.name))]


_counts = listcache.Kept(4, mark="names")


def count_contacts(*, include_archived: bool = False, include_sample: bool = True) -> int:
    """How many contacts; counted once per change of the data (see listcache), or with
    the sample ones, of the names' mark (a contact added, deleted or archived moves it)."""
    sql = listing.count_sql(include_archived=include_archived, include_sample=include_sample)
    kept = _counts if include_sample else listcache
    return kept.cached(("count", sql), lambda: db.execute_sql(sql).fetchone()[0])


def name_of(contact_id: int) -> str:
    return require(Contact, contact_id, "contact").display_name


def names(contact_ids: list[int]) -> dict[int, str]:
    if not contact_ids:
        return {}
    rows = Contact.select(Contact.id, Contact.display_name).where(Contact.id.in_(contact_ids))
    return {r.id: r.display_name for r in rows}


def all_names(*, include_archived: bool = False) -> list[tuple[int, str]]:
    """(id, name) of every contact in name order, for pickers."""
    query = Contact.select(Contact.id, Contact.display_name)
    if not include_archived:
        query = query.where(Contact.archived_at.is_null())
    return list(query.order_by(Contact.sort_name, Contact.id).tuples())


_picker = listcache.Kept(2, mark="names")


class PickerLabels(NamedTuple):
    """The pickers' entries: the contacts' ids and, beside them, their labels. Lists side
    by side, not a list of pairs: 100,000 pairs were 100,000 objects for Python's
    collector to walk, and every picker split them into two lists again."""

    ids: list[int]
    labels: list[str]
    folded: list[str]
    """The labels casefolded, made with them (what a picker searches typed text in)."""


def picker_names(*, include_archived: bool = False) -> PickerLabels:
    """The contacts' ids and labels for pickers, in name order: the name, and for people
    who share a name also their company (or, without one, their number) so the label
    says which one is meant.

    Read once per change of the names (``listcache.Kept`` with the ``names`` mark: a
    contact added, deleted, renamed, archived or moved to another company; logging a
    favor changes none of them) and shared by every picker: each form held the window for
    0.8 s per picker at 100,000 contacts, reading the names through peewee's row objects
    every time it opened. The lists are shared: do not change them."""
    return _picker.cached(("picker", include_archived), lambda: _picker_labels(include_archived))


def picker_names_mark() -> Hashable | None:
    """Where the data stands, to read the pickers' names on another thread against
    (``read_picker_names``, then ``keep_picker_names``); None when they are kept already."""
    return None if _picker.holds(("picker", False)) else _picker.mark()


def read_picker_names() -> PickerNames:
    """What ``picker_names()`` is made of, read afresh on a worker thread (nothing kept):
    the rows alone, SQLite's work, which lets the window run meanwhile. Making labels of
    them is Python's, which holds the interpreter lock: done on the worker too, it took
    half of the window's turns while it lasted (0.2 s at 100,000 contacts): beside a
    worker running Python a contact form opened in 85 ms instead of 27. The window
    makes them itself, a slice at a time (``PickerNames.step``)."""
    return PickerNames(*_picker_rows(False))


def keep_picker_names(names: PickerLabels, mark: Hashable) -> bool:
    """Keep names a worker read as ``picker_names()``, if nothing changed since ``mark``
    (``listcache.Kept.keep``)."""
    return _picker.keep(("picker", False), names, mark)


class PickerNames:
    """The pickers' names as read, made into their labels a slice at a time: ``step()``
    makes the next slice (a few ms) and says whether the labels are done; ``finish()``
    makes the rest at once. ``labels`` is what ``picker_names()`` gives, once done."""

    SLICE = 2000
    """Rows a step works through."""

    def __init__(self, rows: list[tuple[int, str, int | None]], companies: dict) -> None:
        self._steps = _labels_in_steps(rows, companies, self.SLICE)
        self.labels: PickerLabels | None = None

    def step(self) -> bool:
        if self.labels is None:
            try:
                next(self._steps)
            except StopIteration as done:
                self.labels = done.value
        return self.labels is not None

    def finish(self) -> PickerLabels:
        while not self.step():
            pass
        return self.labels


def _picker_rows(include_archived: bool) -> tuple[list[tuple[int, str, int | None]], dict]:
    """(id, name, company id) of the contacts in name order, and the companies' names."""
    # The whole table in one pass, sorted by SQLite (NOT INDEXED): walking the list's
    # index fetched each name from wherever its row lay, 280 ms against 130 ms.
    where = "" if include_archived else " WHERE archived_at IS NULL"
    rows = db.execute_sql(
        "SELECT id, display_name, organization_id FROM contact NOT INDEXED"
        f"{where} ORDER BY sort_name, id"
    ).fetchall()
    companies = dict(db.execute_sql("SELECT id, name FROM organization").fetchall())
    return rows, companies


def _picker_labels(include_archived: bool) -> PickerLabels:
    return PickerNames(*_picker_rows(include_archived)).finish()


def _labels_in_steps(rows: list, companies: dict, size: int):
    """A generator making the labels of ``rows``, pausing after every ``size`` rows; it
    returns them (``PickerNames``). ``rows`` is its own: it is emptied at the end."""
    folded: list[str] = []
    counts: Counter = Counter()
    ids: list[int] = []
    labels: list[str] = []
    shared: list[int] = []
    for start in range(0, len(rows), size):
        part = rows[start : start + size]
        keys = [name.casefold() for _cid, name, _org in part]
        folded += keys
        counts.update(keys)
        ids += [cid for cid, _name, _org in part]
        labels += [name for _cid, name, _org in part]
        yield
    for start in range(0, len(rows), size):
        keys = folded[start : start + size]
        shared += [i for i, key in enumerate(keys, start) if counts[key] > 1]
        yield
    seen: set[str] = set()  # the labels given to people who share a name
    for start in range(0, len(shared), size):
        for i in shared[start : start + size]:
            cid, name, org_id = rows[i]
            org = companies.get(org_id)
            label = f"{name} ({org})" if org else f"{name} (#{cid})"
            # The same name and company, or a label that is someone else's whole name.
            key = label.casefold()
            if org and (key in seen or key in counts):
                label = f"{name} ({org}, #{cid})"
                key = label.casefold()
            seen.add(key)
            labels[i], folded[i] = label, key
        yield
    # What is no longer needed goes a step at a time too: 100,000 of them freed at once
    # took a step of 18 ms.
    for _garbage in (seen, counts, rows):
        _garbage.clear()
        yield
    return PickerLabels(ids, labels, folded)


def find_by_name(text: str) -> list[tuple[int, str]]:
    """Contacts whose name is ``text`` (case-insensitive), else whose name contains it."""
    text = text.strip()
    exact = (
        Contact.select(Contact.id, Contact.display_name)
        .where(fn.lower(Contact.display_name) == text.lower())
        .order_by(Contact.sort_name)
    )
    rows = list(exact)
    if not rows:
        rows = list(
            Contact.select(Contact.id, Contact.display_name)
            .where(Contact.display_name.contains(text))
            .order_by(Contact.sort_name)
            .limit(20)
        )
    return [(r.id, r.display_name) for r in rows]


def list_ids(
    *,
    include_archived: bool = False,
    kind: str | None = None,
    tag: str | None = None,
) -> list[int]:
    """Ids of contacts in name order, optionally filtered: the backbone of the list view."""
    query = Contact.select(Contact.id)
    if not include_archived:
        query = query.where(Contact.archived_at.is_null())
    if kind:
        query = query.where(Contact.kind == kind)
    if tag:
        query = query.join(ContactTag).join(Tag).where(Tag.name == tag)
    return [row[0] for row in query.order_by(Contact.sort_name, Contact.id).tuples()]


def rows(contact_ids: list[int]) -> dict[int, ContactRow]:
    """List rows for a batch of ids in one query (never one per row): the favor counts and
    the next follow-up are columns of the contact kept by triggers (migration 0004)."""
    target = settings.target_ratio() if contact_ids else 0.0
    return listing.list_rows(db.execute_sql, contact_ids, target)
