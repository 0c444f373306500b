"""The storage as collections of its own on the rep's CalDAV account, beside the address
book and the tasks calendar, under the account's calendar home:

- ``favorbook-vault/``: the wrapped key (``vault-key.ics``), and the objects written before
  this layout (see "The older layout" below);
- ``favorbook-vault-<device id>/``, one per device, small: its log objects of up to
  ``INLINE_BYTES`` (``0000000001.ics`` ...), a stub of the same name for each bigger object
  and each snapshot (``S0000000050.ics``), its sealed head (``HEAD.ics``) and ``START.ics``;
- ``favorbook-vault-<device id>-data/``: the bigger objects and the snapshots themselves.

Why: a server may read every entry of a collection whole to list it, and again to check
that a new entry's UID is free (Radicale does both, 214 MiB per 100,000 contacts). A routine
sync lists and writes only the small collections and fetches what it needs from the big
ones by name.

They are calendars that take only VJOURNAL (journal entries, which phones and calendar apps
leave alone), because CalDAV servers store calendar objects and nothing else (Radicale
parses every object it is given). Each sealed object travels base64-encoded inside one
journal entry: no summary, no date but a fixed stamp, nothing but the sealed bytes. An
object bigger than ``PART_BYTES`` is split: ``<name>.2.ics`` ... are written first and the
head, which says how many parts there are, last; in a device's collection its stub comes
after that, so an object is listed only once it is whole.

Each device writes only its own entries and collections, with ``If-None-Match: *``: nothing
on the server is ever overwritten, except the key file (when the passphrase changes,
``If-Match``), the device's head, and parts of an object of its own that a stopped sync
left unfinished. Objects are fetched with GET, several at once over the kept-alive
connections of ``sync.dav.DavClient`` (its TLS rules, retries and messages).

The older layout (favorbook before this one) kept every object in ``favorbook-vault/``,
named ``<device id>-0000000001.ics``, ``<device id>-S0000000050.ics``,
``<device id>-HEAD.ics``. Those stay where they are and are still read: a device's
``START.ics``, written when it makes its own collections and before anything goes in
them, says which of its objects are in ``favorbook-vault/`` (numbers below ``below``, the
snapshots listed), so they are fetched there by name. ``favorbook-vault/`` is listed
only when a device may be there that has no collection of its own yet: on joining, on
turning the sync on or moving it, and while a device this one reads from still runs the
older favorbook.
"""

from __future__ import annotations

import base64
import json
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
INLINE_BYTES = 64 * 1024
"""A log object up to this size goes whole into its device's small collection; a bigger
one (a first sync's, an import's) and every snapshot into its ``-data`` collection, with
a stub in the small one."""
HEAD_NAME, START_NAME = "HEAD", "START"
MAX_OLDER = 1_000_000
"""At most this many objects of a device are looked for in the older layout."""
_DATA, _PARTS, _IN = "X-FAVORBOOK-DATA", "X-FAVORBOOK-PARTS", "X-FAVORBOOK-IN"
_STAMP = "20000101T000000Z"
_HEAD = re.compile(r"^([0-9a-f]{16})-(S?)([0-9]{10})\.ics$")
_OWN = re.compile(r"^(S?)([0-9]{10})\.ics$")
_DEVICE_COLLECTION = re.compile(r"^" + COLLECTION + r"-([0-9a-f]{16})$")
ICS_TYPE = "text/calendar; charset=utf-8"
XML = "application/xml; charset=utf-8"


def _fold(line: str) -> list[str]:
    out = [line[:75]]
    out.extend(" " + line[i : i + 74] for i in range(75, len(line), 74))
    return out


