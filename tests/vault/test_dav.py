"""The sync between the rep's devices through a collection of its own on the CalDAV
account, against real Radicale and Xandikos servers: it travels whole, the server holds
nothing in clear, and what is altered, swapped or replayed there is refused."""

from __future__ import annotations

import re
import threading

import pytest

from favorbook.services import contacts, favors
from favorbook.sync.vault import davstore, engine
from tests.vault.helpers import home_url, server_objects, vault_url
from tests.vault.test_paths_and_safety import SECRETS


def _synced(devices, *names):
    for name in names:
        assert devices.sync(name).errors == []
    for name in names:
        assert devices.sync(name).errors == []


def test_two_devices_sync_through_the_account(dav_devices):
    from favorbook.sample import demo

    with dav_devices.on("A"):
        demo.load(8, seed=3)
    dav_devices.join("A")
    dav_devices.join("B")
    _synced(dav_devices, "A", "B")
    assert dav_devices.dump("A") == dav_devices.dump("B")
    with dav_devices.on("B"):
        favors.log_favor(contacts.list_ids()[0], "given", "An introduction")
        assert engine.devices()["this_device"]["account"] == "work"
        assert engine.is_on()
    _synced(dav_devices, "B", "A")
    assert dav_devices.dump("A") == dav_devices.dump("B")
    with dav_devices.on("A"):
        seen = engine.devices()
        assert seen["this_device"]["folder"] is None
        [other] = seen["devices"]
        assert other["name"] == "laptop B" and other["objects_read"] >= 1
    names = set(server_objects(dav_devices.server))
    assert "favorbook-vault/vault-key.ics" in names  # the key alone there; and each device's
    own = r"favorbook-vault-[0-9a-f]{16}/(S?[0-9]{10}|HEAD|START)\.ics"  # objects, stubs
    data = r"favorbook-vault-[0-9a-f]{16}-data/S?[0-9]{10}(\.[0-9]+)?\.ics"  # big ones
    assert all(
        re.fullmatch(own, n) or re.fullmatch(data, n)
        for n in names - {"favorbook-vault/vault-key.ics"}
    ), names
    assert len({n.split("/")[0] for n in names if re.fullmatch(own, n)}) == 2  # A and B


def test_the_vault_collection_is_no_tasks_calendar_for_the_contact_sync(dav_devices):
    """A second device adding the same account still finds one tasks calendar."""
    from favorbook.sync import accounts

    dav_devices.join("A")
    with dav_devices.on("B"):
        server = dav_devices.server
        found = accounts.discover(server.url, server.username, server.password)
        assert [c.url for c in found.calendars] == [server.calendar_url]


SECRET_WORDS = SECRETS


def test_the_server_holds_no_word_in_clear(dav_devices):
    from favorbook.services import conversations, vetting

    with dav_devices.on("A"):
        c = contacts.create_contact(
            contacts.ContactInput(first_name="Zanzibar", last_name="Quetzal", how_met="Quetzal")
        )
        contacts.add_note(c, "whispered-secret-note", private=True)
        favors.log_favor(c, "given", "favor-of-the-century")
        conversations.log_conversation(c, "inbound", "Quetzal called")
        vetting.add_note(c, "solid", evidence="vetting-evidence-xyz")
    dav_devices.join("A")
    dav_devices.join("B")
    _synced(dav_devices, "A", "B")
    objects = server_objects(dav_devices.server)  # raw GETs, as the server hands them out
    assert len(objects) >= 3
    for name, data in objects.items():
        for word in SECRET_WORDS:
            assert word.encode() not in data, f"{word!r} in clear in {name}"
            assert word.encode("utf-16-le") not in data
        assert b"SUMMARY" not in data and b"DESCRIPTION" not in data
    with dav_devices.on("B"):
        [(z, _)] = contacts.find_by_name("Zanzibar Quetzal")
        assert favors.balance(z).given == 1


