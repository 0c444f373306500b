"""How the last sync went, in words: for the status bar and the Preferences › Accounts list.

An account stores the time of its last sync and either the JSON of its SyncReport
(a sync that finished) or the error text (a sync that failed); ``outcome_of`` reads
them back, so the status bar says the same after a restart.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from favorbook.services.dates import local_datetime_text
from favorbook.services.terms import counted

REPORT_KEYS = ("pushed", "pulled", "deleted", "conflicts", "errors")


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


@dataclass(frozen=True)
class Outcome:
    """One sync's end: when (naive UTC), which account, whether it finished, and its words."""

    when: dt.datetime | None
    account: str
    ok: bool
    text: str
    """The report's summary ("3 sent, 2 received") or the error message."""
    cancelled: bool = False
    stopped: bool = False
    """A guard stopped it before any change (it waits for the rep's answer)."""
    problems: tuple[str, ...] = ()
    """Items the sync could not do (the report's errors), for the tooltip."""
    peers: tuple[str, ...] = ()
    """The rep's other devices, one line each with their last change seen here."""


def utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    """A stored or aware time as naive UTC (the way the database keeps times)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def when_text(value: dt.datetime | None, today: dt.date | None = None) -> str:
    """A stored (naive UTC) time in the local zone: "14:02" today, the day and time before."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone()
    if local.date() == (today or dt.date.today()):
        return local.strftime("%H:%M")
    return local_datetime_text(value)


def summary_of(account: str, fields: dict) -> str:
    """The report's own one-line summary, from its JSON fields."""
    from favorbook.sync.engine import SyncReport

    report = SyncReport(account=account, **{k: fields[k] for k in REPORT_KEYS if k in fields})
    return report.summary()


def outcome_of(info) -> Outcome | None:
    """The last sync of an ``accounts.AccountInfo``, or None when it never synced."""
    result = (info.last_result or "").strip()
    if info.last_sync_at is None and not result:
        return None
    when = utc_naive(info.last_sync_at)
    try:
        fields = json.loads(result) if result.startswith("{") else None
    except ValueError:
        fields = None
    if isinstance(fields, dict) and set(fields) & set(REPORT_KEYS):
        problems = tuple(str(e) for e in fields.get("errors") or ())
        return Outcome(when, info.name, True, summary_of(info.name, fields), problems=problems)
    return Outcome(when, info.name, False, result or _tr("no result was recorded"))


def outcome_text(outcome: Outcome, *, name_account: bool = False) -> str:
    """ "Synced 14:02 · 3 sent, 2 received", or "Sync failed 14:02 — <message>"."""
    when = when_text(outcome.when)
    who = f"{outcome.account}: " if name_account else ""
    if outcome.cancelled:
        head = _tr("Sync cancelled %1").replace("%1", when).strip()
        return f"{who}{head} · {outcome.text}" if outcome.text else who + head
    if outcome.ok:
        head = _tr("Synced %1").replace("%1", when).strip()
        return f"{who}{head} · {outcome.text}" if outcome.text else who + head
    if outcome.stopped:
        head = _tr("Sync stopped %1").replace("%1", when).strip()
        return f"{who}{head} — {outcome.text} " + _tr("Use Sync Now to decide.")
    head = _tr("Sync failed %1").replace("%1", when).strip()
    return f"{who}{head} — {outcome.text}"


def short_result(outcome: Outcome | None) -> str:
    """For the accounts list: "2026-11-21 14:02 · 3 sent, 2 received" or "never"."""
    if outcome is None:
        return _tr("never")
    when = when_text(outcome.when)
    if outcome.cancelled:
        return _tr("%1 · cancelled").replace("%1", when)
    if outcome.ok:
        return f"{when} · {outcome.text}" if outcome.text else when
    return _tr("%1 · failed").replace("%1", when)


def long_result(outcome: Outcome | None) -> str:
    """For the selected account: the whole last result, the error message included."""
    if outcome is None:
        return _tr("Not synced yet. Use File › Sync Now.")
    text = outcome_text(outcome)
    if outcome.problems:
        text += "\n" + "\n".join(outcome.problems)
    return text


DEVICES = "\0devices"
"""The sync queue's name for the sync with the rep's other devices (sync/vault/)."""


def device_outcome() -> Outcome | None:
    """The last sync with the rep's other devices, read back from the database; None when
    that sync is off."""
    from favorbook.sync.vault import capture, engine

    st = capture.state()
    if st is None or not engine.is_on():  # (through a folder or an account)
        return None
    when = st["last_sync_at"]
    if isinstance(when, str):
        try:
            when = dt.datetime.fromisoformat(when)
        except ValueError:
            when = None
    try:
        fields = json.loads(st["last_result"] or "{}")
    except ValueError:
        fields = {}
    if not isinstance(fields, dict):
        fields = {}
    return Outcome(
        utc_naive(when) if isinstance(when, dt.datetime) else None,
        DEVICES,
        True,
        device_summary(fields) if when else "",
        problems=tuple(str(e) for e in fields.get("errors") or ()),
        peers=tuple(peer_line(d) for d in engine.peers()),
    )


def device_summary(fields: dict) -> str:
    """ "12 changes received" (and what was sent, the conflicts, the problems)."""
    received = int(fields.get("changes_received") or 0)
    sent = int(fields.get("changes_sent") or 0)
    conflicts = int(fields.get("conflicts") or 0)
    problems = len(fields.get("errors") or ())
    parts = [_tr("%1 received").replace("%1", counted(received, _tr("change"), _tr("changes")))]
    if sent:
        parts.append(_tr("%1 sent").replace("%1", f"{sent:,}"))
    if conflicts:
        parts.append(_tr("%1 both changed, the later edit kept").replace("%1", f"{conflicts:,}"))
    if problems:
        parts.append(counted(problems, _tr("problem"), _tr("problems")))
    return ", ".join(parts)


def peer_line(device: dict) -> str:
    """ "laptop (a4b858cf): last change 14:02", for the status bar's tooltip."""
    name = f"{device.get('name') or '?'} ({str(device.get('id') or '')[:8]})"
    try:
        changed = dt.datetime.fromisoformat(device.get("last_change_at") or "")
    except ValueError:
        return _tr("%1: nothing received yet").replace("%1", name)
    when = when_text(utc_naive(changed))
    return _tr("%1: last change %2").replace("%1", name).replace("%2", when)


def peers_text(outcome: Outcome | None) -> str:
    """The other devices, for the tooltip: one line each, or that none has synced yet."""
    if outcome is None:
        return ""
    if not outcome.peers:
        return _tr("No other device has synced through it yet.")
    return "\n".join([_tr("Your other devices:"), *outcome.peers])


def device_text(outcome: Outcome | None) -> str:
    """ "Your devices: synced 14:02 · 12 changes received", or the failure, or ""."""
    if outcome is None:
        return ""
    if outcome.when is None and outcome.ok:
        return _tr("Your devices: not synced yet")
    when = when_text(outcome.when)
    if outcome.ok:
        head = _tr("Your devices: synced %1").replace("%1", when).strip()
        return f"{head} · {outcome.text}" if outcome.text else head
    if outcome.stopped:
        return (
            _tr("Your devices: sync stopped %1").replace("%1", when).strip()
            + f" — {outcome.text} "
            + _tr("Use Sync Now to decide.")
        )
    return _tr("Your devices: sync failed %1").replace("%1", when).strip() + f" — {outcome.text}"
