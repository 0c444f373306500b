"""Two data folders through one sync folder: the whole network travels, both ways."""

from __future__ import annotations

import pytest

from favorbook.services import contacts, favors


def _make(first, last, **kw):
    return contacts.create_contact(contacts.ContactInput(first_name=first, last_name=last, **kw))


@pytest.mark.usefixtures("apply_mode")
def test_a_favor_logged_on_b_shows_on_a_with_its_balance(devices):
    with devices.on("A"):
        ann = _make("Ann", "Lee", tags=["golf"], how_met="At the fair", organization="Acme")
        favors.log_favor(ann, "given", "Introduced her to a printer")
        uid = contacts.get_contact(ann).uid
    devices.join("A")
    devices.join("B")
    assert devices.sync("A").changes_sent > 0
    report = devices.sync("B")
    assert report.changes_received > 0 and not report.errors
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        view = contacts.get_contact(b_ann)
        assert view.uid == uid and view.how_met == "At the fair" and view.tags == ["golf"]
        assert view.organization == "Acme"
        assert favors.balance(b_ann).given == 1
        favors.log_favor(b_ann, "received", "She sent a big order")
    devices.sync("B")
    assert devices.sync("A").changes_received >= 1
    with devices.on("A"):
        figures = favors.balance(ann)
        assert (figures.given, figures.received) == (1, 1)
    assert devices.dump("A") == devices.dump("B")


@pytest.mark.usefixtures("apply_mode")
def test_the_same_field_edited_on_both_converges_with_a_conflict_listed(devices):
    from favorbook.sync import conflicts

    with devices.on("A"):
        ann = _make("Ann", "Lee")
    devices.join("A")
    devices.join("B")
    devices.sync("A")
    devices.sync("B")
    with devices.on("A"):
        contacts.update_contact(
            ann, contacts.ContactInput(first_name="Ann", last_name="Lee", needs="Printers")
        )
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        contacts.update_contact(
            b_ann, contacts.ContactInput(first_name="Ann", last_name="Lee", needs="Forklifts")
        )
    devices.sync("A")
    devices.sync("B")
    devices.sync("A")
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        winner = contacts.get_contact(b_ann).needs
        assert winner == "Forklifts"  # edited last
    listed = []
    for name in "AB":
        with devices.on(name):
            listed += [(c.field, c.local_value) for c in conflicts.list_conflicts()]
    assert ("contact.needs", "Printers") in listed


@pytest.mark.usefixtures("apply_mode")
def test_a_new_device_joins_from_the_newest_snapshot_plus_the_log_after_it(devices, monkeypatch):
    import datetime as dt

    from favorbook.sample import demo
    from favorbook.sync.vault import snapshot

    monkeypatch.setattr(snapshot, "EVERY", 2)
    with devices.on("A"):
        demo.load(10, seed=4, on=dt.date(2026, 11, 1))
    devices.join("A")
    devices.sync("A")
    with devices.on("A"):
        ann = _make("Ann", "Lee")
    devices.sync("A")  # the second object: a snapshot covering both
    with devices.on("A"):
        favors.log_favor(ann, "given", "After the snapshot")
    devices.sync("A")
    [folder] = [p for p in devices.folder.iterdir() if p.is_dir()]
    assert (folder / "S0000000002").exists()
    (folder / "0000000001").unlink()  # proves B read the snapshot, not the first log object
    devices.join("B")
    report = devices.sync("B")
    assert report.errors == []
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        assert favors.balance(b_ann).given == 1


def test_a_conflict_restored_on_one_device_travels_to_the_other(devices):
    from favorbook.sync import conflicts

    with devices.on("A"):
        ann = _make("Ann", "Lee")
    devices.join("A")
    devices.join("B")
    devices.sync("A")
    devices.sync("B")
    with devices.on("A"):
        contacts.update_contact(
            ann, contacts.ContactInput(first_name="Ann", last_name="Lee", goals="Grow")
        )
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        contacts.update_contact(
            b_ann, contacts.ContactInput(first_name="Ann", last_name="Lee", goals="Sell")
        )
    devices.sync("A")
    devices.sync("B")
    devices.sync("A")
    with devices.on("A"):
        [row] = conflicts.list_conflicts()
        assert (row.account, row.field_label, row.local_value, row.server_value) == (
            conflicts.DEVICES,
            "Contact: goals",
            "Grow",
            "Sell",
        )
        assert row.contact_name == "Ann Lee"
        conflicts.restore_local(row.id)
        assert contacts.get_contact(ann).goals == "Grow"
        assert conflicts.list_conflicts() == []
    devices.sync("A")
    devices.sync("B")
    with devices.on("B"):
        assert contacts.get_contact(b_ann).goals == "Grow"
        assert conflicts.list_conflicts() == []  # a later edit that saw B's value
    assert devices.dump("A") == devices.dump("B")


