"""Every foreign key can be followed back by an index: deleting a contact is instant.

SQLite carries out ``ON DELETE CASCADE`` and ``ON DELETE SET NULL`` by looking for the
rows that point at the deleted one. Without an index on the pointing column that is a
scan of the whole table, once per deleted row: deleting one contact at 100,000 contacts
(half a million favors) scanned the ledger for each of the contact's favors (who settled
it) and once more for the favors done for their benefit, and the follow-ups and asked
questions for each of their conversations: 1.5 seconds with the window held.

The indexes cover the rows that point somewhere (``IS NOT NULL``) where most rows point
nowhere, so they stay small and cost little to keep; SQLite uses such an index for
``column = ?``, which is how it follows a key.

Plain SQL on purpose: a migration is frozen history.
"""

STATEMENTS = [
    "CREATE INDEX favor_settled_by ON favor(settled_by_id) WHERE settled_by_id IS NOT NULL",
    "CREATE INDEX favor_beneficiary ON favor(beneficiary_id) WHERE beneficiary_id IS NOT NULL",
    "CREATE INDEX followup_conversation ON followup(conversation_id)"
    " WHERE conversation_id IS NOT NULL",
    "CREATE INDEX question_asked_conversation ON question_asked(conversation_id)"
    " WHERE conversation_id IS NOT NULL",
    "CREATE INDEX question_asked_question ON question_asked(question_id)",
    "CREATE INDEX vetting_note_vouched_by ON vetting_note(vouched_by_id)"
    " WHERE vouched_by_id IS NOT NULL",
    "CREATE INDEX sync_conflict_contact ON sync_conflict(contact_id)",
    "CREATE INDEX sync_conflict_account ON sync_conflict(account_id)",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
