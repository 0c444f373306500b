"""One whole-database sync with the rep's other devices, and turning it on.

A sync: (1) seal this device's logged changes into numbered objects, kept in the
database's outbox in the same transaction that empties the log; (2) write the outbox to
the storage, each object once (a sync stopped here writes the same bytes next time);
(3) read every other device's objects after the last one applied, in number order, stop
at a gap or at an object that fails its check, and apply them all in clock order in one
transaction that also moves the read positions forward. A sync killed at any point
leaves either the old state or the new one, never half: nothing lost, nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from favorbook.db.models import db
from favorbook.services._common import utc_now
from favorbook.sync.vault import bulk, capture, crypto, merge, snapshot
from favorbook.sync.vault import passphrase as vault_passphrase
from favorbook.sync.vault.crypto import VaultError
from favorbook.sync.vault.folder import FolderStore


@dataclass
class VaultReport:
    changes_sent: int = 0
    changes_received: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.changes_sent} changes sent", f"{self.changes_received} received"]
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        if self.errors:
            parts.append(f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}")
        return ", ".join(parts)


def is_on() -> bool:
    return capture.enabled()


def _vault_key(store: FolderStore, passphrase: str, create: bool = False) -> bytes:
    data = store.read_key()
    if data is None:
        if not create:
            raise VaultError(
                f"The sync folder {store.where()} has no vault key file (vault.key); copy it "
                "back from another device's sync folder."
            )
        key, data = crypto.new_key_file(passphrase)
        store.write_key(data)
        return key
    return crypto.unwrap(data, passphrase, store.where())


def turn_on_folder(path: str, passphrase: str | None = None, device_name: str | None = None):
    """Sync the whole database through the folder ``path`` from now on.

    The passphrase (argument, else ``FAVORBOOK_VAULT_PASSPHRASE``, else the keyring) must
    open the folder's vault, or makes a new one in an empty folder; it is then kept in the
    keyring. A backup of the database is made first, the first time.
    """
    from favorbook.services import backup

    store = FolderStore(path)
    store.check()
    passphrase = passphrase or vault_passphrase.require()
    _vault_key(store, passphrase, create=True)
    vault_passphrase.store(passphrase)
    before = capture.state()
    if before is None or before["backed_up_at"] is None:
        backup.backup_now()
    st = capture.enable(str(path), device_name)
    with db.atomic():
        db.execute_sql(
            "UPDATE vault_state SET backed_up_at = coalesce(backed_up_at, ?), "
            "joined_at = coalesce(joined_at, ?) WHERE id = 1",
            (utc_now().isoformat(" "), utc_now().isoformat(" ")),
        )
    return st


def change_passphrase(old: str, new: str) -> None:
    """Wrap the vault key with ``new``; nothing already stored is encrypted again."""
    st = capture.state()
    if st is None or not st["folder"]:
        raise VaultError("The sync between your devices is not on; there is no passphrase.")
    store = FolderStore(st["folder"])
    store.check()
    key = _vault_key(store, old)
    store.write_key(crypto.wrap(key, new))
    vault_passphrase.store(new)


def _flush_outbox(store: FolderStore, device: str) -> None:
    for name, data in db.execute_sql("SELECT name, data FROM vault_outbox ORDER BY name"):
        existing = store.get(device, int(name))
        if existing is not None and existing != bytes(data):
            raise VaultError(
                f"The sync folder already holds change {int(name)} of this device with other "
                "content: this database is older than what it sent (restored from a backup?). "
                "Retire this device and join again with an empty database."
            )
        store.put(device, name, bytes(data))
        with db.atomic():
            db.execute_sql("DELETE FROM vault_outbox WHERE name = ?", (name,))


HEAD = "HEAD"
"""A device's sealed note of the last object it wrote (kind ``head``): the others tell a
folder that lost that device's newest objects from one that has them all."""


