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

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field

from favorbook.db.models import db
from favorbook.services._common import utc_now
from favorbook.services.terms import counted
from favorbook.sync.vault import bulk, capture, crypto, merge, snapshot, transport
from favorbook.sync.vault import passphrase as vault_passphrase
from favorbook.sync.vault.crypto import VaultError
from favorbook.sync.vault.folder import FolderStore
from favorbook.sync.vault.transport import Transport


@dataclass
class VaultReport:
    changes_sent: int = 0
    changes_received: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{counted(self.changes_sent, 'change')} sent",
            f"{self.changes_received} received",
        ]
        if self.conflicts:
            parts.append(counted(self.conflicts, "conflict"))
        if self.errors:
            parts.append(counted(len(self.errors), "problem"))
        return ", ".join(parts)


def is_on() -> bool:
    """The device sync is on: changes are logged and there is a folder or account to use."""
    return capture.enabled() and transport.location(capture.state()) is not None


def _vault_key(store: Transport, passphrase: str, create: bool = False) -> bytes:
    data = store.read_key()
    if data is None:
        if not create:
            raise VaultError(
                f"{store.place[:1].upper()}{store.place[1:]} ({store.where()}) has no vault "
                "key; turn the sync on again on a device that still has it."
                if store.place != FolderStore.place
                else f"The sync folder {store.where()} has no vault key file (vault.key); "
                "copy it back from another device's sync folder."
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
    store = FolderStore(path)
    store.check()
    return _turn_on(store, passphrase, device_name, folder=str(path))


def turn_on_account(
    name: str,
    passphrase: str | None = None,
    device_name: str | None = None,
    password: str | None = None,
):
    """Sync the whole database through the account ``name``: a collection of its own
    (``favorbook-vault``) on its server, found or made; otherwise as ``turn_on_folder``."""
    from favorbook.sync import accounts
    from favorbook.sync.vault import davstore

    row = accounts.account_row(name)
    client = accounts.client_for(row, password)
    try:
        url = davstore.find_or_create(client, row)
    except BaseException:
        client.close()
        raise
    store = davstore.DavStore(client, url, row.name)
    try:
        store.check()
        return _turn_on(store, passphrase, device_name, account=(row.name, url))
    finally:
        store.close()


def _turn_on(
    store: Transport,
    passphrase: str | None,
    device_name: str | None,
    *,
    folder: str | None = None,
    account: tuple[str, str] | None = None,
):
    from favorbook.services import backup

    before = capture.state()
    passphrase = passphrase or vault_passphrase.require()
    if before is not None:
        new = {"folder": folder} if folder else {"account": account[0], "url": account[1]}
        was = transport.location(before)
        if was is not None and was != new:  # the vault moves with it, from where it was
            _move(before, store, passphrase)
        mine = store.names(before["device_id"])
        if (mine[-1] if mine else 0) < _last_written(before):
            # Its numbers would go on past a gap there, which the others wait at forever.
            raise VaultError(
                f"This device already sent changes through another folder or account; "
                f"{store.where()} does not hold them all. Turn the sync on there again "
                "first, then choose the new place (favorbook copies the vault over), or "
                "retire this device and join with an empty database."
            )
    _vault_key(store, passphrase, create=True)
    vault_passphrase.store(passphrase)
    if before is None or before["backed_up_at"] is None:
        backup.backup_now()
    capture.enable(folder, device_name)
    transport.bind_account(*(account or (None,)))
    with db.atomic():
        db.execute_sql(
            "UPDATE vault_state SET backed_up_at = coalesce(backed_up_at, ?), "
            "joined_at = coalesce(joined_at, ?) WHERE id = 1",
            (utc_now().isoformat(" "), utc_now().isoformat(" ")),
        )
    return capture.state()


def _move(before: dict, store: Transport, passphrase: str) -> None:
    from favorbook.sync.vault import move

    old = transport.open_transport(before)
    try:
        old.check()
        move.copy_vault(old, store, passphrase)
    finally:
        old.close()


def _last_written(st: dict) -> int:
    """The number of this device's last object written to the storage (0: none yet; the
    sealed ones still waiting in the outbox don't count)."""
    waiting = db.execute_sql("SELECT min(name) FROM vault_outbox").fetchone()[0]
    return (int(waiting) if waiting is not None else st["next_seq"]) - 1


def turn_off() -> None:
    """Stop syncing with the other devices (the changes made here are still logged, and
    go out when the sync is turned on again for the same folder or account)."""
    if capture.state() is None:
        return
    with db.atomic():
        db.execute_sql("UPDATE vault_state SET folder = NULL WHERE id = 1")
        transport.bind_account(None)


def change_passphrase(old: str, new: str) -> None:
    """Wrap the vault key with ``new``; nothing already stored is encrypted again."""
    store = transport.open_transport(capture.state())
    if store is None:
        raise VaultError("The sync between your devices is not on; there is no passphrase.")
    try:
        store.check()
        key = _vault_key(store, old)
        store.write_key(crypto.wrap(key, new))
    finally:
        store.close()
    vault_passphrase.store(new)


def _flush_outbox(store: Transport, device: str) -> None:
    for name, data in db.execute_sql("SELECT name, data FROM vault_outbox ORDER BY name"):
        existing = store.get(device, int(name))
        if existing is not None and existing != bytes(data):
            raise VaultError(
                f"{store.place[:1].upper()}{store.place[1:]} already holds change {int(name)} of "
                "this device with other "
                "content: this database is older than what it sent (restored from a backup?). "
                "Retire this device and join again with an empty database."
            )
        if existing is None:  # (there already: written before a sync was stopped)
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
        f"Changes {top + 1} to {last} of device {device} are missing from {store.place} "
        "(still being copied, or removed: it may have been restored from an older copy); "
        "what is there was applied, the rest is waited for."
    ]


