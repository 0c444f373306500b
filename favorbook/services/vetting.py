"""Vetting: whether the rep can stake their name on recommending someone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from favorbook.db.models import Contact, Vetting, VettingNote, db
from favorbook.errors import ValidationError
from favorbook.services import search_index
from favorbook.services._common import (
    Days,
    as_date,
    choice,
    clean,
    iso_date,
    not_archived,
    raw_rows,
    require,
    today,
    utc_now,
)
from favorbook.services.terms import VETTING_STATUSES

STATUSES = VETTING_STATUSES
STATUS_LABELS = {
    "unvetted": "Unvetted",
    "in_review": "In review",
    "trusted": "Trusted",
    "not_recommended": "Not recommended",
}
CRITERIA = ("keeps_promises", "quality_of_work", "shares_principles", "references_checked")
CRITERIA_LABELS = {
    "keeps_promises": "Keeps promises",
    "quality_of_work": "Quality of work",
    "shares_principles": "Shares our principles",
    "references_checked": "References checked",
}


@dataclass
class VettingNoteView:
    id: int
    noted_on: dt.date
    body: str
    evidence: str
    vouched_by_id: int | None
    vouched_by: str


@dataclass
class VettingView:
    contact_id: int
    status: str = "unvetted"
    criteria: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(CRITERIA, False))
    trusted_for: str = ""
    revet_on: dt.date | None = None
    notes: list[VettingNoteView] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def revet_due(self, on: dt.date | None = None) -> bool:
        return self.revet_on is not None and self.revet_on <= (on or today())


def get(contact_id: int) -> VettingView:
    require(Contact, contact_id, "contact")
    return read(contact_id)


_READ_SQL = (
    "SELECT status, keeps_promises, quality_of_work, shares_principles, references_checked,"
    " trusted_for, revet_on FROM vetting WHERE contact_id = ?"
)
# Who vouched, by the name they have now (or as written when not a contact), newest first.
_NOTES_SQL = (
    "SELECT n.id, n.noted_on, n.body, n.evidence, n.vouched_by_id, n.vouched_by_name,"
    " c.display_name FROM vetting_note n LEFT JOIN contact c ON c.id = n.vouched_by_id"
    " WHERE n.contact_id = ? ORDER BY n.noted_on DESC, n.id DESC"
)


def read(contact_id: int) -> VettingView:
    """``get`` for a contact known to exist (no check that it does); two queries, as
    opening a contact reads it."""
    view = VettingView(contact_id)
    for status, *flags, trusted_for, revet_on in db.execute_sql(_READ_SQL, (contact_id,)):
        view.status = status
        view.criteria = {c: bool(flag) for c, flag in zip(CRITERIA, flags, strict=True)}
        view.trusted_for = trusted_for
        view.revet_on = iso_date(revet_on)
    for note_id, noted_on, body, evidence, vouched_by_id, written, name in db.execute_sql(
        _NOTES_SQL, (contact_id,)
    ):
        view.notes.append(
            VettingNoteView(
                note_id,
                iso_date(noted_on),
                body,
                evidence,
                vouched_by_id,
                name if vouched_by_id and name is not None else written,
            )
        )
    return view


def status_of(contact_id: int) -> str:
    row = Vetting.get_or_none(Vetting.contact == contact_id)
    return row.status if row else "unvetted"


def set_vetting(
    contact_id: int,
    status: str,
    *,
    criteria: dict[str, bool] | None = None,
    trusted_for: str | None = None,
    revet_on: dt.date | str | None = None,
) -> None:
    """Record the vetting decision; a trusted person must be trusted *for* something."""
    require(Contact, contact_id, "contact")
    status = choice(status, STATUSES, "status")
    row = Vetting.get_or_none(Vetting.contact == contact_id)
    values = {c: bool((criteria or {}).get(c, getattr(row, c) if row else False)) for c in CRITERIA}
    unknown = set(criteria or {}) - set(CRITERIA)
    if unknown:
        raise ValidationError("criteria", f"unknown criteria: {', '.join(sorted(unknown))}")
    trusted = clean(
        trusted_for if trusted_for is not None else (row.trusted_for if row else ""),
        "trusted_for",
        max_len=2000,
    )
    if status == "trusted" and not trusted:
        raise ValidationError("trusted_for", "say what they are trusted for (e.g. tax advice)")
    if revet_on is None:  # not given: keep it; "" clears it
        revet = row.revet_on if row else None
    else:
        revet = as_date(revet_on, "revet_on") if revet_on else None
    with db.atomic():
        Vetting.replace(
            contact=contact_id,
            status=status,
            trusted_for=trusted,
            revet_on=revet,
            updated_at=utc_now(),
            **values,
        ).execute()
        search_index.index_contacts([contact_id])


def add_note(
    contact_id: int,
    body: str,
    *,
    evidence: str = "",
    vouched_by_id: int | None = None,
    vouched_by_name: str = "",
    noted_on: dt.date | str | None = None,
) -> int:
    require(Contact, contact_id, "contact")
    body = clean(body, "body", max_len=100_000)
    if not body:
        raise ValidationError("body", "write what was observed")
    if vouched_by_id is not None:
        require(Contact, vouched_by_id, "contact (vouched by)")
    return VettingNote.create(
        contact=contact_id,
        noted_on=as_date(noted_on, "noted_on", default=today()),
        body=body,
        evidence=clean(evidence, "evidence", max_len=100_000),
        vouched_by=vouched_by_id,
        vouched_by_name=clean(vouched_by_name, "vouched_by", max_len=200),
        created_at=utc_now(),
    ).id


@dataclass
class RevetDue:
    contact_id: int
    name: str
    status: str
    revet_on: dt.date


def revet_due(on: dt.date | None = None) -> list[RevetDue]:
    """People whose vetting should be looked at again, earliest first."""
    query = (
        Vetting.select(
            Vetting.contact, Vetting.status, Vetting.revet_on, Contact.id, Contact.display_name
        )
        .join(Contact)
        .where((Vetting.revet_on <= (on or today())) & not_archived(Contact))
        .order_by(Vetting.revet_on)
    )
    return [RevetDue(v.contact_id, v.contact.display_name, v.status, v.revet_on) for v in query]


@dataclass
class VettedRow:
    contact_id: int
    name: str
    status: str
    trusted_for: str
    revet_on: dt.date | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def count_vetted() -> int:
    """Every vetting record (archived contacts' too: a count to size the work by)."""
    return db.execute_sql("SELECT count(*) FROM vetting").fetchone()[0]


def list_vetted() -> list[VettedRow]:
    """Everyone with a vetting record (not archived), by re-vet date: those due come first,
    those without a date last (by name)."""
    query = (
        Vetting.select(
            Vetting.contact,
            Contact.display_name,
            Vetting.status,
            Vetting.trusted_for,
            Vetting.revet_on,
        )
        .join(Contact)
        .where(Contact.archived_at.is_null())
    )
    day = Days()  # plain rows: peewee's model objects cost seconds at 100,000 vetted
    rows = [
        VettedRow(cid, name, status, trusted_for, day[revet_on])
        for cid, name, status, trusted_for, revet_on in raw_rows(query)
    ]
    return sorted(rows, key=lambda r: (r.revet_on is None, r.revet_on or dt.date.max, r.name))
