"""The search index answers a one-letter search from a prefix index of its own.

``contact_fts`` had prefix indexes for 2 and 3 characters only, so the first letter
typed in the search box made FTS5 walk every indexed word that starts with it and merge
their lists of contacts (tens of thousands at 100,000 contacts). The table is made again
with ``prefix = '1 2 3'`` (same columns and tokenizer) and refilled with the text it
held, row by row: the indexed text is copied, not recomputed from the contact tables,
so this migration does not depend on how later versions build that text.

The vault's triggers and ``SPEC`` (migration 0011) never name ``contact_fts`` (the search
index is derived and not logged), so making it again logs nothing and breaks no trigger.
"""

COLUMNS = "name, company, emails, phones, tags, notes, goals, offers, trusted_for"

STATEMENTS = [
    f"CREATE TEMP TABLE contact_fts_copy AS SELECT rowid AS id, {COLUMNS} FROM contact_fts",
    "DROP TABLE contact_fts",
    f"""CREATE VIRTUAL TABLE contact_fts USING fts5(
        {COLUMNS},
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3')""",
    f"INSERT INTO contact_fts(rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM contact_fts_copy "
    "ORDER BY id",
    "INSERT INTO contact_fts(contact_fts) VALUES ('optimize')",
    "DROP TABLE temp.contact_fts_copy",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
