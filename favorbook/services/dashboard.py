"""Every figure the dashboard shows, gathered in one call and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from favorbook.services import favors, followups, referrals, vetting
from favorbook.services._common import today

LIST_CAP = 6
"""How many entries of each list the dashboard shows; the rest are counted."""


@dataclass
class Capped:
    """The first entries of a list and how many there are in all."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _capped(items: list, cap: int) -> Capped:
    return Capped(list(items[:cap]), len(items))


@dataclass
class Dashboard:
    on: dt.date
    balance: favors.Balance
    months: list[favors.MonthRatio]
    i_owe: Capped
    owed_to_me: Capped
    overdue: Capped
    due: Capped
    touch_due: Capped
    revet_due: Capped
    top_sources: list[referrals.Source]


def gather(on: dt.date | None = None, *, cap: int = LIST_CAP, sources: int = 5) -> Dashboard:
    """The dashboard's figures on day ``on``: about a dozen queries whatever the data size."""
    on = on or today()
    ious = favors.open_ious()
    touch = followups.stay_in_touch_due(on, limit=cap)
    return Dashboard(
        on=on,
        balance=favors.balance(),
        months=favors.ratio_by_month(12, until=on),
        i_owe=_capped([f for f in ious if f.direction == "received"], cap),
        owed_to_me=_capped([f for f in ious if f.direction == "given"], cap),
        overdue=_capped(followups.overdue(on), cap),
        due=_capped(followups.due(on), cap),
        touch_due=Capped(touch, followups.stay_in_touch_due_count(on)),
        revet_due=_capped(vetting.revet_due(on), cap),
        top_sources=referrals.top_sources(limit=sources),
    )
