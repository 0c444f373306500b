"""What makes an import fast at 100,000 contacts, guarded by what it asks the database
(no timing): planning looks the records up by index a batch at a time, never one query
per record."""

from __future__ import annotations

from favorbook.formats import importer, vcard
from favorbook.sample import demo
from favorbook.services import contacts, importing
from tests.perf_guards import capture_sql


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
