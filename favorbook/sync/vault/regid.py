"""A contact's or follow-up's global id follows its uid while nothing of it was sealed.

Their global id is their uid (migration 0011), taken when the row is made. The contact
sync makes a contact from a card and then gives it the card's UID (the tasks sync a
follow-up from a task, the same way), so the row was logged under a fresh uid: another
device holding the same card would send it under the card's UID, and the two could
never meet (``UNIQUE constraint failed: contact.uid``). Until the row's changes are
sealed (no other device can know its old id yet), its global id, those made from it
(a contact's photo, tags, vetting) and the logged changes naming it are renamed.
"""

from __future__ import annotations

from favorbook.db.models import db

_DERIVED = ("contact_photo", "contact_tag", "vetting")
"""The tables whose global ids are made from their contact's."""


def follow_uid(contact_id: int, new_uid: str, table: str = "contact") -> bool:
    """Rename the row's global id (a contact's, or a follow-up's with ``table``) to
    ``new_uid`` when nothing went out under the old one; True when renamed."""
    if not db.execute_sql("SELECT enabled FROM vault_flag").fetchone()[0]:
        return False
    row = db.execute_sql(
        "SELECT gid FROM vault_gid WHERE tbl = ? AND lid = ?", (table, contact_id)
    ).fetchone()
    if row is None or row[0] == new_uid:
        return False
    old = row[0]
    sealed = db.execute_sql(
        "SELECT 1 FROM vault_clock WHERE tbl = ? AND gid = ?", (table, old)
    ).fetchone()
    taken = db.execute_sql(
        "SELECT 1 FROM vault_gid WHERE tbl = ? AND gid = ?", (table, new_uid)
    ).fetchone()
    if sealed or taken:
        return False
    with db.atomic():
        db.execute_sql(
            "UPDATE vault_gid SET gid = ? WHERE tbl = ? AND lid = ?", (new_uid, table, contact_id)
        )
        derived = _DERIVED if table == "contact" else ()
        if derived:
            marks = ", ".join("?" * len(derived))
            db.execute_sql(
                f"UPDATE vault_gid SET gid = replace(gid, ?, ?) WHERE tbl IN ({marks}) "
                "AND instr(gid, ?) > 0",
                (old, new_uid, *derived, old),
            )
        db.execute_sql(
            "UPDATE vault_change SET gid = replace(gid, ?, ?), value = replace(value, ?, ?) "
            "WHERE instr(gid, ?) > 0 OR instr(value, ?) > 0",
            (old, new_uid, f'"{old}"', f'"{new_uid}"', old, f'"{old}"'),
        )
    return True
