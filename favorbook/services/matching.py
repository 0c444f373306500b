"""Matching needs to offers: who in the rep's trusted network can meet a stated need.

A need ("a good tax accountant for a small firm") is cut into its meaningful
words; each is reduced to a stem so "accountant" finds "accounting", and the
FTS index is asked for trusted people whose offers or trusted-for text hold any
of them, best match first.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from favorbook.db import database
from favorbook.db.models import db
from favorbook.services import listcache

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


@dataclass(frozen=True)
class Match:
    contact_id: int
    name: str
    offers: str
    trusted_for: str


def matches_for_need(need: str, *, exclude: int | None = None, limit: int = 10) -> list[Match]:
    """Trusted, active people whose offers or trusted-for text meet ``need``, best first.

    The answer for the need's words is kept until the data changes (``listcache``): the
    same need stated by other contacts (or their tabs shown again) asks the index once.
    It is found for everybody, one more than ``limit``, and ``exclude`` left out after:
    leaving one person out changes nobody's score, so the rest keep their order.
    """
    terms = need_terms(need)
    if not terms:
        return []
    key = ("need", tuple(terms), limit + 1)
    best = _kept.cached(key, lambda: _found_ahead(key) or _best(terms, limit + 1))
    return [m for m in best if m.contact_id != exclude][:limit]


_kept = listcache.Kept(64)
_ahead: dict[tuple, tuple[object, tuple[int, int], Future]] = {}
_AHEAD_KEPT = 16
_pool: ThreadPoolExecutor | None = None


def find_ahead(contact_id: int, *, limit: int = 5) -> list[Future]:
    """Start finding who can meet each need of ``contact_id`` on a thread of its own (with
    its own connection), while the screen shows the rest of the contact: the full-text
    query runs in SQLite, outside Python's lock, on the other core. ``matches_for_need``
    takes the answer if nothing was written since it was asked, else finds it anew.

    Not inside a transaction (another connection would not see its changes), nor for an
    encrypted database (a connection of its own costs the key's derivation). Returns the
    jobs started (tests wait for them)."""
    global _pool
    if db.in_transaction() or getattr(db, "passphrase", None):
        return []
    row = db.execute_sql("SELECT needs FROM contact WHERE id = ?", (contact_id,)).fetchone()
    keys = [("need", tuple(t), limit + 1) for t in map(need_terms, _lines(row[0] if row else ""))]
    keys = [k for k in dict.fromkeys(keys) if k[1] and k not in _ahead and not _kept.holds(k)]
    if not keys:
        return []
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="favorbook-match")
    conn, mark = db.connection(), database.write_mark()
    jobs = []
    for key in keys:
        while len(_ahead) >= _AHEAD_KEPT:
            _ahead.pop(next(iter(_ahead)))[2].cancel()
        job = _pool.submit(_best_ahead, conn, list(key[1]), key[2])
        _ahead[key] = (conn, mark, job)
        jobs.append(job)
    return jobs


_worker_for: list = [None]  # the connection of the thread that asked, when the worker's opened


def _best_ahead(asker, terms: list[str], limit: int) -> tuple[Match, ...]:
    """``_best`` on the worker thread, on a connection of its own kept open from one job to
    the next (its page cache warm: a new one read the index from the files each time, at
    twice the cost), opened anew when the asking connection is another one (a database
    opened since)."""
    if _worker_for[0] is not asker or db.is_closed():
        if not db.is_closed():
            db.close()  # this thread's connection, to the database opened before
        _worker_for[0] = None
        db.connect()
        _worker_for[0] = asker
    return _best(terms, limit)


def _found_ahead(key: tuple) -> tuple[Match, ...] | None:
    """The answer ``find_ahead`` found for ``key``, if it is still the answer: asked on
    this connection with nothing written since. A job not started yet is called off."""
    found = _ahead.pop(key, None)
    if found is None:
        return None
    conn, mark, job = found
    if job.cancel() or conn is not db.connection() or mark != database.write_mark():
        return None
    try:
        return job.result(timeout=0.5)
    except Exception:  # noqa: BLE001 - the database closed meanwhile, a timeout: find it here
        return None


def _best(terms: list[str], limit: int) -> tuple[Match, ...]:
    expr = "{offers trusted_for} : (" + " OR ".join(f'"{t}"*' for t in terms) + ")"
    rows = db.execute_sql(BEST_SQL, (expr, 0, limit - 1, limit)).fetchall()
    if len(rows) < limit:
        # Fewer than asked: either that is all there is, or archived people were among the
        # best scores; the whole list says which.
        rows = db.execute_sql(MATCH_SQL, (expr, 0, limit)).fetchall()
    return tuple(Match(*row) for row in rows)


MATCH_SQL = (
    # A common word meets thousands of offers at 100,000 contacts. The full-text index
    # leads (CROSS JOIN keeps that order: led by the vetting table, SQLite would run the
    # full-text query once per trusted person), the trusted are kept, and only they are
    # scored and looked up in the contact table (in one pass: 40 ms -> 15 ms for a need
    # of three common words).
    "WITH hits AS MATERIALIZED ("
    "SELECT f.rowid AS id, bm25(contact_fts) AS score, v.trusted_for AS trusted_for "
    "FROM contact_fts f CROSS JOIN vetting v ON v.contact_id = f.rowid "
    "WHERE contact_fts MATCH ? AND v.status = 'trusted' AND f.rowid != ?) "
    "SELECT c.id, c.display_name, c.offers, hits.trusted_for "
    "FROM hits CROSS JOIN contact c ON c.id = hits.id "
    "WHERE c.archived_at IS NULL ORDER BY hits.score, c.sort_name LIMIT ?"
)

BEST_SQL = (
    # MATCH_SQL looking up in the contact table (and the vetting table, for what they are
    # trusted for) only the trusted people who score as well as the limit-th best of them,
    # not the thousands a common word brings: ties on that score are all kept, so the
    # order by name among them is the same. Archived people among them may leave fewer
    # than the limit: then MATCH_SQL answers (at 100,000 contacts: 14 -> 7 ms a need,
    # the slowest 34 -> 12).
    "WITH hits AS MATERIALIZED ("
    "SELECT f.rowid AS id, bm25(contact_fts) AS score "
    "FROM contact_fts f CROSS JOIN vetting v ON v.contact_id = f.rowid "
    "WHERE contact_fts MATCH ? AND v.status = 'trusted' AND f.rowid != ?), "
    "cut AS (SELECT score FROM hits ORDER BY score LIMIT 1 OFFSET ?) "
    "SELECT c.id, c.display_name, c.offers, v.trusted_for "
    "FROM hits CROSS JOIN contact c ON c.id = hits.id "
    "CROSS JOIN vetting v ON v.contact_id = hits.id "
    "WHERE hits.score <= coalesce((SELECT score FROM cut), 1e308) AND c.archived_at IS NULL "
    "ORDER BY hits.score, c.sort_name LIMIT ?"
)


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
    return [
        NeedMatches(line, matches_for_need(line, exclude=exclude, limit=limit))
        for line in _lines(needs)
    ]


def _lines(needs: str) -> list[str]:
    """The needs of a profile's text, one a line, without list marks."""
    return [line for line in (raw.strip(" -•*\t") for raw in needs.splitlines()) if line]


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
