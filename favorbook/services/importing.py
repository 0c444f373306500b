"""Importing contacts: plan (new / matched / conflicting), apply in one transaction.

    parsed = importer.read_file(path)   # formats: vCard or CSV; NotAContactFile otherwise
    plan = plan_import(parsed)          # what would happen, record by record
    report = apply_import(plan)         # all of it or nothing

Matching a record to a contact already in favorbook, in this order: the same UID
(a favorbook export read back), the same email (case-insensitive), the same
phone in E.164, then a fuzzy name (rapidfuzz token_sort_ratio >= 92). A name
alone never merges two people whose emails or phones say they are different:
when both have an email (or both a phone) and none is shared, the record is a
*possible duplicate* of that contact, for the user to decide in the preview
(added as new unless told to update). So is a record that shares only a phone
number with a contact of another name and another email (a switchboard, a
family phone, a number given out again). A matched record whose name,
organisation, title or birthday differs from the contact is *conflicting*.

By default new records and possible duplicates are added, matched ones update
their contact (empty fields filled, new emails/phones/links/addresses/tags/notes
added, nothing erased) and conflicting ones are skipped; ``choices`` overrides
that per record.

Contacts are written through the contact store's bulk writer (``contact_store.ContactWriter``).
rapidfuzz is imported inside the functions to keep start-up fast.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from favorbook.errors import FavorbookError, ValidationError
from favorbook.services import contacts, search_index
from favorbook.services._common import visible, without_gc_pauses
from favorbook.services.contact_store import (
    Address,
    ContactInput,
    ContactWriter,
    Labeled,
    names_mark_moved_once,
    shown_name,
    sync_marks_set_aside_while_unsynced,
    vault_inserts_uncaptured_while_off,
)

# --- what a reader yields ------------------------------------------------------------------

PROGRESS_EVERY = 200
"""Readers and the planner call ``progress(done, total)`` every this many records."""


@dataclass
class ParsedRecord:
    position: str
    """Where the record was in its file, for the report: "card 3", "line 14"."""
    contact: ContactInput | None = None
    """The contact read from the record; None when it was skipped."""
    problem: str = ""
    """Why the record was skipped (empty when it was read)."""
    photo: bytes | None = None
    """Raw image bytes (JPEG/PNG) when the record carried a photo."""
    note: str = ""
    """Free text from the record (vCard NOTE, CSV Notes) to keep as a note."""
    extra: dict[str, str] = field(default_factory=dict)
    """Format-specific leftovers an importer may keep (for example unknown vCard lines)."""
    uid: str = ""
    """The record's own identifier (vCard UID), matched against favorbook's contact uids;
    a new contact keeps it as its uid when no other contact has it."""
    warnings: list[str] = field(default_factory=list)
    """What the reader changed or left out on the way (a value moved to the note, a skipped
    line, a photo too big), for the report."""


@dataclass
class ParsedFile:
    path: str
    format: str
    """"vcard", "csv-google", "csv-outlook", "csv-linkedin", "csv" ..."""
    records: list[ParsedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the report says about the whole file (its text encoding was a weak guess,
    columns kept in the note or left out...)."""


NEW, MATCHED, CONFLICTING, UNREADABLE = "new", "matched", "conflicting", "unreadable"
POSSIBLE = "possible duplicate"
"""A similar name, but emails or phones that differ: asked, never merged on its own."""
ADD, UPDATE, SKIP = "add", "update", "skip"
FUZZY_CUTOFF = 92
_COMPARED = ("first_name", "last_name", "organization", "title", "birthday")


class ImportCancelled(FavorbookError):
    """Raised by a progress callback to stop an import; nothing of it is kept."""


# --- planning -----------------------------------------------------------------------------


@dataclass
class PlanItem:
    index: int
    record: ParsedRecord
    status: str
    """new, matched, conflicting, possible duplicate, or unreadable."""
    contact: ContactInput | None = None
    """The record's contact, checked and normalised as favorbook stores it."""
    candidate_id: int | None = None
    candidate_name: str = ""
    matched_by: str = ""
    """uid, email, phone or name (a possible duplicate: name or phone)."""
    differences: list[str] = field(default_factory=list)
    """Fields whose value differs from the candidate's (for conflicting records)."""
    reason: str = ""
    """Why an unreadable record cannot be imported."""
    warnings: list[str] = field(default_factory=list)
    """Values left out of the record (an email or phone that is not one)."""
    same_as: int | None = None
    """Index of an earlier record of the same file this one duplicates (same uid, email
    or phone); then candidate_id is None and updating merges into that record's contact."""
    same_as_position: str = ""
    """Where that earlier record is in the file ("card 3")."""

    @property
    def position(self) -> str:
        return self.record.position

    @property
    def default_choice(self) -> str:
        return {NEW: ADD, MATCHED: UPDATE, POSSIBLE: ADD}.get(self.status, SKIP)