@pytest.mark.usefixtures("apply_mode")
def test_devices_that_already_hold_the_same_contacts_merge_without_duplicates(devices):
    """Two laptops that both got Ann and Bo from the contact sync (the same card uids)."""
    from favorbook.db.models import Contact
    from favorbook.sync import conflicts

    with devices.on("A"):
        ann = _make("Ann", "Lee", tags=["golf"], organization="Acme")
        bo = _make("Bo", "Li")
        uids = {c.display_name: c.uid for c in Contact.select()}
        favors.log_favor(ann, "given", "Only on A")
    with devices.on("B"):
        for name, uid in uids.items():
            first, last = name.split()
            tags = ["golf"] if first == "Ann" else []
            made = _make(first, last, tags=tags, organization="Acme" if tags else "")
            Contact.update(uid=uid).where(Contact.id == made).execute()
        _make("Cy", "Ng")
    devices.join("A")
    devices.join("B")
    for name in "ABAB":
        assert devices.sync(name).errors == []
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        assert len(contacts.find_by_name("Ann Lee")) == 1
        assert len(contacts.find_by_name("Bo Li")) == 1
        assert len(contacts.find_by_name("Cy Ng")) == 1
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        assert favors.balance(b_ann).given == 1
        assert contacts.get_contact(b_ann).tags == ["golf"]
        assert [c.field for c in conflicts.list_conflicts()] == []  # only dates differed
    with devices.on("A"):
        assert contacts.get_contact(bo).display_name == "Bo Li"
        assert len(contacts.find_by_name("Cy Ng")) == 1


def test_the_name_details_an_import_brought_travel(devices):
    """FN, N's prefix and suffix, nickname, phonetic names, role and department are fields of
    the contact like any other: set on A, edited on B, the same on both."""
    with devices.on("A"):
        ken = _make(
            "Kenji",
            "Sato",
            full_name="Ken Sato (ABC)",
            name_prefix="Dr.",
            nickname="Ken",
            phonetic_last_name="さとう",
            role="Decision maker",
            department="Marketing",
        )
        uid = contacts.get_contact(ken).uid
    devices.join("A")
    devices.join("B")
    devices.sync("A")
    devices.sync("B")
    with devices.on("B"):
        [b_ken] = [i for i, _name in contacts.all_names() if contacts.get_contact(i).uid == uid]
        view = contacts.get_contact(b_ken)
        assert (view.display_name, view.name_prefix, view.nickname) == (
            "Ken Sato (ABC)",
            "Dr.",
            "Ken",
        )
        assert (view.phonetic_last_name, view.role, view.department) == (
            "さとう",
            "Decision maker",
            "Marketing",
        )
    with devices.on("B"):
        contacts.update_contact(
            b_ken,
            contacts.ContactInput(
                first_name="Kenji", last_name="Sato", nickname="Kenny", department="Sales"
            ),
        )
    devices.sync("B")
    devices.sync("A")
    with devices.on("A"):
        view = contacts.get_contact(ken)
        assert (view.nickname, view.department, view.name_prefix) == ("Kenny", "Sales", "")
    assert devices.dump("A") == devices.dump("B")


def _a_with_a_snapshot(devices, monkeypatch) -> None:
    """Device A with a few sample contacts, synced, its changes in a snapshot."""
    from favorbook.sample import demo
    from favorbook.sync.vault import snapshot

    monkeypatch.setattr(snapshot, "EVERY", 1)
    with devices.on("A"):
        demo.load(5, seed=2)
    devices.join("A")
    devices.sync("A")


def test_a_join_applies_with_the_cycle_collector_off_and_turns_it_back_on(devices, monkeypatch):
    """Tens of millions of objects a big join makes, none in a cycle: the collector stays
    off while they are applied (it went over them again and again), on again after, also
    when the sync fails."""
    import gc

    from favorbook.sync.vault import bulk

    _a_with_a_snapshot(devices, monkeypatch)
    seen = []
    apply = bulk.apply_snapshot

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return apply(*args, **kwargs)

    monkeypatch.setattr(bulk, "apply_snapshot", watched)
    devices.join("B")
    assert gc.isenabled()
    assert devices.sync("B").errors == []
    assert seen == [False] and gc.isenabled()
    assert devices.dump("A") == devices.dump("B")

    def broken(*args, **kwargs):
        raise RuntimeError("stopped")

    with devices.on("A"):
        _make("Cy", "Ng")
    devices.sync("A")
    monkeypatch.setattr(bulk, "apply_changes", broken)
    with pytest.raises(RuntimeError):
        devices.sync("B")
    assert gc.isenabled()


