"""The contact list as SQL, and its rows: what the list shows, in the order it shows them.

No peewee and no Qt: the services run these statements through the models' database
(``services.search``, ``services.contacts.rows``), and the window's first paint runs the
same ones through the standard library's sqlite3 before peewee is imported
(``db.first_page``), so both list the same contacts in the same order with the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

WEIGHTS = "10.0, 5.0, 4.0, 4.0, 3.0, 1.0, 1.0, 1.0, 1.0"
"""The full-text index's column weights, in its column order (bm25)."""

# Sort keys the list's column headers offer, as SQL over contact c (and organization o).
# Every one reads columns of the contact row (the favor counts and the next follow-up
# are kept by triggers, see migration 0004), never an aggregate over the ledger.
RATIO_SQL = (
    "CASE WHEN c.favors_received = 0 THEN 1e18 ELSE 1.0 * c.favors_given / c.favors_received END"
)
ORDERS = {
    "name": "c.sort_name",
    "company": "o.name IS NULL, o.name COLLATE NOCASE",
    "kind": "c.kind",
    "last_contact": "c.last_interaction_at IS NULL, c.last_interaction_at",
    # The give:take ratio the column shows; nothing received sorts above any ratio,
    # and contacts with no favors at all come last (no commas: ordered splits on them).
    "balance": (
        f"(CASE WHEN c.favors_given + c.favors_received > 0 THEN 1 END) IS NULL, {RATIO_SQL}"
    ),
    "next_followup": "c.next_followup_on IS NULL, c.next_followup_on",
}
MATCH_WHERE = "c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)"
PROBE_WHERE = "EXISTS (SELECT 1 FROM contact_fts WHERE contact_fts MATCH ? AND rowid = c.id)"
RANK_SQL = (
    f"SELECT rowid, bm25(contact_fts, {WEIGHTS}) AS score FROM contact_fts"
    " WHERE contact_fts MATCH ?"
)


def ordered(sql_order: str, descending: bool) -> str:
    """Reverse each part of an ORDER BY, keeping "IS NULL" parts (blanks last) as they are."""
    if not descending:
        return sql_order
    parts = [p.strip() for p in sql_order.split(",")]
    return ", ".join(p if p.endswith("IS NULL") else p + " DESC" for p in parts)


def _filtered(
    *,
    include_archived: bool,
    archived_only: bool,
    kind: str | None,
    vetting_status: str | None,
    tag: str | None,
    touch_due_on: dt.date | None,
    overdrawn_target: float | None,
) -> tuple[list[str], list, str]:
    """The WHERE conditions, their parameters and the joins of the list's filters."""
    where: list[str] = []
    params: list = []
    if archived_only:
        where.append("c.archived_at IS NOT NULL")
    elif not include_archived:
        where.append("c.archived_at IS NULL")
    if kind:
        where.append("c.kind = ?")
        params.append(kind)
    joins = ""
    if vetting_status:
        if vetting_status == "unvetted":
            joins += " LEFT JOIN vetting v ON v.contact_id = c.id"
            where.append("(v.status IS NULL OR v.status = 'unvetted')")
        else:
            joins += " JOIN vetting v ON v.contact_id = c.id"
            where.append("v.status = ?")
            params.append(vetting_status)
    if tag:
        where.append(
            "c.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
            " WHERE t.name = ?)"
        )
        params.append(tag)
    if touch_due_on is not None:
        where.append("c.touch_due_on IS NOT NULL AND c.touch_due_on <= ?")
        params.append(touch_due_on.isoformat())
    if overdrawn_target is not None:
        where.append("c.favors_received > 0 AND c.favors_given < ? * c.favors_received")
        params.append(overdrawn_target)
    return where, params, joins


