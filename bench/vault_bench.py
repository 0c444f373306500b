"""The sync between the rep's devices at scale: the ``vault`` part of ``make bench``.

    python bench/vault_bench.py [--contacts 100000] [--repeats 5]

``run(data, work, figures)`` takes the bench network's data folder ``data`` and, through a
folder and then through an account on a local Radicale (``sync_bench.radicale``):

- prepares (once, kept in ``work`` while the network is the same) a device A holding that
  network with the sync turned on and its first sync done, so the folder (``work/folder``)
  or the server (``work/radicale``) holds A's log and a snapshot: "vault: turn on + first
  sync" is that time, when it was made;
- joins a new, empty device B to it: "vault: join N contacts, folder" / "..., Radicale"
  (the passphrase given, the account added, the backup, reading the snapshot, applying
  it, the derived figures and the search index), target <= 60 s at 100,000. The join
  runs in a process of its own, which also reports its peak RSS;
- changes 10 contacts on A and syncs A ("vault: sync of 10 changes, sending"), then syncs
  B ("... receiving"), ``repeats`` times each; target <= 1 s;
- "vault: stored objects" (the folder's size) and "vault: stored on the server" (the
  files of Radicale's collection, and how many entries), per 100,000 contacts.

Argon2id runs at its real cost (the join derives the key once).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

PASSPHRASE = "bench passphrase"
ACCOUNT = "bench"


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


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _size_mib(folder: Path, pattern: str = "*") -> float:
    return round(sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file()) / 2**20, 1)


def folder_size(folder: Path) -> dict:
    """What the sync folder holds: MiB, of it the snapshots', and how many files."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {
        "mib": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "snap_mib": _size_mib(folder, "S*"),
        "objects": len(files),
    }


def server_size(work: Path) -> dict:
    """What Radicale's folders of the vault's collections hold: MiB of the entries, of it
    the snapshots', how many entries (and collections), and MiB of Radicale's own cache
    beside them."""
    folders = _collections(work)
    entries = [p for folder in folders for p in folder.glob("*.ics")]
    snaps = [p for p in entries if p.name.startswith("S") or "-S" in p.name]
    return {
        "mib": round(sum(p.stat().st_size for p in entries) / 2**20, 1),
        "snap_mib": round(sum(p.stat().st_size for p in snaps) / 2**20, 1),
        "objects": len(entries),
        "collections": len(folders),
        "cache_mib": round(sum(_size_mib(f / ".Radicale.cache") for f in folders), 1),
    }


def _stamp(data: Path) -> dict:
    source = json.loads((data / "meta.json").read_text()) if (data / "meta.json").exists() else {}
    return {"source": source, "db_size": (data / "favorbook.db").stat().st_size}


def _turn_on(data: Path, a_dir: Path, turn_on, log) -> dict:
    """A copy of the network in ``a_dir``, ``turn_on()`` (the sync on) and its first sync."""
    from favorbook.services import session
    from favorbook.sync.vault import capture, engine

    shutil.rmtree(a_dir, ignore_errors=True)
    a_dir.mkdir(parents=True)
    shutil.copy(data / "favorbook.db", a_dir / "favorbook.db")
    session.open_data(a_dir)
    try:
        t0 = time.perf_counter()
        turn_on()
        t1 = time.perf_counter()
        report = engine.sync(PASSPHRASE)
        t2 = time.perf_counter()
        device = capture.state()["device_id"]
    finally:
        session.close()
    if report.errors:
        raise RuntimeError(f"first sync: {report.errors[:3]}")
    log(f"  turned on in {t1 - t0:.1f} s, first sync {t2 - t1:.1f} s (load {_load()})")
    return {
        "turn_on_s": round(t1 - t0, 1),
        "first_sync_s": round(t2 - t1, 1),
        "changes_sent": report.changes_sent,
        "load": _load(),
        "device": device,
    }