@dataclass
class ImportPlan:
    parsed: ParsedFile
    items: list[PlanItem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((NEW, MATCHED, CONFLICTING, POSSIBLE, UNREADABLE), 0)
        for item in self.items:
            out[item.status] += 1
        return out


_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")


class _EmailChecker:
    """email_validator's verdict, with its domain checks (IDNA, special-use names, ...)
    made once per domain: a plain ASCII local part needs no more than the dot-atom rule,
    so 10,000 addresses at a few hundred domains cost a few hundred full checks."""

    def __init__(self) -> None:
        from email_validator import EmailNotValidError, validate_email

        self.domains: dict[str, str | None] = {}
        self.error = EmailNotValidError
        """What ``normalized`` raises for what is no address."""
        self._validate = validate_email  # imported once, not once an address

    def normalized(self, value: str) -> str:
        """The address as email_validator normalises it; EmailNotValidError if it is none."""
        validate_email = self._validate
        local, at, domain = value.rpartition("@")
        if not (at and len(local) <= 64 and len(value) <= 254 and _DOT_ATOM.match(local)):
            return validate_email(value, check_deliverability=False).normalized
        if domain not in self.domains:
            try:
                checked = validate_email("a@" + domain, check_deliverability=False)
                self.domains[domain] = checked.normalized.rpartition("@")[2]
            except Exception:  # noqa: BLE001 - the full check below says why
                self.domains[domain] = None
        if self.domains[domain] is None:
            return validate_email(value, check_deliverability=False).normalized
        return f"{local}@{self.domains[domain]}"


def _checked(
    record: ParsedRecord, region: str, emails_checker: _EmailChecker | None = None
) -> tuple[ContactInput | None, list[str], str]:
    """(normalised contact, warnings, reason it cannot be imported)."""
    checker = emails_checker or _EmailChecker()

    data = record.contact
    if data is None:
        problem = record.problem or "cannot be read"
        if not problem.startswith(f"{record.position}:"):  # CSV rows say what, not where
            problem = f"{record.position}: {problem}"
        return None, [], problem
    warnings: list[str] = []
    unread: list[str] = []
    emails, phones = [], []
    for item in data.emails:
        try:
            # As contacts.validated cleans them (invisible characters out), then checked.
            value = checker.normalized(visible(item.value).strip())
            emails.append(Labeled(value, visible(item.label).strip()[:50]))
        except checker.error:
            unread.append(f"{item.label or 'email'}: {item.value}")
            warnings.append(
                f"{record.position}: “{item.value}” is not an email address; kept in the note"
            )
    for item in data.phones:
        try:
            value, remark = contacts.phone_value(item.value, region)
            phones.append(Labeled(value, visible(item.label).strip()[:50]))
            if remark:
                warnings.append(f"{record.position}: {remark}")
        except ValidationError:
            unread.append(f"{item.label or 'phone'}: {item.value}")
            warnings.append(
                f"{record.position}: “{item.value}” is not a phone number "
                "(no country code?); kept in the note"
            )
    if unread:
        # Never lose what the file held: values favorbook cannot store go into the note.
        kept = "Not imported as written:\n" + "\n".join(unread)
        if kept not in record.note:  # planning the same file twice adds it once
            record.note = "\n\n".join(filter(None, [record.note, kept]))
    # Emails and phones are checked above, the birthday below; the rest as create_contact
    # checks it (one ContactInput made for it, not one per step).
    # (A copy of its fields: a ContactInput has no more than them, set as given.)
    rest = object.__new__(ContactInput)
    rest.__dict__.update(data.__dict__)
    rest.__dict__.update(
        emails=[],
        phones=[],
        birthday=None,
        referred_by_id=None,
        kind=data.kind if data.kind in contacts.KINDS else "other",
        links=[Labeled(k.value, k.label[:50]) for k in data.links],
        addresses=[Address(**{**a.__dict__, "label": a.label[:50]}) for a in data.addresses],
    )
    try:
        checked = contacts.validated(rest)
    except ValidationError as exc:
        return None, warnings, f"{record.position}: {exc.message} ({exc.field})"
    try:
        checked.birthday = contacts.validate_birthday(data.birthday)
    except ValidationError:
        warnings.append(f"{record.position}: birthday “{data.birthday}” is not a date; left out")
    checked.emails, checked.phones = emails, phones
    return checked, warnings, ""


class _NameIndex:
    """The names to match a record's name against (rapidfuzz token_sort_ratio >=
    FUZZY_CUTOFF), asked only of the names that can reach the cutoff.

    Two names that close differ by at most ``d`` inserted or deleted characters, ``d``
    small (2 or 3 for most names). Cut the record's name into ``d + 1`` pieces: at least
    one of them comes through intact, so it is in every name close enough. Each piece's
    rarest three-letter sequence names the candidates; the score is then worked out for
    those alone: the same matches as scoring all 100,000 names, a thousand times faster.
    """

    Q = 3

    def __init__(self, names: list[str]) -> None:
        from rapidfuzz import utils  # lazily: start-up speed

        # Each different name once (many people share a name), in order of first use;
        # a name written the same way as an earlier one is not processed again.
        process = utils.default_process
        first: dict[str, int] = {}
        slot_of: dict[str, int] = {}
        for name in dict.fromkeys(names):
            key = " ".join(sorted(process(name).split()))
            slot_of[name] = first.setdefault(key, len(first))
        self.members: list[list[int]] = [[] for _ in first]
        members = self.members
        for i, slot in enumerate(map(slot_of.__getitem__, names)):
            members[slot].append(i)
        self.keys = list(first)
        self.slot = first
        """Each key's index in ``keys``."""
        grams: defaultdict[str, list[int]] = defaultdict(list)
        q = self.Q
        for k, key in enumerate(self.keys):
            for gram in {key[j : j + q] for j in range(len(key) - q + 1)}:
                grams[gram].append(k)
        self.grams = dict(grams)

    @staticmethod
    def _key(processed: str) -> str:
        return " ".join(sorted(processed.split()))

    def _candidates(self, key: str) -> list[int] | None:
        """Indexes of the names that may reach the cutoff; None when all of them may."""
        m = len(key)
        cut = 1 - FUZZY_CUTOFF / 100
        longest = int(m * (1 + cut) / (1 - cut)) + 1
        pieces = int(cut * (m + longest) + 1e-9) + 1  # one more than the edits allowed
        size = m // pieces
        if size < self.Q:
            return None
        found: set[int] = set()
        for p in range(pieces):
            piece = key[p * size : m if p == pieces - 1 else (p + 1) * size]
            lists = [
                self.grams.get(piece[j : j + self.Q], ()) for j in range(len(piece) - self.Q + 1)
            ]
            found.update(min(lists, key=len))
        return sorted(found)

    def close_to(self, name: str) -> list[int]:
        """Indexes (in ``names``) of the up to 5 best names at or above the cutoff."""
        from rapidfuzz import fuzz, process, utils

        key = self._key(utils.default_process(name))
        same = self.members[self.slot[key]] if key in self.slot else ()
        if len(same) >= 5:
            # Five people with this very name score 100, every other name less: they are
            # the best five, in list order, whatever else is close.
            return same[:5]
        candidates = self._candidates(key)
        if candidates is None:
            choices, where = self.keys, None
        elif not candidates:
            return []
        else:
            choices, where = [*map(self.keys.__getitem__, candidates)], candidates
        # The keys are processed names with their words sorted and one space between:
        # token_sort_ratio of two keys is their plain ratio, without sorting them again.
        hits = process.extract(
            key,
            choices,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=FUZZY_CUTOFF,
            limit=5,
        )
        # Back from names to people, best first and in list order among equals: what
        # scoring every person's name would have given. Each name's people are in list
        # order already, so the best five are among the first five of each.
        people = sorted(
            (-score, i)
            for _choice, score, k in hits
            for i in self.members[k if where is None else where[k]][:5]
        )
        return [i for _score, i in people[:5]]


_indexed = None


def names_indexed() -> tuple[list[int], list[str], _NameIndex]:
    """Every contact's id and name, and the index of their names, kept until a name
    changes (``listcache.Kept`` with the ``names`` mark), for every thread: the Meetings
    page matched a handful of attendees on every show by indexing 100,000 names again
    (0.4 s), and its worker thread, on a connection of its own each time, did so on every
    read."""
    from favorbook.db.models import db
    from favorbook.services import listcache

    global _indexed
    if _indexed is None:
        _indexed = listcache.Kept(1, mark="names")

    def build() -> tuple[list[int], list[str], _NameIndex]:
        rows = db.execute_sql("SELECT id, display_name FROM contact").fetchall()
        names = [name for _cid, name in rows]
        return [cid for cid, _name in rows], names, _NameIndex(names)

    return _indexed.cached(("names",), build)


# Who has these phones, these emails (any case), read from their index alone (schema 14:
# the contact is in it), in the order they were stored.
PHONES_SQL = "SELECT rowid, contact_id, value FROM contact_phone WHERE value IN ({marks})"
EMAILS_SQL = (
    "SELECT rowid, contact_id, value FROM contact_email WHERE value COLLATE NOCASE IN ({marks})"
)


class ExistingContacts:
    """What is already in favorbook, to match records against: looked up by index for the
    uids, emails and phones of a batch of records (``look_up``: a few queries per 500,
    never one per record), and every name once a record has to be matched by its name.

    Plain SQL and plain rows: at 100,000 contacts peewee's row objects cost seconds.
    """

    BATCH = 500

    def __init__(self) -> None:
        self.by_uid: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.rows: dict[int, dict] = {}
        self.looked_up: set[str] = set()  # "uid:…", "email:…", "phone:…" asked already
        self.non_ascii_emails: dict[str, list[tuple]] | None = None
        """The stored addresses with letters beyond ASCII, by their lower case."""
        self.name_ids: list[int] = []
        self.names: list[str] = []
        self.names_loaded = False
        self.with_email: set[int] = set()  # whether, not which: a name match needs no more
        self.with_phone: set[int] = set()
        self.flagged: set[int] = set()  # contacts whose with_email/with_phone are known
        self.fuzzy: _NameIndex | None = None
        self.close: dict[str, list[int]] = {}
        self.exact: dict[int, tuple[ContactInput, tuple[int, str, bool] | None]] = {}
        """What ``_exact`` said of each record of the batch being prepared (by ``id`` of
        its contact): worked out once in ``prepare_names``, used by ``match``."""

    # --- reading ----------------------------------------------------------------------------

    def look_up(self, uids: list[str], emails: list[str], phones: list[str]) -> None:
        """Find the contacts with any of these uids, emails (any case) or phones, and read
        the rows of the first with each (the one a record is matched to by it): one query
        per BATCH keys of each kind, one per BATCH contacts found."""
        from favorbook.db.models import db

        wanted = {
            "uid": [u for u in dict.fromkeys(uids) if u and f"uid:{u}" not in self.looked_up],
            "email": [e for e in dict.fromkeys(emails) if f"email:{e}" not in self.looked_up],
            "phone": [p for p in dict.fromkeys(phones) if f"phone:{p}" not in self.looked_up],
        }
        for kind, keys in wanted.items():
            self.looked_up.update(f"{kind}:{k}" for k in keys)
        found: list[int] = []
        for chunk in _chunks(wanted["uid"], self.BATCH):
            marks = ",".join("?" * len(chunk))
            for uid, cid in db.execute_sql(
                f"SELECT uid, id FROM contact WHERE uid IN ({marks})", chunk
            ):
                self.by_uid[uid] = cid
                found.append(cid)
        found += self._by_email(wanted["email"])
        # The first contact (in the order the numbers were stored) with each number.
        hits = []
        for chunk in _chunks(wanted["phone"], self.BATCH):
            marks = ",".join("?" * len(chunk))
            hits += db.execute_sql(PHONES_SQL.format(marks=marks), chunk).fetchall()
        for _rowid, cid, value in sorted(hits):
            if value not in self.by_phone:  # the others with the number are not asked about
                self.by_phone[value] = cid
                found.append(cid)
        self.load_rows(found)

    def _by_email(self, emails: list[str]) -> list[int]:
        """Fill by_email for these lowercased addresses: the first contact (in the order
        the addresses were stored) with each, whatever its case. SQLite's NOCASE index
        folds ASCII only: addresses with other letters are compared here, in Python."""
        from favorbook.db.models import db

        hits = []
        for chunk in _chunks([e for e in emails if e.isascii()], self.BATCH):
            marks = ",".join("?" * len(chunk))
            hits += db.execute_sql(EMAILS_SQL.format(marks=marks), chunk).fetchall()
        others = {e for e in emails if not e.isascii()}
        if others:
            if self.non_ascii_emails is None:  # read once, kept for the later batches
                self.non_ascii_emails = {}
                # More bytes than characters: a letter beyond ASCII (5x faster than GLOB
                # '*[^\x01-\x7f]*'; a NUL, which no address has, ends length() too).
                for row in db.execute_sql(
                    "SELECT rowid, contact_id, value FROM contact_email"
                    " WHERE length(value) != length(CAST(value AS BLOB))"
                ):
                    self.non_ascii_emails.setdefault(row[2].lower(), []).append(row)
            for email in others:
                hits += self.non_ascii_emails.get(email, ())
        wanted = set(emails)
        found = []
        for _rowid, cid, value in sorted(hits):
            key = value.lower()
            if key in wanted and key not in self.by_email:
                self.by_email[key] = cid
                found.append(cid)
        return found

    def load_rows(self, ids) -> None:
        """Read the rows (names, organisation, title, birthday; whether they have an
        email, a phone) of the contacts among ``ids`` not read yet. Whether they have an
        email or a phone is asked only of those a name match did not ask it of already
        (most of the rows read: a possible duplicate's)."""
        missing = [cid for cid in dict.fromkeys(ids) if cid not in self.rows]
        flagged = self.flagged
        self._read_rows([cid for cid in missing if cid in flagged], flags=False)
        self._read_rows([cid for cid in missing if cid not in flagged], flags=True)

    def _read_rows(self, ids: list[int], *, flags: bool) -> None:
        from favorbook.db.models import db

        columns = ("id", "uid", "display_name", "first_name", "last_name", "title", "birthday")
        asked = (
            ", EXISTS (SELECT 1 FROM contact_email e WHERE e.contact_id = c.id),"
            " EXISTS (SELECT 1 FROM contact_phone p WHERE p.contact_id = c.id)"
            if flags
            else ""
        )
        for chunk in _chunks(ids, self.BATCH):
            marks = ",".join("?" * len(chunk))
            query = db.execute_sql(
                "SELECT c.id, c.uid, c.display_name, c.first_name, c.last_name, c.title,"
                f" c.birthday, o.name{asked}"
                " FROM contact c LEFT JOIN organization o ON c.organization_id = o.id"
                f" WHERE c.id IN ({marks})",
                chunk,
            )
            if not flags:
                for *values, organization in query:
                    row = dict(zip(columns, values, strict=True))
                    row["organization"] = organization or ""
                    self.rows[row["id"]] = row
                continue
            for *values, organization, has_email, has_phone in query:
                row = dict(zip(columns, values, strict=True))
                row["organization"] = organization or ""
                self.rows[row["id"]] = row
                self.flagged.add(row["id"])
                if has_email:
                    self.with_email.add(row["id"])
                if has_phone:
                    self.with_phone.add(row["id"])

    def load_flags(self, ids) -> None:
        """Learn whether the contacts among ``ids`` have an email, a phone (all a name
        match asks of the contacts it finds), without reading their rows."""
        from favorbook.db.models import db

        missing = [cid for cid in dict.fromkeys(ids) if cid not in self.flagged]
        for chunk in _chunks(missing, self.BATCH):
            marks = ",".join("?" * len(chunk))
            for cid, has_email, has_phone in db.execute_sql(
                "SELECT c.id,"
                " EXISTS (SELECT 1 FROM contact_email e WHERE e.contact_id = c.id),"
                " EXISTS (SELECT 1 FROM contact_phone p WHERE p.contact_id = c.id)"
                f" FROM contact c WHERE c.id IN ({marks})",
                chunk,
            ):
                self.flagged.add(cid)
                if has_email:
                    self.with_email.add(cid)
                if has_phone:
                    self.with_phone.add(cid)

    def _load_names(self) -> None:
        """Every contact's name and their index, for the fuzzy match (``names_indexed``)."""
        self.names_loaded = True
        self.name_ids, self.names, self.fuzzy = names_indexed()

    # --- matching ---------------------------------------------------------------------------

    def match(self, data: ContactInput, uid: str) -> tuple[int | None, str, bool]:
        """(contact id, how it matched, whether it is only a possible duplicate)."""
        known = self.exact.pop(id(data), None)
        found = known[1] if known is not None and known[0] is data else self._exact(data, uid)
        if found is not None:
            return found
        return self._by_name(_name(data), bool(data.emails), bool(data.phones))

    def _exact(self, data: ContactInput, uid: str) -> tuple[int, str, bool] | None:
        """The contact with the record's uid, an email or a phone of it; None if none."""
        emails = [e.value.lower() for e in data.emails]
        phones = [p.value for p in data.phones]
        keys = [f"uid:{uid}"] if uid else []
        keys += [f"email:{e}" for e in emails] + [f"phone:{p}" for p in phones]
        if any(k not in self.looked_up for k in keys):
            self.look_up([uid], emails, phones)
        if uid and uid in self.by_uid:
            return self.by_uid[uid], "uid", False
        for email in emails:
            if email in self.by_email:
                return self.by_email[email], "email", False
        for phone in phones:
            if phone in self.by_phone:
                cid = self.by_phone[phone]
                # A shared line (a switchboard, a family phone, a number given out again)
                # under another name and another email is two people: asked, not merged.
                if emails and cid in self.with_email and not self._similar(_name(data), cid):
                    return cid, "phone", True
                return cid, "phone", False
        return None

    def prepare_names(self, records: list[tuple[ContactInput, str]]) -> None:
        """For the records of a batch that no uid, email or phone of theirs matches: the
        names close to theirs, found now, and whether the contacts of those names have an
        email or a phone learnt together (not their rows: only the one a record matches is
        read, with the others of its batch), so matching asks nothing more."""
        self.exact = {id(d): (d, self._exact(d, uid)) for d, uid in records}
        names = [_name(d) for d, _found in self.exact.values() if _found is None and _name(d)]
        if not names:
            return
        found = []
        for name in dict.fromkeys(names):
            found += [self.name_ids[i] for i in self._close_to(name)]
        self.load_flags(found)

    def _close_to(self, name: str) -> list[int]:
        """Indexes (in ``names``) of the up to 5 best names close to ``name``, once each."""
        if name not in self.close:
            if not self.names_loaded:
                self._load_names()
            self.close[name] = self.fuzzy.close_to(name) if self.names else []
        return self.close[name]

    def _by_name(self, name: str, mine: bool, my_phones: bool) -> tuple[int | None, str, bool]:
        """The contact whose name is close to ``name`` (no email or phone was shared)."""
        if not name:
            return None, "", False
        hits = [self.name_ids[i] for i in self._close_to(name)]
        self.load_flags(hits)  # learnt already when the batch was prepared
        possible = None
        for cid in hits:
            # If both sides have an email, or both a phone, they say two people: a name
            # alone cannot merge them, not even with the same organisation (two Bruno
            # Guptas at one company).
            if (mine and cid in self.with_email) or (my_phones and cid in self.with_phone):
                possible = cid if possible is None else possible
                continue
            return cid, "name", False
        if possible is not None:
            return possible, "name", True
        return None, "", False

    def _similar(self, name: str, cid: int) -> bool:
        from rapidfuzz import fuzz, utils

        theirs = self.rows[cid]["display_name"]
        score = fuzz.token_sort_ratio(name, theirs, processor=utils.default_process)
        return bool(name) and score >= FUZZY_CUTOFF

    def differences(self, cid: int, data: ContactInput) -> list[str]:
        if cid not in self.rows:
            self.load_rows([cid])
        return _differences(data, self.rows[cid])


def _name(data: ContactInput) -> str:
    return " ".join(p for p in (data.first_name, data.last_name) if p)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _differences(data: ContactInput, theirs: dict) -> list[str]:
    out = []
    for name in _COMPARED:
        mine, other = getattr(data, name) or "", theirs[name] or ""
        if mine and other and str(mine).casefold() != str(other).casefold():
            out.append(name)
    return out


class _Seen:
    """The records of the file planned so far, by uid, email and phone: a later record
    with the same key is the same person (a contact saved twice in a phone)."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, int]] = {}
        """"uid:…", "email:…", "phone:…" -> ("file", index of the first record) or
        ("db", id of the contact that record matched)."""

    @staticmethod
    def _keys(data: ContactInput, uid: str) -> list[tuple[str, str]]:
        out = [("uid", f"uid:{uid}")] if uid else []
        out += [("email", f"email:{e.value.lower()}") for e in data.emails]
        out += [("phone", f"phone:{p.value}") for p in data.phones]
        return out

    def match(self, data: ContactInput, uid: str) -> tuple[tuple[str, int] | None, str]:
        for how, key in self._keys(data, uid):
            if key in self.keys:
                return self.keys[key], how
        return None, ""

    def remember(self, data: ContactInput, uid: str, target: tuple[str, int]) -> None:
        for _how, key in self._keys(data, uid):
            self.keys.setdefault(key, target)


def _classify(plan: ImportPlan, existing: ExistingContacts, seen: _Seen, item: PlanItem) -> None:
    """Match ``item`` against the contacts and the earlier records of its file; which of
    its fields differ from the contact's is left to ``_compared``."""
    data, uid, index = item.contact, item.record.uid, item.index
    cid, how, possible = existing.match(data, uid)
    earlier, earlier_how = seen.match(data, uid)
    if cid is not None and how != "name" and not possible:
        earlier = None  # the same uid, email or phone as a contact: that contact
    elif earlier is not None:  # an exact key of this file counts more than a name
        cid, how = None, ""
        if earlier[0] == "db":
            cid, how, earlier, possible = earlier[1], earlier_how, None, False
    if cid is not None:
        # A possible duplicate is asked in the preview; added as new unless the user
        # says they are one.
        item.candidate_id, item.matched_by = cid, how
        item.status = POSSIBLE if possible else MATCHED
        seen.remember(data, uid, ("file", index) if possible else ("db", cid))
    elif earlier is not None:
        first = plan.items[earlier[1]]
        item.same_as, item.same_as_position = first.index, first.position
        item.matched_by = earlier_how
        item.candidate_name = shown_name(first.contact)
        item.differences = _differences(data, first.contact.__dict__)
        item.status = CONFLICTING if item.differences else MATCHED
        seen.remember(data, uid, ("file", first.index))
    else:
        seen.remember(data, uid, ("file", index))


def _compared(items: list[PlanItem], existing: ExistingContacts) -> None:
    """The name and differing fields of the contact each item matched, read together."""
    matched = [i for i in items if i.candidate_id is not None]
    existing.load_rows([i.candidate_id for i in matched])
    for item in matched:
        item.candidate_name = existing.rows[item.candidate_id]["display_name"]
        item.differences = existing.differences(item.candidate_id, item.contact)
        if item.status == MATCHED and item.differences:
            item.status = CONFLICTING


@without_gc_pauses
def plan_import(
    parsed: ParsedFile, *, progress: Callable[[int, int], None] | None = None
) -> ImportPlan:
    """Classify every record of ``parsed`` against the contacts already in favorbook
    and against the earlier records of the same file.

    A record with the uid, an email or a phone of an earlier *new* record of the file is
    matched (or conflicting) with ``same_as`` naming that record: updating merges it into
    the contact added for the earlier one. One sharing a key with an earlier record that
    matched a contact is matched to that contact. ``progress(done, total)`` is called
    every 200 records and once at the end; raising from it (ImportCancelled) stops the
    planning. Planning writes nothing.

    Records are planned ExistingContacts.BATCH at a time: checked, their uids, emails and
    phones looked up together, matched in file order, then the contacts they matched
    read together (a few queries a batch, none per record).
    """
    from favorbook.services import settings

    plan = ImportPlan(parsed)
    existing = ExistingContacts()
    seen = _Seen()
    region = settings.phone_region()
    emails = _EmailChecker()
    total = len(parsed.records)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, ExistingContacts.BATCH):
        batch = parsed.records[start : start + ExistingContacts.BATCH]
        checked = [_checked(record, region, emails) for record in batch]
        existing.look_up(
            [record.uid for record in batch],
            [e.value.lower() for data, _w, _r in checked if data for e in data.emails],
            [p.value for data, _w, _r in checked if data for p in data.phones],
        )
        existing.prepare_names(
            [(d, r.uid) for r, (d, _w, _r) in zip(batch, checked, strict=True) if d]
        )
        for index, record, (data, warnings, reason) in zip(
            range(start, start + len(batch)), batch, checked, strict=True
        ):
            if progress is not None and index and index % PROGRESS_EVERY == 0:
                progress(index, total)
            warnings = [*record.warnings, *warnings]  # what the reader did, then the checks
            if data is None:
                item = PlanItem(index, record, UNREADABLE, reason=reason, warnings=warnings)
            else:
                item = PlanItem(index, record, NEW, data, warnings=warnings)
                _classify(plan, existing, seen, item)
            plan.items.append(item)
        _compared(plan.items[start:], existing)
        time.sleep(0)  # a batch planned: let the window's thread run
    if progress is not None:
        progress(total, total)
    return plan


