"""Speed at 100,000 contacts: the contact list never scans or aggregates the ledger.

- ``contact.favors_given`` / ``favors_received`` (counts of the contact's favors) and
  ``contact.next_followup_on`` (the earliest open follow-up) are kept by triggers, so
  the list's give:take and follow-up columns, their sort orders and the overdrawn
  filter read one row instead of aggregating a million ledger rows.
- ``contact_list``: one covering index holding every column the list sorts or filters
  by, led by ``archived_at`` (NULL for the contacts shown): any sort order of the list
  reads the index, never the table.
- Indexes for the filters that pick a few contacts (kind; the overdrawn candidates).

Plain SQL on purpose: a migration is frozen history.
"""

_COUNTS = """
    UPDATE contact SET
        favors_given = favors_given + {sign} (({row}.direction = 'given')),
        favors_received = favors_received + {sign} (({row}.direction = 'received'))
    WHERE id = {row}.contact_id;"""

_NEXT = """
    UPDATE contact SET next_followup_on = (
        SELECT min(f.due_on) FROM followup f
        WHERE f.contact_id = {row}.contact_id AND f.done_at IS NULL)
    WHERE id = {row}.contact_id;"""

STATEMENTS = [
    "ALTER TABLE contact ADD COLUMN favors_given INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE contact ADD COLUMN favors_received INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE contact ADD COLUMN next_followup_on TEXT",
    """UPDATE contact SET
        favors_given = (SELECT count(*) FROM favor f
                        WHERE f.contact_id = contact.id AND f.direction = 'given'),
        favors_received = (SELECT count(*) FROM favor f
                           WHERE f.contact_id = contact.id AND f.direction = 'received'),
        next_followup_on = (SELECT min(f.due_on) FROM followup f
                            WHERE f.contact_id = contact.id AND f.done_at IS NULL)""",
    f"""CREATE TRIGGER favor_counts_insert AFTER INSERT ON favor BEGIN
        {_COUNTS.format(sign="+", row="NEW")}
    END""",
    f"""CREATE TRIGGER favor_counts_delete AFTER DELETE ON favor BEGIN
        {_COUNTS.format(sign="-", row="OLD")}
    END""",
    f"""CREATE TRIGGER favor_counts_update AFTER UPDATE OF contact_id, direction ON favor BEGIN
        {_COUNTS.format(sign="-", row="OLD")}
        {_COUNTS.format(sign="+", row="NEW")}
    END""",
    f"""CREATE TRIGGER followup_next_insert AFTER INSERT ON followup BEGIN
        {_NEXT.format(row="NEW")}
    END""",
    f"""CREATE TRIGGER followup_next_delete AFTER DELETE ON followup BEGIN
        {_NEXT.format(row="OLD")}
    END""",
    f"""CREATE TRIGGER followup_next_update
        AFTER UPDATE OF contact_id, due_on, done_at ON followup BEGIN
        {_NEXT.format(row="OLD")}
        {_NEXT.format(row="NEW")}
    END""",
    """CREATE INDEX contact_list ON contact(
        archived_at, sort_name, id, kind, organization_id, last_interaction_at,
        favors_given, favors_received, next_followup_on, touch_due_on)""",
    "CREATE INDEX contact_kind ON contact(kind, sort_name) WHERE archived_at IS NULL",
    "CREATE INDEX followup_contact_open ON followup(contact_id, due_on) WHERE done_at IS NULL",
]


# The columns a person edits (everything but the counts above). Sync marks a contact's
# server copy dirty when one of them changes; a favor logged changes only the counts,
# which are not in the vCard, so it must not send the card again.
_PROFILE_COLUMNS = (
    "uid, first_name, last_name, display_name, sort_name, organization_id, title, kind, "
    "birthday, how_met, needs, goals, offers, cadence_days, last_interaction_at, "
    "touch_due_on, is_sample, archived_at, created_at, updated_at, vcard_extra"
)
_SYNC_DIRTY_CONTACT = f"""CREATE TRIGGER sync_dirty_contact
    AFTER UPDATE OF {_PROFILE_COLUMNS} ON contact BEGIN
        UPDATE sync_item SET dirty = 1 WHERE contact_id = NEW.id AND dirty = 0;
    END"""


def up(migrator, db):
    has_sync = db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'sync_dirty_contact'"
    ).fetchone()
    if has_sync:  # filling the new columns is no edit of the contacts
        db.execute_sql("DROP TRIGGER sync_dirty_contact")
    for statement in STATEMENTS:
        db.execute_sql(statement)
    if has_sync:
        db.execute_sql(_SYNC_DIRTY_CONTACT)
