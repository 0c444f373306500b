"""Search over contacts: whatever the user types is a query, never an error.

The text is parsed into plain terms, quoted phrases and ``field:term`` filters,
then turned into an FTS5 expression in which every term is quoted, so FTS
syntax typed by the user (stars, NEAR, parentheses, quotes) is only text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from peewee import JOIN

from favorbook.db.listing import ORDERS, RANK_SQL, list_sql
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


# Above this many matches typed text is shown in list order instead of best match first:
# ranking costs a few microseconds a match, and a thousand best matches are as many as
# anyone reads.
RANK_LIMIT = 1000
_FTS_SQL = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?"
_FIRST_MATCHES_SQL = _FTS_SQL + " ORDER BY rowid LIMIT ?"
_ALL_MATCHES_SQL = "SELECT group_concat(rowid) FROM contact_fts WHERE contact_fts MATCH ?"
"""Every match as one text of ids, in no order: a letter typed matches 50,000-100,000 of
100,000 contacts, which came through the driver row by row in 36-63 ms, joined in 22-47."""
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
    kept = _by_names if _follows_names(options) else listcache
    listed = kept.cached(("list", sql, *params), lambda: _Listed(sql, params))
    if fts:
        return _matching(fts, listed, ranked=order not in ORDERS)
    return list(listed.ids)


_by_names = listcache.Kept(4, mark="names")
"""The lists that hang on the contacts' names alone (``_follows_names``), kept until a
name changes: at 100,000 contacts every save (a favor, a note, a call) read the whole
list again for the contacts page, 50 ms of the 90 ms it held the window."""

_before_delete: list = []
"""[the names' mark after the last delete, the ids it deleted, the lists kept before it]:
the lists again once those contacts come back (``restored``)."""


def lists_mark() -> Hashable:
    """The mark of the lists that hang on names alone, asked in a write's transaction
    before the write (for ``deleted`` and ``restored``)."""
    return _by_names.mark()


def deleted(before: Hashable, contact_ids: Iterable[int]) -> None:
    """``contact_ids`` were deleted in this transaction, the lists' mark ``before``. The
    lists kept then hang on names alone: without these contacts they are the lists now,
    and they are kept so (read again, a list of 100,000 contacts took 35-45 ms of each
    delete). As they were, they are kept too, for the undo of this delete."""
    _before_delete.clear()
    kept = _by_names.entries(before)
    if not kept:
        return
    gone = frozenset(contact_ids)
    after = _by_names.carry(before, {key: listed.without(gone) for key, listed in kept.items()})
    if after is not None:
        _before_delete[:] = [after, gone, kept]


def restored(before: Hashable, contact_ids: Iterable[int]) -> None:
    """``contact_ids`` came back in this transaction, the lists' mark ``before``. When
    they are the very contacts (and ids) the last delete took and no name changed since,
    the lists are the ones kept before that delete (read again, 35-45 ms of each undo)."""
    if not _before_delete:
        return
    after, gone, kept = _before_delete
    _before_delete.clear()
    if before == after and frozenset(contact_ids) == gone:
        _by_names.carry(before, kept)


_OTHER_DATA = ("kind", "vetting_status", "tag", "touch_due_on", "overdrawn_target")
"""Filters on what the ``names`` mark does not follow."""


def _follows_names(options: dict) -> bool:
    """Whether the list of ``options`` changes only with what the ``names`` mark follows:
    who is listed (added, deleted, archived) and their order by name or by company."""
    return options["order"] in (None, "name", "company") and not any(
        options[key] for key in _OTHER_DATA
    )


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


def _matching(fts: str, listed: _Listed, *, ranked: bool) -> list[int]:
    """The ids of the list that match ``fts``: best match first when ``ranked`` (and
    there are at most RANK_LIMIT), else in list order."""
    joined = db.execute_sql(_ALL_MATCHES_SQL, (fts,)).fetchone()[0]
    matches = list(map(int, joined.split(","))) if joined else []
    ids = listed.ids
    if not ranked or len(matches) > RANK_LIMIT:
        if len(matches) * 8 < len(ids):  # few matches: sort them by their place
            positions = listed.positions
            places = sorted(positions[cid] for cid in matches if cid in positions)
            return [ids[place] for place in places]
        found = set(matches)  # most of the list: one pass over it
        return [cid for cid in ids if cid in found]
    # Best match first; equal ranks keep list order (by name).
    ranks = dict(db.execute_sql(RANK_SQL, (fts,)))
    positions = listed.positions
    return sorted(
        (cid for cid in ranks if cid in positions),
        key=lambda cid: (ranks[cid], positions[cid]),
    )


def _page(fts: str | None, options: dict, limit: int, *, ranked: bool) -> list[int]:
    """The first ``limit`` ids search_ids would list, without the whole list."""
    probe = few = False
    if fts:
        found = [r[0] for r in db.execute_sql(_FIRST_MATCHES_SQL, (fts, RANK_LIMIT + 1))]
        # Few matches: best first, as the whole list has them, ranked and sorted by SQLite
        # in one statement (ranking them in Python over the whole filtered list cost 23 ms
        # at 100,000 contacts); in another order, read by id and sorted.
        few = len(found) <= RANK_LIMIT
        ranked = ranked and few
        probe = not few and _probe_pays(found, options, limit)
    else:
        ranked = False
    if ranked:
        page = _best_first(fts, options, limit)
        if page is not None:
            return page
    sql, params = list_sql(
        **options, match=fts, ranked=ranked, probe=probe, few=few and not ranked, limit=limit
    )
    return [row[0] for row in db.execute_sql(sql, params)]


def _best_first(fts: str, options: dict, limit: int) -> list[int] | None:
    """The first ``limit`` matches best first (ties in list order) from the best-scored
    matches alone: the index ranks every match, but only those few contacts are read (a
    new process read all of them, cold, for 25-40 ms at 100,000 contacts). None when a
    contact beyond them could still belong on the page (a tie at its end, or too many of
    them filtered out): the caller then ranks them all."""
    wanted = 2 * limit + 10
    scored = db.execute_sql(RANK_SQL + " ORDER BY score LIMIT ?", (fts, wanted + 1)).fetchall()
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


class _Listed:
    """A whole list's ids, and each id's place in it once a search within the list asks
    for them: at 100,000 contacts the places took 12-18 ms of each sort by a column,
    which lists the ids alone."""

    __slots__ = ("_positions", "ids")

    def __init__(self, sql: str, params: list) -> None:
        self.ids = [row[0] for row in db.execute_sql(sql, params)]
        self._positions: dict[int, int] | None = None

    def without(self, gone: frozenset[int]) -> _Listed:
        """This list without the contacts ``gone`` (the places worked out again when
        asked)."""
        listed = object.__new__(_Listed)
        if len(gone) <= 8:  # a copy and a few removals, in C
            ids = list(self.ids)
            for cid in gone:
                if cid in ids:
                    ids.remove(cid)
        else:
            ids = [cid for cid in self.ids if cid not in gone]
        listed.ids, listed._positions = ids, None
        return listed

    @property
    def positions(self) -> dict[int, int]:
        # Kept lists are shared by threads: two making it at once make the same dict.
        if self._positions is None:
            self._positions = {cid: pos for pos, cid in enumerate(self.ids)}
        return self._positions


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
