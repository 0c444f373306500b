"""The FTS5 index over contacts, kept in step by the services in the same transaction.

One SQL statement builds the indexed text of a set of contacts, so indexing one
contact after an edit and rebuilding the whole index after a bulk load share it. A bulk
write that holds a new contact's text already (an import) gives the same row from it
(``text_row``) without reading it back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from favorbook.db.models import db

COLUMNS = ("name", "company", "emails", "phones", "tags", "notes", "goals", "offers", "trusted_for")

# Phones are stored in E.164 (+15551234567); index the digits with and without the
# country code (1 to 3 digits) so a number typed the national way finds them by prefix.
# A local number kept as typed ("555 0199") is also indexed as its digits alone.
_ROW_SQL = """
SELECT c.id,
       c.display_name || ' ' || c.first_name || ' ' || c.last_name || ' ' || c.nickname
           || ' ' || c.phonetic_first_name || ' ' || c.phonetic_last_name,
       coalesce(o.name, '') || ' ' || c.title || ' ' || c.department || ' ' || c.role,
       coalesce((SELECT group_concat(e.value, ' ') FROM contact_email e
                 WHERE e.contact_id = c.id), ''),
       coalesce((SELECT group_concat(p.value || ' ' || substr(p.value, 3) || ' '
                                      || substr(p.value, 4) || ' ' || substr(p.value, 5)
                                      || CASE WHEN p.value GLOB '+*' THEN '' ELSE ' ' ||
                                         replace(replace(replace(replace(replace(p.value,
                                         ' ', ''), '-', ''), '.', ''), '(', ''), ')', '') END,
                                      ' ')
                 FROM contact_phone p WHERE p.contact_id = c.id), ''),
       coalesce((SELECT group_concat(name, ' ') FROM (SELECT t.name AS name FROM contact_tag ct
                 JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY t.name)),
                ''),
       c.how_met || ' ' || c.needs || ' '
           || coalesce((SELECT group_concat(n.body, ' ') FROM note n
                        WHERE n.contact_id = c.id), ''),
       c.goals,
       c.offers,
       coalesce(v.trusted_for, '')
FROM contact c
LEFT JOIN organization o ON o.id = c.organization_id
LEFT JOIN vetting v ON v.contact_id = c.id
"""

_INSERT = f"INSERT INTO contact_fts(rowid, {', '.join(COLUMNS)}) "


def index_contacts(contact_ids: Iterable[int]) -> None:
    """(Re)index these contacts; call inside the transaction that changed them."""
    ids = list(contact_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute_sql(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", chunk)
        db.execute_sql(f"{_INSERT}{_ROW_SQL} WHERE c.id IN ({marks})", chunk)


def phone_terms(value: str) -> str:
    """What _ROW_SQL indexes of one stored phone number."""
    terms = f"{value} {value[2:]} {value[3:]} {value[4:]}"
    if value.startswith("+"):
        return terms
    digits = value.replace(" ", "").replace("-", "").replace(".", "").replace("(", "")
    return f"{terms} {digits.replace(')', '')}"


def _nocase(name: str) -> bytes:
    """The order of SQLite's NOCASE collation: UTF-8 bytes, ASCII letters folded."""
    return name.encode("utf-8").lower()


def text_row(
    contact_id: int,
    contact: dict,
    *,
    organization: str,
    emails: list[str],
    phones: list[str],
    tags: list[str],
    notes: list[str],
    trusted_for: str = "",
) -> tuple:
    """The row _ROW_SQL gives for a contact with these columns (``contact``: the contact
    row's), organization name, emails, phones and notes (in the order stored) and tag
    names, for ``index_rows``."""
    c = contact
    return (
        contact_id,
        f"{c['display_name']} {c['first_name']} {c['last_name']} {c['nickname']} "
        f"{c['phonetic_first_name']} {c['phonetic_last_name']}",
        f"{organization} {c['title']} {c['department']} {c['role']}",
        " ".join(emails),
        " ".join(map(phone_terms, phones)),
        " ".join(sorted(tags, key=_nocase)),
        f"{c['how_met']} {c['needs']} {' '.join(notes)}",
        c["goals"],
        c["offers"],
        trusted_for,
    )