def list_sql(
    *,
    include_archived: bool = False,
    archived_only: bool = False,
    kind: str | None = None,
    vetting_status: str | None = None,
    tag: str | None = None,
    touch_due_on: dt.date | None = None,
    overdrawn_target: float | None = None,
    order: str | None = None,
    descending: bool = False,
    match: str | None = None,
    ranked: bool = False,
    probe: bool = False,
    few: bool = False,
    ids: list[int] | None = None,
    limit: int | None = None,
) -> tuple[str, list]:
    """The SQL of the list's ids (filtered and sorted) and its parameters.

    ``match`` (an FTS5 expression) keeps the contacts the full-text index finds, and
    ``limit`` stops after that many: SQLite then walks the list's index in order and
    stops at the page's end, without sorting or collecting the whole list in Python.
    ``ranked`` (with ``match``, and no ``order``) lists best match first, ties in list
    order: SQLite ranks the matches and sorts them, nothing is collected in Python.
    ``probe`` asks the full-text index about each contact as the list is walked instead
    of collecting every match first: sooner for a term most contacts match. ``few``
    says ``match`` finds few contacts: they are read by id and sorted, not met along the
    list's index (which a page of names late in the alphabet walked most of: "zh" took
    37 ms at 100,000 contacts, 3 ms read by id). ``ids`` keeps only those contacts.
    """
    ranked = ranked and bool(match) and order not in ORDERS
    where, params, joins = _filtered(
        include_archived=include_archived,
        archived_only=archived_only,
        kind=kind,
        vetting_status=vetting_status,
        tag=tag,
        touch_due_on=touch_due_on,
        overdrawn_target=overdrawn_target,
    )
    if ids is not None:
        where.append(f"c.id IN ({','.join('?' * len(ids))})" if ids else "0")
        params.extend(ids)
    if match and not ranked:
        where.append(PROBE_WHERE if probe else MATCH_WHERE)
        params.append(match)
    if order == "company":
        joins += " LEFT JOIN organization o ON o.id = c.organization_id"
    if ranked:
        # The only join with a parameter: it comes before the WHERE clause's.
        joins = f" JOIN ({RANK_SQL}) AS r ON r.rowid = c.id" + joins
        params.insert(0, match)
    # A few given or matching contacts are read by their ids, never by walking the
    # list's index.
    table = "contact c NOT INDEXED" if ids is not None or (few and match) else "contact c"
    sql = f"SELECT c.id FROM {table}{joins}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if ranked:
        sql += " ORDER BY r.score, c.sort_name, c.id"
    elif order in ORDERS and order != "name":
        sql += f" ORDER BY {ordered(ORDERS[order], descending)}, c.sort_name, c.id"
    else:
        sql += (
            " ORDER BY c.sort_name DESC, c.id DESC" if descending else " ORDER BY c.sort_name, c.id"
        )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


def count_sql(*, include_archived: bool = False, include_sample: bool = True) -> str:
    """How many contacts the list holds (archived ones only when shown)."""
    sql = "SELECT count(*) FROM contact WHERE 1"
    if not include_archived:
        sql += " AND archived_at IS NULL"
    if not include_sample:
        sql += " AND NOT is_sample"
    return sql


DEFAULT_TARGET_RATIO = 4.0
"""The give:take target until the rep sets one (setting ``target_ratio``)."""
TARGET_SQL = "SELECT value FROM setting WHERE key = 'target_ratio'"


def target_ratio(execute: Callable[[str, list], Iterable[tuple]]) -> float:
    """The give:take target as ``services.settings.target_ratio`` reads it."""
    found = next(iter(execute(TARGET_SQL, [])), None)
    return float(json.loads(found[0])) if found is not None else DEFAULT_TARGET_RATIO


def first_page_sql(
    *,
    include_archived: bool = False,
    order: str | None = None,
    descending: bool = False,
    limit: int | None = None,
) -> tuple[str, list]:
    """``list_sql`` of the list with nothing typed and no filter set, as the search service
    asks for it (an order it does not know lists by name)."""
    known = order in ORDERS
    return list_sql(
        include_archived=include_archived,
        order=order if known else None,
        descending=descending and known,
        limit=limit,
    )


@dataclass
class ContactRow:
    """One line of the contact list."""

    id: int
    name: str
    company: str
    kind: str
    last_contact: dt.datetime | None
    given: int
    received: int
    next_followup: dt.date | None
    archived: bool
    overdrawn: bool = False
    sample: bool = False
    """Part of the sample network (File › Remove Sample Network takes it away)."""


ROWS_SQL = (
    "SELECT c.id, c.display_name, o.name, c.kind, c.last_interaction_at, c.archived_at,"
    " c.is_sample, c.favors_given, c.favors_received, c.next_followup_on"
    " FROM contact c LEFT JOIN organization o ON o.id = c.organization_id"
    " WHERE c.id IN ({marks})"
)
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d",
)


def stored_datetime(value):
    """A stored datetime column read back as peewee's DateTimeField reads it: ISO text as a
    datetime, anything it cannot read as it is, None as None."""
    if not value or not isinstance(value, str):
        return value
    text = value[:10] + "T" + value[11:] if len(value) > 10 and value[10] == " " else value
    if text[-1:] == "Z":
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            pass
    return value


def list_rows(
    execute: Callable[[str, list], Iterable[tuple]], contact_ids: list[int], target: float
) -> dict[int, ContactRow]:
    """The list's rows of ``contact_ids``, a query per 500 (never one per row), through
    ``execute(sql, params)``; below ``target`` (given : received) a row is overdrawn. The
    favor counts and the next follow-up are columns of the contact kept by triggers
    (migration 0004)."""
    out: dict[int, ContactRow] = {}
    for start in range(0, len(contact_ids), 500):
        chunk = contact_ids[start : start + 500]
        query = ROWS_SQL.format(marks=",".join("?" * len(chunk)))
        for (
            cid,
            name,
            company,
            kind,
            last,
            archived,
            sample,
            given,
            received,
            nxt,
        ) in execute(query, chunk):
            out[cid] = ContactRow(
                cid,
                name,
                company or "",
                kind,
                stored_datetime(last),
                given,
                received,
                dt.date.fromisoformat(nxt) if nxt else None,
                archived is not None,
                overdrawn=received > 0 and given < target * received,
                sample=bool(sample),
            )
    return out