def prepare(data: Path, work: Path, log=print) -> dict:
    """Device A (the network, the sync on through a folder, first sync done) and the
    folder, made once."""
    from favorbook.sync.vault import engine

    meta_path = work / "meta.json"
    stamp = _stamp(data)
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == stamp:
            log(f"Reusing {work} (device A with the sync on).")
            return meta
    log(f"Turning the sync on for a copy of {data} …")
    shutil.rmtree(work, ignore_errors=True)
    (work / "folder").mkdir(parents=True)
    folder = str(work / "folder")
    meta = {
        "stamp": stamp,
        **_turn_on(
            data,
            work / "A",
            lambda: engine.turn_on_folder(folder, PASSPHRASE, device_name="bench A"),
            log,
        ),
        "stored": folder_size(work / "folder"),
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return meta


# --- through an account on a local Radicale ---------------------------------------------


def _collection(work: Path) -> Path:
    """Radicale's folder of the vault's collection (the key, the older layout's entries)."""
    from favorbook.sync.vault.davstore import COLLECTION

    return work / "radicale" / "collections" / "collection-root" / ACCOUNT / COLLECTION


def _collections(work: Path) -> list[Path]:
    """Radicale's folders of every collection of the vault (each device's own beside it)."""
    home = _collection(work).parent
    return sorted(p for p in home.glob(_collection(work).name + "*") if p.is_dir())


def _snapshots_on_server(work: Path, device: str) -> int:
    """How many snapshots of ``device`` the server lists (either layout)."""
    own = _collection(work).parent / f"{_collection(work).name}-{device}"
    return len(list(own.glob("S??????????.ics"))) + len(
        list(_collection(work).glob(f"{device}-S??????????.ics"))
    )


def _dav_meta(data: Path, work: Path, log) -> dict | None:
    """The kept device A of the account (and its server's collections), when still that of
    this network; otherwise both are removed. An earlier run's B's entries are removed from
    the collection (Radicale is not running yet): a join must not read them."""
    meta_path = work / "dav-meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == _stamp(data):
            keep = (f"{meta['device']}-", "vault-key")
            for entry in _collection(work).glob("*.ics"):
                if not entry.name.startswith(keep):
                    entry.unlink()
            for folder in _collections(work):
                if folder != _collection(work) and meta["device"] not in folder.name:
                    shutil.rmtree(folder)
            log(f"Reusing {work / 'A-dav'} (device A with the sync on through Radicale).")
            return meta
    shutil.rmtree(work / "radicale", ignore_errors=True)
    shutil.rmtree(work / "A-dav", ignore_errors=True)
    meta_path.unlink(missing_ok=True)
    return None


def _repoint(a_dir: Path, new: str) -> None:
    """Device A's account and vault binding moved to the server's address of this run (a
    new free port each time)."""
    from favorbook.sync.store import VAULT_ACCOUNT_SETTING

    con = sqlite3.connect(a_dir / "favorbook.db")
    try:
        (old,) = con.execute("SELECT url FROM sync_account WHERE name = ?", (ACCOUNT,)).fetchone()
        with con:
            con.execute(
                "UPDATE sync_account SET url = replace(url, ?1, ?2), "
                "addressbook_url = replace(addressbook_url, ?1, ?2), "
                "calendar_url = replace(calendar_url, ?1, ?2)",
                (old, new),
            )
            con.execute(
                "UPDATE setting SET value = replace(value, ?1, ?2) WHERE key = ?3",
                (old, new, VAULT_ACCOUNT_SETTING),
            )
    finally:
        con.close()


def prepare_dav(data: Path, work: Path, url: str, meta: dict | None, log=print) -> dict:
    """Device A with the sync on through the account on the Radicale at ``url``, first sync
    done; made once (``meta``: the kept one, pointed at ``url`` now)."""
    from favorbook.sync import accounts
    from favorbook.sync.vault import engine

    if meta is not None:
        _repoint(work / "A-dav", url)
        meta["url"] = url
        return meta
    log(f"Turning the sync on through Radicale for a copy of {data} …")

    def turn_on():
        from sync_bench import PASSWORD, USER  # type: ignore[import-not-found]

        accounts.add_account(url, USER, PASSWORD, name=ACCOUNT)
        engine.turn_on_account(ACCOUNT, PASSPHRASE, device_name="bench A")

    meta = {"stamp": _stamp(data), "url": url, **_turn_on(data, work / "A-dav", turn_on, log)}
    meta["stored"] = server_size(work)
    (work / "dav-meta.json").write_text(json.dumps(meta, indent=2))
    return meta


# --- measuring ----------------------------------------------------------------------------


def join_here(b_dir: Path, folder: str | None = None, url: str | None = None) -> dict:
    """A new, empty device in ``b_dir`` joins through ``folder`` or the account at ``url``
    (this process): seconds, changes received, problems, peak RSS."""
    from favorbook.services import session
    from favorbook.sync.vault import engine

    t0 = time.perf_counter()
    session.open_data(b_dir)
    try:
        if url is not None:
            from sync_bench import PASSWORD, USER  # type: ignore[import-not-found]

            from favorbook.sync import accounts

            accounts.add_account(url, USER, PASSWORD, name=ACCOUNT)
            engine.turn_on_account(ACCOUNT, PASSPHRASE, device_name="bench B")
        else:
            engine.turn_on_folder(folder, PASSPHRASE, device_name="bench B")
        report = engine.sync(PASSPHRASE)
    finally:
        session.close()
    return {
        "seconds": time.perf_counter() - t0,
        "changes_received": report.changes_received,
        "errors": report.errors,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _join(b_dir: Path, *, folder: Path | None = None, url: str | None = None) -> dict:
    """``join_here`` in a process of its own (its peak RSS is the join's alone)."""
    shutil.rmtree(b_dir, ignore_errors=True)
    b_dir.mkdir(parents=True)
    args = [sys.executable, str(Path(__file__).resolve()), "--join", str(b_dir)]
    args += ["--folder", str(folder)] if folder is not None else ["--url", url]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"join: {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"join: {result['errors'][:3]}")
    return result


def _join_figure(figures: dict, name: str, result: dict, log) -> None:
    joined = result["seconds"]
    log(f"  joined in {joined:.1f} s, peak RSS {result['rss_mb']:,} MB (load {_load()})")
    figures[name] = {
        **_figure([joined], "s"),
        "target": "<= 60 s",
        "pass": joined <= 60,
        "rss_mb": result["rss_mb"],
        "note": f"{result['changes_received']:,} changes received; "
        f"peak RSS of the joining process {result['rss_mb']:,} MB",
    }


def _ten_changes(a_dir: Path, b_dir: Path, repeats: int, snapshots) -> tuple[list, list, list]:
    """Seconds of A's sync after 10 contacts changed there, and of B's sync receiving them;
    and of A's syncs that also wrote a snapshot (every ``snapshot.EVERY`` objects of its
    own), apart: ``snapshots()`` counts A's in the storage."""
    from favorbook.db.models import Contact
    from favorbook.services import contacts as contact_service
    from favorbook.services import session
    from favorbook.sync.vault import engine

    sending, receiving, snapshotting = [], [], []
    for r in range(repeats):
        session.open_data(a_dir)
        try:
            ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id).limit(10)]
            for cid in ids:
                detail = contact_service.get_contact(cid).to_input()
                detail.title = f"Bench {r} {time.time_ns()}"
                contact_service.update_contact(cid, detail)
            taken = snapshots()
            t0 = time.perf_counter()
            sent = engine.sync(PASSPHRASE)
            (sending if snapshots() == taken else snapshotting).append(time.perf_counter() - t0)
        finally:
            session.close()
        session.open_data(b_dir)
        try:
            t0 = time.perf_counter()
            got = engine.sync(PASSPHRASE)
            receiving.append(time.perf_counter() - t0)
        finally:
            session.close()
        if sent.changes_sent < 10 or got.changes_received < 10 or sent.errors or got.errors:
            raise RuntimeError(f"10 changes: sent {sent}, received {got}")
    return sending, receiving, snapshotting


