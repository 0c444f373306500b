"""favorbook account / favorbook sync on the command line, without a server."""

from __future__ import annotations

import json

from favorbook.cli import main


def test_sync_without_an_account_is_bad_usage_and_says_what_to_do(data_dir, capsys):
    assert main(["sync", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "pushed",
        "pulled",
        "deleted",
        "conflicts",
        "errors",
        "changes_sent",  # the sync between the rep's devices (issue 16); 0 when off
        "changes_received",
    }
    assert "account add" in out["errors"][0]
    assert main(["sync", "--account", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_account_list_and_remove_of_an_unknown_one(data_dir, capsys):
    assert main(["account", "list"]) == 0
    assert "No sync accounts" in capsys.readouterr().out
    assert main(["account", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["account", "remove", "nope"]) == 2


def test_a_server_that_does_not_answer_is_exit_1_with_one_line(data_dir, capsys, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", "x")
    assert main(["account", "add", f"http://127.0.0.1:{port}/", "--user", "rep"]) == 1
    err = capsys.readouterr().err
    assert "cannot reach" in err and "Traceback" not in err
    assert main(["account", "add", "http://dav.example.com/", "--user", "rep"]) == 1
    assert "https" in capsys.readouterr().err
