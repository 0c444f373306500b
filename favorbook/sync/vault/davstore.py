"""The storage as a collection of its own on the rep's CalDAV account, beside the address
book and the tasks calendar: ``favorbook-vault/`` under the account's calendar home.

It is a calendar that takes only VJOURNAL (journal entries, which phones and calendar apps
leave alone), because CalDAV servers store calendar objects and nothing else (Radicale
parses every object it is given). Each sealed object travels base64-encoded inside one
journal entry, named like the folder's files: ``<device id>-0000000001.ics``, a snapshot
``<device id>-S0000000050.ics``, the wrapped key ``vault-key.ics``. The entry holds no
summary, no date but a fixed stamp, nothing but the sealed bytes. An object bigger than
``PART_BYTES`` is split: ``<name>.2.ics`` ... are written first and the head, which says
how many parts there are, last, so an object is listed only once it is whole.

Each device writes only its own entries, with ``If-None-Match: *``: nothing on the server
is ever overwritten, except the key file (when the passphrase changes, ``If-Match``) and
parts of a snapshot of this device's own that a stopped sync left without their head.
Listing is one PROPFIND; objects not read yet are fetched with GET, several at once over
the kept-alive connections of ``sync.dav.DavClient`` (its TLS rules, retries and
messages).
"""

from __future__ import annotations

import base64
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

from favorbook.errors import NotFoundError, SyncError
from favorbook.sync.vault.crypto import VaultError

COLLECTION = "favorbook-vault"
"""The collection's name under the calendar home (and its display name)."""
KEY_NAME = "vault-key"
PART_BYTES = 2 * 1024 * 1024
"""Sealed bytes per journal entry at most (servers limit the size of one object)."""
CHUNK = 48_000
"""Base64 characters per property line (folded at 75 octets as iCalendar wants)."""
GET_WORKERS = 4
"""Objects fetched at once."""
_DATA, _PARTS = "X-FAVORBOOK-DATA", "X-FAVORBOOK-PARTS"
_STAMP = "20000101T000000Z"
_HEAD = re.compile(r"^([0-9a-f]{16})-(S?)([0-9]{10})\.ics$")
ICS_TYPE = "text/calendar; charset=utf-8"
XML = "application/xml; charset=utf-8"


def _fold(line: str) -> list[str]:
    out = [line[:75]]
    out.extend(" " + line[i : i + 74] for i in range(75, len(line), 74))
    return out


