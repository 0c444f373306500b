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


def _fill_foreign_keys(table: str, gid: str, values: dict) -> dict:
    """An insert logged before its parent (undo restores rows in any order under deferred
    foreign keys) names the parent as null: read it again from the row as it is now."""
    fks = spec.foreign_keys(table)
    if not any(values.get(c) is None for c in fks):
        return values
    lid = db.execute_sql(
        "SELECT lid FROM vault_gid WHERE tbl = ? AND gid = ?", (table, gid)
    ).fetchone()
    if lid is None:
        return values
    now = db.execute_sql(
        f"SELECT {spec.row_json_sql(table, 'r')} FROM {table} r "
        f"WHERE {spec.key_sql(table, 'r')} = ?",
        (lid[0],),
    ).fetchone()
    if now is None:
        return values
    current = json.loads(now[0])
    return {**values, **{c: current.get(c) for c in fks if values.get(c) is None}}


def pending_count() -> int:
    return db.execute_sql("SELECT count(*) FROM vault_change").fetchone()[0]


def seal_pending(vault_key: bytes) -> int:
    """Stamp every logged change, seal them into numbered objects kept in the outbox, and
    empty the log, in one transaction; returns the number of changes sealed."""
    from favorbook.sync.vault import crypto

    sealed = 0
    with db.atomic():
        st = state()
        clock = Clock(st)
        rows = db.execute_sql(
            "SELECT seq, tbl, gid, op, col, value, at FROM vault_change ORDER BY seq"
        ).fetchall()
        if not rows:
            return 0
        changes = []
        for _, table, gid, op, col, value, at in rows:
            if gid is None or table not in spec.SPEC:
                continue
            if op == "i" and clock_of(table, gid, "*") is not None:
                # The row was there already (INSERT OR REPLACE of a setting): its fields
                # travel as edits, each with the value it replaced as its base.
                values = _fill_foreign_keys(table, gid, json.loads(value))
                for col_name, new_value in values.items():
                    if col_name == spec.KEY_COLUMN.get(table):
                        continue  # what names the row never changes
                    hlc = clock.tick(at)
                    before = field_clock(table, gid, col_name)
                    set_clock(table, gid, col_name, hlc, before[0] if before else None)
                    changes.append(
                        [table, gid, "u", col_name, new_value, hlc, before[0] if before else None]
                    )
                continue
            hlc = clock.tick(at)
            base = None
            if op == "i":
                data = _fill_foreign_keys(table, gid, json.loads(value))
                set_clock(table, gid, "*", hlc)
                clear_clocks(table, gid, "*")
            elif op == "u":
                data = json.loads(value)[0]
                before = field_clock(table, gid, col)
                base = before[0] if before else None
                set_clock(table, gid, col, hlc, base)
            else:
                data = None
                set_clock(table, gid, "-", hlc)
                clear_clocks(table, gid, "-")
            changes.append([table, gid, op, col, data, hlc, base])
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
