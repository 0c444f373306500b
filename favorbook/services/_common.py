"""Small helpers shared by the services."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from favorbook.errors import NotFoundError, ValidationError


def utc_now() -> dt.datetime:
    """Now in UTC, naive, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return dt.date.today()


def new_uid() -> str:
    return str(uuid.uuid4())


# Characters that show nothing but change how text around them is shown or compared:
# bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), the bidi marks
# (LRM, RLM, ALM), zero-width space, word joiner, invisible operators, BOM, soft hyphen,
# Mongolian vowel separator. In a name, an organization, an email or any other one-line
# field they only serve to disguise it ("\u202egpj.exe" shows as "exe.jpg").
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
    + [0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x00AD, 0x180E]
)
# Zero-width (non-)joiners shape emoji sequences and Persian, Arabic and Indic words, where
# they stand between two non-ASCII characters; anywhere else they only hide something.
_STRAY_JOINER = re.compile(r"(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])")


def visible(text: str) -> str:
    """``text`` without bidi controls and zero-width characters (see _INVISIBLE); a
    zero-width joiner or non-joiner stays only between two non-ASCII characters."""
    if text.isascii():
        return text
    text = text.translate(_INVISIBLE)
    if "\u200c" in text or "\u200d" in text:
        text = _STRAY_JOINER.sub("", text)
    return text


def clean_line(text: str | None, field: str, *, max_len: int = 100_000) -> str:
    """``clean`` for a one-line field (a name, an organization, an email, a phone, a label,
    a tag...): also without the invisible characters that could make it pose as another."""
    if not text:
        return ""
    if text.isascii():  # what the general case gives, without its steps (imports)
        stripped = text.strip()
        if "\x00" not in stripped and len(stripped) <= max_len:
            return stripped
    return clean(visible(text), field, max_len=max_len)


def clean(text: str | None, field: str, *, max_len: int = 100_000) -> str:
    """Strip ``text``; refuse NUL bytes and absurd lengths with a message naming ``field``."""
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationError(field, "contains a NUL character; remove it and save again")
    try:
        if not text.isascii():
            text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a broken paste or file
        raise ValidationError(
            field, "contains a character that is not valid text; retype that part and save again"
        ) from None
    if len(text) > max_len:
        raise ValidationError(field, f"is {len(text):,} characters long; the limit is {max_len:,}")
    return text


def choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    value = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if value not in allowed:
        raise ValidationError(field, f"must be one of {', '.join(allowed)} (got {value!r})")
    return value


def as_date(value: dt.date | str | None, field: str, *, default: dt.date | None = None) -> dt.date:
    if value is None or value == "":
        if default is None:
            raise ValidationError(field, "a date is required")
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def as_datetime(value: dt.datetime | dt.date | str | None, field: str) -> dt.datetime:
    """A UTC naive datetime from a datetime (aware ones are converted), a date or ISO text."""
    if value is None or value == "":
        return utc_now()
    if isinstance(value, str):
        try:
            text = value.strip()
            parse = dt.date.fromisoformat if len(text) == 10 else dt.datetime.fromisoformat
            value = parse(text)
        except ValueError:
            raise ValidationError(
                field, f"{value!r} is not a date and time; write it as YYYY-MM-DD HH:MM"
            ) from None
    if not isinstance(value, dt.datetime):
        # A day alone is taken at local noon: it stays that day wherever it is shown.
        value = dt.datetime.combine(value, dt.time(12, 0))
    # Far from year 1 and 9999 so that showing it in any time zone stays a valid date.
    if not 1 < value.year < 9999:
        raise ValidationError(field, f"{value:%Y-%m-%d} is out of range; check the year")
    # A time without a zone is the user's local time (astimezone assumes so for naive ones).
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError, OSError):
        raise ValidationError(field, f"{value:%Y-%m-%d} is out of range; check the year") from None


def require(model, record_id: int | None, what: str):
    """The row of ``model`` with ``record_id``, or NotFoundError naming ``what``."""
    row = model.get_or_none(model._meta.primary_key == record_id) if record_id else None
    if row is None:
        raise NotFoundError(f"No {what} with id {record_id}; it may have been deleted.")
    return row


def ratio(given: int, received: int) -> float | None:
    """give:take as one number (4.0 means 4:1); None when nothing was received."""
    if received == 0:
        return None
    return round(given / received, 2)


def raw_rows(query):
    """Run a peewee query on the plain cursor: tuples with no per-field conversion.

    Several times faster than model instances for lists of tens of thousands of rows;
    the caller converts the few columns that need it (``iso_date``, ``iso_datetime``).
    """
    from favorbook.db.models import db

    sql, params = query.sql()
    return db.execute_sql(sql, params)


