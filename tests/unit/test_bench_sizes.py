"""bench/run.py at any size: the contacts it measures the detail pane and sheets with are
found in a small network too (at 1,000 contacts none passed its filter and the bench
died dividing by zero)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("size", [1, 60])
def test_detail_contacts_are_found_in_a_small_network(db, bench, size):
    from favorbook.services import demo

    demo.load(size)
    people = bench.detail_contacts(10)
    assert len(people) == min(10, size)
    assert len(set(people)) == len(people)


def test_the_bench_refuses_an_empty_network_with_a_usage_error(bench, capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--contacts", "0"])
    assert exc.value.code == 2
    assert "--contacts" in capsys.readouterr().err
