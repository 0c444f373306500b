"""The FTS5 index over contacts, kept in step by the services in the same transaction.

One SQL statement builds the indexed text of a set of contacts, so indexing one
contact after an edit and rebuilding the whole index after a bulk load share it.
"""

from __future__ import annotations

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


def rebuild() -> None:
    """Rebuild the whole index from the tables (after a bulk load)."""
    with db.atomic():
        db.execute_sql("DELETE FROM contact_fts")
        db.execute_sql(_INSERT + _ROW_SQL)
        db.execute_sql("INSERT INTO contact_fts(contact_fts) VALUES ('optimize')")
