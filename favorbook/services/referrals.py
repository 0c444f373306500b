"""Referrals: who brought us whom (chains of any length), and whom we recommended."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from favorbook.db.models import Contact, Referral, db
from favorbook.errors import NotTrustedError, ValidationError
from favorbook.services import vetting
from favorbook.services._common import (
    Days,
    as_date,
    choice,
    clean,
    iso_date,
    raw_rows,
    require,
    today,
    utc_now,
)

OUTCOMES = ("pending", "won", "lost")


def _inbound_edges() -> dict[int, int]:
    """subject -> source for every inbound referral (who brought whom)."""
    return dict(
        Referral.select(Referral.subject, Referral.source)
        .where(Referral.kind == "inbound")
        .tuples()
    )


def referred_by(contact_id: int) -> int | None:
    row = Referral.get_or_none((Referral.kind == "inbound") & (Referral.subject == contact_id))
    return row.source_id if row else None


def record_inbound(
    source_id: int,
    subject_id: int,
    *,
    occurred_on: dt.date | str | None = None,
    note: str = "",
) -> int:
    """``source_id`` brought us ``subject_id``.

    A contact has one such source; a new one replaces it. Refuses a link that
    would make someone their own (indirect) referrer.
    """
    require(Contact, source_id, "contact (referred by)")
    require(Contact, subject_id, "contact")
    if source_id == subject_id:
        raise ValidationError("referred_by", "a contact cannot have referred themselves")
    if subject_id in chain_up(source_id):
        raise ValidationError(
            "referred_by",
            "that would make a circle: this contact is already up the chain of who brought "
            "the other one",
        )
    with db.atomic():
        current = Referral.get_or_none(
            (Referral.kind == "inbound") & (Referral.subject == subject_id)
        )
        if current is not None:
            # Correcting who brought them keeps what came of it (outcome, value, thanks).
            current.source = source_id
            if occurred_on:
                current.occurred_on = as_date(occurred_on, "occurred_on")
            if note:
                current.note = clean(note, "note", max_len=20_000)
            current.save()
            return current.id
        return Referral.create(
            kind="inbound",
            source=source_id,
            subject=subject_id,
            occurred_on=as_date(occurred_on, "occurred_on", default=today()),
            note=clean(note, "note", max_len=20_000),
            created_at=utc_now(),
        ).id


def recommend(
    subject_id: int,
    recipient_id: int,
    *,
    occurred_on: dt.date | str | None = None,
    note: str = "",
    override_reason: str | None = None,
) -> int:
    """The rep recommends ``subject_id`` to ``recipient_id``.

    Raises NotTrustedError unless the subject is vetted as trusted or an override
    reason is given; the reason is stored with the recommendation.
    """
    subject = require(Contact, subject_id, "contact (recommended)")
    require(Contact, recipient_id, "contact (recommended to)")
    if subject_id == recipient_id:
        raise ValidationError("recipient", "recommend someone to another person, not to themselves")
    status = vetting.status_of(subject_id)
    reason = clean(override_reason, "override_reason", max_len=5000) or None
    if status != "trusted" and reason is None:
        raise NotTrustedError(subject.display_name, status)
    return Referral.create(
        kind="outbound",
        source=None,
        subject=subject_id,
        recipient=recipient_id,
        occurred_on=as_date(occurred_on, "occurred_on", default=today()),
        note=clean(note, "note", max_len=20_000),
        override_reason=reason if status != "trusted" else None,
        created_at=utc_now(),
    ).id


def set_outcome(referral_id: int, outcome: str, value: float | str | None = None) -> None:
    """What came of a referral: pending, won (with its value) or lost."""
    row = require(Referral, referral_id, "referral")
    row.outcome = choice(outcome, OUTCOMES, "outcome")
    if value not in (None, ""):
        try:
            row.value = float(value)
        except (TypeError, ValueError):
            raise ValidationError("value", f"{value!r} is not a number") from None
        if row.value < 0:
            raise ValidationError("value", "cannot be negative")
    row.save()


def mark_thanks(referral_id: int, sent: bool = True) -> None:
    row = require(Referral, referral_id, "referral")
    row.thanks_sent = sent
    row.save(only=[Referral.thanks_sent])


# Up the chain of who brought whom, one indexed step at a time (referral_inbound_subject);
# the depth bound only stops a circle in the data, which chain_up cuts at its first repeat.
_UP_SQL = """
WITH RECURSIVE up(id, depth) AS (
    SELECT source_id, 1 FROM referral WHERE kind = 'inbound' AND subject_id = ?
    UNION ALL
    SELECT r.source_id, up.depth + 1 FROM referral r JOIN up ON r.subject_id = up.id
    WHERE r.kind = 'inbound' AND up.depth < ?
)
SELECT id FROM up ORDER BY depth"""
# Down from one contact to those they brought, level by level (referral_source).
_DOWN_SQL = """
WITH RECURSIVE down(id, level) AS (
    SELECT ?, 0
    UNION
    SELECT r.subject_id, down.level + 1 FROM referral r JOIN down ON r.source_id = down.id
    WHERE r.kind = 'inbound' AND down.level < ?
)
SELECT id, min(level) FROM down GROUP BY id"""
MAX_CHAIN = 10_000


def chain_up(contact_id: int, *, edges: dict[int, int] | None = None) -> list[int]:
    """Who brought this contact, who brought them, ... nearest first. Cycle-safe.

    Without ``edges`` the chain is read through the index, one row per link: the cost
    is the chain's length, not the size of the network.
    """
    if edges is None:
        steps = [row[0] for row in db.execute_sql(_UP_SQL, (contact_id, MAX_CHAIN))]
        edges, current = {}, contact_id
        for source in steps:
            edges[current] = source
            current = source
    chain, seen, current = [], {contact_id}, contact_id
    while current in edges:
        current = edges[current]
        if current in seen:
            break
        seen.add(current)
        chain.append(current)
    return chain


def _children(edges: dict[int, int]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for subject, source in edges.items():
        children[source].append(subject)
    return children


def brought_by(contact_id: int, *, depth: int | None = None) -> list[tuple[int, int]]:
    """Everyone this contact brought, directly or down the chain: (contact id, level)."""
    children = _children(_inbound_edges())
    out, seen, frontier, level = [], {contact_id}, [contact_id], 0
    while frontier and (depth is None or level < depth):
        level += 1
        nxt = []
        for node in frontier:
            for child in sorted(children.get(node, ())):
                if child not in seen:
                    seen.add(child)
                    out.append((child, level))
                    nxt.append(child)
        frontier = nxt
    return out


@dataclass
class ReferralView:
    id: int
    kind: str
    source_id: int | None
    source: str
    subject_id: int
    subject: str
    recipient_id: int | None
    recipient: str
    occurred_on: dt.date
    outcome: str
    value: float
    thanks_sent: bool
    note: str
    override_reason: str | None


def _names(contact_ids) -> dict[int, str]:
    """The shown name of each of ``contact_ids``, read from the contact table as favors,
    follow-ups and vetting read theirs: ``contacts`` builds on this module (a contact's
    "referred by" is an inbound referral), so this module does not import it. Asked for
    many, every name is read in one pass (the Referrals page names tens of thousands)."""
    ids = set(contact_ids)
    if not ids:
        return {}  # no query: an empty IN would scan the table
    if len(ids) > NAMES_BY_ID:
        rows = db.execute_sql("SELECT id, display_name FROM contact")
        return {cid: name for cid, name in rows if cid in ids}
    marks = ",".join("?" * len(ids))
    rows = db.execute_sql(f"SELECT id, display_name FROM contact WHERE id IN ({marks})", [*ids])
    return dict(rows)


NAMES_BY_ID = 500
"""Up to this many names are looked up by id; more are picked from one pass over them all."""


def _views(query) -> list[ReferralView]:
    """The views of a Referral query's rows, most recent first: plain rows (peewee's model
    objects cost seconds at 50,000 referrals), their names read together."""
    query = query.select(
        Referral.id,
        Referral.kind,
        Referral.source,
        Referral.subject,
        Referral.recipient,
        Referral.occurred_on,
        Referral.outcome,
        Referral.value,
        Referral.thanks_sent,
        Referral.note,
        Referral.override_reason,
    ).order_by(Referral.occurred_on.desc(), Referral.id.desc())
    rows = raw_rows(query).fetchall()
    name = _names({i for r in rows for i in (r[2], r[3], r[4]) if i})
    day = Days()
    return [
        ReferralView(
            rid,
            kind,
            source_id,
            name.get(source_id, "me"),
            subject_id,
            name.get(subject_id, ""),
            recipient_id,
            name.get(recipient_id, ""),
            day[occurred_on],
            outcome,
            value,
            bool(thanks_sent),
            note,
            override_reason,
        )
        for (
            rid,
            kind,
            source_id,
            subject_id,
            recipient_id,
            occurred_on,
            outcome,
            value,
            thanks_sent,
            note,
            override_reason,
        ) in rows
    ]


@dataclass
class ContactReferrals:
    brought_by: ReferralView | None
    brought: list[ReferralView] = field(default_factory=list)
    recommended_to_them: list[ReferralView] = field(default_factory=list)
    recommended_them: list[ReferralView] = field(default_factory=list)


# One person's referrals of one kind with the names of everyone in them, newest first: the
# SQL as text (opening a contact reads it; peewee took longer to write it than SQLite to
# run it). No source is "me"; a recommendation's source is always me.
_FOR_CONTACT_SQL = (
    "SELECT r.id, r.kind, r.source_id, s.display_name, r.subject_id, u.display_name,"
    " r.recipient_id, t.display_name, r.occurred_on, r.outcome, r.value, r.thanks_sent,"
    " r.note, r.override_reason"
    " FROM referral r LEFT JOIN contact s ON s.id = r.source_id"
    " LEFT JOIN contact u ON u.id = r.subject_id LEFT JOIN contact t ON t.id = r.recipient_id"
    " WHERE r.kind = ? AND ({who}) ORDER BY r.occurred_on DESC, r.id DESC"
)
_INBOUND_SQL = _FOR_CONTACT_SQL.format(who="r.subject_id = ? OR r.source_id = ?")
_OUTBOUND_SQL = _FOR_CONTACT_SQL.format(who="r.recipient_id = ? OR r.subject_id = ?")


def _referral_views(sql: str, kind: str, contact_id: int) -> list[ReferralView]:
    return [
        ReferralView(
            rid,
            rkind,
            source_id,
            source if source_id and source is not None else "me",
            subject_id,
            subject or "",
            recipient_id,
            recipient or "",
            iso_date(occurred_on),
            outcome,
            float(value) if value is not None else value,
            bool(thanks),
            note,
            override,
        )
        for (
            rid,
            rkind,
            source_id,
            source,
            subject_id,
            subject,
            recipient_id,
            recipient,
            occurred_on,
            outcome,
            value,
            thanks,
            note,
            override,
        ) in db.execute_sql(sql, (kind, contact_id, contact_id))
    ]


def for_contact(contact_id: int) -> ContactReferrals:
    """Who brought them, whom they brought, whom we recommended to them, and to whom we
    recommended them (two queries)."""
    inbound = _referral_views(_INBOUND_SQL, "inbound", contact_id)
    outbound = _referral_views(_OUTBOUND_SQL, "outbound", contact_id)
    return ContactReferrals(
        brought_by=next((r for r in inbound if r.subject_id == contact_id), None),
        brought=[r for r in inbound if r.source_id == contact_id],
        recommended_to_them=[r for r in outbound if r.recipient_id == contact_id],
        recommended_them=[r for r in outbound if r.subject_id == contact_id],
    )


@dataclass
class Source:
    contact_id: int
    name: str
    brought: int  # everyone down their chains
    won: int
    won_value: float  # credited: every won referral anywhere down their chains


def credited_value(contact_id: int) -> float:
    """The value of won referrals anywhere down this contact's chains."""
    return next((s.won_value for s in top_sources(limit=None) if s.contact_id == contact_id), 0.0)


