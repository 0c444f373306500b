"""Every figure the dashboard shows, gathered in one call and a fixed number of queries.

At a million ledger rows no query here walks the ledger: the balance and the monthly
chart read the running totals of ``favor_tally`` (kept by triggers, migration 0005), and
each list reads its first ``cap`` entries from an index, counting the rest only when
there are more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import SQL

from favorbook.db.models import Contact, Favor, FollowUp, Vetting, db
from favorbook.services import favors, followups, referrals, vetting
from favorbook.services._common import iso_date, not_archived, today

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


def _open_ious(direction: str, cap: int, total: int) -> Capped:
    """The oldest open IOUs one way, from the partial index favor_open_iou_day (its
    condition is written as literals here: SQLite uses a partial index only then)."""
    query = (
        Favor.select()
        .where(
            (Favor.direction == direction)
            & (Favor.expectation == SQL("'iou'"))
            & Favor.settled_by.is_null()
            & Favor.written_off_on.is_null()
        )
        .order_by(Favor.occurred_on, Favor.id)
        .limit(cap)
    )
    return Capped(favors.views(query), total)


def _followups(start: dt.date | None, end: dt.date, cap: int) -> list:
    """Open follow-ups of active contacts due from ``start`` to ``end``, earliest first."""
    where = FollowUp.done_at.is_null() & not_archived(Contact) & (FollowUp.due_on <= end)
    if start is not None:
        where &= FollowUp.due_on >= start
    query = FollowUp.select().where(where).order_by(FollowUp.due_on, FollowUp.id)
    return followups.views(query.limit(cap))


def _revet_due(on: dt.date, cap: int) -> list:
    query = (
        Vetting.select(Vetting.contact, Vetting.status, Vetting.revet_on, Contact.display_name)
        .join(Contact)
        .where((Vetting.revet_on <= on) & not_archived(Contact))
        .order_by(Vetting.revet_on, Vetting.contact)
        .limit(cap)
        .tuples()
    )
    return [
        vetting.RevetDue(cid, name, status, iso_date(revet_on))
        for cid, status, revet_on, name in query
    ]


# Open follow-ups in a range: every open one (an index range, no table row read) less
# those of archived contacts (few, found through the index of archived contacts).
_OPEN_FOLLOWUPS = """
    (SELECT count(*) FROM followup WHERE done_at IS NULL AND due_on >= :{a} AND due_on <= :{b})
    - (SELECT count(*) FROM contact INDEXED BY contact_archived CROSS JOIN followup
       ON followup.contact_id = contact.id WHERE contact.archived_at IS NOT NULL
       AND followup.done_at IS NULL AND followup.due_on >= :{a} AND followup.due_on <= :{b})"""
_TOTALS = f"""SELECT
    {_OPEN_FOLLOWUPS.format(a="first", b="yesterday")},
    {_OPEN_FOLLOWUPS.format(a="today", b="week")},
    (SELECT count(*) FROM contact INDEXED BY contact_touch_due
     WHERE archived_at IS NULL AND touch_due_on <= :today),
    (SELECT count(*) FROM vetting WHERE revet_on <= :today)
    - (SELECT count(*) FROM contact INDEXED BY contact_archived CROSS JOIN vetting
       ON vetting.contact_id = contact.id WHERE contact.archived_at IS NOT NULL
       AND vetting.revet_on <= :today)"""


def _totals(on: dt.date) -> tuple[int, int, int, int]:
    """How many overdue follow-ups, due this week, due for a touch, vetting to review:
    one statement, each count an index range."""
    params = {
        "first": dt.date.min.isoformat(),
        "yesterday": (on - dt.timedelta(days=1)).isoformat(),
        "today": on.isoformat(),
        "week": (on + dt.timedelta(days=7)).isoformat(),
    }
    return tuple(db.execute_sql(_TOTALS, params).fetchone())


def gather(on: dt.date | None = None, *, cap: int = LIST_CAP, sources: int = 5) -> Dashboard:
    """The dashboard's figures on day ``on`` in a bounded number of queries, each an index
    range or a few hundred rows of running totals, whatever the size of the ledger."""
    on = on or today()
    balance = favors.balance()
    overdue, due, touch, revet = _totals(on)
    return Dashboard(
        on=on,
        balance=balance,
        months=favors.ratio_by_month(12, until=on),
        i_owe=_open_ious("received", cap, balance.open_i_owe),
        owed_to_me=_open_ious("given", cap, balance.open_owed_to_me),
        overdue=Capped(_followups(None, on - dt.timedelta(days=1), cap), overdue),
        due=Capped(_followups(on, on + dt.timedelta(days=7), cap), due),
        touch_due=Capped(followups.stay_in_touch_due(on, limit=cap), touch),
        revet_due=Capped(_revet_due(on, cap), revet),
        top_sources=referrals.top_sources(limit=sources),
    )
