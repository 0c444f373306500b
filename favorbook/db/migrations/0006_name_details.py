"""What vendor cards say about a name and a role, kept instead of lost on import.

``full_name`` is the name a card shows (vCard FN, CSV "Display Name") when it is not
the one favorbook builds from the name's parts ("Dr. Ann Lee" from prefix, first and
last name); empty when it is. The rest are the parts of a vCard name beside first and
last (N's prefix and suffix, NICKNAME, the phonetic names of X-PHONETIC-* and
SORT-STRING), ROLE, and the units of ORG after the organization ("Sales; EMEA").

Contacts already synced with a CardDAV server get FN, N's prefix and suffix and ORG's
units from the card last synced (``sync_item.base_text``): favorbook read none of them
before, so without this the first sync after the upgrade would see them "removed"
locally and take them off the server. Custom labels (X-ABLabel) were stored in lower
case and are now kept as written; those of synced contacts get their case back from the
same card, for the same reason.
"""

import re

COLUMNS = (
    "full_name",
    "name_prefix",
    "name_suffix",
    "nickname",
    "phonetic_first_name",
    "phonetic_last_name",
    "role",
    "department",
)
_ESCAPES = {"n": "\n", "N": "\n"}


def _unescape(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text).strip()


def _value(card, name):
    match = re.search(rf"(?im)^(?:[\w-]+\.)?{name}(?:;[^:\r\n]*)?:(.*?)\r?$", card)
    return match.group(1) if match else None


def _parts(value):
    return [_unescape(p) for p in re.split(r"(?<!\\);", value)]


def custom_labels(text):
    """The user's own X-ABLabel values of a card (not Apple's _$!<...>!$_ built-ins)."""
    card = re.sub(r"\r?\n[ \t]", "", text)
    labels = re.findall(r"(?im)^[\w-]+\.X-ABLABEL(?:;[^:\r\n]*)?:(.*?)\r?$", card)
    out = []
    for label in labels:
        label = _unescape(label)[:50]
        if label and not label.startswith("_$!<") and label != label.lower():
            out.append(label)
    return out


def details_from_card(text, first_name, last_name):
    """{column: value} of what the card ``text`` says beside first and last name."""
    card = re.sub(r"\r?\n[ \t]", "", text)  # unfolded
    out = {}
    n = _value(card, "N")
    if n is not None:
        parts = [*_parts(n), "", "", "", "", ""]
        out["name_prefix"], out["name_suffix"] = parts[3], parts[4]
    org = _value(card, "ORG")
    if org is not None:
        units = [u for u in _parts(org) if u]
        out["department"] = "; ".join(units[1:])
    fn = _value(card, "FN")
    if fn is not None and (first_name or last_name):
        parts = (out.get("name_prefix", ""), first_name, last_name, out.get("name_suffix", ""))
        built = " ".join(p for p in parts if p)
        shown = _unescape(fn)
        out["full_name"] = shown if shown and shown != built else ""
    return {k: v for k, v in out.items() if v}


def up(migrator, db):
    for column in COLUMNS:
        db.execute_sql(f"ALTER TABLE contact ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    rows = db.execute_sql(
        "SELECT c.id, c.first_name, c.last_name, i.base_text FROM sync_item i "
        "JOIN contact c ON c.id = i.contact_id WHERE i.base_text != ''"
    ).fetchall()
    for contact_id, first, last, text in rows:
        for label in custom_labels(text):
            for table in ("contact_email", "contact_phone", "contact_link", "contact_address"):
                db.execute_sql(
                    f"UPDATE {table} SET label = ? WHERE contact_id = ? AND label = ?",
                    (label, contact_id, label.lower()),
                )
        found = details_from_card(text, first or "", last or "")
        if not found:
            continue
        sets = ", ".join(f"{k} = ?" for k in found)
        db.execute_sql(f"UPDATE contact SET {sets} WHERE id = ?", (*found.values(), contact_id))
        if first or last:  # the name shown follows, as services.contacts builds it
            parts = (found.get("name_prefix", ""), first, last, found.get("name_suffix", ""))
            shown = found.get("full_name") or " ".join(p for p in parts if p)
            db.execute_sql("UPDATE contact SET display_name = ? WHERE id = ?", (shown, contact_id))
