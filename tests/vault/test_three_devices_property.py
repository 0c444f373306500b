"""Random work on three devices, synced in random orders through one folder (and through
a collection on Radicale and on Xandikos), ends with the same rows on every device: a
dump of every synced table, links as global ids."""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.vault.helpers import Devices

DEVICES = ("A", "B", "C")
NAMES = ["Ann", "Bo", "Cy", "Di"]
WORDS = ["printers", "forklifts", "golf", "tea", ""]


class ThreeDevices(RuleBasedStateMachine):
    SERVER = None
    """A DavServer to sync through (its device-sync collection made anew each run); None:
    a folder."""

    @initialize()
    def start(self):
        import tempfile
        from pathlib import Path

        from favorbook.services import contacts
        from favorbook.sync.vault import snapshot

        self.every, snapshot.EVERY = snapshot.EVERY, 2  # snapshots too, and joins from them
        self.tmp = tempfile.TemporaryDirectory()
        if self.SERVER is not None:
            from tests.vault.helpers import fresh_vault

            fresh_vault(self.SERVER)
        self.devices = Devices(Path(self.tmp.name), DEVICES, server=self.SERVER)
        with self.devices.on("A"):
            contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Seed"))
        for name in DEVICES:
            self.devices.join(name)
        self.undo: dict[str, list] = {name: [] for name in DEVICES}

    def _contact_ids(self):
        from favorbook.services import contacts

        return sorted(contacts.list_ids(include_archived=True))

    @rule(device=st.sampled_from(DEVICES), name=st.sampled_from(NAMES))
    def add_contact(self, device, name):
        from favorbook.services import contacts

        with self.devices.on(device):
            contacts.create_contact(
                contacts.ContactInput(first_name=name, last_name="Lee", tags=["golf"])
            )

    @rule(device=st.sampled_from(DEVICES), pick=st.integers(0, 9), word=st.sampled_from(WORDS))
    def edit(self, device, pick, word):
        from favorbook.db.models import Contact
        from favorbook.services import search_index

        with self.devices.on(device):
            ids = self._contact_ids()
            if ids:
                contact = Contact.get_by_id(ids[pick % len(ids)])
                contact.goals = word  # a plain write, then the index as the forms do
                contact.save(only=[Contact.goals])
                search_index.index_contacts([contact.id])

    @rule(
        device=st.sampled_from(DEVICES),
        pick=st.integers(0, 9),
        direction=st.sampled_from(["given", "received"]),
    )
    def favor(self, device, pick, direction):
        from favorbook.services import favors

        with self.devices.on(device):
            ids = self._contact_ids()
            if ids:
                favors.log_favor(ids[pick % len(ids)], direction, f"{direction} on {device}")

    @rule(device=st.sampled_from(DEVICES), pick=st.integers(0, 9), word=st.sampled_from(WORDS))
    def note_and_tag(self, device, pick, word):
        from favorbook.db.models import ContactTag, Tag
        from favorbook.services import contacts, search_index

        with self.devices.on(device):
            ids = self._contact_ids()
            if ids and word:
                contact_id = ids[pick % len(ids)]
                contacts.add_note(contact_id, f"about {word}", private=True)
                tag, _ = Tag.get_or_create(name=word)
                ContactTag.insert(contact=contact_id, tag=tag).on_conflict_ignore().execute()
                search_index.index_contacts([contact_id])

    @rule(
        device=st.sampled_from(DEVICES),
        pick=st.integers(0, 9),
        day=st.integers(1, 28),
        follow_up=st.booleans(),
    )
    def conversation(self, device, pick, day, follow_up):
        from favorbook.services import conversations

        with self.devices.on(device):
            ids = self._contact_ids()
            if ids:
                conversations.log_conversation(
                    ids[pick % len(ids)],
                    "inbound",
                    f"call on {device}",
                    occurred_at=f"2026-11-{day:02d} 10:00",
                    follow_up_on=f"2026-12-{day:02d}" if follow_up else None,
                )

    @rule(device=st.sampled_from(DEVICES), pick=st.integers(0, 9))
    def delete(self, device, pick):
        from favorbook.services import trash

        with self.devices.on(device):
            ids = self._contact_ids()
            if ids:
                self.undo[device].append(trash.delete_contact(ids[pick % len(ids)]))

    @precondition(lambda self: any(self.undo.values()))
    @rule(device=st.sampled_from(DEVICES))
    def undo_delete(self, device):
        from favorbook.errors import NotFoundError
        from favorbook.services import trash

        if not self.undo[device]:
            return
        with self.devices.on(device), contextlib.suppress(NotFoundError):
            trash.restore(self.undo[device].pop())  # back already: nothing to do

    @rule(device=st.sampled_from(DEVICES), ratio=st.sampled_from([3, 4, 5]))
    def preference(self, device, ratio):
        from favorbook.services import settings as prefs

        with self.devices.on(device):
            prefs.set_target_ratio(ratio)

    @rule(device=st.sampled_from(DEVICES))
    def sync(self, device):
        report = self.devices.sync(device)
        assert not report.errors

    def teardown(self):
        if not hasattr(self, "devices"):
            return
        for _ in range(2):
            for name in DEVICES:
                self.devices.sync(name)
        dumps = [self.devices.dump(name) for name in DEVICES]
        assert dumps[0] == dumps[1] == dumps[2]
        derived = []
        for name in DEVICES:
            with self.devices.on(name):
                derived.append(_derived())
        for part in range(2):  # as sets: the order of equal rows is no figure
            rows = [set(d[part]) for d in derived]
            assert rows[0] == rows[1] == rows[2], (rows[0] ^ rows[1]) | (rows[0] ^ rows[2])
        self.tmp.cleanup()
        from favorbook.sync.vault import snapshot

        snapshot.EVERY = self.every

    @invariant()
    def nothing(self):
        pass


ThreeDevices.TestCase.settings = settings(
    max_examples=int(os.environ.get("FAVORBOOK_VAULT_EXAMPLES", "10")),
    stateful_step_count=14,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
test_three_devices_converge = ThreeDevices.TestCase


class ThreeDevicesInBulk(ThreeDevices):
    """The same, every batch applied through the bulk path (a join of a big network):
    its new rows at once, the rest one by one; the outcome must not differ."""

    @initialize()
    def start(self):
        from favorbook.sync.vault import bulk

        self.bulk_min, bulk.BULK_MIN = bulk.BULK_MIN, 1
        super().start()

    def teardown(self):
        from favorbook.sync.vault import bulk

        try:
            super().teardown()
        finally:
            bulk.BULK_MIN = getattr(self, "bulk_min", bulk.BULK_MIN)


ThreeDevicesInBulk.TestCase.settings = ThreeDevices.TestCase.settings
test_three_devices_converge_in_bulk = ThreeDevicesInBulk.TestCase


def _derived():
    """What is never shipped but recomputed: counts, last contact, next touch, next
    follow-up, and the search index's rows."""
    from favorbook.db.models import db

    index = db.execute_sql(
        "SELECT c.uid, f.name, f.tags, f.notes FROM contact_fts f "
        "JOIN contact c ON c.id = f.rowid ORDER BY c.uid"
    ).fetchall()
    return (
        db.execute_sql(
            "SELECT uid, last_interaction_at, touch_due_on, favors_given, favors_received, "
            "next_followup_on FROM contact ORDER BY uid"
        ).fetchall(),
        # the words each contact is found by; their order follows local row ids
        [(uid, *(" ".join(sorted(text.split())) for text in rest)) for uid, *rest in index],
    )
