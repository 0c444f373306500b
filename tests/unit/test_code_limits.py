"""make lint's size check (tests/code_limits.py) over radon's own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("radon", reason="radon (the test extra) is not installed")

SCRIPT = Path(__file__).resolve().parents[1] / "code_limits.py"


def _check(tmp_path: Path, source: str) -> tuple[int, str]:
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True)
    return done.returncode, done.stdout


def _branches(name: str, n: int, indent: str = "") -> str:
    body = "".join(f"{indent}    if x == {i}:\n{indent}        return {i}\n" for i in range(n))
    return f"{indent}def {name}(x):\n{body}{indent}    return -1\n"


def test_complexity_25_passes_and_26_fails(tmp_path):
    assert _check(tmp_path, _branches("fine", 24)) == (0, "")  # 24 ifs: complexity 25
    code, out = _check(tmp_path, _branches("tangled", 25))
    assert code == 1
    assert "tangled: complexity 26 > 25" in out


def test_a_method_over_120_lines_fails(tmp_path):
    long_body = "".join(f"        y{i} = {i}\n" for i in range(120))
    code, out = _check(tmp_path, f"class Page:\n    def build(self):\n{long_body}")
    assert code == 1
    assert "Page.build: 121 lines > 120" in out
    short_body = "".join(f"        y{i} = {i}\n" for i in range(119))
    assert _check(tmp_path, f"class Page:\n    def build(self):\n{short_body}") == (0, "")


def test_a_nested_function_counts_too(tmp_path):
    source = "def outer():\n" + _branches("inner", 25, indent="    ") + "    return inner\n"
    code, out = _check(tmp_path, source)
    assert code == 1
    assert "outer.<locals>.inner: complexity 26 > 25" in out
