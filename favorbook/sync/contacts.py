"""Contact sync with a CardDAV address book (placeholder until the full engine lands)."""

from __future__ import annotations


def sync_contacts(
    account, client, report, *, progress=None, cancelled=None, allow_mass_delete=False
) -> None:
    raise NotImplementedError
