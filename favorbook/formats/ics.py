"""Follow-ups and stay-in-touch dates as an iCalendar (.ics) file.

- A follow-up is a VTODO: it is a task with a due day, and calendar programs
  with task lists (Thunderbird, Apple Reminders via Calendar, Evolution) show it
  and let it be ticked off. Its UID is the follow-up's own uid, so importing a
  newer export updates the same task instead of adding a second one.
- A stay-in-touch date is an all-day VEVENT marked free (TRANSP:TRANSPARENT):
  Google Calendar and Outlook ignore VTODOs in an imported file, and the point
  of the date is that the rep sees it on the day, in whatever calendar they use.
  Its UID is derived from the contact's uid (``stay-in-touch-<uid>@favorbook``),
  so there is one such event per contact however often the file is exported;
  a date already past is put on today, with the day it was due in the text.

Archived contacts and their follow-ups are left out.
"""

from __future__ import annotations

import datetime as dt
import os

from favorbook.formats.atomic import atomic_write

PRODID = "-//favorbook//favorbook {version}//EN"


def _followup_rows(include_done: bool):
    from peewee import JOIN

    from favorbook.db.models import Contact, Conversation, FollowUp, Organization

    query = (
        FollowUp.select(FollowUp, Contact, Organization, Conversation)
        .join(Contact, on=(FollowUp.contact == Contact.id))
        .join(Organization, join_type=JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .switch(FollowUp)
        .join(
            Conversation, join_type=JOIN.LEFT_OUTER, on=(FollowUp.conversation == Conversation.id)
        )
        .where(Contact.archived_at.is_null())
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if not include_done:
        query = query.where(FollowUp.done_at.is_null())
    return list(query)


def _touch_rows():
    from peewee import JOIN

    from favorbook.db.models import Contact, Organization

    return list(
        Contact.select(Contact, Organization)
        .join(Organization, join_type=JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.archived_at.is_null() & Contact.touch_due_on.is_null(False))
        .order_by(Contact.touch_due_on, Contact.sort_name)
    )


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _as_utc(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def _who(contact) -> str:
    org = contact.organization.name if contact.organization_id else ""
    title = contact.title
    role = ", ".join(p for p in (title, org) if p)
    return f"{contact.display_name} ({role})" if role else contact.display_name


def write_calendar(path: str | os.PathLike[str], *, include_done: bool = False) -> int:
    """Write open follow-ups (and done ones with ``include_done``) as VTODOs and each
    contact's next stay-in-touch day as an all-day VEVENT. Returns the number of items."""
    import icalendar

    from favorbook import __version__
    from favorbook.services._common import today, utc_now

    stamp = utc_now().replace(tzinfo=dt.UTC)
    on = today()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID.format(version=__version__))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "favorbook")
    count = 0

    for row in _followup_rows(include_done):
        contact = row.contact
        todo = icalendar.Todo()
        todo.add("uid", row.uid)
        todo.add("dtstamp", stamp)
        todo.add("created", _as_utc(row.created_at))
        todo.add("due", _as_date(row.due_on))
        todo.add("summary", f"Follow up: {row.title} — {contact.display_name}")
        lines = [f"With {_who(contact)}."]
        conversation = row.conversation if row.conversation_id else None
        if conversation is not None:
            when = _as_utc(conversation.occurred_at).astimezone().date().isoformat()
            lines.append(f"From the conversation on {when}: {conversation.summary}".rstrip(": "))
        todo.add("description", "\n".join(lines))
        if row.done_at:
            todo.add("status", "COMPLETED")
            todo.add("completed", _as_utc(row.done_at))
            todo.add("percent-complete", 100)
        else:
            todo.add("status", "NEEDS-ACTION")
        todo.add("categories", ["favorbook", "Follow-up"])
        cal.add_component(todo)
        count += 1

    for contact in _touch_rows():
        due = _as_date(contact.touch_due_on)
        event = icalendar.Event()
        event.add("uid", f"stay-in-touch-{contact.uid}@favorbook")
        event.add("dtstamp", stamp)
        day = max(due, on)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("summary", f"Stay in touch: {contact.display_name}")
        lines = [f"Time to get in touch with {_who(contact)}."]
        if contact.last_interaction_at:
            last = _as_utc(contact.last_interaction_at).astimezone().date().isoformat()
            lines.append(f"Last conversation: {last}.")
        if contact.cadence_days:
            lines.append(f"Cadence: every {contact.cadence_days} days.")
        if due < on:
            lines.append(f"Due since {due.isoformat()}.")
        event.add("description", "\n".join(lines))
        event.add("categories", ["favorbook", "Stay in touch"])
        cal.add_component(event)
        count += 1

    data = cal.to_ical()
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return count
