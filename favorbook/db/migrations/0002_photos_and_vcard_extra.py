"""Import and export: a photo per contact, and the vCard lines favorbook keeps verbatim.

The photo lives in its own table so the contact rows that every list reads stay small.
``contact.vcard_extra`` holds the properties of an imported card that favorbook does
not understand (one unfolded line each), written back unchanged on export.
"""

STATEMENTS = [
    """CREATE TABLE contact_photo (
        contact_id INTEGER PRIMARY KEY REFERENCES contact(id) ON DELETE CASCADE,
        mime TEXT NOT NULL,
        data BLOB NOT NULL,
        updated_at TEXT NOT NULL)""",
    "ALTER TABLE contact ADD COLUMN vcard_extra TEXT NOT NULL DEFAULT ''",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
