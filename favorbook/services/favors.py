"""The favor ledger: what was given and received, IOUs, and the give:take ratio."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from peewee import fn

from favorbook.db.models import Contact, Favor, db
from favorbook.errors import ValidationError
from favorbook.services import settings
from favorbook.services._common import (
    Days,
    as_date,
    choice,
    clean,
    prepared_rows,
    ratio,
    raw_rows,
    require,
    today,
    utc_now,
)
from favorbook.services.terms import NO_FAVORS, NOTHING_RECEIVED, counted, format_ratio  # noqa: F401

DIRECTIONS = ("given", "received")
EXPECTATIONS = ("pay_forward", "iou")
KINDS = (
    "introduction",
    "referral",
    "advice",
    "content",
    "time",
    "resource",
    "invitation",
    "other",
)
KIND_LABELS = {
    "introduction": "Introduction",
    "referral": "Referral",
    "advice": "Advice",
    "content": "Content (white paper, article)",
    "time": "Time and effort",
    "resource": "Resource (a part, a tool, a lead)",
    "invitation": "Invitation",
    "other": "Other",
}


def _open_iou():
    return (
        (Favor.expectation == "iou") & Favor.settled_by.is_null() & Favor.written_off_on.is_null()
    )


@dataclass
class FavorView:
    id: int
    contact_id: int
    contact_name: str
    direction: str
    kind: str
    occurred_on: dt.date
    description: str
    value: int
    beneficiary_id: int | None
    expectation: str
    acknowledged: bool
    settled_by_id: int | None
    settled_on: dt.date | None
    written_off_on: dt.date | None

    @property
    def is_open_iou(self) -> bool:
        return (
            self.expectation == "iou" and self.settled_by_id is None and self.written_off_on is None
        )


def log_favor(
    contact_id: int,
    direction: str,
    description: str,
    *,
    kind: str = "other",
    occurred_on: dt.date | str | None = None,
    value: int = 1,
    beneficiary_id: int | None = None,
    expectation: str = "pay_forward",
    acknowledged: bool = False,
    settles_id: int | None = None,
) -> int:
    """Record a favor; ``settles_id`` names an open IOU in the other direction it pays back."""
    require(Contact, contact_id, "contact")
    direction = choice(direction, DIRECTIONS, "direction")
    kind = choice(kind, KINDS, "kind")
    expectation = choice(expectation, EXPECTATIONS, "expectation")
    description = clean(description, "description", max_len=20_000)
    if not description:
        raise ValidationError("description", "say what the favor was")
    occurred = as_date(occurred_on, "occurred_on", default=today())
    try:
        value = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("value", "must be a whole number from 1 to 5") from None
    if not 1 <= value <= 5:
        raise ValidationError("value", "must be from 1 (small) to 5 (large)")
    if beneficiary_id is not None:
        require(Contact, beneficiary_id, "contact (beneficiary)")
        if beneficiary_id == contact_id:
            beneficiary_id = None
    with db.atomic():
        favor = Favor.create(
            contact=contact_id,
            direction=direction,
            kind=kind,
            occurred_on=occurred,
            description=description,
            value=value,
            beneficiary=beneficiary_id,
            expectation=expectation,
            acknowledged=acknowledged,
            created_at=utc_now(),
        )
        if settles_id is not None:
            settle_iou(settles_id, favor.id)
    return favor.id


def settle_iou(iou_id: int, by_favor_id: int) -> None:
    """Mark an open IOU as paid back by a favor in the other direction with the same person."""
    iou = require(Favor, iou_id, "favor")
    by = require(Favor, by_favor_id, "favor")
    if iou.expectation != "iou":
        raise ValidationError("settles", "that favor was given to pay forward, not as an IOU")
    if iou.settled_by_id is not None or iou.written_off_on is not None:
        raise ValidationError("settles", "that IOU is already settled or written off")
    if by.direction == iou.direction:
        raise ValidationError("settles", "an IOU is settled by a favor in the other direction")
    if by.contact_id != iou.contact_id:
        raise ValidationError("settles", "an IOU is settled by a favor with the same person")
    iou.settled_by = by.id
    iou.settled_on = by.occurred_on
    iou.save(only=[Favor.settled_by, Favor.settled_on])


def write_off(iou_id: int, on: dt.date | None = None) -> None:
    """Close an IOU that will never be paid back; it stays in the ledger."""
    with db.atomic():
        iou = require(Favor, iou_id, "favor")
        if iou.expectation != "iou" or iou.settled_by_id is not None or iou.written_off_on:
            raise ValidationError("write_off", "only an open IOU can be written off")
        iou.written_off_on = on or today()
        iou.save(only=[Favor.written_off_on])


def unsettle(iou_id: int, by_favor_id: int | None = None) -> None:
    """Open a settled IOU again (undo of ``settle_iou``); the settling favor stays.

    With ``by_favor_id``, only if that favor is still the one that settled it.
    """
    with db.atomic():
        iou = require(Favor, iou_id, "favor")
        if iou.expectation != "iou" or iou.settled_by_id is None:
            raise ValidationError("settles", "that IOU is not settled")
        if by_favor_id is not None and iou.settled_by_id != by_favor_id:
            raise ValidationError("settles", "that IOU was settled by another favor since")
        iou.settled_by = None
        iou.settled_on = None
        iou.save(only=[Favor.settled_by, Favor.settled_on])


def undo_write_off(iou_id: int) -> dt.date:
    """Open a written-off IOU again (undo of ``write_off``); returns the day it was written off."""
    with db.atomic():
        iou = require(Favor, iou_id, "favor")
        if iou.expectation != "iou" or iou.written_off_on is None:
            raise ValidationError("write_off", "that IOU is not written off")
        day = iou.written_off_on
        iou.written_off_on = None
        iou.save(only=[Favor.written_off_on])
    return day


def set_acknowledged(favor_id: int, acknowledged: bool = True) -> None:
    with db.atomic():
        favor = require(Favor, favor_id, "favor")
        favor.acknowledged = bool(acknowledged)
        favor.save(only=[Favor.acknowledged])


def delete_favor(favor_id: int) -> None:
    favor = require(Favor, favor_id, "favor")
    with db.atomic():
        # An IOU this favor settled becomes open again.
        Favor.update(settled_by=None, settled_on=None).where(Favor.settled_by == favor_id).execute()
        favor.delete_instance()


def _view_query(query):
    return query.select(
        Favor.id,
        Favor.contact,
        Contact.display_name,
        Favor.direction,
        Favor.kind,
        Favor.occurred_on,
        Favor.description,
        Favor.value,
        Favor.beneficiary,
        Favor.expectation,
        Favor.acknowledged,
        Favor.settled_by,
        Favor.settled_on,
        Favor.written_off_on,
    ).join(Contact, on=(Favor.contact == Contact.id))


def views(query) -> list[FavorView]:
    """The FavorView rows of a Favor query (its own order and limit kept)."""
    return _view_rows(raw_rows(_view_query(query)))


def _view_rows(rows) -> list[FavorView]:
    day = Days()
    return [
        FavorView(
            fid,
            contact_id,
            name,
            direction,
            kind,
            day[occurred_on],
            description,
            value,
            beneficiary_id,
            expectation,
            bool(acknowledged),
            settled_by_id,
            day[settled_on],
            day[written_off_on],
        )
        for (
            fid,
            contact_id,
            name,
            direction,
            kind,
            occurred_on,
            description,
            value,
            beneficiary_id,
            expectation,
            acknowledged,
            settled_by_id,
            settled_on,
            written_off_on,
        ) in rows
    ]


def _favors_of(contact_id: int):
    query = Favor.select().where(Favor.contact == contact_id)
    return _view_query(query.order_by(Favor.occurred_on.desc(), Favor.id.desc()))


def _open_ious_of(contact_id: int):
    query = Favor.select().where(_open_iou() & (Favor.contact == contact_id))
    return _view_query(query.order_by(Favor.occurred_on))


def _balance_of_contact(contact_id: int):
    return (
        Favor.select(
            Favor.direction,
            fn.COUNT(Favor.id),
            fn.COALESCE(fn.SUM(Favor.value), 0),
            fn.COALESCE(fn.SUM(_open_iou().cast("INTEGER")), 0),
        )
        .where(Favor.contact == contact_id)
        .group_by(Favor.direction)
    )


_WHOLE_LEDGER = (
    "SELECT f.id, f.contact_id, c.display_name, f.direction, f.kind, f.occurred_on,"
    " f.description, f.value, f.beneficiary_id, f.expectation, f.acknowledged,"
    " f.settled_by_id, f.settled_on, f.written_off_on"
    " FROM favor AS f NOT INDEXED JOIN contact AS c ON c.id = f.contact_id"
    " ORDER BY f.occurred_on DESC, f.id DESC"
)
"""Every favor, newest first (the Favors page): the table read in one pass and sorted
after (NOT INDEXED). Walking the date index in its order fetched each row from wherever
it lay: 3.4 s instead of 1.6 s at 549,064 favors."""


def count_favors() -> int:
    """Every favor in the ledger."""
    return db.execute_sql("SELECT count(*) FROM favor").fetchone()[0]


def list_favors(contact_id: int | None = None, *, limit: int | None = None) -> list[FavorView]:
    """The ledger, newest first; one person's when ``contact_id`` is given."""
    if contact_id is not None and not limit:  # a contact's Favors tab: its SQL made once
        return _view_rows(prepared_rows("favors.of_contact", _favors_of, contact_id))
    if contact_id is None and not limit:
        return _view_rows(db.execute_sql(_WHOLE_LEDGER))
    query = Favor.select()
    if contact_id is not None:
        query = query.where(Favor.contact == contact_id)
    query = query.order_by(Favor.occurred_on.desc(), Favor.id.desc())
    if limit:
        query = query.limit(limit)
    return views(query)


