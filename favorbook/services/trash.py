"""Deleting a contact so it can be undone: a snapshot of every row the delete takes with it.

The database's foreign keys decide what a delete removes (ON DELETE CASCADE)
and what it only unlinks (ON DELETE SET NULL). ``delete_contact`` walks the
same rules over the models, keeps every removed row and every unlinked
reference, deletes, and returns the snapshot; ``restore`` puts it all back
with the same ids in one transaction, so favors, conversations, referrals,
vetting and notes return exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import CompositeKey, ForeignKeyField

from favorbook.db.models import ALL_MODELS, Contact, db
from favorbook.errors import NotFoundError
from favorbook.services import search_index
from favorbook.services._common import require


@dataclass
class Snapshot:
    contact_id: int
    name: str
    rows: list[tuple[type, list[dict]]] = field(default_factory=list)
    """Removed rows, parents before children."""
    unlinked: list[tuple[type, int, str, int]] = field(default_factory=list)
    """(model, row id, field name, old value) of references the delete set to NULL."""


def _references(target: type) -> list[tuple[type, ForeignKeyField]]:
    return [
        (model, f)
        for model in ALL_MODELS
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField) and f.rel_model is target
    ]


def snapshot_contact(contact_id: int) -> Snapshot:
    contact = require(Contact, contact_id, "contact")
    snap = Snapshot(contact_id, contact.display_name)
    snap.rows.append((Contact, list(Contact.select().where(Contact.id == contact_id).dicts())))
    seen: dict[type, set[tuple]] = {Contact: {(contact_id,)}}
    queue: list[tuple[type, list[int]]] = [(Contact, [contact_id])]
    while queue:
        model, ids = queue.pop(0)
        for child, fk in _references(model):
            on_delete = (fk.on_delete or "").upper()
            pk = child._meta.primary_key
            keys = list(pk.field_names) if isinstance(pk, CompositeKey) else [pk.name]
            if on_delete == "CASCADE":
                done = seen.setdefault(child, set())
                found = [
                    r
                    for r in child.select().where(fk.in_(ids)).dicts()
                    if tuple(r[k] for k in keys) not in done
                ]
                if found:
                    done.update(tuple(r[k] for k in keys) for r in found)
                    snap.rows.append((child, found))
                    if not isinstance(pk, CompositeKey):  # nothing points at a link row
                        queue.append((child, [r[pk.name] for r in found]))
            elif on_delete == "SET NULL":
                for row_id, value in child.select(pk, fk).where(fk.in_(ids)).tuples():
                    snap.unlinked.append((child, row_id, fk.name, value))
    return snap


def delete_contact(contact_id: int) -> Snapshot:
    """Delete a contact and everything that belongs to it; return what ``restore`` needs."""
    with db.atomic():
        snap = snapshot_contact(contact_id)
        Contact.delete().where(Contact.id == contact_id).execute()
        search_index.index_contacts([contact_id])
    return snap


def restore(snap: Snapshot) -> int:
    """Put a deleted contact back as it was, with the same links; return its id.

    The rows keep their ids unless a row made since the delete took one (SQLite hands
    the highest free id out again): such a row comes back under a new id, and every
    restored reference to it follows.
    """
    with db.atomic():
        contact_rows = next(rows for model, rows in snap.rows if model is Contact)
        if Contact.select().where(Contact.uid == contact_rows[0]["uid"]).exists():
            raise NotFoundError(f"{snap.name} is already back in the network")
        new_ids: dict[type, dict[int, int]] = {}
        for model, rows in snap.rows:
            pk = model._meta.primary_key
            fks = [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]
            for row in rows:
                row = dict(row)
                for f in fks:
                    moved = new_ids.get(f.rel_model, {})
                    if row.get(f.name) in moved:
                        row[f.name] = moved[row[f.name]]
                if isinstance(pk, CompositeKey) or not model.get_or_none(pk == row[pk.name]):
                    model.insert(row).execute()
                else:
                    old_id = row.pop(pk.name)
                    new_ids.setdefault(model, {})[old_id] = model.insert(row).execute()
        for model, row_id, name, value in snap.unlinked:
            # A row unlinked by the delete may itself be gone since; skip it then.
            value = new_ids.get(model._meta.fields[name].rel_model, {}).get(value, value)
            model.update({name: value}).where(model._meta.primary_key == row_id).execute()
        contact_id = new_ids.get(Contact, {}).get(snap.contact_id, snap.contact_id)
        search_index.index_contacts([contact_id])
    return contact_id


__all__ = ["Snapshot", "delete_contact", "restore", "snapshot_contact"]