# --- applying -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    path: str
    format: str
    added: list[dict] = field(default_factory=list)
    """{"position", "contact_id", "name"} of each contact added."""
    updated: list[dict] = field(default_factory=list)
    """{"position", "contact_id", "name"} of each contact updated."""
    skipped: list[dict] = field(default_factory=list)
    """{"position", "reason"} of each record not imported."""
    warnings: list[dict] = field(default_factory=list)
    """{"position", "message"}: values left out of records that were imported."""
    merged: list[dict] = field(default_factory=list)
    """{"position", "contact_id", "name", "same_as"} of each record merged into the contact
    added for an earlier record of the same file ("same_as" is that record's position)."""

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "format": self.format,
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "merged": self.merged,
        }


@without_gc_pauses
def _to_update(plan: ImportPlan, choices: dict[int, str]) -> list[int]:
    """The contacts that records of ``plan`` will update (their rows loaded up front)."""
    return [
        item.candidate_id
        for item in plan.items
        if item.candidate_id is not None and choices.get(item.index, item.default_choice) == UPDATE
    ]


def _added_anyway(item: PlanItem) -> dict:
    """The warning for a possible duplicate added as new by default: merge them if one."""
    return {
        "position": item.position,
        "message": f"{item.position}: added as new, though "
        + (
            "it shares a phone number with"
            if item.matched_by == "phone"
            else "its name is like that of"
        )
        + f" {item.candidate_name} (#{item.candidate_id}), whose "
        + ("name and email differ" if item.matched_by == "phone" else "email or phone differs")
        + "; if they are one person, merge them",
    }