_credits_cache: dict[tuple, dict] = {}
_firsts: dict[tuple, list] = {}


def _credits() -> dict:
    """contact id -> [brought, won, won value] credited down their chains.

    Kept until the referral table changes (its ``change_mark``, set by triggers); worked
    out in one pass from the people at the ends of the chains up to their sources, so
    100,000 referrals take a fraction of a second even when the chains are long.
    """
    mark = db.execute_sql("SELECT mark FROM change_mark WHERE name = 'referral'").fetchone()
    key = (db.database, mark[0] if mark else None)
    cached = _credits_cache.get(key)
    if cached is not None and mark is not None:
        return cached
    # In table order (NOT INDEXED): reading every row through an index is slower.
    rows = db.execute_sql(
        "SELECT source_id, subject_id, outcome, value FROM referral NOT INDEXED "
        "WHERE kind = 'inbound'"
    ).fetchall()
    edges = {subject: source for source, subject, _, _ in rows}
    own: dict[int, list] = {}
    for _source, subject, outcome, value in rows:
        entry = own.setdefault(subject, [0, 0, 0.0])
        entry[0] += 1
        if outcome == "won":
            entry[1] += 1
            entry[2] += value or 0.0
    # Everything below each person, summed from the leaves up (Kahn's order).
    waiting: dict = defaultdict(int)
    for source in edges.values():
        waiting[source] += 1
    below: dict = {source: [0, 0, 0.0] for source in waiting}
    ready = [node for node in edges if node not in waiting]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        source = edges[node]
        mine, under, total = own[node], below.get(node), below[source]
        total[0] += mine[0] + (under[0] if under else 0)
        total[1] += mine[1] + (under[1] if under else 0)
        total[2] += mine[2] + (under[2] if under else 0.0)
        waiting[source] -= 1
        if waiting[source] == 0 and source in edges:
            ready.append(source)
    if done < len(edges):  # a circle in the data: credit chain by chain
        below = defaultdict(lambda: [0, 0, 0.0])
        for _source, subject, outcome, value in rows:
            for ancestor in chain_up(subject, edges=edges):
                entry = below[ancestor]
                entry[0] += 1
                if outcome == "won":
                    entry[1] += 1
                    entry[2] += value or 0.0
        below = dict(below)
    _credits_cache.clear()
    _firsts.clear()
    _credits_cache[key] = below
    return below