def _write_head(store: FolderStore, key: bytes, me: str) -> None:
    last = capture.state()["next_seq"] - 1
    if last < 1:
        return
    payload = json.dumps({"device": me, "last": last}).encode()
    data = store.get_head(me) if hasattr(store, "get_head") else None
    if data is not None and crypto.open_sealed(key, me, "head", 0, data) == payload:
        return
    store.put(me, HEAD, crypto.seal(key, me, "head", 0, payload))


def _truncated(store, key: bytes, device: str, seq: int, stored: list[int]) -> list[str]:
    """A device's newest objects gone from the folder (rolled back, truncated): what this
    device already read of it, or what its head says it wrote, is not all there."""
    top = stored[-1] if stored else 0
    last = seq
    data = store.get_head(device) if hasattr(store, "get_head") else None
    payload = crypto.open_sealed(key, device, "head", 0, data) if data else None
    if payload is not None:
        head = json.loads(payload)
        if head.get("device") == device:
            last = max(last, int(head.get("last", 0)))
    if top >= last:
        return []
    return [
        f"Changes {top + 1} to {last} of device {device} are missing from the sync folder "
        "(still being copied, or removed: the folder may have been restored from an older "
        "copy); what is there was applied, the rest is waited for."
    ]


def _peer_positions() -> dict[str, int]:
    return dict(db.execute_sql("SELECT device_id, last_seq FROM vault_peer").fetchall())


def sync(passphrase: str | None = None, allow_mass_delete: bool = False) -> VaultReport | None:
    """Exchange changes with the other devices; None when the vault is off.

    SyncGuardTripped, before applying anything, when the other devices' changes would
    delete more than a fifth (and more than 5) of the contacts here: ask, then call again
    with ``allow_mass_delete``."""
    st = capture.state()
    if st is None or not capture.enabled() or not st["folder"]:
        return None
    report = VaultReport()
    store = FolderStore(st["folder"])
    store.check()
    key = _vault_key(store, passphrase or vault_passphrase.require())
    me = st["device_id"]

    report.changes_sent = capture.seal_pending(key)
    _flush_outbox(store, me)
    _write_head(store, key, me)

    if not _peer_positions() and _empty():
        report.changes_received += _join_from_snapshot(store, key, me, report)
    positions = _peer_positions()
    arrived: list[tuple[str, int, dict]] = []
    for device in store.devices():
        if device == me:
            continue
        seq = positions.get(device, 0)
        stored = store.names(device)
        report.errors += _truncated(store, key, device, seq, stored)
        available = [n for n in stored if n > seq]
        for number in available:
            if number != seq + 1:
                report.errors.append(
                    f"Change {seq + 1} of device {device} is missing from the sync folder "
                    "(still being copied, or removed); its later changes wait for it."
                )
                break
            data = store.get(device, number)
            payload = crypto.open_sealed(key, device, "log", number, data or b"")
            if payload is None:
                report.errors.append(
                    f"Object {number} of device {device} in the sync folder was altered, "
                    "renamed or replayed; favorbook refused it and applies nothing of that "
                    "device from there on."
                )
                break
            batch = capture.unpack(payload)
            if batch.get("device") != device or batch.get("seq") != number:
                report.errors.append(f"Object {number} of device {device} is not what it says.")
                break
            arrived.append((device, number, batch))
            seq = number
    if arrived:
        if not allow_mass_delete:
            _guard(arrived)
        received, report.conflicts = _apply(arrived)
        report.changes_received += received
    st = capture.state()
    if snapshot.due(store, st):
        seq, payload = snapshot.build(st)
        store.put(me, snapshot.name(seq), snapshot.seal(key, me, seq, payload))
    with db.atomic():
        db.execute_sql(
            "UPDATE vault_state SET last_sync_at = ?, last_result = ? WHERE id = 1",
            (utc_now().isoformat(" "), json.dumps({**report.__dict__})),
        )
    return report


