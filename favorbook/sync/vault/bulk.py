"""Applying many arriving rows at once: a new device's join, a big batch from another one.

``merge.apply_change`` applies one change with a few statements: right for the handful a
sync usually brings, far too slow for a network of a million rows (a join of 100,000
contacts took minutes). Here the rows that can go in at once are written with
``executemany``, table by table in dependency order, with their global ids and clocks,
inside the caller's transaction; every other change follows one by one, in its order.
A row goes in at once when this device has never seen it (no global id, no clock, no
tombstone), no change of it comes before its insert, and each parent it cannot live
without is here (and not deleted in the same batch) or goes in at once too. The outcome
is the one the changes applied one by one in their order give; rows a device already
holds (from the contact sync, an import) are merged one by one as before.

The rows are handled a column at a time (links looked up with ``map`` over a dict, not
per row in Python). Meanwhile the tables' own triggers are dropped (the figures they
keep are recounted once from the rows at the end), the vault's log triggers are off (the
rows came from the vault: nothing to log), and a table that holds fewer rows than arrive
has its plain indexes dropped and built again at the end (one sort each instead of
scattered inserts).
"""

from __future__ import annotations

import contextlib
import gc
import operator
import sqlite3

import peewee

from favorbook.db.models import db
from favorbook.sync.vault import merge, spec

BULK_MIN = 2000
"""Rows that can go in at once from which a batch is written in bulk (below: one by one)."""

TAKEN = (sqlite3.IntegrityError, peewee.IntegrityError)
"""A natural key taken: raised by the cursor's ``executemany`` as sqlite3's, by
``db.execute_sql`` as peewee's (the database object has no ``IntegrityError``)."""

CACHE_KIB = 256 * 1024
"""SQLite's page cache while a bulk insert runs (the usual 16 MB thrashes on global ids)."""


def _own_id(table: str) -> bool:
    """Keyed by an ``id`` this device assigns (not by a contact, a key, or two links)."""
    return table not in spec.KEY_COLUMN and table != "contact_tag"


class _Shape:
    """What the loops over a table's rows need, worked out once."""

    def __init__(self, table: str):
        cols = spec.columns(table)
        self.cols = cols
        self.index = {c: i for i, c in enumerate(cols)}
        self.colset = frozenset(cols)
        getter = operator.itemgetter(*cols)
        self.pick = getter if len(cols) > 1 else (lambda d, g=getter: (g(d),))
        self.fks = [(self.index[c], ref, c) for c, ref in spec.foreign_keys(table).items()]
        self.required = [(i, ref) for i, ref, c in self.fks if (table, c) in spec.NOT_NULL_FKS]
        self.blobs = [self.index[c] for c in spec.blobs(table)]
        self.own_id = _own_id(table)


_SHAPES = {table: _Shape(table) for table in spec.TABLES}


class _Maps:
    """Global id -> local key per table, read once, grown as rows are given keys."""

    def __init__(self):
        self.lids: dict[str, dict] = {}
        self.clocked: dict[str, set] = {}

    def local(self, table: str) -> dict:
        if table not in self.lids:
            self.lids[table] = dict(
                db.execute_sql("SELECT gid, lid FROM vault_gid WHERE tbl = ?", (table,))
            )
        return self.lids[table]

    def clocks(self, table: str) -> set:
        """Global ids of the table with a clock here (a tombstone, or a row's)."""
        if table not in self.clocked:
            self.clocked[table] = {
                row[0]
                for row in db.execute_sql(
                    "SELECT DISTINCT gid FROM vault_clock WHERE tbl = ?", (table,)
                )
            }
        return self.clocked[table]


def as_change(change: list) -> list:
    """A change as ``merge.apply_change`` takes it (an insert's values as a dict)."""
    if change[2] == "i" and isinstance(change[4], list | tuple):
        values = dict(zip(spec.columns(change[0]), change[4], strict=True))
        return [*change[:4], values, *change[5:]]
    return change