def warm_up() -> None:
    """Work out the referral credits ahead of the dashboard (from a background thread)."""
    _credits()


def top_sources(limit: int | None = 5) -> list[Source]:
    """Referral sources ranked by the value credited to them, every link of a chain credited."""
    totals = _credits()
    if not totals:
        return []

    def rank(item):
        return (-item[1][2], -item[1][0])

    items = _firsts.get((id(totals), limit)) if limit else None
    if items is None:
        items = list(totals.items())
        if limit and len(items) > limit:
            # Only the first ``limit`` and whoever ties with the last of them need a name.
            last = rank(heapq.nsmallest(limit, items, key=rank)[-1])
            items = [item for item in items if rank(item) <= last]
            _firsts.clear()
            _firsts[(id(totals), limit)] = items
    name = _names([cid for cid, _ in items])
    ranked = sorted(items, key=lambda kv: (*rank(kv), name.get(kv[0], "")))
    if limit:
        ranked = ranked[:limit]
    return [Source(cid, name.get(cid, ""), b, w, v) for cid, (b, w, v) in ranked]


@dataclass
class Graph:
    """Who introduced whom around one contact: nodes by id with names, edges source -> subject."""

    center: int
    nodes: dict[int, str]
    edges: list[tuple[int, int]]
    levels: dict[int, int]  # negative: up the chain, positive: brought by the center