def _skip_reason(item: PlanItem, *, chosen: bool) -> str:
    """Why a readable record was skipped: a conflict left alone, or the user's choice."""
    if item.status != CONFLICTING or chosen:
        return f"{item.position}: skipped as chosen"
    fields = [f.replace("_", " ") for f in item.differences]
    verb = "differs" if len(fields) == 1 else "differ"
    if item.same_as is not None:
        return (
            f"{item.position}: looks like {item.candidate_name} "
            f"({item.same_as_position} in this file) but {', '.join(fields)} "
            f"{verb}; not imported"
        )
    return (
        f"{item.position}: looks like {item.candidate_name} "
        f"(#{item.candidate_id}) but {', '.join(fields)} {verb}; left unchanged"
    )


def _parts(record: ParsedRecord) -> dict:
    """What a record brings beside its contact: note, photo, the vCard lines kept."""
    from favorbook.services.contacts import photo_mime

    mime = photo_mime(record.photo) if record.photo else None
    return {
        "note": record.note.strip(),
        "photo": (record.photo, mime) if mime else None,
        "vcard_extra": record.extra.get("vcard", ""),
    }


def _add(writer: ContactWriter, item: PlanItem, default_cadence: int | None, track: bool):
    data = item.contact
    return writer.add(
        data,
        cadence=data.cadence_days or default_cadence or None,
        uid=item.record.uid,
        track=track,
        **_parts(item.record),
    )