def _raw(change: list) -> list | None:
    """An insert as ``[gid, clock, *values in its table's column order]``; None when some
    column is missing."""
    value = change[4]
    shape = _SHAPES[change[0]]
    if isinstance(value, list | tuple):
        return [change[1], change[5], *value] if len(value) == len(shape.cols) else None
    if not isinstance(value, dict) or not value.keys() >= shape.colset:
        return None
    return [change[1], change[5], *shape.pick(value)]


def _choose(candidates: dict[str, list], deleted: set, maps: _Maps) -> dict[str, list]:
    """Of the candidate rows per table, those that go in at once. Parents come before
    children in ``spec.TABLES``, so one pass in that order settles every link."""
    chosen: dict[str, list] = {}
    gids: dict[str, set] = {}
    for table in spec.TABLES:
        rows = candidates.get(table)
        if not rows:
            continue
        local = maps.local(table)
        clocked = maps.clocks(table)
        if local or clocked:
            rows = [r for r in rows if r[0] not in local and r[0] not in clocked]
        for i, ref in _SHAPES[table].required:
            k = i + 2
            here = maps.local(ref)
            coming = gids.get(ref, set())
            gone = {gid for t, gid in deleted if t == ref}
            rows = [
                r
                for r in rows
                if r[k] is None or r[k] in coming or (r[k] in here and r[k] not in gone)
            ]
        if rows:
            chosen[table] = rows
            gids[table] = {r[0] for r in rows}
    return chosen


def _bulk_rows(candidates: dict[str, list], deleted: set, maps: _Maps) -> dict[str, list]:
    """The rows that go in at once (``_choose``), or none when fewer than ``BULK_MIN`` would.
    Fewer candidates than that: none, without reading every global id and clock of their
    tables to choose (half a second at 100,000 contacts for a sync of 10 changes)."""
    if sum(len(rows) for rows in candidates.values()) < BULK_MIN:
        return {}
    chosen = _choose(candidates, deleted, maps)
    return chosen if sum(len(rows) for rows in chosen.values()) >= BULK_MIN else {}


def apply_changes(changes: list, applied: merge.Applied) -> None:
    """Apply ``changes`` (in the order they are to be applied) as one by one would, the
    new rows in bulk when there are enough of them."""
    maps = _Maps()
    seen: set = set()
    deleted: set = set()
    candidates: dict[str, list] = {}
    where: dict[tuple, int] = {}
    for pos, change in enumerate(changes):
        table, gid, op = change[0], change[1], change[2]
        if table not in _SHAPES:
            continue
        key = (table, gid)
        if op == "d":
            deleted.add(key)
        elif op == "i" and key not in seen:
            raw = _raw(change)
            if raw is not None:
                candidates.setdefault(table, []).append(raw)
                where[key] = pos
        seen.add(key)
    chosen = _bulk_rows(candidates, deleted, maps)
    if not chosen:
        for change in changes:
            merge.apply_change(as_change(change), applied)
        return
    skip = {where[(table, r[0])] for table, rows in chosen.items() for r in rows}
    _insert_all(chosen, {}, maps, applied)
    for change in (c for pos, c in enumerate(changes) if pos not in skip):
        merge.apply_change(as_change(change), applied)


