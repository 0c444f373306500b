"""Search over contacts: whatever the user types is a query, never an error.

The text is parsed into plain terms, quoted phrases and ``field:term`` filters,
then turned into an FTS5 expression in which every term is quoted, so FTS
syntax typed by the user (stars, NEAR, parentheses, quotes) is only text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from peewee import JOIN

from favorbook.db.models import Contact, Organization, db
from favorbook.services import listcache

# field:term prefixes the user can type, and the FTS column each one searches.
FIELD_COLUMNS = {
    "name": "name",
    "org": "company",
    "company": "company",
    "title": "company",
    "email": "emails",
    "phone": "phones",
    "tag": "tags",
    "note": "notes",
    "notes": "notes",
    "goal": "goals",
    "goals": "goals",
    "offer": "offers",
    "offers": "offers",
    "trusted": "trusted_for",
}
# field:value prefixes that filter on a column of the contact instead of the text index.
SQL_FILTERS = ("kind", "is", "status", "vetting")
_TOKEN = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"?|(\S+)')
_WEIGHTS = "10.0, 5.0, 4.0, 4.0, 3.0, 1.0, 1.0, 1.0, 1.0"


@dataclass
class Term:
    column: str | None  # an FTS column, or None for all of them
    tokens: list[str]
    kind: str = "words"  # "words" (each a prefix), "phrase" (exact), "digits" (see parse)

    def fts(self) -> str:
        if self.kind == "phrase":
            expr = '"' + " ".join(self.tokens) + '"'
        else:
            expr = " ".join(f'"{t}"*' for t in self.tokens)
            if self.kind == "digits":
                # A number typed in groups ("415 555-0100") also finds it written as one.
                expr = f'(({expr}) OR "{"".join(self.tokens)}"*)'
            elif len(self.tokens) > 1:
                expr = f"({expr})"
        return f"{{{self.column}}} : {expr}" if self.column else expr


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.filters

    def fts(self) -> str | None:
        """The FTS5 MATCH expression, or None when no text is searched."""
        return " AND ".join(t.fts() for t in self.terms) if self.terms else None


def parse(text: str) -> ParsedQuery:
    query = ParsedQuery()
    for match in _PART.finditer(text or ""):
        phrase, word = match.group(1), match.group(2)
        column = None
        if word is not None:
            name, sep, rest = word.partition(":")
            key = name.lower()
            if sep and rest and key in SQL_FILTERS:
                query.filters[key] = rest.lower().strip('"')
                continue
            if sep and rest and key in FIELD_COLUMNS:
                column = FIELD_COLUMNS[key]
                if rest.startswith('"'):
                    phrase, word = rest.strip('"'), None
                else:
                    word = rest
        source = phrase if phrase is not None else word
        tokens = [t.lower() for t in _TOKEN.findall(source or "")]
        if tokens:
            _add_term(query, column, tokens, phrase is not None)
    for term in query.terms:
        if term.kind == "digits" and len(term.tokens) == 1:
            term.kind = "words"
    return query


def _add_term(query: ParsedQuery, column: str | None, tokens: list[str], quoted: bool) -> None:
    """A phrase, words, or digits; digits right after digits of the same column join
    them ("+1 415 555 0100": one number in four words)."""
    kind = "phrase" if quoted and len(tokens) > 1 else "words"
    if kind == "words" and all(t.isdigit() for t in tokens):
        last = query.terms[-1] if query.terms else None
        if last is not None and last.column == column and last.kind == "digits":
            last.tokens.extend(tokens)
            return
        kind = "digits"
    query.terms.append(Term(column, tokens, kind))


@dataclass
class Hit:
    id: int
    name: str
    company: str
    kind: str
    archived: bool


@dataclass
class ListFilter:
    """Filters the contact list's filter bar sets, on top of whatever is typed."""

    kind: str | None = None
    tag: str | None = None
    vetting: str | None = None
    overdrawn: bool = False
    touch_due: bool = False
    include_archived: bool = False

    @property
    def active(self) -> bool:
        return bool(self.kind or self.tag or self.vetting or self.overdrawn or self.touch_due)


