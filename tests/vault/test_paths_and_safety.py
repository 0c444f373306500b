"""Every write path travels (demo, undo, merge, settings); the storage reads nothing;
an altered, reordered or replayed object is refused; a stopped sync loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from favorbook.sample import demo
from favorbook.services import contacts, favors, settings, trash
from favorbook.sync.vault import crypto, engine


def _synced(devices, *names):
    for name in names:
        devices.sync(name)
    for name in names:
        devices.sync(name)


@pytest.mark.usefixtures("apply_mode")
def test_the_sample_network_travels_whole_and_derived_figures_are_recomputed(devices):
    with devices.on("A"):
        demo.load(12, seed=5, on=dt.date(2026, 11, 1))
        settings.set_target_ratio(6)
        due_a = _derived()
    devices.join("A")
    devices.join("B")
    _synced(devices, "A", "B")
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        assert settings.target_ratio() == 6
        assert _derived() == due_a


def _derived():
    from favorbook.db.models import db

    return db.execute_sql(
        "SELECT uid, last_interaction_at, touch_due_on, favors_given, favors_received, "
        "next_followup_on FROM contact ORDER BY uid"
    ).fetchall()


@pytest.mark.usefixtures("apply_mode")
def test_delete_and_undo_travel(devices):
    with devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
        favors.log_favor(ann, "given", "A white paper")
    devices.join("A")
    devices.join("B")
    _synced(devices, "A", "B")
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        snap = trash.delete_contact(b_ann)
    _synced(devices, "B", "A")
    with devices.on("A"):
        assert contacts.find_by_name("Ann Lee") == []
    with devices.on("B"):
        trash.restore(snap)
    _synced(devices, "B", "A")
    with devices.on("A"):
        [(back, _)] = contacts.find_by_name("Ann Lee")
        assert favors.balance(back).given == 1
    assert devices.dump("A") == devices.dump("B")


@pytest.mark.usefixtures("apply_mode")
def test_a_merge_of_two_contacts_travels(devices):
    from favorbook.services import merge

    with devices.on("A"):
        one = contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Li"))
        two = contacts.create_contact(
            contacts.ContactInput(first_name="Bo", last_name="Li", needs="Forklifts")
        )
        favors.log_favor(two, "received", "A lead")
    devices.join("A")
    devices.join("B")
    _synced(devices, "A", "B")
    with devices.on("A"):
        merge.merge_contacts(one, two)
    _synced(devices, "A", "B")
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        [(bo, _)] = contacts.find_by_name("Bo Li")
        assert favors.balance(bo).received == 1


SECRETS = [
    "Zanzibar",
    "Quetzal",
    "whispered-secret-note",
    "favor-of-the-century",
    "vetting-evidence-xyz",
    "display_name",
    "how_met",
    "description",
    "contact_email",
    "expectation",
    "vouched_by",
]


def test_the_sync_folder_holds_no_word_in_clear(devices):
    from favorbook.services import conversations, vetting

    with devices.on("A"):
        c = contacts.create_contact(
            contacts.ContactInput(first_name="Zanzibar", last_name="Quetzal", how_met="Quetzal")
        )
        contacts.add_note(c, "whispered-secret-note", private=True)
        favors.log_favor(c, "given", "favor-of-the-century")
        conversations.log_conversation(c, "inbound", "Quetzal called")
        vetting.add_note(c, "solid", evidence="vetting-evidence-xyz")
    devices.join("A")
    devices.join("B")
    _synced(devices, "A", "B")
    files = [p for p in devices.folder.rglob("*") if p.is_file()]
    assert len(files) >= 3
    for path in files:
        data = path.read_bytes()
        for word in SECRETS:
            assert word.encode() not in data, f"{word!r} in clear in {path.name}"
            assert word.encode("utf-16-le") not in data
        assert path.name in (crypto.KEY_FILE, "HEAD") or path.name.isdigit()


def _one_log_object(devices, name):
    [folder] = [p for p in devices.folder.iterdir() if p.is_dir()]
    return folder


def test_altered_reordered_or_replayed_objects_are_refused_and_change_nothing(devices):
    with devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    devices.join("A")
    devices.sync("A")
    with devices.on("A"):
        favors.log_favor(ann, "given", "First")
    devices.sync("A")
    with devices.on("A"):
        favors.log_favor(ann, "given", "Second")
    devices.sync("A")
    [device] = [p for p in devices.folder.iterdir() if p.is_dir()]
    first, second, third = sorted(p for p in device.iterdir() if p.name != "HEAD")
    originals = {p: p.read_bytes() for p in (first, second, third)}
    devices.join("B")
    before = devices.dump("B")

    def refused():
        report = devices.sync("B")
        assert report.changes_received == 0
        assert report.errors and "refused" in report.errors[0]
        assert devices.dump("B") == before

    flipped = bytearray(originals[first])
    flipped[-5] ^= 1
    first.write_bytes(bytes(flipped))
    refused()  # altered
    first.write_bytes(originals[second])
    second.write_bytes(originals[first])
    refused()  # swapped
    first.write_bytes(originals[first])
    second.write_bytes(originals[first])
    devices.sync("B")  # the first one applies; the replay of it as the second does not
    after_first = devices.dump("B")
    report = devices.sync("B")
    assert report.changes_received == 0 and "refused" in report.errors[0]
    assert devices.dump("B") == after_first
    second.write_bytes(originals[second])
    third.unlink()
    devices.sync("B")
    third.write_bytes(originals[third])
    devices.sync("B")
    assert devices.dump("B")["favor"] == devices.dump("A")["favor"]


def test_a_gap_in_a_devices_log_is_noticed(devices):
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    devices.join("A")
    devices.sync("A")
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Li"))
    devices.sync("A")
    [device] = [p for p in devices.folder.iterdir() if p.is_dir()]
    first = sorted(device.iterdir())[0]
    kept = first.read_bytes()
    first.unlink()
    devices.join("B")
    report = devices.sync("B")
    assert report.changes_received == 0 and "missing" in report.errors[0]
    first.write_bytes(kept)
    assert devices.sync("B").changes_received > 0
    with devices.on("B"):
        assert len(contacts.find_by_name("Bo Li")) == 1


def test_a_wrong_passphrase_is_one_clear_sentence_and_a_new_one_rewraps_only(devices):
    devices.join("A")
    devices.sync("A")
    [device] = [p for p in devices.folder.iterdir() if p.is_dir()]
    objects = {p.name: p.read_bytes() for p in device.iterdir()}
    with devices.on("B"), pytest.raises(crypto.WrongVaultPassphrase) as caught:
        engine.turn_on_folder(str(devices.folder), "not the passphrase")
    assert str(caught.value) == (
        f"The sync passphrase is wrong: it does not open the vault in {devices.folder}."
    )
    with devices.on("A"):
        engine.change_passphrase("correct horse battery staple", "a new passphrase")
        with pytest.raises(crypto.WrongVaultPassphrase):
            engine.sync("correct horse battery staple")
        assert engine.sync("a new passphrase") is not None
    assert {p.name: p.read_bytes() for p in device.iterdir()} == objects


def test_a_sync_stopped_at_any_step_resumes_with_nothing_lost_or_twice(devices, monkeypatch):
    from favorbook.sync.vault import folder, merge

    with devices.on("A"):
        ann = contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
        favors.log_favor(ann, "given", "One")
    devices.join("A")
    devices.join("B")

    class Stop(Exception):
        pass

    real_put = folder.FolderStore.put
    monkeypatch.setattr(folder.FolderStore, "put", lambda *a: (_ for _ in ()).throw(Stop()))
    with pytest.raises(Stop):
        devices.sync("A")  # sealed, not written
    calls = []

    def put_then_stop(self, device, name, data):
        real_put(self, device, name, data)
        calls.append(name)
        raise Stop()

    monkeypatch.setattr(folder.FolderStore, "put", put_then_stop)
    with pytest.raises(Stop):
        devices.sync("A")  # written, not yet marked as written
    monkeypatch.setattr(folder.FolderStore, "put", real_put)
    devices.sync("A")
    real_apply = merge.apply_change
    seen = []

    def apply_then_stop(change, applied):
        real_apply(change, applied)
        seen.append(change)
        if len(seen) == 3:
            raise Stop()

    monkeypatch.setattr(merge, "apply_change", apply_then_stop)
    with pytest.raises(Stop):
        devices.sync("B")  # applying: rolled back whole
    monkeypatch.setattr(merge, "apply_change", real_apply)
    with devices.on("B"):
        assert contacts.find_by_name("Ann Lee") == []
    devices.sync("B")
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        [(b_ann, _)] = contacts.find_by_name("Ann Lee")
        assert favors.balance(b_ann).given == 1


def test_mass_deletion_from_another_device_stops_and_asks(devices):
    from favorbook.errors import SyncGuardTripped

    with devices.on("A"):
        demo.load(10, seed=7, on=dt.date(2026, 11, 1))
    devices.join("A")
    devices.join("B")
    _synced(devices, "A", "B")
    with devices.on("A"):
        trash.delete_contacts(contacts.list_ids()[:8])
    devices.sync("A")
    before = devices.dump("B")
    with devices.on("B"), pytest.raises(SyncGuardTripped, match="deleted 8 of the 10"):
        engine.sync()
    assert devices.dump("B") == before
    with devices.on("B"):
        assert engine.sync(allow_mass_delete=True).changes_received > 0
    assert devices.dump("A") == devices.dump("B")


@pytest.mark.usefixtures("apply_mode")
def test_a_big_sample_network_is_logged_too(devices, monkeypatch):
    """The bulk load drops the tables' triggers for speed; the vault's stay."""
    from favorbook.sample import demo_scale

    monkeypatch.setattr(demo_scale, "DROP_INDEXES_FROM", 1)
    devices.join("A")
    devices.join("B")
    with devices.on("A"):
        demo.load(8, seed=3, on=dt.date(2026, 11, 1))
    _synced(devices, "A", "B")
    assert devices.dump("A") == devices.dump("B")
    with devices.on("B"):
        assert len(contacts.list_ids()) == 8
        assert _derived() == _derived_on(devices, "A")


def _derived_on(devices, name):
    with devices.on(name):
        return _derived()


def test_a_devices_newest_objects_dropped_from_the_folder_are_noticed(devices):
    """Not a gap: the last objects gone (a folder restored from an older copy). A device
    that never read them learns from the sealed head; one that read them, from its own
    position."""
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    devices.join("A")
    devices.join("B")
    devices.sync("A")
    with devices.on("A"):
        contacts.create_contact(contacts.ContactInput(first_name="Bo", last_name="Li"))
    devices.sync("A")
    [a_dir] = [p for p in devices.folder.iterdir() if p.is_dir()]
    newest = sorted(p for p in a_dir.iterdir() if p.name[0].isdigit())[-1]
    kept = newest.read_bytes()
    newest.unlink()
    report = devices.sync("B")
    assert any("missing" in e and "Changes 2 to 2" in e for e in report.errors), report.errors
    assert any("the sync folder" in e for e in report.errors), report.errors
    with devices.on("B"):
        assert len(contacts.find_by_name("Ann Lee")) == 1  # what is there is applied
        assert contacts.find_by_name("Bo Li") == []
    newest.write_bytes(kept)
    assert devices.sync("B").errors == []
    with devices.on("B"):
        assert len(contacts.find_by_name("Bo Li")) == 1
    head = a_dir / "HEAD"
    old_head = head.read_bytes()
    newest.unlink()
    head.write_bytes(old_head)  # even with the head rolled back too: B read 2 already
    assert any("Changes 2 to 2" in e for e in devices.sync("B").errors)