def apply_snapshot(tables: dict, fields: list, tombstones: list, applied: merge.Applied) -> None:
    """A snapshot's rows ({table: {"columns", "rows": [[gid, clock, *values]]}}), then its
    field clocks ([table, gid, column, value, clock, base]), then its tombstones ([table,
    gid, clock]), as ``merge.apply_change`` would apply them in that order, new rows in
    bulk; a field edit of a row that goes in at once is written with it."""
    maps = _Maps()
    candidates = {}
    for table, part in tables.items():
        if table not in _SHAPES:
            continue
        if list(part["columns"]) == _SHAPES[table].cols:
            candidates[table] = part["rows"]
        else:  # written by a favorbook with other columns: by name
            candidates[table] = [
                raw
                for r in part["rows"]
                if (
                    raw := _raw(
                        [
                            table,
                            r[0],
                            "i",
                            None,
                            dict(zip(part["columns"], r[2:], strict=True)),
                            r[1],
                        ]
                    )
                )
                is not None
            ]
    deleted = {(t, gid) for t, gid, _ in tombstones}
    chosen = _bulk_rows(candidates, deleted, maps)
    overlay = not db.execute_sql(  # an edit may close an open conflict: those one by one
        "SELECT 1 FROM sync_conflict WHERE vault_gid IS NOT NULL AND resolved_at IS NULL LIMIT 1"
    ).fetchone()
    going = {t: {r[0] for r in rows} for t, rows in chosen.items()} if fields else {}
    edits: dict = {}
    rest = []
    for table in spec.TABLES:
        if table in candidates and len(chosen.get(table, ())) < len(candidates[table]):
            ids = {r[0] for r in chosen.get(table, ())}
            cols = _SHAPES[table].cols
            rest += [
                [table, r[0], "i", None, dict(zip(cols, r[2:], strict=True)), r[1], None]
                for r in candidates[table]
                if r[0] not in ids
            ]
    for table, gid, col, value, hlc, base in fields:
        if overlay and gid in going.get(table, ()):
            edits.setdefault((table, gid), []).append((col, value, hlc, base))
        else:
            rest.append([table, gid, "u", col, value, hlc, base])
    rest += [[t, gid, "d", None, None, hlc, None] for t, gid, hlc in tombstones]
    if chosen:
        _insert_all(chosen, edits, maps, applied)
    for change in rest:
        merge.apply_change(change, applied)