def _ten_figures(figures: dict, where: str, sending: list, receiving: list, snapshotting):
    for name, samples in (("sending", sending), ("receiving", receiving)):
        if samples:
            figures[f"vault: sync of 10 changes, {name}{where}"] = {
                **_figure(samples),
                "target": "<= 1 s",
                "pass": _p95(samples) <= 1,
            }
    if snapshotting:
        figures[f"vault: sync of 10 changes writing a snapshot{where}"] = {
            **_figure(snapshotting, "s"),
            "note": "a sending sync that also wrote the network's snapshot (once every "
            "50 objects of a device's own)",
        }


def _turn_on_figure(figures: dict, name: str, meta: dict) -> None:
    figures[name] = {
        **_figure([meta["turn_on_s"] + meta["first_sync_s"]], "s"),
        "load": meta["load"],
        "note": f"turn on {meta['turn_on_s']} s, first sync {meta['first_sync_s']} s, "
        f"{meta['changes_sent']:,} changes (when device A was made)",
    }


def run_folder(data: Path, work: Path, figures: dict, *, contacts: int, repeats: int, log):
    from favorbook.services import session
    from favorbook.sync.vault import engine

    meta = prepare(data, work, log)
    n = f"{contacts:,}"
    _turn_on_figure(figures, "vault: turn on + first sync", meta)
    folder = work / "folder"
    for extra in (p for p in folder.iterdir() if p.is_dir() and p.name != meta["device"]):
        shutil.rmtree(extra)  # an earlier run's B: joining must not read it
    log(f"vault: joining {n} contacts through a folder …")
    _join_figure(
        figures, f"vault: join {n} contacts, folder", _join(work / "B", folder=folder), log
    )
    session.open_data(work / "A")
    try:  # the folder where it is now (the bench folder may have moved)
        engine.turn_on_folder(str(folder), PASSPHRASE, device_name="bench A")
    finally:
        session.close()
    snapshots = lambda: len(list((folder / meta["device"]).glob("S*")))  # noqa: E731
    _ten_figures(figures, "", *_ten_changes(work / "A", work / "B", repeats, snapshots))
    size = meta.get("stored") or folder_size(folder)
    figures["vault: stored objects"] = {
        **_figure([size["mib"] * 100_000 / contacts], "MiB"),
        "note": f"{size['mib']} MiB in {size['objects']:,} files ({size['snap_mib']} MiB of it "
        f"the snapshot) in the folder for {n} contacts after the first sync; per 100,000 "
        "contacts",
    }


