"""What vendor cards say about a name and a role, kept instead of lost on import.

``full_name`` is the name a card shows (vCard FN, CSV "Display Name") when it is not
the one favorbook builds from the name's parts ("Dr. Ann Lee" from prefix, first and
last name); empty when it is. The rest are the parts of a vCard name beside first and
last (N's prefix and suffix, NICKNAME, the phonetic names of X-PHONETIC-* and
SORT-STRING), ROLE, and the units of ORG after the organization ("Sales; EMEA").
"""

COLUMNS = (
    "full_name",
    "name_prefix",
    "name_suffix",
    "nickname",
    "phonetic_first_name",
    "phonetic_last_name",
    "role",
    "department",
)


def up(migrator, db):
    for column in COLUMNS:
        db.execute_sql(f"ALTER TABLE contact ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
