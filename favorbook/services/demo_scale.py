"""The generator behind the sample network, fast enough for 100,000 contacts.

``favorbook demo`` fills 60 contacts for a first look; ``--contacts 100000`` fills a
network the size of a twenty-year career (about ten favors and conversations per
contact, a million in all) for the benchmark, in well under a minute on a laptop.

Speed comes from never building an object per row: rows are plain tuples written
with ``executemany`` in large chunks inside the caller's transaction; every date
and datetime is looked up in a table of preformatted strings instead of being
formatted per row; random picks use ``random()`` directly. The columns the services
derive (sort name, last interaction, stay-in-touch date, settled IOUs, the search
index) are computed here exactly as the services would compute them; a test
compares them with what the services compute from the same rows.

Deterministic for a seed: the same seed and size give the same network (dates are
relative to ``on``/``now``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import random
from collections.abc import Callable

from favorbook.db.models import db
from favorbook.services import demo_words as words
from favorbook.services import search_index
from favorbook.services.dates import local_date

CHUNK = 20_000
"""Contacts per progress step; the rows they bring are written in one executemany."""


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        db.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


DROP_INDEXES_FROM = 5000
"""Contacts from which a load drops the plain indexes and builds them again at the end."""

BULK_TABLES = (
    "contact",
    "contact_email",
    "contact_phone",
    "contact_address",
    "contact_tag",
    "note",
    "favor",
    "conversation",
    "followup",
    "question_asked",
    "referral",
    "vetting",
    "vetting_note",
)


@contextlib.contextmanager
def indexes_rebuilt_after(n: int):
    """For a big load, drop the plain indexes and the triggers of the tables it fills and
    build them again at the end from their own SQL: one sort per index instead of a
    million scattered B-tree inserts, and one recount of what the triggers keep (the
    list's favor counts and next follow-up, the dashboard's monthly tally) instead of a
    trigger per row. A follow-up's trigger looks up the contact's open follow-ups, which
    without their index is a scan per inserted row. Unique indexes stay (they guard the
    data). Use inside the load's transaction, so a failure leaves the schema as it was."""
    if n < DROP_INDEXES_FROM:
        yield
        return
    marks = ", ".join("?" * len(BULK_TABLES))
    found = db.execute_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        f" AND sql IS NOT NULL AND tbl_name IN ({marks})",
        BULK_TABLES,
    ).fetchall()
    dropped = [
        (kind, name, sql)
        for kind, name, sql in found
        if (kind == "trigger" and not name.startswith("vault_"))
        or (kind == "index" and not sql.upper().startswith("CREATE UNIQUE"))
    ]  # the vault's triggers stay: with the sync between devices on, every row travels
    for kind, name, _sql in dropped:
        db.execute_sql(f'DROP {kind.upper()} "{name}"')
    yield
    for kind in ("index", "trigger"):
        for k, _name, sql in dropped:
            if k == kind:
                db.execute_sql(sql)
    recount_derived()