def run_dav(data: Path, work: Path, figures: dict, *, contacts: int, repeats: int, log):
    import sync_bench  # type: ignore[import-not-found]

    n = f"{contacts:,}"
    kept = _dav_meta(data, work, log)
    with sync_bench.radicale(work / "radicale") as url:
        meta = prepare_dav(data, work, url, kept, log)
        _turn_on_figure(figures, "vault: turn on + first sync, Radicale", meta)
        log(f"vault: joining {n} contacts through Radicale …")
        result = _join(work / "B-dav", url=url)
        _join_figure(figures, f"vault: join {n} contacts, Radicale", result, log)
        snapshots = lambda: _snapshots_on_server(work, meta["device"])  # noqa: E731
        _ten_figures(
            figures,
            ", Radicale",
            *_ten_changes(work / "A-dav", work / "B-dav", repeats, snapshots),
        )
    size = meta.get("stored") or server_size(work)
    figures["vault: stored on the server"] = {
        **_figure([size["mib"] * 100_000 / contacts], "MiB"),
        "entries": size["objects"],
        "note": f"{size['mib']} MiB in {size['objects']:,} entries of "
        f"{size.get('collections', 1)} collections ({size['snap_mib']} MiB of "
        f"it the snapshot) on Radicale for {n} contacts after the first sync, "
        f"per 100,000 contacts; Radicale's own cache beside them: {size['cache_mib']} MiB",
    }


def run(data: Path, work: Path, figures: dict, *, contacts: int, repeats: int = 5, log=print):
    """Measure; each figure goes into ``figures`` as it comes (with the load it ran at)."""
    saved = {
        k: os.environ.get(k) for k in ("FAVORBOOK_VAULT_PASSPHRASE", "FAVORBOOK_SYNC_PASSWORD")
    }
    bench = str(Path(__file__).resolve().parent)
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from sync_bench import PASSWORD  # type: ignore[import-not-found]

    os.environ["FAVORBOOK_VAULT_PASSPHRASE"] = PASSPHRASE
    os.environ["FAVORBOOK_SYNC_PASSWORD"] = PASSWORD
    try:
        run_folder(data, work, figures, contacts=contacts, repeats=repeats, log=log)
        run_dav(data, work, figures, contacts=contacts, repeats=repeats, log=log)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--join", help=argparse.SUPPRESS)  # one join, in this process
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.join:
        print(json.dumps(join_here(Path(args.join), folder=args.folder, url=args.url)))
        return 0
    bench = Path(__file__).resolve().parent
    figures: dict = {}
    run(
        bench / ".data" / f"network-{args.contacts}",
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
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
