"""favorbook vault folder, favorbook sync --json, favorbook devices [--json]."""

from __future__ import annotations

import json

from favorbook.cli import main


def _json(capsys, argv) -> dict:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_two_devices_through_a_folder_from_the_command_line(tmp_path, capsys):
    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "sync"
    folder.mkdir()
    assert main(["demo", "--data-dir", str(a), "--contacts", "5"]) == 0
    assert main(["vault", "folder", str(folder), "--data-dir", str(a), "--name", "laptop"]) == 0
    assert main(["vault", "folder", str(folder), "--data-dir", str(b), "--name", "desk"]) == 0
    sent = _json(capsys, ["sync", "--json", "--data-dir", str(a)])
    assert sent["changes_sent"] > 0 and sent["changes_received"] == 0
    assert {"pushed", "pulled", "deleted", "conflicts", "errors"} <= set(sent)
    got = _json(capsys, ["sync", "--json", "--data-dir", str(b)])
    assert got["changes_received"] == sent["changes_sent"] and got["errors"] == []
    stats_a = _json(capsys, ["stats", "--json", "--data-dir", str(a)])
    stats_b = _json(capsys, ["stats", "--json", "--data-dir", str(b)])
    assert stats_a == stats_b
    seen = _json(capsys, ["devices", "--json", "--data-dir", str(b)])
    assert seen["this_device"]["name"] == "desk"
    [other] = seen["devices"]
    assert other["name"] == "laptop" and other["last_change_at"]
    assert main(["devices", "--data-dir", str(a)]) == 0
    assert "This device: laptop" in capsys.readouterr().out


def test_a_wrong_passphrase_on_the_command_line(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "sync"
    folder.mkdir()
    assert main(["vault", "folder", str(folder), "--data-dir", str(tmp_path / "a")]) == 0
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", "something else")
    capsys.readouterr()
    assert main(["vault", "folder", str(folder), "--data-dir", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"favorbook: The sync passphrase is wrong: it does not open the vault in {folder}."
    )


def test_two_devices_through_an_account_from_the_command_line(vault_server, tmp_path, capsys):
    """favorbook vault account NAME; favorbook sync runs it with the account's contact sync;
    favorbook devices lists the devices seen through the account."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["demo", "--data-dir", str(a), "--contacts", "5"]) == 0
    for data, device in ((a, "laptop"), (b, "desk")):
        add = ["account", "add", vault_server.url, "--user", vault_server.username]
        assert main([*add, "--name", "work", "--data-dir", str(data)]) == 0
        assert main(["vault", "account", "work", "--data-dir", str(data), "--name", device]) == 0
        assert "through the account work" in capsys.readouterr().out
    sent = _json(capsys, ["sync", "--json", "--data-dir", str(a)])
    assert sent["changes_sent"] > 0 and sent["changes_received"] == 0
    assert sent["pushed"] >= 5 and sent["errors"] == []  # the contact sync ran too
    got = _json(capsys, ["sync", "--json", "--data-dir", str(b)])
    assert got["changes_received"] == sent["changes_sent"] and got["errors"] == []
    # (B sends what its contact sync wrote from the cards: the same contacts, merged on A)
    again = _json(capsys, ["sync", "--json", "--data-dir", str(a)])
    assert again["changes_received"] == got["changes_sent"]
    stats_a = _json(capsys, ["stats", "--json", "--data-dir", str(a)])
    stats_b = _json(capsys, ["stats", "--json", "--data-dir", str(b)])
    assert stats_a == stats_b
    seen = _json(capsys, ["devices", "--json", "--data-dir", str(b)])
    assert seen["this_device"]["account"] == "work" and seen["this_device"]["folder"] is None
    [other] = seen["devices"]
    assert other["name"] == "laptop" and other["last_change_at"]
    assert main(["devices", "--data-dir", str(a)]) == 0
    assert "This device: laptop" in capsys.readouterr().out
    assert main(["vault", "off", "--data-dir", str(a)]) == 0
    off = _json(capsys, ["sync", "--json", "--data-dir", str(a)])
    assert off["changes_sent"] == 0 and off["changes_received"] == 0
    assert (
        _json(capsys, ["devices", "--json", "--data-dir", str(a)])["this_device"]["sync_on"]
        is False
    )


def test_an_unknown_account_is_one_line(tmp_path, capsys):
    assert main(["vault", "account", "nowhere", "--data-dir", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("favorbook: There is no sync account named “nowhere”")
