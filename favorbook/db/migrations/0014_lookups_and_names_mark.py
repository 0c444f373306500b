"""An import finds contacts by email and phone from the index alone; the names have a mark.

An import looks up every email and phone of the file (10,000 cards: some 23,000 values)
for the contacts that already have it. The value indexes held the value only, so each
hit also read the row of ``contact_email`` or ``contact_phone`` for its contact: with the
contact in the index, the lookup never leaves it (at 100,000 contacts 53 ms against 21
ms for 10,000 phones).

``change_mark`` gains ``names``: a random number that changes whenever a contact is
added or deleted, or its name, sort name, archive state or company changes, or a
company is renamed or deleted. What is worked out from every contact's name (the
pickers' list of names, the index that matches a meeting's attendees and an import's
records by name) is kept until that number changes, not until any write at all:
logging a favor made the pickers read 100,000 names again.

Plain SQL on purpose: a migration is frozen history.
"""

_BUMP = "BEGIN UPDATE change_mark SET mark = random() WHERE name = 'names'; END"

STATEMENTS = [
    "DROP INDEX contact_email_value",
    "CREATE INDEX contact_email_value ON contact_email(value COLLATE NOCASE, contact_id)",
    "DROP INDEX contact_phone_value",
    "CREATE INDEX contact_phone_value ON contact_phone(value, contact_id)",
    "INSERT INTO change_mark (name, mark) VALUES ('names', random())",
    f"CREATE TRIGGER names_mark_insert AFTER INSERT ON contact {_BUMP}",
    f"CREATE TRIGGER names_mark_delete AFTER DELETE ON contact {_BUMP}",
    "CREATE TRIGGER names_mark_update AFTER UPDATE OF "
    "display_name, sort_name, archived_at, organization_id ON contact "
    "WHEN OLD.display_name IS NOT NEW.display_name OR OLD.sort_name IS NOT NEW.sort_name "
    "OR OLD.archived_at IS NOT NEW.archived_at "
    f"OR OLD.organization_id IS NOT NEW.organization_id {_BUMP}",
    "CREATE TRIGGER names_mark_organization_update AFTER UPDATE OF name ON organization "
    f"WHEN OLD.name IS NOT NEW.name {_BUMP}",
    f"CREATE TRIGGER names_mark_organization_delete AFTER DELETE ON organization {_BUMP}",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
