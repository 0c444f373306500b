"""A believable sample network, so a new rep can see favorbook at work in one click.

Deterministic for a seed. Rows are written in bulk inside one transaction, so the
same code fills 60 contacts for a first look or 100,000 for a benchmark.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from favorbook.db.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Conversation,
    Favor,
    FollowUp,
    Note,
    Organization,
    Question,
    QuestionAsked,
    Referral,
    Tag,
    Vetting,
    VettingNote,
    db,
)
from favorbook.errors import FavorbookError
from favorbook.services import search_index
from favorbook.services._common import today, utc_now
from favorbook.services.dates import local_date

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


def _sql_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _insert(model, rows: list[dict]) -> None:
    """Bulk insert with executemany: peewee's insert_many spends its time building SQL.

    Rows may leave out columns; those take the field's default.
    """
    if not rows:
        return
    names = list(dict.fromkeys(name for row in rows for name in row))
    fields = [model._meta.fields[name] for name in names]
    defaults = [f.default() if callable(f.default) else f.default for f in fields]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    db.cursor().executemany(
        sql,
        [
            tuple(_sql_value(r.get(n, d)) for n, d in zip(names, defaults, strict=True))
            for r in rows
        ],
    )


def _phone(rng: random.Random) -> str:
    return f"+1415555{rng.randrange(10000):04d}"


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
    rng = random.Random(seed)
    on = on or today()
    now = utc_now()
    steps = 6
    report = progress or (lambda done, total: None)

    with db.atomic():
        db.execute_sql(
            "DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM contact WHERE is_sample)"
        )
        Contact.delete().where(Contact.is_sample == True).execute()  # noqa: E712
        report(0, steps)
        org_ids: dict[str, int] = {}
        for stems, *_ in INDUSTRIES.values():
            for name in stems:
                org = Organization.get_or_none(Organization.name == name)
                org_ids[name] = org.id if org else Organization.create(name=name, created_at=now).id
        tag_ids = {}
        for name in TAGS:
            tag = Tag.get_or_none(Tag.name == name)
            tag_ids[name] = tag.id if tag else Tag.create(name=name).id
        first_id = (Contact.select(Contact.id).order_by(Contact.id.desc()).scalar() or 0) + 1
        ids = list(range(first_id, first_id + n))
        industry_of: dict[int, str] = {}
        contact_rows, emails, phones, tags, notes = [], [], [], [], []
        kinds = (
            "customer",
            "customer",
            "prospect",
            "prospect",
            "partner",
            "vendor",
            "peer",
            "other",
        )
        for cid in ids:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            industry = rng.choice(list(INDUSTRIES))
            industry_of[cid] = industry
            stems, titles, offers, needs = INDUSTRIES[industry]
            company = rng.choice(stems)
            created = now - dt.timedelta(days=rng.randrange(30, 900))
            cadence = rng.choice((14, 30, 30, 60, 90, 90, None))
            contact_rows.append(
                {
                    "id": cid,
                    "uid": f"sample-{seed}-{cid}",
                    "first_name": first,
                    "last_name": last,
                    "display_name": f"{first} {last}",
                    "sort_name": f"{last}, {first}".lower(),
                    "organization": org_ids[company],
                    "title": rng.choice(titles),
                    "kind": rng.choice(kinds),
                    "birthday": (
                        f"{rng.randrange(1960, 2000)}-{rng.randrange(1, 13):02d}-"
                        f"{rng.randrange(1, 29):02d}"
                    )
                    if rng.random() < 0.5
                    else None,
                    "how_met": rng.choice(HOW_MET),
                    "needs": rng.choice(needs) if rng.random() < 0.6 else "",
                    "goals": rng.choice(STRATEGIES[:3]) if rng.random() < 0.6 else "",
                    "offers": rng.choice(offers),
                    "cadence_days": cadence,
                    "is_sample": True,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            slug = f"{first}.{last}".lower().replace("'", "")
            domain = company.lower().replace(" & ", "").replace(" ", "") + ".example"
            emails.append(
                {"contact": cid, "label": "work", "value": f"{slug}@{domain}", "position": 0}
            )
            phones.append({"contact": cid, "label": "mobile", "value": _phone(rng), "position": 0})
            for name in rng.sample(TAGS, rng.randrange(0, 3)):
                tags.append({"contact": cid, "tag": tag_ids[name]})
            if rng.random() < 0.3:
                notes.append(
                    {
                        "contact": cid,
                        "body": "Prefers calls before 10am.",
                        "private": False,
                        "created_at": created,
                    }
                )
            if rng.random() < 0.15:
                notes.append(
                    {
                        "contact": cid,
                        "private": True,
                        "created_at": created,
                        "body": "Going through a divorce; do not bring up family.",
                    }
                )
        _insert(Contact, contact_rows)
        _insert(ContactEmail, emails)
        _insert(ContactPhone, phones)
        _insert(ContactTag, tags)
        _insert(Note, notes)
        report(1, steps)

        # Referral chains: most contacts after the first few were brought by an earlier one.
        referrals = []
        for i, cid in enumerate(ids[3:], start=3):
            if rng.random() < 0.45:
                source = ids[rng.randrange(max(0, i - 12), i)]
                outcome = rng.choice(("pending", "won", "won", "lost"))
                referrals.append(
                    {
                        "kind": "inbound",
                        "source": source,
                        "subject": cid,
                        "occurred_on": local_date(contact_rows[i]["created_at"]),
                        "outcome": outcome,
                        "value": float(rng.randrange(5, 120) * 1000) if outcome == "won" else 0.0,
                        "thanks_sent": rng.random() < 0.6,
                        "note": "",
                        "created_at": now,
                    }
                )
        report(2, steps)

        # Vetting in every state, with notes.
        vettings, vnotes = [], []
        statuses = ("trusted", "trusted", "in_review", "not_recommended", "unvetted")
        for cid in ids:
            if rng.random() < 0.55:
                status = rng.choice(statuses)
                stems, titles, offers, needs = INDUSTRIES[industry_of[cid]]
                good = status == "trusted"
                vettings.append(
                    {
                        "contact": cid,
                        "status": status,
                        "keeps_promises": good or rng.random() < 0.4,
                        "quality_of_work": good or rng.random() < 0.4,
                        "shares_principles": good or rng.random() < 0.3,
                        "references_checked": good and rng.random() < 0.8,
                        "trusted_for": rng.choice(offers) if good else "",
                        "revet_on": on + dt.timedelta(days=rng.randrange(-60, 300)),
                        "updated_at": now,
                    }
                )
                vnotes.append(
                    {
                        "contact": cid,
                        "noted_on": on - dt.timedelta(days=rng.randrange(10, 400)),
                        "body": "Delivered the job on time and under the quote."
                        if good
                        else "Missed two promised dates on the last job.",
                        "evidence": "Asked the customer directly" if good else "",
                        "vouched_by": rng.choice(ids) if good else None,
                        "vouched_by_name": "",
                        "created_at": now,
                    }
                )
        # Recommendations the rep made, some of trusted people, one with an override.
        trusted = [v["contact"] for v in vettings if v["status"] == "trusted"]
        for subject in trusted[: max(1, n // 10)]:
            recipient = rng.choice(ids)
            if recipient != subject:
                referrals.append(
                    {
                        "kind": "outbound",
                        "source": None,
                        "subject": subject,
                        "recipient": recipient,
                        "occurred_on": on - dt.timedelta(days=rng.randrange(5, 300)),
                        "outcome": rng.choice(("pending", "won")),
                        "value": 0.0,
                        "thanks_sent": False,
                        "note": "Recommended for their need",
                        "created_at": now,
                    }
                )
        # ... and one of someone still in review, with the override the rep had to give.
        in_review = [v["contact"] for v in vettings if v["status"] == "in_review"]
        if in_review and len(ids) > 1:
            subject = in_review[0]
            recipient = next(i for i in ids if i != subject)
            referrals.append(
                {
                    "kind": "outbound",
                    "source": None,
                    "subject": subject,
                    "recipient": recipient,
                    "occurred_on": on - dt.timedelta(days=12),
                    "outcome": "pending",
                    "value": 0.0,
                    "thanks_sent": False,
                    "note": "They needed someone this week",
                    "override_reason": "Worked with them for years at my last job",
                    "created_at": now,
                }
            )
        _insert(Referral, referrals)
        _insert(Vetting, vettings)
        _insert(VettingNote, vnotes)
        report(3, steps)

        # Favors both ways, mostly given, with open IOUs on both sides.
        favors = []
        for cid in ids:
            for _ in range(rng.randrange(0, 9)):
                given = rng.random() < 0.72
                kind, text = rng.choice(FAVORS_GIVEN if given else FAVORS_RECEIVED)
                other = contact_rows[rng.randrange(n)]["display_name"]
                favors.append(
                    {
                        "contact": cid,
                        "direction": "given" if given else "received",
                        "kind": kind,
                        "description": text.format(other=other),
                        "occurred_on": on - dt.timedelta(days=rng.randrange(0, 540)),
                        "value": rng.randrange(1, 6),
                        "expectation": "iou" if rng.random() < 0.2 else "pay_forward",
                        "acknowledged": rng.random() < 0.7,
                        "created_at": now,
                    }
                )
        _insert(Favor, favors)
        report(4, steps)

        # Conversations, with what was learned, follow-ups and questions asked.
        question_ids = [q.id for q in Question.select(Question.id)]
        convs, follows, asked = [], [], []
        next_conv = (
            Conversation.select(Conversation.id).order_by(Conversation.id.desc()).scalar() or 0
        ) + 1
        for cid in ids:
            for _ in range(rng.randrange(0, 8)):
                when = now - dt.timedelta(days=rng.randrange(1, 500), hours=rng.randrange(0, 9))
                direction = rng.choice(("inbound", "outbound", "outbound", "in_person"))
                convs.append(
                    {
                        "id": next_conv,
                        "contact": cid,
                        "occurred_at": when,
                        "channel": "meeting"
                        if direction == "in_person"
                        else rng.choice(("call", "call", "video", "email")),
                        "direction": direction,
                        "summary": rng.choice(SUMMARIES),
                        "problems": rng.choice(PROBLEMS),
                        "opportunities": rng.choice(OPPORTUNITIES),
                        "strategies": rng.choice(STRATEGIES),
                        "created_at": when,
                    }
                )
                if question_ids and rng.random() < 0.4:
                    asked.append(
                        {
                            "question": rng.choice(question_ids),
                            "contact": cid,
                            "conversation": next_conv,
                            "asked_on": local_date(when),
                            "answer": rng.choice(ANSWERS),
                        }
                    )
                next_conv += 1
            if rng.random() < 0.35:
                follows.append(
                    {
                        "uid": f"sample-{seed}-fu-{cid}",
                        "contact": cid,
                        "due_on": on + dt.timedelta(days=rng.randrange(-20, 30)),
                        "title": rng.choice(
                            (
                                "Send the case study",
                                "Call about the renewal",
                                "Check how the introduction went",
                                "Send thanks for the referral",
                            )
                        ),
                        "created_at": now,
                    }
                )
        _insert(Conversation, convs)
        _insert(FollowUp, follows)
        _insert(QuestionAsked, asked)
        db.execute_sql(
            "UPDATE contact SET last_interaction_at = (SELECT max(occurred_at) FROM conversation"
            " WHERE conversation.contact_id = contact.id) WHERE is_sample"
        )
        db.execute_sql(
            "UPDATE contact SET touch_due_on = date(coalesce(last_interaction_at, created_at),"
            " 'localtime', '+' || cadence_days || ' days') WHERE is_sample"
            " AND cadence_days IS NOT NULL"
        )
        report(5, steps)
        search_index.index_contacts(ids)
    report(steps, steps)
    return n


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
