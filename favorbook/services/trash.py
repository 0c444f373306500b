"""Deleting contacts so it can be undone: a snapshot of every row the delete takes with it.

The database's foreign keys decide what a delete removes (ON DELETE CASCADE)
and what it only unlinks (ON DELETE SET NULL). ``delete_contacts`` walks the
same rules over the models, keeps every removed row (its columns as SQLite
stores them) and every unlinked reference, deletes, and returns the snapshots;
``restore_contacts`` puts it all back with the same ids in one transaction, so
favors, conversations, referrals, vetting and notes return exactly as they were.

Restoring checks the foreign keys once, when everything is back (PRAGMA
defer_foreign_keys), not row by row: the rows of one snapshot point at each
other in every direction (an IOU at the later favor that settled it, a
follow-up at its conversation, a referral at the contacts of a chain), and any
order of inserts breaks some link that the whole set satisfies. A link to a
row that is gone since the delete is treated as the database would have
treated it: a CASCADE link drops the row that holds it, a SET NULL link is
left empty. The columns the triggers keep (favor counts, the next follow-up)
are not restored: the triggers fill them again as the rows come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peewee import AutoField, CompositeKey, ForeignKeyField

from favorbook.db.models import ALL_MODELS, Contact, db
from favorbook.errors import NotFoundError
from favorbook.services import search, search_index
from favorbook.services._common import require

_CHUNK = 500  # ids per IN (...): well under SQLite's limit of bound parameters


@dataclass
class Snapshot:
    contact_id: int
    name: str
    rows: list[tuple[type, list[dict]]] = field(default_factory=list)
    """Removed rows, parents before children: {column name: value as stored}."""
    unlinked: list[tuple[type, int, str, int]] = field(default_factory=list)
    """(model, row id, column name, old value) of references the delete set to NULL."""

    @property
    def uid(self) -> str:
        return next(rows for model, rows in self.rows if model is Contact)[0]["uid"]


def _references(target: type) -> list[tuple[type, ForeignKeyField]]:
    return [
        (model, f)
        for model in ALL_MODELS
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField) and f.rel_model is target
    ]


def _foreign_keys(model: type) -> list[ForeignKeyField]:
    return [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]


def _key_columns(model: type) -> list[str]:
    pk = model._meta.primary_key
    if isinstance(pk, CompositeKey):
        return [model._meta.fields[name].column_name for name in pk.field_names]
    return [pk.column_name]


def _chunks(values: Sequence) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _select(model: type, columns: Sequence[str], where: str, values: Sequence) -> list[tuple]:
    """``columns`` of the rows of ``model`` whose column ``where`` is in ``values``, as
    SQLite stores them: no conversion by peewee, so a restored row is the same bytes."""
    listed = ", ".join(f'"{c}"' for c in columns)
    found = []
    for chunk in _chunks(values):
        marks = ", ".join("?" * len(chunk))
        found += db.execute_sql(
            f'SELECT {listed} FROM "{model._meta.table_name}" WHERE "{where}" IN ({marks})',
            chunk,
        ).fetchall()
    return found


def _stored_rows(model: type, column: str, values: Sequence) -> list[dict]:
    """The rows of ``model`` whose ``column`` is in ``values``: {column name: value}."""
    names = [f.column_name for f in model._meta.sorted_fields]
    return [dict(zip(names, row, strict=True)) for row in _select(model, names, column, values)]


def snapshot_contact(contact_id: int) -> Snapshot:
    """Everything deleting ``contact_id`` would remove or unlink, read before the delete."""
    contact = require(Contact, contact_id, "contact")
    snap = Snapshot(contact_id, contact.display_name)
    snap.rows.append((Contact, _stored_rows(Contact, "id", [contact_id])))
    seen: dict[type, set[tuple]] = {Contact: {(contact_id,)}}
    queue: list[tuple[type, list[int]]] = [(Contact, [contact_id])]
    while queue:
        model, ids = queue.pop(0)
        for child, fk in _references(model):
            on_delete = (fk.on_delete or "").upper()
            keys = _key_columns(child)
            if on_delete == "CASCADE":
                done = seen.setdefault(child, set())
                found = [
                    r
                    for r in _stored_rows(child, fk.column_name, ids)
                    if tuple(r[k] for k in keys) not in done
                ]
                if found:
                    done.update(tuple(r[k] for k in keys) for r in found)
                    snap.rows.append((child, found))
                    if len(keys) == 1:  # nothing points at a link row
                        queue.append((child, [r[keys[0]] for r in found]))
            elif on_delete == "SET NULL":
                column = fk.column_name
                for row_id, value in _select(child, [keys[0], column], column, ids):
                    snap.unlinked.append((child, row_id, column, value))
    return snap


def delete_contacts(contact_ids: Sequence[int]) -> list[Snapshot]:
    """Delete contacts and everything that belongs to them, in one transaction; return
    what ``restore_contacts`` needs (one snapshot each, in the order deleted)."""
    snaps = []
    with db.atomic():
        lists = search.lists_mark()
        for contact_id in contact_ids:
            snap = snapshot_contact(contact_id)
            Contact.delete().where(Contact.id == contact_id).execute()
            snaps.append(snap)
        search_index.index_contacts(list(contact_ids))
        search.deleted(lists, contact_ids)
    return snaps


def delete_contact(contact_id: int) -> Snapshot:
    """Delete a contact and everything that belongs to it; return what ``restore`` needs."""
    return delete_contacts([contact_id])[0]


def restore(snap: Snapshot) -> int:
    """Put a deleted contact back as it was, with the same links; return its id."""
    return restore_contacts([snap])[snap.contact_id]


def restore_contacts(snaps: Sequence[Snapshot]) -> dict[int, int]:
    """Put back what ``delete_contacts`` removed, all of it or nothing; {old id: id now}.

    The rows keep their ids unless a row made since the delete took one (SQLite hands
    the highest free id out again): such a row comes back under a new id, and every
    restored reference to it follows. A contact that is back already (by its uid) is
    left as it is and the others come back; NotFoundError when all of them are.
    """
    with db.atomic():
        lists = search.lists_mark()
        already = {
            snap.contact_id: found
            for snap in snaps
            if (found := Contact.select(Contact.id).where(Contact.uid == snap.uid).scalar())
        }
        if snaps and len(already) == len(snaps):
            names = ", ".join(snap.name for snap in snaps)
            verb = "is" if len(snaps) == 1 else "are"
            raise NotFoundError(f"{names} {verb} already back in the network")
        snaps = [snap for snap in snaps if snap.contact_id not in already]
        # Checked once, at COMMIT: SQLite switches this off again at the end of the
        # transaction (and a violation left then fails the COMMIT, which rolls back).
        db.execute_sql("PRAGMA defer_foreign_keys = ON")
        # Later deletes first: a snapshot taken after another one's delete holds rows
        # whose links to it were set to NULL then, and the earlier one links them again.
        ordered = list(reversed(snaps))
        moved = _new_ids(ordered)
        for old, now in already.items():  # links to a contact back already follow it
            moved.setdefault(Contact, {})[old] = now
        rows = [
            (model, _moved_row(model, row, moved))
            for snap in ordered
            for model, model_rows in snap.rows
            for row in model_rows
        ]
        kept, dropped = _without_dangling_links(rows)
        for model, row in kept:
            columns = ", ".join(f'"{name}"' for name in row)
            marks = ", ".join("?" * len(row))
            db.execute_sql(
                f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})',
                list(row.values()),
            )
        for snap in ordered:
            for model, row_id, column, value in snap.unlinked:
                row_id = moved.get(model, {}).get(row_id, row_id)
                target = model._meta.columns[column].rel_model
                value = moved.get(target, {}).get(value, value)
                if row_id in dropped.get(model, ()) or value in dropped.get(target, ()):
                    continue
                # Only a link still empty: one made again since the delete stays. A row
                # unlinked by the delete may itself be gone since; nothing to do then.
                db.execute_sql(
                    f'UPDATE "{model._meta.table_name}" SET "{column}" = ? '
                    f'WHERE "{_key_columns(model)[0]}" = ? AND "{column}" IS NULL',
                    (value, row_id),
                )
        back = {
            snap.contact_id: moved.get(Contact, {}).get(snap.contact_id, snap.contact_id)
            for snap in snaps
        }
        search_index.index_contacts(list(back.values()))
        search.restored(lists, back.values())
    return back | already


def _new_ids(snaps: Sequence[Snapshot]) -> dict[type, dict[int, int]]:
    """{model: {old id: new id}} for the restored rows whose id a row made since has taken.

    New ids are above both the table's highest id and every id being restored, so no
    two restored rows can meet on one id.
    """
    wanted: dict[type, list[int]] = {}
    for snap in snaps:
        for model, rows in snap.rows:
            pk = model._meta.primary_key
            if isinstance(pk, AutoField):
                wanted.setdefault(model, []).extend(row[pk.column_name] for row in rows)
    moved: dict[type, dict[int, int]] = {}
    for model, ids in wanted.items():
        pk = model._meta.primary_key
        taken = sorted(
            i for chunk in _chunks(ids) for (i,) in model.select(pk).where(pk.in_(chunk)).tuples()
        )
        if taken:
            top = max(model.select(pk).order_by(pk.desc()).limit(1).scalar() or 0, *ids)
            moved[model] = {old: top + n for n, old in enumerate(taken, start=1)}
    return moved


def _moved_row(model: type, row: dict, moved: dict[type, dict[int, int]]) -> dict:
    """A copy of ``row`` with its own id and its links following the rows that moved."""
    row = dict(row)
    pk = model._meta.primary_key
    if isinstance(pk, AutoField) and row[pk.column_name] in moved.get(model, {}):
        row[pk.column_name] = moved[model][row[pk.column_name]]
    for fk in _foreign_keys(model):
        value = row.get(fk.column_name)
        if value in moved.get(fk.rel_model, {}):
            row[fk.column_name] = moved[fk.rel_model][value]
    return row


def _without_dangling_links(
    rows: list[tuple[type, dict]],
) -> tuple[list[tuple[type, dict]], dict[type, set]]:
    """The rows to insert, and {model: ids} of those left out.

    A link to a row that is neither coming back nor in the database any more (a tag,
    a question or a sync account removed since the delete) is what the database itself
    would have done with it: a CASCADE link leaves the row out (and what hangs on it),
    a SET NULL link is emptied.
    """
    coming: dict[type, set] = {}
    for model, row in rows:
        keys = _key_columns(model)
        if len(keys) == 1:
            coming.setdefault(model, set()).add(row[keys[0]])
    outside: dict[type, set] = {}
    for model, row in rows:
        for fk in _foreign_keys(model):
            value = row.get(fk.column_name)
            if value is not None and value not in coming.get(fk.rel_model, ()):
                outside.setdefault(fk.rel_model, set()).add(value)
    gone: dict[type, set] = {}
    for target, values in outside.items():
        pk = target._meta.primary_key
        present = {
            i
            for chunk in _chunks(values)
            for (i,) in target.select(pk).where(pk.in_(chunk)).tuples()
        }
        gone[target] = values - present
    dropped: dict[type, set] = {}
    kept = list(rows)
    changed = any(gone.values())
    while changed:
        changed = False
        still = []
        for model, row in kept:
            drop = False
            for fk in _foreign_keys(model):
                value = row.get(fk.column_name)
                if value is None:
                    continue
                if value in gone.get(fk.rel_model, ()) or value in dropped.get(fk.rel_model, ()):
                    if (fk.on_delete or "").upper() == "SET NULL" and fk.null:
                        row[fk.column_name] = None
                    else:
                        drop = True
            if drop:
                keys = _key_columns(model)
                if len(keys) == 1:
                    dropped.setdefault(model, set()).add(row[keys[0]])
                changed = True
            else:
                still.append((model, row))
        kept = still
    return kept, dropped


__all__ = [
    "Snapshot",
    "delete_contact",
    "delete_contacts",
    "restore",
    "restore_contacts",
    "snapshot_contact",
]
