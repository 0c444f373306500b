"""favorbook sync killed (SIGKILL) at random points, on the sending and the receiving
device, then run to its end: both hold the same network, nothing lost or twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.vault.helpers import Devices

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def _sync(data_dir, env):
    return subprocess.Popen(
        [sys.executable, "-m", "favorbook", "sync", "--data-dir", str(data_dir)],
        env=env,
    )


def test_syncs_killed_at_random_points_resume_with_nothing_lost(tmp_path):
    from favorbook.sample import demo
    from favorbook.services import favors

    devices = Devices(tmp_path)
    with devices.on("A"):
        demo.load(150, seed=2)
    devices.join("A")
    devices.join("B")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    rng = random.Random(16)
    kills = 0
    for round_ in range(5):
        with devices.on("A"):
            from favorbook.services import contacts

            ids = contacts.list_ids()
            favors.log_favor(ids[round_], "given", f"round {round_}")
        for name in ("A", "B"):
            proc = _sync(devices.dirs[name], env)  # output: stdout/stderr of the test
            time.sleep(rng.uniform(0.05, 0.6))  # a random point of the sync, not a check
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
    for name in ("A", "B", "A", "B"):
        assert devices.sync(name).errors == []
    assert devices.dump("A") == devices.dump("B"), f"differ after {kills} kills"
    with devices.on("B"):
        from favorbook.db.models import db

        assert (
            db.execute_sql(
                "SELECT count(*) FROM favor WHERE description LIKE 'round %'"
            ).fetchone()[0]
            == 5
        )