BACKGROUND_CHECKPOINT = 1000
"""Records from which an import leaves copying its writes from the log into the database
file, and merging the search index's segments, to a thread of its own (see
``_checkpoint_afterwards``)."""


@contextlib.contextmanager
def _checkpoint_afterwards(records: int):
    """Around a transaction of ``records`` records: SQLite's checkpoint (the pages the
    write-ahead log holds copied into the database file, and synced) is not run by the
    commit, on the thread waited for, but after it by a thread of its own, for a big import:
    at 100,000 contacts 10,000 cards touch some 13,000 pages, a third of a second to copy
    and sync. Readers and writers go on meanwhile (a passive checkpoint); the log is as
    safe as the database file. The same thread first merges the search index's segments
    the transaction left unmerged (``_index_merged_afterwards``)."""
    from favorbook.db.models import db

    if records < BACKGROUND_CHECKPOINT:
        yield
        return
    (limit,) = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()
    db.execute_sql("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA wal_autocheckpoint = {int(limit)}")
    afterwards = functools.partial(_afterwards, checkpoint=limit > 0)
    threading.Thread(target=afterwards, name="favorbook checkpoint", daemon=True).start()


def _index_merged_afterwards(records: int):
    """Inside the transaction of ``records`` records: for a big import, the search index's
    segments are merged afterwards (``search_index.merges_left_for_later``), by the thread
    ``_checkpoint_afterwards`` starts."""
    if records < BACKGROUND_CHECKPOINT:
        return contextlib.nullcontext()
    return search_index.merges_left_for_later()


