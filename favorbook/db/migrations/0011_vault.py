"""The whole-database sync between the rep's own devices (the vault): global ids, the
change log, field clocks, and the triggers that fill the log on every write.

Every table a user changes gets, per row, a global id in ``vault_gid`` (kept apart from
the tables themselves, so no service, export or undo sees a new column). The triggers
below write one ``vault_change`` row per inserted row (every synced column, foreign keys
as the referenced row's global id), one per changed column of an update, and one
tombstone per delete, whatever wrote it: forms, import, merge, undo, demo, contact sync.

They run only while the vault is on (``vault_flag.enabled``), so a favorbook that never
syncs its devices pays nothing; applying changes that came from another device sets
``vault_flag.applying`` inside its own transaction, and the triggers then keep the global
ids in step but log nothing (a remote change is never sent back as a local one).

Derived columns (favor counts, next follow-up, last interaction, stay-in-touch date,
the search index) are not logged: triggers and services recompute them on arrival.
Global ids of rows that have a natural key are made from it (a contact's or follow-up's
uid, a tag's or organization's name, a question's text, a setting's key), so two devices
that made the same tag or hold the same contact from the contact sync merge into one row.

``SPEC`` is frozen with this migration; ``favorbook.sync.vault`` reads it from here.
"""

# table -> (synced columns, {foreign key column: referenced table}, key expression of a
# row given its alias, global id expression of a new row given its alias, blob columns)
SPEC = {
    "organization": (
        ["name", "notes", "created_at"],
        {},
        "{r}.id",
        "'org:' || lower({r}.name)",
        [],
    ),
    "contact": (
        [
            "uid",
            "first_name",
            "last_name",
            "display_name",
            "sort_name",
            "organization_id",
            "title",
            "kind",
            "birthday",
            "how_met",
            "needs",
            "goals",
            "offers",
            "cadence_days",
            "is_sample",
            "archived_at",
            "created_at",
            "updated_at",
            "vcard_extra",
            # the name details of 0006 (FN, N's prefix and suffix, nickname...)
            "full_name",
            "name_prefix",
            "name_suffix",
            "nickname",
            "phonetic_first_name",
            "phonetic_last_name",
            "role",
            "department",
        ],
        {"organization_id": "organization"},
        "{r}.id",
        "{r}.uid",
        [],
    ),
    "contact_photo": (
        ["contact_id", "mime", "data", "updated_at"],
        {"contact_id": "contact"},
        "{r}.contact_id",
        "'photo:' || (SELECT gid FROM vault_gid WHERE tbl = 'contact' AND lid = {r}.contact_id)",
        ["data"],
    ),
    "contact_email": (
        ["contact_id", "label", "value", "position"],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "contact_phone": (
        ["contact_id", "label", "value", "position"],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "contact_address": (
        ["contact_id", "label", "street", "city", "region", "postcode", "country", "position"],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "contact_link": (
        ["contact_id", "label", "url", "position"],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "tag": (["name"], {}, "{r}.id", "'tag:' || lower({r}.name)", []),
    "contact_tag": (
        ["contact_id", "tag_id"],
        {"contact_id": "contact", "tag_id": "tag"},
        "({r}.contact_id || ':' || {r}.tag_id)",
        "'ct:' || (SELECT gid FROM vault_gid WHERE tbl = 'contact' AND lid = {r}.contact_id)"
        " || '|' || (SELECT gid FROM vault_gid WHERE tbl = 'tag' AND lid = {r}.tag_id)",
        [],
    ),
    "note": (
        ["contact_id", "body", "private", "created_at"],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "favor": (
        [
            "contact_id",
            "direction",
            "kind",
            "occurred_on",
            "description",
            "value",
            "beneficiary_id",
            "expectation",
            "acknowledged",
            "settled_by_id",
            "settled_on",
            "written_off_on",
            "created_at",
        ],
        {"contact_id": "contact", "beneficiary_id": "contact", "settled_by_id": "favor"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "conversation": (
        [
            "contact_id",
            "occurred_at",
            "channel",
            "direction",
            "summary",
            "problems",
            "opportunities",
            "strategies",
            "created_at",
        ],
        {"contact_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "followup": (
        ["uid", "contact_id", "conversation_id", "due_on", "title", "done_at", "created_at"],
        {"contact_id": "contact", "conversation_id": "conversation"},
        "{r}.id",
        "{r}.uid",
        [],
    ),
    "question": (
        ["text", "purpose", "fills", "builtin", "archived_at"],
        {},
        "{r}.id",
        "'q:' || {r}.text",
        [],
    ),
    "question_asked": (
        ["question_id", "contact_id", "conversation_id", "asked_on", "answer"],
        {"question_id": "question", "contact_id": "contact", "conversation_id": "conversation"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "referral": (
        [
            "kind",
            "source_id",
            "subject_id",
            "recipient_id",
            "occurred_on",
            "outcome",
            "value",
            "thanks_sent",
            "note",
            "override_reason",
            "created_at",
        ],
        {"source_id": "contact", "subject_id": "contact", "recipient_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "vetting": (
        [
            "contact_id",
            "status",
            "keeps_promises",
            "quality_of_work",
            "shares_principles",
            "references_checked",
            "trusted_for",
            "revet_on",
            "updated_at",
        ],
        {"contact_id": "contact"},
        "{r}.contact_id",
        "'vet:' || (SELECT gid FROM vault_gid WHERE tbl = 'contact' AND lid = {r}.contact_id)",
        [],
    ),
    "vetting_note": (
        [
            "contact_id",
            "noted_on",
            "body",
            "evidence",
            "vouched_by_id",
            "vouched_by_name",
            "created_at",
        ],
        {"contact_id": "contact", "vouched_by_id": "contact"},
        "{r}.id",
        "lower(hex(randomblob(16)))",
        [],
    ),
    "setting": (["key", "value"], {}, "{r}.key", "'set:' || {r}.key", []),
}

PREFERENCE_KEYS = ("target_ratio", "default_cadence_days", "phone_region")
"""The settings that travel: the rep's preferences, not this device's window state."""

_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
_ON = "(SELECT enabled FROM vault_flag)"
_LOGGING = "(SELECT enabled AND NOT applying FROM vault_flag)"


def value_sql(table: str, column: str, row: str, spec: dict | None = None) -> str:
    """The SQL of ``column``'s value as it travels: a foreign key as its row's global id.
    ``spec``: a later migration's SPEC (one that adds a column that travels)."""
    _, fks, _, _, blobs = (spec or SPEC)[table]
    if column in fks:
        return f"(SELECT gid FROM vault_gid WHERE tbl = '{fks[column]}' AND lid = {row}.{column})"
    if column in blobs:
        return f"hex({row}.{column})"
    return f"{row}.{column}"


def _when(table: str, row: str) -> str:
    if table == "setting":
        keys = ", ".join(f"'{k}'" for k in PREFERENCE_KEYS)
        return f" AND {row}.key IN ({keys})"
    return ""


def triggers(table: str, spec: dict | None = None) -> list[str]:
    """The capture triggers of ``table`` (after ``DROP TRIGGER`` of the old ones, a later
    migration that adds a column that travels makes them again from its own ``spec``)."""
    spec = spec or SPEC
    columns, _, key, gid, _ = spec[table]
    key_new, key_old = key.format(r="NEW"), key.format(r="OLD")
    gid_of_new = f"(SELECT gid FROM vault_gid WHERE tbl = '{table}' AND lid = {key_new})"
    pairs = ", ".join(f"'{c}', {value_sql(table, c, 'NEW', spec)}" for c in columns)
    out = [
        f"""CREATE TRIGGER vault_{table}_insert AFTER INSERT ON {table}
        WHEN {_ON}{_when(table, "NEW")} BEGIN
            INSERT OR IGNORE INTO vault_gid (tbl, lid, gid)
                SELECT '{table}', {key_new}, {gid.format(r="NEW")}
                FROM vault_flag WHERE NOT applying;
            INSERT INTO vault_change (tbl, gid, op, col, value, at)
                SELECT '{table}', {gid_of_new}, 'i', NULL, json_object({pairs}), {_NOW_MS}
                FROM vault_flag WHERE NOT applying;
        END""",
        f"""CREATE TRIGGER vault_{table}_delete AFTER DELETE ON {table}
        WHEN {_ON}{_when(table, "OLD")} BEGIN
            INSERT INTO vault_change (tbl, gid, op, col, value, at)
                SELECT '{table}', g.gid, 'd', NULL, NULL, {_NOW_MS}
                FROM vault_gid g, vault_flag f
                WHERE g.tbl = '{table}' AND g.lid = {key_old} AND NOT f.applying;
            DELETE FROM vault_gid WHERE tbl = '{table}' AND lid = {key_old};
        END""",
    ]
    for column in columns:
        out.append(
            f"""CREATE TRIGGER vault_{table}_update_{column} AFTER UPDATE OF {column} ON {table}
            WHEN {_LOGGING} AND OLD.{column} IS NOT NEW.{column}{_when(table, "NEW")} BEGIN
                INSERT INTO vault_change (tbl, gid, op, col, value, at)
                VALUES ('{table}', {gid_of_new}, 'u', '{column}',
                        json_array({value_sql(table, column, "NEW", spec)}), {_NOW_MS});
            END"""
        )
    return out


STATEMENTS = [
    # One row: is the vault on, and is this transaction applying remote changes?
    """CREATE TABLE vault_flag (
        enabled INTEGER NOT NULL DEFAULT 0,
        applying INTEGER NOT NULL DEFAULT 0)""",
    "INSERT INTO vault_flag (enabled, applying) VALUES (0, 0)",
    # This device and where it syncs; one row once the vault is on.
    """CREATE TABLE vault_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_id TEXT NOT NULL,
        device_name TEXT NOT NULL,
        folder TEXT,
        next_seq INTEGER NOT NULL DEFAULT 1,
        hlc_ms INTEGER NOT NULL DEFAULT 0,
        hlc_count INTEGER NOT NULL DEFAULT 0,
        joined_at TEXT,
        backed_up_at TEXT,
        last_sync_at TEXT,
        last_result TEXT NOT NULL DEFAULT '')""",
    # Global id of every synced row; lid is the row's key in its table.
    """CREATE TABLE vault_gid (
        tbl TEXT NOT NULL,
        lid NUMERIC NOT NULL,
        gid TEXT NOT NULL,
        PRIMARY KEY (tbl, lid)) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX vault_gid_gid ON vault_gid(tbl, gid)",
    # Local changes not yet sent; stamped with a clock and sealed into a batch at sync.
    """CREATE TABLE vault_change (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tbl TEXT NOT NULL,
        gid TEXT,
        op TEXT NOT NULL CHECK (op IN ('i','u','d')),
        col TEXT,
        value TEXT,
        at INTEGER NOT NULL)""",
    # The clock of each field's value ('*': the row's insert, '-': its tombstone) and the
    # clock of the value it overwrote (its base: equal to ours means no conflict).
    """CREATE TABLE vault_clock (
        tbl TEXT NOT NULL,
        gid TEXT NOT NULL,
        col TEXT NOT NULL,
        hlc TEXT NOT NULL,
        base TEXT,
        PRIMARY KEY (tbl, gid, col)) WITHOUT ROWID""",
    # Sealed batches waiting to be written to the storage (kept until written).
    """CREATE TABLE vault_outbox (
        name TEXT PRIMARY KEY,
        data BLOB NOT NULL)""",
    # Rows another device made under a row deleted here (or not here yet): kept until
    # the row they belong to comes back (an undo), then made again.
    """CREATE TABLE vault_orphan (
        tbl TEXT NOT NULL,
        gid TEXT NOT NULL,
        parent_tbl TEXT NOT NULL,
        parent_gid TEXT NOT NULL,
        change TEXT NOT NULL,
        PRIMARY KEY (tbl, gid)) WITHOUT ROWID""",
    "CREATE INDEX vault_orphan_parent ON vault_orphan(parent_tbl, parent_gid)",
    # The other devices seen, and how far this device has read each one's log.
    """CREATE TABLE vault_peer (
        device_id TEXT PRIMARY KEY,
        device_name TEXT NOT NULL DEFAULT '',
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_hlc TEXT NOT NULL DEFAULT '',
        last_received_at TEXT)""",
    # Conflicts of the vault sit in sync_conflict beside the contact sync's: no account,
    # the row's table and global id instead.
    """CREATE TABLE sync_conflict_new (
        id INTEGER PRIMARY KEY,
        account_id INTEGER REFERENCES sync_account(id) ON DELETE CASCADE,
        contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE,
        uid TEXT NOT NULL DEFAULT '',
        field TEXT NOT NULL,
        local_value TEXT NOT NULL DEFAULT '',
        server_value TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        vault_table TEXT,
        vault_gid TEXT)""",
    "INSERT INTO sync_conflict_new (id, account_id, contact_id, uid, field, local_value, "
    "server_value, created_at, resolved_at) SELECT id, account_id, contact_id, uid, field, "
    "local_value, server_value, created_at, resolved_at FROM sync_conflict",
    "DROP TABLE sync_conflict",
    "ALTER TABLE sync_conflict_new RENAME TO sync_conflict",
    "CREATE INDEX sync_conflict_open ON sync_conflict(account_id) WHERE resolved_at IS NULL",
]
for _table in SPEC:
    STATEMENTS += triggers(_table)


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
