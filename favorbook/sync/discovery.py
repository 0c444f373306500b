"""Finding a user's address books and task calendars from a server address (RFC 6764).

From a URL (or an e-mail address: its domain) favorbook tries the well-known URIs
``/.well-known/carddav`` and ``/.well-known/caldav``, then the address itself, asks for
the ``current-user-principal``, then the principal's ``addressbook-home-set`` and
``calendar-home-set``, and lists the collections in them: address books, and calendars
that take VTODO. DNS SRV records are not looked up (the user gives the server).

Our own PROPFINDs over ``sync.dav`` rather than the ``caldav`` library: discovery has to
cover CardDAV too (``caldav`` does not), with the same TLS / loopback policy and the
same error messages as the sync itself, and it is three requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from favorbook.errors import SyncError
from favorbook.sync.dav import CALDAV, CARDDAV, CS, DAV, AuthFailed, DavClient, Unreachable, tag


@dataclass(frozen=True)
class Collection:
    name: str
    """Display name (the last part of the URL when the server gives none)."""
    url: str
    """Absolute URL."""


@dataclass(frozen=True)
class Discovery:
    addressbooks: list[Collection]
    calendars: list[Collection]
    """Calendars that take VTODO (tasks)."""
    addressbook_home: str | None = None
    calendar_home: str | None = None
    principal: str | None = None


def server_url(text: str) -> str:
    """The server URL for what the user typed: a URL, a host name, or an e-mail address."""
    text = text.strip()
    if "://" not in text:
        if "@" in text and "/" not in text:
            text = text.rsplit("@", 1)[1]
        text = "https://" + text
    if not urlsplit(text).path:
        text += "/"
    return text


def _principal(client: DavClient, url: str) -> str | None:
    try:
        found = client.propfind(url, [(DAV, "current-user-principal")], depth=0)
    except (Unreachable, AuthFailed):
        raise
    except SyncError:
        return None
    for r in found:
        hrefs = r.hrefs(tag(DAV, "current-user-principal"))
        if hrefs:
            return urljoin(url, hrefs[0])
    return None


def _homes(client: DavClient, principal: str) -> tuple[str | None, str | None]:
    found = client.propfind(
        principal,
        [(CARDDAV, "addressbook-home-set"), (CALDAV, "calendar-home-set")],
        depth=0,
    )
    book = cal = None
    for r in found:
        books = r.hrefs(tag(CARDDAV, "addressbook-home-set"))
        cals = r.hrefs(tag(CALDAV, "calendar-home-set"))
        book = book or (urljoin(principal, books[0]) if books else None)
        cal = cal or (urljoin(principal, cals[0]) if cals else None)
    return book, cal


VAULT_COLLECTION = "favorbook-vault"
"""The collections of the sync between the rep's devices (this one, and each device's
``favorbook-vault-...``): never a tasks or events calendar."""


def _name(r, url: str) -> str:
    name = (r.text(tag(DAV, "displayname")) or "").strip()
    return name or url.rstrip("/").rsplit("/", 1)[-1] or url


def list_collections(client: DavClient, home: str, kind: str) -> list[Collection]:
    """Address books (kind "contacts"), VTODO calendars (kind "tasks") or VEVENT calendars
    (kind "events") under ``home``."""
    props = [
        (DAV, "resourcetype"),
        (DAV, "displayname"),
        (CALDAV, "supported-calendar-component-set"),
        (CS, "getctag"),
    ]
    out = []
    base = urlsplit(client.absolute(home))
    for r in client.propfind(home, props, depth=1):
        types = r.resource_types()
        url = f"{base.scheme}://{base.netloc}{r.href}"
        last = r.href.rstrip("/").rsplit("/", 1)[-1]
        if last == VAULT_COLLECTION or last.startswith(VAULT_COLLECTION + "-"):
            continue  # the sync between the rep's devices (sync/vault/davstore.py)
        if kind == "contacts" and tag(CARDDAV, "addressbook") in types:
            out.append(Collection(_name(r, url), url))
        elif kind == "tasks" and tag(CALDAV, "calendar") in types:
            comps = r.props.get(tag(CALDAV, "supported-calendar-component-set"))
            names = None if comps is None else {c.get("name", "").upper() for c in comps}
            if names is None or not names or "VTODO" in names:
                out.append(Collection(_name(r, url), url))
        elif kind == "events" and tag(CALDAV, "calendar") in types:
            comps = r.props.get(tag(CALDAV, "supported-calendar-component-set"))
            names = None if comps is None else {c.get("name", "").upper() for c in comps}
            if names is None or not names or "VEVENT" in names:
                out.append(Collection(_name(r, url), url))
    return sorted(out, key=lambda c: (c.name.lower(), c.url))


def calendar_home(client: DavClient, url: str) -> str | None:
    """The CalDAV calendar home of the account at ``url``, or None when none is found."""
    url = server_url(url)
    root = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    for candidate in (url, f"{root}/.well-known/caldav", f"{root}/"):
        principal = _principal(client, candidate)
        if principal:
            return _homes(client, principal)[1]
    return None


def discover_with(client: DavClient, url: str) -> Discovery:
    """Discovery through an existing client (the account's URL is ``url``)."""
    url = server_url(url)
    root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    principal = None
    for candidate in (
        url,
        f"{root}/.well-known/carddav",
        f"{root}/.well-known/caldav",
        f"{root}/",
    ):
        principal = _principal(client, candidate)
        if principal:
            break
    if principal is None:
        raise SyncError(
            f"No CardDAV or CalDAV service answers at {url}. Check the address (your "
            "provider's help names its CardDAV address) and try again."
        )
    book_home, cal_home = _homes(client, principal)
    books = list_collections(client, book_home, "contacts") if book_home else []
    cals = list_collections(client, cal_home, "tasks") if cal_home else []
    return Discovery(books, cals, book_home, cal_home, principal)


def discover(url: str, username: str, password: str, *, account: str = "") -> Discovery:
    """The user's address books and VTODO calendars at ``url`` (RFC 6764 + principal).

    SyncError (names the problem and what to do) when the server cannot be used.
    """
    url = server_url(url)
    with DavClient(url, username, password, account=account) as client:
        return discover_with(client, url)
