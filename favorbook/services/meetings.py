"""Meetings in the database: which are logged, logging one, and the rep's own addresses.

A meeting occurrence is named by its UID and its start (UTC): a weekly meeting logged
on Tuesday is not logged for next Tuesday. Logging it writes one conversation per
attendee (each resets that person's stay-in-touch clock, as any logged conversation
does) and links each to the occurrence, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from favorbook.db.models import Contact, Conversation, MeetingLog, SyncAccount, db
from favorbook.errors import ValidationError
from favorbook.services import conversations, settings
from favorbook.services._common import as_datetime, clean


def _key(start_utc: dt.datetime) -> str:
    return start_utc.replace(tzinfo=None, microsecond=0).isoformat(" ")


def rep_addresses() -> set[str]:
    """The rep's own email addresses, left out of every attendee list: the ones set in
    Preferences ("my_emails") and each sync account's user name that is an address."""
    mine = {str(a).strip().lower() for a in settings.get("my_emails") or [] if str(a).strip()}
    for (username,) in SyncAccount.select(SyncAccount.username).tuples():
        if "@" in (username or ""):
            mine.add(username.strip().lower())
    return mine


def check_rep_addresses(addresses: Iterable[str]) -> list[str]:
    """The addresses cleaned (lower case, each once); ValidationError naming a bad one."""
    cleaned = []
    for value in addresses:
        value = clean(value, "my_emails", max_len=254).lower()
        if value and "@" not in value:
            raise ValidationError("my_emails", f"“{value}” is not an email address")
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def set_rep_addresses(addresses: Iterable[str]) -> None:
    """The rep's own addresses (the "my_emails" setting), left out of every meeting."""
    settings.put("my_emails", check_rep_addresses(addresses))


def logged(keys: Iterable[tuple[str, dt.datetime]]) -> dict[tuple[str, dt.datetime], list[int]]:
    """For each (uid, start UTC) that was logged, the conversations logged for it."""
    wanted = {(uid, _key(start)): (uid, start) for uid, start in keys if uid}
    out: dict[tuple[str, dt.datetime], list[int]] = {}
    if not wanted:
        return out
    uids = sorted({uid for uid, _ in wanted})
    for start in range(0, len(uids), 500):
        chunk = uids[start : start + 500]
        rows = db.execute_sql(
            "SELECT meeting_uid, starts_at, conversation_id FROM meeting_log "
            f"WHERE meeting_uid IN ({','.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        )
        for uid, starts_at, conversation_id in rows:
            key = wanted.get((uid, str(starts_at)[:19]))
            if key is not None:
                out.setdefault(key, []).append(conversation_id)
    return out


def log_meeting(
    uid: str,
    start_utc: dt.datetime,
    contact_ids: Sequence[int],
    direction: str,
    summary: str,
    *,
    channel: str = "meeting",
    occurred_at: dt.datetime | str | None = None,
    problems: str = "",
    opportunities: str = "",
    strategies: str = "",
    follow_up_on: dt.date | str | None = None,
    follow_up_title: str = "",
    answers: dict[int, str] | None = None,
) -> list[int]:
    """Log the meeting with each of ``contact_ids`` (one conversation each, the same
    text) and link them to the occurrence; their ids. All of it or nothing."""
    if not uid:
        raise ValidationError("meeting", "this event has no UID; log a conversation instead")
    people = list(dict.fromkeys(contact_ids))
    if not people:
        raise ValidationError("contacts", "no attendee of this meeting is a contact yet")
    when = as_datetime(occurred_at if occurred_at is not None else start_utc, "occurred_at")
    key = _key(start_utc)
    ids = []
    with db.atomic():
        for cid in people:
            conversation_id = conversations.log_conversation(
                cid,
                direction,
                summary,
                channel=channel,
                occurred_at=when.replace(tzinfo=dt.UTC),
                problems=problems,
                opportunities=opportunities,
                strategies=strategies,
                follow_up_on=follow_up_on,
                follow_up_title=follow_up_title,
                answers=answers,
            )
            db.execute_sql(
                "INSERT INTO meeting_log (meeting_uid, starts_at, conversation_id) VALUES (?,?,?)",
                (uid, key, conversation_id),
            )
            ids.append(conversation_id)
    return ids


def logged_with(uid: str, start_utc: dt.datetime) -> list[str]:
    """The names of the people a logged meeting occurrence was logged with."""
    rows = (
        Contact.select(Contact.display_name)
        .join(Conversation, on=(Conversation.contact == Contact.id))
        .join(MeetingLog, on=(MeetingLog.conversation == Conversation.id))
        .where((MeetingLog.meeting_uid == uid) & (MeetingLog.starts_at == _key(start_utc)))
        .order_by(Contact.sort_name)
        .tuples()
    )
    return [name for (name,) in rows]


def sheets_folder() -> str:
    """The folder meeting sheets were last written into ("" when never chosen)."""
    return str(settings.get("sheets_folder") or "")


def set_sheets_folder(folder: str) -> None:
    settings.put("sheets_folder", clean(folder, "sheets_folder", max_len=4096))
