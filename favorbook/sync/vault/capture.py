"""This device's side: turning the vault on, the hybrid logical clock, and sealing the
changes the triggers of migration 0011 logged into numbered batches.

A change's clock is stamped when it is sealed (the trigger keeps the wall time it was
made): ``max(wall time, newest clock seen)`` in milliseconds, a counter within the same
millisecond, and the device id breaking ties, so clocks only grow and every change made
after another device's arrived sorts after it. A field change also carries the clock of
the value it replaced (its base): the receiving device compares it with its own to tell
an edit made after seeing its value from a concurrent one (a conflict).
"""

from __future__ import annotations

import json
import secrets
import socket
import zlib

from favorbook.db.models import db
from favorbook.sync.vault import spec

BATCH_CHANGES = 5000
"""Changes per sealed object at most (a first sync of a big network spans several)."""


def state() -> dict | None:
    row = db.execute_sql(
        "SELECT device_id, device_name, folder, next_seq, hlc_ms, hlc_count, joined_at, "
        "backed_up_at, last_sync_at, last_result FROM vault_state WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    keys = [
        "device_id",
        "device_name",
        "folder",
        "next_seq",
        "hlc_ms",
        "hlc_count",
        "joined_at",
        "backed_up_at",
        "last_sync_at",
        "last_result",
    ]
    return dict(zip(keys, row, strict=True))


def enabled() -> bool:
    return bool(db.execute_sql("SELECT enabled FROM vault_flag").fetchone()[0])


def enable(folder: str, device_name: str | None = None) -> dict:
    """Turn the vault on (through ``folder``); the first time, every row this device holds
    gets its global id and is logged as a change, so it travels with the first sync."""
    with db.atomic():
        if state() is None:
            db.execute_sql(
                "INSERT INTO vault_state (id, device_id, device_name) VALUES (1, ?, ?)",
                (secrets.token_hex(8), device_name or socket.gethostname() or "this device"),
            )
        db.execute_sql("UPDATE vault_state SET folder = ? WHERE id = 1", (folder,))
        if not enabled():
            _log_everything()
            db.execute_sql("UPDATE vault_flag SET enabled = 1, applying = 0")
    return state()


def _log_everything() -> None:
    for table in spec.TABLES:
        where = spec.row_filter(table, "r")
        db.execute_sql(
            f"INSERT OR IGNORE INTO vault_gid (tbl, lid, gid) "
            f"SELECT '{table}', {spec.key_sql(table, 'r')}, {spec.gid_sql(table, 'r')} "
            f"FROM {table} r WHERE {where}"
        )
    for table in spec.TABLES:
        where = spec.row_filter(table, "r")
        db.execute_sql(
            f"INSERT INTO vault_change (tbl, gid, op, col, value, at) "
            f"SELECT '{table}', g.gid, 'i', NULL, {spec.row_json_sql(table, 'r')}, "
            f"CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) "
            f"FROM {table} r JOIN vault_gid g ON g.tbl = '{table}' "
            f"AND g.lid = {spec.key_sql(table, 'r')} WHERE {where}"
        )


# --- the clock ------------------------------------------------------------------------


def format_hlc(ms: int, count: int, device: str) -> str:
    return f"{ms:013d}.{count:05d}.{device}"


def parse_hlc(hlc: str) -> tuple[int, int]:
    ms, count, _ = hlc.split(".", 2)
    return int(ms), int(count)


class Clock:
    """The device's hybrid logical clock, read from and saved to ``vault_state``."""

    def __init__(self, st: dict):
        self.device = st["device_id"]
        self.ms = st["hlc_ms"]
        self.count = st["hlc_count"]

    def tick(self, wall_ms: int) -> str:
        if wall_ms > self.ms:
            self.ms, self.count = wall_ms, 0
        else:
            self.count += 1
        return format_hlc(self.ms, self.count, self.device)

    def seen(self, hlc: str) -> None:
        ms, count = parse_hlc(hlc)
        if ms > self.ms or (ms == self.ms and count > self.count):
            self.ms, self.count = ms, count

    def save(self) -> None:
        db.execute_sql(
            "UPDATE vault_state SET hlc_ms = ?, hlc_count = ? WHERE id = 1", (self.ms, self.count)
        )