def graph(contact_id: int, *, up: int = 3, down: int = 3) -> Graph:
    """The contact, ``up`` levels of who brought them and ``down`` levels of whom they
    brought, read through the indexes (never every referral of the network)."""
    levels = {contact_id: 0}
    for level, ancestor in enumerate(chain_up(contact_id)[:up], start=1):
        levels[ancestor] = -level
    for node, level in db.execute_sql(_DOWN_SQL, (contact_id, down)):
        levels.setdefault(node, level)
    nodes = list(levels)
    edges = []
    for start in range(0, len(nodes), 500):
        chunk = nodes[start : start + 500]
        marks = ",".join("?" * len(chunk))
        edges += [
            (src, subj)
            for subj, src in db.execute_sql(
                "SELECT subject_id, source_id FROM referral"
                f" WHERE kind = 'inbound' AND subject_id IN ({marks})",
                chunk,
            )
            if src in levels
        ]
    return Graph(contact_id, _names(nodes), sorted(edges), levels)


def count_referrals() -> int:
    """Every referral, either way."""
    return db.execute_sql("SELECT count(*) FROM referral").fetchone()[0]


def list_referrals(kind: str | None = None, *, limit: int | None = None) -> list[ReferralView]:
    """Every referral, most recent first; only ``inbound`` or ``outbound`` ones when given."""
    query = Referral.select()
    if kind is not None:
        query = query.where(Referral.kind == choice(kind, ("inbound", "outbound"), "kind"))
    if limit:
        query = query.order_by(Referral.occurred_on.desc(), Referral.id.desc()).limit(limit)
    return _views(query)


def get_referral(referral_id: int) -> ReferralView:
    """One referral with its names."""
    require(Referral, referral_id, "referral")
    return _views(Referral.select().where(Referral.id == referral_id))[0]
