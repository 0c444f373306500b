"""Fixed terms of the domain and the one way a figure is written, with no database.

What the window's first paint shows (the kind and vetting filters, the list's give:take
column) before the services and peewee are imported: the services name these too
(``contacts.KINDS``, ``vetting.STATUSES``, ``favors.format_ratio``).
"""

from __future__ import annotations

KINDS = ("customer", "prospect", "partner", "vendor", "peer", "other")
VETTING_STATUSES = ("unvetted", "in_review", "trusted", "not_recommended")

NOTHING_RECEIVED = "nothing received yet"
NO_FAVORS = "no favors yet"


def counted(n: int, one: str, many: str | None = None) -> str:
    """The one way favorbook writes a count with its noun: "1 favor", "2,400 favors" (the
    singular for exactly one; ``many`` where adding an s is not the plural)."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def format_ratio(ratio: float | None, given: int, received: int, *, short: bool = False) -> str:
    """The one way favorbook writes a give:take ratio: "2.3:1", one decimal.

    With nothing received there is no ratio: "nothing received yet" when something was
    given, "no favors yet" when neither way has a favor. ``short`` is for narrow table
    columns: "∞" and "" instead of the words. ``ratio`` may be None, then it is computed
    from the counts.
    """
    if received <= 0:
        if short:
            return "∞" if given > 0 else ""
        return NOTHING_RECEIVED if given > 0 else NO_FAVORS
    value = given / received if ratio is None else ratio
    return f"{value:.1f}:1"
