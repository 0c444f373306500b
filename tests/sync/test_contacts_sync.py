"""Contact sync against real servers (Radicale and Xandikos): two laptops and a phone.

Each test runs against both servers (``dav_server``), with a fresh address book. A
"laptop" is a favorbook data folder; the "phone" is the plain HTTP client of the fixture.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from favorbook.db.models import Contact, SyncItem
from favorbook.errors import SyncError, SyncGuardTripped
from favorbook.sample import demo
from favorbook.services import contacts, session, trash
from favorbook.sync import accounts, conflicts, engine

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    from tests.sync.conftest import PASSWORD

    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", PASSWORD)


@pytest.fixture
def laptop(tmp_path, dav_server):
    """laptop("a") opens data folder a (an account on the test's address book is added
    the first time); the open one is closed at the end."""
    opened = set()

    @contextlib.contextmanager
    def use(name: str, proxy=None):
        session.open_data(tmp_path / name)
        via = proxy.rewrite if proxy is not None else (lambda url: url)
        try:
            if name not in opened:
                opened.add(name)
                accounts.add_account(
                    via(dav_server.url),
                    dav_server.username,
                    name="server",
                    addressbook=via(dav_server.addressbook_url),
                    calendar=via(dav_server.calendar_url),
                )
            yield
        finally:
            session.close()

    return use


def _person(first="Ann", last="Lee", **kw) -> int:
    return contacts.create_contact(contacts.ContactInput(first_name=first, last_name=last, **kw))


def _by_name(name: str) -> contacts.ContactDetail:
    cid = next(i for i, n in contacts.all_names(include_archived=True) if n == name)
    return contacts.get_contact(cid)


def _server_card(server, contact_uid: str) -> tuple[str, str, str]:
    """(href, text, etag) of the card with this UID on the server."""
    for href, text in server.objects(server.addressbook_url).items():
        if f"UID:{contact_uid}" in text:
            _, etag = server.get(href)
            return href, text, etag
    raise AssertionError(f"no card with UID {contact_uid} on the server")


def test_two_laptops_share_a_network_and_a_second_sync_does_nothing(laptop, dav_server):
    with laptop("a"):
        demo.load(20, seed=4, on=dt.date(2026, 11, 1))
        cid = contacts.all_names()[0][0]
        contacts.set_photo(cid, PNG)
        first = engine.sync_account()
        assert first.pushed >= 20 and first.errors == []  # and the stay-in-touch tasks
        assert engine.sync_account().as_json() == {
            "pushed": 0,
            "pulled": 0,
            "deleted": 0,
            "conflicts": 0,
            "errors": [],
        }
        mine = {d.uid: d for d in contacts.details([i for i, _ in contacts.all_names()])}
    cards = dav_server.listing(dav_server.addressbook_url)
    assert len(cards) == 20
    with laptop("b"):
        got = engine.sync_account()
        assert got.pulled >= 20 and got.errors == []
        assert dav_server.listing(dav_server.addressbook_url) == cards  # no card sent back
        theirs = {d.uid: d for d in contacts.details([i for i, _ in contacts.all_names()])}
        assert theirs.keys() == mine.keys()
        for uid, d in mine.items():
            t = theirs[uid]
            assert (t.display_name, t.organization, t.title) == (
                d.display_name,
                d.organization,
                d.title,
            )
            assert (t.emails, t.phones, t.addresses, t.links) == (
                d.emails,
                d.phones,
                d.addresses,
                d.links,
            )
            assert (sorted(t.tags), t.birthday, t.kind) == (sorted(d.tags), d.birthday, d.kind)
        photo = contacts.photo_of(next(c.id for c in theirs.values() if c.uid in mine))
        assert photo is None or photo[0] in (PNG,)
        assert any(contacts.photo_of(c.id) == (PNG, "image/png") for c in theirs.values())
        again = engine.sync_account()
        assert (again.pushed, again.pulled) == (0, 0)
    assert dav_server.listing(dav_server.addressbook_url) == cards


def test_nothing_private_reaches_the_server(laptop, dav_server):
    with laptop("a"):
        cid = _person(
            how_met="SECRET-HOW-MET",
            needs="SECRET-NEEDS",
            goals="SECRET-GOALS",
            offers="SECRET-OFFERS",
            emails=[contacts.Labeled("ann@example.com", "work")],
        )
        contacts.add_note(cid, "SECRET-PUBLIC-NOTE")
        contacts.add_note(cid, "SECRET-PRIVATE-NOTE", private=True)
        engine.sync_account()
    texts = list(dav_server.objects(dav_server.addressbook_url).values())
    assert len(texts) == 1 and "ann@example.com" in texts[0]
    assert "SECRET" not in texts[0]
    assert "NOTE" not in texts[0]


def test_a_phone_edit_arrives_and_what_the_phone_added_survives(laptop, dav_server):
    with laptop("a"):
        cid = _person(title="Buyer")
        engine.sync_account()
        uid = Contact.get_by_id(cid).uid
    href, text, etag = _server_card(dav_server, uid)
    phone = text.replace("TITLE:Buyer", "TITLE:Head buyer").replace(
        "END:VCARD", "X-PHONE-RINGTONE:marimba\r\nNOTE:met at the expo\r\nEND:VCARD"
    )
    assert dav_server.put(href, phone, etag=etag).status_code in (200, 201, 204)
    with laptop("a"):
        got = engine.sync_account()
        assert got.pulled == 1 and got.conflicts == 0
        assert contacts.get_contact(cid).title == "Head buyer"
        # a local edit goes up with the phone's own lines intact
        data = contacts.get_contact(cid).to_input()
        data.organization = "Acme"
        contacts.update_contact(cid, data)
        assert engine.sync_account().pushed == 1
    _, text, _ = _server_card(dav_server, uid)
    assert "ORG:Acme" in text and "TITLE:Head buyer" in text
    assert "X-PHONE-RINGTONE:marimba" in text and "NOTE:met at the expo" in text


def test_edits_on_both_sides_merge_and_the_same_field_goes_to_the_conflicts(laptop, dav_server):
    with laptop("a"):
        cid = _person(title="Buyer", organization="Acme")
        engine.sync_account()
        uid = Contact.get_by_id(cid).uid
    href, text, etag = _server_card(dav_server, uid)
    phone = text.replace("TITLE:Buyer", "TITLE:Chief buyer").replace(
        "ORG:Acme", "ORG:Acme Holdings"
    )
    dav_server.put(href, phone, etag=etag)
    with laptop("a"):
        data = contacts.get_contact(cid).to_input()
        data.title = "Purchasing lead"  # the same field as the phone
        data.emails = [contacts.Labeled("ann@acme.example", "work")]  # another field
        contacts.update_contact(cid, data)
        got = engine.sync_account()
        assert got.conflicts == 1 and got.errors == []
        ann = contacts.get_contact(cid)
        assert ann.title == "Chief buyer"  # the server wins the same field
        assert ann.organization == "Acme Holdings"
        assert [e.value for e in ann.emails] == ["ann@acme.example"]
        (row,) = conflicts.list_conflicts("server")
        assert (row.field, row.local_value, row.server_value) == (
            "title",
            "Purchasing lead",
            "Chief buyer",
        )
        conflicts.restore_local(row.id)
        assert engine.sync_account().pushed == 1
        assert conflicts.list_conflicts() == []
    _, text, _ = _server_card(dav_server, uid)
    assert "TITLE:Purchasing lead" in text and "ann@acme.example" in text


def test_deletes_go_both_ways_archived_here_and_an_edit_beats_a_delete(laptop, dav_server):
    with laptop("a"):
        gone_here = _person("Gone", "Here")
        gone_there = _person("Gone", "There")
        edited = _person("Edited", "Here")
        _person("Stays", "Put")
        engine.sync_account()
        uids = {cid: Contact.get_by_id(cid).uid for cid in (gone_here, gone_there, edited)}
        trash.delete_contact(gone_here)
    for cid in (gone_there, edited):
        href, _, etag = _server_card(dav_server, uids[cid])
        assert dav_server.delete(href, etag=etag).status_code in (200, 204)
    with laptop("a"):
        data = contacts.get_contact(edited).to_input()
        data.title = "Still here"
        contacts.update_contact(edited, data)
        got = engine.sync_account()
        assert got.deleted >= 2 and got.errors == []
        assert contacts.is_archived(gone_there)  # archived, restorable, not destroyed
        assert not contacts.is_archived(edited)
        assert engine.sync_account().as_json()["pushed"] == 0
    texts = "".join(dav_server.objects(dav_server.addressbook_url).values())
    assert uids[gone_here] not in texts and uids[gone_there] not in texts
    assert uids[edited] in texts and "TITLE:Still here" in texts


def test_an_emptied_address_book_stops_the_sync_and_asks(laptop, dav_server):
    with laptop("a"):
        for i in range(8):
            _person("Person", f"{i}")
        engine.sync_account()
    for href, etag in dav_server.listing(dav_server.addressbook_url).items():
        dav_server.delete(href, etag=etag)
    with laptop("a"):
        with pytest.raises(SyncGuardTripped) as err:
            engine.sync_account()
        assert err.value.reason == "empty" and err.value.count == 8
        assert contacts.count_contacts() == 8  # nothing changed
        got = engine.sync_account(allow_mass_delete=True)
        assert got.deleted >= 8 and contacts.count_contacts() == 0
        assert contacts.count_contacts(include_archived=True) == 8


def test_a_lost_reply_and_a_failing_server_lose_nothing_and_duplicate_nothing(
    laptop, dav_server, fault_proxy
):
    with laptop("a", fault_proxy):
        for i in range(3):
            _person("Person", f"{i}")
        fault_proxy.inject("lose_reply", method="PUT", times=1)
        with pytest.raises(SyncError):
            engine.sync_account()
        got = engine.sync_account()
        assert got.errors == []
        assert {SyncItem.select().where(SyncItem.dirty == True).count()} == {0}  # noqa: E712
        fault_proxy.inject("503", method="REPORT", times=1)
        cid = _person("Late", "Comer")
        with pytest.raises(SyncError) as err:
            engine.sync_account()
        assert "server" in str(err.value).lower() and "'server'" in str(err.value)
        engine.sync_account()
        assert Contact.get_by_id(cid).uid in "".join(
            dav_server.objects(dav_server.addressbook_url).values()
        )
    assert len(dav_server.listing(dav_server.addressbook_url)) == 4


def test_a_412_on_push_fetches_merges_and_retries(laptop, dav_server, fault_proxy):
    with laptop("a", fault_proxy):
        cid = _person(title="Buyer")
        engine.sync_account()
        data = contacts.get_contact(cid).to_input()
        data.title = "Head buyer"
        contacts.update_contact(cid, data)
        fault_proxy.inject("412", method="PUT", times=1)
        got = engine.sync_account()
        assert got.pushed == 1 and got.errors == [] and got.conflicts == 0
    (text,) = dav_server.objects(dav_server.addressbook_url).values()
    assert "TITLE:Head buyer" in text


def test_progress_is_reported_and_a_cancelled_sync_finishes_next_time(laptop, dav_server):
    with laptop("a"):
        for i in range(5):
            _person("Person", f"{i}")
        seen = []
        got = engine.sync_account(
            progress=lambda done, total, text: seen.append((done, total, text)),
            cancelled=lambda: any(t == "Sending contacts" for _, _, t in seen),
        )
        assert got.cancelled and "cancelled" in got.summary()
        assert seen and all(0 <= done <= total for done, total, _ in seen)
        assert len(dav_server.listing(dav_server.addressbook_url)) < 5
        done = engine.sync_account()
        assert not done.cancelled and done.errors == []
    assert len(dav_server.listing(dav_server.addressbook_url)) == 5


def test_the_command_line_adds_an_account_and_syncs(tmp_path, dav_server, capsys):
    import json

    from favorbook.cli import main

    folder = str(tmp_path / "cli")
    assert main(["demo", "--contacts", "5", "--data-dir", folder]) == 0
    add = ["account", "add", dav_server.url, "--user", dav_server.username]
    add += ["--addressbook", dav_server.addressbook_url, "--calendar", dav_server.calendar_url]
    assert main([*add, "--name", "work", "--data-dir", folder]) == 0
    capsys.readouterr()
    assert main(["sync", "--json", "--data-dir", folder]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {
        "pushed",
        "pulled",
        "deleted",
        "conflicts",
        "errors",
        "changes_sent",  # the sync between the rep's devices (issue 16); 0 when off
        "changes_received",
    }
    assert report["pushed"] >= 5 and report["errors"] == []
    assert len(dav_server.listing(dav_server.addressbook_url)) == 5
    assert main(["sync", "--account", "work", "--data-dir", folder]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_first_sync_that_failed_half_way_does_not_trip_the_guard_next_time(
    laptop, dav_server, fault_proxy
):
    """Cards queued with a server address but never sent are not "deleted on the server"."""
    with laptop("a", fault_proxy):
        for i in range(12):
            _person("Person", f"{i}")
        fault_proxy.inject("lose_reply", method="PUT", times=1)  # reached the server, no reply
        fault_proxy.inject("503", method="PUT", times=None, after=3)
        with pytest.raises(SyncError) as err:
            engine.sync_account()
        assert err.value.report.pushed == len([i for i in SyncItem.select() if i.etag is not None])
        on_server = len(dav_server.listing(dav_server.addressbook_url))
        assert 0 < on_server < 12
        fault_proxy.clear()
        got = engine.sync_account()
        assert got.errors == [] and got.deleted == 0 and got.conflicts == 0
        assert contacts.count_contacts(include_archived=True) == 12
        assert contacts.count_contacts() == 12
        assert engine.sync_account().summary() == "up to date"
    uids = [
        line
        for text in dav_server.objects(dav_server.addressbook_url).values()
        for line in text.splitlines()
        if line.startswith("UID:")
    ]
    assert len(uids) == 12 and len(set(uids)) == 12


def test_a_server_busy_with_another_write_is_asked_again(laptop, dav_server, fault_proxy):
    """423 Locked (Xandikos locks its store per write; uploads go in parallel) is not an
    error: nothing was done, and the same upload goes again a moment later."""
    with laptop("a", fault_proxy):
        for i in range(4):
            _person("Person", f"{i}")
        fault_proxy.inject("423", method="PUT", times=2)
        got = engine.sync_account()
        assert got.errors == []
        assert fault_proxy.outcomes("423") == 2
    assert len(dav_server.listing(dav_server.addressbook_url)) == 4


def test_a_contact_deleted_before_its_upload_was_confirmed_goes_from_the_server_too(
    laptop, dav_server, fault_proxy
):
    """The upload reached the server but its reply did not (a sync killed or cut off): a
    delete here afterwards removes the card there, it does not come back as a new contact."""
    with laptop("a", fault_proxy):
        _person("Keep", "Me")
        gone = _person("Gone", "Soon")
        fault_proxy.inject("lose_reply", method="PUT", times=None)
        with pytest.raises(SyncError):
            engine.sync_account()
        fault_proxy.clear()
        assert len(dav_server.listing(dav_server.addressbook_url)) == 2
        trash.delete_contact(gone)
        got = engine.sync_account()
        assert got.errors == [] and got.deleted == 1
        assert [n for _, n in contacts.all_names(include_archived=True)] == ["Keep Me"]
    (text,) = dav_server.objects(dav_server.addressbook_url).values()
    assert "FN:Keep Me" in text
