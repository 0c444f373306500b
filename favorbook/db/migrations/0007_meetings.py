"""Meetings from the rep's calendars and captures from the phone's inbox list.

- ``account_calendar``: the calendars of a sync account favorbook reads, by role:
  ``meetings`` (the event calendars the rep picked, any number) or ``inbox`` (the
  "favorbook inbox" task list favorbook created when the rep turned capture on, one).
  With no account, a calendar favorbook keeps itself (the sample network's week).
- ``calendar_event``: the events last fetched from a meetings calendar, one row per
  server resource (a recurring event with its moved instances is one resource), kept
  as the server's text so the Meetings page works offline and recurrences are
  expanded when shown.
- ``meeting_log``: a meeting occurrence (its UID and its start, UTC) and the
  conversation logged for each attendee, so a logged meeting says so.
- ``inbox_capture``: a capture fetched from the inbox list, once per UID and account:
  waiting, then accepted or dismissed (``completed_at`` when the server was told);
  with no account, a sample capture.
"""

STATEMENTS = [
    """CREATE TABLE account_calendar (
        id INTEGER PRIMARY KEY,
        account_id INTEGER REFERENCES sync_account(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('meetings','inbox')),
        url TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        fetched_at TEXT,
        UNIQUE (account_id, role, url))""",
    """CREATE TABLE calendar_event (
        id INTEGER PRIMARY KEY,
        calendar_id INTEGER NOT NULL REFERENCES account_calendar(id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        UNIQUE (calendar_id, href))""",
    """CREATE TABLE meeting_log (
        id INTEGER PRIMARY KEY,
        meeting_uid TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
        UNIQUE (meeting_uid, starts_at, conversation_id))""",
    "CREATE INDEX meeting_log_conversation ON meeting_log(conversation_id)",
    """CREATE TABLE inbox_capture (
        id INTEGER PRIMARY KEY,
        account_id INTEGER REFERENCES sync_account(id) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        href TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        raw TEXT NOT NULL DEFAULT '',
        captured_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting','accepted','dismissed')),
        decided_at TEXT,
        completed_at TEXT,
        UNIQUE (account_id, uid))""",
    "CREATE INDEX inbox_capture_waiting ON inbox_capture(captured_at) WHERE status = 'waiting'",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
