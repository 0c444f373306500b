"""Kill a writing favorbook with SIGKILL at random moments; nothing it reported saved is lost.

Each round forks a fresh writer (tests/durability/writer.py) that opens the
database and writes through the services, kills it after a random delay, and
then checks the file: ``PRAGMA integrity_check`` is ok, every write the child
reported as committed is there, and no multi-row change is there by half.

``FAVORBOOK_KILLS`` sets the number of rounds (200 in the suite, 2,000 in
``make soak``). A database is started afresh every ``ROUNDS_PER_DB`` rounds
so that the checks stay quick however long the soak.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from favorbook.db.database import APPLICATION_ID, schema_version
from tests.durability.writer import REPORT

KILLS = int(os.environ.get("FAVORBOOK_KILLS", "200"))
ROUNDS_PER_DB = 100
# The child needs about 20 ms to open the database; kill during that, and well after.
MAX_DELAY_S = 0.12
ROOT = Path(__file__).resolve().parents[2]
# One round in FRESH_EVERY kills a child creating a new database, mostly mid-migration.
FRESH_EVERY = 10
SCHEMA_VERSION = schema_version()
SCHEMA_TABLES = {"schema_migration", "contact", "favor", "conversation", "setting", "contact_fts"}

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash test forks (POSIX)")

# Each query counts rows that would be half of a multi-row change; all must be 0.
HALF_CHANGES = {
    "a crash contact without both emails, its phone and both tags": """
        SELECT count(*) FROM contact c WHERE c.first_name = 'Crash' AND (
            (SELECT count(*) FROM contact_email e WHERE e.contact_id = c.id) != 2
         OR (SELECT count(*) FROM contact_phone p WHERE p.contact_id = c.id) != 1
         OR (SELECT count(*) FROM contact_tag t WHERE t.contact_id = c.id) != 2
         OR c.organization_id IS NULL)""",
    "a contact missing from the search index (or an index row without contact)": """
        SELECT abs((SELECT count(*) FROM contact) - (SELECT count(*) FROM contact_fts))
             + (SELECT count(*) FROM contact c
                WHERE NOT EXISTS (SELECT 1 FROM contact_fts f WHERE f.rowid = c.id))""",
    "a settling favor whose IOU is not marked settled by it": """
        SELECT count(*) FROM favor s WHERE s.description LIKE 'settles %'
           AND NOT EXISTS (SELECT 1 FROM favor i WHERE i.settled_by_id = s.id
                           AND i.settled_on IS NOT NULL)""",
    "a conversation without its follow-up or its answered question": """
        SELECT count(*) FROM conversation c WHERE
            (SELECT count(*) FROM followup f WHERE f.conversation_id = c.id) != 1
         OR (SELECT count(*) FROM question_asked q WHERE q.conversation_id = c.id) != 1""",
    "a contact with conversations but no last interaction": """
        SELECT count(*) FROM contact c WHERE c.last_interaction_at IS NULL
           AND EXISTS (SELECT 1 FROM conversation v WHERE v.contact_id = c.id)""",
    "a note the search index does not hold": """
        SELECT count(*) FROM note n JOIN contact_fts f ON f.rowid = n.contact_id
        WHERE instr(f.notes, substr(n.body, 1, 12)) = 0""",
}

# How to find each reported write: kind -> (SQL by id, expected text built from the marker).
REPORTED = {
    "contact": ("SELECT last_name FROM contact WHERE id = ?", "{m}"),
    "favor": ("SELECT description FROM favor WHERE id = ?", "iou {m}"),
    "settle": ("SELECT description FROM favor WHERE id = ?", "settles {m}"),
    "conversation": ("SELECT summary FROM conversation WHERE id = ?", "talked {m}"),
    "note": ("SELECT substr(body, 1, length(?2) + 0) FROM note WHERE id = ?1", "note {m}"),
}


class Writer:
    """The warm parent that forks a fresh writer child per round."""

    def __init__(self):
        env = {**os.environ, "FAVORBOOK_SOURCE": str(ROOT), "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("writer.py")), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def ask(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer, "the writer's parent died"
        return answer.split()[1]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def _reported(data_dir: Path) -> list[tuple[str, int, str]]:
    path = data_dir / REPORT
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    # A line is a report only once its newline was written.
    lines = text.split("\n")[:-1]
    return [(kind, int(rid), marker) for kind, rid, marker in (ln.split() for ln in lines)]


def _check(db_path: Path, reports: list[tuple[str, int, str]]) -> list[str]:
    """What is wrong with the database after a kill (empty when all is well)."""
    if not db_path.exists():
        return [f"{len(reports)} reported writes but no database"] if reports else []
    conn = sqlite3.connect(db_path)
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return [f"{len(reports)} reported writes but no tables"] if reports else []
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        # The schema is created in one transaction: all of it, stamped, or nothing.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if (version, app_id) != (SCHEMA_VERSION, APPLICATION_ID) or not tables >= SCHEMA_TABLES:
            problems.append(f"half a schema: version {version}, tables {sorted(tables)}")
        for what, sql in HALF_CHANGES.items():
            n = conn.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{n} × {what}")
        for kind, rid, marker in reports:
            sql, expected = REPORTED[kind]
            expected = expected.format(m=marker)
            params = (rid, expected) if "?2" in sql else (rid,)
            row = conn.execute(sql, params).fetchone()
            if row is None or row[0] != expected:
                problems.append(f"lost a committed {kind} {rid} ({marker}): found {row}")
    finally:
        conn.close()
    return problems


def test_sigkill_loses_no_committed_write(tmp_path):
    rng = random.Random(os.environ.get("FAVORBOOK_KILL_SEED"))
    writer = Writer()
    kills = 0
    reported: dict[str, int] = {}
    started = time.monotonic()
    try:
        for round_no in range(KILLS):
            fresh = round_no % FRESH_EVERY == FRESH_EVERY - 1
            name = f"fresh{round_no}" if fresh else f"db{round_no // ROUNDS_PER_DB}"
            data_dir = tmp_path / name
            data_dir.mkdir(exist_ok=True)
            report = data_dir / REPORT
            size = report.stat().st_size if report.exists() else 0
            pid = int(writer.ask(f"run {data_dir} {round_no}"))
            if fresh:
                time.sleep(rng.uniform(0, MAX_DELAY_S / 2))
            elif round_no % 2:
                # Every other round waits for the child's first commit, so that on a busy
                # machine too, kills land among the writes and not only while opening.
                deadline = time.monotonic() + 2
                while time.monotonic() < deadline and (
                    not report.exists() or report.stat().st_size == size
                ):
                    time.sleep(0.002)
                time.sleep(rng.uniform(0, MAX_DELAY_S / 3))
            else:
                time.sleep(rng.uniform(0, MAX_DELAY_S))
            os.kill(pid, signal.SIGKILL)
            status = int(writer.ask(f"reap {pid}"))
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                f"round {round_no}: the writer stopped by itself (status {status}); a write failed"
            )
            kills += 1
            reports = _reported(data_dir)
            problems = _check(data_dir / "favorbook.db", reports)
            assert not problems, f"after kill {round_no}: {problems}"
            reported[name] = len(reports)
            if fresh:
                shutil.rmtree(data_dir)
    finally:
        writer.close()
    elapsed = time.monotonic() - started
    writes = sum(reported.values())
    print(f"\n{kills} kills survived, {writes} committed writes checked, 0 lost, {elapsed:.1f} s")
    assert kills == KILLS
    assert writes > 0  # the children did write between kills: the test tested something
