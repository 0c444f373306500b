"""A `favorbook sync` killed (SIGKILL) at any point: the next sync picks up where it stopped.

Each case starts `favorbook sync` (in batches of 4) as a subprocess against Radicale through
the fault proxy, which SIGKILLs it at a point drawn at random (seeded, so a failure can be
replayed): during a card's or a task's upload (after the server stored it, or before it
arrived), or during any request of the run (sync-collection, multiget). The cases kill in
turn an account's first sync, a later one with changes on both sides, and the first sync of
a second computer (a new data folder) joining the account. The next sync must finish (no
guard, no error, no conflict), leave one card per contact and one task per follow-up and
stay-in-touch day on the server (none invented by the joining computer), lose nothing,
duplicate nothing, and leave nothing to do for the sync after it.

The default suite kills ``FAVORBOOK_SYNC_KILLS`` times (6) against Radicale; `make soak`
many more, against Radicale and Xandikos (``FAVORBOOK_SYNC_KILL_SERVERS``). A case's seed is
``FAVORBOOK_SYNC_KILL_SEED`` (default 1) plus its number.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import favorbook
from favorbook.db.models import Contact, FollowUp, SyncAccount
from favorbook.sample import demo
from favorbook.services import contacts, followups, session, trash
from favorbook.sync import accounts, engine, tasks
from tests.sync.conftest import PASSWORD, FaultProxy
from tests.sync.helpers import collection_props

KILLS = int(os.environ.get("FAVORBOOK_SYNC_KILLS", "6"))
SEED = int(os.environ.get("FAVORBOOK_SYNC_KILL_SEED", "1"))
CONTACTS = 20
BATCH = 4
SERVERS = os.environ.get("FAVORBOOK_SYNC_KILL_SERVERS", "radicale").split(",")


@pytest.fixture(params=SERVERS)
def server(request):
    """Radicale (and the other servers named in ``FAVORBOOK_SYNC_KILL_SERVERS``), with a
    fresh address book and tasks calendar."""
    server = request.getfixturevalue(f"{request.param}_server")
    server.check_alive()
    server.fresh_collections()
    return server


@pytest.fixture
def proxy(server):
    proxy = FaultProxy(server.url)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", PASSWORD)


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _uids(texts) -> list[str]:
    out = []
    for text in texts:
        unfolded = text.replace("\r\n ", "").replace("\n ", "")
        out += [line[4:].strip() for line in unfolded.splitlines() if line.startswith("UID:")]
    return out


def _local_state() -> tuple[dict[str, tuple], dict[str, tuple], set[str]]:
    """(active contacts by UID, follow-ups by UID, the UIDs of the tasks due on the server).

    A contact doubled here (a card of ours taken for a new one) shows as a UID too many."""
    people = {
        c.uid: (c.display_name, c.title, c.cadence_days)
        for c in Contact.select().where(Contact.archived_at.is_null())
    }
    rows = FollowUp.select(FollowUp, Contact.uid).join(Contact)
    todo = {f.uid: (f.contact.uid, f.title, str(f.due_on), f.done_at is not None) for f in rows}
    return people, todo, set(tasks._local_tasks())


# `favorbook sync`, with batches small enough that a kill finds some of them recorded and
# some not, as with a thousand contacts (batches of 100) but in a fraction of the time.
_SMALL_BATCHES = (
    "import sys; import favorbook.sync.contacts as c, favorbook.sync.tasks as t; "
    f"c.BATCH = t.PUSH_BATCH = {BATCH}; from favorbook.cli import main; sys.exit(main())"
)


def _killed_sync(folder: Path, proxy: FaultProxy, fault: dict, why: str, prelude: str = "") -> None:
    """`favorbook sync` in a subprocess, SIGKILLed where ``fault`` says (``prelude``: Python
    run before it)."""
    env = dict(os.environ)
    root = str(Path(favorbook.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    proxy.clear()
    proxy.inject(**fault)
    victim: list[subprocess.Popen] = []
    proxy.on_kill = lambda: victim and victim[0].send_signal(signal.SIGKILL)
    code = prelude + _SMALL_BATCHES
    argv = [sys.executable, "-c", code, "sync", "--json", "--data-dir", str(folder)]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    victim.append(proc)
    out, err = proc.communicate(timeout=600)
    proxy.clear()
    assert proc.returncode == -signal.SIGKILL, (
        f"{why}: the sync was not killed (exit {proc.returncode})\n{out.decode()}{err.decode()}"
    )


def _finish_and_check(
    folder: Path, server, expected_people, expected_todo, why: str, server_tasks=None
) -> None:
    """The next sync finishes cleanly; then the server and this computer agree, one to one
    (the tasks on the server are this computer's, or ``server_tasks`` when given)."""
    from favorbook.cli import main

    assert main(["sync", "--data-dir", str(folder)]) == 0, why
    session.open_data(folder)
    try:
        done = json.loads(SyncAccount.get().last_result)
        assert (done["conflicts"], done["errors"]) == (0, []), why
        people, todo, due = _local_state()
        assert people == expected_people, why
        assert todo == expected_todo, why
        cards = _uids(server.objects(server.addressbook_url).values())
        assert sorted(cards) == sorted(people), why  # one card per contact, none left over
        on_server = _uids(server.objects(server.calendar_url).values())
        assert due <= set(on_server), why
        # One task each, no duplicate, none invented.
        assert sorted(on_server) == sorted(due if server_tasks is None else server_tasks), why
        again = engine.sync_account()
        assert (again.pushed, again.pulled, again.deleted, again.errors) == (0, 0, 0, []), why
    finally:
        session.close()


def _kill_point(case: int, rng: random.Random, server, card_puts: int, task_puts: int) -> dict:
    """Where to kill: in turn during a card upload, a task upload or any request (a second
    computer joining uploads nothing: any request)."""
    kind = rng.choice(["kill", "kill", "kill_before"])
    where = ("card", "task", "any")[(case // 3) % 3] if card_puts and task_puts else "any"
    if where == "card":
        # Case 0 is the one users met: a first sync killed with a batch or more of its cards
        # confirmed, and fewer than half.
        after = rng.randrange(BATCH, card_puts // 2) if case == 0 else rng.randrange(card_puts)
        return {"kind": kind, "method": "PUT", "path": _path(server.addressbook_url),
                "after": after}  # fmt: skip
    if where == "task":
        return {"kind": kind, "method": "PUT", "path": _path(server.calendar_url),
                "after": rng.randrange(task_puts)}  # fmt: skip
    # A joining computer's sync makes about eight requests (sync-collection and multiget of
    # the cards in fours, then of the tasks): the kill falls among them.
    return {"kind": kind, "after": rng.randrange(7 if where == "any" and not card_puts else 14)}


def _setup(folder: Path, proxy: FaultProxy, server, seed: int | None) -> None:
    """Open ``folder`` with the sample network of ``seed`` (None: empty) and the account,
    through the proxy."""
    session.open_data(folder)
    if seed is not None:
        demo.load(CONTACTS, seed=seed)
    accounts.add_account(
        proxy.rewrite(server.url),
        server.username,
        name="work",
        addressbook=proxy.rewrite(server.addressbook_url),
        calendar=proxy.rewrite(server.calendar_url),
    )


def _change_both_sides(server, rng: random.Random) -> tuple[int, int]:
    """Edits here (new, changed and deleted contacts, new and done follow-ups) and a new card
    from the phone; (card uploads, task uploads) the next sync will make at least."""
    ids = [c.id for c in Contact.select(Contact.id).where(Contact.archived_at.is_null())]
    rng.shuffle(ids)
    for i in range(3):
        contacts.create_contact(contacts.ContactInput(first_name="New", last_name=f"Person {i}"))
    for cid in ids[:2]:
        data = contacts.get_contact(cid).to_input()
        data.title = f"Changed {cid}"
        contacts.update_contact(cid, data)
    trash.delete_contact(ids[2])
    for cid in ids[3:5]:
        followups.add_followup(cid, dt.date.today() + dt.timedelta(days=3), "Send the brochure")
    open_ones = [f.id for f in FollowUp.select().where(FollowUp.done_at.is_null())]
    if open_ones:
        followups.complete(open_ones[0])
    phone = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-card-1\r\nFN:Pat Phone\r\nN:Phone;Pat;;;\r\n"
        "TEL;TYPE=CELL:+1 212 555 0100\r\nEND:VCARD\r\n"
    )
    assert server.put(server.addressbook_url + "phone-card-1.vcf", phone, new=True).ok
    return 5, 2


@pytest.mark.parametrize("case", range(KILLS))
def test_a_sync_killed_anywhere_is_finished_by_the_next(case, tmp_path, server, proxy):
    seed = SEED + case
    rng = random.Random(seed)
    mode = ("first", "later", "join")[case % 3]
    folder = tmp_path / "data"
    server_tasks = None
    if mode == "join":
        # A first computer syncs its network; this one (a new data folder) joins the account.
        session.open_data(tmp_path / "first")
        try:
            demo.load(CONTACTS, seed=seed)
            accounts.add_account(
                server.url,
                server.username,
                name="work",
                addressbook=server.addressbook_url,
                calendar=server.calendar_url,
            )
            assert engine.sync_account().errors == []
            first_people, todo, server_tasks = _local_state()
        finally:
            session.close()
        # A card carries no stay-in-touch cadence: contacts come without one.
        people = {uid: (name, title, None) for uid, (name, title, _) in first_people.items()}
        _setup(folder, proxy, server, seed=None)
        session.close()
        card_puts = task_puts = 0
    else:
        _setup(folder, proxy, server, seed)
        try:
            if mode == "later":
                assert engine.sync_account().errors == []
                card_puts, task_puts = _change_both_sides(server, rng)
            else:
                card_puts, task_puts = CONTACTS, len(tasks._local_tasks())
            people, todo, _ = _local_state()
        finally:
            session.close()
    fault = _kill_point(case, rng, server, card_puts, task_puts)
    why = f"seed {seed}, {mode} sync, killed at {fault}"
    _killed_sync(folder, proxy, fault, why)
    if mode == "later":
        # The phone's card arrives with the next sync, as a contact of its own.
        people = {**people, "phone-card-1": ("Pat Phone", "", None)}
    _finish_and_check(folder, server, people, todo, why, server_tasks)


# A first sync into empty collections sends each in one request (Radicale): killed on the
# way, before or after the server replaced the collection, before its name and properties
# were written back, or before the items' ETags were read.
_BULK_KILLS = {
    "put": ("kill", "PUT", "addressbook", 0),
    "put_before": ("kill_before", "PUT", "addressbook", 0),
    "proppatch": ("kill_before", "PROPPATCH", "calendar", 0),
    "listing": ("kill", "REPORT", "calendar", 1),
}


@pytest.mark.parametrize("point", list(_BULK_KILLS))
def test_a_first_sync_in_one_request_killed_is_finished_by_the_next(point, tmp_path, server, proxy):
    if server.kind != "radicale":
        pytest.skip("only Radicale takes a whole collection in one request")
    folder = tmp_path / "data"
    before = {
        url: collection_props(server, url) for url in (server.addressbook_url, server.calendar_url)
    }
    _setup(folder, proxy, server, SEED)
    try:
        people, todo, _ = _local_state()
    finally:
        session.close()
    kind, method, which, after = _BULK_KILLS[point]
    url = server.addressbook_url if which == "addressbook" else server.calendar_url
    fault = {"kind": kind, "method": method, "path": _path(url), "after": after}
    why = f"first sync in one request, killed at {fault}"
    _killed_sync(
        folder, proxy, fault, why, prelude="import favorbook.sync.collection as b; b.BULK_MIN = 5; "
    )
    _finish_and_check(folder, server, people, todo, why)
    assert {url: collection_props(server, url) for url in before} == before, why


def test_a_failed_sync_reports_what_it_did_before_the_failure(tmp_path, server, proxy, capsys):
    """`favorbook sync --json` after a failure counts the uploads that were done."""
    from favorbook.cli import main

    folder = tmp_path / "data"
    _setup(folder, proxy, server, 5)
    session.close()
    proxy.inject("503", method="PUT", path=_path(server.addressbook_url), after=7, times=None)
    assert main(["sync", "--json", "--data-dir", str(folder)]) == 1
    report = json.loads(capsys.readouterr().out)
    on_server = len(server.listing(server.addressbook_url))
    assert report["pushed"] == on_server >= 7
    assert len(report["errors"]) == 1 and "server" in report["errors"][0].lower()
