"""favorbook's older layout of the device sync on a DAV account, as it was written before
each device had collections of its own (every object in ``favorbook-vault/``, named
``<device id>-0000000001.ics``): the tests make vaults in it to upgrade from, and run
devices that still have the older favorbook. Its ``DavStore`` as it was, verbatim but for
``expect`` (the engine's call the older one did not make)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from favorbook.errors import NotFoundError
from favorbook.sync.vault.crypto import VaultError
from favorbook.sync.vault.davstore import (
    COLLECTION,
    GET_WORKERS,
    ICS_TYPE,
    KEY_NAME,
    PART_BYTES,
    decode,
    encode,
    members,
)

_HEAD = re.compile(r"^([0-9a-f]{16})-(S?)([0-9]{10})\.ics$")


class LegacyDavStore:
    """The vault in the collection at ``url``, through ``client`` (a DavClient)."""

    def __init__(self, client, url: str, account: str):
        self.client = client
        self.url = url if url.endswith("/") else url + "/"
        self.account = account
        self._listing: dict[str, str] | None = None  # entry name -> ETag ("": not asked)
        self._fetched: dict[str, bytes | None] = {}

    @classmethod
    def for_account(cls, name: str, url: str, password: str | None = None) -> LegacyDavStore:
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

    def begin(self, me, positions, joining=False) -> None:
        """(Not in the older favorbook: its engine read the whole listing each time.)"""

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
