"""Sync timings against a local Radicale: the sync part of ``make bench``.

    python bench/sync_bench.py [--cards 1000] [--repeats 5]

``run(results)`` starts Radicale (a subprocess on a free 127.0.0.1 port, in a temporary
folder, its log in a file there), fills a fresh data folder with the sample network, adds an
account, and measures, in seconds:

- ``sync_first_<n>_s``: the first sync of the whole network (cards and tasks, with the
  backup favorbook takes before an account's first sync), once;
- ``sync_noop_median_s`` / ``sync_noop_p95_s``: a sync with nothing to do;
- ``sync_10_changes_median_s`` / ``sync_10_changes_p95_s``: a sync after 10 contacts changed.

It adds those keys (and the counts behind them) to ``results`` and returns it. Radicale is
stopped by its process id at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER = "bench"
PASSWORD = "bench-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_radicale(folder: Path) -> tuple[subprocess.Popen, str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    port = _free_port()
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
        "htpasswd_encryption = plain\ndelay = 0\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[web]\ntype = none\n[logging]\nlevel = warning\n"
    )
    log_path = folder / "radicale.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"Radicale exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, url, log_path
        except OSError:
            if time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError("Radicale did not start in 60 s") from None
            time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def radicale(folder: Path):
    """A local Radicale over ``folder`` (its collections kept there between runs), on a free
    port: yields its URL; stopped by its process id at the end, whatever happens. The user
    is ``USER`` with ``PASSWORD``."""
    proc, url, _log = _start_radicale(folder)
    try:
        yield url
    finally:
        _stop(proc)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run(results: dict | None = None, *, cards: int = 1000, repeats: int = 5) -> dict:
    """Measure the three syncs against a fresh local Radicale; the figures go into
    ``results`` (returned)."""
    results = {} if results is None else results
    old_password = os.environ.get("FAVORBOOK_SYNC_PASSWORD")
    os.environ["FAVORBOOK_SYNC_PASSWORD"] = PASSWORD
    with tempfile.TemporaryDirectory(prefix="favorbook-sync-bench-") as tmp:
        folder = Path(tmp)
        proc, url, _log = _start_radicale(folder / "radicale")
        try:
            from favorbook.db.models import Contact
            from favorbook.sample import demo
            from favorbook.services import contacts, session
            from favorbook.sync import accounts, engine

            session.open_data(folder / "data")
            try:
                demo.load(cards, seed=1)
                accounts.add_account(url, USER, PASSWORD, name="bench")

                seconds, report = _timed(lambda: engine.sync_account("bench"))
                if report.errors:
                    raise RuntimeError(f"first sync: {report.errors[:3]}")
                results[f"sync_first_{cards}_s"] = round(seconds, 3)
                results[f"sync_first_{cards}_sent"] = report.pushed

                noop = []
                for _ in range(repeats):
                    seconds, report = _timed(lambda: engine.sync_account("bench"))
                    assert report.pushed == report.pulled == 0, report
                    noop.append(seconds)
                results["sync_noop_median_s"] = round(statistics.median(noop), 3)
                results["sync_noop_p95_s"] = round(_p95(noop), 3)

                ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id)]
                changed = []
                for r in range(repeats):
                    for cid in ids[r * 10 : r * 10 + 10]:
                        data = contacts.get_contact(cid).to_input()
                        data.title = f"Changed {r}"
                        contacts.update_contact(cid, data)
                    seconds, report = _timed(lambda: engine.sync_account("bench"))
                    if report.errors or report.pushed < 10:
                        raise RuntimeError(f"10 changes: {report}")
                    changed.append(seconds)
                results["sync_10_changes_median_s"] = round(statistics.median(changed), 3)
                results["sync_10_changes_p95_s"] = round(_p95(changed), 3)
                results["sync_repeats"] = repeats
            finally:
                session.close()
        finally:
            _stop(proc)
            if old_password is None:
                os.environ.pop("FAVORBOOK_SYNC_PASSWORD", None)
            else:
                os.environ["FAVORBOOK_SYNC_PASSWORD"] = old_password
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    figures = run({}, cards=args.cards, repeats=args.repeats)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
