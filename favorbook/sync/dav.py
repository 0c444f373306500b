"""A small WebDAV / CardDAV client over ``requests``: what favorbook's sync needs, no more.

PROPFIND, the ``sync-collection`` REPORT (RFC 6578) with a full ETag listing where the
server has no tokens, ``addressbook-multiget`` (RFC 6352), GET, conditional PUT
(``If-None-Match: *`` for new items, ``If-Match`` for changes), conditional DELETE, and
extended MKCOL (RFC 5689) to create an address book or a tasks calendar.

Why our own client: bodies must go out byte-exact (vCards and iCalendar with CRLF line
ends; ``caldav``'s DAVClient rewrites them), every request must be conditional, and
each failure must become one SyncError naming the account and what to do.

TLS certificates are always verified; plain ``http://`` is allowed only to a loopback
address. ``requests`` is imported inside functions so that importing favorbook stays fast.
"""

from __future__ import annotations

import ipaddress
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin, urlsplit

from favorbook.errors import SyncError

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"
RADICALE = "http://radicale.org/ns/"
NAMESPACES = {"d": DAV, "card": CARDDAV, "cal": CALDAV, "cs": CS}
VCARD_TYPE = "text/vcard; charset=utf-8"
ICAL_TYPE = "text/calendar; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
DEFAULT_TIMEOUT = 30.0
MULTIGET_BATCH = 100
LOCKED_RETRIES = (0.1, 0.3, 1.0)
"""Pauses (seconds) before sending a request again that the server answered 423 Locked."""
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


class PreconditionFailed(SyncError):
    """412: the item changed on the server (If-Match) or exists already (If-None-Match)."""


class Unreachable(SyncError):
    """No answer: network down, server not running, timeout, TLS failure."""


class AuthFailed(SyncError):
    """The server refused the user name or password (401)."""


class ServerFailed(SyncError):
    """The server answered with an error of its own (5xx)."""


class TokenInvalid(SyncError):
    """The server does not know our sync token (any more): fall back to a full listing."""


class NotSupported(SyncError):
    """The server does not do what was asked (no sync-collection REPORT, no MKCOL, ...)."""


def is_loopback(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, account: str = "") -> str:
    """``url`` when it is https, or http to a loopback address; else SyncError."""
    parts = urlsplit(url)
    who = f"Account {account!r}: " if account else ""
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname:
        if is_loopback(parts.hostname):
            return url
        raise SyncError(
            f"{who}{url} is plain http; favorbook talks to a server on another machine only "
            "over https (TLS). Use the https:// address of the server."
        )
    raise SyncError(f"{who}{url!r} is not a server address; give one like https://dav.example.com")


def norm_href(href: str, base: str) -> str:
    """The path of ``href`` (relative to ``base``), unquoted: how favorbook keeps hrefs."""
    return unquote(urlsplit(urljoin(base, href)).path)


@dataclass
class DavResponse:
    """One <response> of a multistatus: its href (a path, unquoted), status and props."""

    href: str
    status: int = 200
    props: dict[str, ET.Element] = field(default_factory=dict)
    """Found properties (200 propstat) by Clark name, e.g. ``{DAV:}getetag``."""

    def text(self, name: str) -> str | None:
        el = self.props.get(name)
        return None if el is None else (el.text or "")

    @property
    def etag(self) -> str | None:
        return self.text(tag(DAV, "getetag"))

    def is_collection(self) -> bool:
        rt = self.props.get(tag(DAV, "resourcetype"))
        return rt is not None and rt.find(tag(DAV, "collection")) is not None

    def resource_types(self) -> set[str]:
        rt = self.props.get(tag(DAV, "resourcetype"))
        return set() if rt is None else {child.tag for child in rt}

    def hrefs(self, name: str) -> list[str]:
        el = self.props.get(name)
        if el is None:
            return []
        return [h.text.strip() for h in el.iter(tag(DAV, "href")) if h.text and h.text.strip()]


