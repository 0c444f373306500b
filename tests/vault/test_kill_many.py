"""Hundreds of device syncs SIGKILLed at random points, each followed by more work and more
killed syncs, then synced to the end: every device holds the same network, every favor
logged is there once.

Each sync runs in a forked copy of this process (no interpreter to start, so a kill costs
milliseconds) that kills itself with SIGKILL at a point drawn from a seeded generator:
after the n-th SQL statement of the sync, or inside the write of a file to the sync
folder. Some rounds apply in bulk (as a big join does), and a third device joins from the
snapshot partway, its first syncs killed too. ``FAVORBOOK_VAULT_KILLS`` sets the number of
kills (200 in the suite, 2,000 in ``make soak``).
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
    else:  # between writing a file of the sync folder and moving it into place
        folder.os.replace = die_at_point(folder.os.replace)
    engine.sync(PASSPHRASE)


def test_hundreds_of_syncs_killed_at_random_points_lose_and_repeat_nothing(tmp_path):
    from favorbook.db.models import db
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
