"""Dates as the rep sees them: stored in UTC, shown as local days in one format.

Every date favorbook shows goes through ``short_date`` (lists, forms, the window) or
``long_date`` (contact sheets, on screen and on paper). Without Qt the formats are
ISO days and "3 Mar 2026"; the window and the PDF renderer install the system
locale's formats (``favorbook.render.locale_dates``), so a rep in Germany reads
04.12.26 and one in the US 12/4/26, the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DayFormat = Callable[[dt.date], str]
LATE_DAY = dt.date(2026, 12, 28)
"""A day with wide digits in every format, to size date columns by."""


def iso_day(day: dt.date) -> str:
    return day.isoformat()


def paper_day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_formats: dict[str, DayFormat] = {"short": iso_day, "long": paper_day}


def set_formats(short: DayFormat, long: DayFormat) -> None:
    """Show dates with these two functions from now on (see ``render.locale_dates``)."""
    _formats["short"], _formats["long"] = short, long


def short_date(day: dt.date | None) -> str:
    """A day as lists and forms show it (the locale's short format); "" for none."""
    return _formats["short"](day) if day is not None else ""


def long_date(day: dt.date | None) -> str:
    """A day as contact sheets show it (the locale's long format); "" for none."""
    return _formats["long"](day) if day is not None else ""


def local_date(value: dt.datetime) -> dt.date:
    """The local calendar day of a stored (naive UTC) datetime."""
    return value.replace(tzinfo=dt.UTC).astimezone().date()


def local_day_text(value: dt.datetime | None) -> str:
    """A stored datetime as its local day in the short format, or "" when there is none."""
    return short_date(local_date(value)) if value is not None else ""


def local_datetime_text(value: dt.datetime | None) -> str:
    """A stored datetime as its local day (short format) and "HH:MM", or "" for none."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone()
    return f"{short_date(local.date())} {local.strftime('%H:%M')}"