LIVE_PROPS = frozenset(
    tag(ns, name)
    for ns, names in (
        (
            DAV,
            "getetag getlastmodified getcontenttype getcontentlength resourcetype owner "
            "current-user-principal current-user-privilege-set supported-report-set "
            "principal-collection-set principal-URL sync-token creationdate lockdiscovery "
            "supportedlock quota-used-bytes quota-available-bytes add-member acl "
            "supported-privilege-set",
        ),
        (CS, "getctag"),
        (RADICALE, "version"),
        (CARDDAV, "supported-address-data max-resource-size"),
        (CALDAV, "supported-calendar-data max-resource-size calendar-user-address-set"),
    )
    for name in names.split()
)
"""Properties a server works out itself: never written back after a collection is replaced."""


@dataclass
class CollectionState:
    """A collection as one PROPFIND (Depth 1, allprop) saw it."""

    etag: str | None
    """The collection's own ETag (on Radicale: a hash of its members and properties)."""
    members: int
    """How many items it holds."""
    props: list[ET.Element]
    """Its properties that are not worked out by the server (displayname, color, ...)."""
    radicale: bool
    """Whether the server says it is Radicale (a ``RADICALE:version`` property)."""


def _status_code(text: str | None) -> int:
    # "HTTP/1.1 404 Not Found"
    parts = (text or "").split()
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return 200


def parse_multistatus(body: bytes, base: str) -> tuple[list[DavResponse], str | None]:
    """The responses of a 207 body and its ``sync-token`` (None when absent).

    ValueError when the body is not a multistatus (a truncated or garbled reply).
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"the server's reply is not valid XML ({exc})") from None
    if root.tag != tag(DAV, "multistatus"):
        raise ValueError(f"the server replied {root.tag} instead of a multistatus")
    out: list[DavResponse] = []
    for resp in root.findall(tag(DAV, "response")):
        href_el = resp.find(tag(DAV, "href"))
        if href_el is None or not (href_el.text or "").strip():
            continue
        item = DavResponse(norm_href(href_el.text.strip(), base))
        status = resp.find(tag(DAV, "status"))
        if status is not None:
            item.status = _status_code(status.text)
        for propstat in resp.findall(tag(DAV, "propstat")):
            code = _status_code(getattr(propstat.find(tag(DAV, "status")), "text", None))
            prop = propstat.find(tag(DAV, "prop"))
            if prop is None or code != 200:
                continue
            for child in prop:
                item.props[child.tag] = child
        out.append(item)
    token_el = root.find(tag(DAV, "sync-token"))
    token = token_el.text.strip() if token_el is not None and token_el.text else None
    return out, token


def _prop_xml(names: list[tuple[str, str]]) -> str:
    prefixes = {DAV: "d", CARDDAV: "card", CALDAV: "cal", CS: "cs"}
    return "".join(f"<{prefixes[ns]}:{name}/>" for ns, name in names)


_XMLNS = " ".join(f'xmlns:{p}="{ns}"' for p, ns in NAMESPACES.items())


def propfind_body(names: list[tuple[str, str]]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<d:propfind {_XMLNS}>'
        f"<d:prop>{_prop_xml(names)}</d:prop></d:propfind>"
    ).encode()


def sync_collection_body(token: str | None) -> bytes:
    token_xml = f"<d:sync-token>{_xml_escape(token)}</d:sync-token>" if token else "<d:sync-token/>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<d:sync-collection {_XMLNS}>'
        f"{token_xml}<d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    ).encode()


def multiget_body(hrefs: list[str], kind: str = "contacts") -> bytes:
    if kind == "contacts":
        root, data = "card:addressbook-multiget", "<card:address-data/>"
    else:
        root, data = "cal:calendar-multiget", "<cal:calendar-data/>"
    refs = "".join(f"<d:href>{_xml_escape(quote(h))}</d:href>" for h in hrefs)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<{root} {_XMLNS}>'
        f"<d:prop><d:getetag/>{data}</d:prop>{refs}</{root}>"
    ).encode()


def mkcol_body(display_name: str, kind: str) -> bytes:
    if kind == "contacts":
        types = "<d:collection/><card:addressbook/>"
        extra = ""
    else:
        # "tasks": a VTODO calendar; "journal": VJOURNAL only (the device sync's objects,
        # which phones and calendar apps do not show)
        comp = "VJOURNAL" if kind == "journal" else "VTODO"
        types = "<d:collection/><cal:calendar/>"
        extra = (
            f'<cal:supported-calendar-component-set><cal:comp name="{comp}"/>'
            "</cal:supported-calendar-component-set>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<d:mkcol {_XMLNS}><d:set><d:prop>'
        f"<d:resourcetype>{types}</d:resourcetype>"
        f"<d:displayname>{_xml_escape(display_name)}</d:displayname>{extra}"
        "</d:prop></d:set></d:mkcol>"
    ).encode()


ALLPROP_BODY = (
    f'<?xml version="1.0" encoding="utf-8"?>\n<d:propfind {_XMLNS}><d:allprop/></d:propfind>'
).encode()


def proppatch_body(props_xml: str) -> bytes:
    """A PROPPATCH setting ``props_xml`` (serialized property elements)."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<d:propertyupdate {_XMLNS}>'
        f"<d:set><d:prop>{props_xml}</d:prop></d:set></d:propertyupdate>"
    ).encode()


