"""The one way a contact is written: the fields a write fills, the columns derived from
them, and the writer every path goes through (the forms by ``contacts.create_contact``
and ``update_contact``, File › Import and ``favorbook import``, the sample network).

What a contact is made of (``ContactInput``) and which of its fields an import or a merge
fills in where the contact has none (``FILLABLE``) are defined here once. The derived
columns, and how each is recomputed:

- ``display_name`` and ``sort_name``: from the names (``display_and_sort_names``), by
  every write of the contact row;
- ``touch_due_on``: the last interaction (or the creation) plus the cadence
  (``touch_due``), by every write, and again when a conversation is logged;
- the search index (``contact_fts``): the contacts a write touched, indexed once at its
  end: those it added from what it added (``search_index.text_row``, one executemany),
  the others with one set-based statement per 500 (``search_index.index_contacts``);
- the list's favor counts and next follow-up, and the dashboard's monthly tally: kept by
  the ledger's triggers; ``recount_derived`` sets them from the rows after a load that
  ran without them.

``ContactWriter`` writes in bulk (executemany, in the caller's transaction): contacts
added with their emails, phones, addresses, links, tags, note and photo, contacts
updated by filling what they lack, the search index at ``finish``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from favorbook.db.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactPhoto,
    ContactTag,
    Note,
    Organization,
    Tag,
    db,
)
from favorbook.services import search_index
from favorbook.services._common import new_uid, utc_now
from favorbook.services.dates import local_date


@dataclass
class Labeled:
    """One email, phone or link with its label (work, home, mobile, ...)."""

    value: str
    label: str = ""


@dataclass
class Address:
    label: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not any((self.street, self.city, self.region, self.postcode, self.country))

    def one_line(self) -> str:
        parts = [self.street, " ".join(p for p in (self.postcode, self.city) if p), self.region]
        return ", ".join(p for p in [*parts, self.country] if p)


@dataclass
class ContactInput:
    """What a contact form (or an importer) hands to create/update."""

    first_name: str = ""
    last_name: str = ""
    organization: str = ""
    title: str = ""
    kind: str = "other"
    emails: list[Labeled] = field(default_factory=list)
    phones: list[Labeled] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    links: list[Labeled] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    birthday: str | None = None
    how_met: str = ""
    referred_by_id: int | None = None
    needs: str = ""
    goals: str = ""
    offers: str = ""
    cadence_days: int | None = None
    """Days between touches. On a new contact None takes the default cadence setting;
    0 (or None on an update) means the contact is not on a stay-in-touch clock."""
    full_name: str = ""
    """The name shown, when it is not the one built from prefix, first, last and suffix
    (a vCard's FN such as "Ann Lee (Acme)"); empty for the built one."""
    name_prefix: str = ""
    name_suffix: str = ""
    nickname: str = ""
    phonetic_first_name: str = ""
    phonetic_last_name: str = ""
    role: str = ""
    department: str = ""
    """The units of the organization ("Sales; EMEA")."""


@dataclass(frozen=True)
class Detail:
    """One line of text about a contact beside first and last name, and every name it goes
    by: in the form, in Sync Conflicts, as a CSV column (written and read), as a column
    choice when a CSV file is read.

    A new one is a migration and a model column, a ``ContactInput`` field and an entry
    here, its vCard property in ``formats.vcard``, and where the profile shows it; the
    form, the CSV import and export, the search index and the sync's conflict list take
    it from here.
    """

    name: str
    """The ``ContactInput`` field and the contact column."""
    label: str
    """Its name in a sentence: "Name prefix"."""
    form_label: str
    """Its row in the contact form: "Prefix"."""
    csv_header: str
    """The column favorbook's CSV export writes: "Name Prefix"."""
    csv_names: tuple[str, ...] = ()
    """Other column names that mean it in CSV files from elsewhere (lowercase)."""
    example: str = ""
    """What it holds, for the CSV column choice: "Dr., Ms."."""
    placeholder: str = ""
    """The form field's grey hint."""

    @property
    def column_choice(self) -> str:
        return f"{self.label} ({self.example})" if self.example else self.label


DETAILS = (
    Detail("full_name", "Name shown", "Shown as", "Display Name"),
    Detail(
        "name_prefix",
        "Name prefix",
        "Prefix",
        "Name Prefix",
        ("prefix", "salutation"),
        "Dr., Ms.",
        "e.g. Dr.",
    ),
    Detail(
        "name_suffix", "Name suffix", "Suffix", "Name Suffix", ("suffix",), "Jr., PhD", "e.g. Jr."
    ),
    Detail("nickname", "Nickname", "Nickname", "Nickname", ("nick name",)),
    Detail(
        "phonetic_first_name",
        "Phonetic first name",
        "Phonetic first name",
        "Phonetic First Name",
        ("given name yomi", "first name yomi"),
    ),
    Detail(
        "phonetic_last_name",
        "Phonetic last name",
        "Phonetic last name",
        "Phonetic Last Name",
        ("family name yomi", "last name yomi"),
    ),
    Detail("department", "Department", "Department", "Department"),
    Detail(
        "role",
        "Role",
        "Role",
        "Role",
        placeholder="Their part in a deal, e.g. decision maker",
    ),
)
"""The details, in the order a contact is read."""

NAME_DETAILS = tuple(d.name for d in DETAILS)
"""The text fields of a contact beside first and last name, one line each (cleaned as names are)."""

FILLABLE = (
    "first_name",
    "last_name",
    "title",
    "birthday",
    "how_met",
    "needs",
    "goals",
    "offers",
    *NAME_DETAILS,
)
"""The one-value fields an import or a merge fills in where a contact has none (never
overwriting what it has)."""


CONTACT_COLUMNS = (
    "first_name",
    "last_name",
    "title",
    "kind",
    "birthday",
    "how_met",
    "needs",
    "goals",
    "offers",
    *NAME_DETAILS,
)
"""The contact row's columns a write fills from a ContactInput as they are (beside these:
``organization_id`` from its name, ``cadence_days``, and the derived columns)."""

PARTS = ("email", "phone", "address", "link", "tag", "note", "photo")
"""What hangs on a contact besides its row, as ContactWriter queues it."""

_TABLES = {
    "contact": Contact,
    "email": ContactEmail,
    "phone": ContactPhone,
    "address": ContactAddress,
    "link": ContactLink,
    "note": Note,
    "photo": ContactPhoto,
}


_CHILD_COLUMNS = {
    "email": ("contact_id", "label", "value", "position"),
    "phone": ("contact_id", "label", "value", "position"),
    "link": ("contact_id", "label", "url", "position"),
    "address": ("contact_id", "position", *Address.__dataclass_fields__),
}
"""The columns of ContactWriter's queued child rows (tuples), in ``child_rows``' order."""


def built_name(data: ContactInput) -> str:
    """The name made of prefix, first name, last name and suffix ("Dr. Ann Lee Jr.")."""
    if not (data.first_name or data.last_name):
        return ""
    parts = (data.name_prefix, data.first_name, data.last_name, data.name_suffix)
    return " ".join(p for p in parts if p)


def shown_name(data: ContactInput) -> str:
    """The name a contact with ``data`` is shown by (in lists, previews, exports)."""
    return display_and_sort_names(data)[0]


def display_and_sort_names(data: ContactInput) -> tuple[str, str]:
    """(display name, sort name) of a contact with ``data``: the stored derived columns."""
    person = " ".join(p for p in (data.first_name, data.last_name) if p)
    display = data.full_name or built_name(data) or data.organization
    sort = (
        ", ".join(p for p in (data.last_name, data.first_name) if p) if person else display
    ).lower()
    return display, sort


def touch_due(
    last: dt.datetime | None, created: dt.datetime, cadence: int | None
) -> dt.date | None:
    """The stay-in-touch date: the last interaction (or the creation) plus the cadence."""
    if not cadence:
        return None
    return local_date(last or created) + dt.timedelta(days=cadence)


def address_key(a) -> str:
    """What makes two addresses the same one (their label aside), for not adding it twice."""
    return Address("", a.street, a.city, a.region, a.postcode, a.country).one_line().casefold()


def child_rows(
    contact_id: int, data: ContactInput, start: dict[str, int] | None = None
) -> dict[str, list[dict]]:
    """The email, phone, link and address rows of ``data`` as column values, by kind.

    Positions count from ``start[kind]`` (0 by default: after what the contact has).
    """
    start = start or {}

    def numbered(kind: str, items: list) -> enumerate:
        return enumerate(items, start=start.get(kind, 0))

    return {
        "email": [
            {"contact": contact_id, "label": e.label, "value": e.value, "position": pos}
            for pos, e in numbered("email", data.emails)
        ],
        "phone": [
            {"contact": contact_id, "label": p.label, "value": p.value, "position": pos}
            for pos, p in numbered("phone", data.phones)
        ],
        "link": [
            {"contact": contact_id, "label": k.label, "url": k.value, "position": pos}
            for pos, k in numbered("link", data.links)
        ],
        "address": [
            {"contact": contact_id, "position": pos, **a.__dict__}
            for pos, a in numbered("address", data.addresses)
        ],
    }


def sql_value(value):
    """A Python value as the database stores it (dates and datetimes as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def insert_rows(table: str, columns: Iterable[str], rows: list[tuple]) -> None:
    """One executemany INSERT of ``rows`` (tuples in the order of ``columns``)."""
    if rows:
        columns = tuple(columns)
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        db.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def _insert_dicts(model, rows: list[dict]) -> None:
    """executemany insert of rows given as {field: value as stored}, every row with the
    same fields in the same order; peewee's insert_many spends its time building SQL."""
    if rows:
        names = list(rows[0])
        insert_rows(
            model._meta.table_name,
            [model._meta.fields[n].column_name for n in names],
            [tuple(r.values()) for r in rows],
        )


def insert_contacts(rows: list[dict]) -> None:
    """Insert contact rows given by their own columns (``id``, ``uid``, the
    CONTACT_COLUMNS they have, ``organization_id``, ``cadence_days``, ``is_sample``,
    ``created_at``, ...; every row the same keys), in one executemany: the derived names
    are computed here, as for any other contact. For a load that writes the rows around
    them itself (the sample network); index them with ``reindex`` at the end."""
    if not rows:
        return
    names = ("first_name", "last_name", *NAME_DETAILS)
    columns = [*rows[0], "display_name", "sort_name"]
    out = []
    for row in rows:
        data = ContactInput(**{f: row.get(f) or "" for f in names})
        out.append((*row.values(), *display_and_sort_names(data)))
    insert_rows("contact", columns, out)


def set_interactions(rows: list[tuple]) -> None:
    """(last interaction, stay-in-touch date, contact id) of contacts whose conversations
    a load wrote itself (the date from ``touch_due``)."""
    db.cursor().executemany(
        "UPDATE contact SET last_interaction_at = ?, touch_due_on = ? WHERE id = ?", rows
    )


def reindex(contact_ids: Iterable[int]) -> None:
    """The search index of these contacts built again, set-based, 500 at a time."""
    search_index.index_contacts(contact_ids)


WRITTEN_TABLES = (
    "organization",
    "tag",
    "contact",
    "contact_email",
    "contact_phone",
    "contact_address",
    "contact_link",
    "contact_tag",
    "note",
    "contact_photo",
)
"""The tables ContactWriter inserts rows into."""


@contextlib.contextmanager
def _insert_triggers_set_aside(name_glob: str, idle: bool) -> Iterator[None]:
    """Inside the transaction of a bulk write: when ``idle`` (they would change nothing),
    the triggers named ``name_glob`` on inserts into WRITTEN_TABLES are dropped, and made
    again from their own SQL at the end. SQLite runs a trigger for every row even when
    its WHEN or its target makes it change nothing. On an error nothing is made again:
    the transaction's rollback brings them back."""
    marks = ",".join("?" * len(WRITTEN_TABLES))
    found = (
        db.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            f" AND name GLOB ? AND tbl_name IN ({marks}) ORDER BY name",
            (name_glob, *WRITTEN_TABLES),
        ).fetchall()
        if idle
        else []
    )
    for name, _sql in found:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in found:
        db.execute_sql(sql)


