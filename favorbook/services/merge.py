"""Joining two contacts that are the same person, losing nothing.

``merge_contacts(keep_id, other_id)`` moves everything of ``other`` to ``keep``
(favors, also where other was the beneficiary; conversations; follow-ups; answers
to questions; referrals in every column; vetting notes; notes; emails, phones,
links, addresses and tags without duplicates; the photo when keep has none; the
vCard lines kept verbatim), fills keep's empty fields from other, keeps the
better-informed vetting, then deletes other. One transaction.

Two links can only be dropped, both of which would be meaningless after the
merge: a referral between the two (someone referring themselves), and a second
"who brought them" (a contact has one); each is written into a note on keep
instead, so the history stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from favorbook.db.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactPhoto,
    ContactTag,
    Conversation,
    Favor,
    FollowUp,
    Note,
    QuestionAsked,
    Referral,
    Vetting,
    VettingNote,
    db,
)
from favorbook.errors import ValidationError
from favorbook.services import contacts, referrals, search_index
from favorbook.services._common import require, utc_now

_STATUS_RANK = {"unvetted": 0, "in_review": 1, "not_recommended": 2, "trusted": 2}


@dataclass
class MergeResult:
    keep_id: int
    moved: dict[str, int] = field(default_factory=dict)
    """How many rows of each kind moved from the other contact."""
    notes_written: list[str] = field(default_factory=list)
    """Links that could not stay as they were, recorded as notes on keep."""


def _informed(v: Vetting) -> tuple:
    criteria = sum(
        bool(x)
        for x in (v.keeps_promises, v.quality_of_work, v.shares_principles, v.references_checked)
    )
    return (_STATUS_RANK.get(v.status, 0), criteria, bool(v.trusted_for), str(v.updated_at))


def _move(model, column, keep_id: int, other_id: int) -> int:
    return model.update({column: keep_id}).where(column == other_id).execute()


def merge_contacts(keep_id: int, other_id: int) -> MergeResult:
    """Join ``other_id`` into ``keep_id``; ``other_id`` no longer exists afterwards."""
    if keep_id == other_id:
        raise ValidationError("other", "pick two different contacts to merge")
    keep = require(Contact, keep_id, "contact")
    other = require(Contact, other_id, "contact")
    result = MergeResult(keep_id)
    now = utc_now()
    with db.atomic():
        # --- history ---------------------------------------------------------------------
        result.moved["favors"] = _move(Favor, Favor.contact, keep_id, other_id)
        _move(Favor, Favor.beneficiary, keep_id, other_id)
        result.moved["conversations"] = _move(Conversation, Conversation.contact, keep_id, other_id)
        result.moved["followups"] = _move(FollowUp, FollowUp.contact, keep_id, other_id)
        result.moved["answers"] = _move(QuestionAsked, QuestionAsked.contact, keep_id, other_id)
        result.moved["notes"] = _move(Note, Note.contact, keep_id, other_id)
        result.moved["vetting_notes"] = _move(VettingNote, VettingNote.contact, keep_id, other_id)
        _move(VettingNote, VettingNote.vouched_by, keep_id, other_id)

        # --- referrals, vetting ------------------------------------------------------------
        _merge_referrals(keep_id, other_id, other.display_name, result)
        _merge_vetting(keep_id, other_id)

        # --- details ---------------------------------------------------------------------
        _merge_details(keep_id, other_id)
        for text in result.notes_written:
            Note.create(contact=keep_id, body=text, private=False, created_at=now)
        if not ContactPhoto.select().where(ContactPhoto.contact == keep_id).exists():
            _move(ContactPhoto, ContactPhoto.contact, keep_id, other_id)

        # --- fields ----------------------------------------------------------------------
        _merge_fields(keep, other, now)

        db.execute_sql("DELETE FROM contact_fts WHERE rowid = ?", (other_id,))
        Contact.delete().where(Contact.id == other_id).execute()
        contacts.refresh_interaction(keep_id)
        search_index.index_contacts([keep_id])
    return result


def _merge_referrals(keep_id: int, other_id: int, other_name: str, result: MergeResult) -> None:
    """The other's referrals move to keep; one between the two, a second "brought to us
    by", or one that would now make a circle become notes (in ``result``) instead."""
    between = Referral.select().where(
        ((Referral.source == other_id) & (Referral.subject == keep_id))
        | ((Referral.source == keep_id) & (Referral.subject == other_id))
        | ((Referral.recipient == other_id) & (Referral.subject == keep_id))
        | ((Referral.recipient == keep_id) & (Referral.subject == other_id))
    )
    for ref in between:
        result.notes_written.append(
            f"Merged from {other_name}: a {ref.kind} referral between the two "
            f"records of this person on {ref.occurred_on} ({ref.outcome}"
            f"{', ' + ref.note if ref.note else ''})."
        )
        ref.delete_instance()
    keep_inbound = Referral.get_or_none(
        (Referral.kind == "inbound") & (Referral.subject == keep_id)
    )
    other_inbound = Referral.get_or_none(
        (Referral.kind == "inbound") & (Referral.subject == other_id)
    )
    if keep_inbound is not None and other_inbound is not None:
        source = contacts.name_of(other_inbound.source_id)
        said = f", {other_inbound.note}" if other_inbound.note else ""
        result.notes_written.append(
            f"Merged from {other_name}: also brought to us by {source} on "
            f"{other_inbound.occurred_on} ({other_inbound.outcome}, value "
            f"{other_inbound.value:g}{said})."
        )
        other_inbound.delete_instance()
    moved = 0
    for column in (Referral.source, Referral.subject, Referral.recipient):
        moved += _move(Referral, column, keep_id, other_id)
    result.moved["referrals"] = moved
    # keep may now be up the chain of whoever brought them: a circle. Keep it as a note.
    inbound = Referral.get_or_none((Referral.kind == "inbound") & (Referral.subject == keep_id))
    if inbound is not None and keep_id in referrals.chain_up(inbound.source_id):
        result.notes_written.append(
            f"Merged from {other_name}: brought to us by "
            f"{contacts.name_of(inbound.source_id)} on {inbound.occurred_on}, who had "
            "come to us through this person (a circle, so it is kept as this note)."
        )
        inbound.delete_instance()


