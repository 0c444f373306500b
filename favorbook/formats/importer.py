"""Reading a contact file: which kind it is (vCard, CSV, neither), and its records.

    parsed = read_file(path)            # vCard or CSV; NotAContactFile otherwise

What is done with the records (planned against the network, applied in one
transaction) is ``services.importing``'s: this module only reads files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from favorbook.errors import NotAContactFile
from favorbook.services._common import without_gc_pauses
from favorbook.services.importing import ImportCancelled, ParsedFile

__all__ = ["ImportCancelled", "looks_like_vcard", "read_file", "sniff"]


# --- reading ------------------------------------------------------------------------------


_SNIFF_CHUNK = 65_536
_MAX_BLANK = 64 * 1024 * 1024  # leading blank space read past before giving up


def _head_text(head: bytes) -> str:
    from favorbook.formats import encoding

    codec, skip = encoding.unicode_encoding(head)
    if codec:
        return head[skip:].decode(codec, errors="ignore")
    return head.decode("latin-1")


def looks_like_vcard(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts a vCard, whatever blank lines,
    BOM or UTF-16 byte order come first."""
    return _head_text(head).lstrip().lower().startswith("begin:vcard")


def _looks_binary(head: bytes) -> bool:
    """Bytes no text file starts with: an archive, an image, a document, or many controls."""
    from favorbook.formats import encoding

    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"%PDF", b"\x89PNG")):
        return True
    if head.startswith((b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"SQLite format 3")):
        return True
    if encoding.unicode_encoding(head)[0]:
        return False
    sample = head[:4000]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in sample or controls > len(sample) // 20


def sniff(path: str | os.PathLike[str]) -> str:
    """ "vcard", "csv" (any other text: the CSV reader decides) or "empty" (nothing but
    blank space); NotAContactFile (naming the file) when it cannot be read or is binary.

    Blank lines before the first card are read past, however many there are.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_CHUNK)
            if not looks_like_vcard(head) and _looks_binary(head):
                raise NotAContactFile(
                    f"{path} is not a vCard or CSV file (it holds binary data, not text)."
                )
            start = head
            read = len(head)
            while not _head_text(start).strip() and read < _MAX_BLANK:
                more = handle.read(_SNIFF_CHUNK)
                if not more:
                    break
                read += len(more)
                # The first bytes (a BOM, the byte order) stay in front of what follows.
                start = start[:4] + more
    except OSError as exc:
        raise NotAContactFile(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    if not _head_text(start).strip():
        return "empty"
    return "vcard" if looks_like_vcard(start) else "csv"


@without_gc_pauses
def read_file(
    path: str | os.PathLike[str], *, progress: Callable[[int, int], None] | None = None
) -> ParsedFile:
    """Read a vCard or contacts CSV file; NotAContactFile (naming it) for anything else.

    A file holding nothing (an export of no contacts) reads as no records. ``progress(done,
    total)`` is called every 200 records and once at the end; raising from it
    (ImportCancelled) stops the reading. Reading writes nothing.
    """
    path = Path(path)
    kind = sniff(path)
    if kind == "empty":
        fmt = "csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else "vcard"
        return ParsedFile(path=str(path), format=fmt)
    if kind == "vcard":
        from favorbook.formats.vcard import read_vcards

        return read_vcards(path, progress=progress)
    from favorbook.formats import csv_import

    return csv_import.read_csv(path, progress=progress)
