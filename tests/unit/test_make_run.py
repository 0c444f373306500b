"""`make run` opens the data folder named with DATA= or ARGS= (README, "On a fresh machine")."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def run_line(*variables: str) -> str:
    """The command `make run` would start (-n: printed, nothing is run or installed)."""
    out = subprocess.run(
        ["make", "-n", "-s", "run", "VENV=/nonexistent-venv", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().splitlines()[-1]


def test_data_names_the_folder():
    assert run_line("DATA=/tmp/try it").split("favorbook ", 1)[1].strip() == (
        '--data-dir "/tmp/try it"'
    )


def test_args_pass_favorbooks_options():
    assert run_line("ARGS=--data-dir /tmp/try demo").endswith("favorbook  --data-dir /tmp/try demo")


def test_plain_make_run_opens_the_usual_folder():
    assert run_line().endswith("/nonexistent-venv/bin/favorbook")