_UNMADE = object()
_prepared: dict[Hashable, tuple[str, list, list[tuple[int, int]]] | None] = {}


def _stand_in(position: int, value: int | str, round_: int) -> int | str:
    """A parameter value no real call passes, of ``value``'s type."""
    if isinstance(value, str):
        return f"\x00favorbook-argument-{round_}-{position}\x00"
    return -(10**15) - 1000 * round_ - position


def _prepare(build: Callable[..., Any], args: tuple) -> tuple[str, list, list] | None:
    """``build``'s SQL and parameters made with stand-ins for ``args`` and where each goes;
    None unless two makings with other stand-ins differ exactly where they were put."""
    made = []
    for round_ in (1, 2):
        stand_ins = [_stand_in(n, a, round_) for n, a in enumerate(args)]
        sql, params = build(*stand_ins).sql()
        slots = [
            (n, stand_ins.index(p))
            for n, p in enumerate(params)
            if type(p) in (int, str) and p in stand_ins
        ]
        made.append((sql, list(params), slots))
    (sql, params, slots), (sql2, params2, slots2) = made
    differ = [n for n, (a, b) in enumerate(zip(params, params2, strict=True)) if a != b]
    if (
        sql != sql2
        or slots != slots2
        or differ != [n for n, _ in slots]
        or {i for _, i in slots} != set(range(len(args)))
    ):
        return None
    return sql, params, slots


def prepared_rows(key: Hashable, build: Callable[..., Any], *args: int | str):
    """``raw_rows(build(*args))`` with peewee making the SQL once, kept under ``key``.

    Making the SQL of a query costs peewee far more than SQLite takes to run a small one
    (opening a contact: 24 queries, 0.4 ms in SQLite, 3 ms in peewee). ``build`` must give
    the same statement for any ``args`` (integers or strings that only become parameters,
    nothing else read when it runs, such as today's date); one whose parameters do not
    hold each argument as given (checked by making it twice) is made anew on every call.
    """
    from favorbook.db.models import db

    made = _prepared.get(key, _UNMADE)
    if made is _UNMADE:
        made = _prepared[key] = _prepare(build, args)
    if made is None:
        return raw_rows(build(*args))
    sql, params, slots = made
    params = list(params)
    for n, i in slots:
        params[n] = args[i]
    return db.execute_sql(sql, params)


def iso_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


class Days(dict):
    """Stored dates to ``iso_date``'s dates, each different text converted once: half a
    million favors fall on a few thousand days."""

    def __missing__(self, key):
        value = self[key] = iso_date(key)
        return value


def iso_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def not_archived(contact_model):
    """``contact.archived_at IS NULL`` written so SQLite will not drive a join from it.

    Nearly every contact is active, so the condition picks almost nothing out; but the
    contact list's covering index begins with ``archived_at``, and without statistics
    SQLite takes it for a narrow range and walks every contact through it before
    joining the few follow-ups or vetting rows a query wants (93 ms instead of 10 at
    100,000 contacts). The unary ``+`` keeps the condition and leaves the index out.
    """
    from peewee import SQL, NodeList

    return NodeList((SQL("+"), contact_model.archived_at), glue="").is_null()


# Young objects collected after this many allocations (Python's default is 700): opening a
# contact makes tens of thousands of short-lived ones, and each collection also promotes
# survivors toward the full collection that walks the whole heap.
YOUNG_COLLECTION = 20_000
_heap_settled = False


def settle_heap() -> None:
    """After start-up (once a process): freeze what start-up built and collect the young less
    often, so the collector stops walking it.

    What the first paint needed (modules, the window, its widgets' wrappers) lives until
    the window closes; at 100,000 contacts a full collection walked it all, 35-50 ms in the
    middle of opening a contact every score of opens. Frozen objects are still freed by
    reference counting; only cycles among them wait for the process to end.
    """
    global _heap_settled
    if _heap_settled:
        return
    _heap_settled = True
    gc.freeze()
    young, older, oldest = gc.get_threshold()
    gc.set_threshold(max(YOUNG_COLLECTION, young), older, oldest)
    gc.enable()  # the window's start (ui.shell.launch) runs without it until its first paint


def without_gc_pauses(function):
    """Run ``function`` with Python's cyclic garbage collector paused.

    Reading and planning 10,000 cards makes millions of objects; the collector then
    stops every thread, the window's included, for 0.3-0.5 s at a time (2 s in all) to
    look for cycles these objects do not form. Memory is still freed as usual (by
    reference counts). When the function returns, what it left is frozen (not looked
    through again: scanning it all at once would be the same pause) and the collector
    resumes; the next import unfreezes it first.
    """

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        gc.unfreeze()
        try:
            return function(*args, **kwargs)
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()

    return paused