def _three_log_objects(devices):
    with devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    devices.join("A")
    devices.sync("A")
    for what in ("First", "Second"):
        with devices.on("A"):
            favors.log_favor(ann, "given", what)
        devices.sync("A")
    server = devices.server
    names = sorted(n for n in server_objects(server) if re.search(r"/[0-9]{10}\.ics$", n))
    assert len(names) == 3  # the log objects (beside the key and the device's head)
    return [home_url(server) + n for n in names]


def test_altered_swapped_or_replayed_objects_on_the_server_are_refused(dav_devices):
    server = dav_devices.server
    first, second, third = _three_log_objects(dav_devices)
    originals = {h: server.request("GET", h).content for h in (first, second, third)}
    dav_devices.join("B")
    before = dav_devices.dump("B")

    def put(href, data):
        # as an attacker would: the UID made to match the name (the server wants them unique)
        stem = href.rsplit("/", 1)[-1].removesuffix(".ics")
        data = re.sub(rb"UID:[^\r\n]*", b"UID:" + stem.encode(), data)
        r = server.request("PUT", href, data, {"Content-Type": "text/calendar; charset=utf-8"})
        assert r.status_code in (200, 201, 204), r.text

    def refused():
        report = dav_devices.sync("B")
        assert report.changes_received == 0
        assert report.errors and "refused" in report.errors[0]
        assert "favorbook-vault" in report.errors[0]
        assert dav_devices.dump("B") == before

    data, parts = davstore.decode(originals[first].decode())
    flipped = bytearray(data)
    flipped[-5] ^= 1
    put(first, davstore.encode("x", bytes(flipped), parts).encode())
    refused()  # altered
    put(first, originals[second])
    put(second, originals[first])
    refused()  # swapped
    put(first, originals[first])
    put(second, originals[first])
    dav_devices.sync("B")  # the first one applies; the replay of it as the second does not
    after_first = dav_devices.dump("B")
    report = dav_devices.sync("B")
    assert report.changes_received == 0 and "refused" in report.errors[0]
    assert dav_devices.dump("B") == after_first
    put(second, originals[second])
    dav_devices.sync("B")
    assert dav_devices.dump("B")["favor"] == dav_devices.dump("A")["favor"]


def test_a_missing_object_holds_back_the_later_ones(dav_devices):
    server = dav_devices.server
    first, _, _ = _three_log_objects(dav_devices)
    kept = server.request("GET", first).content
    assert server.request("DELETE", first).status_code in (200, 204)
    dav_devices.join("B")
    report = dav_devices.sync("B")
    assert report.changes_received == 0 and "missing" in report.errors[0]
    server.request("PUT", first, kept, {"Content-Type": "text/calendar; charset=utf-8"})
    assert dav_devices.sync("B").changes_received > 0
    assert dav_devices.dump("A") == dav_devices.dump("B")


def test_a_big_object_travels_in_parts_and_a_part_lost_is_refused(dav_devices, monkeypatch):
    from favorbook.sample import demo

    monkeypatch.setattr(davstore, "PART_BYTES", 3000)
    with dav_devices.on("A"):
        demo.load(6, seed=4)
    dav_devices.join("A")
    dav_devices.sync("A")
    server = dav_devices.server
    names = set(server_objects(server))
    parts = sorted(n for n in names if re.fullmatch(r".*\.[0-9]+\.ics", n))
    assert parts, names
    dav_devices.join("B")
    before = dav_devices.dump("B")
    lost = home_url(server) + parts[0]
    kept = server.request("GET", lost).content
    server.request("DELETE", lost)
    report = dav_devices.sync("B")
    assert report.changes_received == 0 and "refused" in report.errors[0]
    assert dav_devices.dump("B") == before
    server.request("PUT", lost, kept, {"Content-Type": "text/calendar; charset=utf-8"})
    assert dav_devices.sync("B").errors == []
    assert dav_devices.dump("A") == dav_devices.dump("B")


