"""What a capture from the phone most likely says: who it names and what to record.

A capture is a line the rep wrote in a task app right after a call ("Meg called:
Karen needs onboarding help, I'll do it today — IOU"). Plain rules read it:

- the contact: a full name, a last or first name, a common nickname (Meg for
  Margaret), a NICKNAME kept from a vCard, or a company with one contact; ties go
  to the person the rep talked to last;
- the record: a favor when it says who gave what ("I gave", "they owe", "IOU", "I
  owe"), a follow-up when it names a day without a conversation ("tomorrow", "next
  week", "on Friday"), else a conversation, inbound when they called, in person
  when they met.

Nothing here writes; ``apply`` turns an accepted suggestion into the record through
the usual services.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from favorbook.db.models import db

NICKNAMES = {
    "meg": "margaret",
    "maggie": "margaret",
    "peggy": "margaret",
    "bob": "robert",
    "rob": "robert",
    "bill": "william",
    "will": "william",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "mike": "michael",
    "jim": "james",
    "jimmy": "james",
    "kate": "katherine",
    "katie": "katherine",
    "tom": "thomas",
    "rick": "richard",
    "dick": "richard",
    "tony": "anthony",
    "dave": "david",
    "dan": "daniel",
    "chris": "christopher",
    "matt": "matthew",
    "sam": "samuel",
    "alex": "alexander",
    "nick": "nicholas",
    "joe": "joseph",
    "ben": "benjamin",
    "andy": "andrew",
    "steve": "stephen",
    "sue": "susan",
    "jen": "jennifer",
    "jenny": "jennifer",
    "pat": "patricia",
    "ed": "edward",
    "ted": "edward",
    "greg": "gregory",
    "jeff": "jeffrey",
    "larry": "lawrence",
    "ron": "ronald",
    "tim": "timothy",
}
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NOT_NAMES = frozenset(
    [
        "i",
        "i'll",
        "i'm",
        "im",
        "we",
        "they",
        "he",
        "she",
        "it",
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "to",
        "for",
        "of",
        "on",
        "in",
        "at",
        "with",
        "by",
        "called",
        "call",
        "calls",
        "met",
        "meet",
        "meeting",
        "lunch",
        "coffee",
        "gave",
        "give",
        "owe",
        "owes",
        "iou",
        "today",
        "tomorrow",
        "next",
        "week",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "follow",
        "up",
        "send",
        "sent",
        "need",
        "needs",
        "help",
        "me",
        "my",
        "our",
        "their",
        "them",
        "his",
        "her",
        "told",
        "said",
        "asked",
    ]
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_I_OWE = re.compile(r"\bi\s+owe\b|\bi'?m\s+in\s+(their|his|her)\s+debt\b", re.I)
_THEY_OWE = re.compile(r"\b(they|he|she)\s+owes?\b|\bowes\s+me\b|\bIOU\b", re.I)
_RECEIVED = re.compile(
    r"\b(gave|sent|got|found|introduced|referred|recommended|lent)\s+me\b|\bhelped\s+me\b"
    r"|\bthey\s+gave\b|\bfrom\s+them\b",
    re.I,
)
_GIVEN = re.compile(
    r"\bI\s+(gave|sent|introduced|referred|recommended|found|lent|helped|did|will|'ll)\b"
    r"|\bI'll\b|\bfor\s+(them|him|her)\b",
    re.I,
)
_CALLED_ME = re.compile(r"\b(\w+\s+)?called(\s+me)?\b|\brang\b|\bphoned\b", re.I)
_I_CALLED = re.compile(r"\bI\s+(called|rang|phoned)\b|\bcalled\s+(them|him|her)\b", re.I)
_MET = re.compile(r"\b(met|meeting|lunch|coffee|dinner|visited|visit)\b", re.I)
_TALK = re.compile(
    r"\b(called|call|rang|phoned|spoke|talked|chat|met|meeting|lunch|coffee)\b", re.I
)


@dataclass
class Suggestion:
    kind: str
    """"conversation", "favor" or "followup"."""
    contact_id: int | None = None
    contact_name: str = ""
    direction: str = ""
    """conversation: inbound/outbound/in_person; favor: given/received."""
    channel: str = "call"
    expectation: str = "pay_forward"
    due_on: dt.date | None = None
    text: str = ""
    reasons: list[str] = field(default_factory=list)

    def describe(self) -> str:
        who = self.contact_name or "no contact found"
        if self.kind == "favor":
            way = "given to" if self.direction == "given" else "received from"
            iou = "IOU" if self.expectation == "iou" else "pay it forward"
            return f"favor {way} {who} ({iou})"
        if self.kind == "followup":
            return f"follow-up with {who} on {self.due_on.isoformat() if self.due_on else '?'}"
        way = {"inbound": "they reached out", "outbound": "I reached out"}.get(
            self.direction, "in person"
        )
        return f"conversation with {who} ({way})"

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "contact_id": self.contact_id,
            "contact_name": self.contact_name or None,
            "direction": self.direction,
            "expectation": self.expectation if self.kind == "favor" else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "text": self.text,
        }


def due_day(text: str, on: dt.date) -> dt.date | None:
    """The day a capture names: today, tomorrow, next week (Monday), in N days, a weekday."""
    low = text.lower()
    if re.search(r"\btomorrow\b", low):
        return on + dt.timedelta(days=1)
    if re.search(r"\bnext\s+week\b", low):
        return on + dt.timedelta(days=7 - on.weekday())
    found = re.search(r"\bin\s+(\d{1,3})\s+days?\b", low)
    if found:
        return on + dt.timedelta(days=int(found.group(1)))
    found = re.search(r"\bin\s+(a|one|two|\d)\s+weeks?\b", low)
    if found:
        n = {"a": 1, "one": 1, "two": 2}.get(found.group(1)) or int(found.group(1))
        return on + dt.timedelta(days=7 * n)
    for number, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b(on\s+|next\s+)?{name}\b", low):
            ahead = (number - on.weekday()) % 7 or 7
            return on + dt.timedelta(days=ahead)
    if re.search(r"\b(today|tonight)\b", low):
        return on
    return None


def suggest(
    text: str, *, on: dt.date | None = None, nicknames: dict[str, set[int]] | None = None
) -> Suggestion:
    """The record a capture most likely asks for, and its contact (see the module).
    ``nicknames`` (``nickname_map()``) saves reading them again for each capture."""
    on = on or dt.date.today()
    found = guess_contact(text, nicknames)
    cid, name = found if found else (None, "")
    out = Suggestion("conversation", cid, name, text=text.strip())
    due = due_day(text, on)
    if _I_OWE.search(text) or _RECEIVED.search(text):
        out.kind, out.direction = "favor", "received"
        out.expectation = "iou" if _I_OWE.search(text) else "pay_forward"
        out.reasons.append("says what they did for me")
    elif _THEY_OWE.search(text) or re.search(
        r"\bI\s+(gave|sent|introduced|referred)\b", text, re.I
    ):
        out.kind, out.direction = "favor", "given"
        out.expectation = "iou" if _THEY_OWE.search(text) else "pay_forward"
        out.reasons.append("says what I gave")
    elif due is not None and not _TALK.search(text):
        out.kind, out.due_on = "followup", due
        out.reasons.append("names a day")
    else:
        if _I_CALLED.search(text):
            out.direction = "outbound"
        elif _MET.search(text):
            out.direction, out.channel = "in_person", "meeting"
        elif _CALLED_ME.search(text):
            out.direction = "inbound"
        else:
            out.direction = "outbound"
        if due is not None and due > on:
            out.due_on = due  # a conversation with a next step on that day
    return out


def nickname_map() -> dict[str, set[int]]:
    """Nicknames (casefolded) -> the contacts that have them: the contact's own (a card's
    NICKNAME, several split at commas) and any more NICKNAME lines kept from its vCard."""
    out: dict[str, set[int]] = {}
    rows = db.execute_sql(
        "SELECT id, nickname, CASE WHEN vcard_extra LIKE '%NICKNAME%' THEN vcard_extra END"
        " FROM contact WHERE archived_at IS NULL"
        " AND (nickname != '' OR vcard_extra LIKE '%NICKNAME%')"
    )
    for cid, nickname, extra in rows:
        values = [nickname]
        for line in (extra or "").splitlines():
            if line.upper().startswith("NICKNAME"):
                values.append(line.split(":", 1)[-1])
        for value in values:
            for name in value.split(","):
                if name.strip():
                    out.setdefault(name.strip().casefold(), set()).add(cid)
    return out


def _candidates(words: list[str], nicknames: dict[str, set[int]]) -> dict[int, float]:
    """Contact id -> score for the words of a capture (names, nicknames, companies).

    The full-text index (name and company columns, case and accents folded) finds
    the people any word could name; the scores are then worked out for those alone.
    """
    scores: dict[int, float] = {}
    lowered = [w.casefold().strip("'’") for w in words]
    keys = [w for w in lowered if w not in _NOT_NAMES and len(w) > 1]
    if not keys:
        return scores
    wanted = set(keys) | {NICKNAMES[k] for k in keys if k in NICKNAMES}
    terms = " OR ".join('"' + w.replace('"', "") + '"' for w in sorted(wanted))
    rows = db.execute_sql(
        "SELECT c.id, c.first_name, c.last_name, coalesce(o.name, '') FROM contact_fts f "
        "JOIN contact c ON c.id = f.rowid LEFT JOIN organization o ON o.id = c.organization_id "
        "WHERE contact_fts MATCH ? AND c.archived_at IS NULL LIMIT 5000",
        (f"{{name company}} : ({terms})",),
    )
    pairs = set(zip(lowered, lowered[1:], strict=False))
    spans = {" ".join(lowered[i : i + n]) for n in (1, 2, 3) for i in range(len(lowered))}
    for cid, first, last, org in rows:
        first, last, org = first.casefold(), last.casefold(), org.casefold()
        score = 0.0
        if (first, last) in pairs:
            score += 5
        if last and last in keys:
            score += 2
        if first and first in keys:
            score += 1.5
        elif any(NICKNAMES.get(k) == first for k in keys):
            score += 1.2
        if org and org in spans and org not in _NOT_NAMES:
            score += 1
        if score:
            scores[cid] = score
    for key in keys:
        for cid in nicknames.get(key, ()):
            scores[cid] = scores.get(cid, 0) + 3
    return scores


def guess_contact(
    text: str, nicknames: dict[str, set[int]] | None = None
) -> tuple[int, str] | None:
    """(id, name) of the contact ``text`` most likely names, or None."""
    if nicknames is None:
        nicknames = nickname_map()
    scores = _candidates(_WORD.findall(text), nicknames)
    if not scores:
        return None
    top = max(scores.values())
    best = [cid for cid, s in scores.items() if s == top]
    if len(best) > 1:  # the one the rep talked to last
        marks = ",".join("?" * len(best))
        (cid,) = db.execute_sql(
            f"SELECT id FROM contact WHERE id IN ({marks}) "
            "ORDER BY last_interaction_at IS NULL, last_interaction_at DESC, id LIMIT 1",
            best,
        ).fetchone()
    else:
        cid = best[0]
    (name,) = db.execute_sql("SELECT display_name FROM contact WHERE id = ?", (cid,)).fetchone()
    return cid, name


def apply(suggestion: Suggestion, *, when: dt.datetime | None = None) -> tuple[str, int]:
    """Write the suggested record as it stands; ("favor"/"conversation"/"followup", id)."""
    from favorbook.errors import ValidationError
    from favorbook.services import conversations, favors, followups

    if suggestion.contact_id is None:
        raise ValidationError("contact", "pick the contact this capture is about")
    text = suggestion.text
    if suggestion.kind == "favor":
        day = (when or dt.datetime.now()).date()
        return "favor", favors.log_favor(
            suggestion.contact_id,
            suggestion.direction,
            text,
            occurred_on=day,
            expectation=suggestion.expectation,
        )
    if suggestion.kind == "followup":
        return "followup", followups.add_followup(
            suggestion.contact_id, suggestion.due_on or dt.date.today(), text[:500]
        )
    return "conversation", conversations.log_conversation(
        suggestion.contact_id,
        suggestion.direction or "outbound",
        text,
        channel=suggestion.channel,
        occurred_at=when,
        follow_up_on=suggestion.due_on,
        follow_up_title=text.splitlines()[0][:80] if suggestion.due_on else "",
    )
