"""The field-level three-way merge of a contact (pure; no database, no network).

For each field of ``sync.vcard_fields`` with the base (the card last synced), the local
value and the server's: a side that did not change takes the other's change; where both
changed the same field differently, the server's value wins and the local one is
reported as a conflict (the user can restore it). Tags and the verbatim extra lines are
sets: additions and removals on both sides combine, so they never conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from favorbook.sync.vcard_fields import FIELDS, Fields, sort_key

SET_FIELDS = {"tags", "extra"}


@dataclass(frozen=True)
class FieldConflict:
    field: str
    local: object
    server: object


@dataclass
class MergeResult:
    fields: Fields
    conflicts: list[FieldConflict] = field(default_factory=list)
    local_changed: bool = False
    """The merged card differs from the local one: write it to the contact."""
    server_changed: bool = False
    """The merged card differs from the server's: send it up."""


def _set_merge(base: list, local: list, server: list) -> list:
    b, lo, s = set(base), set(local), set(server)
    out = []
    for x in dict.fromkeys([*local, *server]):
        in_l, in_s = x in lo, x in s
        # Both sides agree, or the local side changed it (the server kept the base): local.
        keep = in_l if in_l == in_s or in_l != (x in b) else in_s
        if keep:
            out.append(x)
    return sorted(out, key=sort_key)


def merge3(base: Fields, local: Fields, server: Fields) -> MergeResult:
    """Merge ``local`` and ``server`` against ``base`` field by field."""
    merged: Fields = {}
    conflicts: list[FieldConflict] = []
    for name in FIELDS:
        b, lo, s = base.get(name), local.get(name), server.get(name)
        if lo == s:
            merged[name] = s
        elif name in SET_FIELDS:
            merged[name] = _set_merge(b or [], lo or [], s or [])  # type: ignore[arg-type]
        elif lo == b:
            merged[name] = s
        elif s == b:
            merged[name] = lo
        else:
            merged[name] = s
            conflicts.append(FieldConflict(name, lo, s))
    return MergeResult(
        merged,
        conflicts,
        local_changed=any(merged[n] != local.get(n) for n in FIELDS),
        server_changed=any(merged[n] != server.get(n) for n in FIELDS),
    )


def same(a: Fields, b: Fields) -> bool:
    return all(a.get(n) == b.get(n) for n in FIELDS)