UNCAPTURED_FROM = 500
"""Records from which an import sets the vault's idle insert triggers (and, while no
contact syncs, the sync items' insert marks, and the names' mark's) aside for its
transaction (``contact_store.vault_inserts_uncaptured_while_off``): below, the schema is
left as it is (the window's connection reads it again after any change of it)."""


@contextlib.contextmanager
def _uncaptured(records: int):
    """Also the sync items' change marks on inserts, while no contact syncs
    (``contact_store.sync_marks_set_aside_while_unsynced``), and the names' mark's trigger
    on inserts: the mark moves once, at the end (``contact_store.names_mark_moved_once``)."""
    if records < UNCAPTURED_FROM:
        yield
        return
    with (
        vault_inserts_uncaptured_while_off(),
        sync_marks_set_aside_while_unsynced(),
        names_mark_moved_once(),
    ):
        yield


def _afterwards(checkpoint: bool = True) -> None:
    """The search index's segments merged, then a passive checkpoint, on a connection of
    this thread's own; if they cannot run (the database closed meanwhile), the next writes
    merge as they go and the next commit's automatic checkpoint does the copying."""
    from favorbook.db import database
    from favorbook.db.models import db

    with contextlib.suppress(Exception):
        database.on_this_thread(search_index.merge_segments)
    if checkpoint:
        with contextlib.suppress(Exception):
            database.on_this_thread(db.execute_sql, "PRAGMA wal_checkpoint(PASSIVE)")


