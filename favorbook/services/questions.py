"""Call preparation: a bank of open-ended questions, who was asked what, and what to ask next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from favorbook.db.models import Contact, Conversation, Question, QuestionAsked, Referral, db
from favorbook.errors import ValidationError
from favorbook.services._common import as_date, clean, require, today, utc_now

# The starter bank: (purpose, question, contact field an answer fills in or "").
# Open-ended on purpose: each one invites the other person to talk about their world.
STARTER: tuple[tuple[str, str, str], ...] = (
    ("Their goals", "What would make this year a great one for you?", "goals"),
    ("Their goals", "Where do you want the business to be in three years?", "goals"),
    ("Their goals", "What are you personally measured on?", "goals"),
    ("Their goals", "Which project are you proudest of right now, and why?", "goals"),
    ("Their challenges", "What is taking more of your time than it should?", "needs"),
    ("Their challenges", "What problem would you pay to have gone by next quarter?", "needs"),
    ("Their challenges", "What have you already tried that did not work?", "needs"),
    ("Their challenges", "What keeps your customers from buying more from you?", "needs"),
    ("Their business", "How did you get into this line of work?", ""),
    ("Their business", "Who are your best customers, and what makes them the best?", ""),
    ("Their business", "What is changing in your market that others have not noticed yet?", ""),
    ("Their business", "What do you do better than anyone you compete with?", "offers"),
    ("How they decide", "How does a decision like this get made on your side?", ""),
    ("How they decide", "Who else cares about how this turns out?", ""),
    ("How they decide", "What would you need to see to feel sure about a choice like this?", ""),
    ("Our relationship", "What could I do that would be most useful to you this month?", "needs"),
    ("Our relationship", "How do you prefer to stay in touch?", ""),
    ("Our relationship", "What did we do together that worked well, and what should change?", ""),
    ("Their network", "Who is the best person you know in your field, and why?", ""),
    ("Their network", "Who would you like to meet that I might know?", "needs"),
    ("Their network", "What kind of introduction would be a good one for you?", "needs"),
    ("Getting to know them", "How did we first meet, as you remember it?", "how_met"),
    ("Getting to know them", "What do you enjoy most outside of work?", ""),
    ("Getting to know them", "What are you learning at the moment?", ""),
    ("Getting to know them", "What kind of help do you like to give people?", "offers"),
)
RECENT_DAYS = 90
FILLS_LABELS = {
    "goals": "their goals",
    "needs": "their needs",
    "offers": "what they offer",
    "how_met": "how we met",
}


def ensure_starter_questions() -> int:
    """Add any starter question the bank lacks (by text); returns how many were added."""
    existing = {q.text for q in Question.select(Question.text)}
    rows = [
        {"text": text, "purpose": purpose, "fills": fills, "builtin": True}
        for purpose, text, fills in STARTER
        if text not in existing
    ]
    if rows:
        with db.atomic():
            Question.insert_many(rows).execute()
    return len(rows)


@dataclass
class QuestionView:
    id: int
    text: str
    purpose: str
    builtin: bool


def list_questions(*, include_archived: bool = False) -> list[QuestionView]:
    query = Question.select()
    if not include_archived:
        query = query.where(Question.archived_at.is_null())
    return [
        QuestionView(q.id, q.text, q.purpose, q.builtin)
        for q in query.order_by(Question.purpose, Question.id)
    ]


def add_question(text: str, purpose: str) -> int:
    text = clean(text, "text", max_len=1000)
    purpose = clean(purpose, "purpose", max_len=100) or "Other"
    if not text:
        raise ValidationError("text", "write the question")
    if Question.get_or_none(Question.text == text) is not None:
        raise ValidationError("text", "that question is already in the bank")
    return Question.create(text=text, purpose=purpose).id


def archive_question(question_id: int, archived: bool = True) -> None:
    question = require(Question, question_id, "question")
    question.archived_at = utc_now() if archived else None
    question.save(only=[Question.archived_at])


def record_answer(
    contact_id: int,
    question_id: int,
    answer: str = "",
    *,
    asked_on: dt.date | str | None = None,
    conversation_id: int | None = None,
) -> int:
    require(Contact, contact_id, "contact")
    require(Question, question_id, "question")
    return QuestionAsked.create(
        question=question_id,
        contact=contact_id,
        conversation=conversation_id,
        asked_on=as_date(asked_on, "asked_on", default=today()),
        answer=clean(answer, "answer", max_len=100_000),
    ).id


@dataclass
class AnswerView:
    question_id: int
    question: str
    asked_on: dt.date
    answer: str


def answers_for(contact_id: int) -> list[AnswerView]:
    """Every question asked to this person, newest first, with what they said."""
    query = (
        QuestionAsked.select(QuestionAsked, Question.id, Question.text)
        .join(Question)
        .where(QuestionAsked.contact == contact_id)
        .order_by(QuestionAsked.asked_on.desc(), QuestionAsked.id.desc())
    )
    return [AnswerView(a.question_id, a.question.text, a.asked_on, a.answer) for a in query]


@dataclass
class Suggestion:
    question_id: int
    text: str
    purpose: str
    reason: str


def suggest(contact_id: int, *, on: dt.date | None = None, limit: int = 5) -> list[Suggestion]:
    """Questions worth asking this person now (see ``rank``)."""
    contact = require(Contact, contact_id, "contact")
    talks = Conversation.select().where(Conversation.contact == contact_id).count()
    has_referred = (
        Referral.select().where((Referral.kind == "inbound") & (Referral.source == contact_id))
    ).exists()
    return rank(
        {f: getattr(contact, f) for f in FILLS_LABELS},
        last_asked(contact_id),
        talks=talks,
        has_referred=has_referred,
        on=on,
        limit=limit,
    )


def last_asked(contact_id: int) -> dict[int, dt.date]:
    """question id -> the last day it was asked to this person."""
    rows = db.execute_sql(
        "SELECT question_id, max(asked_on) FROM question_asked WHERE contact_id = ? "
        "GROUP BY question_id",
        (contact_id,),
    )
    return {qid: as_day(day) for qid, day in rows}


def as_day(value) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def bank() -> list[tuple[int, str, str, str]]:
    """(id, text, purpose, fills) of every question not archived, in id order."""
    return list(
        db.execute_sql(
            "SELECT id, text, purpose, fills FROM question WHERE archived_at IS NULL ORDER BY id"
        )
    )


def rank(
    known: dict[str, str],
    asked_on: dict[int, dt.date],
    *,
    talks: int,
    has_referred: bool,
    on: dt.date | None = None,
    limit: int = 5,
    questions: list[tuple[int, str, str, str]] | None = None,
) -> list[Suggestion]:
    """Questions worth asking a person now, from what is known of them.

    ``known`` holds their goals, needs, offers and how we met; ``asked_on`` the last day
    each question was asked to them; ``talks`` how many conversations were logged and
    ``has_referred`` whether they brought anyone. Left out: those asked in the last 90
    days. Preferred: those whose answer would fill something still unknown about them,
    never asked before, about their network when they have referred nobody yet, and
    getting to know them while the relationship is young. At most two per purpose.
    """
    on = on or today()
    scored = []
    for qid, text, purpose, fills in bank() if questions is None else questions:
        asked = asked_on.get(qid)
        if asked is not None and (on - asked).days < RECENT_DAYS:
            continue
        score, reasons = 0, []
        if fills and not (known.get(fills) or "").strip():
            score += 3
            reasons.append(f"we do not know {FILLS_LABELS.get(fills, fills)} yet")
        if asked is None:
            score += 2
            reasons.append("never asked")
        else:
            score += 1
            reasons.append(f"last asked {asked.isoformat()}")
        if purpose == "Their network" and not has_referred:
            score += 1
            reasons.append("they have not referred anyone yet")
        if purpose == "Getting to know them" and talks < 3:
            score += 1
            reasons.append("the relationship is young")
        scored.append((-score, qid, text, purpose, "; ".join(reasons)))
    scored.sort(key=lambda item: item[:2])
    out: list[Suggestion] = []
    per_purpose: dict[str, int] = {}
    for _, qid, text, purpose, reason in scored:
        if per_purpose.get(purpose, 0) >= 2:
            continue
        per_purpose[purpose] = per_purpose.get(purpose, 0) + 1
        out.append(Suggestion(qid, text, purpose, reason))
        if len(out) >= limit:
            break
    return out


def answers_in_conversation(conversation_id: int) -> list[AnswerView]:
    """The questions asked in one conversation, in the order they were recorded."""
    query = (
        QuestionAsked.select(QuestionAsked, Question.id, Question.text)
        .join(Question)
        .where(QuestionAsked.conversation == conversation_id)
        .order_by(QuestionAsked.id)
    )
    return [AnswerView(a.question_id, a.question.text, a.asked_on, a.answer) for a in query]


def asked_counts() -> dict[int, int]:
    """How many times each question was asked, to anyone (one grouped query)."""
    return dict(
        QuestionAsked.select(QuestionAsked.question, fn.COUNT(QuestionAsked.id))
        .group_by(QuestionAsked.question)
        .tuples()
    )


def archived_ids() -> set[int]:
    """The ids of archived questions."""
    return {q.id for q in Question.select(Question.id).where(Question.archived_at.is_null(False))}
