"""Lists of records, for all contacts or one: favors, conversations, follow-ups, and
their undoable commands."""