def test_a_write_stopped_halfway_is_finished_by_the_next_sync(dav_devices, monkeypatch):
    """Parts written, head not (the sync was stopped): the next sync writes it, once."""
    from favorbook.sample import demo
    from favorbook.sync.vault.davstore import _Collection as Collection

    monkeypatch.setattr(davstore, "PART_BYTES", 3000)
    with dav_devices.on("A"):
        demo.load(6, seed=4)
    dav_devices.join("A")
    original = Collection.put_own

    def stop_at_a_head(self, name, text):
        if "." not in name and name != "START":
            raise KeyboardInterrupt  # the process stopped here
        original(self, name, text)

    monkeypatch.setattr(Collection, "put_own", stop_at_a_head)
    with pytest.raises(KeyboardInterrupt):
        dav_devices.sync("A")
    monkeypatch.setattr(Collection, "put_own", original)
    assert dav_devices.sync("A").errors == []
    dav_devices.join("B")
    assert dav_devices.sync("B").errors == []
    assert dav_devices.dump("A") == dav_devices.dump("B")


def test_a_wrong_passphrase_and_a_new_one_through_the_account(dav_devices, monkeypatch):
    from favorbook.sync.vault import crypto

    dav_devices.join("A")
    dav_devices.sync("A")
    with dav_devices.on("B"), pytest.raises(crypto.WrongVaultPassphrase) as wrong:
        from favorbook.sync import accounts

        server = dav_devices.server
        accounts.add_account(server.url, server.username, server.password, name="work")
        engine.turn_on_account("work", "not it")
    assert str(wrong.value) == (
        "The sync passphrase is wrong: it does not open the vault in the collection "
        "favorbook-vault of account 'work'."
    )
    with dav_devices.on("A"):
        engine.change_passphrase("correct horse battery staple", "a new one")
    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", "a new one")
    with dav_devices.on("B"):
        engine.turn_on_account("work", "a new one", device_name="laptop B")
        assert engine.sync("a new one").errors == []


def test_an_account_removed_under_the_device_sync_is_one_message(dav_devices):
    from favorbook.sync import accounts, store
    from favorbook.sync.vault import crypto

    dav_devices.join("A")
    with dav_devices.on("A"):
        store.remove_account(accounts.account_row("work"))  # gone under the device sync
        with pytest.raises(crypto.VaultError) as gone:
            engine.sync()
        assert "account 'work'" in str(gone.value) and "no longer set up" in str(gone.value)


def test_removing_the_account_stops_the_device_sync_through_it(dav_devices):
    from favorbook.sync import accounts

    dav_devices.join("A")
    dav_devices.sync("A")
    with dav_devices.on("A"):
        accounts.remove_account("work")
        assert not engine.is_on() and engine.sync() is None
        contacts.create_contact(contacts.ContactInput(first_name="Kept", last_name="Here"))
        server = dav_devices.server
        accounts.add_account(server.url, server.username, server.password, name="work")
        engine.turn_on_account("work")
        assert engine.sync().changes_sent > 0  # what changed meanwhile went out


def test_turned_off_it_keeps_the_changes_for_when_it_is_on_again(dav_devices):
    dav_devices.join("A")
    dav_devices.join("B")
    _synced(dav_devices, "A", "B")
    with dav_devices.on("A"):
        engine.turn_off()
        assert not engine.is_on() and engine.sync() is None
        contacts.create_contact(contacts.ContactInput(first_name="Off", last_name="Line"))
        engine.turn_on_account("work", device_name="laptop A")
    _synced(dav_devices, "A", "B")
    with dav_devices.on("B"):
        assert len(contacts.find_by_name("Off Line")) == 1


