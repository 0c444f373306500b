"""Write contacts and the favor ledger as CSV files a spreadsheet opens safely.

Files are UTF-8 with a byte-order mark (so Excel reads accents right), CRLF line
ends, comma-separated, and written atomically.

Emails, phones, links and addresses go in numbered columns ("Email 1", "Email 1
Label", "Email 2", ...; as many as the contact with the most has), which mail
merges and other programs can use and favorbook's own generic CSV reader maps
back without help.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` (and some also after a leading tab or CR) as a formula. Every such
cell is written with a leading apostrophe (``'=1+1``), which spreadsheets show
as text. The one exception is a phone column holding nothing but a phone number
(``+1 415-555-0100``: a plus, digits, spaces, dashes, dots, parentheses and an
optional extension), which cannot call anything and must stay dialable.
favorbook's CSV reader drops the apostrophe again, so a round trip keeps the text.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Sequence

from favorbook.formats.atomic import atomic_write

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plus, then only what phone numbers are written with, at least 7 digits, maybe an extension.
_PLAIN_PHONE = re.compile(r"\+(?=(?:\D*\d){7})[\d ().-]+(?:\s*(?:ext\.?|x)\s*\d+)?")


def escape_cell(value: object, *, phone: bool = False) -> str:
    """``value`` as a cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if not text.startswith(_TRIGGERS):
        return text
    if phone and _PLAIN_PHONE.fullmatch(text):
        return text
    return "'" + text


def _escaped(cell) -> str:
    if isinstance(cell, tuple):  # (text, is_phone)
        return escape_cell(cell[0], phone=cell[1])
    return escape_cell(cell)


def _write(path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[list]) -> int:
    """Write ``rows`` under ``header``; ``rows`` hold (text, is_phone) pairs or plain values."""
    count = 0
    with atomic_write(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([escape_cell(h) for h in header])
        for row in rows:
            writer.writerow([_escaped(cell) for cell in row])
            count += 1
    return count


_ADDRESS_PARTS = (
    ("street", "Street"),
    ("city", "City"),
    ("region", "Region"),
    ("postcode", "Postal Code"),
    ("country", "Country"),
)


def write_contacts(
    path: str | os.PathLike[str],
    contact_ids: list[int] | None = None,
    *,
    include_private: bool = False,
) -> int:
    """Write one row per contact (all contacts, archived ones included, when
    ``contact_ids`` is None); private notes only with ``include_private``.
    Returns the number of contacts written."""
    from favorbook.services import contacts

    ids = contacts.list_ids(include_archived=True) if contact_ids is None else contact_ids
    details = contacts.details(list(ids), include_private=include_private)
    n_emails = max([1, *(len(d.emails) for d in details)])
    n_phones = max([1, *(len(d.phones) for d in details)])
    n_links = max([0, *(len(d.links) for d in details)])
    n_addresses = max([0, *(len(d.addresses) for d in details)])

    header = ["First Name", "Last Name", "Organization", "Title", "Kind"]
    for i in range(1, n_emails + 1):
        header += [f"Email {i}", f"Email {i} Label"]
    for i in range(1, n_phones + 1):
        header += [f"Phone {i}", f"Phone {i} Label"]
    for i in range(1, n_links + 1):
        header += [f"Link {i}", f"Link {i} Label"]
    for i in range(1, n_addresses + 1):
        header += [f"Address {i} Label"] + [f"Address {i} {name}" for _, name in _ADDRESS_PARTS]
    header += ["Tags", "Birthday", "How Met", "Referred By", "Needs", "Goals", "Offers", "Notes"]
    # The name details a vendor card brought (services.contacts.DETAILS), as columns
    # only when a contact has one, so a plain export keeps its familiar shape.
    kept = [x for x in contacts.DETAILS if any(getattr(d, x.name) for d in details)]
    details_kept = [x.name for x in kept]
    header += [x.csv_header for x in kept]

    def row(d: contacts.ContactDetail) -> list:
        cells: list = [d.first_name, d.last_name, d.organization, d.title, d.kind]
        for i in range(n_emails):
            item = d.emails[i] if i < len(d.emails) else None
            cells += [item.value, item.label] if item else ["", ""]
        for i in range(n_phones):
            item = d.phones[i] if i < len(d.phones) else None
            if item:
                cells += [(contacts.format_phone(item.value), True), item.label]
            else:
                cells += ["", ""]
        for i in range(n_links):
            item = d.links[i] if i < len(d.links) else None
            cells += [item.value, item.label] if item else ["", ""]
        for i in range(n_addresses):
            address = d.addresses[i] if i < len(d.addresses) else None
            cells.append(address.label if address else "")
            cells += [getattr(address, part) if address else "" for part, _ in _ADDRESS_PARTS]
        notes = "\n\n".join(n.body for n in reversed(d.notes))  # oldest first
        cells += [
            "; ".join(d.tags),
            d.birthday or "",
            d.how_met,
            d.referred_by_name,
            d.needs,
            d.goals,
            d.offers,
            notes,
        ]
        cells += [getattr(d, f) for f in details_kept]
        return cells

    return _write(path, header, (row(d) for d in details))


LEDGER_HEADER = (
    "Date",
    "Contact",
    "Direction",
    "Kind",
    "Description",
    "Value",
    "Expectation",
    "Status",
)


def _status(favor) -> str:
    if favor.expectation != "iou":
        return ""
    if favor.settled_by_id is not None:
        return f"settled {favor.settled_on.isoformat()}" if favor.settled_on else "settled"
    if favor.written_off_on is not None:
        return f"written off {favor.written_off_on.isoformat()}"
    return "open"


def write_ledger(path: str | os.PathLike[str], contact_id: int | None = None) -> int:
    """Write the favor ledger (one person's with ``contact_id``), oldest first.
    Returns the number of favors written."""
    from favorbook.services import favors

    views = sorted(favors.list_favors(contact_id), key=lambda f: (f.occurred_on, f.id))
    expectations = {"pay_forward": "pay it forward", "iou": "IOU"}
    rows = (
        [
            f.occurred_on.isoformat(),
            f.contact_name,
            f.direction,
            favors.KIND_LABELS.get(f.kind, f.kind),
            f.description,
            f.value,
            expectations.get(f.expectation, f.expectation),
            _status(f),
        ]
        for f in views
    )
    return _write(path, LEDGER_HEADER, rows)