def vault_inserts_uncaptured_while_off():
    """While the vault is off, its capture triggers on inserts are set aside for the bulk
    write's transaction (``_insert_triggers_set_aside``). Off, they log nothing (their
    WHEN asks ``vault_flag.enabled``): at 100,000 contacts a fifth of what writing 10,000
    imported contacts cost. The vault on, they run as always."""
    (enabled,) = db.execute_sql("SELECT enabled FROM vault_flag").fetchone()
    return _insert_triggers_set_aside("vault_*_insert", idle=not enabled)


def sync_marks_set_aside_while_unsynced():
    """While no contact is on a sync server (no sync item names one), the triggers that
    mark a contact's sync item changed when an email, phone, address, link, tag or photo
    is added to it are set aside for the bulk write's transaction: with no item to mark
    they change nothing, yet cost some 35 ms of the 110 ms that writing the emails and
    phones of 10,000 imported contacts took at 100,000 contacts. While a contact syncs
    they stay."""
    synced = db.execute_sql("SELECT 1 FROM sync_item WHERE contact_id IS NOT NULL LIMIT 1")
    return _insert_triggers_set_aside("sync_dirty_*_insert", idle=synced.fetchone() is None)


@contextlib.contextmanager
def names_mark_moved_once() -> Iterator[None]:
    """The names' mark (``change_mark``, migration 0014) moved once at the end of a bulk
    write's transaction, not once for every contact it adds: ``names_mark_insert`` is set
    aside meanwhile (``_insert_triggers_set_aside``). That trigger's UPDATE per row was
    more than half of what writing the contact rows of 10,000 imported cards cost at
    100,000 contacts (564 of 1,545 ms; 224 without it). Readers see the commit as a whole,
    so one move says as much as 10,000. On an error the mark stays (nothing was written)."""
    with _insert_triggers_set_aside("names_mark_insert", idle=True):
        yield
    db.execute_sql("UPDATE change_mark SET mark = random() WHERE name = 'names'")