def test_devices_move_from_a_folder_to_the_account_and_bring_the_vault(dav_devices):
    """Each device that moves copies what the collection lacks, so a device that wrote to
    the folder after another one moved brings that along; a new device joins there."""
    from favorbook.sync import accounts
    from favorbook.sync.vault import crypto

    devices = dav_devices
    server = devices.server
    with devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    for name in ("A", "B"):
        with devices.on(name):
            engine.turn_on_folder(str(devices.folder), device_name=f"laptop {name}")
    _synced(devices, "A", "B")
    with devices.on("A"):
        accounts.add_account(server.url, server.username, server.password, name="work")
        engine.turn_off()
        with pytest.raises(crypto.VaultError) as off:  # from nowhere: nothing to copy
            engine.turn_on_account("work")
        assert "Turn the sync on there again first" in str(off.value)
        engine.turn_on_folder(str(devices.folder))
        engine.turn_on_account("work")
        assert engine.devices()["this_device"]["account"] == "work"
        favors.log_favor(ann, "given", "Sent through the account")
    with devices.on("B"):
        favors.log_favor(contacts.list_ids()[0], "received", "Written to the folder")
    devices.sync("B")  # still through the folder
    devices.sync("A")
    with devices.on("B"):
        accounts.add_account(server.url, server.username, server.password, name="work")
        engine.turn_on_account("work")  # brings its folder-only object along
    _synced(devices, "A", "B")
    devices.dirs["C"] = devices.root / "data-C"
    devices.join("C")
    _synced(devices, "C")
    assert devices.dump("A") == devices.dump("B") == devices.dump("C")
    with devices.on("C"):
        [(c_ann, _)] = contacts.find_by_name("Ann Lee")
        assert (favors.balance(c_ann).given, favors.balance(c_ann).received) == (1, 1)


def test_moving_onto_another_vault_is_refused(dav_devices):
    from favorbook.sync import accounts
    from favorbook.sync.vault import crypto
    from tests.vault.helpers import PASSPHRASE

    devices = dav_devices
    server = devices.server
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
        engine.turn_on_folder(str(devices.folder))
        engine.sync()
        accounts.add_account(server.url, server.username, server.password, name="work")
        client = accounts.client_for(accounts.account_row("work"))
        try:  # another vault, with the same passphrase, made there by someone else
            url = davstore.find_or_create(client, accounts.account_row("work"))
            davstore.DavStore(client, url, "work").write_key(crypto.new_key_file(PASSPHRASE)[1])
        finally:
            client.close()
        with pytest.raises(crypto.VaultError) as refused:
            engine.turn_on_account("work")
        assert "holds another vault" in str(refused.value)
        assert engine.devices()["this_device"]["folder"] == str(devices.folder)


def test_an_altered_snapshot_on_the_server_is_refused_and_the_log_read_instead(
    dav_devices, monkeypatch
):
    from favorbook.sample import demo
    from favorbook.sync.vault import snapshot

    monkeypatch.setattr(snapshot, "EVERY", 1)
    with dav_devices.on("A"):
        demo.load(5, seed=6)
    dav_devices.join("A")
    dav_devices.sync("A")
    server = dav_devices.server
    [snap] = [n for n in server_objects(server) if "-data/S" in n]  # (its stub beside A's log)
    href = home_url(server) + snap
    data, parts = davstore.decode(server.request("GET", href).content.decode())
    altered = bytearray(data)
    altered[40] ^= 1
    text = davstore.encode(snap.rsplit("/", 1)[-1].removesuffix(".ics"), bytes(altered), parts)
    server.request("PUT", href, text, {"Content-Type": "text/calendar; charset=utf-8"})
    dav_devices.join("B")
    report = dav_devices.sync("B")
    assert any("Snapshot" in e and "refused" in e for e in report.errors)
    assert report.changes_received > 0
    assert dav_devices.dump("A") == dav_devices.dump("B")


def test_an_altered_key_on_the_server_is_one_sentence(dav_devices):
    from favorbook.sync.vault import crypto

    dav_devices.join("A")
    server = dav_devices.server
    href = vault_url(server) + "vault-key.ics"
    text = davstore.encode("vault-key", b"not a key file")
    server.request("PUT", href, text, {"Content-Type": "text/calendar; charset=utf-8"})
    with dav_devices.on("A"), pytest.raises(crypto.VaultError) as damaged:
        engine.sync()
    assert "damaged" in str(damaged.value) and "favorbook-vault" in str(damaged.value)


