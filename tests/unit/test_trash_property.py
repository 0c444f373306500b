"""Delete, undo, redo: every table comes back exactly as it was, whatever the network.

Hypothesis builds a network through the services (settled and open IOUs both ways,
beneficiaries, written-off IOUs, referral chains and recommendations, vetting with
criteria and notes vouched by others, questions asked with answers, in a conversation
or not, follow-ups from conversations (also another contact's), tags, photos, notes,
merged contacts, and sync bookkeeping), then deletes random sets of contacts through
``trash.delete_contacts`` and undoes and redoes them through ``trash.restore_contacts``
and ``trash.delete_contacts`` again: the service calls the window's undo stack makes
(``ui.contact_commands.DeleteContacts``). After each undo every table, read as SQLite
stores it, is what it was before the delete; after each redo, what it was after it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from favorbook.db.models import Question, SyncAccount, SyncCollection, SyncConflict, SyncItem, db
from favorbook.errors import ValidationError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    followups,
    merge,
    questions,
    referrals,
    session,
    trash,
    vetting,
)

EXAMPLES = 40

# Not compared: the full-text index's own b-trees (their pages change with any rewrite;
# the index is compared through what it holds, contact_fts), and change_mark, which
# holds a new random number after every write to the referrals by design.
SKIPPED = ("contact_fts_", "change_mark", "sqlite_")
SYNC_FLAGS = ("dirty", "deleted")
"""A sync item keeps ``deleted`` and ``dirty`` set by the delete after an undo: the next
sync links it again ("deleted here and back") and sends the card if it changed."""


def dump() -> dict[str, list]:
    """Every table as SQLite stores it (rows sorted), and what the search index holds."""
    tables = [
        name
        for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if not name.startswith(SKIPPED)
    ]
    out = {}
    for name in tables:
        cursor = db.execute_sql(f'SELECT * FROM "{name}"')
        columns = [c[0] for c in cursor.description]
        rows = [
            tuple(v for c, v in zip(columns, row, strict=True) if c not in SYNC_FLAGS)
            if name == "sync_item"
            else row
            for row in cursor.fetchall()
        ]
        out[name] = sorted(rows, key=repr)
    out["contact_fts (indexed text)"] = sorted(
        db.execute_sql("SELECT rowid, * FROM contact_fts").fetchall(), key=repr
    )
    return out


def assert_same(now: dict, expected: dict) -> None:
    assert now.keys() == expected.keys()
    for table in expected:
        assert now[table] == expected[table], f"table {table} differs"


DAYS = st.integers(0, 400).map(lambda n: dt.date(2025, 1, 1) + dt.timedelta(days=n))
TAGS = st.lists(st.sampled_from(["golf", "vip", "cfo", "board"]), unique=True, max_size=3)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def build_network(data) -> list[int]:
    """Contacts with everything the app can hang on them; returns the contacts left."""
    draw = data.draw
    people: list[int] = []
    for i in range(draw(st.integers(2, 6), label="contacts")):
        source = draw(st.sampled_from([None, *people]), label="referred by") if people else None
        people.append(
            contacts.create_contact(
                contacts.ContactInput(
                    first_name=f"P{i}",
                    last_name=draw(st.sampled_from(["Lee", "Chan", "Okafor"])),
                    organization=draw(st.sampled_from(["", "Acme", "Globex"])),
                    tags=draw(TAGS),
                    emails=[contacts.Labeled(f"p{i}@example.com", "work")]
                    if draw(st.booleans())
                    else [],
                    referred_by_id=source,
                    cadence_days=draw(st.sampled_from([None, 0, 30])),
                )
            )
        )
    question_ids = [q.id for q in Question.select(Question.id).order_by(Question.id).limit(6)]
    account = SyncAccount.create(
        name="server", url="https://dav.example.com/", username="rep", created_at=dt.datetime.now()
    )
    cards = SyncCollection.create(account=account, kind="contacts", url="/cards/")
    tasks = SyncCollection.create(account=account, kind="tasks", url="/tasks/")
    steps = draw(st.integers(4, 30), label="steps")
    for _ in range(steps):
        found = contacts.names(people)
        alive = [p for p in people if p in found]
        person = st.sampled_from(alive)
        who = draw(person)
        kind = draw(
            st.sampled_from(
                [
                    "favor",
                    "iou",
                    "settle",
                    "write_off",
                    "inbound",
                    "recommend",
                    "vetting",
                    "vet_note",
                    "conversation",
                    "answer",
                    "followup",
                    "note",
                    "photo",
                    "sync",
                    "merge",
                ]
            ),
            label="step",
        )
        other = draw(person)
        day = draw(DAYS)
        try:
            if kind in ("favor", "iou"):
                favors.log_favor(
                    who,
                    draw(st.sampled_from(["given", "received"])),
                    f"{kind} on {day}",
                    occurred_on=day,
                    value=draw(st.integers(1, 5)),
                    beneficiary_id=draw(st.sampled_from([None, other])),
                    expectation="iou" if kind == "iou" else "pay_forward",
                )
            elif kind in ("settle", "write_off"):
                open_ious = [
                    f for f in favors.list_favors(who) if f.is_open_iou and f.contact_id == who
                ]
                if open_ious:
                    iou = draw(st.sampled_from(open_ious))
                    if kind == "write_off":
                        favors.write_off(iou.id, day)
                    else:  # paid back by a later favor the other way: a higher id
                        back = "given" if iou.direction == "received" else "received"
                        favors.log_favor(who, back, "paid back", occurred_on=day, settles_id=iou.id)
            elif kind == "inbound":
                referrals.record_inbound(other, who, occurred_on=day)
            elif kind == "recommend":
                ref = referrals.recommend(who, other, occurred_on=day, override_reason="known")
                referrals.set_outcome(ref, draw(st.sampled_from(["won", "lost"])), 100)
            elif kind == "vetting":
                status = draw(st.sampled_from(vetting.STATUSES))
                vetting.set_vetting(
                    who,
                    status,
                    criteria={c: draw(st.booleans()) for c in vetting.CRITERIA},
                    trusted_for="tax advice" if status == "trusted" else "",
                    revet_on=day,
                )
            elif kind == "vet_note":
                vetting.add_note(
                    who,
                    "did the job",
                    evidence="invoice",
                    vouched_by_id=draw(st.sampled_from([None, other])),
                    noted_on=day,
                )
            elif kind == "conversation":
                asked = draw(st.lists(st.sampled_from(question_ids), unique=True, max_size=2))
                conversations.log_conversation(
                    who,
                    draw(st.sampled_from(["inbound", "outbound"])),
                    "talked",
                    occurred_at=day,
                    follow_up_on=day if draw(st.booleans()) else None,
                    answers={q: f"answer {q}" for q in asked},
                )
            elif kind in ("answer", "followup"):
                # Linked to a conversation of anyone, or to none: a link to another
                # contact's conversation is one the delete sets to NULL.
                talks = [c.id for c in conversations.list_conversations(other)]
                talk = draw(st.sampled_from([None, *talks]))
                if kind == "answer":
                    questions.record_answer(
                        who, draw(st.sampled_from(question_ids)), "yes", conversation_id=talk
                    )
                else:
                    followups.add_followup(who, day, "call back", conversation_id=talk)
            elif kind == "note":
                contacts.add_note(who, "a note", private=draw(st.booleans()))
            elif kind == "photo":
                contacts.set_photo(who, PNG)
            elif kind == "sync":
                # The contact's card and first open task on the server, and a conflict.
                todo = followups.list_followups("open", contact_id=who)
                for collection, uid, link in (
                    (cards, f"card-{who}", {"contact": who, "dirty": False}),
                    *((tasks, f"task-{t.id}", {"followup": t.id}) for t in todo[:1]),
                ):
                    SyncItem.insert(
                        collection=collection, uid=uid, **link
                    ).on_conflict_ignore().execute()
                SyncConflict.create(
                    account=account, contact=who, field="title", created_at=dt.datetime.now()
                )
            elif kind == "merge" and who != other:
                merge.merge_contacts(who, other)
        except ValidationError:
            pass  # a circle of referrals, an IOU settled already: not this step
    found = contacts.names(people)
    return [p for p in people if p in found]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_delete_undo_redo_gives_back_every_table(data):
    with tempfile.TemporaryDirectory() as folder:
        session.open_data(Path(folder))
        db.execute_sql("PRAGMA synchronous = OFF")  # a throwaway file: no need to wait for it
        try:
            alive = build_network(data)
            # One to three undo steps, each deleting a set of contacts (one command of
            # the window: a multiple selection deleted together).
            commands: list[list[int]] = []
            for _ in range(data.draw(st.integers(1, 3), label="commands")):
                left = [p for p in alive if not any(p in c for c in commands)]
                if not left:
                    break
                commands.append(
                    data.draw(
                        st.lists(st.sampled_from(left), min_size=1, max_size=3, unique=True),
                        label="deleted together",
                    )
                )
            before = [dump()]
            snapshots = []
            for ids in commands:
                snapshots.append(trash.delete_contacts(ids))
                before.append(dump())
            _note_what_was_deleted(snapshots)
            for _round in range(2):
                for i in reversed(range(len(commands))):  # undo, newest first
                    back = trash.restore_contacts(snapshots[i])
                    assert back == {c: c for c in commands[i]}
                    assert_same(dump(), before[i])
                for i, ids in enumerate(commands):  # redo, oldest first
                    snapshots[i] = trash.delete_contacts(ids)
                    assert_same(dump(), before[i + 1])
            assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        finally:
            session.close()


def _note_what_was_deleted(snapshots) -> None:
    """Hypothesis statistics (pytest --hypothesis-show-statistics): what the examples took
    away and put back."""
    for snaps in snapshots:
        for snap in snaps:
            for model, rows in snap.rows:
                event(f"deleted {model.__name__}")
                if model.__name__ == "Favor" and any(
                    r["settled_by_id"] and r["settled_by_id"] > r["id"] for r in rows
                ):
                    event("deleted an IOU settled by a later favor")
            for model, *_ in snap.unlinked:
                event(f"unlinked {model.__name__}")
        if len(snaps) > 1:
            event("several contacts in one undo step")
