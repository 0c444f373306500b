"""What makes an import fast at 100,000 contacts, guarded by what it asks the database
(no timing): planning looks the records up by index a batch at a time, never one query
per record."""

from __future__ import annotations

import pytest

from favorbook.formats import importer, vcard
from favorbook.sample import demo
from favorbook.services import contacts, importing
from tests.perf_guards import capture_sql, on_a_sync_server


def _cards(path, n: int, known: list[int]) -> None:
    """``n`` cards: every third one a contact of the network (its email), the rest new
    people, some with a name like someone's."""
    details = contacts.details(known[: n // 3])
    lines = []
    for i in range(n):
        lines += ["BEGIN:VCARD", "VERSION:3.0"]
        if i % 3 == 0 and i // 3 < len(details):
            person = details[i // 3]
            lines += [f"FN:{person.display_name}", f"EMAIL:{person.emails[0].value}"]
        else:
            lines += [f"FN:New Person{i}", f"EMAIL:new{i}@example.org", f"TEL:+1415555{i:04d}"]
        lines.append("END:VCARD")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def _plan_selects(tmp_path, n: int) -> tuple[int, importing.ImportPlan]:
    path = tmp_path / f"cards-{n}.vcf"
    _cards(path, n, contacts.list_ids())
    parsed = importer.read_file(path)
    with capture_sql() as ran:
        plan = importing.plan_import(parsed)
    return len(ran.selects), plan


def test_planning_asks_a_few_queries_a_batch_not_one_a_record(db, tmp_path):
    demo.load(400, seed=3)
    small, plan = _plan_selects(tmp_path, 30)
    assert plan.counts()[importing.MATCHED] + plan.counts()[importing.CONFLICTING] == 10
    big, plan = _plan_selects(tmp_path, 1200)  # 3 batches
    assert plan.counts()[importing.NEW] >= 700
    assert big <= 3 * small  # a batch's queries, three times: not 1,200 of anything


def test_the_names_are_read_once_and_only_when_a_record_needs_them(db, tmp_path):
    demo.load(100, seed=3)
    path = tmp_path / "known.vcf"
    vcard.write_vcards(path, contacts.list_ids())
    parsed = importer.read_file(path)
    with capture_sql() as ran:
        plan = importing.plan_import(parsed)
    assert plan.counts()[importing.MATCHED] == 100  # each by its uid: no name compared
    assert not [s for s in ran.selects if "SELECT id, display_name FROM contact" in s]


def test_each_record_is_looked_up_by_its_keys_once(db, tmp_path, monkeypatch):
    """Preparing a batch's names already found which records an email, phone or uid
    matches: matching a record does not work it out again (nor compare its name to the
    contact of a shared phone twice)."""
    demo.load(200, seed=3)
    asked: list[int] = []
    exact = importing.ExistingContacts._exact

    def counted(self, data, uid):
        asked.append(id(data))
        return exact(self, data, uid)

    monkeypatch.setattr(importing.ExistingContacts, "_exact", counted)
    path = tmp_path / "cards.vcf"
    _cards(path, 60, contacts.list_ids())
    plan = importing.plan_import(importer.read_file(path))
    assert plan.counts()[importing.MATCHED] + plan.counts()[importing.CONFLICTING] == 20
    assert len(asked) == len(set(asked)) == 60


def test_only_the_rows_of_matched_contacts_are_read(db, tmp_path, monkeypatch):
    """A name like many people's finds them all, an email or a phone several people share
    finds them all, but the rows read are those of the contacts records matched (the
    first with the email or phone, the one a name chose); of the others of the name only
    whether they have an email or a phone is asked."""
    for i in range(40):  # forty people of one name, some with an email
        emails = [contacts.Labeled(f"ann{i}@example.com")] if i % 2 else []
        contacts.create_contact(contacts.ContactInput("Ann", "Lee", emails=emails))
    for i in range(20):  # twenty people of one switchboard and one shared address
        contacts.create_contact(
            contacts.ContactInput(
                f"Staff{i}",
                "Office",
                emails=[contacts.Labeled("desk@example.net")],
                phones=[contacts.Labeled("+14155550100")],
            )
        )
    read: list[int] = []
    load_rows = importing.ExistingContacts.load_rows

    def counted(self, ids):
        missing = [cid for cid in dict.fromkeys(ids) if cid not in self.rows]
        read.extend(missing)
        return load_rows(self, ids)

    monkeypatch.setattr(importing.ExistingContacts, "load_rows", counted)
    path = tmp_path / "anns.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nFN:Ann Lee\r\nEMAIL:other@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Anne Lee\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Ann Lee\r\nEMAIL:ann3@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Staff3 Office\r\nEMAIL:Desk@example.net\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Someone Else\r\nTEL:+1 415 555 0100\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    plan = importing.plan_import(importer.read_file(path))
    assert [i.matched_by for i in plan.items] == ["name", "name", "email", "email", "phone"]
    assert sorted(set(read)) == sorted({i.candidate_id for i in plan.items})
    assert len(set(read)) <= 4


def test_whether_a_contact_has_an_email_or_a_phone_is_asked_once(db, tmp_path):
    """A name match learns whether the people of the name have an email or a phone; the
    row of the one a record matched is then read without asking it again (most rows
    read at 100,000 contacts are such a possible duplicate's)."""
    for i in range(8):
        emails = [contacts.Labeled(f"bo{i}@example.com")] if i % 2 else []
        contacts.create_contact(contacts.ContactInput(f"Bo{i}", "Chen", emails=emails))
    path = tmp_path / "bos.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nFN:Bo{i} Chen\r\nEMAIL:bo{i}@example.org\r\nEND:VCARD\r\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    parsed = importer.read_file(path)
    with capture_sql() as ran:
        plan = importing.plan_import(parsed)
    assert [i.status for i in plan.items] == [importing.MATCHED, importing.POSSIBLE] * 4
    asked = [s for s in ran.selects if "EXISTS (SELECT 1 FROM contact_email" in s]
    assert len(asked) == 1  # the name's people, once; not again with the rows


def test_a_big_import_leaves_the_checkpoint_to_a_thread_of_its_own(db, tmp_path, monkeypatch):
    """The import's commit does not copy the write-ahead log into the database file (the
    window would wait for it): a thread does, afterwards; the automatic checkpoint is
    back as it was for the writes that follow."""
    import threading
    from pathlib import Path

    from favorbook.db.models import db as database

    database.execute_sql("PRAGMA wal_autocheckpoint = 1")  # any commit would checkpoint
    real_thread = threading.Thread
    import threading

    real_thread = threading.Thread
    started = []

    class Recorded:
        def __init__(self, target, name, daemon):
            started.append(target)

        def start(self):
            pass

    monkeypatch.setattr(importing, "BACKGROUND_CHECKPOINT", 50)
    monkeypatch.setattr(importing.threading, "Thread", Recorded)
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    plan = importing.plan_import(importer.read_file(path))
    size = Path(db).stat().st_size
    importing.apply_import(plan)
    assert contacts.count_contacts() == 300
    assert Path(db).stat().st_size == size  # the pages are in the log alone
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1
    assert len(started) == 1
    thread = real_thread(target=started[-1])
    thread.start()
    thread.join()
    assert Path(db).stat().st_size > size
    assert contacts.count_contacts() == 300


def test_a_big_import_leaves_merging_the_search_index_to_that_thread(db, tmp_path, monkeypatch):
    """FTS5 merges some of the index's segments after every write of it; at 100,000
    contacts that was three quarters of what indexing an import cost. A big import turns
    it off for its transaction (back on after it, as it was), the imported people are
    found at once, and the thread started afterwards merges what was left."""
    import threading

    from favorbook.db.models import db as database
    from favorbook.services import search, search_index

    real_thread = threading.Thread
    started = []

    class Recorded:
        def __init__(self, target, name, daemon):
            started.append(target)

        def start(self):
            pass

    monkeypatch.setattr(importing, "BACKGROUND_CHECKPOINT", 50)
    monkeypatch.setattr(importing.threading, "Thread", Recorded)
    for n in range(4):  # each a segment of its own, none merged
        path = tmp_path / f"cards{n}.vcf"
        path.write_text(
            "".join(
                f"BEGIN:VCARD\r\nFN:Batch{n} Person{i}\r\nEMAIL:b{n}p{i}@example.org\r\n"
                "END:VCARD\r\n"
                for i in range(100)
            )
        )
        plan = importing.plan_import(importer.read_file(path))
        with capture_sql() as ran:
            importing.apply_import(plan)
        fts = [s for s in ran if "contact_fts" in s]
        assert "'automerge', 0" in fts[0]
        assert "'automerge', 4" in fts[-1]
        assert "DELETE FROM contact_fts" in fts[1]  # the index rows went in between
        assert len(search.search(f"batch{n}", limit=None)) == 100  # found at once
    assert len(started) == 4
    merge, steps = search_index.merge_segments, []
    monkeypatch.setattr(search_index, "merge_segments", lambda: steps.append(merge()))
    thread = real_thread(target=started[-1])
    thread.start()
    thread.join()
    assert steps and steps[0] > 0  # segments were left to merge, and it merged them
    assert merge() == 0  # nothing left
    database.execute_sql("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
    assert len(search.search("batch2", limit=None)) == 100


def test_a_small_import_merges_the_search_index_as_it_goes(db, tmp_path):
    path = tmp_path / "cards.vcf"
    _cards(path, 30, [])
    plan = importing.plan_import(importer.read_file(path))
    with capture_sql() as ran:
        importing.apply_import(plan)
    assert not [s for s in ran if "automerge" in s or "'merge'" in s]


def test_an_address_with_letters_beyond_ascii_matches_in_any_case(db, tmp_path):
    """SQLite's NOCASE folds ASCII alone: such addresses are compared in Python, among
    the stored addresses that have letters beyond ASCII (found by their byte length, not
    a GLOB of every address)."""
    ann = contacts.create_contact(
        contacts.ContactInput("Ann", "Lee", emails=[contacts.Labeled("ann@example.com")])
    )
    jorg = contacts.create_contact(
        contacts.ContactInput("Jörg", "Ölz", emails=[contacts.Labeled("JÖRG.Ölz@Example.com")])
    )
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nFN:J Ö\r\nEMAIL:jörg.ölz@EXAMPLE.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:A L\r\nEMAIL:ANN@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Other Person\r\nEMAIL:jörg.ölz@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    with capture_sql() as ran:
        plan = importing.plan_import(importer.read_file(path))
    assert [(i.candidate_id, i.matched_by) for i in plan.items] == [
        (jorg, "email"),
        (ann, "email"),
        (None, ""),
    ]
    assert not [s for s in ran if "GLOB" in s]


def _vault_insert_triggers() -> list[tuple]:
    from favorbook.db.models import db as database

    return database.execute_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master"
        " WHERE type = 'trigger' AND name GLOB 'vault_*_insert' ORDER BY name"
    ).fetchall()


def test_a_big_import_runs_no_idle_vault_trigger(db, tmp_path, monkeypatch):
    """The vault off, its insert triggers log nothing but SQLite runs them for every row
    (a fifth of an import's writes at 100,000 contacts): a big import sets those of the
    tables it writes aside for its transaction, and the schema is as it was after it."""
    from favorbook.db.models import db as database
    from favorbook.services import contact_store

    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    before = _vault_insert_triggers()
    assert {t for _n, t, _s in before} >= set(contact_store.WRITTEN_TABLES)
    during = _flush_watched(monkeypatch, lambda: {t for _n, t, _s in _vault_insert_triggers()})
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    importing.apply_import(importing.plan_import(importer.read_file(path)))
    assert contacts.count_contacts() == 300
    assert during and all(not (tables & set(contact_store.WRITTEN_TABLES)) for tables in during)
    assert _vault_insert_triggers() == before
    assert database.execute_sql("SELECT count(*) FROM vault_change").fetchone()[0] == 0


def test_a_big_import_with_the_vault_on_is_captured(db, tmp_path, monkeypatch):
    from favorbook.db.models import db as database

    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    database.execute_sql("UPDATE vault_flag SET enabled = 1")
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    importing.apply_import(importing.plan_import(importer.read_file(path)))
    logged = database.execute_sql(
        "SELECT tbl, count(*) FROM vault_change WHERE op = 'i' GROUP BY tbl"
    ).fetchall()
    assert {"contact": 300, "contact_email": 300, "contact_phone": 300}.items() <= dict(
        logged
    ).items()


def _import_cancelled_at_250(path) -> None:
    """Plan the file and import it, cancelled after 250 records."""
    plan = importing.plan_import(importer.read_file(path))

    def cancel(done, total):
        if done >= 250:
            raise importing.ImportCancelled("cancelled")

    with pytest.raises(importing.ImportCancelled):
        importing.apply_import(plan, progress=cancel)


def test_a_cancelled_big_import_keeps_the_vault_triggers(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    before = _vault_insert_triggers()
    path = tmp_path / "cards.vcf"
    _cards(path, 600, [])
    _import_cancelled_at_250(path)
    assert contacts.count_contacts() == 0
    assert _vault_insert_triggers() == before


def test_the_index_rows_of_an_import_go_in_after_every_old_one_is_out(db, tmp_path):
    """FTS5 writes the terms it holds in memory out as a segment when a row is deleted
    between inserts: the imported contacts' old index rows (none, for new ones) are all
    deleted first, then theirs inserted, not 500 of each in turn."""
    path = tmp_path / "cards.vcf"
    _cards(path, 1200, [])
    plan = importing.plan_import(importer.read_file(path))
    with capture_sql() as ran:
        importing.apply_import(plan)
    fts = [s for s in ran if s.startswith(("DELETE FROM contact_fts", "INSERT INTO contact_fts("))]
    inserts = [i for i, s in enumerate(fts) if s.startswith("INSERT INTO contact_fts(rowid")]
    deletes = [i for i, s in enumerate(fts) if s.startswith("DELETE FROM contact_fts")]
    assert len(inserts) == 1200 and len(deletes) == 3
    assert max(deletes) < min(inserts)


def _names_mark() -> tuple[int, list[tuple]]:
    """The names' mark and the triggers that move it on inserts into ``contact``."""
    from favorbook.db.models import db as database

    (mark,) = database.execute_sql("SELECT mark FROM change_mark WHERE name = 'names'").fetchone()
    triggers = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = 'names_mark_insert'"
    ).fetchall()
    return mark, triggers


def test_a_big_import_moves_the_names_mark_once(db, tmp_path, monkeypatch):
    """The names' mark moved by a trigger for every contact added: more than half of what
    writing the contact rows of a big import cost. A big import sets that trigger aside for
    its transaction and moves the mark once at the end, so the pickers still read the
    names again; the schema is as it was after it, and after a cancelled one (whose mark
    stays, as nothing was added)."""
    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    mark, triggers = _names_mark()
    assert len(triggers) == 1
    during = _flush_watched(monkeypatch, lambda: _names_mark()[1])
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    importing.apply_import(importing.plan_import(importer.read_file(path)))
    assert contacts.count_contacts() == 300
    assert during and all(found == [] for found in during)
    after, triggers_after = _names_mark()
    assert after != mark
    assert triggers_after == triggers

    _cards(path, 600, [])
    _import_cancelled_at_250(path)
    assert _names_mark() == (after, triggers)


def _sync_insert_triggers() -> list[tuple]:
    from favorbook.db.models import db as database

    return database.execute_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master"
        " WHERE type = 'trigger' AND name GLOB 'sync_dirty_*_insert' ORDER BY name"
    ).fetchall()


def _flush_watched(monkeypatch, look=None) -> list:
    """What ``look()`` gives at each flush of the writer (by default, the tables with a
    sync insert trigger)."""
    from favorbook.services import contact_store

    look = look or (lambda: {t for _n, t, _s in _sync_insert_triggers()})
    during: list = []
    flush = contact_store.ContactWriter.flush

    def watched(self):
        during.append(look())
        flush(self)

    monkeypatch.setattr(contact_store.ContactWriter, "flush", watched)
    return during


def test_a_big_import_runs_no_idle_sync_trigger_while_no_contact_syncs(db, tmp_path, monkeypatch):
    """No contact on a sync server: the triggers marking a contact's sync item changed
    when an email, phone... is added to it have no item to mark, yet SQLite runs them
    for every row. A big import sets them aside for its transaction; the schema is as it
    was after it, and after a cancelled one."""
    from favorbook.services import contact_store

    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    before = _sync_insert_triggers()
    assert {t for _n, t, _s in before} >= {"contact_email", "contact_phone", "contact_address"}
    during = _flush_watched(monkeypatch)
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    importing.apply_import(importing.plan_import(importer.read_file(path)))
    assert contacts.count_contacts() == 300
    written = set(contact_store.WRITTEN_TABLES)
    assert during and all(not (tables & written) for tables in during)
    assert _sync_insert_triggers() == before

    _cards(path, 600, [])
    _import_cancelled_at_250(path)
    assert _sync_insert_triggers() == before


def test_a_big_import_marks_a_synced_contact_it_fills_in(db, tmp_path, monkeypatch):
    """A contact that syncs keeps the triggers: an email an import adds to it marks its
    sync item, to be sent again."""
    from favorbook.db.models import db as database
    from favorbook.services.contacts import ContactInput, Labeled

    monkeypatch.setattr(importing, "UNCAPTURED_FROM", 50)
    cid = contacts.create_contact(
        ContactInput(first_name="Ada", last_name="Byron", phones=[Labeled("+14155550100")])
    )
    on_a_sync_server(cid)
    before = _sync_insert_triggers()
    during = _flush_watched(monkeypatch)
    path = tmp_path / "cards.vcf"
    _cards(path, 300, [])
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Byron\r\nTEL:+14155550100\r\n"
        "EMAIL:ada@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = importing.apply_import(importing.plan_import(importer.read_file(path)))
    assert [u["contact_id"] for u in report.updated] == [cid]
    assert during and all(tables == {t for _n, t, _s in before} for tables in during)
    assert database.execute_sql("SELECT dirty FROM sync_item").fetchone()[0] == 1


@pytest.fixture
def indexed(monkeypatch) -> list[list[str]]:
    """The names of each index of names built (``importing._NameIndex``), sorted."""
    built: list[list[str]] = []
    real = importing._NameIndex.__init__

    def counting(self, names):
        built.append(sorted(names))
        real(self, names)

    monkeypatch.setattr(importing._NameIndex, "__init__", counting)
    return built


def test_the_names_are_indexed_once_until_the_data_changes(db, make_contact, indexed):
    """The Meetings page matched its attendees on every show by indexing every contact's
    name again (0.4 s at 100,000 contacts)."""
    from favorbook.services.contacts import ContactInput

    make_contact("Karen", "Lee")
    attendee = ContactInput(first_name="Karen", last_name="Lee")
    for _ in range(3):
        found, how, _possible = importing.ExistingContacts().match(attendee, "")
        assert how == "name"
    assert indexed == [["Karen Lee"]]
    make_contact("Karin", "Lee")
    importing.ExistingContacts().match(attendee, "")
    assert indexed == [["Karen Lee"], ["Karen Lee", "Karin Lee"]]


@pytest.mark.parametrize("sql", [importing.PHONES_SQL, importing.EMAILS_SQL])
def test_emails_and_phones_are_looked_up_in_their_index_alone(db, sql):
    """An import looks up some 23,000 values for 10,000 cards: each hit read its row as
    well while the contact was not in the index (at 100,000 contacts 53 ms against 21 ms
    for 10,000 phones)."""
    from tests.perf_guards import plan

    lines = plan(sql.format(marks="?, ?"), ["+14155550100", "ann@example.org"])
    assert lines and all("USING COVERING INDEX" in line for line in lines), lines


def test_the_names_index_outlasts_writes_that_change_no_name(db, make_contact, indexed):
    """Logging a favor changes nobody's name: the names indexed for matching (every
    thread's, read on a connection of its own) are kept; a rename, an addition, an
    archive or a deletion index them again."""
    import threading

    from favorbook.services import favors, session, trash

    ann = make_contact("Karen", "Lee")
    importing.names_indexed()
    favors.log_favor(ann, "given", "Intro to the plant manager")
    contacts.update_contact(ann, contacts.ContactInput(first_name="Karen", last_name="Lee"))
    importing.names_indexed()
    on_a_worker = []
    thread = threading.Thread(
        target=lambda: on_a_worker.append(session.on_worker_thread(importing.names_indexed))
    )
    thread.start()
    thread.join()
    assert indexed == [["Karen Lee"]] and on_a_worker[0] == importing.names_indexed()
    bo = make_contact("Bo", "Chan")
    importing.names_indexed()
    contacts.update_contact(bo, contacts.ContactInput(first_name="Bo", last_name="Chen"))
    importing.names_indexed()
    contacts.archive_contact(bo)  # the pickers leave Bo out now
    importing.names_indexed()
    trash.delete_contact(bo)
    importing.names_indexed()
    assert indexed[1:] == [
        ["Bo Chan", "Karen Lee"],
        ["Bo Chen", "Karen Lee"],
        ["Bo Chen", "Karen Lee"],
        ["Karen Lee"],
    ]