def test_a_server_that_will_not_make_the_collection_is_one_sentence(dav_devices, monkeypatch):
    """A server without journal calendars (iCloud), or without the right to make one,
    refuses MKCALENDAR and MKCOL: one sentence naming the account; the sync stays off."""
    from favorbook.errors import SyncError
    from favorbook.sync import accounts, dav
    from favorbook.sync.vault import crypto

    original = dav.DavClient.request

    def refusing(self, method, url, **kw):
        if method in ("MKCALENDAR", "MKCOL"):
            raise SyncError(f"Account 'work': the server does not allow {method} on {url} (403).")
        return original(self, method, url, **kw)

    with dav_devices.on("A"):
        server = dav_devices.server
        accounts.add_account(server.url, server.username, server.password, name="work")
        monkeypatch.setattr(dav.DavClient, "request", refusing)
        with pytest.raises(crypto.VaultError) as refused:
            engine.turn_on_account("work")
        assert str(refused.value).startswith(
            "The server of account 'work' would not make the collection favorbook-vault"
        )
        assert not engine.is_on()


def test_a_devices_newest_object_gone_from_the_server_is_noticed(dav_devices):
    """Each device keeps a sealed head on the server too: another device sees that the
    newest objects it names are missing (a rolled-back collection), not only gaps."""
    server = dav_devices.server
    first, second, third = _three_log_objects(dav_devices)
    assert server.request("DELETE", third).status_code in (200, 204)
    dav_devices.join("B")
    report = dav_devices.sync("B")
    assert any("Changes 3 to 3 of device" in e and "missing" in e for e in report.errors)
    assert not any("folder" in e for e in report.errors), report.errors  # it is a server
    assert any("the collection favorbook-vault of account" in e for e in report.errors)
    assert [f["description"] for f in dav_devices.dump("B")["favor"].values()] == ["First"]


def test_the_parts_of_an_object_come_at_once_whole_and_a_swapped_part_is_refused(
    dav_devices, monkeypatch
):
    """An object in many parts is fetched with its parts in flight together: the same
    bytes come back, and parts swapped on the server fail the object's check."""
    from favorbook.sample import demo
    from favorbook.sync.dav import DavClient
    from favorbook.sync.vault.davstore import DavStore
    from favorbook.sync.vault.davstore import _Collection as Collection

    monkeypatch.setattr(davstore, "PART_BYTES", 2000)
    server = dav_devices.server
    store = DavStore(
        DavClient(server.url, server.username, server.password), vault_url(dav_devices.server), "x"
    )
    with dav_devices.on("A"):
        demo.load(6, seed=4)
    dav_devices.join("A")
    dav_devices.sync("A")
    data = bytes(range(256)) * 40  # 10,240 bytes: 6 parts
    fake = "0123456789abcdef"
    try:
        store.put(fake, "0000000001", data)
        names = sorted(
            n for n in server_objects(server) if n.startswith(f"favorbook-vault-{fake}/0")
        )
        assert len(names) == 6, names
        threads = set()
        entry = Collection.entry

        def seen(self, name):
            threads.add(threading.get_ident())
            return entry(self, name)

        monkeypatch.setattr(Collection, "entry", seen)
        assert DavStore(store.client, store.url, "x").get(fake, 1) == data
        assert len(threads) > 1  # the parts were in flight together
        monkeypatch.setattr(Collection, "entry", entry)
        for suffix in ("", "-data"):
            server.request("DELETE", f"{home_url(server)}favorbook-vault-{fake}{suffix}/")
    finally:
        store.close()
    dav_devices.join("B")
    before = dav_devices.dump("B")
    with dav_devices.on("A"):
        device = engine.devices()["this_device"]["id"]
    twins = sorted(
        n for n in server_objects(server) if n.startswith(f"favorbook-vault-{device}/0000000001.")
    )
    assert len(twins) >= 3, twins  # the head and two parts or more
    first, second = (home_url(server) + p for p in twins[:2])
    kept = {h: server.request("GET", h).content for h in (first, second)}

    def put(href, text):
        own = href.rsplit("/", 1)[-1].removesuffix(".ics").encode()
        text = re.sub(rb"UID:[^\r\n]*", b"UID:" + own, text)
        r = server.request("PUT", href, text, {"Content-Type": "text/calendar; charset=utf-8"})
        assert r.status_code in (200, 201, 204), r.text

    put(first, kept[second])
    put(second, kept[first])
    report = dav_devices.sync("B")
    assert report.changes_received == 0 and "refused" in report.errors[0]
    assert dav_devices.dump("B") == before
    put(first, kept[first])
    put(second, kept[second])
    assert dav_devices.sync("B").errors == []
    assert dav_devices.dump("A") == dav_devices.dump("B")


