"""The system locale's date formats for every date favorbook shows (``services.dates``).

The "C" locale (a bare ``LANG=C``) names no country: there the days stay ISO in lists
and read "3 Mar 2026" on sheets, as without Qt.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from PySide6.QtCore import QDate, QLocale

from favorbook.services import dates


def day_formats(locale: QLocale) -> tuple[dates.DayFormat, dates.DayFormat]:
    """(short, long) functions formatting a day in ``locale``."""
    if locale.language() == QLocale.Language.C:
        return dates.iso_day, dates.paper_day
    short_pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    # The long format without its weekday: "25 July 2026", "July 25, 2026", "25. Juli 2026".
    long_pattern = re.sub(
        r"^\W*dddd\W*|\W*dddd\W*$", "", locale.dateFormat(QLocale.FormatType.LongFormat)
    )

    # Remembered: a contact's tabs and lists show hundreds of dates, each repaint asks
    # again, and QLocale takes some 20 µs a day.
    @functools.lru_cache(maxsize=4096)
    def short(day: dt.date) -> str:
        return locale.toString(QDate(day.year, day.month, day.day), short_pattern)

    @functools.lru_cache(maxsize=1024)
    def long(day: dt.date) -> str:
        return locale.toString(QDate(day.year, day.month, day.day), long_pattern)

    return short, long


_edit_pattern = ["yyyy-MM-dd"]


def use_locale(locale: QLocale | None = None) -> None:
    """Show every date in ``locale``'s formats (the system's by default)."""
    locale = locale or QLocale.system()
    dates.set_formats(*day_formats(locale))
    if locale.language() == QLocale.Language.C:
        _edit_pattern[0] = "yyyy-MM-dd"
    else:
        # The short format with the whole year: a typed "26" is not read as 1926.
        pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
        _edit_pattern[0] = pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def edit_format(with_time: bool = False) -> str:
    """The display format of date fields: the short date of the lists, whole year."""
    return _edit_pattern[0] + (" HH:mm" if with_time else "")
