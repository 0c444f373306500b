"""Peewee models over the schema built by ``favorbook/db/migrations``.

The migrations own the schema; these classes only describe it. A test checks
that every field here has its column in a freshly migrated database.
"""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CompositeKey,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

from favorbook.db.connection import connect_file


class FavorbookDatabase(SqliteDatabase):
    """peewee's SQLite database; through SQLCipher instead while ``passphrase`` is set.

    Every model keeps the one ``db`` object below: only how a connection is made
    changes, so an unencrypted database goes through peewee's own code untouched.
    The passphrase lives only here, in memory, while the database is open.
    """

    passphrase: str | None = None

    def _connect(self):
        if self.passphrase is None:
            return super()._connect()
        conn = connect_file(
            self.database, self.passphrase, timeout=self._timeout, **self.connect_params
        )
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


# Writes take the lock up front (BEGIN IMMEDIATE), so two writers wait instead of failing
# half-way. Initialised at start-up by favorbook.db.database.open_database, never at import.
db = FavorbookDatabase(None, lock_type="IMMEDIATE")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Organization(BaseModel):
    name = TextField(unique=True)
    notes = TextField(default="")
    created_at = DateTimeField()


class Contact(BaseModel):
    uid = TextField(unique=True)
    first_name = TextField(default="")
    last_name = TextField(default="")
    display_name = TextField()
    sort_name = TextField()
    organization = ForeignKeyField(Organization, null=True, on_delete="SET NULL")
    title = TextField(default="")
    kind = TextField(default="other")
    birthday = TextField(null=True)
    how_met = TextField(default="")
    needs = TextField(default="")
    goals = TextField(default="")
    offers = TextField(default="")
    cadence_days = IntegerField(null=True)
    last_interaction_at = DateTimeField(null=True)
    touch_due_on = DateField(null=True)
    is_sample = BooleanField(default=False)
    archived_at = DateTimeField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    vcard_extra = TextField(default="")
    """vCard properties favorbook does not understand, one unfolded line each, kept for export."""
    full_name = TextField(default="")
    """The name shown when it is not the one built from the parts (a card's FN); else ''."""
    name_prefix = TextField(default="")
    name_suffix = TextField(default="")
    nickname = TextField(default="")
    phonetic_first_name = TextField(default="")
    phonetic_last_name = TextField(default="")
    role = TextField(default="")
    department = TextField(default="")
    """The organization's units after its name (vCard ORG), "; " between them."""


class ContactPhoto(BaseModel):
    contact = ForeignKeyField(Contact, primary_key=True, on_delete="CASCADE")
    mime = TextField()
    data = BlobField()
    updated_at = DateTimeField()


class ContactEmail(BaseModel):
    contact = ForeignKeyField(Contact, backref="emails", on_delete="CASCADE")
    label = TextField(default="")
    value = TextField()
    position = IntegerField(default=0)


class ContactPhone(BaseModel):
    contact = ForeignKeyField(Contact, backref="phones", on_delete="CASCADE")
    label = TextField(default="")
    value = TextField()
    position = IntegerField(default=0)


class ContactAddress(BaseModel):
    contact = ForeignKeyField(Contact, backref="addresses", on_delete="CASCADE")
    label = TextField(default="")
    street = TextField(default="")
    city = TextField(default="")
    region = TextField(default="")
    postcode = TextField(default="")
    country = TextField(default="")
    position = IntegerField(default=0)


class ContactLink(BaseModel):
    contact = ForeignKeyField(Contact, backref="links", on_delete="CASCADE")
    label = TextField(default="")
    url = TextField()
    position = IntegerField(default=0)


class Tag(BaseModel):
    name = TextField(unique=True)


class ContactTag(BaseModel):
    contact = ForeignKeyField(Contact, on_delete="CASCADE")
    tag = ForeignKeyField(Tag, on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("contact", "tag")


class Note(BaseModel):
    contact = ForeignKeyField(Contact, backref="notes", on_delete="CASCADE")
    body = TextField()
    private = BooleanField(default=False)
    created_at = DateTimeField()


class Favor(BaseModel):
    contact = ForeignKeyField(Contact, backref="favors", on_delete="CASCADE")
    direction = TextField()
    kind = TextField(default="other")
    occurred_on = DateField()
    description = TextField(default="")
    value = IntegerField(default=1)
    beneficiary = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="+")
    expectation = TextField(default="pay_forward")
    acknowledged = BooleanField(default=False)
    settled_by = ForeignKeyField("self", null=True, on_delete="SET NULL", backref="+")
    settled_on = DateField(null=True)
    written_off_on = DateField(null=True)
    created_at = DateTimeField()


class Conversation(BaseModel):
    contact = ForeignKeyField(Contact, backref="conversations", on_delete="CASCADE")
    occurred_at = DateTimeField()
    channel = TextField(default="call")
    direction = TextField()
    summary = TextField(default="")
    problems = TextField(default="")
    opportunities = TextField(default="")
    strategies = TextField(default="")
    created_at = DateTimeField()


class FollowUp(BaseModel):
    uid = TextField(unique=True)
    contact = ForeignKeyField(Contact, backref="followups", on_delete="CASCADE")
    conversation = ForeignKeyField(Conversation, null=True, on_delete="SET NULL")
    due_on = DateField()
    title = TextField()
    done_at = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "followup"


class Question(BaseModel):
    text = TextField(unique=True)
    purpose = TextField()
    fills = TextField(default="")
    builtin = BooleanField(default=False)
    archived_at = DateTimeField(null=True)


