"""The generator behind the sample network, fast enough for 100,000 contacts.

``favorbook demo`` fills 60 contacts for a first look; ``--contacts 100000`` fills a
network the size of a twenty-year career (about ten favors and conversations per
contact, a million in all) for the benchmark, in well under a minute on a laptop.

Speed comes from never building an object per row: rows are plain tuples written
with ``executemany`` in large chunks inside the caller's transaction; every date
and datetime is looked up in a table of preformatted strings instead of being
formatted per row; random picks use ``random()`` directly. Contacts are written
through the contact store (``services.contact_store``), which computes the columns
derived from them (the names, the stay-in-touch date, the search index) and recounts
what the ledger's triggers keep after a load that ran without them.

Deterministic for a seed: the same seed and size give the same network (dates are
relative to ``on``/``now``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import random
from collections.abc import Callable, Iterator

from favorbook.db.models import db
from favorbook.sample import demo_words as words
from favorbook.services import contact_store
from favorbook.services.contact_store import insert_rows
from favorbook.services.dates import local_date

CHUNK = 20_000
"""Contacts per progress step; the rows they bring are written in one executemany."""


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
    contact_store.recount_derived()


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
    insert_rows("organization", ("name", "created_at"), new)
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
        ids = _Sample(n, seed=seed, on=on, now=now, progress=progress).fill()
    # The search index, as the store writes it, a chunk at a time (its queries need the
    # indexes back).
    for start in range(0, n, CHUNK):
        contact_store.reindex(ids[start : start + CHUNK])
        progress(4 * n + min(n, start + CHUNK), 5 * n)
    return ids


class _Clock:
    """Every date and datetime the network uses, formatted once (no formatting per row)."""

    MAX_AGE = 900

    def __init__(self, on: dt.date, now: dt.datetime) -> None:
        days = range(self.MAX_AGE + 1)
        self.now_text = now.isoformat(sep=" ")
        self.day_text = [(on - dt.timedelta(days=d)).isoformat() for d in days]
        """days ago -> the date as stored."""
        self.future_text = [(on + dt.timedelta(days=d)).isoformat() for d in range(400)]
        # (days ago, hours ago) -> the datetime, as stored, and the local day it falls on.
        self.when: list[list[dt.datetime]] = []
        self.when_text: list[list[str]] = []
        self.when_day: list[list[dt.date]] = []
        for d in days:
            moments = [now - dt.timedelta(days=d, hours=h) for h in range(9)]
            self.when.append(moments)
            self.when_text.append([when.isoformat(sep=" ") for when in moments])
            self.when_day.append([local_date(when) for when in moments])


_KINDS = ("customer", "customer", "prospect", "prospect", "partner", "vendor", "peer", "other")
_CADENCES = (14, 30, 30, 60, 90, 90, None)
_STATUSES = ("trusted", "trusted", "in_review", "not_recommended", "unvetted")
_CHANNELS = ("call", "call", "video", "email")
_CONV_DIRS = ("inbound", "outbound", "outbound", "in_person")
_CONTACT_COLS = (
    "id",
    "uid",
    "first_name",
    "last_name",
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
_REFERRAL_COLS = (
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
)
_VETTING_COLS = (
    "contact_id",
    "status",
    "keeps_promises",
    "quality_of_work",
    "shares_principles",
    "references_checked",
    "trusted_for",
    "revet_on",
    "updated_at",
)
_VNOTE_COLS = (
    "contact_id",
    "noted_on",
    "body",
    "evidence",
    "vouched_by_id",
    "vouched_by_name",
    "created_at",
)
_FAVOR_COLS = (
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
_CONV_COLS = (
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
_FOLLOWUP_COLS = (
    "uid",
    "contact_id",
    "conversation_id",
    "due_on",
    "title",
    "done_at",
    "created_at",
)
_ASKED_COLS = ("question_id", "contact_id", "conversation_id", "asked_on", "answer")


class _Sample:
    """The rows of :func:`build`, all but the search index, in four passes over the
    contacts: the people, their referrals and vetting, their favors, their conversations.

    One random stream drives them all, in this order, so a seed gives one network.
    """

    def __init__(
        self,
        n: int,
        *,
        seed: int,
        on: dt.date,
        now: dt.datetime,
        progress: Callable[[int, int], None],
    ) -> None:
        self.n, self.seed, self.progress = n, seed, progress
        self.rng = random.Random(seed)
        self.rand = self.rng.random
        self.clock = _Clock(on, now)
        self.now_text = self.clock.now_text
        self.first_names = [*words.FIRST, *(words.MORE_FIRST if n > 200 else ())]
        self.last_names = [*words.LAST, *(words.MORE_LAST if n > 200 else ())]
        self.industry_names = list(words.INDUSTRIES)
        # Per contact, kept for the later passes.
        self.name_of: list[str] = []
        self.age_of: list[int] = []
        self.industry_of: list[str] = []
        self.cadence_of: list[int | None] = []
        self.trusted: list[int] = []
        self.in_review: list[int] = []
        self.seen_emails: dict[str, int] = {}

    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def fill(self) -> list[int]:
        self._lookups()
        self.progress(0, 5 * self.n)
        self._people()
        self._referrals_and_vetting()
        self._favors()
        self._conversations()
        return self.ids

    def _lookups(self) -> None:
        """Organisations, tags and questions to refer to; the ids the rows will take."""
        orgs = _organizations(self.n, words.INDUSTRIES, self.now_text)
        self.orgs_by_industry: dict[str, list[tuple[int, str]]] = {i: [] for i in words.INDUSTRIES}
        for oid, name, ind in orgs:
            self.orgs_by_industry[ind].append((oid, name))
        tag_ids = {}
        for name in words.TAGS:
            db.execute_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (name,))
            found = db.execute_sql("SELECT id FROM tag WHERE name = ?", (name,)).fetchone()
            tag_ids[name] = found[0]
        self.tag_list = [tag_ids[t] for t in words.TAGS]
        self.question_ids = [r[0] for r in db.execute_sql("SELECT id FROM question ORDER BY id")]

        def next_id(table: str) -> int:
            return (db.execute_sql(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0) + 1

        self.first_id = contact_store.next_contact_id()
        self.ids = list(range(self.first_id, self.first_id + self.n))
        self.favor_id = next_id("favor")
        self.conv_id = next_id("conversation")

    def _chunks(self) -> Iterator[range]:
        for start in range(0, self.n, CHUNK):
            yield range(start, min(self.n, start + CHUNK))

    # --- the people ----------------------------------------------------------------------

    def _people(self) -> None:
        """The contacts, through the contact store, with their emails, phones, addresses,
        tags and notes."""
        for chunk in self._chunks():
            rows: dict[str, list] = {
                k: [] for k in ("contact", "email", "phone", "address", "tag", "note")
            }
            for i in chunk:
                self._person(i, rows)
            contact_store.insert_contacts(
                [dict(zip(_CONTACT_COLS, row, strict=True)) for row in rows["contact"]]
            )
            insert_rows(
                "contact_email", ("contact_id", "label", "value", "position"), rows["email"]
            )
            insert_rows(
                "contact_phone", ("contact_id", "label", "value", "position"), rows["phone"]
            )
            insert_rows(
                "contact_address",
                ("contact_id", "label", "street", "city", "region", "postcode", "country")
                + ("position",),
                rows["address"],
            )
            insert_rows("contact_tag", ("contact_id", "tag_id"), rows["tag"])
            insert_rows("note", ("contact_id", "body", "private", "created_at"), rows["note"])
            self.progress(chunk.stop, 5 * self.n)

    def _person(self, i: int, rows: dict[str, list]) -> None:
        rand, pick = self.rand, self.pick
        cid = self.ids[i]
        first = self.first_names[int(rand() * len(self.first_names))]
        last = self.last_names[int(rand() * len(self.last_names))]
        industry = self.industry_names[int(rand() * len(self.industry_names))]
        _stems, titles, offers, needs = words.INDUSTRIES[industry]
        org_id, company = pick(self.orgs_by_industry[industry])
        age = 30 + int(rand() * (_Clock.MAX_AGE - 30))
        cadence = pick(_CADENCES)
        self.name_of.append(f"{first} {last}")
        self.age_of.append(age)
        self.industry_of.append(industry)
        self.cadence_of.append(cadence)
        created = self.clock.when_text[age][0]
        birthday = (
            f"{1960 + int(rand() * 40)}-{1 + int(rand() * 12):02d}-{1 + int(rand() * 28):02d}"
            if rand() < 0.5
            else None
        )
        title, kind, how_met = pick(titles), pick(_KINDS), pick(words.HOW_MET)
        need = pick(needs) if rand() < 0.6 else ""
        goal = pick(words.STRATEGIES[:3]) if rand() < 0.6 else ""
        uid = f"sample-{self.seed}-{cid}"
        row = (cid, uid, first, last, org_id, title, kind, birthday, how_met, need, goal)
        rows["contact"].append((*row, pick(offers), cadence, 1, created, created))
        self._reach(cid, first, last, company, rows)
        k = int(rand() * 3)
        if k:
            for t in self.rng.sample(self.tag_list, k):
                rows["tag"].append((cid, t))
        if rand() < 0.3:
            rows["note"].append((cid, "Prefers calls before 10am.", 0, created))
        if rand() < 0.15:
            body = "Going through a divorce; do not bring up family."
            rows["note"].append((cid, body, 1, created))

    def _reach(self, cid: int, first: str, last: str, company: str, rows: dict) -> None:
        """A contact's emails (unique in the network), phones and address."""
        rand, pick = self.rand, self.pick
        slug = f"{first}.{last}".lower().replace("'", "")
        domain = company.lower().replace(" & ", "").replace("&", "").replace(" ", "")
        rows["email"].append((cid, "work", self._unique_email(slug, domain + ".example"), 0))
        if rand() < 0.2:
            rows["email"].append((cid, "home", self._unique_email(slug, "mail.example"), 1))
        number = f"+1{pick(words.AREA_CODES)}555{int(rand() * 10000):04d}"
        rows["phone"].append((cid, "mobile", number, 0))
        if rand() < 0.3:
            number = f"+1{pick(words.AREA_CODES)}555{int(rand() * 10000):04d}"
            rows["phone"].append((cid, "work", number, 1))
        if rand() < 0.4:
            city, region, postcode = pick(words.CITIES)
            street = f"{int(rand() * 900) + 100} {pick(words.STREETS)}"
            rows["address"].append((cid, "work", street, city, region, postcode, "USA", 0))

    def _unique_email(self, slug: str, domain: str) -> str:
        email = f"{slug}@{domain}"
        count = self.seen_emails.get(email, 0)
        self.seen_emails[email] = count + 1
        return f"{slug}{count + 1}@{domain}" if count else email

    # --- referrals and vetting -------------------------------------------------------------

    def _referrals_and_vetting(self) -> None:
        """Referral chains: most contacts after the first few were brought by an earlier
        one, so chains run several links deep. Vetting in every state, with notes; the
        rep's recommendations."""
        n, rand = self.n, self.rand
        referrals, vettings, vnotes = [], [], []
        for i in range(n):
            if i >= 3 and rand() < 0.45:
                referrals.append(self._referral(i))
            if rand() < 0.55:
                self._vetting(i, vettings, vnotes)
            if (i + 1) % CHUNK == 0 or i == n - 1:
                self.progress(n + i + 1, 5 * n)
        referrals += self._recommendations()
        insert_rows("referral", _REFERRAL_COLS, referrals)
        insert_rows("vetting", _VETTING_COLS, vettings)
        insert_rows("vetting_note", _VNOTE_COLS, vnotes)

    def _referral(self, i: int) -> tuple:
        rand, ids = self.rand, self.ids
        source = ids[max(0, i - 12) + int(rand() * (i - max(0, i - 12)))]
        outcome = self.pick(("pending", "won", "won", "lost"))
        value = float((5 + int(rand() * 115)) * 1000) if outcome == "won" else 0.0
        on = self.clock.when_day[self.age_of[i]][0].isoformat()
        thanked = int(rand() < 0.6)
        return (
            "inbound",
            source,
            ids[i],
            None,
            on,
            outcome,
            value,
            thanked,
            "",
            None,
            self.now_text,
        )

    def _vetting(self, i: int, vettings: list, vnotes: list) -> None:
        rand, pick, clock = self.rand, self.pick, self.clock
        cid = self.ids[i]
        status = pick(_STATUSES)
        good = status == "trusted"
        if good:
            self.trusted.append(cid)
        elif status == "in_review":
            self.in_review.append(cid)
        offers = words.INDUSTRIES[self.industry_of[i]][2]
        revet = int(rand() * 360) - 60
        checks = (
            int(good or rand() < 0.4),
            int(good or rand() < 0.4),
            int(good or rand() < 0.3),
            int(good and rand() < 0.8),
        )
        trusted_for = pick(offers) if good else ""
        revet_on = clock.future_text[revet] if revet >= 0 else clock.day_text[-revet]
        vettings.append((cid, status, *checks, trusted_for, revet_on, self.now_text))
        noted_on = clock.day_text[10 + int(rand() * 390)]
        body = (
            "Delivered the job on time and under the quote."
            if good
            else "Missed two promised dates on the last job."
        )
        evidence = "Asked the customer directly" if good else ""
        vouched = self.ids[int(rand() * self.n)] if good and self.n > 1 else None
        vnotes.append((cid, noted_on, body, evidence, vouched, "", self.now_text))

    def _recommendations(self) -> list[tuple]:
        """Recommendations the rep made, mostly of trusted people, and one of someone
        still in review, with the override the rep had to give."""
        rand, pick, day_text, ids = self.rand, self.pick, self.clock.day_text, self.ids
        out = []
        for subject in self.trusted[: max(1, self.n // 10)]:
            recipient = pick(ids)
            if recipient != subject:
                on = day_text[5 + int(rand() * 295)]
                outcome = pick(("pending", "won"))
                note = "Recommended for their need"
                row = ("outbound", None, subject, recipient, on, outcome, 0.0, 0, note, None)
                out.append((*row, self.now_text))
        if self.in_review and self.n > 1:
            subject = self.in_review[0]
            recipient = next(i for i in ids if i != subject)
            note, why = "They needed someone this week", "Worked with them for years at my last job"
            row = ("outbound", None, subject, recipient, day_text[12], "pending", 0.0, 0)
            out.append((*row, note, why, self.now_text))
        return out

    # --- favors ------------------------------------------------------------------------------

    def _favors(self) -> None:
        """Favors both ways, mostly given. Most IOUs are settled by a later favor the
        other way (as settle_iou records it), a few written off, the rest open on both
        sides."""
        # (kind, text, whether the text names someone), picked by index.
        self.given_kinds = [(k, t, "{other}" in t) for k, t in words.FAVORS_GIVEN]
        self.received_kinds = [(k, t, "{other}" in t) for k, t in words.FAVORS_RECEIVED]
        for chunk in self._chunks():
            favors: list[tuple] = []
            for i in chunk:
                favors += self._favors_of(i)
            insert_rows("favor", _FAVOR_COLS, favors)
            self.progress(2 * self.n + chunk.stop, 5 * self.n)

    def _favors_of(self, i: int) -> list[tuple]:
        rand = self.rand
        cid = self.first_id + i
        span = min(self.age_of[i], 540)
        mine = []
        ious = False
        for _ in range(int(rand() * 12)):
            if rand() < 0.72:
                kind, text, named = self.given_kinds[int(rand() * len(self.given_kinds))]
                direction = "given"
            else:
                kind, text, named = self.received_kinds[int(rand() * len(self.received_kinds))]
                direction = "received"
            j = int(rand() * self.n)
            introduced = direction == "given" and kind == "introduction" and j != i
            beneficiary = self.first_id + j if introduced else None
            ago = int(rand() * span)
            value = 1 + int(rand() * 5)
            iou = rand() < 0.2
            ious = ious or iou
            text = text.format(other=self.name_of[j]) if named else text
            expectation = "iou" if iou else "pay_forward"
            row = [0, cid, direction, kind, ago, text, value, beneficiary, expectation]
            mine.append([*row, int(rand() < 0.7), None, None, None, self.now_text])
        mine.sort(key=operator.itemgetter(4), reverse=True)  # oldest first, ids in time order
        for row in mine:
            row[0] = self.favor_id
            self.favor_id += 1
        if ious:
            self._settle(mine)
        # Newest first: an IOU names the later favor that settled it, which must exist.
        out = []
        for row in reversed(mine):
            row[4] = self.clock.day_text[row[4]]
            out.append(tuple(row))
        return out

    def _settle(self, mine: list[list]) -> None:
        """Settle most of one contact's IOUs by a later favor the other way; write a few off."""
        used: set[int] = set()
        day_text = self.clock.day_text
        for k, row in enumerate(mine):
            if row[8] != "iou":
                continue
            fate = self.rand()
            if fate < 0.6:
                later = (x for x in mine[k + 1 :] if x[2] != row[2] and x[0] not in used)
                by = next(later, None)
                if by is not None:
                    used.add(by[0])
                    row[10] = by[0]
                    row[11] = day_text[by[4]]
            elif fate < 0.7:
                row[12] = day_text[max(0, row[4] - 60)]

    # --- conversations -------------------------------------------------------------------------

    def _conversations(self) -> None:
        """Conversations, with what was learned, follow-ups and questions asked; the
        contact's last interaction and stay-in-touch date follow from them (the store's
        ``touch_due``), as log_conversation sets them."""
        for chunk in self._chunks():
            rows: dict[str, list] = {k: [] for k in ("conv", "follow", "asked", "touch")}
            for i in chunk:
                self._talks(i, rows)
            insert_rows("conversation", _CONV_COLS, rows["conv"])
            insert_rows("followup", _FOLLOWUP_COLS, rows["follow"])
            insert_rows("question_asked", _ASKED_COLS, rows["asked"])
            contact_store.set_interactions(rows["touch"])
            self.progress(3 * self.n + chunk.stop, 5 * self.n)

    def _talks(self, i: int, rows: dict[str, list]) -> None:
        rand, clock = self.rand, self.clock
        cid = self.first_id + i
        age = self.age_of[i]
        span = min(age, 500) - 1
        latest = None
        for _ in range(int(rand() * 10)):
            d = 1 + int(rand() * span)
            h = int(rand() * 9)
            when = clock.when_text[d][h]
            self._talk(cid, d, h, rows)
            if latest is None or when > latest[0]:
                latest = (when, d, h)
        if rand() < 0.35:
            due = (
                clock.day_text[int(rand() * 20)]
                if rand() < 0.4
                else clock.future_text[int(rand() * 30)]
            )
            title = self.pick(words.FOLLOWUP_TITLES)
            rows["follow"].append(
                (f"sample-{self.seed}-fu-{cid}", cid, None, due, title, None, self.now_text)
            )
        cadence = self.cadence_of[i]
        if latest is not None or cadence:
            last = clock.when[latest[1]][latest[2]] if latest else None
            due = contact_store.touch_due(last, clock.when[age][0], cadence)
            rows["touch"].append((latest[0] if latest else None, due and due.isoformat(), cid))

    def _talk(self, cid: int, d: int, h: int, rows: dict[str, list]) -> None:
        """One conversation d days and h hours ago, what was asked in it, its follow-up."""
        rand, pick, clock = self.rand, self.pick, self.clock
        conv_id = self.conv_id
        self.conv_id += 1
        when = clock.when_text[d][h]
        direction = pick(_CONV_DIRS)
        channel = "meeting" if direction == "in_person" else pick(_CHANNELS)
        summary = pick(words.SUMMARIES)
        learned = (pick(words.PROBLEMS), pick(words.OPPORTUNITIES), pick(words.STRATEGIES))
        rows["conv"].append((conv_id, cid, when, channel, direction, summary, *learned, when))
        if self.question_ids and rand() < 0.4:
            question = self.question_ids[int(rand() * len(self.question_ids))]
            asked_on = clock.when_day[d][h].isoformat()
            rows["asked"].append((question, cid, conv_id, asked_on, pick(words.ANSWERS)))
        if rand() < 0.15:
            due = int(rand() * 30)
            due_on = clock.day_text[d - due] if due <= d else clock.future_text[due - d]
            title = pick(words.FOLLOWUP_TITLES)
            done = clock.when_text[max(0, d - due)][0] if d - due > 3 else None
            uid = f"sample-{self.seed}-fu-c{conv_id}"
            rows["follow"].append((uid, cid, conv_id, due_on, title, done, when))
