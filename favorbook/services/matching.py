"""Matching needs to offers: who in the rep's trusted network can meet a stated need.

A need ("a good tax accountant for a small firm") is cut into its meaningful
words; each is reduced to a stem so "accountant" finds "accounting", and the
FTS index is asked for trusted people whose offers or trusted-for text hold any
of them, best match first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from favorbook.db.models import db

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "best",
        "by",
        "can",
        "could",
        "for",
        "from",
        "get",
        "good",
        "great",
        "help",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "looking",
        "me",
        "more",
        "my",
        "need",
        "needs",
        "new",
        "of",
        "on",
        "or",
        "our",
        "out",
        "some",
        "someone",
        "somebody",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "us",
        "want",
        "wants",
        "we",
        "who",
        "with",
        "would",
        "you",
        "your",
    ]
)
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ants",
    "ant",
    "ers",
    "er",
    "ies",
    "es",
    "s",
)
_WORD = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def need_terms(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 2 and word not in STOPWORDS:
            seen.setdefault(stem(word), None)
    return list(seen)


@dataclass
class Match:
    contact_id: int
    name: str
    offers: str
    trusted_for: str


def matches_for_need(need: str, *, exclude: int | None = None, limit: int = 10) -> list[Match]:
    """Trusted, active people whose offers or trusted-for text meet ``need``, best first."""
    terms = need_terms(need)
    if not terms:
        return []
    expr = "{offers trusted_for} : (" + " OR ".join(f'"{t}"*' for t in terms) + ")"
    sql = (
        "SELECT c.id, c.display_name, c.offers, v.trusted_for FROM contact_fts f "
        "JOIN contact c ON c.id = f.rowid JOIN vetting v ON v.contact_id = c.id "
        "WHERE contact_fts MATCH ? AND v.status = 'trusted' AND c.archived_at IS NULL "
        "AND c.id != ? ORDER BY bm25(contact_fts), c.sort_name LIMIT ?"
    )
    rows = db.execute_sql(sql, (expr, exclude or 0, limit))
    return [Match(*row) for row in rows]


@dataclass
class NeedMatches:
    need: str
    matches: list[Match]


def matches_for_contact(contact_id: int, *, limit: int = 5) -> list[NeedMatches]:
    """For each need the contact stated (one per line), who can meet it."""
    from favorbook.services.contacts import get_contact

    return matches_for_needs(get_contact(contact_id).needs, exclude=contact_id, limit=limit)


def matches_for_needs(
    needs: str, *, exclude: int | None = None, limit: int = 5
) -> list[NeedMatches]:
    """For each need in ``needs`` (one a line), who can meet it."""
    out = []
    for line in needs.splitlines():
        line = line.strip(" -•*\t")
        if line:
            out.append(NeedMatches(line, matches_for_need(line, exclude=exclude, limit=limit)))
    return out


def matched_words(need: str, text: str) -> list[str]:
    """The words of ``text`` that meet ``need`` the way the search does (a need term is a
    prefix of the word), each once, in the order they appear: the "why" of a match."""
    terms = need_terms(need)
    out: dict[str, None] = {}
    for word in _WORD.findall(text):
        lower = word.lower()
        if any(lower.startswith(t) for t in terms):
            out.setdefault(lower, None)
    return list(out)