def recount_derived() -> None:
    """Set what the ledger triggers keep from the rows themselves, as the migrations that
    made those triggers first filled it (0004: the contact list's counts; 0005: the
    dashboard's monthly tally and the referral change mark)."""
    tables = {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master").fetchall()}
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(contact)").fetchall()}
    if "favors_given" in columns:
        db.execute_sql(
            """UPDATE contact SET
                favors_given = (SELECT count(*) FROM favor f
                                WHERE f.contact_id = contact.id AND f.direction = 'given'),
                favors_received = (SELECT count(*) FROM favor f
                                   WHERE f.contact_id = contact.id
                                   AND f.direction = 'received'),
                next_followup_on = (SELECT min(f.due_on) FROM followup f
                                    WHERE f.contact_id = contact.id AND f.done_at IS NULL)"""
        )
    if "favor_tally" in tables:
        db.execute_sql("DELETE FROM favor_tally")
        db.execute_sql(
            """INSERT INTO favor_tally (month, direction, n, value, open_n)
                SELECT substr(occurred_on, 1, 7), direction, count(*), sum(value),
                       sum(expectation = 'iou' AND settled_by_id IS NULL
                           AND written_off_on IS NULL)
                FROM favor GROUP BY 1, 2"""
        )
    if "change_mark" in tables:
        db.execute_sql("UPDATE change_mark SET mark = random() WHERE name = 'referral'")


def _organizations(n: int, industries: dict, now_text: str) -> list[tuple[int, str, str]]:
    """(id, name, industry) of the sample's organisations: the named ones of the small
    network, and for a big one about one company per 20 contacts."""
    wanted = [(name, ind) for ind, (stems, *_) in industries.items() for name in stems]
    extra = n // 20 - len(wanted)
    if extra > 0:
        combos = [
            (f"{word} {suffix}", ind)
            for word in words.ORG_WORDS
            for ind, suffixes in words.ORG_SUFFIX.items()
            for suffix in suffixes
        ]
        names = {name for name, _ in wanted}
        round_ = 0
        while extra > 0:
            for name, ind in combos:
                if round_:
                    name = f"{name} {words.CITIES[(round_ - 1) % len(words.CITIES)][0]}"
                    if round_ > len(words.CITIES):
                        name = f"{name} {round_}"
                if name not in names:
                    names.add(name)
                    wanted.append((name, ind))
                    extra -= 1
                    if not extra:
                        break
            round_ += 1
    found = dict(db.execute_sql("SELECT name, id FROM organization").fetchall())
    new = [(name, now_text) for name, _ in wanted if name not in found]
    _insert("organization", ("name", "created_at"), new)
    found = dict(db.execute_sql("SELECT name, id FROM organization").fetchall())
    return [(found[name], name, ind) for name, ind in wanted]


def build(
    n: int,
    *,
    seed: int,
    on: dt.date,
    now: dt.datetime,
    progress: Callable[[int, int], None],
) -> list[int]:
    """Write ``n`` sample contacts and everything around them; returns their ids.

    Call inside a transaction, after the old sample is gone. Progress goes from 0 to
    ``total`` in steps of about ``CHUNK`` contacts.
    """
    with indexes_rebuilt_after(n):
        ids = _fill(n, seed=seed, on=on, now=now, progress=progress)
    # The search index, as the services write it, a chunk at a time (its queries need
    # the indexes back).
    for start in range(0, n, CHUNK):
        search_index.index_contacts(ids[start : start + CHUNK])
        progress(4 * n + min(n, start + CHUNK), 5 * n)
    return ids


def _fill(
    n: int,
    *,
    seed: int,
    on: dt.date,
    now: dt.datetime,
    progress: Callable[[int, int], None],
) -> list[int]:
    """The rows of :func:`build`, all but the search index; returns the new ids."""
    rng = random.Random(seed)
    rand = rng.random
    now_text = now.isoformat(sep=" ")
    first_names = [*words.FIRST, *(words.MORE_FIRST if n > 200 else ())]
    last_names = [*words.LAST, *(words.MORE_LAST if n > 200 else ())]
    industries = words.INDUSTRIES
    industry_names = list(industries)
    orgs = _organizations(n, industries, now_text)
    orgs_by_industry: dict[str, list[tuple[int, str]]] = {i: [] for i in industry_names}
    for oid, name, ind in orgs:
        orgs_by_industry[ind].append((oid, name))
    tag_ids = {}
    for name in words.TAGS:
        db.execute_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (name,))
        tag_ids[name] = db.execute_sql("SELECT id FROM tag WHERE name = ?", (name,)).fetchone()[0]
    tag_list = [tag_ids[t] for t in words.TAGS]
    question_ids = [r[0] for r in db.execute_sql("SELECT id FROM question ORDER BY id")]

    def next_id(table: str) -> int:
        return (db.execute_sql(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0) + 1

    first_id = next_id("contact")
    ids = list(range(first_id, first_id + n))
    favor_id = next_id("favor")
    conv_id = next_id("conversation")

    # Every date the network uses, formatted once: days ago -> text.
    max_age = 900
    day_text = [(on - dt.timedelta(days=d)).isoformat() for d in range(max_age + 1)]
    future_text = [(on + dt.timedelta(days=d)).isoformat() for d in range(400)]
    # Datetimes: (days ago, hours ago) -> stored text and the local day it falls on.
    when_text: list[list[str]] = []
    when_day: list[list[dt.date]] = []
    for d in range(max_age + 1):
        texts, days = [], []
        for h in range(9):
            when = now - dt.timedelta(days=d, hours=h)
            texts.append(when.isoformat(sep=" "))
            days.append(local_date(when))
        when_text.append(texts)
        when_day.append(days)

    total = 5 * n
    done = 0
    progress(done, total)

    def unique_email(slug: str, domain: str) -> str:
        email = f"{slug}@{domain}"
        count = seen_emails.get(email, 0)
        seen_emails[email] = count + 1
        return f"{slug}{count + 1}@{domain}" if count else email

    def pick(seq):
        return seq[int(rand() * len(seq))]

    kinds = ("customer", "customer", "prospect", "prospect", "partner", "vendor", "peer", "other")
    cadences = (14, 30, 30, 60, 90, 90, None)
    statuses = ("trusted", "trusted", "in_review", "not_recommended", "unvetted")
    channels = ("call", "call", "video", "email")
    conv_dirs = ("inbound", "outbound", "outbound", "in_person")
    nf, nl = len(first_names), len(last_names)

    # Per contact, kept for the later phases.
    name_of: list[str] = []
    age_of: list[int] = []
    industry_of: list[str] = []
    cadence_of: list[int | None] = []
    trusted: list[int] = []
    in_review: list[int] = []
    seen_emails: dict[str, int] = {}

    contact_cols = (
        "id",
        "uid",
        "first_name",
        "last_name",
        "display_name",
        "sort_name",
        "organization_id",
        "title",
        "kind",
        "birthday",
        "how_met",
        "needs",
        "goals",
        "offers",
        "cadence_days",
        "is_sample",
        "created_at",
        "updated_at",
    )
    for start in range(0, n, CHUNK):
        rows, emails, phones, addresses, tags, notes = [], [], [], [], [], []
        for i in range(start, min(n, start + CHUNK)):
            cid = ids[i]
            first = first_names[int(rand() * nf)]
            last = last_names[int(rand() * nl)]
            industry = industry_names[int(rand() * len(industry_names))]
            _stems, titles, offers, needs = industries[industry]
            org_id, company = pick(orgs_by_industry[industry])
            age = 30 + int(rand() * (max_age - 30))
            cadence = pick(cadences)
            display = f"{first} {last}"
            name_of.append(display)
            age_of.append(age)
            industry_of.append(industry)
            cadence_of.append(cadence)
            created = when_text[age][0]
            birthday = (
                f"{1960 + int(rand() * 40)}-{1 + int(rand() * 12):02d}-{1 + int(rand() * 28):02d}"
                if rand() < 0.5
                else None
            )
            rows.append(
                (
                    cid,
                    f"sample-{seed}-{cid}",
                    first,
                    last,
                    display,
                    f"{last}, {first}".lower(),
                    org_id,
                    pick(titles),
                    pick(kinds),
                    birthday,
                    pick(words.HOW_MET),
                    pick(needs) if rand() < 0.6 else "",
                    pick(words.STRATEGIES[:3]) if rand() < 0.6 else "",
                    pick(offers),
                    cadence,
                    1,
                    created,
                    created,
                )
            )
            slug = f"{first}.{last}".lower().replace("'", "")
            domain = company.lower().replace(" & ", "").replace("&", "").replace(" ", "") + (
                ".example"
            )
            emails.append((cid, "work", unique_email(slug, domain), 0))
            if rand() < 0.2:
                emails.append((cid, "home", unique_email(slug, "mail.example"), 1))
            phones.append(
                (cid, "mobile", f"+1{pick(words.AREA_CODES)}555{int(rand() * 10000):04d}", 0)
            )
            if rand() < 0.3:
                phones.append(
                    (cid, "work", f"+1{pick(words.AREA_CODES)}555{int(rand() * 10000):04d}", 1)
                )
            if rand() < 0.4:
                city, region, postcode = pick(words.CITIES)
                street = f"{int(rand() * 900) + 100} {pick(words.STREETS)}"
                addresses.append((cid, "work", street, city, region, postcode, "USA", 0))
            k = int(rand() * 3)
            if k:
                for t in rng.sample(tag_list, k):
                    tags.append((cid, t))
            if rand() < 0.3:
                notes.append((cid, "Prefers calls before 10am.", 0, created))
            if rand() < 0.15:
                notes.append((cid, "Going through a divorce; do not bring up family.", 1, created))
        _insert("contact", contact_cols, rows)
        _insert("contact_email", ("contact_id", "label", "value", "position"), emails)
        _insert("contact_phone", ("contact_id", "label", "value", "position"), phones)
        _insert(
            "contact_address",
            ("contact_id", "label", "street", "city", "region", "postcode", "country", "position"),
            addresses,
        )
        _insert("contact_tag", ("contact_id", "tag_id"), tags)
        _insert("note", ("contact_id", "body", "private", "created_at"), notes)
        done += len(rows)
        progress(done, total)

    # Referral chains: most contacts after the first few were brought by an earlier one,
    # so chains run several links deep. Vetting in every state, with notes.
    referrals, vettings, vnotes = [], [], []
    for i in range(n):
        cid = ids[i]
        if i >= 3 and rand() < 0.45:
            source = ids[max(0, i - 12) + int(rand() * (i - max(0, i - 12)))]
            outcome = pick(("pending", "won", "won", "lost"))
            referrals.append(
                (
                    "inbound",
                    source,
                    cid,
                    None,
                    when_day[age_of[i]][0].isoformat(),
                    outcome,
                    float((5 + int(rand() * 115)) * 1000) if outcome == "won" else 0.0,
                    int(rand() < 0.6),
                    "",
                    None,
                    now_text,
                )
            )
        if rand() < 0.55:
            status = pick(statuses)
            good = status == "trusted"
            if good:
                trusted.append(cid)
            elif status == "in_review":
                in_review.append(cid)
            offers = industries[industry_of[i]][2]
            revet = int(rand() * 360) - 60
            vettings.append(
                (
                    cid,
                    status,
                    int(good or rand() < 0.4),
                    int(good or rand() < 0.4),
                    int(good or rand() < 0.3),
                    int(good and rand() < 0.8),
                    pick(offers) if good else "",
                    future_text[revet] if revet >= 0 else day_text[-revet],
                    now_text,
                )
            )
            vnotes.append(
                (
                    cid,
                    day_text[10 + int(rand() * 390)],
                    "Delivered the job on time and under the quote."
                    if good
                    else "Missed two promised dates on the last job.",
                    "Asked the customer directly" if good else "",
                    ids[int(rand() * n)] if good and n > 1 else None,
                    "",
                    now_text,
                )
            )
        if (i + 1) % CHUNK == 0 or i == n - 1:
            done = n + i + 1
            progress(done, total)
    # Recommendations the rep made, mostly of trusted people...
    for subject in trusted[: max(1, n // 10)]:
        recipient = pick(ids)
        if recipient != subject:
            referrals.append(
                (
                    "outbound",
                    None,
                    subject,
                    recipient,
                    day_text[5 + int(rand() * 295)],
                    pick(("pending", "won")),
                    0.0,
                    0,
                    "Recommended for their need",
                    None,
                    now_text,
                )
            )
    # ... and one of someone still in review, with the override the rep had to give.
    if in_review and n > 1:
        subject = in_review[0]
        recipient = next(i for i in ids if i != subject)
        referrals.append(
            (
                "outbound",
                None,
                subject,
                recipient,
                day_text[12],
                "pending",
                0.0,
                0,
                "They needed someone this week",
                "Worked with them for years at my last job",
                now_text,
            )
        )
    _insert(
        "referral",
        (
            "kind",
            "source_id",
            "subject_id",
            "recipient_id",
            "occurred_on",
            "outcome",
            "value",
            "thanks_sent",
            "note",
            "override_reason",
            "created_at",
        ),
        referrals,
    )
    _insert(
        "vetting",
        (
            "contact_id",
            "status",
            "keeps_promises",
            "quality_of_work",
            "shares_principles",
            "references_checked",
            "trusted_for",
            "revet_on",
            "updated_at",
        ),
        vettings,
    )
    _insert(
        "vetting_note",
        (
            "contact_id",
            "noted_on",
            "body",
            "evidence",
            "vouched_by_id",
            "vouched_by_name",
            "created_at",
        ),
        vnotes,
    )
    del referrals, vettings, vnotes

    # Favors both ways, mostly given. Most IOUs are settled by a later favor the other
    # way (as settle_iou records it), a few written off, the rest open on both sides.
    # (kind, text, whether the text names someone), picked by index below.
    given_kinds = [(k, t, "{other}" in t) for k, t in words.FAVORS_GIVEN]
    received_kinds = [(k, t, "{other}" in t) for k, t in words.FAVORS_RECEIVED]
    n_given, n_received = len(given_kinds), len(received_kinds)
    by_days_ago = operator.itemgetter(4)
    favor_cols = (
        "id",
        "contact_id",
        "direction",
        "kind",
        "occurred_on",
        "description",
        "value",
        "beneficiary_id",
        "expectation",
        "acknowledged",
        "settled_by_id",
        "settled_on",
        "written_off_on",
        "created_at",
    )
    for start in range(0, n, CHUNK):
        favors = []
        for i in range(start, min(n, start + CHUNK)):
            cid = first_id + i
            span = min(age_of[i], 540)
            mine = []
            ious = False
            for _ in range(int(rand() * 12)):
                if rand() < 0.72:
                    kind, text, named = given_kinds[int(rand() * n_given)]
                    direction = "given"
                else:
                    kind, text, named = received_kinds[int(rand() * n_received)]
                    direction = "received"
                j = int(rand() * n)
                beneficiary = (
                    first_id + j
                    if direction == "given" and kind == "introduction" and j != i
                    else None
                )
                ago = int(rand() * span)
                value = 1 + int(rand() * 5)
                iou = rand() < 0.2
                ious = ious or iou
                mine.append(
                    [
                        0,
                        cid,
                        direction,
                        kind,
                        ago,
                        text.format(other=name_of[j]) if named else text,
                        value,
                        beneficiary,
                        "iou" if iou else "pay_forward",
                        int(rand() < 0.7),
                        None,
                        None,
                        None,
                        now_text,
                    ]
                )
            mine.sort(key=by_days_ago, reverse=True)  # oldest first, ids in time order
            for row in mine:
                row[0] = favor_id
                favor_id += 1
            used: set[int] = set()
            for k, row in enumerate(mine if ious else ()):
                if row[8] != "iou":
                    continue
                fate = rand()
                if fate < 0.6:
                    by = next(
                        (
                            later
                            for later in mine[k + 1 :]
                            if later[2] != row[2] and later[0] not in used
                        ),
                        None,
                    )
                    if by is not None:
                        used.add(by[0])
                        row[10] = by[0]
                        row[11] = day_text[by[4]]
                elif fate < 0.7:
                    row[12] = day_text[max(0, row[4] - 60)]
            # Newest first: an IOU names the later favor that settled it, which must exist.
            for row in reversed(mine):
                row[4] = day_text[row[4]]
                favors.append(tuple(row))
        _insert("favor", favor_cols, favors)
        done = 2 * n + min(n, start + CHUNK)
        progress(done, total)

    # Conversations, with what was learned, follow-ups and questions asked; the contact's
    # last interaction and stay-in-touch date follow from them as log_conversation sets.
    conv_cols = (
        "id",
        "contact_id",
        "occurred_at",
        "channel",
        "direction",
        "summary",
        "problems",
        "opportunities",
        "strategies",
        "created_at",
    )
    followup_cols = (
        "uid",
        "contact_id",
        "conversation_id",
        "due_on",
        "title",
        "done_at",
        "created_at",
    )
    asked_cols = (
        "question_id",
        "contact_id",
        "conversation_id",
        "asked_on",
        "answer",
    )
    summaries, n_summaries = words.SUMMARIES, len(words.SUMMARIES)
    problems, n_problems = words.PROBLEMS, len(words.PROBLEMS)
    chances, n_chances = words.OPPORTUNITIES, len(words.OPPORTUNITIES)
    strategies, n_strategies = words.STRATEGIES, len(words.STRATEGIES)
    n_dirs, n_channels, n_questions = len(conv_dirs), len(channels), len(question_ids)
    for start in range(0, n, CHUNK):
        convs, follows, asked, touches = [], [], [], []
        for i in range(start, min(n, start + CHUNK)):
            cid = first_id + i
            age = age_of[i]
            span = min(age, 500) - 1
            latest = None
            for _ in range(int(rand() * 10)):
                d = 1 + int(rand() * span)
                h = int(rand() * 9)
                when = when_text[d][h]
                direction = conv_dirs[int(rand() * n_dirs)]
                channel = (
                    "meeting" if direction == "in_person" else channels[int(rand() * n_channels)]
                )
                convs.append(
                    (
                        conv_id,
                        cid,
                        when,
                        channel,
                        direction,
                        summaries[int(rand() * n_summaries)],
                        problems[int(rand() * n_problems)],
                        chances[int(rand() * n_chances)],
                        strategies[int(rand() * n_strategies)],
                        when,
                    )
                )
                if latest is None or when > latest[0]:
                    latest = (when, d, h)
                if n_questions and rand() < 0.4:
                    asked.append(
                        (
                            question_ids[int(rand() * n_questions)],
                            cid,
                            conv_id,
                            when_day[d][h].isoformat(),
                            pick(words.ANSWERS),
                        )
                    )
                if rand() < 0.15:
                    due = int(rand() * 30)
                    follows.append(
                        (
                            f"sample-{seed}-fu-c{conv_id}",
                            cid,
                            conv_id,
                            day_text[d - due] if due <= d else future_text[due - d],
                            pick(words.FOLLOWUP_TITLES),
                            when_text[max(0, d - due)][0] if d - due > 3 else None,
                            when,
                        )
                    )
                conv_id += 1
            if rand() < 0.35:
                follows.append(
                    (
                        f"sample-{seed}-fu-{cid}",
                        cid,
                        None,
                        day_text[int(rand() * 20)]
                        if rand() < 0.4
                        else future_text[int(rand() * 30)],
                        pick(words.FOLLOWUP_TITLES),
                        None,
                        now_text,
                    )
                )
            cadence = cadence_of[i]
            if latest is not None or cadence:
                base = when_day[latest[1]][latest[2]] if latest else when_day[age][0]
                due = (base + dt.timedelta(days=cadence)).isoformat() if cadence else None
                touches.append((latest[0] if latest else None, due, cid))
        _insert("conversation", conv_cols, convs)
        _insert("followup", followup_cols, follows)
        _insert("question_asked", asked_cols, asked)
        db.cursor().executemany(
            "UPDATE contact SET last_interaction_at = ?, touch_due_on = ? WHERE id = ?", touches
        )
        done = 3 * n + min(n, start + CHUNK)
        progress(done, total)

    return ids
