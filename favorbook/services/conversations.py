"""The call and meeting log: who called whom, what was learned, what comes next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from favorbook.db.models import Contact, Conversation, db
from favorbook.errors import ValidationError
from favorbook.services import contacts, followups, questions
from favorbook.services._common import (
    as_date,
    as_datetime,
    choice,
    clean,
    iso_datetime,
    prepared_rows,
    raw_rows,
    require,
    utc_now,
)
from favorbook.services.dates import local_date

DIRECTIONS = ("inbound", "outbound", "in_person")
CHANNELS = ("call", "video", "meeting", "email", "message", "event", "other")


@dataclass
class ConversationView:
    id: int
    contact_id: int
    contact_name: str
    occurred_at: dt.datetime
    channel: str
    direction: str
    summary: str
    problems: str
    opportunities: str
    strategies: str


def log_conversation(
    contact_id: int,
    direction: str,
    summary: str,
    *,
    channel: str = "call",
    occurred_at: dt.datetime | dt.date | str | None = None,
    problems: str = "",
    opportunities: str = "",
    strategies: str = "",
    follow_up_on: dt.date | str | None = None,
    follow_up_title: str = "",
    answers: dict[int, str] | None = None,
) -> int:
    """Log a call or meeting in one transaction, with its follow-up and the questions asked.

    ``answers`` maps question ids asked in this conversation to what was answered.
    Logging resets the contact's stay-in-touch clock.
    """
    require(Contact, contact_id, "contact")
    direction = choice(direction, DIRECTIONS, "direction")
    channel = choice(channel, CHANNELS, "channel")
    when = as_datetime(occurred_at, "occurred_at")
    if when > utc_now() + dt.timedelta(days=1):
        raise ValidationError(
            "occurred_at", "is in the future; log a conversation once it happened"
        )
    summary = clean(summary, "summary", max_len=100_000)
    problems = clean(problems, "problems", max_len=100_000)
    opportunities = clean(opportunities, "opportunities", max_len=100_000)
    strategies = clean(strategies, "strategies", max_len=100_000)
    if not (summary or problems or opportunities or strategies or answers):
        raise ValidationError("summary", "say what the conversation was about")
    due = as_date(follow_up_on, "follow_up_on") if follow_up_on else None
    with db.atomic():
        conversation = Conversation.create(
            contact=contact_id,
            occurred_at=when,
            channel=channel,
            direction=direction,
            summary=summary,
            problems=problems,
            opportunities=opportunities,
            strategies=strategies,
            created_at=utc_now(),
        )
        if due is not None:
            title = follow_up_title or (summary.splitlines()[0][:80] if summary else "Follow up")
            followups.add_followup(contact_id, due, title, conversation_id=conversation.id)
        for question_id, answer in (answers or {}).items():
            questions.record_answer(
                contact_id,
                question_id,
                answer,
                asked_on=local_date(when),
                conversation_id=conversation.id,
            )
        contacts.refresh_interaction(contact_id)
    return conversation.id


def delete_conversation(conversation_id: int) -> None:
    conversation = require(Conversation, conversation_id, "conversation")
    with db.atomic():
        conversation.delete_instance()
        contacts.refresh_interaction(conversation.contact_id)


def _log(contact_id: int | None = None, limit: int = 0):
    query = Conversation.select(
        Conversation.id,
        Conversation.contact,
        Contact.display_name,
        Conversation.occurred_at,
        Conversation.channel,
        Conversation.direction,
        Conversation.summary,
        Conversation.problems,
        Conversation.opportunities,
        Conversation.strategies,
    ).join(Contact, on=(Conversation.contact == Contact.id))
    if contact_id is not None:
        query = query.where(Conversation.contact == contact_id)
    query = query.order_by(Conversation.occurred_at.desc(), Conversation.id.desc())
    return query.limit(limit) if limit else query


def count_conversations() -> int:
    """Every conversation in the log."""
    return db.execute_sql("SELECT count(*) FROM conversation").fetchone()[0]


_WHOLE_LOG = (
    "SELECT v.id, v.contact_id, c.display_name, v.occurred_at, v.channel, v.direction,"
    " v.summary, v.problems, v.opportunities, v.strategies"
    " FROM conversation AS v NOT INDEXED JOIN contact AS c ON c.id = v.contact_id"
    " ORDER BY v.occurred_at DESC, v.id DESC"
)
"""Every conversation, newest first (the Conversations page): read in one pass and sorted
after, as the whole ledger is (``favors._WHOLE_LEDGER``)."""


def list_conversations(
    contact_id: int | None = None, *, limit: int | None = None
) -> list[ConversationView]:
    """The log, newest first; one person's when ``contact_id`` is given."""
    if contact_id is None and not limit:
        rows = db.execute_sql(_WHOLE_LOG)
    elif contact_id is None:
        rows = raw_rows(_log(limit=limit))
    elif limit:  # a contact's briefing, its tab: the SQL made once
        rows = prepared_rows("conversations.last_of", _log, contact_id, limit)
    else:
        rows = prepared_rows("conversations.of", _log, contact_id)
    return [
        ConversationView(cid, contact, name, iso_datetime(when), *rest)
        for cid, contact, name, when, *rest in rows
    ]


