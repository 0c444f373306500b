"""The device sync's layout on a DAV account: each device's small collection of its own
(log, stubs, head) beside a ``-data`` one for its big objects, so that a routine sync lists
and writes only small collections; and a vault in the older layout (every object in
``favorbook-vault/``) that keeps working, read where it is, while devices upgrade one by
one."""

from __future__ import annotations

import json

from favorbook.services import contacts, favors
from favorbook.sync.vault import davstore, snapshot
from tests.vault.helpers import home_url, server_objects
from tests.vault.legacy_dav import LegacyDavStore


def _record(monkeypatch) -> list[tuple[str, str, dict]]:
    """Every request the device sync makes from now on: (method, URL, headers)."""
    from favorbook.sync.dav import DavClient

    sent = []
    request = DavClient.request

    def record(self, method, url, **kw):
        sent.append((method, url, dict(kw.get("headers") or {})))
        return request(self, method, url, **kw)

    monkeypatch.setattr(DavClient, "request", record)
    return sent


def test_a_routine_sync_lists_and_writes_only_the_small_collections(dav_devices, monkeypatch):
    """The key's collection and the big objects' ones are never listed by a sync of a few
    changes, nor written: a server that reads a whole collection to list it or to check a
    new entry's UID (Radicale) reads only small ones."""
    from favorbook.sample import demo

    monkeypatch.setattr(davstore, "INLINE_BYTES", 2000)  # the first sync's objects are "big"
    with dav_devices.on("A"):
        demo.load(8, seed=3)
    dav_devices.join("A")
    dav_devices.join("B")
    for name in ("A", "B", "A", "B"):
        assert dav_devices.sync(name).errors == []
    assert any("-data/" in n for n in server_objects(dav_devices.server))
    with dav_devices.on("A"):
        favors.log_favor(contacts.list_ids()[0], "given", "A routine favor")
    sent = _record(monkeypatch)
    assert dav_devices.sync("A").changes_sent == 1
    assert dav_devices.sync("B").changes_received == 1
    listed = [u for m, u, h in sent if m == "PROPFIND" and h.get("Depth") == "1"]
    assert listed and not any(u.rstrip("/").endswith(("favorbook-vault", "-data")) for u in listed)
    written = [u for m, u, h in sent if m in ("PUT", "DELETE", "MKCALENDAR", "MKCOL")]
    assert written and all("/favorbook-vault-" in u and "-data/" not in u for u in written)
    assert not [u for m, u, h in sent if "-data/" in u]  # nothing big fetched either
    assert dav_devices.dump("A") == dav_devices.dump("B")


def _ann() -> int:
    [(ann, _)] = contacts.find_by_name("Ann Lee")
    return ann


def _names(server, collection: str = "favorbook-vault/") -> set[str]:
    return {n for n in server_objects(server) if n.startswith(collection)}


def test_a_vault_in_the_older_layout_keeps_working_as_devices_upgrade(dav_devices, monkeypatch):
    """A and B sync in the older layout; A upgrades (its older objects stay where they are,
    read from there), B goes on with the older favorbook for a while (A still gets its
    changes), then upgrades too and gets A's; a new device C joins from the older layout's
    snapshot and both layouts' logs. Nothing is lost or twice, and nothing new goes into
    the older layout's collection from an upgraded device."""
    from favorbook.db.models import db
    from favorbook.sample import demo

    devices, server = dav_devices, dav_devices.server
    monkeypatch.setattr(snapshot, "EVERY", 3)
    monkeypatch.setattr(davstore, "INLINE_BYTES", 3000)  # big objects and stubs too
    with monkeypatch.context() as older:
        older.setattr(davstore, "DavStore", LegacyDavStore)
        with devices.on("A"):
            demo.load(8, seed=3)
            contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
        devices.join("A")
        devices.join("B")
        for name in ("A", "B", "A"):
            assert devices.sync(name).errors == []
        for n, name in enumerate(("A", "B", "A", "B")):
            with devices.on(name):
                favors.log_favor(_ann(), "given", f"older layout {n} on {name}")
            assert devices.sync(name).errors == []
        assert server_objects(server).keys() == _names(server)  # all in the one collection
        assert any("-S" in n for n in _names(server))  # a snapshot there too

    with devices.on("A"):  # A upgrades
        favors.log_favor(_ann(), "given", "after A's upgrade")
    assert devices.sync("A").errors == []
    with monkeypatch.context() as still:  # B has the older favorbook still
        still.setattr(davstore, "DavStore", LegacyDavStore)
        with devices.on("B"):
            favors.log_favor(_ann(), "received", "B still older")
        assert devices.sync("B").errors == []
    before = _names(server)
    report = devices.sync("A")
    assert report.errors == [] and report.changes_received == 1  # B's, from the older layout
    assert devices.sync("B").errors == []  # B upgrades: gets A's
    devices.dirs["C"] = devices.root / "data-C"
    devices.join("C")
    report = devices.sync("C")  # from A's snapshot in the older layout, and the logs after
    assert report.errors == [] and report.changes_received > 0
    for _ in range(2):
        for name in ("A", "B", "C"):
            with devices.on(name):
                favors.log_favor(_ann(), "given", f"upgraded {name} {_}")
            assert devices.sync(name).errors == []
    for name in ("A", "B", "C"):
        assert devices.sync(name).errors == []
    assert devices.dump("A") == devices.dump("B") == devices.dump("C")
    with devices.on("C"):
        made = db.execute_sql(
            "SELECT description, count(*) FROM favor WHERE description LIKE '%older%' "
            "OR description LIKE '%upgrade%' GROUP BY description HAVING count(*) > 1"
        ).fetchall()
        assert made == []
        assert (favors.balance(_ann()).given, favors.balance(_ann()).received) == (4 + 1 + 6, 1)
    assert _names(server) == before  # nothing new in the older layout's collection
    assert len({n.split("/")[0] for n in server_objects(server)} - {"favorbook-vault"}) == 6


