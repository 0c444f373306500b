"""Dates as the rep sees them: stored in UTC, shown as local days."""

from __future__ import annotations

import datetime as dt


def local_date(value: dt.datetime) -> dt.date:
    """The local calendar day of a stored (naive UTC) datetime."""
    return value.replace(tzinfo=dt.UTC).astimezone().date()


def local_day_text(value: dt.datetime | None) -> str:
    """A stored datetime as the local ISO day, or "" when there is none."""
    return local_date(value).isoformat() if value is not None else ""


def local_datetime_text(value: dt.datetime | None) -> str:
    """A stored datetime as local "YYYY-MM-DD HH:MM", or "" when there is none."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")