def props_xml(props: list[ET.Element]) -> str:
    """Property elements as text (each with its namespace), for ``proppatch_body``."""
    return "".join(ET.tostring(p, encoding="unicode") for p in props)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DavClient:
    """WebDAV requests to one server as one user. Every failure is a SyncError.

    ``account`` names the account in messages. ``session`` may be given (tests).
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        account: str = "",
        timeout: float | None = None,
        session=None,
    ):
        self.account = account
        self.url = check_url(url, account)
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        if session is None:
            import requests

            session = requests.Session()
            session.verify = True
            session.headers["User-Agent"] = "favorbook"
        session.auth = (username, password)
        self.session = session
        self.username = username
        self.password = password
        """Kept in memory for the tasks sync's CalDAV client; never written anywhere."""

    def close(self) -> None:
        """Close the pooled connections (always, when done: they are sockets)."""
        self.session.close()

    def __enter__(self) -> DavClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------

    def absolute(self, href: str) -> str:
        """The full URL of a stored href (a path) or URL."""
        if "://" in href:
            return href
        return urljoin(self.url, quote(href, safe="/@:+!$&'()*,;=~"))

    def _who(self) -> str:
        return f"Account {self.account!r}" if self.account else "The sync server"

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204, 207),
        timeout: float | None = None,
    ):
        """Send one request; the response when its status is in ``ok``, else SyncError.
        ``timeout`` (seconds): this request's own, longer than the client's (a bulk one)."""
        import requests

        url = check_url(self.absolute(url), self.account)
        try:
            for pause in (*LOCKED_RETRIES, None):
                resp = self.session.request(
                    method,
                    url,
                    data=body,
                    headers=headers or {},
                    timeout=timeout or self.timeout,
                    allow_redirects=method in ("GET", "PROPFIND"),
                )
                # 423 Locked: the server is busy with another write to the same collection
                # (Xandikos locks its git index per write, and uploads go in parallel);
                # nothing was done, so the same request is sent again a moment later.
                if resp.status_code != 423 or pause is None or 423 in ok:
                    break
                resp.close()
                time.sleep(pause)
            if resp.history:  # a redirect must not lead to plain http elsewhere
                check_url(resp.url, self.account)
        except requests.exceptions.SSLError as exc:
            raise Unreachable(
                f"{self._who()}: the server's TLS certificate cannot be verified ({_short(exc)}). "
                "Check the address; favorbook does not talk to servers it cannot verify."
            ) from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise Unreachable(
                f"{self._who()}: the server's reply was cut off. Sync again; nothing was lost."
            ) from exc
        except requests.exceptions.Timeout as exc:
            raise Unreachable(
                f"{self._who()}: the server did not answer in time. Check the connection "
                "and try again; nothing was lost."
            ) from exc
        except requests.exceptions.RequestException as exc:
            where = urlsplit(url).netloc
            why = "connection refused" if "refused" in str(exc).lower() else _short(exc)
            raise Unreachable(
                f"{self._who()}: cannot reach the server at {where} ({why}). Check the "
                "connection and the address, then sync again; nothing was lost."
            ) from exc
        if resp.status_code in ok:
            return resp
        self.raise_for(resp, method, url)

    def raise_for(self, resp, method: str, url: str):
        code = resp.status_code
        if code == 412:
            raise PreconditionFailed(f"{self._who()}: {url} changed on the server meanwhile.")
        if code in (401, 403) and b"valid-sync-token" not in (resp.content or b""):
            if code == 401:
                raise AuthFailed(
                    f"{self._who()}: the server refused the user name or password "
                    f"({self.username}). Check them (many servers need an app password), "
                    "then remove and add the account again."
                )
            raise SyncError(
                f"{self._who()}: the server does not allow {method} on {url} (403). "
                "Check the account's rights or pick another address book or calendar."
            )
        if code >= 500:
            raise ServerFailed(
                f"{self._who()}: the server failed ({code} {resp.reason}). Try again later; "
                "nothing was lost, and the next sync picks up where this one stopped."
            )
        if code in (404, 410) and method in ("REPORT", "PROPFIND"):
            raise SyncError(
                f"{self._who()}: {url} is not on the server (any more). If the address book "
                "or calendar was removed or renamed, remove the account and add it again."
            )
        raise SyncError(f"{self._who()}: {method} {url} failed ({code} {resp.reason}).")

    def _multistatus(self, resp, base: str) -> tuple[list[DavResponse], str | None]:
        try:
            return parse_multistatus(resp.content, base)
        except ValueError as exc:
            raise SyncError(
                f"{self._who()}: the server's reply was cut off or broken ({exc}). "
                "Sync again; nothing was lost."
            ) from None

    # --- WebDAV ------------------------------------------------------------------------

    def propfind(self, url: str, names: list[tuple[str, str]], depth: int = 0) -> list[DavResponse]:
        resp = self.request(
            "PROPFIND",
            url,
            body=propfind_body(names),
            headers={"Depth": str(depth), "Content-Type": XML_TYPE},
            ok=(207,),
        )
        return self._multistatus(resp, resp.url)[0]

    def options_dav(self, url: str) -> set[str]:
        """The DAV compliance classes of ``url`` (the OPTIONS ``DAV`` header), lower case."""
        resp = self.request("OPTIONS", url, ok=(200, 204))
        return {p.strip().lower() for p in resp.headers.get("DAV", "").split(",") if p.strip()}

    def sync_collection(
        self, url: str, token: str | None, *, timeout: float | None = None
    ) -> tuple[dict[str, str | None], str | None]:
        """Changes since ``token`` (None: everything): {href: etag, None when deleted}, new token.

        TokenInvalid when the server refuses the token; NotSupported when it has no
        sync-collection REPORT. ``timeout``: longer than the client's (after a bulk upload,
        the server may work out the history of every item first).
        """
        import requests

        full = self.absolute(url)
        try:
            resp = self.session.request(
                "REPORT",
                check_url(full, self.account),
                data=sync_collection_body(token),
                headers={"Depth": "1", "Content-Type": XML_TYPE},
                timeout=timeout or self.timeout,
            )
        except requests.exceptions.RequestException as exc:
            # (asking again with request() could succeed and return a bare response)
            raise Unreachable(
                f"{self._who()}: the server's list of changes did not arrive ({_short(exc)}). "
                "Check the connection, then sync again; nothing was lost."
            ) from exc
        body = resp.content or b""
        if resp.status_code in (403, 409, 400, 412) and b"valid-sync-token" in body:
            raise TokenInvalid(f"{self._who()}: the server forgot the sync token.")
        if resp.status_code in (400, 403, 405, 415, 501) or (
            resp.status_code == 207 and b"multistatus" not in body
        ):
            if token:
                # Some servers answer a bad token with a plain 403/400: start over.
                raise TokenInvalid(f"{self._who()}: the server refused the sync token.")
            raise NotSupported(f"{self._who()}: the server has no sync-collection REPORT.")
        if resp.status_code != 207:
            self.raise_for(resp, "REPORT", full)
        responses, new_token = self._multistatus(resp, full)
        base = norm_href(full, full).rstrip("/")
        changes: dict[str, str | None] = {}
        for r in responses:
            if r.href.rstrip("/") == base or r.href.endswith("/"):
                continue
            changes[r.href] = None if r.status == 404 else (r.etag or "")
        if new_token is None:
            raise NotSupported(f"{self._who()}: the server's REPORT reply had no sync token.")
        return changes, new_token

    def list_etags(self, url: str) -> dict[str, str]:
        """Every item of a collection: {href: etag} (a PROPFIND Depth 1)."""
        full = self.absolute(url)
        base = norm_href(full, full).rstrip("/")
        out = {}
        for r in self.propfind(full, [(DAV, "getetag"), (DAV, "resourcetype")], depth=1):
            if r.href.rstrip("/") == base or r.is_collection() or r.status == 404:
                continue
            out[r.href] = r.etag or ""
        return out

    def multiget(
        self, url: str, hrefs: list[str], kind: str = "contacts"
    ) -> dict[str, tuple[str, str]]:
        """{href: (etag, text)} of ``hrefs`` (those still there), in batches of 100."""
        data_name = (
            tag(CARDDAV, "address-data") if kind == "contacts" else tag(CALDAV, "calendar-data")
        )
        full = self.absolute(url)
        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(hrefs), MULTIGET_BATCH):
            chunk = hrefs[start : start + MULTIGET_BATCH]
            resp = self.request(
                "REPORT",
                full,
                body=multiget_body(chunk, kind),
                headers={"Depth": "1", "Content-Type": XML_TYPE},
                ok=(207,),
            )
            for r in self._multistatus(resp, full)[0]:
                text = r.text(data_name)
                if r.status == 200 and text:
                    out[r.href] = (r.etag or "", text)
        return out

    def calendar_query(
        self, url: str, start, end, component: str = "VEVENT"
    ) -> dict[str, tuple[str, str]]:
        """{href: (etag, text)} of the ``component`` objects of a calendar that overlap
        [start, end) (aware datetimes; a CalDAV calendar-query REPORT with a time-range,
        RFC 4791 9.9). A recurring event comes whole, its moved instances included."""
        import datetime as dt

        def utc(value) -> str:
            return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

        rng = f'<cal:time-range start="{utc(start)}" end="{utc(end)}"/>' if start else ""
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<cal:calendar-query {_XMLNS}>'
            "<d:prop><d:getetag/><cal:calendar-data/></d:prop>"
            f'<cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="{component}">'
            f"{rng}</cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"
        ).encode()
        full = self.absolute(url)
        resp = self.request(
            "REPORT", full, body=body, headers={"Depth": "1", "Content-Type": XML_TYPE}, ok=(207,)
        )
        out: dict[str, tuple[str, str]] = {}
        for r in self._multistatus(resp, full)[0]:
            text = r.text(tag(CALDAV, "calendar-data"))
            if r.status == 200 and text:
                out[r.href] = (r.etag or "", text)
        return out

    def get(self, href: str) -> tuple[str, str] | None:
        """(etag, text) of one item, or None when it is gone (404/410)."""
        resp = self.request("GET", href, ok=(200, 404, 410))
        if resp.status_code != 200:
            return None
        return resp.headers.get("ETag", ""), resp.content.decode("utf-8", errors="replace")

    def put(
        self,
        href: str,
        text: str,
        *,
        etag: str | None = None,
        create: bool = False,
        content_type: str = VCARD_TYPE,
    ) -> str | None:
        """Store ``text`` byte-exact at ``href``; its new ETag (None if the server gave none).

        ``create`` sends ``If-None-Match: *`` (never overwrite); else ``etag`` goes in
        ``If-Match``. PreconditionFailed on 412.
        """
        headers = {"Content-Type": content_type}
        if create:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        resp = self.request(
            "PUT", href, body=text.encode("utf-8"), headers=headers, ok=(200, 201, 204)
        )
        return resp.headers.get("ETag") or None

    def delete(self, href: str, etag: str | None = None) -> None:
        """Delete ``href`` (``If-Match: etag`` when given); gone already is fine."""
        headers = {"If-Match": etag} if etag else {}
        self.request("DELETE", href, headers=headers, ok=(200, 204, 404, 410))

    def mkcol(self, url: str, display_name: str, kind: str = "contacts") -> str:
        """Create an address book (or a VTODO or VJOURNAL calendar: kind "tasks" or "journal")
        at ``url`` (extended MKCOL); its URL.

        Falls back to MKCALENDAR for calendars on servers without extended MKCOL.
        """
        body = mkcol_body(display_name, kind)
        headers = {"Content-Type": XML_TYPE}
        try:
            self.request("MKCOL", url, body=body, headers=headers, ok=(200, 201))
        except PreconditionFailed:
            raise
        except SyncError:
            if kind == "contacts":
                raise
            cal = body.replace(b"<d:mkcol ", b"<cal:mkcalendar ").replace(
                b"</d:mkcol>", b"</cal:mkcalendar>"
            )
            self.request("MKCALENDAR", url, body=cal, headers=headers, ok=(200, 201))
        return self.absolute(url)

    # --- a whole collection at once (Radicale) ------------------------------------------

    def collection_state(self, url: str) -> CollectionState:
        """The collection's ETag, members and properties, in one PROPFIND (Depth 1)."""
        full = self.absolute(url)
        resp = self.request(
            "PROPFIND",
            full,
            body=ALLPROP_BODY,
            headers={"Depth": "1", "Content-Type": XML_TYPE},
            ok=(207,),
        )
        base = norm_href(full, full).rstrip("/")
        own, members = None, 0
        for r in self._multistatus(resp, resp.url)[0]:
            if r.href.rstrip("/") == base:
                own = r
            elif r.status != 404:
                members += 1
        if own is None:
            raise SyncError(f"{self._who()}: {full} did not describe itself; is it a collection?")
        props = [el for name, el in own.props.items() if name not in LIVE_PROPS]
        return CollectionState(
            own.etag or None, members, props, tag(RADICALE, "version") in own.props
        )

    def put_collection(
        self, url: str, body: bytes, *, etag: str, content_type: str, timeout: float
    ) -> None:
        """Replace the whole collection at ``url`` by the items of ``body`` (Radicale's
        PUT of a collection), only if it is still as it was (``If-Match: etag``).

        PreconditionFailed when it changed meanwhile. The collection's properties other
        than its type are gone afterwards: ``proppatch`` them back.
        """
        headers = {"Content-Type": content_type, "If-Match": etag}
        self.request("PUT", url, body=body, headers=headers, ok=(200, 201, 204), timeout=timeout)

    def proppatch(self, url: str, props: str) -> None:
        """Set the properties ``props`` (serialized elements, see ``props_xml``) on ``url``."""
        resp = self.request(
            "PROPPATCH",
            url,
            body=proppatch_body(props),
            headers={"Content-Type": XML_TYPE},
            ok=(200, 207),
        )
        if resp.status_code != 207:
            return
        try:
            root = ET.fromstring(resp.content)
        except ET.ParseError:
            return
        for status in root.iter(tag(DAV, "status")):
            code = _status_code(status.text)
            if code >= 300:
                raise SyncError(
                    f"{self._who()}: the server did not take back the name or color of "
                    f"{url} ({code}); if they are missing, set them again on the server."
                )


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