@dataclass
class InteractionStats:
    total: int
    inbound: int
    last_at: dt.datetime | None

    @property
    def inbound_share(self) -> float | None:
        """Share of conversations they started: the sign of a real relationship."""
        return round(self.inbound / self.total, 2) if self.total else None


def _stats_of(contact_id: int):
    return Conversation.select(
        fn.COUNT(Conversation.id),
        fn.COALESCE(fn.SUM((Conversation.direction == "inbound").cast("INTEGER")), 0),
        fn.MAX(Conversation.occurred_at),
    ).where(Conversation.contact == contact_id)


def interaction_stats(contact_id: int) -> InteractionStats:
    (total, inbound, last), *_ = prepared_rows("conversations.stats_of", _stats_of, contact_id)
    if isinstance(last, str):
        last = dt.datetime.fromisoformat(last)
    return InteractionStats(total, inbound, last)


@dataclass(frozen=True)
class ConversationSnapshot:
    """A conversation's row and the follow-ups and answers linked to it, before deleting it."""

    row: dict
    followup_ids: tuple[int, ...]
    asked_ids: tuple[int, ...]


def conversation_snapshot(conversation_id: int) -> ConversationSnapshot:
    from favorbook.db.models import FollowUp, QuestionAsked

    require(Conversation, conversation_id, "conversation")
    row = Conversation.select().where(Conversation.id == conversation_id).dicts().get()
    followup_ids = tuple(
        f.id
        for f in FollowUp.select(FollowUp.id)
        .where(FollowUp.conversation == conversation_id)
        .order_by(FollowUp.id)
    )
    asked_ids = tuple(
        a.id
        for a in QuestionAsked.select(QuestionAsked.id)
        .where(QuestionAsked.conversation == conversation_id)
        .order_by(QuestionAsked.id)
    )
    return ConversationSnapshot(row, followup_ids, asked_ids)


def restore_conversation(snapshot: ConversationSnapshot) -> int:
    """Put a deleted conversation back (same id unless taken) and relink what was linked.

    Deleting a conversation keeps its follow-ups and answers (they lose the link);
    restoring links them to it again and recomputes the contact's stay-in-touch clock.
    """
    from favorbook.db.models import FollowUp, QuestionAsked

    row = dict(snapshot.row)
    require(Contact, row["contact"], "contact")
    with db.atomic():
        if Conversation.get_or_none(Conversation.id == row["id"]) is not None:
            del row["id"]
        conversation_id = Conversation.insert(**row).execute()
        if snapshot.followup_ids:
            FollowUp.update(conversation=conversation_id).where(
                FollowUp.id.in_(snapshot.followup_ids) & FollowUp.conversation.is_null()
            ).execute()
        if snapshot.asked_ids:
            QuestionAsked.update(conversation=conversation_id).where(
                QuestionAsked.id.in_(snapshot.asked_ids) & QuestionAsked.conversation.is_null()
            ).execute()
        contacts.refresh_interaction(row["contact"])
    return conversation_id
