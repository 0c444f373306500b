"""A believable sample network, so a new rep can see favorbook at work in one click.

Deterministic for a seed. Rows are written in bulk inside one transaction, so the
same code fills 60 contacts for a first look or 100,000 for a benchmark.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from favorbook.db.models import Contact, ContactTag, Organization, Tag, db
from favorbook.errors import FavorbookError
from favorbook.sample import demo_meetings, demo_scale
from favorbook.sample.demo_words import INDUSTRIES, TAGS
from favorbook.services._common import today, utc_now


class SampleRefused(FavorbookError):
    pass


def load(
    n: int = 60,
    *,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on: dt.date | None = None,
) -> int:
    """Fill the database with ``n`` sample contacts and their history; returns how many.

    Earlier sample data is replaced. A database with contacts of the user's own is
    refused unless ``force`` is given, and those contacts are never touched.
    """
    if n < 1:
        raise SampleRefused("The sample network needs at least one contact.")
    own = Contact.select().where(Contact.is_sample == False).count()  # noqa: E712
    if own and not force:
        raise SampleRefused(
            f"The database already holds {own} contacts of your own; the sample network "
            "was not added. Use --force to add it beside them (yours stay untouched)."
        )
    on = on or today()
    report = progress or (lambda done, total: None)
    with _bulk_pragmas(n), db.atomic():
        db.execute_sql(
            "DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM contact WHERE is_sample)"
        )
        Contact.delete().where(Contact.is_sample == True).execute()  # noqa: E712
        demo_scale.build(n, seed=seed, on=on, now=utc_now(), progress=report)
        demo_meetings.add_week(on, seed=seed)
    return n


@contextlib.contextmanager
def _bulk_pragmas(n: int):
    """A bigger page cache while a large sample is written, so the transaction's pages
    stay in memory instead of spilling to the WAL half-way; the usual size after."""
    if n < 1000:
        yield
        return
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    temp = db.execute_sql("PRAGMA temp_store").fetchone()[0]
    db.execute_sql("PRAGMA cache_size = -400000")
    db.execute_sql("PRAGMA temp_store = MEMORY")  # the index rebuilds sort in memory
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(cache)}")
        db.execute_sql(f"PRAGMA temp_store = {int(temp)}")


def has_sample() -> bool:
    """True when the database holds sample contacts (which a reload replaces)."""
    return Contact.select().where(Contact.is_sample == True).exists()  # noqa: E712


def remove_sample() -> int:
    """Delete every sample contact with all that hangs on them; return how many went.

    One transaction. The user's own contacts stay: a favor of theirs that named a sample
    contact as beneficiary keeps, with no beneficiary. Organizations and tags only the
    sample network used go with it.
    """
    with db.atomic():
        n = Contact.select().where(Contact.is_sample == True).count()  # noqa: E712
        demo_meetings.remove_week()
        if not n:
            return 0
        db.execute_sql(
            "DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM contact WHERE is_sample)"
        )
        Contact.delete().where(Contact.is_sample == True).execute()  # noqa: E712
        sample_orgs = [name for stems, *_ in INDUSTRIES.values() for name in stems]
        used_orgs = Contact.select(Contact.organization).where(Contact.organization.is_null(False))
        Organization.delete().where(
            Organization.name.in_(sample_orgs) & Organization.id.not_in(used_orgs)
        ).execute()
        Tag.delete().where(
            Tag.name.in_(TAGS) & Tag.id.not_in(ContactTag.select(ContactTag.tag))
        ).execute()
    return n
