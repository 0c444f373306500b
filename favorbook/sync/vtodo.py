"""Follow-ups and stay-in-touch dates as VTODO tasks on the rep's CalDAV server.

Pure: text in, text out, no database and no network. ``icalendar`` is imported inside the
functions so that importing this module costs nothing at start-up.

- A follow-up is one VTODO whose UID is the follow-up's own uid. SUMMARY is
  "<title> — <contact name>", DUE is the day (``VALUE=DATE``), STATUS is NEEDS-ACTION or
  COMPLETED (with COMPLETED and PERCENT-COMPLETE:100 when done), DESCRIPTION names the contact
  and ``X-FAVORBOOK-CONTACT:urn:uuid:<contact uid>`` links it.
- A contact's next stay-in-touch day is one VTODO with UID ``touch-<contact uid>``,
  SUMMARY "Stay in touch — <name>" and DUE that day.

Nothing else of favorbook goes into a task: no conversation text, no notes, no favors.

When a task already exists on the server, ``to_ical`` starts from its text and changes only
the properties favorbook owns, so what a phone added (alarms, priority, its own X- properties,
a due time of day) is kept verbatim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FOLLOWUP = "followup"
TOUCH = "touch"
TOUCH_PREFIX = "touch-"
CONTACT_PROP = "X-FAVORBOOK-CONTACT"
KIND_PROP = "X-FAVORBOOK-KIND"
PRODID = "-//favorbook//favorbook sync//EN"
DASH = " — "

# The properties favorbook writes; every other one in a server's copy is kept as it is.
OWNED = (
    "SUMMARY",
    "DUE",
    "STATUS",
    "COMPLETED",
    "PERCENT-COMPLETE",
    "DESCRIPTION",
    CONTACT_PROP,
    KIND_PROP,
    "DTSTAMP",
    "LAST-MODIFIED",
    "SEQUENCE",
)


@dataclass(frozen=True)
class Task:
    """What favorbook reads from and writes to one VTODO.

    ``title`` is the follow-up's title (the SUMMARY without " — <contact name>"), empty for a
    stay-in-touch task. ``done_at`` is UTC, naive, as favorbook stores times.
    """

    uid: str
    kind: str
    title: str
    due: dt.date | None
    done: bool
    done_at: dt.datetime | None = None
    contact_uid: str | None = None
    summary: str = field(default="", compare=False)
    """The SUMMARY as read from the server (set by ``from_ical``; not compared)."""

    def fields(self) -> dict[str, object]:
        """The values a three-way merge compares (``done_at`` follows ``done``)."""
        return {"title": self.title, "due": self.due, "done": self.done}


def touch_uid(contact_uid: str) -> str:
    return TOUCH_PREFIX + contact_uid


def followup_task(
    uid: str,
    title: str,
    due_on: dt.date,
    done_at: dt.datetime | None,
    contact_uid: str | None,
) -> Task:
    return Task(uid, FOLLOWUP, title, due_on, done_at is not None, done_at, contact_uid)


def touch_task(contact_uid: str, due_on: dt.date | None) -> Task:
    return Task(touch_uid(contact_uid), TOUCH, "", due_on, False, None, contact_uid)


def summary_for(task: Task, contact_name: str) -> str:
    if task.kind == TOUCH:
        return f"Stay in touch{DASH}{contact_name}" if contact_name else "Stay in touch"
    return f"{task.title}{DASH}{contact_name}" if contact_name else task.title


def to_ical(
    task: Task,
    *,
    contact_name: str = "",
    contact_label: str = "",
    base: str = "",
    now: dt.datetime | None = None,
) -> str:
    """The VCALENDAR text of ``task``; ``base``, the server's copy, keeps what others added.

    ``contact_label`` is the contact as the description names them (e.g. "Ann Lee (CTO,
    Acme)"); it defaults to the name. ``now`` (UTC) stamps DTSTAMP and LAST-MODIFIED.
    """
    import icalendar

    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    cal, todo = _parse(base, task.uid) if base else (None, None)
    if cal is None:
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
    if todo is None:
        todo = icalendar.Todo()
        todo.add("uid", task.uid)
        todo.add("created", now)
        todo.add(
            "categories", ["favorbook", "Stay in touch" if task.kind == TOUCH else "Follow-up"]
        )
        cal.add_component(todo)
    old_due = todo.get("DUE")
    old_done_at = _utc_naive(todo.decoded("COMPLETED")) if "COMPLETED" in todo else None
    old_sequence = int(todo.get("SEQUENCE", 0) or 0)
    for name in OWNED:
        todo.pop(name, None)

    todo.add("dtstamp", now)
    todo.add("last-modified", now)
    if base:
        todo.add("sequence", old_sequence + 1)
    todo.add("summary", summary_for(task, contact_name))
    if task.due is not None:
        _set_due(todo, task.due, old_due)
    label = contact_label or contact_name
    if task.kind == TOUCH:
        todo.add("description", f"Time to get in touch with {label}." if label else "")
    else:
        todo.add("description", f"Follow-up with {label}." if label else "Follow-up.")
    if task.done:
        done_at = task.done_at or old_done_at or now.replace(tzinfo=None)
        todo.add("status", "COMPLETED")
        todo.add("completed", done_at.replace(tzinfo=dt.UTC))
        todo.add("percent-complete", 100)
    else:
        todo.add("status", "NEEDS-ACTION")
    if task.contact_uid:
        todo.add(CONTACT_PROP, f"urn:uuid:{task.contact_uid}")
    todo.add(KIND_PROP, task.kind)
    return cal.to_ical().decode("utf-8")


def from_ical(text: str, uid: str | None = None) -> Task:
    """The task in a server's VCALENDAR text (the VTODO with ``uid``, or the first one).

    Raises ValueError when the text holds no VTODO.
    """
    _cal, todo = _parse(text, uid)
    if todo is None:
        raise ValueError("no VTODO in the calendar object")
    task_uid = str(todo.get("UID", "") or uid or "")
    contact_uid = _contact_uid(todo)
    kind = str(todo.get(KIND_PROP, "") or "")
    if kind not in (FOLLOWUP, TOUCH):
        kind = TOUCH if task_uid.startswith(TOUCH_PREFIX) else FOLLOWUP
    if kind == TOUCH and contact_uid is None and task_uid.startswith(TOUCH_PREFIX):
        contact_uid = task_uid[len(TOUCH_PREFIX) :]
    summary = str(todo.get("SUMMARY", "") or "")
    title = "" if kind == TOUCH else _title(summary)
    due = _as_date(todo.decoded("DUE")) if "DUE" in todo else None
    status = str(todo.get("STATUS", "") or "").upper()
    percent = int(todo.get("PERCENT-COMPLETE", 0) or 0)
    done_at = _utc_naive(todo.decoded("COMPLETED")) if "COMPLETED" in todo else None
    if status in ("COMPLETED", "CANCELLED"):
        done = True
    elif status in ("NEEDS-ACTION", "IN-PROCESS"):
        done = False
    else:  # no STATUS: some clients only set COMPLETED or PERCENT-COMPLETE
        done = done_at is not None or percent >= 100
    return Task(task_uid, kind, title, due, done, done_at if done else None, contact_uid, summary)


def uid_of(text: str) -> str | None:
    """The UID of the first VTODO in ``text`` (None when there is none or it cannot be read)."""
    try:
        _cal, todo = _parse(text, None)
    except ValueError:
        return None
    return str(todo.get("UID")) if todo is not None and todo.get("UID") else None


# ---------------------------------------------------------------------------------------------


def _parse(text: str, uid: str | None):
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and others on bad text
        raise ValueError(f"not an iCalendar object: {exc}") from None
    todos = [c for c in cal.walk("VTODO")]
    if uid is not None:
        same = [t for t in todos if str(t.get("UID", "")) == uid]
        todos = same or todos
    return cal, (todos[0] if todos else None)


def _title(summary: str) -> str:
    """The follow-up title of a SUMMARY written as "<title> — <name>" (or edited on a phone)."""
    title, dash, _name = summary.rpartition(DASH)
    return title.strip() if dash and title.strip() else summary.strip()


def _contact_uid(todo) -> str | None:
    value = str(todo.get(CONTACT_PROP, "") or "").strip()
    if not value:
        return None
    for prefix in ("urn:uuid:", "URN:UUID:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value or None


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # the day it is where the rep is
            value = value.astimezone()
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _utc_naive(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    return None


def _set_due(todo, day: dt.date, old) -> None:
    """DUE as a day; a time of day a phone set is kept (moved to the new day if it changed)."""
    old_value = getattr(old, "dt", None)
    if isinstance(old_value, dt.datetime):
        local = old_value.astimezone() if old_value.tzinfo is not None else old_value
        if local.date() == day:
            todo["DUE"] = old
        else:
            todo.add("due", old_value + dt.timedelta(days=(day - local.date()).days))
        return
    todo.add("due", day)