# --- field clocks -----------------------------------------------------------------------


def clock_of(table: str, gid: str, col: str) -> tuple[str, str | None] | None:
    row = db.execute_sql(
        "SELECT hlc, base FROM vault_clock WHERE tbl = ? AND gid = ? AND col = ?",
        (table, gid, col),
    ).fetchone()
    return (row[0], row[1]) if row else None


def field_clock(table: str, gid: str, col: str) -> tuple[str, str | None] | None:
    """The clock of a field's value: its own, else its row's insert."""
    return clock_of(table, gid, col) or clock_of(table, gid, "*")


def set_clock(table: str, gid: str, col: str, hlc: str, base: str | None = None) -> None:
    db.execute_sql(
        "INSERT OR REPLACE INTO vault_clock (tbl, gid, col, hlc, base) VALUES (?, ?, ?, ?, ?)",
        (table, gid, col, hlc, base),
    )


def clear_clocks(table: str, gid: str, keep: str) -> None:
    db.execute_sql(
        "DELETE FROM vault_clock WHERE tbl = ? AND gid = ? AND col != ?", (table, gid, keep)
    )


# --- sealing --------------------------------------------------------------------------


class _Clocks:
    """The field clocks of the rows a seal touches, read once, changed in memory, written
    back at the end with two executemany (a first sync seals millions of changes)."""

    def __init__(self):
        self.known: dict[tuple, dict] = {}
        for tbl, gid, col, hlc, base in db.execute_sql(
            # the logged rows first (CROSS JOIN keeps that order): a look-up each
            "SELECT c.tbl, c.gid, c.col, c.hlc, c.base FROM "
            "(SELECT DISTINCT tbl, gid FROM vault_change) v CROSS JOIN vault_clock c "
            "ON c.tbl = v.tbl AND c.gid = v.gid"
        ):
            self.known.setdefault((tbl, gid), {})[col] = (hlc, base)
        self.stored = set(self.known)  # rows with clocks in the database
        self.touched: set = set()

    def get(self, table: str, gid: str, col: str):
        return self.known.get((table, gid), {}).get(col)

    def field(self, table: str, gid: str, col: str):
        row = self.known.get((table, gid), {})
        return row.get(col) or row.get("*")

    def set(self, table: str, gid: str, col: str, hlc: str, base=None, only=False) -> None:
        key = (table, gid)
        if only:
            self.known[key] = {}
        self.known.setdefault(key, {})[col] = (hlc, base)
        self.touched.add(key)

    def save(self) -> None:
        gone = sorted(self.touched & self.stored)
        db.cursor().executemany("DELETE FROM vault_clock WHERE tbl = ? AND gid = ?", gone)
        rows = sorted(
            (tbl, gid, col, hlc, base)
            for tbl, gid in self.touched
            for col, (hlc, base) in self.known[(tbl, gid)].items()
        )
        db.cursor().executemany(
            "INSERT OR REPLACE INTO vault_clock (tbl, gid, col, hlc, base) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def _fill_foreign_keys(inserts: list[tuple[str, str, dict]]) -> None:
    """An insert logged before its parent (undo restores rows in any order under deferred
    foreign keys) names the parent as null: read those links again from the rows as they
    are now, 500 rows a query."""
    wanted: dict[str, list] = {}
    for table, gid, values in inserts:
        if any(values.get(c) is None for c in spec.foreign_keys(table)):
            wanted.setdefault(table, []).append((gid, values))
    for table, items in wanted.items():
        fks = list(spec.foreign_keys(table))
        picks = ", ".join(spec.value_sql(table, c, "r") for c in fks)
        for start in range(0, len(items), 500):
            chunk = dict(items[start : start + 500])
            found = db.execute_sql(
                f"SELECT g.gid, {picks} FROM vault_gid g JOIN {table} r "
                f"ON {spec.key_sql(table, 'r')} = g.lid WHERE g.tbl = '{table}' "
                f"AND g.gid IN ({', '.join('?' * len(chunk))})",
                list(chunk),
            )
            for gid, *now in found:
                values = chunk[gid]
                for col, value in zip(fks, now, strict=True):
                    if values.get(col) is None:
                        values[col] = value


def pending_count() -> int:
    return db.execute_sql("SELECT count(*) FROM vault_change").fetchone()[0]


def _stamp(rows: list, clock: Clock, clocks: _Clocks) -> list:
    """The logged rows as changes with their clocks (and the field clocks moved on)."""
    changes = []
    for _, table, gid, op, col, value, at in rows:
        if gid is None or table not in spec.SPEC:
            continue
        if op == "i" and clocks.get(table, gid, "*") is not None:
            # The row was there already (INSERT OR REPLACE of a setting): its fields
            # travel as edits, each with the value it replaced as its base.
            for col_name, new_value in value.items():
                if col_name == spec.KEY_COLUMN.get(table):
                    continue  # what names the row never changes
                hlc = clock.tick(at)
                before = clocks.field(table, gid, col_name)
                base = before[0] if before else None
                clocks.set(table, gid, col_name, hlc, base)
                changes.append([table, gid, "u", col_name, new_value, hlc, base])
            continue
        hlc = clock.tick(at)
        base = None
        if op == "i":
            data = value
            clocks.set(table, gid, "*", hlc, only=True)
        elif op == "u":
            data = value[0]
            before = clocks.field(table, gid, col)
            base = before[0] if before else None
            clocks.set(table, gid, col, hlc, base)
        else:
            data = None
            clocks.set(table, gid, "-", hlc, only=True)
        changes.append([table, gid, op, col, data, hlc, base])
    return changes


def seal_pending(vault_key: bytes) -> int:
    """Stamp every logged change, seal them into numbered objects kept in the outbox, and
    empty the log, in one transaction; returns the number of changes sealed."""
    from favorbook.sync.vault import crypto

    sealed = 0
    with db.atomic():
        st = state()
        clock = Clock(st)
        rows = [
            (seq, tbl, gid, op, col, json.loads(value) if value is not None else None, at)
            for seq, tbl, gid, op, col, value, at in db.execute_sql(
                "SELECT seq, tbl, gid, op, col, value, at FROM vault_change ORDER BY seq"
            )
        ]
        if not rows:
            return 0
        _fill_foreign_keys([(r[1], r[2], r[5]) for r in rows if r[3] == "i" and r[1] in spec.SPEC])
        clocks = _Clocks()
        changes = _stamp(rows, clock, clocks)
        clocks.save()
        seq = st["next_seq"]
        for start in range(0, len(changes), BATCH_CHANGES):
            part = changes[start : start + BATCH_CHANGES]
            payload = zlib.compress(
                json.dumps(
                    {
                        "device": st["device_id"],
                        "name": st["device_name"],
                        "seq": seq,
                        "changes": part,
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode("utf-8")
            )
            blob = crypto.seal(vault_key, st["device_id"], "log", seq, payload)
            db.execute_sql(
                "INSERT INTO vault_outbox (name, data) VALUES (?, ?)", (log_name(seq), blob)
            )
            seq += 1
            sealed += len(part)
        db.execute_sql("DELETE FROM vault_change WHERE seq <= ?", (rows[-1][0],))
        db.execute_sql("UPDATE vault_state SET next_seq = ? WHERE id = 1", (seq,))
        clock.save()
    return sealed


def log_name(seq: int) -> str:
    return f"{seq:010d}"


def unpack(payload: bytes) -> dict:
    return json.loads(zlib.decompress(payload).decode("utf-8"))
