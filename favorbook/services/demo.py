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
from favorbook.services import demo_scale
from favorbook.services._common import today, utc_now

# Name lists this long read better as text than as list literals.
FIRST = (  # noqa: SIM905
    "Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jonas Kemi Luis Maya Noah Olga Priya "
    "Quinn Rosa Sam Tomás Uma Viktor Wen Yara Zoe Amara Bruno Chloé Dmitri Esther Felix "
    "Gabriela Hannah Ivan Julia Kofi Lena Marco Nadia Oscar Paula Rafael Sofia Theo "
    "Valentina William Xavier Yusuf Zainab José Björn Łucja Søren Aoife Nguyễn"
).split()
LAST = (  # noqa: SIM905
    "Alvarez Becker Chen Dubois Eriksen Fischer García Haddad Ito Jensen Kowalski Larsen "
    "Moreau Nakamura Okafor Patel Quintero Rossi Schmidt Tanaka Ueda Vasquez Weber Xu "
    "Yilmaz Zimmermann O'Brien Müller Novak Silva Andersson Brennan Costa Dimitrov Evans "
    "Ferreira Gupta Hoffmann Ibrahim Jovanović Kim Lindqvist Mendoza Nielsen Olsen Petrov"
).split()
# industry: (company stems, titles, what they offer, what they need)
INDUSTRIES = {
    "facilities": (
        ["Brightline Facilities", "Tower Property Group", "CleanPro Services", "Harbor Estates"],
        ["Facilities Manager", "Property Manager", "Operations Director"],
        [
            "commercial cleaning for office towers",
            "property management introductions",
            "carpet cleaning and floor care",
        ],
        ["a reliable HVAC contractor", "tenants for two floors of office space"],
    ),
    "finance": (
        ["Northgate Accounting", "Keystone Advisors", "Ledgerline CPA", "Summit Capital"],
        ["Partner", "Tax Advisor", "CFO", "Controller"],
        ["tax accounting for small firms", "bookkeeping and payroll", "growth financing advice"],
        ["a payroll system that small clients can use", "introductions to family businesses"],
    ),
    "manufacturing": (
        ["Ironwood Machining", "Delta Components", "Precision Parts Co", "Riverbend Plastics"],
        ["Plant Manager", "Purchasing Manager", "Head of Engineering", "Owner"],
        [
            "hard-to-find replacement parts",
            "CNC machining on short notice",
            "supplier quality audits",
        ],
        ["a second supplier for castings", "a good maintenance technician"],
    ),
    "software": (
        ["Brightwave Software", "Cobalt Analytics", "Nimbus Cloud", "Pixel Forge"],
        ["CTO", "Product Manager", "Head of Sales", "Founder"],
        ["custom software development", "data analytics dashboards", "IT security reviews"],
        ["customers in manufacturing", "a recruiter for senior engineers"],
    ),
    "legal": (
        ["Baker & Lund", "Meridian Law", "Crane Legal Partners"],
        ["Attorney", "Managing Partner", "Paralegal"],
        ["contract review for suppliers", "employment law advice", "trademark registration"],
        ["clients who are scaling up", "a bookkeeper for the firm"],
    ),
    "marketing": (
        ["Signal & Story", "Bright Lantern Media", "Northwind Creative"],
        ["Creative Director", "Marketing Manager", "Account Director"],
        ["website design and copywriting", "event photography", "trade show booth design"],
        ["a printer for large banners", "case studies from industrial clients"],
    ),
    "hr": (
        ["Talentbridge Recruiting", "People First HR", "Keystone Staffing"],
        ["Recruiter", "HR Director", "Talent Partner"],
        ["recruiting senior engineers", "temporary staff at short notice", "HR policy reviews"],
        ["hiring managers in software", "an employment lawyer they can trust"],
    ),
}
HOW_MET = (
    "Chamber of commerce breakfast",
    "Trade show booth next to ours",
    "Introduced at a golf day",
    "Customer of a customer",
    "Panel at the regional sales summit",
    "LinkedIn message",
    "Neighbour at the co-working space",
    "School fundraiser",
    "Cold call that went well",
)
TAGS = ("golf", "chamber", "vip", "conference", "alumni", "board", "local", "tennis", "book club")
FAVORS_GIVEN = (
    ("introduction", "Introduced them to {other}, who was looking for exactly this"),
    ("referral", "Referred a client with an office move coming up"),
    ("advice", "Walked them through how we price service contracts"),
    ("content", "Sent the white paper on cutting downtime in half"),
    ("time", "Helped set up their trade show booth on a Saturday"),
    ("resource", "Found the part they needed at a competitor's shop"),
    ("invitation", "Brought them along to the chamber breakfast"),
)
FAVORS_RECEIVED = (
    ("introduction", "Introduced me to the facilities lead at {other}"),
    ("referral", "Sent a prospect our way"),
    ("advice", "Reviewed our proposal before it went out"),
    ("time", "Gave me an hour to explain how their purchasing works"),
    ("resource", "Lent a meeting room for the customer workshop"),
)
SUMMARIES = (
    "Caught up on the quarter; they are hiring again",
    "Talked through the new site they are opening",
    "Sorted out the delayed delivery",
    "Lunch; mostly about their expansion plans",
    "Talked about a recommendation they need",
    "Reviewed last year's project together",
)
PROBLEMS = (
    "Downtime on line two is costing them a shift a week",
    "Their best installer is retiring this spring",
    "Cash flow is tight until the big invoice is paid",
    "",
)
OPPORTUNITIES = (
    "Second building comes online in the autumn",
    "They are consolidating suppliers next year",
    "Their sister company needs the same service",
    "",
)
STRATEGIES = (
    "Grow through acquisitions of small local firms",
    "Win larger accounts by offering service contracts",
    "Move upmarket with a premium line",
    "",
)
ANSWERS = (
    "Being home for dinner more often, and hitting the growth target",
    "Finding people who will actually show up",
    "Through my uncle's business, twenty years ago",
    "Their biggest customers all came from referrals",
    "A short email first, then a call",
)


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
        from favorbook.services import demo_meetings

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
        from favorbook.services import demo_meetings

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