def encode(uid: str, data: bytes, parts: int = 1, *, stub: bool = False) -> str:
    """One journal entry holding ``data`` (and, in a head, how many parts there are; a
    ``stub`` holds nothing and says the object is in its device's ``-data`` collection)."""
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
    if stub:
        lines.append(f"{_IN}:data")
    for start in range(0, len(text), CHUNK):
        lines.extend(_fold(f"{_DATA}:{text[start : start + CHUNK]}"))
    if not text:
        lines.append(f"{_DATA}:")
    lines += ["END:VJOURNAL", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def decode(text: str) -> tuple[bytes, int] | None:
    """(the bytes, the number of parts) of an entry; None when it is not one of ours."""
    found = _decode(text)
    return None if found is None else found[:2]


def _decode(text: str) -> tuple[bytes, int, bool] | None:
    """(the bytes, the number of parts, whether it is a stub) of an entry, or None."""
    # (str.replace, not a regular expression: a snapshot's entries are megabytes each)
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    unfolded = unfolded.replace("\n ", "").replace("\n\t", "")
    chunks, parts, stub = [], 1, False
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        name = name.split(";", 1)[0].upper()
        if name == _DATA:
            chunks.append(value.strip())
        elif name == _IN:
            stub = value.strip() == "data"
        elif name == _PARTS:
            try:
                parts = max(1, int(value.strip()))
            except ValueError:
                return None
    if not chunks:
        return None
    try:
        return base64.b64decode("".join(chunks), validate=True), parts, stub
    except ValueError:
        return None


class _Collection:
    """One collection of entries: its listing (asked once, without ETags, and only where
    that is cheap), an object read whole (its parts at once), one written (parts first, its
    head last)."""

    def __init__(self, client, url: str, account: str):
        self.client = client
        self.url = url
        self.account = account
        self.listing: dict[str, str] | None = None  # entry name -> ETag ("": not asked)

    def list(self) -> dict[str, str] | None:
        """The entries; None when the collection is not there."""
        if self.listing is None:
            responses = members(self.client, self.url, self.account, depth=1, etags=False)
            if responses is None:
                return None
            self.listing = {
                r.href.rsplit("/", 1)[-1]: r.etag or ""
                for r in responses
                if r.status == 200 and not r.is_collection()
            }
        return self.listing

    def entry(self, name: str) -> tuple[bytes, int, bool] | None:
        found = self.client.get(self.url + name + ".ics")
        if found is None:
            return None
        if found[0] and self.listing is not None:
            self.listing[name + ".ics"] = found[0]  # its ETag, should it be replaced
        return _decode(found[1]) or (b"", 1, False)  # not ours: fails its check, is refused

    def _entries(self, names: list[str]) -> list:
        if len(names) == 1:
            return [self.entry(names[0])]
        with ThreadPoolExecutor(min(GET_WORKERS, len(names))) as pool:
            return list(pool.map(self.entry, names))

    def _listed_parts(self, stem: str) -> list[str]:
        """The entries ``<stem>.2``, ``<stem>.3`` ... the listing holds, in order."""
        listing, out = self.listing or {}, []
        while f"{stem}.{len(out) + 2}.ics" in listing:
            out.append(f"{stem}.{len(out) + 2}")
        return out

    def fetch(self, stem: str) -> tuple[bytes, bool] | None:
        """(an object's bytes, whether it is a stub); None when it is not there; bytes that
        fail its check when a part is missing or not ours. Listed: its parts are fetched
        with it; not listed: its head first, which says how many parts follow."""
        if self.listing is not None and stem + ".ics" not in self.listing:
            return None
        names = [stem, *self._listed_parts(stem)] if self.listing is not None else [stem]
        entries = self._entries(names)
        if entries[0] is None:
            return None
        data, parts, stub = entries[0]
        if stub:
            return b"", True
        if self.listing is None and parts > 1:
            entries += self._entries([f"{stem}.{k}" for k in range(2, parts + 1)])
        rest = entries[1:parts]
        if len(rest) < parts - 1 or any(part is None for part in rest):
            return b"", False  # a part is missing: the whole fails its check
        return b"".join([data, *(part[0] for part in rest)]), False

    # --- writing ------------------------------------------------------------------------

    def put_object(self, stem: str, data: bytes, *, stub: bool = False) -> None:
        """Write an object (again: a listed one is replaced with the ETag it was read with)."""
        pieces = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
        for k in range(len(pieces), 1, -1):
            self.put_own(f"{stem}.{k}", encode(f"{stem}.{k}", pieces[k - 1]))
        head = encode(stem, pieces[0], len(pieces), stub=stub)
        if self.listing is not None and stem + ".ics" in self.listing:
            self.put_entry(stem, head, replace=True)
        else:
            self.put_own(stem, head)

    def put_entry(
        self, name: str, text: str, *, replace: bool = False, etag: str | None = None
    ) -> None:
        from favorbook.sync.dav import PreconditionFailed

        href = self.url + name + ".ics"
        if replace and etag is None:
            etag = self.etag(name)
        try:
            if etag is not None and replace:
                new = self.client.put(href, text, etag=etag or None, content_type=ICS_TYPE)
            else:
                new = self.client.put(href, text, create=True, content_type=ICS_TYPE)
        except PreconditionFailed:
            if not replace:
                raise
            raise VaultError(
                f"{name} in the collection {self.url.rstrip('/').rsplit('/', 1)[-1]} of "
                f"account {self.account!r} changed on the server meanwhile (another device "
                "at the same moment?); sync again."
            ) from None
        if self.listing is not None:
            self.listing[name + ".ics"] = new or ""

    def etag(self, name: str) -> str | None:
        """The entry's ETag (asked now when the listing has none); None: it is not there."""
        listing = self.listing
        if listing is not None and name + ".ics" not in listing:
            return None
        if listing is None or listing[name + ".ics"] == "":
            found = self.client.get(self.url + name + ".ics")
            if listing is not None:
                if found is None:
                    del listing[name + ".ics"]
                else:
                    listing[name + ".ics"] = found[0]
            return None if found is None else found[0]
        return listing[name + ".ics"]

    def put_own(self, name: str, text: str) -> None:
        """Create the entry; one of this device's own left by a stopped sync is replaced."""
        from favorbook.sync.dav import PreconditionFailed

        try:
            self.put_entry(name, text)
        except PreconditionFailed:
            found = self.client.get(self.url + name + ".ics")
            if found is not None and found[1] == text:
                if self.listing is not None:
                    self.listing[name + ".ics"] = found[0]
                return
            if found is None:
                self.put_entry(name, text)
            else:
                self.put_entry(name, text, replace=True, etag=found[0])


class DavStore:
    """The vault in the collections of the account's calendar home: ``url`` is
    ``favorbook-vault/``'s, the devices' own ones are beside it; through ``client`` (a
    DavClient)."""

    def __init__(self, client, url: str, account: str):
        self.client = client
        self.url = url if url.endswith("/") else url + "/"
        self.account = account
        self.home = self.url.rstrip("/").rsplit("/", 1)[0] + "/"
        self.root = _Collection(client, self.url, account)
        self._home: set[str] | None = None  # the names of the collections in the home
        self._own: dict[str, _Collection] = {}
        self._data: dict[str, _Collection] = {}
        self._starts: dict[str, dict | None] = {}
        self._fetched: dict[tuple[str, str], bytes | None] = {}
        self._expected: dict[str, int] | None = None
        self._joining = False

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

    def _gone(self) -> VaultError:
        return VaultError(
            f"The sync between your devices has no collection {COLLECTION} on the "
            f"server of account {self.account!r} any more (removed?). Turn it on "
            "again for that account to make it anew."
        )

    # --- the collections ----------------------------------------------------------------

    def check(self) -> None:
        if members(self.client, self.url, self.account, depth=0, etags=False) is None:
            raise self._gone()

    def begin(self, me: str, positions: dict[str, int], joining: bool = False) -> None:
        """A sync of device ``me`` starts: its collections are made if they are not there
        (so the others read it here from now on, even before it sends anything new). The
        devices it has read from (``positions``), or that it is joining, say whether the
        older layout's collection must be listed: only when one of them may be there
        alone."""
        self._expected, self._joining = dict(positions), joining
        self._settle(me)

    def _home_names(self) -> set[str]:
        if self._home is None:
            responses = members(self.client, self.home, self.account, depth=1, etags=False)
            self._home = {
                r.href.rstrip("/").rsplit("/", 1)[-1] for r in responses or [] if r.is_collection()
            }
        return self._home

    def _own_collection(self, device: str) -> _Collection:
        """The device's small collection (listed when first read)."""
        if device not in self._own:
            own = _Collection(self.client, f"{self.home}{COLLECTION}-{device}/", self.account)
            if f"{COLLECTION}-{device}" not in self._home_names():
                own.listing = {}
            self._own[device] = own
        return self._own[device]

    def _data_collection(self, device: str) -> _Collection:
        """The device's collection of big objects (never listed: read by name)."""
        if device not in self._data:
            url = f"{self.home}{COLLECTION}-{device}-data/"
            self._data[device] = _Collection(self.client, url, self.account)
        return self._data[device]

    def _start(self, device: str) -> dict | None:
        """What the device's ``START`` says (``below``: its objects with lower numbers are
        in the older layout, as are ``snapshots``); None: no collection of its own yet."""
        if device not in self._starts:
            info = None
            own = self._own_collection(device)
            if own.list() is None:
                own.listing = {}
            found = own.fetch(START_NAME)
            if found is not None:
                # (Not sealed: it says where objects are, as their names do. Altered, it can
                # only make some unseen or missing, which their own checks and the head tell;
                # it is held to what can be true: below the device's first object here.)
                first = min(
                    (
                        int(m.group(2))
                        for n in own.listing or {}
                        if (m := _OWN.match(n)) and not m.group(1)
                    ),
                    default=MAX_OLDER,
                )
                try:
                    doc = json.loads(found[0])
                    info = {
                        "below": max(1, min(int(doc["below"]), first, MAX_OLDER)),
                        "snapshots": [int(n) for n in doc["snapshots"][:MAX_OLDER]],
                    }
                except (ValueError, KeyError, TypeError):
                    info = {"below": 1, "snapshots": []}  # altered: its older objects unseen
            self._starts[device] = info
        return self._starts[device]

    def _legacy(self) -> dict[str, str]:
        """The older layout's listing, when a device may be there that has no collection of
        its own (else nothing: its objects are fetched by name)."""
        needed = (
            self._expected is None
            or self._joining
            or any(self._start(d) is None for d in self._expected)
        )
        if not needed:
            return {}
        listing = self.root.list()
        if listing is None:
            raise self._gone()
        return listing

    def _legacy_heads(self, listing: dict[str, str] | None = None) -> list[tuple[str, bool, int]]:
        out = []
        for name in self._legacy() if listing is None else listing:
            m = _HEAD.match(name)
            if m:
                out.append((m.group(1), bool(m.group(2)), int(m.group(3))))
        return out

    def devices(self) -> list[str]:
        found = {
            m.group(1)
            for name in self._home_names()
            if (m := _DEVICE_COLLECTION.match(name)) and self._start(m.group(1)) is not None
        }
        found |= {device for device, _, _ in self._legacy_heads()}
        return sorted(found)

    def _numbers(self, device: str, snap: bool) -> list[int]:
        start = self._start(device)
        if start is None:
            return sorted(n for d, s, n in self._legacy_heads() if d == device and s == snap)
        own = self._own_collection(device).list() or {}
        found = {
            int(m.group(2)) for name in own if (m := _OWN.match(name)) and bool(m.group(1)) == snap
        }
        older = start["snapshots"] if snap else range(1, start["below"])
        return sorted(found.union(older))

    def names(self, device: str) -> list[int]:
        return self._numbers(device, snap=False)

    def snapshots(self, device: str) -> list[int]:
        return self._numbers(device, snap=True)

    # --- reading ------------------------------------------------------------------------

    def _object(self, device: str, name: str) -> bytes | None:
        if (device, name) in self._fetched:
            return self._fetched.pop((device, name))
        start = self._start(device)
        if start is not None:
            found = self._own_collection(device).fetch(name)
            if found is not None:
                data, stub = found
                if not stub:
                    return data
                inner = self._data_collection(device).fetch(name)
                return b"" if inner is None or inner[1] else inner[0]  # gone: fails its check
            if name.startswith("S"):
                older = int(name[1:]) in start["snapshots"]
            else:
                older = name == HEAD_NAME or int(name) < start["below"]
            if not older:
                return None
        found = self.root.fetch(f"{device}-{name}")
        return None if found is None else found[0]

    def read_key(self) -> bytes | None:
        found = self.root.fetch(KEY_NAME)
        return None if found is None else found[0]

    def get(self, device: str, seq: int) -> bytes | None:
        return self._object(device, f"{seq:010d}")

    def get_snapshot(self, device: str, seq: int) -> bytes | None:
        return self._object(device, f"S{seq:010d}")

    def get_head(self, device: str) -> bytes | None:
        """The device's sealed note of the last object it wrote (``HEAD``)."""
        data = self._object(device, HEAD_NAME)
        if data is not None:  # kept: this device's own is written again next (``put``)
            self._fetched[(device, HEAD_NAME)] = data
        return data

    def prefetch(self, device: str, numbers: list[int]) -> None:
        names = [f"{n:010d}" for n in numbers]
        names = [n for n in names if (device, n) not in self._fetched]
        if len(names) < 2:
            return
        self._start(device)
        self._data_collection(device)
        with ThreadPoolExecutor(GET_WORKERS) as pool:
            for name, data in zip(
                names, pool.map(lambda n: self._object(device, n), names), strict=True
            ):
                self._fetched[(device, name)] = data

    # --- writing ------------------------------------------------------------------------

    def write_key(self, data: bytes) -> None:
        self.root.put_entry(KEY_NAME, encode(KEY_NAME, data), replace=True)

    def put(self, device: str, name: str, data: bytes) -> None:
        own = self._settle(device)
        if name + ".ics" in (own.list() or {}) and self._object(device, name) == data:
            return  # written before a sync was stopped: nothing to do
        # (Only a snapshot or the head can be there with other bytes, a log object is
        # checked by the engine first: an older one of this device's own, replaced.)
        if name == HEAD_NAME or (not name.startswith("S") and len(data) <= INLINE_BYTES):
            own.put_object(name, data)
        else:
            self._data_collection(device).put_object(name, data)
            own.put_object(name, b"", stub=True)

    def _settle(self, device: str) -> _Collection:
        """The device's collections, made with their ``START`` when they are not there yet
        (once: it lists the older layout's collection to say which objects are there)."""
        if self._start(device) is not None:
            return self._own_collection(device)
        listing = self.root.list()
        if listing is None:
            raise self._gone()
        older = [(s, n) for d, s, n in self._legacy_heads(listing) if d == device]
        info = {
            "below": max((n for s, n in older if not s), default=0) + 1,
            "snapshots": sorted(n for s, n in older if s),
        }
        for name in (f"{COLLECTION}-{device}", f"{COLLECTION}-{device}-data"):
            if name not in self._home_names():
                make_collection(self.client, self.home + name + "/", self.account, name)
                self._home_names().add(name)
        own = self._own_collection(device)
        own.listing = None
        if own.list() is None:
            raise self._gone()
        own.put_own(START_NAME, encode(START_NAME, json.dumps(info).encode()))
        self._starts[device] = info
        return own


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
    make_collection(client, url, account_row.name, COLLECTION)
    return url


def make_collection(client, url: str, account: str, name: str) -> None:
    """A calendar of journal entries at ``url`` (one that is there already is left so)."""
    from favorbook.sync.dav import (
        AuthFailed,
        PreconditionFailed,
        ServerFailed,
        Unreachable,
        mkcol_body,
    )

    # MKCALENDAR first: Xandikos keeps the component set (VJOURNAL only) from it, not from
    # an extended MKCOL, and a calendar without one would be offered as a tasks calendar.
    body = mkcol_body(name, "journal")
    body = body.replace(b"<d:mkcol ", b"<cal:mkcalendar ").replace(
        b"</d:mkcol>", b"</cal:mkcalendar>"
    )
    body = body.replace(b"<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>", b"")
    try:
        client.request("MKCALENDAR", url, body=body, headers={"Content-Type": XML}, ok=(201,))
    except PreconditionFailed:
        raise
    except SyncError:
        if members(client, url, account, depth=0, etags=False) is not None:
            return  # made meanwhile (a sync stopped just after making it)
        try:
            client.mkcol(url, name, "journal")
        except (AuthFailed, Unreachable, ServerFailed):
            raise
        except SyncError as exc:
            raise VaultError(
                f"The server of account {account!r} would not make the collection "
                f"{name} (a calendar of journal entries) for the sync between your "
                f"devices ({exc}). Sync through a folder instead."
            ) from exc


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