def _insert_all(chosen: dict, edits: dict, maps: _Maps, applied: merge.Applied) -> None:
    for table, rows in chosen.items():
        if _own_id(table):
            # Local ids before anything is written, so a link to a row that comes later in
            # the batch (an IOU settled by a later favor) is known at once.
            start = db.execute_sql(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            maps.local(table).update(
                zip((r[0] for r in rows), range(start + 1, 1 << 62), strict=False)
            )
    failed: set = set()
    inserted: dict = {}
    with _quiet(list(chosen), {t: len(rows) for t, rows in chosen.items()}):
        for table in spec.TABLES:
            if table in chosen:
                inserted[table] = _insert_table(table, chosen[table], edits, maps, applied, failed)
    applied.received += sum(len(rows) for rows in chosen.values())
    applied.received += sum(len(e) for e in edits.values())
    _mark_contact_sync(applied.contacts)
    rows = db.execute_sql("SELECT DISTINCT parent_tbl, parent_gid FROM vault_orphan").fetchall()
    for parent in rows:  # rows made elsewhere under one of these while it was away
        if parent[1] in inserted.get(parent[0], ()):
            merge.adopt(parent[0], parent[1], applied)


def _overlay(table: str, rows: list, edits: dict) -> None:
    """A snapshot's field edits written into the rows they belong to."""
    index = _SHAPES[table].index
    for n, r in enumerate(rows):
        mine = edits.get((table, r[0]))
        if mine:
            r = rows[n] = list(r)
            for col, value, _, _ in mine:
                if col in index:
                    r[index[col] + 2] = value


def _columns(table: str, rows: list, edits: dict, maps: _Maps, applied, later: list):
    """The rows a column at a time as this database stores them: (global ids, clocks,
    local keys, columns)."""
    shape = _SHAPES[table]
    if edits:
        _overlay(table, rows, edits)
    gids, hlcs, *columns = (list(c) for c in zip(*rows, strict=True))
    own = list(map(maps.local(table).__getitem__, gids)) if shape.own_id else None
    pending = []
    for i, ref, col in shape.fks:
        given = columns[i]
        found = list(map(maps.local(ref).get, given))
        if found.count(None) != given.count(None):  # some link to a row not here (yet)
            pending += [
                (n, col, v)
                for n, (v, f) in enumerate(zip(given, found, strict=True))
                if f is None and v is not None
            ]
        if ref == table and own:  # links within the batch, by row number
            later += [
                (n, f - own[0])
                for n, f in enumerate(found)
                if f is not None and 0 <= f - own[0] < len(own) and f - own[0] != n
            ]
        columns[i] = found
    for i in shape.blobs:
        columns[i] = [bytes.fromhex(v) if v is not None else None for v in columns[i]]
    if table == "contact_tag":
        keys = [f"{c}:{t}" for c, t in zip(columns[0], columns[1], strict=True)]
    else:
        keys = own if own is not None else columns[shape.index[spec.KEY_COLUMN[table]]]
    applied.pending_fks += [(table, keys[n], col, v) for n, col, v in pending]
    return gids, hlcs, keys, columns


def _parents_first(count: int, links: list) -> list[int]:
    """Row numbers in an order where the row a row links to (an IOU and the later favor that
    settled it) is written before it: with a link to a row not yet written, SQLite looks
    for the rows linking to every row written meanwhile (no index: a scan each)."""
    target = dict(links)
    placed = [False] * count
    order = []
    for n in range(count):
        chain, on_chain, m = [], set(), n
        while m is not None and not placed[m] and m not in on_chain:
            chain.append(m)
            on_chain.add(m)
            m = target.get(m)
        for m in reversed(chain):
            placed[m] = True
            order.append(m)
    return order


def _insert_table(table, rows, edits, maps, applied, failed) -> _Went:
    shape = _SHAPES[table]
    links: list = []
    gids, hlcs, keys, columns = _columns(table, rows, edits, maps, applied, links)
    names = [*shape.cols, *(["id"] if shape.own_id else [])]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    values = (
        list(zip(*columns, keys, strict=True)) if shape.own_id else list(zip(*columns, strict=True))
    )
    kept = range(len(values))
    try:
        db.execute_sql("SAVEPOINT vault_bulk")
        order = _parents_first(len(values), links) if links else range(len(values))
        db.cursor().executemany(sql, (values[n] for n in order))
        db.execute_sql("RELEASE vault_bulk")
    except TAKEN:  # a natural key taken by another row: these one by one
        db.execute_sql("ROLLBACK TO vault_bulk")
        db.execute_sql("RELEASE vault_bulk")
        kept = _one_by_one(table, sql, values, gids, keys, maps, applied, failed)
    ids = [(keys[n], gids[n]) for n in kept]
    if not shape.own_id:  # (local ids given in row order ascend already)
        ids.sort()
    db.cursor().executemany(
        f"INSERT OR REPLACE INTO vault_gid (tbl, lid, gid) VALUES ('{table}', ?, ?)", ids
    )
    del ids
    if edits:
        clocks = [(table, gids[n], "*", hlcs[n], None) for n in kept]
        for n in kept:
            clocks += [
                (table, gids[n], col, hlc, base)
                for col, _, hlc, base in edits.get((table, gids[n]), ())
                if col in shape.index
            ]
        clocks.sort(key=operator.itemgetter(1, 2))  # by global id and column
        sql = "INSERT OR REPLACE INTO vault_clock (tbl, gid, col, hlc, base) VALUES (?, ?, ?, ?, ?)"
    else:  # the inserts' clocks alone, by global id: the table and column written once in
        # the statement, two values bound per row instead of five
        clocks = sorted((gids[n], hlcs[n]) for n in kept)
        sql = (
            "INSERT OR REPLACE INTO vault_clock (tbl, gid, col, hlc, base) "
            f"VALUES ('{table}', ?, '*', ?, NULL)"
        )
    db.cursor().executemany(sql, clocks)
    if "contact_id" in shape.index:
        contact_ids = columns[shape.index["contact_id"]]
        applied.contacts.update(contact_ids[n] for n in kept)
    elif table == "contact":
        applied.contacts.update(keys[n] for n in kept)
    return _Went(gids, kept)


class _Went:
    """The global ids of a table's rows that went in (``in``), a set made when first asked."""

    def __init__(self, gids: list, kept):
        self.gids, self.kept, self.ids = gids, kept, None

    def __contains__(self, gid) -> bool:
        if self.ids is None:
            self.ids = {self.gids[n] for n in self.kept}
        return gid in self.ids


def _one_by_one(table, sql, values, gids, keys, maps, applied, failed) -> list:
    kept, lost = [], []
    for n, row in enumerate(values):
        db.execute_sql("SAVEPOINT vault_row")
        try:
            db.execute_sql(sql, row)
        except TAKEN as exc:
            db.execute_sql("ROLLBACK TO vault_row")
            applied.skipped.append(f"{table} {gids[n]}: {exc}")
            maps.local(table).pop(gids[n], None)
            failed.add((table, keys[n]))
            lost.append(keys[n])
        else:
            kept.append(n)
        db.execute_sql("RELEASE vault_row")
    for col, ref in spec.foreign_keys(table).items():
        if ref == table and lost:  # a link within the table to a row that is not there
            marks = ", ".join("?" * len(lost))
            db.execute_sql(f"UPDATE {table} SET {col} = NULL WHERE {col} IN ({marks})", lost)
    return kept


def _mark_contact_sync(contact_ids: set) -> None:
    """What the dropped triggers of the contact sync would have done: the cards of the
    contacts that got rows go up again."""
    if db.execute_sql("SELECT 1 FROM sync_item LIMIT 1").fetchone() is None:
        return
    ids = sorted(c for c in contact_ids if c is not None)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.execute_sql(
            f"UPDATE sync_item SET dirty = 1 WHERE dirty = 0 AND contact_id IN "
            f"({', '.join('?' * len(chunk))})",
            chunk,
        )


@contextlib.contextmanager
def without_gc():
    """Python's cycle collector off meanwhile (as it was, after). A join makes tens of
    millions of lists and strings (a snapshot decoded, its rows turned into columns), none
    in a cycle: the collector went over all of them again each time the heap grew by a
    quarter, a sixth of a 100,000-contact join's time. Reference counting frees them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


GID_INDEX = "vault_gid_gid"
GID_INDEX_SQL = "CREATE UNIQUE INDEX vault_gid_gid ON vault_gid(tbl, gid)"
"""The global ids' index by global id (migration 0011): dropped while more rows arrive in
bulk than ``vault_gid`` holds, made again after in one sort (a third of its inserts' time
went into placing random global ids one by one). The rows going in at once have global
ids this device does not hold, each once, so nothing is replaced meanwhile."""


def _fewer(table: str, than: int) -> bool:
    """``table`` holds fewer rows than ``than`` (counting no further)."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)"
    return db.execute_sql(sql, (than,)).fetchone()[0] < than


@contextlib.contextmanager
def _quiet(tables: list[str], arriving: dict[str, int]):
    """The tables' own triggers dropped and the vault's off while rows go in; a table that
    holds fewer rows than arrive without its plain indexes. All back at the end, and what
    the triggers keep recounted from the rows. Inside the caller's transaction: a failure
    leaves the schema as it was."""
    from favorbook.services import contact_store

    marks = ", ".join("?" * len(tables))
    found = db.execute_sql(
        f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        f" AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    small = {t for t in tables if _fewer(t, arriving[t])}
    dropped = [
        (kind, name, sql)
        for kind, name, table, sql in found
        if (kind == "trigger" and not name.startswith("vault_"))
        or (kind == "index" and table in small and not sql.upper().startswith("CREATE UNIQUE"))
    ]
    if _fewer("vault_gid", sum(arriving.values())):  # looked up by global id again after
        dropped.append(("index", GID_INDEX, GID_INDEX_SQL))
    for kind, name, _ in dropped:
        db.execute_sql(f'DROP {kind.upper()} "{name}"')
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = {-CACHE_KIB}")
    enabled = db.execute_sql("SELECT enabled FROM vault_flag").fetchone()[0]
    db.execute_sql("UPDATE vault_flag SET enabled = 0")
    db.execute_sql("PRAGMA defer_foreign_keys = ON")
    try:
        yield
    finally:
        db.execute_sql("UPDATE vault_flag SET enabled = ?", (enabled,))
        db.execute_sql(f"PRAGMA cache_size = {cache}")
    for kind in ("index", "trigger"):
        for k, _, sql in dropped:
            if k == kind:
                db.execute_sql(sql)
    contact_store.recount_derived()