def open_ious(direction: str | None = None, contact_id: int | None = None) -> list[FavorView]:
    """Open IOUs: ``given`` ones are owed to me, ``received`` ones I owe."""
    if contact_id is not None and not direction:  # a contact's briefing: SQL made once
        return _view_rows(prepared_rows("favors.open_ious_of", _open_ious_of, contact_id))
    query = Favor.select().where(_open_iou())
    if direction:
        query = query.where(Favor.direction == choice(direction, DIRECTIONS, "direction"))
    if contact_id is not None:
        query = query.where(Favor.contact == contact_id)
    return views(query.order_by(Favor.occurred_on))


@dataclass
class Balance:
    given: int
    received: int
    given_value: int
    received_value: int
    open_owed_to_me: int
    open_i_owe: int
    target: float

    @property
    def ratio(self) -> float | None:
        """give:take as one number (4.0 means 4:1); None when nothing was received."""
        return ratio(self.given, self.received)

    @property
    def overdrawn(self) -> bool:
        """More taken from this relationship than the target allows for what was given."""
        return self.received > 0 and self.given < self.target * self.received

    @property
    def to_give(self) -> int:
        """How many more favors to give before the ratio is back at the target."""
        return max(0, math.ceil(self.target * self.received - 1e-9) - self.given)

    def advice(self) -> str:
        """What to do about a balance below the target, in the words the window uses:
        give first. Given at least as much as taken is no debt, only not yet the trust the
        target asks for; taken more than given is overdrawn. "" at or above the target."""
        if not self.overdrawn:
            return ""
        count = self.to_give
        more = counted(count, "more favor", "more favors")
        if self.square:
            return f"Give {more} before you ask again: trust grows from what you give first"
        return f"Overdrawn: give {more} before you ask again"

    @property
    def square(self) -> bool:
        """Every favor taken has been matched by one given (an IOU repaid one for one)."""
        return self.received > 0 and self.given >= self.received

    def ratio_text(self) -> str:
        return format_ratio(self.ratio, self.given, self.received)