def test_a_device_of_the_older_layout_the_others_never_read_is_read_once_it_upgrades(
    dav_devices, monkeypatch
):
    """B joined with the older favorbook after A had upgraded: A does not list the older
    collection for devices it has never heard of, but gets all of B's changes, once, as
    soon as B upgrades."""
    devices = dav_devices
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    devices.join("A")
    assert devices.sync("A").errors == []
    with monkeypatch.context() as still:
        still.setattr(davstore, "DavStore", LegacyDavStore)
        devices.join("B")
        assert devices.sync("B").errors == []
        with devices.on("B"):  # (A's contacts are not there: A writes the new layout)
            bo = contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Old"))
            favors.log_favor(bo, "received", "from B in the older layout")
        assert devices.sync("B").errors == []
    report = devices.sync("A")
    assert report.errors == [] and report.changes_received == 0  # B unknown to A yet
    assert devices.sync("B").errors == []  # upgraded: gets A's
    report = devices.sync("A")
    assert report.errors == [] and report.changes_received >= 2
    assert devices.dump("A") == devices.dump("B")
    with devices.on("A"):
        [(bo, _)] = contacts.find_by_name("Bo Old")
        assert favors.balance(bo).received == 1


def test_an_altered_start_hides_nothing_unnoticed(dav_devices, monkeypatch):
    """``START`` (not sealed: it says where a device's older objects are) altered on the
    server: a huge ``below`` is held to the device's first object in its own collection;
    one that hides the older objects makes them missing, said so, nothing applied past
    them."""
    devices, server = dav_devices, dav_devices.server
    with monkeypatch.context() as older:
        older.setattr(davstore, "DavStore", LegacyDavStore)
        with devices.on("A"):
            contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
        devices.join("A")
        assert devices.sync("A").errors == []
        with devices.on("A"):
            favors.log_favor(_ann(), "given", "in the older layout")
        assert devices.sync("A").errors == []
    with devices.on("A"):
        favors.log_favor(_ann(), "given", "in A's own collection")
    assert devices.sync("A").errors == []
    [start] = [n for n in server_objects(server) if n.endswith("/START.ics")]
    href = home_url(server) + start

    def put_start(doc):
        text = davstore.encode("START", json.dumps(doc).encode())
        r = server.request("PUT", href, text, {"Content-Type": "text/calendar; charset=utf-8"})
        assert r.status_code in (200, 201, 204), r.text

    put_start({"below": 10**12, "snapshots": []})
    devices.join("B")
    assert devices.sync("B").errors == []
    assert devices.dump("A") == devices.dump("B")
    put_start({"below": 1, "snapshots": []})
    devices.dirs["C"] = devices.root / "data-C"
    devices.join("C")
    report = devices.sync("C")
    assert any("Change 1 of device" in e and "missing" in e for e in report.errors), report.errors
    with devices.on("C"):
        assert contacts.find_by_name("Ann Lee") == []  # nothing of A's applied past the gap
