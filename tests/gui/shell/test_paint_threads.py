"""favorbook paints on the GUI thread alone: Qt's pool of painting threads cost more to hand
its slices to than the fills of favorbook's window took (app.paint_on_one_thread)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A fresh process: the pool is made (or not) the first time anything paints, once per process.
PAINT_A_SCROLL_BAR = """
import os
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollBar
from favorbook.ui.shell.app import make_application

app = make_application()
bar = QScrollBar(Qt.Orientation.Vertical)
bar.resize(20, 600)  # a fill of 600 lines: Qt's pool would take it in slices
bar.grab()
tasks = os.listdir("/proc/self/task")
print(sorted(open(f"/proc/self/task/{t}/comm").read().strip() for t in tasks))
"""


def _threads_after_painting(env: dict) -> str:
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", PAINT_A_SCROLL_BAR],
        env={**env, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads listed by /proc")
def test_painting_starts_no_thread_pool():
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    threads = _threads_after_painting(env)
    assert "python" in threads
    assert "Thread (pooled)" not in threads


def test_a_setting_of_the_users_own_is_kept(monkeypatch):
    from favorbook.ui.shell import app

    monkeypatch.setenv(app.PAINT_THREADS_ENV, "yes")
    app.paint_on_one_thread()
    assert os.environ[app.PAINT_THREADS_ENV] == "yes"
