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
        if not tokens:
            continue
        kind = "phrase" if phrase is not None and len(tokens) > 1 else "words"
        if kind == "words" and all(t.isdigit() for t in tokens):
            last = query.terms[-1] if query.terms else None
            if last is not None and last.column == column and last.kind == "digits":
                last.tokens.extend(tokens)  # "+1 415 555 0100": one number in four words
                continue
            kind = "digits"
        query.terms.append(Term(column, tokens, kind))
    for term in query.terms:
        if term.kind == "digits" and len(term.tokens) == 1:
            term.kind = "words"
    return query


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
ORDERS = {
    "name": "c.sort_name",
    "company": "o.name IS NULL, o.name COLLATE NOCASE",
    "kind": "c.kind",
    "last_contact": "c.last_interaction_at IS NULL, c.last_interaction_at",
    # The give:take ratio the column shows; nothing received sorts above any ratio,
    # and contacts with no favors at all come last (no commas: _ordered splits on them).
    "balance": (
        "(SELECT max(fa.id) FROM favor fa WHERE fa.contact_id = c.id) IS NULL,"
        " (SELECT CASE WHEN sum(fa.direction = 'received') = 0 THEN 1e18"
        " ELSE 1.0 * sum(fa.direction = 'given') / sum(fa.direction = 'received') END"
        " FROM favor fa WHERE fa.contact_id = c.id)"
    ),
    "next_followup": (
        "(SELECT min(fu.due_on) FROM followup fu"
        " WHERE fu.contact_id = c.id AND fu.done_at IS NULL) IS NULL,"
        " (SELECT min(fu.due_on) FROM followup fu"
        " WHERE fu.contact_id = c.id AND fu.done_at IS NULL)"
    ),
}


def _ordered(sql_order: str, descending: bool) -> str:
    """Reverse each part of an ORDER BY, keeping "IS NULL" parts (blanks last) as they are."""
    if not descending:
        return sql_order
    parts = [p.strip() for p in sql_order.split(",")]
    return ", ".join(p if p.endswith("IS NULL") else p + " DESC" for p in parts)


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

    Without ``order`` typed text sorts best match first and blank text by name;
    ``order`` is one of ORDERS (ties by name). ``on`` is the day "due for a touch"
    is measured against (today by default).
    """
    from favorbook.services import contacts, favors

    query = parse(text)
    filters = filters or ListFilter(include_archived=include_archived)
    include_archived = include_archived or filters.include_archived
    if query.empty and text and text.strip():
        return []  # something was typed, but nothing searchable in it
    if query.empty and not filters.active and order in (None, "name") and not descending:
        ids = contacts.list_ids(include_archived=include_archived)
        return ids[:limit] if limit else ids
    where, params = [], []
    if query.filters.get("is") == "archived":
        where.append("c.archived_at IS NOT NULL")
    elif not include_archived:
        where.append("c.archived_at IS NULL")
    for kind in (query.filters.get("kind"), filters.kind):
        if kind:
            where.append("c.kind = ?")
            params.append(kind)
    for status in (query.filters.get("status") or query.filters.get("vetting"), filters.vetting):
        if status:
            status = status.replace("-", "_").replace(" ", "_")
            if status == "unvetted":
                where.append("(v.status IS NULL OR v.status = 'unvetted')")
            else:
                where.append("v.status = ?")
                params.append(status)
    if filters.tag:
        where.append(
            "EXISTS (SELECT 1 FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
            " WHERE ct.contact_id = c.id AND t.name = ?)"
        )
        params.append(filters.tag)
    if filters.touch_due or query.filters.get("is") == "due":
        where.append("c.touch_due_on IS NOT NULL AND c.touch_due_on <= ?")
        params.append((on or dt.date.today()).isoformat())
    fts = query.fts()
    sql = "SELECT c.id FROM "
    if fts:
        sql += (
            "contact_fts f JOIN contact c ON c.id = f.rowid "
            "LEFT JOIN vetting v ON v.contact_id = c.id "
            "LEFT JOIN organization o ON o.id = c.organization_id WHERE contact_fts MATCH ? "
        )
        params.insert(0, fts)
        default_order = f"bm25(contact_fts, {_WEIGHTS}), c.sort_name"
    else:
        sql += (
            "contact c LEFT JOIN vetting v ON v.contact_id = c.id "
            "LEFT JOIN organization o ON o.id = c.organization_id WHERE 1 "
        )
        default_order = "c.sort_name"
    for clause in where:
        sql += f"AND {clause} "
    if order in ORDERS:
        sql += f"ORDER BY {_ordered(ORDERS[order], descending)}, c.sort_name, c.id"
    else:
        sql += f"ORDER BY {default_order}"
    overdrawn = filters.overdrawn or query.filters.get("is") == "overdrawn"
    if limit and not overdrawn:
        sql += " LIMIT ?"
        params.append(int(limit))
    ids = [row[0] for row in db.execute_sql(sql, params)]
    if overdrawn:
        keep = favors.overdrawn_ids()
        ids = [i for i in ids if i in keep][: limit or None]
    return ids


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


__all__ = ["ORDERS", "Hit", "ListFilter", "ParsedQuery", "parse", "search", "search_ids"]
