"""The command line as a user (or a script) meets it: output and exit codes."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from favorbook.cli import main
from favorbook.db import database

STATS_KEYS = {
    "contacts",
    "favors_given",
    "favors_received",
    "give_take_ratio",
    "target_ratio",
    "open_ious_owed_to_me",
    "open_ious_i_owe",
    "followups_overdue",
    "stay_in_touch_due",
}


def run(*args, env=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "favorbook", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("favorbook ")


def test_demo_then_stats_json(tmp_path):
    data = str(tmp_path / "x")
    assert run("--data-dir", data, "demo").returncode == 0
    out = run("--data-dir", data, "stats", "--json")
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert set(figures) == STATS_KEYS
    assert figures["contacts"] == 60
    assert figures["favors_given"] > figures["favors_received"] > 0
    assert figures["give_take_ratio"] == round(
        figures["favors_given"] / figures["favors_received"], 2
    )
    assert figures["target_ratio"] == 4.0
    assert figures["open_ious_owed_to_me"] > 0 and figures["open_ious_i_owe"] > 0


def test_data_dir_option_after_the_command_and_env_variable(tmp_path, capsys):
    data = tmp_path / "y"
    assert main(["demo", "--contacts", "5", "--data-dir", str(data)]) == 0
    assert (data / "favorbook.db").exists()
    os.environ["FAVORBOOK_DATA_DIR"] = str(data)
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["contacts"] == 5


def test_demo_refuses_a_database_with_own_contacts(db, make_contact, capsys):
    make_contact("Own", "Person")
    assert main(["demo"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["demo", "--force", "--contacts", "3"]) == 0


def test_demo_is_deterministic_for_a_seed(tmp_path, capsys):
    outs = []
    for name in ("a", "b"):
        main(["--data-dir", str(tmp_path / name), "demo", "--seed", "7", "--contacts", "20"])
        capsys.readouterr()
        main(["--data-dir", str(tmp_path / name), "stats", "--json"])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]


@pytest.mark.parametrize("query", ['"', "***", "NEAR(", "tag:", "a AND (b OR", "🙂", "-x"])
def test_search_never_errors(query, capsys):
    main(["demo", "--contacts", "10"])
    capsys.readouterr()
    assert main(["search", query, "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)


class _ReaderGone:
    """Standard output whose reader has stopped reading (`favorbook search a | head -1`)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [["search", ""], ["stats"], ["search", "", "--json"]])
def test_a_reader_that_stops_reading_is_not_an_error(argv, capsys, monkeypatch):
    main(["demo", "--contacts", "10"])
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", _ReaderGone())
    assert main(argv) == 0
    assert capsys.readouterr().err == ""
    print("standard output goes nowhere now, without failing")


@pytest.mark.parametrize("argv", [["search"], ["search", ""], ["search", "   "]])
def test_an_empty_search_lists_contacts_up_to_the_limit(argv, capsys):
    main(["demo", "--contacts", "10"])
    capsys.readouterr()
    assert main([*argv, "--json", "--limit", "4"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 4
    assert main([*argv, "--limit", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_search_json_best_first_with_limit(capsys):
    main(["demo", "--contacts", "40"])
    capsys.readouterr()
    assert main(["search", "tag:golf", "--json", "--limit", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 3
    assert {"id", "name", "company", "kind"} <= set(hits[0])


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["search", "x", "--limit", "0"],
        ["search", "a", "--limit", "99999999999999999999"],
        ["demo", "--contacts", "0"],
        ["demo", "--contacts", "99999999999999999999"],
        ["demo", "--contacts", "many"],
        ["stats", "--bogus"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


def test_check_healthy_missing_damaged_newer(tmp_path, capsys):
    data = tmp_path / "c"
    assert main(["check", "--data-dir", str(data)]) == 1  # nothing there yet
    assert "no favorbook database" in capsys.readouterr().err
    main(["demo", "--data-dir", str(data), "--contacts", "50"])
    assert main(["check", "--data-dir", str(data)]) == 0
    assert "healthy" in capsys.readouterr().out

    path = data / "favorbook.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {database.schema_version() + 3}")
    conn.close()
    assert main(["check", "--data-dir", str(data)]) == 1
    assert "newer favorbook" in capsys.readouterr().err
    assert main(["stats", "--data-dir", str(data)]) == 1

    path.write_bytes(b"\x00garbage" * 1000)
    assert main(["check", "--data-dir", str(data)]) == 1
    assert "not a favorbook database" in capsys.readouterr().err


def test_check_finds_damage(tmp_path, capsys):
    data = tmp_path / "d"
    main(["demo", "--data-dir", str(data), "--contacts", "200"])
    path = data / "favorbook.db"
    raw = bytearray(path.read_bytes())
    raw[20480:90000] = b"\x42" * (90000 - 20480)
    path.write_bytes(bytes(raw))
    capsys.readouterr()
    assert main(["check", "--data-dir", str(data)]) == 1
    assert capsys.readouterr().err.strip()


def test_no_display_gives_a_message_not_an_abort(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 1
    assert "no display" in out.stderr
    assert "Traceback" not in out.stderr


def test_demo_remove_takes_the_sample_away_and_keeps_own_contacts(db, make_contact, capsys):
    from favorbook.services import contacts

    own = make_contact("Own", "Person")
    assert main(["demo", "--force", "--contacts", "7"]) == 0
    capsys.readouterr()
    assert main(["demo", "--remove"]) == 0
    assert "Removed the sample network (7 contacts)" in capsys.readouterr().out
    assert contacts.list_ids() == [own]
    assert main(["demo", "--remove"]) == 0
    assert "no sample network" in capsys.readouterr().out


def test_stats_text_writes_ratios_one_way(db, make_contact, capsys):
    from favorbook.services import favors, settings

    ann = make_contact()
    assert main(["stats"]) == 0
    assert "no favors yet (target 4:1)" in capsys.readouterr().out
    for _ in range(7):
        favors.log_favor(ann, "given", "Help")
    assert main(["stats"]) == 0
    assert "nothing received yet (target 4:1)" in capsys.readouterr().out
    for _ in range(3):
        favors.log_favor(ann, "received", "Lunch")
    settings.set_target_ratio(4.5)
    assert main(["stats"]) == 0
    assert "2.3:1 (target 4.5:1)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "folder"),
    [([], None), (["--data-dir", "/x/y"], "/x/y"), (["--data-dir=/x/y"], "/x/y")],
)
def test_opening_the_window_builds_no_command_parser(monkeypatch, argv, folder):
    """favorbook with no command (or only --data-dir) starts the window at once: building
    every command's parser cost 8 ms of each start-up (issue 19)."""
    from favorbook import cli
    from favorbook.ui.shell import launch

    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("built the parsers"))
    monkeypatch.setattr(launch, "launch", lambda data_dir: f"launched {data_dir}")
    assert cli.main(argv) == f"launched {folder}"


def test_a_command_or_an_option_still_goes_through_the_parser(capsys):
    with pytest.raises(SystemExit):
        main(["--data-dir"])
    assert "expected one argument" in capsys.readouterr().err