def next_contact_id() -> int:
    return (db.execute_sql("SELECT max(id) FROM contact").fetchone()[0] or 0) + 1


def _have(row: dict) -> dict:
    """What a contact has, as ContactWriter tracks it to add only what is new."""
    return {
        "row": row,
        **{kind: set() for kind in ("email", "phone", "link", "address", "tag", "note")},
        "photo": False,
        "dirty": False,
    }


class ContactWriter:
    """Adds contacts and fills in existing ones, in bulk, inside the caller's transaction.

    Rows are queued and written with one executemany per table at ``flush`` (the caller
    flushes every few hundred contacts); ``finish`` writes what is left, the updated
    contact rows, and the search index of every contact touched. With ``bulk`` the
    organisations and tags are read once up front (an import); without, each name is
    looked up when it comes (one contact from a form).
    """

    def __init__(self, *, bulk: bool = True, now: dt.datetime | None = None) -> None:
        self.now = now or utc_now()
        self.now_text = sql_value(self.now)  # rows hold what is stored: no conversion per row
        self.due: dict[int | None, str | None] = {}
        self.bulk = bulk
        self.orgs: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.names: dict[tuple[str, int], str] = {}
        """("organization" or "tag", id) -> the name stored, for the search index."""
        if bulk:
            for kind, table, names in (
                ("organization", "organization", self.orgs),
                ("tag", "tag", self.tags),
            ):
                for i, n in db.execute_sql(f"SELECT id, name FROM {table}").fetchall():
                    names[n.casefold()] = i
                    self.names[kind, i] = n
        self.next_id = next_contact_id()
        self.taken_uids: set[str] = set()
        self.checked_uids: set[str] = set()
        self.current: dict[int, dict] = {}
        self.touched: dict[int, None] = {}
        self.fresh: dict[int, tuple] = {}
        """The search index rows of contacts added here and not filled in since: written
        from what was added, not read back (``search_index.text_row``)."""
        self.rows: dict[str, list] = {k: [] for k in ("contact", *PARTS)}

    # --- names of organisations and tags, and uids ---------------------------------------

    def org_id(self, name: str) -> int | None:
        if not name:
            return None
        key = name.casefold()
        if key not in self.orgs:
            found = None if self.bulk else Organization.get_or_none(Organization.name == name)
            org = found or Organization.create(name=name, created_at=self.now)
            self.orgs[key] = org.id
            self.names["organization", org.id] = org.name
        return self.orgs[key]

    def tag_id(self, name: str) -> int:
        key = name.casefold()
        if key not in self.tags:
            found = None if self.bulk else Tag.get_or_none(Tag.name == name)
            tag = found or Tag.create(name=name)
            self.tags[key] = tag.id
            self.names["tag", tag.id] = tag.name
        return self.tags[key]

    def check_uids(self, uids: Iterable[str]) -> None:
        """Learn which of ``uids`` contacts already have, in one query per 500 (before
        ``add`` is asked to keep them)."""
        wanted = list(dict.fromkeys(u for u in uids if u and u not in self.checked_uids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found = db.execute_sql(f"SELECT uid FROM contact WHERE uid IN ({marks})", chunk)
            self.taken_uids.update(u for (u,) in found)
            self.checked_uids.update(chunk)

    def uid_for(self, uid: str) -> str:
        """A file's own UID for a new contact, when it is usable and no contact has it
        (a phone or server that gets an export back then sees the same card, not a new
        one); else a new one."""
        uid = uid.strip()
        if not uid or len(uid) > 255 or not uid.isprintable():
            return new_uid()
        if uid not in self.checked_uids:
            self.check_uids([uid])
        if uid in self.taken_uids:
            return new_uid()
        self.taken_uids.add(uid)
        return uid

    # --- adding ------------------------------------------------------------------------

    def add(
        self,
        data: ContactInput,
        *,
        cadence: int | None,
        uid: str = "",
        note: str = "",
        photo: tuple[bytes, str] | None = None,
        vcard_extra: str = "",
        is_sample: bool = False,
        track: bool = False,
    ) -> tuple[int, str]:
        """Queue a new contact (``data`` already checked) with what hangs on it; returns
        (its id, the name it is shown by). ``track`` keeps what it has, so a later
        ``update`` can fill it in."""
        cid = self.next_id
        self.next_id += 1
        display, sort = display_and_sort_names(data)
        row = {
            "id": cid,
            "uid": self.uid_for(uid),
            "first_name": data.first_name,
            "last_name": data.last_name,
            "display_name": display,
            "sort_name": sort,
            "organization": self.org_id(data.organization),
            **{f: getattr(data, f) for f in CONTACT_COLUMNS[2:]},
            "cadence_days": cadence,
            "touch_due_on": self._due(cadence),
            "is_sample": is_sample,
            "created_at": self.now_text,
            "updated_at": self.now_text,
            "vcard_extra": vcard_extra,
        }
        self.rows["contact"].append(row)
        self.touched[cid] = None
        self._children(cid, data, {})
        if track:
            have = self.current[cid] = _have(row)
            have["email"].update(e.value.lower() for e in data.emails)
            have["phone"].update(p.value for p in data.phones)
            have["link"].update(k.value for k in data.links)
            have["address"].update(address_key(a) for a in data.addresses)
            have["tag"].update(self.tag_id(t) for t in data.tags)
            have["note"].update([note] if note else [])
            have["photo"] = photo is not None
        if note:
            self.rows["note"].append(
                {"contact": cid, "body": note, "private": False, "created_at": self.now_text}
            )
        if photo is not None:
            self._photo(cid, photo)
        self.fresh[cid] = search_index.text_row(
            cid,
            row,
            organization=self.names.get(("organization", row["organization"]), ""),
            emails=[e.value for e in data.emails],
            phones=[p.value for p in data.phones],
            tags=[self.names["tag", t] for t in dict.fromkeys(map(self.tag_id, data.tags))],
            notes=[note] if note else [],
        )
        return cid, display

    def _due(self, cadence: int | None) -> str | None:
        """The stay-in-touch date of a contact added now, as stored."""
        if cadence not in self.due:
            self.due[cadence] = sql_value(touch_due(None, self.now, cadence))
        return self.due[cadence]

    def _photo(self, cid: int, photo: tuple[bytes, str]) -> None:
        self.rows["photo"].append(
            {"contact": cid, "mime": photo[1], "data": photo[0], "updated_at": self.now_text}
        )

    def _children(self, cid: int, data: ContactInput, start: dict[str, int]) -> None:
        """Queue the email, phone, link, address and tag rows of ``data`` as tuples in
        the order of _CHILD_COLUMNS (those of ``child_rows``, made without a dict each:
        a new contact's rows are a third of what queueing it cost)."""
        rows = self.rows
        if start:
            for kind, dicts in child_rows(cid, data, start).items():
                rows[kind] += [tuple(d.values()) for d in dicts]
        else:
            rows["email"] += [(cid, e.label, e.value, i) for i, e in enumerate(data.emails)]
            rows["phone"] += [(cid, p.label, p.value, i) for i, p in enumerate(data.phones)]
            rows["link"] += [(cid, k.label, k.value, i) for i, k in enumerate(data.links)]
            rows["address"] += [
                (cid, i, *a.__dict__.values()) for i, a in enumerate(data.addresses)
            ]
        rows["tag"] += [(cid, self.tag_id(name)) for name in data.tags]

    # --- filling in ----------------------------------------------------------------------

    def preload(self, ids: list[int]) -> None:
        """Read what the contacts to update already have, in a few queries per 500."""
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in Contact.select().where(Contact.id.in_(chunk)).dicts():
                self.current[row["id"]] = _have(row)
            for model, key, value in (
                (ContactEmail, "email", lambda r: r.value.lower()),
                (ContactPhone, "phone", lambda r: r.value),
                (ContactLink, "link", lambda r: r.url),
                (ContactAddress, "address", address_key),
                (ContactTag, "tag", lambda r: r.tag_id),
                (Note, "note", lambda r: r.body),
            ):
                for r in model.select().where(model.contact.in_(chunk)):
                    self.current[r.contact_id][key].add(value(r))
            for (cid,) in (
                ContactPhoto.select(ContactPhoto.contact)
                .where(ContactPhoto.contact.in_(chunk))
                .tuples()
            ):
                self.current[cid]["photo"] = True

    def fill(
        self,
        cid: int,
        data: ContactInput,
        *,
        note: str = "",
        photo: tuple[bytes, str] | None = None,
        vcard_extra: str = "",
    ) -> str:
        """Fill a preloaded (or tracked) contact's empty fields from ``data`` and add the
        emails, phones, addresses, links, tags, note and photo it does not have; never
        erase or replace. Returns the name it is shown by."""
        have = self.current[cid]
        self.fresh.pop(cid, None)  # indexed from the tables at the end
        self._fill_row(have, data, vcard_extra)
        self._add_new_parts(cid, have, data, note, photo)
        self.touched[cid] = None
        return have["row"]["display_name"]

    def _fill_row(self, have: dict, data: ContactInput, extra: str) -> None:
        """The contact row's empty fields from ``data``; its names built again; the vCard
        lines it did not have added. ``have["dirty"]`` when anything changed."""
        row = have["row"]
        for name in FILLABLE:
            if not row[name] and getattr(data, name):
                row[name] = getattr(data, name)
                have["dirty"] = True
        if row["organization"] is None and data.organization:
            row["organization"] = self.org_id(data.organization)
            have["dirty"] = True
        if row["kind"] == "other" and data.kind != "other":
            row["kind"] = data.kind
            have["dirty"] = True
        if row["first_name"] or row["last_name"] or row["full_name"]:
            names = ("first_name", "last_name", *NAME_DETAILS)
            display, sort = display_and_sort_names(ContactInput(**{f: row[f] or "" for f in names}))
            if (display, sort) != (row["display_name"], row["sort_name"]):
                row["display_name"], row["sort_name"] = display, sort
                have["dirty"] = True
        if extra:
            lines = (row["vcard_extra"] or "").splitlines()
            fresh_lines = [x for x in extra.splitlines() if x not in lines]
            if fresh_lines:
                row["vcard_extra"] = "\n".join([*lines, *fresh_lines])
                have["dirty"] = True

    def _add_new_parts(self, cid: int, have: dict, data: ContactInput, note: str, photo) -> None:
        fresh = ContactInput(
            emails=[e for e in data.emails if e.value.lower() not in have["email"]],
            phones=[p for p in data.phones if p.value not in have["phone"]],
            addresses=[a for a in data.addresses if address_key(a) not in have["address"]],
            links=[k for k in data.links if k.value not in have["link"]],
            tags=[t for t in data.tags if self.tag_id(t) not in have["tag"]],
        )
        start = {k: len(have[k]) for k in ("email", "phone", "address", "link")}
        self._children(cid, fresh, start)
        have["email"].update(e.value.lower() for e in fresh.emails)
        have["phone"].update(p.value for p in fresh.phones)
        have["address"].update(address_key(a) for a in fresh.addresses)
        have["link"].update(k.value for k in fresh.links)
        have["tag"].update(self.tag_id(t) for t in fresh.tags)
        if note and note not in have["note"]:
            have["note"].add(note)
            self.rows["note"].append(
                {"contact": cid, "body": note, "private": False, "created_at": self.now_text}
            )
        if photo is not None and not have["photo"]:
            have["photo"] = True
            self._photo(cid, photo)
        if any(fresh.__dict__[k] for k in ("emails", "phones", "addresses", "links", "tags")):
            have["dirty"] = True

    # --- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the queued rows: one executemany per table."""
        for key, model in _TABLES.items():
            if key in _CHILD_COLUMNS:
                insert_rows(model._meta.table_name, _CHILD_COLUMNS[key], self.rows[key])
            else:
                _insert_dicts(model, self.rows[key])
            self.rows[key] = []
        if self.rows["tag"]:
            db.cursor().executemany(
                "INSERT OR IGNORE INTO contact_tag (contact_id, tag_id) VALUES (?, ?)",
                self.rows["tag"],
            )
            self.rows["tag"] = []

    def _save_filled(self) -> None:
        columns = [*FILLABLE, "organization_id", "kind", "display_name", "sort_name"]
        rows = [h["row"] for h in self.current.values() if h["dirty"]]
        if not rows:
            return
        for row in rows:
            row["organization_id"] = row["organization"]
        sets = ", ".join(f'"{c}" = ?' for c in [*columns, "vcard_extra", "updated_at"])
        db.cursor().executemany(
            f"UPDATE contact SET {sets} WHERE id = ?",
            [
                (
                    *(sql_value(r[c]) for c in columns),
                    r["vcard_extra"],
                    sql_value(self.now),
                    r["id"],
                )
                for r in rows
            ],
        )
        for have in self.current.values():
            have["dirty"] = False

    def finish(self) -> None:
        """Write what is queued and the filled-in rows, then index every contact touched."""
        self.flush()
        self._save_filled()
        fresh = [self.fresh[cid] for cid in self.touched if cid in self.fresh]
        search_index.index_rows(fresh)
        search_index.index_contacts(cid for cid in self.touched if cid not in self.fresh)
        self.touched = {}
        self.fresh = {}


# --- one contact ----------------------------------------------------------------------------


def create(data: ContactInput, *, is_sample: bool = False) -> int:
    """Store one new contact (``data`` checked, its cadence decided); returns its id.
    Call inside a transaction."""
    writer = ContactWriter(bulk=False)
    cid, _name = writer.add(data, cadence=data.cadence_days, is_sample=is_sample)
    writer.finish()
    return cid


def rewrite(contact: Contact, data: ContactInput) -> None:
    """Replace one contact's profile with ``data`` (checked): its row with the derived
    columns, its emails, phones, addresses, links and tags, its search index entry.
    Favors, notes and history stay. Call inside a transaction."""
    writer = ContactWriter(bulk=False)
    display, sort = display_and_sort_names(data)
    for name in CONTACT_COLUMNS:
        setattr(contact, name, getattr(data, name))
    contact.display_name, contact.sort_name = display, sort
    contact.organization = writer.org_id(data.organization)
    contact.cadence_days = data.cadence_days
    contact.touch_due_on = touch_due(
        contact.last_interaction_at, contact.created_at, data.cadence_days
    )
    contact.updated_at = writer.now
    contact.save()
    for model in (ContactEmail, ContactPhone, ContactAddress, ContactLink, ContactTag):
        model.delete().where(model.contact == contact.id).execute()
    writer._children(contact.id, data, {})
    writer.touched[contact.id] = None
    writer.finish()


# --- what the triggers keep ------------------------------------------------------------------


def recount_derived() -> None:
    """Set what the ledger triggers keep from the rows themselves, as the migrations that
    made those triggers first filled it (0004: the contact list's counts; 0005: the
    dashboard's monthly tally and the referral change mark; 0014: the names' mark)."""
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
        # The triggers that move the marks were set aside too.
        db.execute_sql("UPDATE change_mark SET mark = random() WHERE name IN ('referral', 'names')")
