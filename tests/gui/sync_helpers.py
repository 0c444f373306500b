"""What the sync GUI tests share: accounts and conflicts made without a server."""

from __future__ import annotations

import datetime as dt
import json

BOOK = "https://dav.example.com/dav/addressbooks/ann/contacts/"
TASKS = "https://dav.example.com/dav/calendars/ann/tasks/"


def make_account(
    name: str = "work",
    *,
    interval: int | None = None,
    last_sync_at: dt.datetime | None = None,
    last_result: str = "",
    username: str = "ann",
) -> int:
    """A sync account as ``accounts.add_account`` leaves it, without asking a server."""
    from favorbook.db.models import SyncAccount

    row = SyncAccount.create(
        name=name,
        url="https://dav.example.com/dav/",
        username=username,
        addressbook_url=BOOK,
        calendar_url=TASKS,
        interval_minutes=interval,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        last_sync_at=last_sync_at,
        last_result=last_result,
    )
    return row.id


def report_json(**counts) -> str:
    fields = {"pushed": 0, "pulled": 0, "deleted": 0, "conflicts": 0, "errors": []}
    fields.update(counts)
    return json.dumps(fields)


def earlier_today(minutes: int = 5) -> dt.datetime:
    """A naive UTC time some minutes ago, yet today where the tests run: in the first
    minutes after local midnight, midnight itself (the status bar shows an earlier day's
    sync with its date, not as HH:MM; the tests that wanted HH:MM failed then)."""
    now = dt.datetime.now().astimezone()
    when = max(now - dt.timedelta(minutes=minutes), now.replace(hour=0, minute=0, second=0))
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def local_hhmm(when: dt.datetime) -> str:
    """A naive UTC time as the status bar shows it today."""
    return when.replace(tzinfo=dt.UTC).astimezone().strftime("%H:%M")
