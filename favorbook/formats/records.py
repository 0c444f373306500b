"""What every importer yields: one record per card or row, parsed or skipped with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from favorbook.services.contacts import ContactInput

PROGRESS_EVERY = 200
"""Readers and the planner call ``progress(done, total)`` every this many records."""


@dataclass
class ParsedRecord:
    position: str
    """Where the record was in its file, for the report: "card 3", "line 14"."""
    contact: ContactInput | None = None
    """The contact read from the record; None when it was skipped."""
    problem: str = ""
    """Why the record was skipped (empty when it was read)."""
    photo: bytes | None = None
    """Raw image bytes (JPEG/PNG) when the record carried a photo."""
    note: str = ""
    """Free text from the record (vCard NOTE, CSV Notes) to keep as a note."""
    extra: dict[str, str] = field(default_factory=dict)
    """Format-specific leftovers an importer may keep (for example unknown vCard lines)."""
    uid: str = ""
    """The record's own identifier (vCard UID), matched against favorbook's contact uids;
    a new contact keeps it as its uid when no other contact has it."""
    warnings: list[str] = field(default_factory=list)
    """What the reader changed or left out on the way (a value moved to the note, a skipped
    line, a photo too big), for the report."""


@dataclass
class ParsedFile:
    path: str
    format: str
    """"vcard", "csv-google", "csv-outlook", "csv-linkedin", "csv" ..."""
    records: list[ParsedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the report says about the whole file (its text encoding was a weak guess,
    columns kept in the note or left out...)."""
