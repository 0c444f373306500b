"""The headline figures of the rep's network, as ``favorbook stats`` prints them."""

from __future__ import annotations

import datetime as dt

from favorbook.services import contacts, favors, followups


def summary(on: dt.date | None = None) -> dict:
    """Keys are a contract of ``favorbook stats --json``; keep them stable."""
    bal = favors.balance()
    return {
        "contacts": contacts.count_contacts(),
        "favors_given": bal.given,
        "favors_received": bal.received,
        "give_take_ratio": bal.ratio,
        "target_ratio": bal.target,
        "open_ious_owed_to_me": bal.open_owed_to_me,
        "open_ious_i_owe": bal.open_i_owe,
        "followups_overdue": len(followups.overdue(on)),
        "stay_in_touch_due": followups.stay_in_touch_due_count(on),
    }
