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


def _two_conflicts(data_dir) -> tuple[int, int, int]:
    """A contact whose title and phones changed here and on the server; (contact, the
    title's conflict, the phones' conflict)."""
    from favorbook.db.models import Contact, SyncAccount
    from favorbook.services import contacts, session
    from favorbook.services._common import utc_now
    from favorbook.sync import conflicts

    session.open_data(data_dir)
    try:
        account = SyncAccount.create(
            name="work", url="https://dav.example.com/", username="rep", created_at=utc_now()
        )
        cid = contacts.create_contact(
            contacts.ContactInput(first_name="Ann", last_name="Lee", title="Head buyer")
        )
        uid = Contact.get_by_id(cid).uid
        title = conflicts.record(account.id, cid, uid, "title", "Buyer", "Head buyer")
        phones = conflicts.record(
            account.id, cid, uid, "phones", [["cell", "+14155550100"]], [["work", "+14155550199"]]
        )
        return cid, title, phones
    finally:
        session.close()


def test_sync_conflicts_are_listed_and_resolved_on_the_command_line(data_dir, capsys):
    from favorbook.services import contacts, session

    cid, title, phones = _two_conflicts(data_dir)
    folder = ["--data-dir", str(data_dir)]
    assert main(["sync", "--conflicts", "--json", *folder]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(c["id"], c["contact"], c["field"]) for c in listed} == {
        (title, "Ann Lee", "title"),
        (phones, "Ann Lee", "phones"),
    }
    row = next(c for c in listed if c["id"] == title)
    assert (row["mine"], row["server"], row["account"]) == ("Buyer", "Head buyer", "work")
    assert main(["sync", "--conflicts", *folder]) == 0
    text = capsys.readouterr().out
    assert f"{title}\tAnn Lee\tTitle\tBuyer\tHead buyer" in text

    assert main(["sync", "--keep", "mine", str(title), *folder]) == 0
    assert "Buyer" in capsys.readouterr().out
    assert main(["sync", "--keep", "server", str(phones), *folder]) == 0
    capsys.readouterr()
    session.open_data(data_dir)
    try:
        kept = contacts.get_contact(cid)
        assert kept.title == "Buyer"  # mine, back on the contact (it goes up next sync)
    finally:
        session.close()
    assert main(["sync", "--conflicts", "--json", *folder]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["sync", "--conflicts", "--account", "work", *folder]) == 0
    assert main(["sync", "--conflicts", "--account", "home", *folder]) == 2
    assert "home" in capsys.readouterr().err
    assert main(["sync", "--conflicts", *folder]) == 0
    assert "No open sync conflicts" in capsys.readouterr().out


def test_keeping_an_unknown_or_resolved_conflict_is_bad_usage(data_dir, capsys):
    _, title, _ = _two_conflicts(data_dir)
    folder = ["--data-dir", str(data_dir)]
    assert main(["sync", "--keep", "mine", "999", *folder]) == 2
    err = capsys.readouterr().err
    assert "No sync conflict with id 999" in err and "--conflicts" in err
    assert main(["sync", "--keep", "server", str(title), *folder]) == 0
    assert main(["sync", "--keep", "mine", str(title), *folder]) == 2
    assert "resolved already" in capsys.readouterr().err
    assert main(["sync", "--keep", "theirs", str(title), *folder]) == 2
    assert main(["sync", "--keep", "mine", "one", *folder]) == 2
    assert "not a conflict id" in capsys.readouterr().err
