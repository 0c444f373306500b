"""The conflicts list: local values the server's won over, for the user to review.

A sync that finds the same field changed on both sides keeps the server's value and
records the local one here. ``restore_local`` writes it back to the contact (it goes up
with the next sync); ``dismiss`` drops it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from favorbook.errors import NotFoundError
from favorbook.services._common import iso_datetime, utc_now
from favorbook.sync import store


@dataclass(frozen=True)
class ConflictRow:
    id: int
    account: str
    contact_id: int | None
    contact_name: str
    field: str
    """A field of ``sync.vcard_fields.FIELDS`` (name, emails, phones, ...)."""
    local_value: str
    """The local value as a user reads it."""
    server_value: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    field_label: str = ""
    """The field as a user reads it ("Phones")."""


def _load(text: str) -> object:
    try:
        return json.loads(text) if text else ""
    except ValueError:
        return text


def record(account_id: int, contact_id: int | None, uid: str, field: str, local, server) -> int:
    """Keep a local value that lost to the server's; returns the conflict's id.

    An open conflict on the same contact and field is replaced (one per field).
    """
    return store.record_conflict(account_id, contact_id, uid, field, local, server).id


def list_conflicts(account: str | None = None, include_resolved: bool = False) -> list[ConflictRow]:
    """Conflicts, newest first; of one account with ``account``; open ones unless asked."""
    from favorbook.sync.vcard_fields import LABELS, show

    out = []
    for c in store.conflicts(account, include_resolved):
        if c.vault_table:
            out.append(_vault_row(c))
            continue
        out.append(
            ConflictRow(
                id=c.id,
                account=c.account_name,
                contact_id=c.contact_id,
                contact_name=c.contact_name or "",
                field=c.field,
                local_value=show(c.field, _load(c.local_value)),
                server_value=show(c.field, _load(c.server_value)),
                created_at=iso_datetime(c.created_at),
                resolved_at=iso_datetime(c.resolved_at),
                field_label=LABELS.get(c.field, c.field),
            )
        )
    return out


DEVICES = "Your devices"
"""The account column of a conflict of the sync between the rep's own devices."""


def _vault_row(c) -> ConflictRow:
    def text(value: object) -> str:
        if value is None or value == "":
            return "(empty)"
        return str(value)

    table, _, column = c.field.partition(".")
    return ConflictRow(
        id=c.id,
        account=DEVICES,
        contact_id=c.contact_id,
        contact_name=c.contact_name or "",
        field=c.field,
        local_value=text(_load(c.local_value)),
        server_value=text(_load(c.server_value)),
        created_at=iso_datetime(c.created_at),
        resolved_at=iso_datetime(c.resolved_at),
        field_label=f"{table.replace('_', ' ').capitalize()}: {column.replace('_', ' ')}",
    )


def _row(conflict_id: int):
    row = store.conflict(conflict_id)
    if row is None:
        raise NotFoundError(f"No sync conflict with id {conflict_id}; it may have been dismissed.")
    return row


def open_conflict(conflict_id: int) -> ConflictRow:
    """One open conflict; NotFoundError when there is none with that id (or it was
    resolved already)."""
    row = _row(conflict_id)
    if row.resolved_at is not None:
        raise NotFoundError(f"Sync conflict {conflict_id} was resolved already.")
    return next(c for c in list_conflicts() if c.id == conflict_id)


def restore_local(conflict_id: int) -> None:
    """Write the conflict's local value back to its contact; it goes up with the next sync."""
    from favorbook.sync import vcard_fields

    row = _row(conflict_id)
    if row.vault_table:
        from favorbook.sync.vault import merge

        with store.atomic():
            merge.restore(row.vault_table, row.vault_gid, row.field, _load(row.local_value))
            store.resolve_conflict(row, utc_now())
        return
    if row.contact_id is None:
        raise NotFoundError("The contact of this conflict is gone; there is nothing to restore.")
    with store.atomic():
        vcard_fields.set_field(row.contact_id, row.field, _load(row.local_value))
        store.resolve_conflict(row, utc_now())


def dismiss(conflict_id: int) -> None:
    """Keep the server's value and drop the conflict from the list."""
    store.resolve_conflict(_row(conflict_id), utc_now())


def open_count(account: str | None = None) -> int:
    return store.open_conflicts(account)