def index_rows(rows: list[tuple]) -> None:
    """(Re)index contacts by rows ``text_row`` made; call inside the transaction that
    wrote them.

    Every old row goes first, then the new ones in one executemany: FTS5 keeps the terms
    of the rows inserted in memory until they fill its buffer, unless a row is deleted
    or inserted below the last one inserted; deleting between inserts wrote the buffer
    out as a segment of its own every 500 rows (a tenth of an import's writes)."""
    for start in range(0, len(rows), 500):
        chunk = [r[0] for r in rows[start : start + 500]]
        marks = ",".join("?" * len(chunk))
        db.execute_sql(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", chunk)
    if rows:
        db.cursor().executemany(f"{_INSERT}VALUES ({','.join('?' * 10)})", rows)


AUTOMERGE = 4
"""FTS5's own default for 'automerge' (the segments of a level merged once it has this
many), what the index has unless a bulk write turned it off for its transaction."""
MERGE_PAGES = 500
"""Leaf pages merged by one step of ``merge_segments`` (one short transaction each)."""


@contextlib.contextmanager
def merges_left_for_later():
    """Inside the transaction of a big write (an import of thousands of contacts): the
    index's segments are not merged as the rows go in. FTS5 merges a little after every
    write of the index (its 'automerge'); at 100,000 contacts that merging, of the big
    segments a level deeper as much as of the new ones, was three quarters of what
    indexing 10,000 new contacts cost. The rows are searchable all the same (each
    segment is); ``merge_segments``, run afterwards on a thread of its own, merges them.
    Back to merging as it goes at the end, whatever happens."""
    db.execute_sql("INSERT INTO contact_fts(contact_fts, rank) VALUES ('automerge', 0)")
    try:
        yield
    finally:
        db.execute_sql(
            f"INSERT INTO contact_fts(contact_fts, rank) VALUES ('automerge', {AUTOMERGE})"
        )


def merge_segments(limit: int = 1000) -> int:
    """Merge the index's segments left by ``merges_left_for_later``, ``MERGE_PAGES`` leaf
    pages a step, each step its own transaction (a write waiting for the database waits
    for one step, not for all of them), until there is nothing left to merge (or
    ``limit`` steps). Returns the steps that merged something."""
    connection = db.connection()
    for step in range(limit):
        before = connection.total_changes
        with db.atomic():
            db.execute_sql(
                "INSERT INTO contact_fts(contact_fts, rank) VALUES ('merge', ?)", (MERGE_PAGES,)
            )
        if connection.total_changes - before < 2:  # only the structure record rewritten
            return step
    return limit


def rebuild() -> None:
    """Rebuild the whole index from the tables (after a bulk load)."""
    with db.atomic():
        db.execute_sql("DELETE FROM contact_fts")
        # FTS5 merges its segments as they pile up; 'optimize' merges them all into one at
        # the end anyway, so no merging meanwhile (a third of the insert's time at 100,000
        # contacts), then the table's own setting back.
        row = db.execute_sql("SELECT v FROM contact_fts_config WHERE k = 'automerge'").fetchone()
        db.execute_sql(_FTS_SET, ("automerge", 0))
        db.execute_sql(_INSERT + _ROW_SQL)
        db.execute_sql("INSERT INTO contact_fts(contact_fts) VALUES ('optimize')")
        db.execute_sql(_FTS_SET, ("automerge", row[0] if row else AUTOMERGE_DEFAULT))


_FTS_SET = "INSERT INTO contact_fts(contact_fts, rank) VALUES (?, ?)"
AUTOMERGE_DEFAULT = 4
"""FTS5's own default of its ``automerge`` setting."""
