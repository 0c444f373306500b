"""Hundreds of device syncs SIGKILLed at random points, each followed by more work and more
killed syncs, then synced to the end: every device holds the same network, every favor
logged is there once.

Each sync runs in a forked copy of this process (no interpreter to start, so a kill costs
milliseconds) that kills itself with SIGKILL at a point drawn from a seeded generator:
after the n-th SQL statement of the sync, or inside the write of a file to the sync
folder. Some rounds apply in bulk (as a big join does), and a third device joins from the
snapshot partway, its first syncs killed too. ``FAVORBOOK_VAULT_KILLS`` sets the number of
kills (200 in the suite, 2,000 in ``make soak``).

The same through an account on Radicale, killed after the n-th statement or the n-th HTTP
request, from a vault made in the older layout (every object in ``favorbook-vault/``): the
devices' moves to collections of their own are killed too. ``FAVORBOOK_VAULT_DAV_KILLS``
(60 in the suite).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal

import pytest

from tests.vault.helpers import PASSPHRASE, Devices

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and SIGKILL")

KILLS = int(os.environ.get("FAVORBOOK_VAULT_KILLS", "200"))
DAV_KILLS = int(os.environ.get("FAVORBOOK_VAULT_DAV_KILLS", "60"))


def _killed_sync(devices: Devices, name: str, point: int, where: str, in_bulk: bool) -> bool:
    """Sync ``name`` in a forked child that SIGKILLs itself at ``point``; True when it was
    killed (False: the sync ended before that point)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            _child(devices, name, point, where, in_bulk)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _child(devices: Devices, name: str, point: int, where: str, in_bulk: bool) -> None:
    from favorbook.db.models import db
    from favorbook.services import session
    from favorbook.sync.vault import bulk, engine, folder

    if in_bulk:
        bulk.BULK_MIN = 1
    calls = [0]

    def die_at_point(real):
        def counted(*args, **kwargs):
            calls[0] += 1
            if calls[0] == point:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return counted

    session.open_data(devices.dirs[name])
    if where == "sql":
        db.execute_sql = die_at_point(db.execute_sql)
    elif where == "http":  # before the n-th request to the server goes out
        from favorbook.sync import dav

        dav.DavClient.request = die_at_point(dav.DavClient.request)
    else:  # between writing a file of the sync folder and moving it into place
        folder.os.replace = die_at_point(folder.os.replace)
    engine.sync(PASSPHRASE)


def test_hundreds_of_syncs_killed_at_random_points_lose_and_repeat_nothing(tmp_path):
    from favorbook.sample import demo
    from favorbook.services import contacts, favors

    devices = Devices(tmp_path, names=("A", "B", "C"))
    with devices.on("A"):
        demo.load(30, seed=6, on=dt.date(2026, 11, 1))
    devices.join("A")
    devices.join("B")
    devices.sync("A")  # A's first objects, and a snapshot for C to join from later
    rng = random.Random(1619)
    kills = logged = rounds = 0
    joined_c = False
    while kills < KILLS:
        rounds += 1
        name = rng.choice(["A", "B", "C"] if joined_c else ["A", "B"])
        with devices.on(name):
            ids = contacts.list_ids()
            if ids:
                favors.log_favor(rng.choice(ids), "given", f"kill round {rounds} on {name}")
                logged += 1
        if not joined_c and kills >= KILLS // 3:
            devices.join("C")  # its first syncs, from the snapshot, are killed too
            joined_c, name = True, "C"
        where = "file" if rng.random() < 0.2 else "sql"
        # a sync runs 20 to 50 statements, several hundred when it writes a snapshot
        most = 4 if where == "file" else (800 if rng.random() < 0.1 else 50)
        point = rng.randint(1, most)
        kills += _killed_sync(devices, name, point, where, in_bulk=rng.random() < 0.3)
    _all_there(devices, logged, kills, rounds)


def _all_there(devices: Devices, logged: int, kills: int, rounds: int) -> None:
    """Synced to the end: the same network everywhere, every favor logged there once."""
    from favorbook.db.models import db

    for _ in range(2):
        for name in ("A", "B", "C"):
            assert devices.sync(name).errors == []
    dumps = [devices.dump(name) for name in ("A", "B", "C")]
    assert dumps[0] == dumps[1] == dumps[2], f"differ after {kills} kills in {rounds} rounds"
    with devices.on("C"):
        made = db.execute_sql(
            "SELECT description, count(*) FROM favor WHERE description LIKE 'kill round %' "
            "GROUP BY description"
        ).fetchall()
    assert len(made) == logged and all(n == 1 for _, n in made), (logged, kills)


def test_syncs_through_radicale_killed_at_random_points_lose_and_repeat_nothing(
    tmp_path, radicale_server, monkeypatch
):
    from favorbook.sample import demo
    from favorbook.services import contacts, favors
    from favorbook.sync.vault import davstore, snapshot
    from tests.vault.helpers import fresh_vault
    from tests.vault.legacy_dav import LegacyDavStore

    fresh_vault(radicale_server)
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", radicale_server.password)
    monkeypatch.setattr(snapshot, "EVERY", 4)  # snapshots often, in the -data collection
    monkeypatch.setattr(davstore, "INLINE_BYTES", 1500)  # stubs and big objects too
    monkeypatch.setattr(davstore, "PART_BYTES", 6000)  # and objects in parts
    devices = Devices(tmp_path, names=("A", "B", "C"), server=radicale_server)
    with devices.on("A"):
        demo.load(12, seed=7, on=dt.date(2026, 11, 1))
    with monkeypatch.context() as older:  # the vault made by the older favorbook
        older.setattr(davstore, "DavStore", LegacyDavStore)
        devices.join("A")
        devices.join("B")
        for name in ("A", "B", "A"):
            assert devices.sync(name).errors == []
    rng = random.Random(1620)
    kills = logged = rounds = 0
    joined_c = False
    while kills < DAV_KILLS:
        rounds += 1
        name = rng.choice(["A", "B", "C"] if joined_c else ["A", "B"])
        with devices.on(name):
            ids = contacts.list_ids()
            if ids:
                favors.log_favor(rng.choice(ids), "given", f"kill round {rounds} on {name}")
                logged += 1
        if not joined_c and kills >= DAV_KILLS // 3:
            devices.join("C")  # its first syncs, from the snapshot, are killed too
            joined_c, name = True, "C"
        where = "http" if rng.random() < 0.6 else "sql"
        point = rng.randint(1, 40 if where == "http" else 60)
        kills += _killed_sync(devices, name, point, where, in_bulk=rng.random() < 0.3)
    _all_there(devices, logged, kills, rounds)