def test_a_join_writes_the_snapshot_without_the_log_and_puts_the_log_back(devices, monkeypatch):
    """The snapshot goes into the empty database with a rollback journal (its pages
    written once, not into the write-ahead log and again at the checkpoint); the WAL is
    back after. With another connection open on the database, the WAL stays."""
    import sqlite3

    from favorbook.db.models import db
    from favorbook.sync.vault import bulk

    _a_with_a_snapshot(devices, monkeypatch)
    modes = []
    apply = bulk.apply_snapshot

    def watched(*args, **kwargs):
        modes.append(db.execute_sql("PRAGMA journal_mode").fetchone()[0])
        return apply(*args, **kwargs)

    monkeypatch.setattr(bulk, "apply_snapshot", watched)
    devices.join("B")
    assert devices.sync("B").errors == []
    assert modes == ["delete"]
    with devices.on("B"):
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert devices.dump("A") == devices.dump("B")

    devices.dirs["C"] = devices.root / "data-C"
    devices.join("C")
    other = sqlite3.connect(devices.dirs["C"] / "favorbook.db")
    try:
        other.execute("SELECT count(*) FROM contact").fetchone()
        assert devices.sync("C").errors == []
    finally:
        other.close()
    assert modes[-1] == "wal"
    assert devices.dump("A") == devices.dump("C")


def test_a_few_changes_are_applied_without_reading_every_global_id(devices, monkeypatch):
    """A sync bringing fewer new rows than a bulk batch applies them one by one without
    loading the global ids and clocks of whole tables first (half a second at 100,000
    contacts, for 10 changes)."""
    from favorbook.sync.vault import bulk

    devices.join("A")
    devices.join("B")
    with devices.on("A"):
        ann = _make("Ann", "Lee")
        favors.log_favor(ann, "given", "A lead")
    devices.sync("A")
    read = []
    local = bulk._Maps.local

    def watched(self, table):
        read.append(table)
        return local(self, table)

    monkeypatch.setattr(bulk._Maps, "local", watched)
    report = devices.sync("B")
    assert report.errors == [] and report.changes_received > 0
    assert read == []
    assert devices.dump("A") == devices.dump("B")


def test_a_join_writes_global_ids_without_their_index_and_makes_it_again(devices, monkeypatch):
    """While a snapshot's rows go in at once, ``vault_gid`` has no index by global id (one
    sort at the end instead of placing random ids one by one); after, the index is back,
    unique, and the network is the same."""
    import peewee

    from favorbook.db.models import db
    from favorbook.sync.vault import bulk

    monkeypatch.setattr(bulk, "BULK_MIN", 1)
    _a_with_a_snapshot(devices, monkeypatch)
    seen = []
    insert = bulk._insert_table

    def watched(*args, **kwargs):
        seen.append(_has_index("vault_gid_gid"))
        return insert(*args, **kwargs)

    monkeypatch.setattr(bulk, "_insert_table", watched)
    devices.join("B")
    assert devices.sync("B").errors == []
    assert seen and not any(seen)
    with devices.on("B"):
        assert _has_index("vault_gid_gid")
        gid = db.execute_sql("SELECT gid FROM vault_gid WHERE tbl = 'contact' LIMIT 1").fetchone()
        with pytest.raises(peewee.IntegrityError):
            db.execute_sql("INSERT INTO vault_gid (tbl, lid, gid) VALUES ('contact', -1, ?)", gid)
    assert devices.dump("A") == devices.dump("B")


def _has_index(name: str) -> bool:
    from favorbook.db.models import db

    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    return db.execute_sql(sql, (name,)).fetchone() is not None


def test_a_row_whose_natural_key_is_taken_is_kept_apart_and_the_rest_go_in_at_once(devices):
    """A contact arriving in bulk whose uid another contact here already holds (under
    another global id): the batch goes in one by one, that row is reported as skipped,
    every other row goes in (the bulk path fell over on the error itself before)."""
    import json

    from favorbook.db.models import db
    from favorbook.sync.vault import bulk, merge, spec

    with devices.on("A"):
        ann = _make("Ann", "Lee")
    devices.join("A")
    with devices.on("A"):
        row = db.execute_sql(
            f"SELECT {spec.row_json_sql('contact', 'r')} FROM contact r WHERE id = ?", (ann,)
        ).fetchone()[0]
        values = json.loads(row)
        db.execute_sql("UPDATE contact SET uid = 'taken' WHERE id = ?", (ann,))
        changes = [
            ["contact", f"new-{n}", "i", None, {**values, "uid": f"new-{n}"}, f"{n:013d}", None]
            for n in range(3)
        ]
        changes.append(["contact", "taken", "i", None, {**values, "uid": "taken"}, "9", None])
        applied = merge.Applied()
        with db.atomic():
            db.execute_sql("UPDATE vault_flag SET applying = 1")
            before = bulk.BULK_MIN
            bulk.BULK_MIN = 1
            try:
                bulk.apply_changes(changes, applied)
            finally:
                bulk.BULK_MIN = before
            db.execute_sql("UPDATE vault_flag SET applying = 0")
        assert [s.split(":")[0] for s in applied.skipped] == ["contact taken"]
        uids = {u for (u,) in db.execute_sql("SELECT uid FROM contact")}
        assert uids == {"taken", "new-0", "new-1", "new-2"}
