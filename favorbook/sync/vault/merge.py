"""Applying other devices' changes, field by field: the newest clock wins.

Runs inside the caller's transaction with ``vault_flag.applying`` set, so the triggers
keep global ids in step but log nothing: what arrives is never sent back. Changes of all
devices are applied in clock order, which keeps cause before effect (a device's edit of
a row comes after the row's insert it saw).

- insert: a new row (foreign keys found by global id), or, when the row exists (the same
  contact from the contact sync, the same tag made on two devices), a merge field by field;
  ignored when the row was deleted later.
- update: the field takes the remote value when its clock is newer; when the remote edit
  did not see the local value (its base is not the local clock) and the values differ, the
  losing value goes to Sync Conflicts, on whichever side it lost.
- delete: the row goes (its children with it, as the database's own rules say), unless
  it was put back (undo) after; the tombstone stays so a late edit does not revive it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from peewee import IntegrityError

from favorbook.db.models import db
from favorbook.services._common import utc_now
from favorbook.sync.vault import capture, spec


@dataclass
class Applied:
    received: int = 0
    conflicts: int = 0
    skipped: list[str] = field(default_factory=list)
    contacts: set[int] = field(default_factory=set)
    pending_fks: list[tuple[str, object, str, str]] = field(default_factory=list)


def local_id(table: str, gid: str):
    row = db.execute_sql(
        "SELECT lid FROM vault_gid WHERE tbl = ? AND gid = ?", (table, gid)
    ).fetchone()
    return row[0] if row else None


def _where(table: str, lid) -> tuple[str, tuple]:
    if table == "contact_tag":
        contact_id, tag_id = str(lid).split(":")
        return "contact_id = ? AND tag_id = ?", (int(contact_id), int(tag_id))
    return f"{spec.KEY_COLUMN.get(table, 'id')} = ?", (lid,)


def _to_local(table: str, col: str, value, applied: Applied, lid=None):
    """A travelling value as this database stores it (a global id as a local id)."""
    ref = spec.foreign_keys(table).get(col)
    if ref is not None and value is not None:
        local = local_id(ref, value)
        if local is None and lid is not None:
            applied.pending_fks.append((table, lid, col, value))
        return local
    if col in spec.blobs(table) and value is not None:
        return bytes.fromhex(value)
    return value


def stored_value(table: str, lid, col: str):
    where, args = _where(table, lid)
    row = db.execute_sql(
        f"SELECT {spec.value_sql(table, col, 'r')} FROM {table} r WHERE {where}", args
    ).fetchone()
    return row[0] if row else None


def _contact_of(table: str, lid) -> int | None:
    if table == "contact":
        return lid
    if "contact_id" in spec.columns(table):
        where, args = _where(table, lid)
        row = db.execute_sql(f"SELECT contact_id FROM {table} WHERE {where}", args).fetchone()
        return row[0] if row else None
    return None


QUIET = {"created_at", "updated_at", "sort_name", "position"}
"""Bookkeeping columns: the newest value wins without a conflict to review."""


def _record_conflict(table: str, gid: str, lid, col: str, lost, won) -> None:
    if col in QUIET:
        return
    contact_id = _contact_of(table, lid)
    db.execute_sql(
        "DELETE FROM sync_conflict WHERE vault_table = ? AND vault_gid = ? AND field = ? "
        "AND resolved_at IS NULL",
        (table, gid, f"{table}.{col}"),
    )
    db.execute_sql(
        "INSERT INTO sync_conflict (account_id, contact_id, uid, field, local_value, "
        "server_value, created_at, vault_table, vault_gid) VALUES (NULL, ?, '', ?, ?, ?, ?, ?, ?)",
        (
            contact_id,
            f"{table}.{col}",
            json.dumps(lost, ensure_ascii=False),
            json.dumps(won, ensure_ascii=False),
            utc_now().isoformat(" "),
            table,
            gid,
        ),
    )


def _merge_field(table, gid, lid, col, value, hlc, base, applied: Applied) -> None:
    if col not in spec.columns(table):
        return
    local = capture.field_clock(table, gid, col)
    current = stored_value(table, lid, col)
    if local is None or hlc > local[0]:
        if local is not None and base != local[0] and current != value:
            _record_conflict(table, gid, lid, col, current, value)
            applied.conflicts += col not in QUIET
        if current != value:
            where, args = _where(table, lid)
            db.execute_sql(
                f"UPDATE {table} SET {col} = ? WHERE {where}",
                (_to_local(table, col, value, applied, lid), *args),
            )
            applied.contacts.add(_contact_of(table, lid))
        capture.set_clock(table, gid, col, hlc, base)
        # A losing value restored on another device has come back: its conflict is over.
        db.execute_sql(
            "UPDATE sync_conflict SET resolved_at = ? WHERE vault_table = ? AND vault_gid = ? "
            "AND field = ? AND local_value = ? AND resolved_at IS NULL",
            (
                utc_now().isoformat(" "),
                table,
                gid,
                f"{table}.{col}",
                json.dumps(value, ensure_ascii=False),
            ),
        )
    elif hlc < local[0] and local[1] != hlc and current != value:
        _record_conflict(table, gid, lid, col, value, current)
        applied.conflicts += col not in QUIET


def _insert(table, gid, values: dict, hlc, applied: Applied) -> None:
    cols = [c for c in spec.columns(table) if c in values]
    row = {}
    for c in cols:
        local = _to_local(table, c, values[c], applied)
        gone = values[c] is not None and local is None and c in spec.foreign_keys(table)
        if gone and (table, c) in spec.NOT_NULL_FKS:
            _orphan(table, gid, spec.foreign_keys(table)[c], values[c], values, hlc)
            return
        row[c] = local
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    db.execute_sql("SAVEPOINT vault_insert")
    try:
        cursor = db.execute_sql(
            f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())
        )
    except IntegrityError as exc:  # a natural key taken by another row: kept apart
        db.execute_sql("ROLLBACK TO vault_insert")
        db.execute_sql("RELEASE vault_insert")
        applied.skipped.append(f"{table} {gid}: {exc}")
        return
    db.execute_sql("RELEASE vault_insert")
    if table == "contact_tag":
        lid = f"{row['contact_id']}:{row['tag_id']}"
    elif table in spec.KEY_COLUMN:
        lid = row[spec.KEY_COLUMN[table]]
    else:
        lid = cursor.lastrowid
    db.execute_sql(
        "INSERT OR REPLACE INTO vault_gid (tbl, lid, gid) VALUES (?, ?, ?)", (table, lid, gid)
    )
    for c in spec.foreign_keys(table):
        if values.get(c) is not None and row.get(c) is None:
            applied.pending_fks.append((table, lid, c, values[c]))
    capture.set_clock(table, gid, "*", hlc)
    capture.clear_clocks(table, gid, "*")
    applied.contacts.add(_contact_of(table, lid))
    adopt(table, gid, applied)


def _orphan(table: str, gid: str, parent_tbl: str, parent_gid: str, values: dict, hlc: str):
    db.execute_sql(
        "INSERT OR REPLACE INTO vault_orphan (tbl, gid, parent_tbl, parent_gid, change) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            table,
            gid,
            parent_tbl,
            parent_gid,
            json.dumps([table, gid, "i", None, values, hlc, None]),
        ),
    )


def adopt(table: str, gid: str, applied: Applied) -> None:
    """Rows made on another device under this row while it was deleted here: back too."""
    rows = db.execute_sql(
        "SELECT tbl, gid, change FROM vault_orphan WHERE parent_tbl = ? AND parent_gid = ?",
        (table, gid),
    ).fetchall()
    for child_tbl, child_gid, change in rows:
        db.execute_sql("DELETE FROM vault_orphan WHERE tbl = ? AND gid = ?", (child_tbl, child_gid))
        if child_tbl.endswith(FIELDS):  # its own edits made after a delete it had not seen
            for edit in json.loads(change):
                apply_change(edit, applied, count=False)
        elif local_id(child_tbl, child_gid) is None:
            apply_change(json.loads(change), applied, count=False)


FIELDS = "#fields"
"""``vault_orphan.tbl`` suffix of a row's field edits kept across a delete (see below)."""