def apply_import(
    plan: ImportPlan,
    choices: dict[int, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Carry out ``plan`` in one transaction: all of it, or (on any error or cancel) nothing.

    ``choices`` maps a record's index to add, update or skip (default: add new records,
    update matched ones, skip conflicting ones). ``progress(done, total)`` is called as
    records are handled; raising from it (ImportCancelled) rolls everything back.
    """
    from favorbook.db.models import db
    from favorbook.services import settings

    choices = choices or {}
    report = ImportReport(plan.parsed.path, plan.parsed.format)
    report.warnings.extend({"position": "file", "message": m} for m in plan.parsed.warnings)
    total = len(plan.items)
    report_progress = progress or (lambda done, total: None)
    went_into: dict[int, int] = {}  # record index -> the contact it was added to or updated
    first_of_many = {item.same_as for item in plan.items if item.same_as is not None}
    default_cadence = settings.default_cadence_days()
    with (
        _checkpoint_afterwards(total),
        db.atomic(),
        _index_merged_afterwards(total),
        _uncaptured(total),
    ):
        writer = ContactWriter()
        writer.preload(_to_update(plan, choices))
        writer.check_uids(item.record.uid.strip() for item in plan.items)
        report_progress(0, total)
        for done, item in enumerate(plan.items, start=1):
            for message in item.warnings:
                report.warnings.append({"position": item.position, "message": message})
            choice = choices.get(item.index, item.default_choice)
            if item.status == UNREADABLE or item.contact is None:
                report.skipped.append({"position": item.position, "reason": item.reason})
            elif choice == UPDATE and item.same_as is not None and item.same_as in went_into:
                cid = went_into[item.same_as]
                name = writer.fill(cid, item.contact, **_parts(item.record))
                went_into[item.index] = cid
                report.merged.append(
                    {
                        "position": item.position,
                        "contact_id": cid,
                        "name": name,
                        "same_as": item.same_as_position,
                    }
                )
            elif choice == ADD or (choice == UPDATE and item.same_as is not None):
                # (a duplicate whose earlier record was skipped is added in its place)
                track = item.index in first_of_many or item.same_as is not None
                cid, name = _add(writer, item, default_cadence, track)
                went_into[item.index] = cid
                if choice == UPDATE:
                    went_into[item.same_as] = cid
                report.added.append({"position": item.position, "contact_id": cid, "name": name})
                if item.status == POSSIBLE and item.index not in choices:
                    report.warnings.append(_added_anyway(item))
            elif choice == UPDATE and item.candidate_id is not None:
                name = writer.fill(item.candidate_id, item.contact, **_parts(item.record))
                went_into[item.index] = item.candidate_id
                report.updated.append(
                    {"position": item.position, "contact_id": item.candidate_id, "name": name}
                )
            else:
                reason = _skip_reason(item, chosen=item.index in choices)
                report.skipped.append({"position": item.position, "reason": reason})
            if done % 250 == 0:
                writer.flush()
                report_progress(done, total)
                time.sleep(0)  # a chunk written: let the window's thread run
        writer.finish()
        report_progress(total, total)
    return report