def format_target(target: float) -> str:
    """The give:take target without a needless ".0": "4:1", "4.5:1"."""
    return f"{round(float(target), 2):g}:1"


def balance(
    contact_id: int | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Balance:
    """Counts and values both ways, open IOUs, and the target; overall or for one person.

    Overall (no person, no dates) it is read from the running totals that triggers keep
    in ``favor_tally`` (a few hundred rows, whatever the size of the ledger).
    """
    if contact_id is None and start is None and end is None:
        figures = {d: (0, 0, 0) for d in DIRECTIONS}
        rows = db.execute_sql(
            "SELECT direction, sum(n), sum(value), sum(open_n) FROM favor_tally GROUP BY direction"
        )
        for direction, count, value, open_count in rows:
            figures[direction] = (count or 0, value or 0, open_count or 0)
        return _balance_of(figures)
    if contact_id is not None and start is None and end is None:
        figures = {d: (0, 0, 0) for d in DIRECTIONS}
        for direction, count, value, open_count in prepared_rows(
            "favors.balance_of", _balance_of_contact, contact_id
        ):
            figures[direction] = (count, value, open_count)
        return _balance_of(figures)
    query = Favor.select(
        Favor.direction,
        fn.COUNT(Favor.id),
        fn.COALESCE(fn.SUM(Favor.value), 0),
        fn.COALESCE(fn.SUM(_open_iou().cast("INTEGER")), 0),
    )
    if contact_id is not None:
        query = query.where(Favor.contact == contact_id)
    if start is not None:
        query = query.where(Favor.occurred_on >= start)
    if end is not None:
        query = query.where(Favor.occurred_on <= end)
    figures = {d: (0, 0, 0) for d in DIRECTIONS}
    for direction, count, value, open_count in query.group_by(Favor.direction).tuples():
        figures[direction] = (count, value, open_count)
    return _balance_of(figures)


def _balance_of(figures: dict[str, tuple[int, int, int]]) -> Balance:
    return Balance(
        given=figures["given"][0],
        received=figures["received"][0],
        given_value=figures["given"][1],
        received_value=figures["received"][1],
        open_owed_to_me=figures["given"][2],
        open_i_owe=figures["received"][2],
        target=settings.target_ratio(),
    )


@dataclass
class MonthRatio:
    month: str  # YYYY-MM
    given: int
    received: int

    @property
    def ratio(self) -> float | None:
        return ratio(self.given, self.received)


def ratio_by_month(months: int = 12, *, until: dt.date | None = None) -> list[MonthRatio]:
    """Given and received per calendar month, the last ``months`` months up to ``until``."""
    until = until or today()
    first = dt.date(until.year, until.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    # The running totals in favor_tally hold whole months; favors dated after ``until``
    # in its own month (rare: a favor logged ahead) are taken off again.
    month_end = (until.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    query = db.execute_sql(
        "SELECT month, direction, n FROM favor_tally WHERE month >= ? AND month <= ? "
        "UNION ALL SELECT ?, direction, -count(*) FROM favor "
        "WHERE occurred_on > ? AND occurred_on < ? GROUP BY direction",
        (
            first.strftime("%Y-%m"),
            until.strftime("%Y-%m"),
            until.strftime("%Y-%m"),
            until.isoformat(),
            month_end.isoformat(),
        ),
    )
    result: dict[str, MonthRatio] = {}
    cursor = first
    while cursor <= until:
        key = cursor.strftime("%Y-%m")
        result[key] = MonthRatio(key, 0, 0)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    for key, direction, count in query:
        if key in result:
            setattr(result[key], direction, getattr(result[key], direction) + count)
    return list(result.values())


@dataclass
class Overdrawn:
    contact_id: int
    name: str
    given: int
    received: int

    @property
    def ratio(self) -> float | None:
        return ratio(self.given, self.received)


def overdrawn_contacts(limit: int | None = None) -> list[Overdrawn]:
    """People from whom the rep has taken more than the target ratio allows, worst first."""
    target = settings.target_ratio()
    given = fn.SUM((Favor.direction == "given").cast("INTEGER"))
    received = fn.SUM((Favor.direction == "received").cast("INTEGER"))
    query = (
        Favor.select(Favor.contact, Contact.display_name, given, received)
        .join(Contact, on=(Favor.contact == Contact.id))
        .where(Contact.archived_at.is_null())
        .group_by(Favor.contact)
        .having((received > 0) & (given < received * target))
        .order_by((given - received * target).asc(), Contact.sort_name)
        .tuples()
    )
    if limit:
        query = query.limit(limit)
    return [Overdrawn(cid, name, g, r) for cid, name, g, r in query]


def overdrawn_ids() -> set[int]:
    return {o.contact_id for o in overdrawn_contacts()}


@dataclass(frozen=True)
class FavorSnapshot:
    """Everything ``delete_favor`` removes, so ``restore_favor`` can put it back."""

    row: dict
    settled: tuple[tuple[int, dt.date | None], ...]  # IOUs this favor settled, with the day


def favor_snapshot(favor_id: int) -> FavorSnapshot:
    """The favor's stored row and the IOUs it settles, taken before deleting it."""
    require(Favor, favor_id, "favor")
    row = Favor.select().where(Favor.id == favor_id).dicts().get()
    settled = tuple(
        Favor.select(Favor.id, Favor.settled_on)
        .where(Favor.settled_by == favor_id)
        .order_by(Favor.id)
        .tuples()
    )
    return FavorSnapshot(row, settled)


def restore_favor(snapshot: FavorSnapshot) -> int:
    """Put a deleted favor back with its id (a new one if that id was taken) and its links.

    The IOUs it settled are settled by it again, unless they were settled or written
    off meanwhile. Returns the favor's id.
    """
    row = dict(snapshot.row)
    require(Contact, row["contact"], "contact")
    with db.atomic():
        if Favor.get_or_none(Favor.id == row["id"]) is not None:
            del row["id"]
        if row.get("beneficiary") and Contact.get_or_none(Contact.id == row["beneficiary"]) is None:
            row["beneficiary"] = None
        if row.get("settled_by") and Favor.get_or_none(Favor.id == row["settled_by"]) is None:
            row["settled_by"] = None
            row["settled_on"] = None
        favor_id = Favor.insert(**row).execute()
        for iou_id, settled_on in snapshot.settled:
            Favor.update(settled_by=favor_id, settled_on=settled_on).where(
                (Favor.id == iou_id) & _open_iou()
            ).execute()
    return favor_id
