"""One favorbook per data folder: a second start raises the first window and leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from favorbook.ui.shell.single_instance import (
    LOCK_FILENAME,
    Claim,
    SingleInstance,
    bring_to_front,
    server_name,
)


@pytest.fixture
def guards(qapp):
    made = []

    def make(folder):
        guard = SingleInstance(folder)
        made.append(guard)
        return guard

    yield make
    for guard in made:
        guard.release()


def test_second_start_is_refused_and_raises_the_first(guards, tmp_path, qtbot, window, monkeypatch):
    first = guards(tmp_path / "data")
    assert first.claim() is Claim.OWNED
    assert (tmp_path / "data" / LOCK_FILENAME).exists()
    calls = []
    # The offscreen platform cannot raise a window; record that favorbook asked it to.
    monkeypatch.setattr(window, "raise_", lambda: calls.append("raise"))
    monkeypatch.setattr(window, "activateWindow", lambda: calls.append("activate"))
    first.raise_requested.connect(lambda: bring_to_front(window))
    window.showMinimized()

    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        second = guards(tmp_path / "data")
        assert second.claim() is Claim.RUNNING
    assert second.answered

    assert calls == ["raise", "activate"]
    assert not window.isMinimized()
    assert window.isVisible()


def test_the_folder_is_free_again_after_release(guards, tmp_path):
    first = guards(tmp_path / "data")
    assert first.claim() is Claim.OWNED
    first.release()
    assert guards(tmp_path / "data").claim() is Claim.OWNED


def test_different_data_folders_do_not_interfere(guards, tmp_path, qtbot):
    one = guards(tmp_path / "one")
    other = guards(tmp_path / "other")
    assert server_name(tmp_path / "one") != server_name(tmp_path / "other")
    assert one.claim() is Claim.OWNED
    with qtbot.assertNotEmitted(one.raise_requested, wait=200):
        assert other.claim() is Claim.OWNED


def test_the_same_folder_spelt_differently_is_the_same_folder(tmp_path):
    (tmp_path / "data").mkdir()
    assert server_name(tmp_path / "data") == server_name(tmp_path / "x" / ".." / "data")


HOLD_LOCK = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("locked", flush=True)
time.sleep(60)
"""


def test_a_lock_left_by_a_killed_favorbook_does_not_block(guards, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    lock_path = folder / LOCK_FILENAME
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        # While it lives, the folder is taken.
        assert guards(folder).claim() is Claim.RUNNING
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        child.stdout.close()
    assert lock_path.exists()  # the crash left it behind
    assert guards(folder).claim() is Claim.OWNED


def test_a_start_listens_for_a_second_one_once_its_window_painted(guards, tmp_path, qtbot):
    """The window takes the folder at once and answers a second start only after its
    first paint (what that needs loads then): a second start in between is refused and
    told the first may still be starting; later ones raise it."""
    first = guards(tmp_path / "data")
    assert first.claim(listen=False) is Claim.OWNED
    early = guards(tmp_path / "data")
    assert early.claim() is Claim.RUNNING
    assert not early.answered
    first.listen()
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        later = guards(tmp_path / "data")
        assert later.claim() is Claim.RUNNING
    assert later.answered