# Sort keys the list's column headers offer, as SQL over contact c (and organization o).
# Every one reads columns of the contact row (the favor counts and the next follow-up
# are kept by triggers, see migration 0004), never an aggregate over the ledger.
_RATIO = (
    "CASE WHEN c.favors_received = 0 THEN 1e18 ELSE 1.0 * c.favors_given / c.favors_received END"
)
ORDERS = {
    "name": "c.sort_name",
    "company": "o.name IS NULL, o.name COLLATE NOCASE",
    "kind": "c.kind",
    "last_contact": "c.last_interaction_at IS NULL, c.last_interaction_at",
    # The give:take ratio the column shows; nothing received sorts above any ratio,
    # and contacts with no favors at all come last (no commas: _ordered splits on them).
    "balance": (f"(CASE WHEN c.favors_given + c.favors_received > 0 THEN 1 END) IS NULL, {_RATIO}"),
    "next_followup": "c.next_followup_on IS NULL, c.next_followup_on",
}
# Above this many matches typed text is shown in list order instead of best match first:
# ranking costs a few microseconds a match, and a thousand best matches are as many as
# anyone reads.
RANK_LIMIT = 1000
_FTS_SQL = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?"
_FIRST_MATCHES_SQL = _FTS_SQL + " ORDER BY rowid LIMIT ?"
_MATCH_WHERE = "c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)"
_PROBE_WHERE = "EXISTS (SELECT 1 FROM contact_fts WHERE contact_fts MATCH ? AND rowid = c.id)"
# Asking the index whether one contact matches costs about as much as collecting 170
# matches (measured at 100,000 contacts); a page is probed for when that comes cheaper.
PROBE_COST = 170
# Filters under which the list may not walk an index in order, or may walk far.
_PROBE_UNSAFE = (
    "include_archived",
    "archived_only",
    "kind",
    "vetting_status",
    "tag",
    "touch_due_on",
    "overdrawn_target",
)
_RANK_SQL = (
    f"SELECT rowid, bm25(contact_fts, {_WEIGHTS}) AS score FROM contact_fts"
    " WHERE contact_fts MATCH ?"
)


