"""Sync with the rep's CardDAV/CalDAV server: accounts, collections, per-item bookkeeping,
conflicts, and the triggers that mark synced items dirty on every local edit.

The triggers catch every edit path of the app (forms, import, merge, undo) without the
services knowing about sync: any change to a contact, its children or a follow-up sets
``sync_item.dirty = 1`` for the items linked to it; deleting a contact or follow-up
marks its items ``deleted`` (a tombstone: removed on the server next sync). The sync
engine resets ``dirty`` itself, in the transaction that applies what it pulled.
"""

_CHILDREN = [
    "contact_email",
    "contact_phone",
    "contact_address",
    "contact_link",
    "contact_tag",
    "contact_photo",
]

STATEMENTS = [
    """CREATE TABLE sync_account (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL,
        username TEXT NOT NULL,
        addressbook_url TEXT,
        calendar_url TEXT,
        interval_minutes INTEGER CHECK (interval_minutes IS NULL OR interval_minutes > 0),
        created_at TEXT NOT NULL,
        last_sync_at TEXT,
        last_result TEXT NOT NULL DEFAULT '',
        backed_up_at TEXT)""",
    """CREATE TABLE sync_collection (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES sync_account(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('contacts','tasks')),
        url TEXT NOT NULL,
        sync_token TEXT,
        UNIQUE (account_id, kind))""",
    """CREATE TABLE sync_item (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES sync_collection(id) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        href TEXT,
        etag TEXT,
        base_text TEXT NOT NULL DEFAULT '',
        contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        followup_id INTEGER REFERENCES followup(id) ON DELETE SET NULL,
        dirty INTEGER NOT NULL DEFAULT 1,
        deleted INTEGER NOT NULL DEFAULT 0,
        UNIQUE (collection_id, uid))""",
    "CREATE INDEX sync_item_contact ON sync_item(contact_id) WHERE contact_id IS NOT NULL",
    "CREATE INDEX sync_item_followup ON sync_item(followup_id) WHERE followup_id IS NOT NULL",
    "CREATE INDEX sync_item_href ON sync_item(collection_id, href)",
    """CREATE TABLE sync_conflict (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES sync_account(id) ON DELETE CASCADE,
        contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE,
        uid TEXT NOT NULL DEFAULT '',
        field TEXT NOT NULL,
        local_value TEXT NOT NULL DEFAULT '',
        server_value TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        resolved_at TEXT)""",
    "CREATE INDEX sync_conflict_open ON sync_conflict(account_id) WHERE resolved_at IS NULL",
    # -- dirty tracking ---------------------------------------------------------------
    """CREATE TRIGGER sync_dirty_contact AFTER UPDATE ON contact BEGIN
        UPDATE sync_item SET dirty = 1 WHERE contact_id = NEW.id AND dirty = 0;
    END""",
    """CREATE TRIGGER sync_tombstone_contact BEFORE DELETE ON contact BEGIN
        UPDATE sync_item SET deleted = 1, dirty = 1 WHERE contact_id = OLD.id;
    END""",
    """CREATE TRIGGER sync_dirty_followup_insert AFTER INSERT ON followup BEGIN
        UPDATE sync_item SET dirty = 1 WHERE contact_id = NEW.contact_id AND dirty = 0;
    END""",
    """CREATE TRIGGER sync_dirty_followup_update AFTER UPDATE ON followup BEGIN
        UPDATE sync_item SET dirty = 1
        WHERE (followup_id = NEW.id OR contact_id = NEW.contact_id) AND dirty = 0;
    END""",
    """CREATE TRIGGER sync_tombstone_followup BEFORE DELETE ON followup BEGIN
        UPDATE sync_item SET deleted = 1, dirty = 1 WHERE followup_id = OLD.id;
    END""",
]
for _table in _CHILDREN:
    STATEMENTS += [
        f"""CREATE TRIGGER sync_dirty_{_table}_insert AFTER INSERT ON {_table} BEGIN
            UPDATE sync_item SET dirty = 1 WHERE contact_id = NEW.contact_id AND dirty = 0;
        END""",
        f"""CREATE TRIGGER sync_dirty_{_table}_update AFTER UPDATE ON {_table} BEGIN
            UPDATE sync_item SET dirty = 1
            WHERE contact_id IN (NEW.contact_id, OLD.contact_id) AND dirty = 0;
        END""",
        f"""CREATE TRIGGER sync_dirty_{_table}_delete AFTER DELETE ON {_table} BEGIN
            UPDATE sync_item SET dirty = 1 WHERE contact_id = OLD.contact_id AND dirty = 0;
        END""",
    ]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