def _guard(arrived: list[tuple[str, int, dict]]) -> None:
    """The contact sync's guard against mass deletion, for deletes from other devices."""
    from favorbook.errors import SyncGuardTripped
    from favorbook.sync.contacts import GUARD_MIN, GUARD_SHARE

    gids = {
        c[1]
        for _, _, batch in arrived
        for c in batch["changes"]
        if c[0] == "contact" and c[2] == "d"
    }
    if len(gids) <= GUARD_MIN:
        return
    total = db.execute_sql("SELECT count(*) FROM contact").fetchone()[0]
    here = 0
    for gid in gids:
        here += bool(merge.local_id("contact", gid) is not None)
    if here > GUARD_MIN and here > GUARD_SHARE * total:
        raise SyncGuardTripped(
            f"Your other devices deleted {here} of the {total} contacts here. Nothing was "
            "changed on this device. Sync again and allow it if that is what you want.",
            reason="mass_delete",
            count=here,
            total=total,
        )


def _empty() -> bool:
    return db.execute_sql("SELECT count(*) FROM contact").fetchone()[0] == 0


def _join_from_snapshot(store: FolderStore, key: bytes, me: str, report: VaultReport) -> int:
    """A device with an empty database starts from the newest snapshot of another one."""
    snap, problems = snapshot.newest(store, key, me)
    report.errors.extend(problems)
    if snap is None:
        return 0
    applied = merge.Applied()
    with db.atomic():
        db.execute_sql("UPDATE vault_flag SET applying = 1")
        snapshot.apply(snap, applied, me)
        merge.finish(applied)
        db.execute_sql("UPDATE vault_flag SET applying = 0")
    return applied.received


def _apply(arrived: list[tuple[str, int, dict]]) -> tuple[int, int]:
    changes = [change for _, _, batch in arrived for change in batch["changes"]]
    changes.sort(key=lambda c: c[5])  # clock order: cause before effect, on every device
    applied = merge.Applied()
    with db.atomic():
        db.execute_sql("UPDATE vault_flag SET applying = 1")
        clock = capture.Clock(capture.state())
        if changes:
            clock.seen(changes[-1][5])  # the newest: cause before effect, on every device
        bulk.apply_changes(changes, applied)
        merge.finish(applied)
        clock.save()
        now = utc_now().isoformat(" ")
        for device, number, batch in arrived:
            last = batch["changes"][-1][5] if batch["changes"] else ""
            db.execute_sql(
                "INSERT INTO vault_peer (device_id, device_name, last_seq, last_hlc, "
                "last_received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE "
                "SET device_name = excluded.device_name, last_seq = excluded.last_seq, "
                "last_hlc = max(last_hlc, excluded.last_hlc), "
                "last_received_at = excluded.last_received_at",
                (device, batch.get("name", ""), number, last, now),
            )
        db.execute_sql("UPDATE vault_flag SET applying = 0")
    return applied.received, applied.conflicts


def _hlc_time(hlc: str) -> str | None:
    if not hlc:
        return None
    ms, _ = capture.parse_hlc(hlc)
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")


def devices() -> dict:
    """This device and the others seen, with the last change received from each."""
    st = capture.state()
    if st is None:
        return {"this_device": None, "devices": []}
    others = [
        {
            "id": device_id,
            "name": name,
            "objects_read": last_seq,
            "last_change_at": _hlc_time(last_hlc),
            "last_received_at": received,
        }
        for device_id, name, last_seq, last_hlc, received in db.execute_sql(
            "SELECT device_id, device_name, last_seq, last_hlc, last_received_at "
            "FROM vault_peer ORDER BY device_name, device_id"
        )
    ]
    return {
        "this_device": {
            "id": st["device_id"],
            "name": st["device_name"],
            "folder": st["folder"],
            "sync_on": capture.enabled(),
            "last_sync_at": st["last_sync_at"],
        },
        "devices": others,
    }
