"""Where the vault's objects live: what a storage offers the engine, and which one is on.

Two storages implement ``Transport``: ``folder.FolderStore`` (a folder another program
keeps in step) and ``davstore.DavStore`` (a collection of its own on the rep's CalDAV
account). The engine (``engine.py``) talks to either through these methods only, so
sealing, reading in order, refusing what fails its check and applying stay one code.

A folder is kept in ``vault_state.folder``; an account in the ``vault_account`` setting
(``{"account": name, "url": collection URL}``; a setting that never travels), so that
no schema change was needed. At most one of the two is set.
"""

from __future__ import annotations

import json
from typing import Protocol

from favorbook.db.models import db
from favorbook.sync.store import VAULT_ACCOUNT_SETTING as SETTING


class Transport(Protocol):
    """A storage of sealed objects, each device writing only its own, each object once."""

    place: str
    """The storage in messages: "the sync folder", "the collection favorbook-vault of ..."."""

    def where(self) -> str:
        """The storage in words, for messages ("the sync folder /x", "account 'work'")."""

    def check(self) -> None:
        """VaultError, in one sentence, when the storage cannot be reached or is gone."""

    def read_key(self) -> bytes | None: ...

    def write_key(self, data: bytes) -> None: ...

    def begin(self, me: str, positions: dict[str, int], joining: bool = False) -> None:
        """A sync of device ``me`` starts: the devices it read from so far, and how far
        (``positions``), or that it is joining (a storage may then look at less)."""

    def devices(self) -> list[str]:
        """The ids of the devices that wrote objects there."""

    def names(self, device: str) -> list[int]:
        """The numbers of ``device``'s log objects, ascending."""

    def snapshots(self, device: str) -> list[int]: ...

    def get(self, device: str, seq: int) -> bytes | None: ...

    def get_snapshot(self, device: str, seq: int) -> bytes | None: ...

    def put(self, device: str, name: str, data: bytes) -> None:
        """Write one object of this device (again: the same bytes are a no-op)."""

    def prefetch(self, device: str, numbers: list[int]) -> None:
        """Fetch these log objects ahead (several at once where that is faster)."""

    def close(self) -> None: ...


def account_binding() -> dict | None:
    """{"account": name, "url": collection URL} when the vault goes through an account."""
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (SETTING,)).fetchone()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    if not isinstance(value, dict) or not value.get("account") or not value.get("url"):
        return None
    return value


def bind_account(name: str | None, url: str | None = None) -> None:
    """Make the vault go through account ``name`` (its collection at ``url``); None: none."""
    if name is None:
        db.execute_sql("DELETE FROM setting WHERE key = ?", (SETTING,))
        return
    db.execute_sql(
        "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
        (SETTING, json.dumps({"account": name, "url": url})),
    )


def location(st: dict | None) -> dict | None:
    """{"folder": path} or {"account": name, "url": url}: where the vault is; None: nowhere."""
    if st is None:
        return None
    if st["folder"]:
        return {"folder": st["folder"]}
    return account_binding()


def open_transport(st: dict | None, password: str | None = None) -> Transport | None:
    """The storage the vault goes through now, or None when it is off."""
    where = location(st)
    if where is None:
        return None
    if "folder" in where:
        from favorbook.sync.vault.folder import FolderStore

        return FolderStore(where["folder"])
    from favorbook.sync.vault.davstore import DavStore

    return DavStore.for_account(where["account"], where["url"], password)
