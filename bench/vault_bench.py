"""The sync between the rep's devices at scale: the ``vault`` part of ``make bench``.

    python bench/vault_bench.py [--contacts 100000] [--repeats 5]

``run(data, work, figures)`` takes the bench network's data folder ``data`` and:

- prepares (once, kept in ``work`` while the network is the same) a device A holding that
  network with the sync turned on through a folder and its first sync done, so the folder
  holds A's log and a snapshot: "vault: turn on + first sync" is that time, when it was made;
- joins a new, empty device B to that folder: "vault: join N contacts, folder" (the
  passphrase given, the backup, reading the snapshot, applying it, the derived figures
  and the search index), target <= 60 s at 100,000;
- changes 10 contacts on A and syncs A ("vault: sync of 10 changes, sending"), then syncs
  B ("... receiving"), ``repeats`` times each; target <= 1 s;
- "vault: stored objects": the folder's size (MiB) and the snapshot's, per the network.

Argon2id runs at its real cost (the join derives the key once). Through a folder only:
the DAV transport of the vault is not on this branch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

PASSPHRASE = "bench passphrase"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered) + 0.999) - 1)]


def _figure(samples_s: list[float], unit: str = "ms", **extra) -> dict:
    scale = 1000 if unit == "ms" else 1
    return {
        "median": round(statistics.median(samples_s) * scale, 1),
        "p95": round(_p95(samples_s) * scale, 1),
        "runs": len(samples_s),
        "unit": unit,
        **extra,
    }


def _size_mib(folder: Path, pattern: str = "*") -> float:
    return round(sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file()) / 2**20, 1)


def prepare(data: Path, work: Path, log=print) -> dict:
    """Device A (the network, the sync on, first sync done) and the folder, made once."""
    from favorbook.services import session
    from favorbook.sync.vault import engine

    meta_path = work / "meta.json"
    source = json.loads((data / "meta.json").read_text()) if (data / "meta.json").exists() else {}
    stamp = {"source": source, "db_size": (data / "favorbook.db").stat().st_size}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == stamp:
            log(f"Reusing {work} (device A with the sync on).")
            return meta
    log(f"Turning the sync on for a copy of {data} …")
    shutil.rmtree(work, ignore_errors=True)
    (work / "folder").mkdir(parents=True)
    (work / "A").mkdir()
    shutil.copy(data / "favorbook.db", work / "A" / "favorbook.db")
    session.open_data(work / "A")
    try:
        t0 = time.perf_counter()
        engine.turn_on_folder(str(work / "folder"), PASSPHRASE, device_name="bench A")
        t1 = time.perf_counter()
        report = engine.sync(PASSPHRASE)
        t2 = time.perf_counter()
    finally:
        session.close()
    meta = {
        "stamp": stamp,
        "turn_on_s": round(t1 - t0, 1),
        "first_sync_s": round(t2 - t1, 1),
        "changes_sent": report.changes_sent,
        "load": round(os.getloadavg()[0], 2),
        "device": next(p.name for p in (work / "folder").iterdir() if p.is_dir()),
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return meta


def run(data: Path, work: Path, figures: dict, *, contacts: int, repeats: int = 5, log=print):
    """Measure; each figure goes into ``figures`` as it comes (with the load it ran at)."""
    from favorbook.db.models import Contact
    from favorbook.services import contacts as contact_service
    from favorbook.services import session
    from favorbook.sync.vault import engine

    old = os.environ.get("FAVORBOOK_VAULT_PASSPHRASE")
    os.environ["FAVORBOOK_VAULT_PASSPHRASE"] = PASSPHRASE
    try:
        meta = prepare(data, work, log)
        n = f"{contacts:,}"
        figures["vault: turn on + first sync"] = {
            **_figure([meta["turn_on_s"] + meta["first_sync_s"]], "s"),
            "load": meta["load"],
            "note": f"turn on {meta['turn_on_s']} s, first sync {meta['first_sync_s']} s, "
            f"{meta['changes_sent']:,} changes (when device A was made)",
        }
        folder = work / "folder"
        b_dir = work / "B"
        shutil.rmtree(b_dir, ignore_errors=True)
        for extra in (p for p in folder.iterdir() if p.is_dir() and p.name != meta["device"]):
            shutil.rmtree(extra)  # an earlier run's B: joining must not read it
        log(f"vault: joining {n} contacts through a folder …")
        b_dir.mkdir()
        t0 = time.perf_counter()
        session.open_data(b_dir)
        try:
            engine.turn_on_folder(str(folder), PASSPHRASE, device_name="bench B")
            report = engine.sync(PASSPHRASE)
        finally:
            session.close()
        joined = time.perf_counter() - t0
        if report.errors:
            raise RuntimeError(f"join: {report.errors[:3]}")
        log(f"  joined in {joined:.1f} s (load {os.getloadavg()[0]:.2f})")
        figures[f"vault: join {n} contacts, folder"] = {
            **_figure([joined], "s"),
            "target": "<= 60 s",
            "pass": joined <= 60,
            "note": f"{report.changes_received:,} changes received",
        }
        session.open_data(work / "A")
        try:  # the folder where it is now (the bench folder may have moved)
            engine.turn_on_folder(str(folder), PASSPHRASE, device_name="bench A")
        finally:
            session.close()
        sending, receiving = [], []
        for r in range(repeats):
            session.open_data(work / "A")
            try:
                ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id).limit(10)]
                for cid in ids:
                    detail = contact_service.get_contact(cid).to_input()
                    detail.title = f"Bench {r} {time.time_ns()}"
                    contact_service.update_contact(cid, detail)
                t0 = time.perf_counter()
                sent = engine.sync(PASSPHRASE)
                sending.append(time.perf_counter() - t0)
            finally:
                session.close()
            session.open_data(b_dir)
            try:
                t0 = time.perf_counter()
                got = engine.sync(PASSPHRASE)
                receiving.append(time.perf_counter() - t0)
            finally:
                session.close()
            if sent.changes_sent < 10 or got.changes_received < 10:
                raise RuntimeError(f"10 changes: sent {sent}, received {got}")
        for name, samples in (("sending", sending), ("receiving", receiving)):
            figures[f"vault: sync of 10 changes, {name}"] = {
                **_figure(samples),
                "target": "<= 1 s",
                "pass": _p95(samples) <= 1,
            }
        total, snap = _size_mib(folder), _size_mib(folder, "S*")
        per = 100_000 / contacts
        figures["vault: stored objects"] = {
            **_figure([total * per], "MiB"),
            "note": f"{total} MiB in the folder ({snap} MiB of it the snapshot) for {n} "
            "contacts; per 100,000 contacts",
        }
    finally:
        if old is None:
            os.environ.pop("FAVORBOOK_VAULT_PASSPHRASE", None)
        else:
            os.environ["FAVORBOOK_VAULT_PASSPHRASE"] = old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    bench = Path(__file__).resolve().parent
    data = bench / ".data" / f"network-{args.contacts}"
    figures: dict = {}
    run(
        data,
        bench / ".data" / f"vault-{args.contacts}",
        figures,
        contacts=args.contacts,
        repeats=args.repeats,
    )
    for name, figure in figures.items():
        print(f"{name}: {figure}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
