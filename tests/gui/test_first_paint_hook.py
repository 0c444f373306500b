"""The benchmark's cold-start hook: with FAVORBOOK_BENCH_FIRST_PAINT set, favorbook prints
when its contact list first painted and ends; without it, nothing of the sort happens."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_first_paint_is_reported_and_the_app_ends(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data), "demo", "--contacts", "30"],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.monotonic_ns()
    proc = subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data)],
        env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("favorbook-first-paint "))
    painted = int(line.split()[1])
    assert started < painted < time.monotonic_ns()
    # the app released its single-instance lock: the next start is not refused
    again = subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data)],
        env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "favorbook-first-paint " in again.stdout
    assert "already running" not in again.stderr