def _merge_vetting(keep_id: int, other_id: int) -> None:
    """One vetting stays: the better informed of the two."""
    keep_v = Vetting.get_or_none(Vetting.contact == keep_id)
    other_v = Vetting.get_or_none(Vetting.contact == other_id)
    if other_v is not None:
        if keep_v is None or _informed(other_v) > _informed(keep_v):
            if keep_v is not None:
                keep_v.delete_instance()
            Vetting.update(contact=keep_id).where(Vetting.contact == other_id).execute()
        else:
            other_v.delete_instance()


def _merge_fields(keep: Contact, other: Contact, now) -> None:
    """Keep's empty fields take the other's; the derived names are built again; saved."""
    for name in contacts.FILLABLE:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if keep.organization_id is None:
        keep.organization = other.organization_id
    if keep.kind == "other":
        keep.kind = other.kind
    if keep.cadence_days is None:
        keep.cadence_days = other.cadence_days
    keep.is_sample = keep.is_sample and other.is_sample
    keep.created_at = min(keep.created_at, other.created_at)
    lines = (keep.vcard_extra or "").splitlines()
    lines += [x for x in (other.vcard_extra or "").splitlines() if x not in lines]
    keep.vcard_extra = "\n".join(lines)
    org = keep.organization.name if keep.organization_id else ""
    names = {f: getattr(keep, f) for f in contacts.NAME_DETAILS}
    keep.display_name, keep.sort_name = contacts.display_and_sort_names(
        contacts.ContactInput(keep.first_name, keep.last_name, org, **names)
    )
    keep.updated_at = now
    keep.save()


def _merge_details(keep_id: int, other_id: int) -> None:
    """Emails, phones, links, addresses and tags of other that keep lacks, after keep's."""
    for model, key in (
        (ContactEmail, lambda r: r.value.lower()),
        (ContactPhone, lambda r: r.value),
        (ContactLink, lambda r: r.url),
        (
            ContactAddress,
            lambda r: (
                contacts.Address("", r.street, r.city, r.region, r.postcode, r.country)
                .one_line()
                .casefold()
            ),
        ),
    ):
        mine = list(model.select().where(model.contact == keep_id))
        seen = {key(r) for r in mine}
        position = max((r.position for r in mine), default=-1) + 1
        for row in model.select().where(model.contact == other_id).order_by(model.position):
            if key(row) in seen:
                row.delete_instance()
                continue
            seen.add(key(row))
            row.contact = keep_id
            row.position = position
            position += 1
            row.save()
    for (tag_id,) in (
        ContactTag.select(ContactTag.tag).where(ContactTag.contact == other_id).tuples()
    ):
        ContactTag.insert(contact=keep_id, tag=tag_id).on_conflict_ignore().execute()
    ContactTag.delete().where(ContactTag.contact == other_id).execute()
