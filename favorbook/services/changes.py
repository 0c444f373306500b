"""What a write changed: the flags every change announces and every view listens for.

A write through the services ends with one ``Change`` naming the kinds of stored data it
touched; the window passes it to every view (``ui/bus.py``), and a view reloads only when
the change meets what it shows (``Change.CONTACTS | Change.FAVORS`` for the ledger, say).
Loading the sample network, an import, a restored backup or a sync say ``EVERYTHING``.
"""

from __future__ import annotations

import enum


class Change(enum.Flag):
    CONTACTS = enum.auto()
    """A contact's own details: names, channels, tags, notes, photo, archive state."""
    FAVORS = enum.auto()
    """The ledger: favors given and received, IOUs, settlements, write-offs."""
    CONVERSATIONS = enum.auto()
    """The call log, with what was learned and the questions answered."""
    FOLLOWUPS = enum.auto()
    """Follow-ups: added, rescheduled, done."""
    REFERRALS = enum.auto()
    """Who referred whom, outcomes, thanks and credits."""
    VETTING = enum.auto()
    """Vetting records, criteria and notes."""
    QUESTIONS = enum.auto()
    """The question bank."""
    SETTINGS = enum.auto()
    """Preferences: the ratio target, the stay-in-touch cadence, the region."""
    SYNC = enum.auto()
    """Accounts, what a sync brought or left in conflict."""
    EVERYTHING = (
        CONTACTS | FAVORS | CONVERSATIONS | FOLLOWUPS | REFERRALS | VETTING | QUESTIONS
    ) | (SETTINGS | SYNC)


LEDGER = Change.FAVORS | Change.CONVERSATIONS | Change.FOLLOWUPS
"""What a contact's history is made of: the ledger, the call log and the follow-ups."""

NETWORK = Change.REFERRALS | Change.VETTING
"""Who the rep may recommend, and who referred whom."""
