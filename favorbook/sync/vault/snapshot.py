"""Snapshots: the whole network as one device holds it, so a new device joins from the
newest snapshot plus the logs after it instead of replaying every log from the start.

A snapshot is one sealed object in its device's folder, named ``S`` and the number of
that device's last log object it covers (kind ``snap`` in its associated data). Inside:
every synced row as an insert with its clock, every field's own clock, every tombstone,
and how far its device had read each other device's log. Logs are never removed, so a
snapshot only saves time: a device that cannot read one replays the logs instead.
"""

from __future__ import annotations

import json
import zlib

from favorbook.db.models import db
from favorbook.sync.vault import capture, crypto, merge, spec

EVERY = 50
"""Log objects of its own a device writes between two snapshots."""


def name(seq: int) -> str:
    return f"S{seq:010d}"


def build(st: dict) -> dict:
    changes = []
    for table in spec.TABLES:
        rows = db.execute_sql(
            f"SELECT g.gid, {spec.row_json_sql(table, 'r')}, c.hlc FROM {table} r "
            f"JOIN vault_gid g ON g.tbl = '{table}' AND g.lid = {spec.key_sql(table, 'r')} "
            f"LEFT JOIN vault_clock c ON c.tbl = g.tbl AND c.gid = g.gid AND c.col = '*' "
            f"WHERE {spec.row_filter(table, 'r')}"
        )
        for gid, data, hlc in rows:
            if hlc is not None:  # logged but not sealed yet: it travels in the log
                changes.append([table, gid, "i", None, json.loads(data), hlc, None])
    fields = db.execute_sql(
        "SELECT tbl, gid, col, hlc, base FROM vault_clock WHERE col NOT IN ('*', '-')"
    ).fetchall()
    for table, gid, col, hlc, base in fields:
        lid = merge.local_id(table, gid)
        if lid is not None:
            value = merge.stored_value(table, lid, col)
            changes.append([table, gid, "u", col, value, hlc, base])
    for table, gid, hlc in db.execute_sql(
        "SELECT tbl, gid, hlc FROM vault_clock WHERE col = '-'"
    ).fetchall():
        changes.append([table, gid, "d", None, None, hlc, None])
    positions = dict(db.execute_sql("SELECT device_id, last_seq FROM vault_peer").fetchall())
    covers = st["next_seq"] - 1
    positions[st["device_id"]] = covers
    return {
        "device": st["device_id"],
        "name": st["device_name"],
        "seq": covers,
        "positions": positions,
        "changes": changes,
    }


def seal(vault_key: bytes, snap: dict) -> bytes:
    payload = zlib.compress(
        json.dumps(snap, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    )
    return crypto.seal(vault_key, snap["device"], "snap", snap["seq"], payload)


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
        data = store.get_snapshot(device, taken[-1])
        payload = crypto.open_sealed(vault_key, device, "snap", taken[-1], data or b"")
        if payload is None:
            problems.append(
                f"Snapshot {taken[-1]} of device {device} in the sync folder was altered or "
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
    then tombstones; read positions move to what the snapshot had read."""
    rank = {"i": 0, "u": 1, "d": 2}
    for change in sorted(snap["changes"], key=lambda c: (rank[c[2]], ORDER.get(c[0], 99))):
        merge.apply_change(change, applied)
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
    capture_clock = capture.Clock(capture.state())
    for change in snap["changes"]:
        capture_clock.seen(change[5])
    capture_clock.save()
