"""User preferences kept in the database, so they travel with the data."""

from __future__ import annotations

import json
from typing import Any

from favorbook.db.listing import DEFAULT_TARGET_RATIO
from favorbook.db.models import Setting, db
from favorbook.errors import ValidationError

DEFAULTS: dict[str, Any] = {
    "target_ratio": DEFAULT_TARGET_RATIO,
    "default_cadence_days": 90,
    "phone_region": "",
    # the rep's own email addresses, left out of meeting attendees (services.meetings)
    "my_emails": [],
    # the folder the Meetings page writes meeting sheets into ("" = Documents)
    "sheets_folder": "",
}


def get(key: str) -> Any:
    # One indexed read without building a query object: the list reads the target on
    # every page of rows it fetches (peewee's get_or_none cost 1 ms a keystroke).
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    if row is None:
        return DEFAULTS[key]
    return json.loads(row[0])


def put(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` as it is: callers check it first."""
    Setting.replace(key=key, value=json.dumps(value)).execute()


def target_ratio() -> float:
    return float(get("target_ratio"))


def set_target_ratio(value: float | str) -> None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError("target_ratio", f"{value!r} is not a number") from None
    if not 0.1 <= number <= 100:
        raise ValidationError("target_ratio", "must be between 0.1 and 100 (4 means 4:1)")
    put("target_ratio", number)


def default_cadence_days() -> int:
    return int(get("default_cadence_days"))


def set_default_cadence_days(days: int | str) -> None:
    try:
        number = int(days)
    except (TypeError, ValueError):
        raise ValidationError("default_cadence_days", f"{days!r} is not a whole number") from None
    if not 1 <= number <= 3650:
        raise ValidationError("default_cadence_days", "must be between 1 and 3650 days")
    put("default_cadence_days", number)


def phone_region() -> str:
    """Region for phone numbers typed without +country: the setting, else the locale, else US."""
    region = get("phone_region")
    if region:
        return region
    import locale
    import os

    for candidate in (os.environ.get("LC_ALL"), os.environ.get("LANG"), locale.getlocale()[0]):
        if candidate and "_" in candidate:
            code = candidate.split("_", 1)[1][:2].upper()
            if code.isalpha() and len(code) == 2:
                return code
    return "US"


def set_phone_region(region: str) -> None:
    region = (region or "").strip().upper()
    if region and (len(region) != 2 or not region.isalpha()):
        raise ValidationError("phone_region", "must be a two-letter country code such as US or DE")
    put("phone_region", region)


def save_preferences(
    *, target_ratio: float | str, default_cadence_days: int | str, phone_region: str
) -> None:
    """Save the Preferences dialog in one step: all three values, or none if one is invalid."""
    from favorbook.db.models import db

    with db.atomic():
        set_target_ratio(target_ratio)
        set_default_cadence_days(default_cadence_days)
        set_phone_region(phone_region)
