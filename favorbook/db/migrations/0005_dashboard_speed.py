"""The dashboard at a million ledger rows: running totals, and indexes its lists walk.

``favor_tally`` holds, per month and direction, how many favors there are, their summed
value and how many of them are open IOUs. Triggers keep it in step with ``favor`` on every
insert, delete and change (cascades from a deleted contact included), so the overall
balance and the twelve-month chart read a few hundred rows instead of every favor.

``change_mark`` holds a random number per table that changes with every write to that
table (``referral`` for now): a result computed from the whole table can be kept until
the number changes. Random rather than counted, so a restored backup never shows the
number a different state of the table once had.

The indexes serve the dashboard's capped lists and their counts: the oldest open IOUs
each way; the few archived contacts (counts take their rows off); open follow-ups and
contacts due for a touch by day, with the column of their partial-index condition
inside so a count reads the index alone.
"""

_OPEN_IOU = (
    "{row}expectation = 'iou' AND {row}settled_by_id IS NULL AND {row}written_off_on IS NULL"
)


def _add(row: str) -> str:
    return (
        "INSERT INTO favor_tally (month, direction, n, value, open_n) VALUES ("
        f"substr({row}.occurred_on, 1, 7), {row}.direction, 1, {row}.value, "
        f"({_OPEN_IOU.format(row=row + '.')})) "
        "ON CONFLICT (month, direction) DO UPDATE SET n = n + 1, "
        "value = value + excluded.value, open_n = open_n + excluded.open_n;"
    )


def _remove(row: str) -> str:
    return (
        "UPDATE favor_tally SET n = n - 1, "
        f"value = value - {row}.value, open_n = open_n - ({_OPEN_IOU.format(row=row + '.')}) "
        f"WHERE month = substr({row}.occurred_on, 1, 7) AND direction = {row}.direction;"
    )


STATEMENTS = [
    """CREATE TABLE favor_tally (
        month TEXT NOT NULL,
        direction TEXT NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        value INTEGER NOT NULL DEFAULT 0,
        open_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (month, direction)) WITHOUT ROWID""",
    """INSERT INTO favor_tally (month, direction, n, value, open_n)
        SELECT substr(occurred_on, 1, 7), direction, count(*), sum(value),
               sum(expectation = 'iou' AND settled_by_id IS NULL AND written_off_on IS NULL)
        FROM favor GROUP BY 1, 2""",
    f"CREATE TRIGGER favor_tally_insert AFTER INSERT ON favor BEGIN {_add('NEW')} END",
    f"CREATE TRIGGER favor_tally_delete AFTER DELETE ON favor BEGIN {_remove('OLD')} END",
    "CREATE TRIGGER favor_tally_update AFTER UPDATE OF "
    "occurred_on, direction, value, expectation, settled_by_id, written_off_on ON favor "
    f"BEGIN {_remove('OLD')} {_add('NEW')} END",
    """CREATE TABLE change_mark (
        name TEXT PRIMARY KEY,
        mark INTEGER NOT NULL) WITHOUT ROWID""",
    "INSERT INTO change_mark (name, mark) VALUES ('referral', random())",
    *(
        f"CREATE TRIGGER referral_mark_{event.lower()} AFTER {event} ON referral BEGIN "
        "UPDATE change_mark SET mark = random() WHERE name = 'referral'; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    f"""CREATE INDEX favor_open_iou_day ON favor(direction, occurred_on)
        WHERE {_OPEN_IOU.format(row="")}""",
    "CREATE INDEX contact_archived ON contact(archived_at) WHERE archived_at IS NOT NULL",
    # The column of the partial index's condition in the index too: counting a range
    # then reads the index alone, never a table row.
    "DROP INDEX followup_open",
    "CREATE INDEX followup_open ON followup(due_on, done_at) WHERE done_at IS NULL",
    "DROP INDEX contact_touch_due",
    """CREATE INDEX contact_touch_due ON contact(touch_due_on, archived_at)
        WHERE archived_at IS NULL""",
]


def up(migrator, db):
    for statement in STATEMENTS:
        db.execute_sql(statement)