def _keep_newer_fields(table: str, lid, gid: str, hlc: str) -> None:
    """Before a delete from another device: the fields edited here after it (that device
    never saw those edits) are kept, so that if an undo brings the row back they are
    applied over it again, here as on the devices that get the edits after the undo."""
    edits = [
        [table, gid, "u", col, stored_value(table, lid, col), at, base]
        for col, at, base in db.execute_sql(
            "SELECT col, hlc, base FROM vault_clock WHERE tbl = ? AND gid = ? "
            "AND col NOT IN ('*', '-') AND hlc > ?",
            (table, gid, hlc),
        ).fetchall()
        if col in spec.columns(table)
    ]
    if edits:
        db.execute_sql(
            "INSERT OR REPLACE INTO vault_orphan (tbl, gid, parent_tbl, parent_gid, change) "
            "VALUES (?, ?, ?, ?, ?)",
            (table + FIELDS, gid, table, gid, json.dumps(edits, ensure_ascii=False)),
        )


def _keep_children(table: str, lid, gid: str) -> None:
    """Before a delete from another device: the rows under it that are still here wait as
    orphans, in case an undo brings the row back. The rows that device knew were deleted
    with it there, and their own deletes (logged as it cascaded) arrive as tombstones that
    win over these; those it never saw (made here or elsewhere at the same time, or
    after) come back with the row, as they did on the device that undid."""
    for child, (_, fks, _, _, _) in spec.SPEC.items():
        for col, ref in fks.items():
            if ref != table or (child, col) not in spec.NOT_NULL_FKS:
                continue
            rows = db.execute_sql(
                f"SELECT g.gid, {spec.row_json_sql(child, 'r')}, c.hlc FROM {child} r "
                f"JOIN vault_gid g ON g.tbl = '{child}' AND g.lid = {spec.key_sql(child, 'r')} "
                f"JOIN vault_clock c ON c.tbl = g.tbl AND c.gid = g.gid AND c.col = '*' "
                f"WHERE r.{col} = ?",
                (lid,),
            ).fetchall()
            for child_gid, data, born in rows:
                _orphan(child, child_gid, table, gid, json.loads(data), born)


