"""One sync of an account: contacts (``sync.contacts``), then tasks (``sync.tasks``), then
the meetings calendars and the phone's inbox list (``sync.calendars``).

``sync_account`` runs off the UI thread (the window puts it on a BackgroundJob) and from
``favorbook sync``. It reports progress, can be cancelled between batches, and leaves
the database consistent at every step: each batch is committed, so a failure half-way
loses nothing and the next sync picks up where this one stopped.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from favorbook.errors import SyncError, SyncGuardTripped
from favorbook.services.terms import counted

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

_running: set[str] = set()
_running_lock = threading.Lock()


@dataclass
class SyncReport:
    account: str
    pushed: int = 0
    pulled: int = 0
    deleted: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False

    def as_json(self) -> dict:
        """Keys exactly: pushed, pulled, deleted, conflicts, errors."""
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "errors": list(self.errors),
        }

    def summary(self) -> str:
        """One line for the status bar, e.g. "3 sent, 2 received, 1 conflict"."""
        parts = []
        if self.pushed:
            parts.append(f"{self.pushed} sent")
        if self.pulled:
            parts.append(f"{self.pulled} received")
        if self.deleted:
            parts.append(f"{self.deleted} removed")
        if self.conflicts:
            parts.append(counted(self.conflicts, "conflict"))
        if self.errors:
            parts.append(counted(len(self.errors), "problem"))
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts) if parts else "up to date"


def _tasks_module():
    """``favorbook.sync.tasks`` when this build has it, else None (contacts only)."""
    try:
        return importlib.import_module("favorbook.sync.tasks")
    except ModuleNotFoundError as exc:
        if exc.name == "favorbook.sync.tasks":
            return None
        raise


def sync_account(
    name: str | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    allow_mass_delete: bool = False,
) -> SyncReport:
    """Sync one account (``name`` None: the only one) both ways; the report.

    Raises SyncError when the server fails (the message names the account and what to
    do; the next sync resumes; its ``report`` counts what was done before the failure),
    SyncGuardTripped (before any change) when the server's collection came back empty or
    too many contacts would be removed: ask the user, then call again with
    ``allow_mass_delete=True``.
    """
    from favorbook.services._common import utc_now
    from favorbook.sync import accounts, contacts, store

    row = accounts.the_account(name)
    with _running_lock:
        if row.name in _running:
            raise SyncError(f"Account {row.name!r} is syncing already; wait for it to finish.")
        _running.add(row.name)
    report = SyncReport(row.name)
    client = None
    try:
        client = accounts.client_for(row)
        how = {"progress": progress, "cancelled": cancelled, "allow_mass_delete": allow_mass_delete}
        contacts.sync_contacts(row, client, report, **how)
        tasks = _tasks_module()
        if tasks is not None and row.calendar_url and not report.cancelled:
            if cancelled is not None and cancelled():
                report.cancelled = True
            else:
                tasks.sync_tasks(row, client, report, **how)
        if not report.cancelled:
            from favorbook.sync import calendars

            calendars.sync_calendars(row, client, report, progress=progress)
    except SyncGuardTripped as exc:
        exc.report = report
        raise
    except SyncError as exc:
        # What was done before the failure stays done (each batch is committed): the
        # report says so, next to the error.
        exc.report = report
        store.update_account(row, last_sync_at=utc_now(), last_result=str(exc))
        raise
    finally:
        if client is not None:
            client.close()
        with _running_lock:
            _running.discard(row.name)
    result = json.dumps(report.as_json(), ensure_ascii=False)
    store.update_account(row, last_sync_at=utc_now(), last_result=result)
    return report