def test_a_sync_lists_the_collection_without_etags_and_the_key_still_changes_guarded(
    dav_devices, monkeypatch
):
    """A server may read every entry whole to give its ETag (Radicale does): the listing a
    sync starts with asks for none; the key file, the one entry rewritten, still goes with
    the ETag it had (If-Match)."""
    from favorbook.sample import demo
    from favorbook.sync.dav import DavClient

    with dav_devices.on("A"):
        demo.load(4, seed=2)
    dav_devices.join("A")
    dav_devices.sync("A")
    dav_devices.join("B")
    sent = []
    request = DavClient.request

    def record(self, method, url, *, body=None, headers=None, **kw):
        sent.append((method, url, body or b"", dict(headers or {})))
        return request(self, method, url, body=body, headers=headers, **kw)

    monkeypatch.setattr(DavClient, "request", record)
    assert dav_devices.sync("B").changes_received > 0
    listings = [b for m, u, b, h in sent if m == "PROPFIND" and h.get("Depth") == "1"]
    assert listings and not any(b"getetag" in b for b in listings)
    sent.clear()
    with dav_devices.on("B"):
        engine.change_passphrase("correct horse battery staple", "another one")
    [put] = [h for m, u, b, h in sent if m == "PUT" and u.endswith("vault-key.ics")]
    assert put.get("If-Match")


def test_an_entry_refolded_by_the_server_decodes_the_same():
    """A server may hand an entry back folded otherwise (tabs, bare line feeds)."""
    import os

    data = os.urandom(200_000)
    text = davstore.encode("x", data, 2)
    assert davstore.decode(text) == (data, 2)
    assert davstore.decode(text.replace("\r\n ", "\r\n\t")) == (data, 2)
    assert davstore.decode(text.replace("\r\n", "\n")) == (data, 2)


def test_a_sync_rewrites_its_head_with_one_put(dav_devices, monkeypatch):
    """The head, read at the start of a sync, is written again with the ETag it was read
    with: one PUT, not a create refused and a read again first."""
    from favorbook.sync.dav import DavClient

    with dav_devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    dav_devices.join("A")
    dav_devices.sync("A")
    with dav_devices.on("A"):
        favors.log_favor(ann, "given", "A lead")
    sent = []
    request = DavClient.request

    def record(self, method, url, **kw):
        sent.append((method, url.rsplit("/", 1)[-1]))
        return request(self, method, url, **kw)

    monkeypatch.setattr(DavClient, "request", record)
    assert dav_devices.sync("A").changes_sent > 0
    heads = [(m, n) for m, n in sent if n == "HEAD.ics"]
    assert heads == [("GET", heads[0][1]), ("PUT", heads[0][1])], sent
    dav_devices.join("B")
    assert dav_devices.sync("B").errors == []
    assert dav_devices.dump("A") == dav_devices.dump("B")