def encode(uid: str, data: bytes, parts: int = 1) -> str:
    """One journal entry holding ``data`` (and, in a head, how many parts there are)."""
    text = base64.b64encode(data).decode("ascii")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//favorbook//vault 1//EN",
        "BEGIN:VJOURNAL",
        f"UID:{uid}",
        f"DTSTAMP:{_STAMP}",
    ]
    if parts > 1:
        lines.append(f"{_PARTS}:{parts}")
    for start in range(0, len(text), CHUNK):
        lines.extend(_fold(f"{_DATA}:{text[start : start + CHUNK]}"))
    if not text:
        lines.append(f"{_DATA}:")
    lines += ["END:VJOURNAL", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def decode(text: str) -> tuple[bytes, int] | None:
    """(the bytes, the number of parts) of an entry; None when it is not one of ours."""
    # (str.replace, not a regular expression: a snapshot's entries are megabytes each)
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    unfolded = unfolded.replace("\n ", "").replace("\n\t", "")
    chunks, parts = [], 1
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        name = name.split(";", 1)[0].upper()
        if name == _DATA:
            chunks.append(value.strip())
        elif name == _PARTS:
            try:
                parts = max(1, int(value.strip()))
            except ValueError:
                return None
    if not chunks:
        return None
    try:
        return base64.b64decode("".join(chunks), validate=True), parts
    except ValueError:
        return None


class DavStore:
    """The vault in the collection at ``url``, through ``client`` (a DavClient)."""

    def __init__(self, client, url: str, account: str):
        self.client = client
        self.url = url if url.endswith("/") else url + "/"
        self.account = account
        self._listing: dict[str, str] | None = None  # entry name -> ETag ("": not asked)
        self._fetched: dict[str, bytes | None] = {}

    @classmethod
    def for_account(cls, name: str, url: str, password: str | None = None) -> DavStore:
        from favorbook.sync import accounts

        try:
            row = accounts.account_row(name)
        except NotFoundError:
            raise VaultError(
                f"The sync between your devices goes through the account {name!r}, which is "
                "no longer set up here. Add it again, or turn the sync on for another "
                "account or a folder."
            ) from None
        return cls(accounts.client_for(row, password), url, name)

    @property
    def place(self) -> str:
        """The storage in messages ("missing from the collection favorbook-vault of ...")."""
        return self.where()

    def where(self) -> str:
        return f"the collection {COLLECTION} of account {self.account!r}"

    def close(self) -> None:
        self.client.close()

    # --- the collection -----------------------------------------------------------------

    def check(self) -> None:
        self._list()

    def _list(self) -> dict[str, str]:
        if self._listing is None:
            responses = members(self.client, self.url, self.account, depth=1, etags=False)
            if responses is None:
                raise VaultError(
                    f"The sync between your devices has no collection {COLLECTION} on the "
                    f"server of account {self.account!r} any more (removed?). Turn it on "
                    "again for that account to make it anew."
                )
            self._listing = {
                r.href.rsplit("/", 1)[-1]: r.etag or ""
                for r in responses
                if r.status == 200 and not r.is_collection()
            }
        return self._listing

    def _heads(self) -> list[tuple[str, bool, int]]:
        out = []
        for name in self._list():
            m = _HEAD.match(name)
            if m:
                out.append((m.group(1), bool(m.group(2)), int(m.group(3))))
        return out

    def devices(self) -> list[str]:
        return sorted({device for device, _, _ in self._heads()})

    def names(self, device: str) -> list[int]:
        return sorted(n for d, snap, n in self._heads() if d == device and not snap)

    def snapshots(self, device: str) -> list[int]:
        return sorted(n for d, snap, n in self._heads() if d == device and snap)

    # --- reading ------------------------------------------------------------------------

    def _entry(self, name: str) -> tuple[bytes, int] | None:
        found = self.client.get(self.url + name + ".ics")
        if found is None:
            return None
        if found[0] and name + ".ics" in self._list():
            self._list()[name + ".ics"] = found[0]  # its ETag, should it be replaced
        return decode(found[1]) or (b"", 1)  # not ours: fails its check, is refused

    def _listed_parts(self, stem: str) -> list[str]:
        """The entries ``<stem>.2``, ``<stem>.3`` ... the listing holds, in order."""
        listing, out = self._list(), []
        while f"{stem}.{len(out) + 2}.ics" in listing:
            out.append(f"{stem}.{len(out) + 2}")
        return out

    def _fetch(self, stem: str) -> bytes | None:
        """An object's bytes, its parts fetched at once (the listing names them); None when
        it is not there; bytes that fail its check when a part is missing or not ours."""
        if stem in self._fetched:
            return self._fetched.pop(stem)
        if stem + ".ics" not in self._list():
            return None
        names = [stem, *self._listed_parts(stem)]
        if len(names) == 1:
            entries = [self._entry(stem)]
        else:
            with ThreadPoolExecutor(min(GET_WORKERS, len(names))) as pool:
                entries = list(pool.map(self._entry, names))
        if entries[0] is None:
            return None
        data, parts = entries[0]
        rest = entries[1:parts]
        if len(rest) < parts - 1 or any(part is None for part in rest):
            return b""  # a part is missing: the whole fails its check
        return b"".join([data, *(part[0] for part in rest)])

    def read_key(self) -> bytes | None:
        return self._fetch(KEY_NAME)

    def get(self, device: str, seq: int) -> bytes | None:
        return self._fetch(f"{device}-{seq:010d}")

    def get_snapshot(self, device: str, seq: int) -> bytes | None:
        return self._fetch(f"{device}-S{seq:010d}")

    def get_head(self, device: str) -> bytes | None:
        """The device's sealed note of the last object it wrote (``<device>-HEAD``)."""
        data = self._fetch(f"{device}-HEAD")
        if data is not None:  # kept: this device's own is written again next (``put``)
            self._fetched[f"{device}-HEAD"] = data
        return data

    def prefetch(self, device: str, numbers: list[int]) -> None:
        stems = [f"{device}-{n:010d}" for n in numbers]
        stems = [s for s in stems if s not in self._fetched and s + ".ics" in self._list()]
        if len(stems) < 2:
            return
        with ThreadPoolExecutor(GET_WORKERS) as pool:
            for stem, data in zip(stems, pool.map(self._fetch, stems), strict=True):
                self._fetched[stem] = data

    # --- writing ------------------------------------------------------------------------

    def _put(self, name: str, text: str, *, replace: bool = False) -> None:
        from favorbook.sync.dav import PreconditionFailed

        href = self.url + name + ".ics"
        etag = self._etag(name) if replace else self._list().get(name + ".ics")
        try:
            if etag is not None and replace:
                new = self.client.put(href, text, etag=etag or None, content_type=ICS_TYPE)
            else:
                new = self.client.put(href, text, create=True, content_type=ICS_TYPE)
        except PreconditionFailed:
            if not replace:
                raise
            raise VaultError(
                f"{name} in {self.where()} changed on the server meanwhile (another device "
                "at the same moment?); sync again."
            ) from None
        self._list()[name + ".ics"] = new or ""

    def _etag(self, name: str) -> str | None:
        """The entry's ETag (asked now when the listing has none); None: it is not there."""
        listing = self._list()
        if listing.get(name + ".ics") == "":
            found = self.client.get(self.url + name + ".ics")
            if found is None:
                del listing[name + ".ics"]
            else:
                listing[name + ".ics"] = found[0]
        return listing.get(name + ".ics")

    def write_key(self, data: bytes) -> None:
        self._put(KEY_NAME, encode(KEY_NAME, data), replace=True)

    def put(self, device: str, name: str, data: bytes) -> None:
        stem = f"{device}-{name}"
        pieces = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
        listed = stem + ".ics" in self._list()
        if listed and self._fetch(stem) == data:
            return  # written before a sync was stopped: nothing to do
        # (Only a snapshot or the head can be there with other bytes, a log object is
        # checked by the engine first: an older one of this device's own, replaced.)
        for k in range(len(pieces), 1, -1):
            self._put_own(f"{stem}.{k}", encode(f"{stem}.{k}", pieces[k - 1]))
        if listed:  # with the ETag it was just read with
            self._put(stem, encode(stem, pieces[0], len(pieces)), replace=True)
        else:
            self._put_own(stem, encode(stem, pieces[0], len(pieces)))

    def _put_own(self, name: str, text: str) -> None:
        """Create the entry; one of this device's own left by a stopped sync is replaced."""
        from favorbook.sync.dav import PreconditionFailed

        try:
            self._put(name, text)
        except PreconditionFailed:
            found = self.client.get(self.url + name + ".ics")
            if found is not None and found[1] == text:
                return
            self._list()[name + ".ics"] = found[0] if found else ""
            self._put(name, text, replace=True)


def members(client, url: str, account: str, depth: int, etags: bool = True):
    """The responses of a PROPFIND on the collection ``url`` (the collection itself left
    out); None when it is not there (a 404, or a 207 saying 404 as Xandikos does).
    ``etags``: ask for each member's ETag too (a server may read every entry whole to
    answer: Radicale's listing of a vault of 100,000 contacts took twice as long)."""
    from favorbook.sync.dav import norm_href, parse_multistatus

    etag = b"<d:getetag/>" if etags else b""
    resp = client.request(
        "PROPFIND",
        url,
        body=b'<?xml version="1.0" encoding="utf-8"?>\n<d:propfind xmlns:d="DAV:">'
        b"<d:prop>" + etag + b"<d:resourcetype/></d:prop></d:propfind>",
        headers={"Depth": str(depth), "Content-Type": XML},
        ok=(207, 404, 410),
    )
    if resp.status_code != 207:
        return None
    try:
        responses, _ = parse_multistatus(resp.content, resp.url)
    except ValueError as exc:
        raise SyncError(
            f"Account {account!r}: the server's reply was cut off or broken ({exc}). "
            "Sync again; nothing was lost."
        ) from None
    base = norm_href(url, url).rstrip("/")
    own = [r for r in responses if r.href.rstrip("/") == base]
    if not own or any(r.status in (404, 410) for r in own):
        return None
    return [r for r in responses if r.href.rstrip("/") != base]


def _under(client, home: str) -> str:
    home = client.absolute(home)
    return urljoin(home if home.endswith("/") else home + "/", COLLECTION + "/")


def find_or_create(client, account_row) -> str:
    """The URL of the account's ``favorbook-vault`` collection, made when it is not there."""
    from favorbook.sync import discovery

    home = discovery.calendar_home(client, account_row.url)
    if home is None and account_row.calendar_url:
        home = account_row.calendar_url.rstrip("/").rsplit("/", 1)[0] + "/"
    if home is None:
        raise VaultError(
            f"The server of account {account_row.name!r} offers no calendar home, where "
            "favorbook keeps the sync between your devices. Sync through a folder instead."
        )
    url = _under(client, home)
    if members(client, url, account_row.name, depth=0) is not None:
        return url
    from favorbook.sync.dav import (
        AuthFailed,
        PreconditionFailed,
        ServerFailed,
        Unreachable,
        mkcol_body,
    )

    # MKCALENDAR first: Xandikos keeps the component set (VJOURNAL only) from it, not from
    # an extended MKCOL, and a calendar without one would be offered as a tasks calendar.
    body = mkcol_body(COLLECTION, "journal")
    body = body.replace(b"<d:mkcol ", b"<cal:mkcalendar ").replace(
        b"</d:mkcol>", b"</cal:mkcalendar>"
    )
    body = body.replace(b"<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>", b"")
    try:
        client.request("MKCALENDAR", url, body=body, headers={"Content-Type": XML}, ok=(201,))
    except PreconditionFailed:
        raise
    except SyncError:
        try:
            client.mkcol(url, COLLECTION, "journal")
        except (AuthFailed, Unreachable, ServerFailed):
            raise
        except SyncError as exc:
            raise VaultError(
                f"The server of account {account_row.name!r} would not make the collection "
                f"{COLLECTION} (a calendar of journal entries) for the sync between your "
                f"devices ({exc}). Sync through a folder instead."
            ) from exc
    return url


def key_file_of(name: str, password: str | None = None) -> bytes | None:
    """The wrapped vault key in the account ``name``'s collection; None when there is none
    yet (no collection, or an empty one): a new vault, whose passphrase is chosen now.
    Nothing is created on the server."""
    from favorbook.sync import accounts, discovery

    row = accounts.account_row(name)
    client = accounts.client_for(row, password)
    try:
        home = discovery.calendar_home(client, row.url)
        if home is None:
            return None
        url = _under(client, home)
        if members(client, url, row.name, depth=0) is None:
            return None
        return DavStore(client, url, row.name).read_key()
    finally:
        client.close()