def _peer_positions() -> dict[str, int]:
    return dict(db.execute_sql("SELECT device_id, last_seq FROM vault_peer").fetchall())


def sync(passphrase: str | None = None, allow_mass_delete: bool = False) -> VaultReport | None:
    """Exchange changes with the other devices; None when the vault is off.

    SyncGuardTripped, before applying anything, when the other devices' changes would
    delete more than a fifth (and more than 5) of the contacts here: ask, then call again
    with ``allow_mass_delete``."""
    st = capture.state()
    if st is None or not capture.enabled():
        return None
    store = transport.open_transport(st)
    if store is None:
        return None
    try:
        with bulk.without_gc():
            return _sync(store, st, passphrase, allow_mass_delete)
    finally:
        store.close()


def _sync(store: Transport, st: dict, passphrase: str | None, allow_mass_delete: bool):
    report = VaultReport()
    store.check()
    key = _vault_key(store, passphrase or vault_passphrase.require())
    me = st["device_id"]
    known = _peer_positions()
    store.begin(me, known, joining=not known and _empty())

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
        store.prefetch(device, available)
        for number in available:
            if number != seq + 1:
                report.errors.append(
                    f"Change {seq + 1} of device {device} is missing from {store.place} "
                    "(still being copied, or removed); its later changes wait for it."
                )
                break
            data = store.get(device, number)
            if data is None:
                report.errors.append(
                    f"Change {number} of device {device} is missing from {store.place} "
                    "(still being copied, or removed); its later changes wait for it."
                )
                break
            payload = crypto.open_sealed(key, device, "log", number, data)
            if payload is None:
                report.errors.append(
                    f"Object {number} of device {device} in {store.place} was altered, "
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
    from favorbook.sync.collection import GUARD_MIN, too_many_removed

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
    if too_many_removed(here, total):
        raise SyncGuardTripped(
            f"Your other devices deleted {here} of the {total} contacts here. Nothing was "
            "changed on this device. Sync again and allow it if that is what you want.",
            reason="mass_delete",
            count=here,
            total=total,
        )


def _empty() -> bool:
    return db.execute_sql("SELECT count(*) FROM contact").fetchone()[0] == 0


def _join_from_snapshot(store: Transport, key: bytes, me: str, report: VaultReport) -> int:
    """A device with an empty database starts from the newest snapshot of another one."""
    snap, problems = snapshot.newest(store, key, me)
    report.errors.extend(problems)
    if snap is None:
        return 0
    applied = merge.Applied()
    with _rollback_journal(), db.atomic():
        db.execute_sql("UPDATE vault_flag SET applying = 1")
        snapshot.apply(snap, applied, me)
        merge.finish(applied)
        db.execute_sql("UPDATE vault_flag SET applying = 0")
    return applied.received


@contextlib.contextmanager
def _rollback_journal():
    """A rollback journal instead of the write-ahead log while a snapshot goes into the
    empty database (the WAL back after): the new pages are written once, into the
    database, instead of into the log and copied over at the checkpoint (880 MB twice at
    100,000 contacts). A stop halfway rolls back as with the log. When another connection
    holds the database (the window's), the log stays."""
    import peewee

    switched = False
    try:
        if db.execute_sql("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            mode = db.execute_sql("PRAGMA journal_mode = DELETE").fetchone()[0]
            switched = mode.lower() == "delete"
    except peewee.OperationalError:
        pass
    try:
        yield
    finally:
        if switched:  # (should that fail, the next start of favorbook puts the WAL back)
            with contextlib.suppress(peewee.OperationalError):
                db.execute_sql("PRAGMA journal_mode = WAL")


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


def peers() -> list[dict]:
    """The other devices seen, with the last change received from each."""
    return [
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


def devices() -> dict:
    """This device and the others seen, with the last change received from each."""
    st = capture.state()
    if st is None:
        return {"this_device": None, "devices": []}
    return {
        "this_device": {
            "id": st["device_id"],
            "name": st["device_name"],
            "folder": st["folder"],
            "account": (transport.account_binding() or {}).get("account")
            if not st["folder"]
            else None,
            "sync_on": is_on(),
            "last_sync_at": st["last_sync_at"],
        },
        "devices": peers(),
    }