def apply_change(change: list, applied: Applied, count: bool = True) -> None:
    table, gid, op, col, value, hlc, base = change
    if table not in spec.SPEC:
        return
    applied.received += count
    lid = local_id(table, gid)
    tomb = capture.clock_of(table, gid, "-")
    if op == "d":
        if lid is not None:
            born = capture.clock_of(table, gid, "*")
            if born is not None and born[0] > hlc:
                return  # put back (undo) after this delete
            applied.contacts.add(_contact_of(table, lid))
            _keep_children(table, lid, gid)
            _keep_newer_fields(table, lid, gid, hlc)
            where, args = _where(table, lid)
            db.execute_sql(f"DELETE FROM {table} WHERE {where}", args)
            db.execute_sql("DELETE FROM vault_gid WHERE tbl = ? AND gid = ?", (table, gid))
        db.execute_sql("DELETE FROM vault_orphan WHERE tbl = ? AND gid = ?", (table, gid))
        if tomb is None or tomb[0] < hlc:
            capture.set_clock(table, gid, "-", hlc)
            capture.clear_clocks(table, gid, "-")
        return
    if tomb is not None and tomb[0] >= hlc:
        return  # deleted after
    if op == "i":
        if lid is None:
            if tomb is not None:
                db.execute_sql(
                    "DELETE FROM vault_clock WHERE tbl = ? AND gid = ? AND col = '-'",
                    (table, gid),
                )
            _insert(table, gid, value, hlc, applied)
        else:
            for c, v in value.items():
                _merge_field(table, gid, lid, c, v, hlc, None, applied)
            adopt(table, gid, applied)
        return
    if lid is not None:
        _merge_field(table, gid, lid, col, value, hlc, base, applied)


REINDEX_FROM = 5000
"""Contacts touched from which the whole search index is built again (one statement)
instead of indexing them 500 at a time."""


def finish(applied: Applied) -> None:
    """Links to rows that came later in the same run, then the derived figures."""
    from favorbook.services import contacts as contact_service
    from favorbook.services import search_index

    for table, lid, col, ref_gid in applied.pending_fks:
        local = local_id(spec.foreign_keys(table)[col], ref_gid)
        if local is not None:
            where, args = _where(table, lid)
            db.execute_sql(f"UPDATE {table} SET {col} = ? WHERE {where}", (local, *args))
    touched = sorted(c for c in applied.contacts if c is not None)
    ids = []
    for start in range(0, len(touched), 500):
        chunk = touched[start : start + 500]
        ids += [
            row[0]
            for row in db.execute_sql(
                f"SELECT id FROM contact WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
        ]
    contact_service.refresh_interactions(ids)
    if len(touched) >= REINDEX_FROM:
        search_index.rebuild()
    else:
        search_index.index_contacts(touched)


def restore(table: str, gid: str, field_name: str, value) -> None:
    """Write a value that lost back to its field, as a local edit (it travels next sync)."""
    from favorbook.errors import NotFoundError

    col = field_name.partition(".")[2]
    lid = local_id(table, gid)
    if lid is None or col not in spec.columns(table):
        raise NotFoundError("The row of this conflict is gone; there is nothing to restore.")
    where, args = _where(table, lid)
    db.execute_sql(
        f"UPDATE {table} SET {col} = ? WHERE {where}",
        (_to_local(table, col, value, Applied()), *args),
    )
