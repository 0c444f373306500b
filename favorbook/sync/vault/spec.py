"""What travels: the tables and columns of migration 0011_vault, read from it (frozen
with that migration, so the triggers and this code agree)."""

from __future__ import annotations

import importlib.util

from favorbook.db.database import MIGRATIONS_DIR


def _load():
    path = MIGRATIONS_DIR / "0011_vault.py"
    spec = importlib.util.spec_from_file_location("favorbook_migration_0011_vault", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_migration = _load()
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
