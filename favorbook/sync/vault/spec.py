"""What travels: the tables and columns of the newest migration that says so, read from
it (frozen with that migration, so the triggers and this code agree).

Migration 0011_vault made the capture triggers and its ``SPEC``. A later migration that
adds a column that travels (a new contact field) defines ``SPEC`` (0011's with the column
added), ``PREFERENCE_KEYS`` and ``value_sql``, and makes that table's triggers again with
0011's ``triggers(table, SPEC)``; this module then reads it instead.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from favorbook.db.database import MIGRATIONS_DIR


def load_migration(path: Path):
    spec = importlib.util.spec_from_file_location(f"favorbook_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def newest_spec_migration(folder: Path = MIGRATIONS_DIR) -> Path:
    """The newest numbered migration in ``folder`` that defines what travels (``SPEC``)."""
    numbered = sorted(p for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))
    for path in reversed(numbered):
        if re.search(r"^SPEC\b", path.read_text(encoding="utf-8"), re.M):
            return path
    raise RuntimeError(f"no migration in {folder} says what travels")


_migration = load_migration(newest_spec_migration())
SPEC: dict = _migration.SPEC
PREFERENCE_KEYS: tuple = _migration.PREFERENCE_KEYS
TABLES: list[str] = list(SPEC)
value_sql = _migration.value_sql

KEY_COLUMN = {"contact_photo": "contact_id", "vetting": "contact_id", "setting": "key"}
"""The column that keys a row (``id`` elsewhere; contact_tag has two)."""


def columns(table: str) -> list[str]:
    return SPEC[table][0]


def foreign_keys(table: str) -> dict[str, str]:
    return SPEC[table][1]


def blobs(table: str) -> list[str]:
    return SPEC[table][4]


def key_sql(table: str, alias: str) -> str:
    return SPEC[table][2].format(r=alias)


def gid_sql(table: str, alias: str) -> str:
    return SPEC[table][3].format(r=alias)


def row_filter(table: str, alias: str) -> str:
    if table == "setting":
        keys = ", ".join(f"'{k}'" for k in PREFERENCE_KEYS)
        return f"{alias}.key IN ({keys})"
    return "1"


def row_json_sql(table: str, alias: str) -> str:
    pairs = ", ".join(f"'{c}', {value_sql(table, c, alias)}" for c in columns(table))
    return f"json_object({pairs})"


NOT_NULL_FKS = {
    ("contact_photo", "contact_id"),
    ("contact_email", "contact_id"),
    ("contact_phone", "contact_id"),
    ("contact_address", "contact_id"),
    ("contact_link", "contact_id"),
    ("contact_tag", "contact_id"),
    ("contact_tag", "tag_id"),
    ("note", "contact_id"),
    ("favor", "contact_id"),
    ("conversation", "contact_id"),
    ("followup", "contact_id"),
    ("question_asked", "question_id"),
    ("question_asked", "contact_id"),
    ("referral", "subject_id"),
    ("vetting", "contact_id"),
    ("vetting_note", "contact_id"),
}
"""Foreign keys a row cannot live without: with the parent gone, the row is not made."""
