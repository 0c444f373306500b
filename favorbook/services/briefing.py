"""One contact's briefing: every fact the screens and the contact sheet show about them.

The profile, its at-a-glance summary, call preparation, the referral and vetting tabs and
the contact sheet all render from ``briefing(contact_id, limits)``; none of them gathers
these facts itself. The tabs read it through ``shared``, once per change of the data: the
tabs of one contact opened one after the other share one reading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from favorbook.db import database
from favorbook.db.models import db
from favorbook.errors import NotFoundError
from favorbook.services import (
    contacts,
    conversations,
    favors,
    followups,
    questions,
    referrals,
    vetting,
)
from favorbook.services._common import today


@dataclass(frozen=True)
class Limits:
    """How much of each list a briefing holds (None: all of it); totals are always whole."""

    conversations: int | None = 3
    ious: int | None = None
    """Open IOUs each way."""
    followups: int | None = None
    questions: int = 5
    """Questions worth asking now."""
    answers: int | None = None
    answered_only: bool = False
    """Only the questions they gave an answer to (not those merely asked)."""
    notes: int | None = None
    include_private: bool = True
    """Private notes too; a contact sheet leaves them out unless asked."""
    chain: int | None = None
    """How far up the chain of who brought whom."""
    photo: bool = False


SCREEN = Limits()
"""What the contact's tabs show: every open IOU, follow-up, answer and note."""


@dataclass(frozen=True)
class Briefing:
    """Where things stand with one person, as of ``on``.

    ``contact`` is their profile (identity, name details, channels, tags, how we met,
    needs, goals, offers, stay-in-touch), without notes: those are in ``notes``.
    """

    contact_id: int
    on: dt.date
    limits: Limits
    contact: contacts.ContactDetail
    photo: bytes | None
    balance: favors.Balance
    owed_to_me: tuple[favors.FavorView, ...]
    """Open IOUs of favors I gave, oldest first."""
    i_owe: tuple[favors.FavorView, ...]
    stats: conversations.InteractionStats
    conversations: tuple[conversations.ConversationView, ...]
    """The last conversations, newest first, with what was learned."""
    followups: tuple[followups.FollowUpView, ...]
    """Open follow-ups, earliest first."""
    followups_total: int
    referrals: referrals.ContactReferrals
    chain: tuple[tuple[int, str], ...]
    """(id, name) of who brought them, who brought that person, ... nearest first."""
    vetting: vetting.VettingView
    suggestions: tuple[questions.Suggestion, ...]
    answers: tuple[questions.AnswerView, ...]
    """What they answered, newest first."""
    answers_total: int
    notes: tuple[contacts.NoteView, ...]
    """Newest first; private ones only with ``limits.include_private``."""
    notes_total: int

    @property
    def name(self) -> str:
        return self.contact.display_name

    @property
    def open_ious(self) -> list[favors.FavorView]:
        """Open IOUs both ways, oldest first."""
        return sorted((*self.owed_to_me, *self.i_owe), key=lambda f: (f.occurred_on, f.id))

    @property
    def owed_to_me_total(self) -> int:
        return self.balance.open_owed_to_me

    @property
    def i_owe_total(self) -> int:
        return self.balance.open_i_owe

    def touch_due(self) -> bool:
        """Their stay-in-touch day has come."""
        due = self.contact.touch_due_on
        return due is not None and due <= self.on


def _cap(items, limit: int | None) -> tuple:
    return tuple(items if limit is None else items[:limit])


def _answers(contact_id: int, limits: Limits) -> tuple[list[questions.AnswerView], dict]:
    """What they were asked (newest first), and the last day each question was asked."""
    rows = db.execute_sql(
        "SELECT a.question_id, q.text, a.asked_on, a.answer FROM question_asked a "
        "JOIN question q ON q.id = a.question_id WHERE a.contact_id = ? "
        "ORDER BY a.asked_on DESC, a.id DESC",
        (contact_id,),
    )
    answers, last = [], {}
    for qid, text, asked_on, answer in rows:
        day = questions.as_day(asked_on)
        last.setdefault(qid, day)
        if not limits.answered_only or answer.strip():
            answers.append(questions.AnswerView(qid, text, day, answer))
    return answers, last


def briefing(contact_id: int, limits: Limits = SCREEN, *, on: dt.date | None = None) -> Briefing:
    """One person's briefing as of ``on`` (today), cut to ``limits``; NotFoundError when
    there is no such contact. ``shared`` keeps it until the data changes."""
    on = on or today()
    found = contacts.details([contact_id], include_private=limits.include_private)
    detail = found[0]
    photo = contacts.photo_of(contact_id) if limits.photo else None
    bal = favors.balance(contact_id)
    ious = favors.open_ious(contact_id=contact_id)
    mine = [f for f in ious if f.direction == "given"]
    theirs = [f for f in ious if f.direction == "received"]
    stats = conversations.interaction_stats(contact_id)
    talks = (
        conversations.list_conversations(contact_id, limit=limits.conversations)
        if limits.conversations != 0
        else []
    )
    open_fu = followups.open_followups(contact_id=contact_id)
    links = referrals.for_contact(contact_id)
    chain = referrals.chain_up(contact_id)
    chain = chain if limits.chain is None else chain[: limits.chain]
    names = contacts.names(chain)
    answers, last_asked = _answers(contact_id, limits)
    suggestions = questions.rank(
        {f: getattr(detail, f) for f in questions.FILLS_LABELS},
        last_asked,
        talks=stats.total,
        has_referred=bool(links.brought),
        on=on,
        limit=limits.questions,
    )
    notes = detail.notes
    return Briefing(
        contact_id=contact_id,
        on=on,
        limits=limits,
        contact=dataclasses.replace(detail, notes=[]),
        photo=photo[0] if photo and photo[0] else None,
        balance=bal,
        owed_to_me=_cap(mine, limits.ious),
        i_owe=_cap(theirs, limits.ious),
        stats=stats,
        conversations=tuple(talks),
        followups=_cap(open_fu, limits.followups),
        followups_total=len(open_fu),
        referrals=links,
        chain=tuple((i, names.get(i, "")) for i in chain),
        vetting=vetting.read(contact_id),
        suggestions=tuple(suggestions),
        answers=_cap(answers, limits.answers),
        answers_total=len(answers),
        notes=_cap(notes, limits.notes),
        notes_total=len(notes),
    )


_KEPT = 4
_cache: dict[tuple, Briefing] = {}
_conn = None
_mark: tuple[int, int] | None = None


def shared(contact_id: int, limits: Limits = SCREEN) -> Briefing:
    """``briefing(contact_id, limits)`` as of today, kept until anything is written to the
    database (``database.write_mark``): the tabs of one contact, opened one after
    another, read it once."""
    global _conn, _mark
    if not contact_id:
        raise NotFoundError(f"No contact with id {contact_id}; it may have been deleted.")
    on = today()
    conn = db.connection()
    mark = database.write_mark()
    if conn is not _conn or mark != _mark:
        _cache.clear()
        _conn, _mark = conn, mark
    key = (contact_id, limits, on)
    found = _cache.get(key)
    if found is None:
        found = briefing(contact_id, limits, on=on)
        if len(_cache) >= _KEPT:
            _cache.pop(next(iter(_cache)))
        _cache[key] = found
    return found


def forget() -> None:
    """Drop every kept briefing (tests, a database closed)."""
    global _conn, _mark
    _cache.clear()
    _conn = _mark = None