class QuestionAsked(BaseModel):
    question = ForeignKeyField(Question, on_delete="CASCADE")
    contact = ForeignKeyField(Contact, on_delete="CASCADE")
    conversation = ForeignKeyField(Conversation, null=True, on_delete="SET NULL")
    asked_on = DateField()
    answer = TextField(default="")


class Referral(BaseModel):
    kind = TextField()
    source = ForeignKeyField(Contact, null=True, on_delete="CASCADE", backref="+")
    subject = ForeignKeyField(Contact, on_delete="CASCADE", backref="+")
    recipient = ForeignKeyField(Contact, null=True, on_delete="CASCADE", backref="+")
    occurred_on = DateField()
    outcome = TextField(default="pending")
    value = FloatField(default=0)
    thanks_sent = BooleanField(default=False)
    note = TextField(default="")
    override_reason = TextField(null=True)
    created_at = DateTimeField()


class Vetting(BaseModel):
    contact = ForeignKeyField(Contact, primary_key=True, on_delete="CASCADE")
    status = TextField(default="unvetted")
    keeps_promises = BooleanField(default=False)
    quality_of_work = BooleanField(default=False)
    shares_principles = BooleanField(default=False)
    references_checked = BooleanField(default=False)
    trusted_for = TextField(default="")
    revet_on = DateField(null=True)
    updated_at = DateTimeField()


class VettingNote(BaseModel):
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="vetting_notes")
    noted_on = DateField()
    body = TextField()
    evidence = TextField(default="")
    vouched_by = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="+")
    vouched_by_name = TextField(default="")
    created_at = DateTimeField()


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


# --- sync with the rep's CardDAV/CalDAV server (migration 0003_sync) -----------------------


class SyncAccount(BaseModel):
    name = TextField(unique=True)
    url = TextField()
    username = TextField()
    addressbook_url = TextField(null=True)
    calendar_url = TextField(null=True)
    interval_minutes = IntegerField(null=True)
    created_at = DateTimeField()
    last_sync_at = DateTimeField(null=True)
    last_result = TextField(default="")
    """JSON of the last SyncReport, or the error text of a failed sync."""
    backed_up_at = DateTimeField(null=True)
    """When the backup before the first sync was taken (None: not yet)."""


class SyncCollection(BaseModel):
    account = ForeignKeyField(SyncAccount, backref="collections", on_delete="CASCADE")
    kind = TextField()  # 'contacts' | 'tasks'
    url = TextField()
    sync_token = TextField(null=True)


class SyncItem(BaseModel):
    collection = ForeignKeyField(SyncCollection, backref="items", on_delete="CASCADE")
    uid = TextField()
    href = TextField(null=True)
    etag = TextField(null=True)
    base_text = TextField(default="")
    """The card / task text last synced: the base of the three-way merge."""
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="+")
    followup = ForeignKeyField(FollowUp, null=True, on_delete="SET NULL", backref="+")
    dirty = BooleanField(default=True)
    deleted = BooleanField(default=False)


class SyncConflict(BaseModel):
    account = ForeignKeyField(SyncAccount, null=True, backref="conflicts", on_delete="CASCADE")
    """None for a conflict of the sync between the rep's devices (migration 0011_vault)."""
    contact = ForeignKeyField(Contact, null=True, on_delete="CASCADE", backref="+")
    uid = TextField(default="")
    field = TextField()
    local_value = TextField(default="")  # JSON
    server_value = TextField(default="")  # JSON
    created_at = DateTimeField()
    resolved_at = DateTimeField(null=True)
    vault_table = TextField(null=True)
    """The table and global id of the row of a conflict between the rep's devices."""
    vault_gid = TextField(null=True)


class AccountCalendar(BaseModel):
    account = ForeignKeyField(SyncAccount, null=True, backref="calendars", on_delete="CASCADE")
    """None: a calendar favorbook keeps itself (the sample network's meetings)."""
    role = TextField()  # 'meetings' | 'inbox'
    url = TextField()
    name = TextField(default="")
    fetched_at = DateTimeField(null=True)


class CalendarEvent(BaseModel):
    calendar = ForeignKeyField(AccountCalendar, backref="events", on_delete="CASCADE")
    href = TextField()
    etag = TextField(default="")
    text = TextField()


class MeetingLog(BaseModel):
    meeting_uid = TextField()
    starts_at = DateTimeField()
    conversation = ForeignKeyField(Conversation, on_delete="CASCADE", backref="+")


class InboxCapture(BaseModel):
    account = ForeignKeyField(SyncAccount, null=True, backref="+", on_delete="CASCADE")
    """None: a sample capture (nothing to tell a server)."""
    uid = TextField()
    href = TextField()
    etag = TextField(default="")
    text = TextField(default="")
    raw = TextField(default="")
    captured_at = DateTimeField()
    status = TextField(default="waiting")  # 'waiting' | 'accepted' | 'dismissed'
    decided_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    """When the server's copy was marked COMPLETED (None: still to do, next sync)."""


ALL_MODELS = [
    Organization,
    Contact,
    ContactPhoto,
    ContactEmail,
    ContactPhone,
    ContactAddress,
    ContactLink,
    Tag,
    ContactTag,
    Note,
    Favor,
    Conversation,
    FollowUp,
    Question,
    QuestionAsked,
    Referral,
    Vetting,
    VettingNote,
    Setting,
    SyncAccount,
    SyncCollection,
    SyncItem,
    SyncConflict,
    AccountCalendar,
    CalendarEvent,
    MeetingLog,
    InboxCapture,
]