def _ordered(sql_order: str, descending: bool) -> str:
    """Reverse each part of an ORDER BY, keeping "IS NULL" parts (blanks last) as they are."""
    if not descending:
        return sql_order
    parts = [p.strip() for p in sql_order.split(",")]
    return ", ".join(p if p.endswith("IS NULL") else p + " DESC" for p in parts)


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
    of collecting every match first: sooner for a term most contacts match. ``ids``
    keeps only those contacts.
    """
    where, params = [], []
    ranked = ranked and bool(match) and order not in ORDERS
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
    if ids is not None:
        where.append(f"c.id IN ({','.join('?' * len(ids))})" if ids else "0")
        params.extend(ids)
    if match and not ranked:
        where.append(_PROBE_WHERE if probe else _MATCH_WHERE)
        params.append(match)
    if order == "company":
        joins += " LEFT JOIN organization o ON o.id = c.organization_id"
    if ranked:
        # The only join with a parameter: it comes before the WHERE clause's.
        joins = f" JOIN ({_RANK_SQL}) AS r ON r.rowid = c.id" + joins
        params.insert(0, match)
    # A few given contacts are read by their ids, never by walking the list's index.
    table = "contact c NOT INDEXED" if ids is not None else "contact c"
    sql = f"SELECT c.id FROM {table}{joins}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if ranked:
        sql += " ORDER BY r.score, c.sort_name, c.id"
    elif order in ORDERS and order != "name":
        sql += f" ORDER BY {_ordered(ORDERS[order], descending)}, c.sort_name, c.id"
    else:
        sql += (
            " ORDER BY c.sort_name DESC, c.id DESC" if descending else " ORDER BY c.sort_name, c.id"
        )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


def search_ids(
    text: str,
    *,
    limit: int | None = None,
    include_archived: bool = False,
    filters: ListFilter | None = None,
    order: str | None = None,
    descending: bool = False,
    on: dt.date | None = None,
) -> list[int]:
    """Contact ids matching ``text`` and ``filters``.

    Without ``order`` typed text sorts best match first (up to RANK_LIMIT matches,
    beyond that by name) and blank text by name; ``order`` is one of ORDERS (ties by
    name). ``on`` is the day "due for a touch" is measured against (today by default).

    With ``limit`` (a first page) nothing grows with the size of the list or the number
    of matches: SQLite walks the list's index in order and stops after ``limit`` ids,
    and best-match-first ranks at most RANK_LIMIT matches. The result is the first
    ``limit`` ids of the whole list, which is asked for without ``limit``.

    The whole filtered, sorted list comes from a cache kept until the data changes, and
    the full-text index only says which of its ids match: one FTS lookup and a pass over
    a list of ints, never a sort or a join over the whole network.
    """

    query = parse(text)
    filters = filters or ListFilter(include_archived=include_archived)
    if query.empty and text and text.strip():
        return []  # something was typed, but nothing searchable in it
    options = _list_options(query, filters, include_archived, order, descending, on)
    if options is None:
        return []
    fts = query.fts()
    if limit:
        return _page(fts, options, limit, ranked=order not in ORDERS)
    sql, params = list_sql(**options)
    ids, positions = listcache.cached(("list", sql, *params), lambda: _list(sql, params))
    if fts:
        ids = _matching(fts, ids, positions, ranked=order not in ORDERS)
    return list(ids)


def _list_options(
    query: ParsedQuery,
    filters: ListFilter,
    include_archived: bool,
    order: str | None,
    descending: bool,
    on: dt.date | None,
) -> dict | None:
    """``list_sql``'s options for the typed filters and the filter bar's; None when they
    ask for two different values of one field (nobody is both)."""
    from favorbook.services import settings

    include_archived = include_archived or filters.include_archived
    status = query.filters.get("status") or query.filters.get("vetting")
    statuses = {s.replace("-", "_").replace(" ", "_") for s in (status, filters.vetting) if s}
    kinds = {k for k in (query.filters.get("kind"), filters.kind) if k}
    if len(statuses) > 1 or len(kinds) > 1:
        return None
    is_ = query.filters.get("is")
    due = filters.touch_due or is_ == "due"
    overdrawn = filters.overdrawn or is_ == "overdrawn"
    day = (on or dt.date.today()) if due else None
    target = settings.target_ratio() if overdrawn else None
    return {
        "include_archived": include_archived,
        "archived_only": is_ == "archived",
        "kind": next(iter(kinds), None),
        "vetting_status": next(iter(statuses), None),
        "tag": filters.tag,
        "touch_due_on": day,
        "overdrawn_target": target,
        "order": order if order in ORDERS else None,
        "descending": descending and order in ORDERS,
    }


def _matching(fts: str, ids: list[int], positions: dict[int, int], *, ranked: bool) -> list[int]:
    """The ids of the list that match ``fts``: best match first when ``ranked`` (and
    there are at most RANK_LIMIT), else in list order."""
    matches = [row[0] for row in db.execute_sql(_FTS_SQL, (fts,))]
    if not ranked or len(matches) > RANK_LIMIT:
        if len(matches) * 8 < len(ids):  # few matches: sort them by their place
            places = sorted(positions[cid] for cid in matches if cid in positions)
            return [ids[place] for place in places]
        found = set(matches)  # most of the list: one pass over it
        return [cid for cid in ids if cid in found]
    # Best match first; equal ranks keep list order (by name).
    ranks = dict(db.execute_sql(_RANK_SQL, (fts,)))
    return sorted(
        (cid for cid in ranks if cid in positions),
        key=lambda cid: (ranks[cid], positions[cid]),
    )


def _page(fts: str | None, options: dict, limit: int, *, ranked: bool) -> list[int]:
    """The first ``limit`` ids search_ids would list, without the whole list."""
    probe = False
    if fts:
        found = [r[0] for r in db.execute_sql(_FIRST_MATCHES_SQL, (fts, RANK_LIMIT + 1))]
        # Few matches: best first, as the whole list has them, ranked and sorted by SQLite
        # in one statement (ranking them in Python over the whole filtered list cost 23 ms
        # at 100,000 contacts).
        ranked = ranked and len(found) <= RANK_LIMIT
        probe = len(found) > RANK_LIMIT and _probe_pays(found, options, limit)
    else:
        ranked = False
    if ranked:
        page = _best_first(fts, options, limit)
        if page is not None:
            return page
    sql, params = list_sql(**options, match=fts, ranked=ranked, probe=probe, limit=limit)
    return [row[0] for row in db.execute_sql(sql, params)]


def _best_first(fts: str, options: dict, limit: int) -> list[int] | None:
    """The first ``limit`` matches best first (ties in list order) from the best-scored
    matches alone: the index ranks every match, but only those few contacts are read (a
    new process read all of them, cold, for 25-40 ms at 100,000 contacts). None when a
    contact beyond them could still belong on the page (a tie at its end, or too many of
    them filtered out): the caller then ranks them all."""
    wanted = 2 * limit + 10
    scored = db.execute_sql(_RANK_SQL + " ORDER BY score LIMIT ?", (fts, wanted + 1)).fetchall()
    if not scored:
        return []
    beyond = scored[wanted][1] if len(scored) > wanted else None
    scored = scored[:wanted]
    sql, params = list_sql(**options, ids=[cid for cid, _score in scored])
    place = {row[0]: pos for pos, row in enumerate(db.execute_sql(sql, params))}
    page = sorted(
        (row for row in scored if row[0] in place), key=lambda row: (row[1], place[row[0]])
    )[:limit]
    if beyond is None or (len(page) == limit and page[-1][1] < beyond):
        return [cid for cid, _score in page]
    return None


def _probe_pays(found: list[int], options: dict, limit: int) -> bool:
    """Whether a page of a term most contacts match is found sooner by asking the index
    about each contact of the list in order than by collecting every match first.

    ``found`` are the first matches in id order: the id of the last one tells what
    share of the contacts match. Only for the list in name order with no other filter,
    where SQLite walks the list's index and stops at the page's end."""
    if options.get("order") not in (None, "name") or any(options.get(key) for key in _PROBE_UNSAFE):
        return False
    share = len(found) / max(found[-1], 1)
    newest = db.execute_sql("SELECT max(id) FROM contact").fetchone()[0] or 0
    return limit / share * PROBE_COST < share * newest


def _list(sql: str, params: list) -> tuple[list[int], dict[int, int]]:
    ids = [row[0] for row in db.execute_sql(sql, params)]
    return ids, {cid: pos for pos, cid in enumerate(ids)}


def search(text: str, *, limit: int | None = 50, include_archived: bool = False) -> list[Hit]:
    ids = search_ids(text, limit=limit, include_archived=include_archived)
    if not ids:
        return []
    found = {
        r.id: r
        for r in Contact.select(
            Contact.id,
            Contact.display_name,
            Contact.kind,
            Contact.archived_at,
            Organization.name.alias("company"),
        )
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.id.in_(ids))
        .objects()
    }
    return [
        Hit(
            i,
            found[i].display_name,
            found[i].company or "",
            found[i].kind,
            found[i].archived_at is not None,
        )
        for i in ids
        if i in found
    ]


__all__ = [
    "ORDERS",
    "Hit",
    "ListFilter",
    "ParsedQuery",
    "list_sql",
    "parse",
    "search",
    "search_ids",
]
