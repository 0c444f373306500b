"""Sync accounts: set up (with discovery), list, remove, and the sync interval.

An account is a server URL, a user name and the two collections favorbook syncs with:
an address book (contacts) and a calendar taking VTODO (follow-ups and stay-in-touch
dates). The password is never in the database: ``sync.passwords`` keeps it in the
system keyring, or takes it from ``FAVORBOOK_SYNC_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from favorbook.errors import NotFoundError, SyncError, ValidationError
from favorbook.services._common import iso_datetime, utc_now
from favorbook.sync import passwords, store
from favorbook.sync.discovery import Collection, Discovery, server_url
from favorbook.sync.store import SyncAccount

__all__ = [
    "AccountInfo",
    "Collection",
    "Discovery",
    "add_account",
    "client_for",
    "discover",
    "get_account",
    "list_accounts",
    "remove_account",
    "set_interval",
]

DEFAULT_COLLECTION_NAME = "favorbook"
MAX_INTERVAL_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class AccountInfo:
    name: str
    url: str
    username: str
    addressbook_url: str | None
    calendar_url: str | None
    interval_minutes: int | None
    last_sync_at: dt.datetime | None
    last_result: str


def _info(row: SyncAccount) -> AccountInfo:
    return AccountInfo(
        name=row.name,
        url=row.url,
        username=row.username,
        addressbook_url=row.addressbook_url,
        calendar_url=row.calendar_url,
        interval_minutes=row.interval_minutes,
        last_sync_at=iso_datetime(row.last_sync_at),
        last_result=row.last_result or "",
    )


def discover(url: str, username: str, password: str) -> Discovery:
    """The address books and VTODO calendars of ``username`` at ``url`` (RFC 6764)."""
    from favorbook.sync import discovery

    return discovery.discover(url, username, password)


def _password(password: str | None) -> str:
    if password:
        return password
    env = passwords.from_env()
    if env is None:
        raise ValidationError(
            "password", f"give the account's (app) password, or set {passwords.ENV}"
        )
    return env


def _default_name(url: str, username: str) -> str:
    host = urlsplit(url).hostname or url
    return f"{username}@{host}" if username else host


def _pick(found: list[Collection], wanted: str | None, what: str, field: str) -> Collection | None:
    """The collection the user named (display name or URL), the only one, or None (create)."""
    if wanted:
        wanted_l = wanted.strip().lower()
        for c in found:
            if c.name.lower() == wanted_l or c.url.rstrip("/").lower() == wanted_l.rstrip("/"):
                return c
        if "://" in wanted:
            return Collection(wanted.rsplit("/", 2)[-2] if wanted.endswith("/") else wanted, wanted)
        if wanted_l == DEFAULT_COLLECTION_NAME:
            return None  # "favorbook" asked for and not there: create it
        raise ValidationError(
            field,
            f"the server has no {what} named “{wanted}”"
            + (f"; there are: {', '.join(c.name for c in found)}" if found else ""),
        )
    if len(found) == 1:
        return found[0]
    if not found:
        return None
    for c in found:
        if c.name.lower() == DEFAULT_COLLECTION_NAME:
            return c
    raise ValidationError(
        field, f"the server has several {what}s; pick one of: {', '.join(c.name for c in found)}"
    )


def _create(client, home: str | None, kind: str) -> str | None:
    """Create a collection named "favorbook" under ``home``; its URL (None without home)."""
    from favorbook.sync.dav import NotSupported

    if home is None:
        if kind == "contacts":
            raise SyncError(
                "The server offers no address book home for this user; favorbook cannot "
                "create an address book there. Create one with the server's web page."
            )
        return None
    home = home if home.endswith("/") else home + "/"
    last: SyncError | None = None
    # Address books and calendars often share one home (Radicale): the paths differ by kind.
    first = f"{DEFAULT_COLLECTION_NAME}-{'contacts' if kind == 'contacts' else 'tasks'}"
    for slug in (first, f"{first}-{uuid.uuid4().hex[:8]}"):
        try:
            return client.mkcol(urljoin(home, slug + "/"), DEFAULT_COLLECTION_NAME, kind)
        except NotSupported:
            raise
        except SyncError as exc:
            last = exc
    assert last is not None
    raise last


def add_account(
    url: str,
    username: str,
    password: str | None = None,
    *,
    name: str | None = None,
    addressbook: str | None = None,
    calendar: str | None = None,
) -> AccountInfo:
    """Set up a sync account: discover, pick (or create "favorbook") collections, store.

    ``addressbook`` / ``calendar``: a display name or URL from ``discover``; None takes
    the only one, or creates one named "favorbook" when there is none. The password goes
    to the keyring (``passwords.store``) unless ``FAVORBOOK_SYNC_PASSWORD`` is set.
    ValidationError for bad input (names the field), SyncError when the server fails.
    """
    from favorbook.sync.dav import DavClient
    from favorbook.sync.discovery import discover_with

    username = (username or "").strip()
    if not username:
        raise ValidationError("username", "give the user name of the account")
    if not (url or "").strip():
        raise ValidationError("url", "give the server address")
    url = server_url(url)
    password = _password(password)
    name = (name or "").strip() or _default_name(url, username)
    if store.account_named(name) is not None:
        raise ValidationError("name", f"there is already an account named “{name}”")
    client = DavClient(url, username, password, account=name)
    # The keyring first: when it cannot keep the password, nothing is created on the server.
    try:
        stored = passwords.store(name, username, password)
    except BaseException:
        client.close()
        raise
    try:
        found = discover_with(client, url)
        book = _pick(found.addressbooks, addressbook, "address book", "addressbook")
        book_url = book.url if book else _create(client, found.addressbook_home, "contacts")
        cal = _pick(found.calendars, calendar, "tasks calendar", "calendar")
        cal_url = cal.url if cal else _create(client, found.calendar_home, "tasks")
    except BaseException:
        if stored:
            passwords.forget(name, username)
        raise
    finally:
        client.close()
    row = store.create_account(
        {"contacts": book_url, "tasks": cal_url},
        name=name,
        url=url,
        username=username,
        addressbook_url=book_url,
        calendar_url=cal_url,
        created_at=utc_now(),
    )
    return _info(row)


def list_accounts() -> list[AccountInfo]:
    return [_info(r) for r in store.accounts()]


def account_row(name: str) -> SyncAccount:
    row = store.account_named(name)
    if row is None:
        known = [a.name for a in store.accounts()]
        raise NotFoundError(
            f"There is no sync account named “{name}”"
            + (
                f" (there is: {', '.join(known)})."
                if known
                else "; add one with favorbook account add."
            )
        )
    return row


def the_account(name: str | None) -> SyncAccount:
    """The account named ``name``; with None, the only account (ValidationError if 0 or > 1)."""
    if name is not None:
        return account_row(name)
    rows = store.accounts()
    if not rows:
        raise ValidationError(
            "account", "there is no sync account; add one with favorbook account add"
        )
    if len(rows) > 1:
        raise ValidationError(
            "account", f"there are several accounts; name one of: {', '.join(r.name for r in rows)}"
        )
    return rows[0]


def get_account(name: str) -> AccountInfo:
    """The account named ``name``; NotFoundError when there is none."""
    return _info(account_row(name))


def remove_account(name: str) -> None:
    """Forget an account, its bookkeeping and its password; local contacts stay as they are.

    When the sync between the rep's devices goes through it, that stops too (what changes
    here waits, and goes out when it is turned on again)."""
    row = account_row(name)
    with store.atomic():
        store.remove_account(row)  # collections, items and conflicts cascade
        store.unbind_vault_account(row.name)
    passwords.forget(row.name, row.username)


def set_interval(name: str, minutes: int | None) -> None:
    """Sync every ``minutes`` while the app is open; None (or 0) for by hand only."""
    row = account_row(name)
    if minutes:
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            raise ValidationError("interval_minutes", "must be a whole number of minutes") from None
        if not 1 <= minutes <= MAX_INTERVAL_MINUTES:
            raise ValidationError(
                "interval_minutes", f"must be from 1 to {MAX_INTERVAL_MINUTES:,} minutes"
            )
    store.update_account(row, interval_minutes=minutes or None)


def client_for(row: SyncAccount, password: str | None = None):
    """A DavClient for an account (password from the env var or the keyring)."""
    from favorbook.sync.dav import DavClient

    return DavClient(
        row.url, row.username, password or passwords.get(row.name, row.username), account=row.name
    )
