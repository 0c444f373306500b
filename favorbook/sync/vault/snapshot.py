"""Snapshots: the whole network as one device holds it, so a new device joins from the
newest snapshot plus the logs after it instead of replaying every log from the start.

A snapshot is one sealed object in its device's folder, named ``S`` and the number of
that device's last log object it covers (kind ``snap2`` in its associated data; ``snap``
for format 1). Inside: every synced row with its insert's clock (per table, its columns
named once), every field's own clock, every tombstone, and how far its device had read
each other device's log. A new device applies it in bulk (``bulk``). Logs are never removed, so a
snapshot only saves time: a device that cannot read one replays the logs instead.
"""

from __future__ import annotations

import json
import zlib

from favorbook.db.models import db
from favorbook.sync.vault import bulk, capture, crypto, merge, spec

EVERY = 50
"""Log objects of its own a device writes between two snapshots."""


def name(seq: int) -> str:
    return f"S{seq:010d}"


FORMAT = 2
"""Snapshots written now: rows by table, columns named once (kind ``snap2``). Format 1 (one
change per row, kind ``snap``) is still read."""


CHUNK = 20_000
"""Rows encoded and compressed at a time while a snapshot is written (memory stays flat)."""


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _table_rows(table: str):
    cols = spec.columns(table)
    values = ", ".join(spec.value_sql(table, c, "r") for c in cols)
    return db.execute_sql(
        f"SELECT g.gid, c.hlc, {values} FROM {table} r "
        f"CROSS JOIN vault_gid g ON g.tbl = '{table}' AND g.lid = {spec.key_sql(table, 'r')} "
        f"CROSS JOIN vault_clock c ON c.tbl = g.tbl AND c.gid = g.gid AND c.col = '*' "
        f"WHERE {spec.row_filter(table, 'r')}"
    )  # a row logged but not sealed yet has no clock: it travels in the log. The rows
    # in order, each one's id and clock looked up (CROSS JOIN keeps that order: started
    # from the clocks, a link table's key, an expression, was a scan per row)


def _fields() -> list:
    fields = []
    for table, col in db.execute_sql(
        "SELECT DISTINCT tbl, col FROM vault_clock WHERE col NOT IN ('*', '-')"
    ).fetchall():
        if table not in spec.SPEC or col not in spec.columns(table):
            continue
        fields += [
            [table, gid, col, value, hlc, base]
            for gid, hlc, base, value in db.execute_sql(
                f"SELECT c.gid, c.hlc, c.base, {spec.value_sql(table, col, 'r')} "
                f"FROM vault_clock c JOIN vault_gid g ON g.tbl = c.tbl AND g.gid = c.gid "
                f"JOIN {table} r ON {spec.key_sql(table, 'r')} = g.lid "
                f"WHERE c.tbl = ? AND c.col = ?",
                (table, col),
            )
        ]
    return fields


def build(st: dict) -> tuple[int, bytes]:
    """(the last log number it covers, the compressed JSON of the network as this device
    holds it): per table the columns once and every row as its global id, its insert's
    clock and its values (links as global ids); every field's own clock with its value;
    every tombstone. Written a chunk of rows at a time into the compressor, so a network
    of millions of rows never sits in memory whole."""
    positions = dict(db.execute_sql("SELECT device_id, last_seq FROM vault_peer").fetchall())
    covers = st["next_seq"] - 1
    positions[st["device_id"]] = covers
    head = {
        "format": FORMAT,
        "device": st["device_id"],
        "name": st["device_name"],
        "seq": covers,
        "positions": positions,
    }
    out = zlib.compressobj(LEVEL)
    parts = [out.compress(_dumps(head)[:-1].encode("utf-8") + b',"tables":{')]
    for n, table in enumerate(spec.TABLES):
        text = ("," if n else "") + f'"{table}":{{"columns":{_dumps(spec.columns(table))},"rows":['
        parts.append(out.compress(text.encode("utf-8")))
        cursor = _table_rows(table)
        first = True
        while rows := cursor.fetchmany(CHUNK):
            text = _dumps(rows)[1:-1]
            parts.append(out.compress((("" if first else ",") + text).encode("utf-8")))
            first = False
        parts.append(out.compress(b"]}"))
    tombstones = [
        list(row) for row in db.execute_sql("SELECT tbl, gid, hlc FROM vault_clock WHERE col = '-'")
    ]
    tail = f'}},"fields":{_dumps(_fields())},"tombstones":{_dumps(tombstones)}}}'
    parts += [out.compress(tail.encode("utf-8")), out.flush()]
    return covers, b"".join(parts)


LEVEL = 6
"""zlib's level for a snapshot."""


def seal(vault_key: bytes, device: str, seq: int, payload: bytes) -> bytes:
    return crypto.seal(vault_key, device, "snap2", seq, payload)


def due(store, st: dict) -> bool:
    covers = st["next_seq"] - 1
    if covers < 1:
        return False
    taken = store.snapshots(st["device_id"])
    return covers - (taken[-1] if taken else 0) >= EVERY


def newest(store, vault_key: bytes, me: str) -> tuple[dict | None, list[str]]:
    """The snapshot covering the most changes among the other devices' newest ones."""
    best, problems = None, []
    for device in store.devices():
        if device == me:
            continue
        taken = store.snapshots(device)
        if not taken:
            continue
        data = store.get_snapshot(device, taken[-1]) or b""
        payload = crypto.open_sealed(vault_key, device, "snap2", taken[-1], data)
        if payload is None:
            payload = crypto.open_sealed(vault_key, device, "snap", taken[-1], data)
        if payload is None:
            problems.append(
                f"Snapshot {taken[-1]} of device {device} in {store.place} was altered or "
                "replaced; favorbook refused it and reads that device's log instead."
            )
            continue
        snap = json.loads(zlib.decompress(payload).decode("utf-8"))
        if snap.get("device") != device or snap.get("seq") != taken[-1]:
            continue
        if best is None or sum(snap["positions"].values()) > sum(best["positions"].values()):
            best = snap
    return best, problems


ORDER = {table: i for i, table in enumerate(spec.TABLES)}


def apply(snap: dict, applied: merge.Applied, me: str) -> None:
    """Inside the caller's applying transaction: rows parents first, then field clocks,
    then tombstones (new rows in bulk); read positions move to what the snapshot had read."""
    if "tables" in snap:
        bulk.apply_snapshot(snap["tables"], snap["fields"], snap["tombstones"], applied)
        clocks = [r[1] for part in snap["tables"].values() for r in part["rows"]]
        clocks += [f[4] for f in snap["fields"]] + [t[2] for t in snap["tombstones"]]
    else:  # format 1: one change per row
        rank = {"i": 0, "u": 1, "d": 2}
        todo = sorted(snap["changes"], key=lambda c: (rank[c[2]], ORDER.get(c[0], 99)))
        bulk.apply_changes(todo, applied)
        clocks = [c[5] for c in todo]
    for device, seq in snap["positions"].items():
        if device == me:
            continue
        db.execute_sql(
            "INSERT INTO vault_peer (device_id, last_seq) VALUES (?, ?) ON CONFLICT (device_id) "
            "DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            (device, seq),
        )
    db.execute_sql(
        "UPDATE vault_peer SET device_name = ? WHERE device_id = ? AND device_name = ''",
        (snap.get("name", ""), snap["device"]),
    )
    if clocks:
        capture_clock = capture.Clock(capture.state())
        capture_clock.seen(max(clocks))  # fixed width: the newest sorts last
        capture_clock.save()
