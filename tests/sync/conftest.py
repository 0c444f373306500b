"""Real CardDAV/CalDAV servers for the sync tests, and a proxy that breaks things on purpose.

``radicale_server`` and ``xandikos_server`` start each server once per test session as a
subprocess on a free 127.0.0.1 port, in a temporary folder, with the server's log written to a
file there (never an unread pipe), and stop it by its process id at the end. ``dav_server`` is
parametrized over both, so a test that takes it runs against each; before every test it gives
the user one fresh, empty address book and one fresh, empty tasks calendar (the previous test's
are deleted), so tests do not see each other's cards and the user's home holds exactly one of
each, as on a new account.

``fault_proxy`` puts a threaded HTTP proxy (standard library) in front of ``dav_server``; point
the account at ``fault_proxy.url`` and call ``fault_proxy.inject(...)`` or
``fault_proxy.down()`` to make the next requests fail the way real servers and networks do.

When a test that used a server fails, the tail of that server's log is added to its report.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import pytest

USER = "rep"
PASSWORD = "correct horse battery"
START_TIMEOUT_S = 60
SOAK = os.environ.get("FAVORBOOK_SOAK") == "1"

_DAV = "{DAV:}"
_LOG_TAIL_LINES = 30


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "soak: a long case that runs only in `make soak` (FAVORBOOK_SOAK=1)"
    )


def pytest_collection_modifyitems(config, items):
    if SOAK:
        return
    skip = pytest.mark.skip(reason="soak case: runs in `make soak` (FAVORBOOK_SOAK=1)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" or not report.failed:
        return
    servers = {id(v): v for v in getattr(item, "funcargs", {}).values() if isinstance(v, DavServer)}
    for proxy in (v for v in getattr(item, "funcargs", {}).values() if isinstance(v, FaultProxy)):
        report.sections.append(("fault proxy requests", proxy.describe()))
    for server in servers.values():
        report.sections.append((f"{server.kind} log (tail)", server.log_tail()))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The servers


@dataclass
class DavServer:
    """A running CardDAV/CalDAV server and a plain HTTP client for it (the "phone").

    ``url`` is the server's root; ``addressbook_url`` and ``calendar_url`` are the collections
    of the current test (set by ``fresh_collections``). The request helpers send bytes exactly
    as given, as a phone or another client would.
    """

    kind: str
    url: str
    username: str
    password: str
    principal_path: str
    addressbook_home: str
    calendar_home: str
    folder: Path
    log_path: Path
    proc: subprocess.Popen
    addressbook_url: str = ""
    calendar_url: str = ""
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _session: object = None

    # -- plumbing ------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(
                f"{self.kind} (pid {self.pid}) exited with {self.proc.returncode}:\n"
                + self.log_tail()
            )

    def abs(self, href: str) -> str:
        return urllib.parse.urljoin(self.url, href)

    def request(self, method: str, href: str, body=None, headers=None, **kw):
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.auth = (self.username, self.password)
        if isinstance(body, str):
            body = body.encode("utf-8")
        kw.setdefault("timeout", 30)
        return self._session.request(method, self.abs(href), data=body, headers=headers, **kw)

    # -- collections ---------------------------------------------------------------------

    def fresh_collections(self) -> None:
        """Delete every address book and calendar of the user, then make one empty each."""
        for home in {self.addressbook_home, self.calendar_home}:
            for href, kinds in self._children(home).items():
                if kinds & {"addressbook", "calendar"}:
                    self._ok(self.request("DELETE", href), f"DELETE {href}")
        n = next(self._counter)
        ab = f"{self.addressbook_home}contacts-{n}/"
        cal = f"{self.calendar_home}tasks-{n}/"
        self._ok(
            self.request(
                "MKCOL",
                ab,
                '<?xml version="1.0" encoding="utf-8"?>'
                '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set>'
                "<D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>"
                "<D:displayname>Contacts</D:displayname></D:prop></D:set></D:mkcol>",
                {"Content-Type": "application/xml; charset=utf-8"},
            ),
            f"MKCOL {ab}",
        )
        self._ok(
            self.request(
                "MKCALENDAR",
                cal,
                '<?xml version="1.0" encoding="utf-8"?>'
                '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set>'
                "<D:prop><D:displayname>Tasks</D:displayname>"
                '<C:supported-calendar-component-set><C:comp name="VTODO"/>'
                '<C:comp name="VEVENT"/></C:supported-calendar-component-set>'
                "</D:prop></D:set></C:mkcalendar>",
                {"Content-Type": "application/xml; charset=utf-8"},
            ),
            f"MKCALENDAR {cal}",
        )
        self.addressbook_url = self.abs(ab)
        self.calendar_url = self.abs(cal)

    def _ok(self, response, what: str) -> None:
        if response.status_code >= 300:
            pytest.fail(
                f"{self.kind}: {what} -> {response.status_code} {response.text[:500]}\n"
                + self.log_tail()
            )

    def _propfind(self, href: str, depth: str, props: str):
        body = (
            '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav" '
            f'xmlns:A="urn:ietf:params:xml:ns:carddav"><D:prop>{props}</D:prop></D:propfind>'
        )
        r = self.request(
            "PROPFIND",
            href,
            body,
            {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
        )
        self._ok(r, f"PROPFIND {href}")
        return ElementTree.fromstring(r.content)

    def _children(self, href: str) -> dict[str, set[str]]:
        """href -> local names of its resourcetype, for the members of a collection."""
        out = {}
        path = urllib.parse.urlsplit(self.abs(href)).path
        for resp in self._propfind(href, "1", "<D:resourcetype/>").iter(f"{_DAV}response"):
            child = urllib.parse.unquote(resp.findtext(f"{_DAV}href"))
            child_path = urllib.parse.urlsplit(child).path
            if child_path.rstrip("/") == path.rstrip("/"):
                continue
            rtype = resp.find(f".//{_DAV}resourcetype")
            members = list(rtype) if rtype is not None else []
            out[child_path] = {el.tag.rpartition("}")[2] for el in members}
        return out

    # -- items: what a phone or another client sees ------------------------------------------

    def listing(self, collection_url: str) -> dict[str, str]:
        """href (path) -> ETag of every item in a collection."""
        out = {}
        base = urllib.parse.urlsplit(self.abs(collection_url)).path.rstrip("/")
        for resp in self._propfind(collection_url, "1", "<D:getetag/>").iter(f"{_DAV}response"):
            href = urllib.parse.urlsplit(urllib.parse.unquote(resp.findtext(f"{_DAV}href"))).path
            if href.rstrip("/") == base:
                continue
            out[href] = resp.findtext(f".//{_DAV}getetag") or ""
        return out

    def get(self, href: str) -> tuple[str, str]:
        """(text, ETag) of one item."""
        r = self.request("GET", href)
        self._ok(r, f"GET {href}")
        return r.content.decode("utf-8"), r.headers.get("ETag", "")

    def objects(self, collection_url: str) -> dict[str, str]:
        """href -> text of every item in a collection."""
        return {href: self.get(href)[0] for href in self.listing(collection_url)}

    def put(self, href: str, text: str, *, etag: str | None = None, new: bool = False):
        """PUT text as it is (a phone's edit); returns the response (not checked)."""
        content_type = "text/vcard" if "BEGIN:VCARD" in text else "text/calendar"
        headers = {"Content-Type": f"{content_type}; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        if new:
            headers["If-None-Match"] = "*"
        return self.request("PUT", href, text, headers)

    def delete(self, href: str, *, etag: str | None = None):
        return self.request("DELETE", href, headers={"If-Match": etag} if etag else None)


def _wait_until_up(server: DavServer) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        server.check_alive()
        try:
            r = requests.request(
                "PROPFIND",
                server.abs(server.principal_path),
                headers={"Depth": "0"},
                auth=(server.username, server.password),
                timeout=5,
            )
            if r.status_code < 500:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            _stop(server)
            tail = server.log_tail()
            pytest.fail(f"{server.kind} did not answer in {START_TIMEOUT_S} s:\n{tail}")
        time.sleep(0.1)


def _stop(server: DavServer) -> None:
    if server._session is not None:
        server._session.close()
    proc = server.proc
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _start(kind: str, folder: Path, argv_for_port) -> tuple[subprocess.Popen, int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "server.log"
    port = free_port()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, *argv_for_port(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=folder,
        )
    return proc, port, log_path


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory):
    """Radicale with one user (htpasswd, plain) and owner-only rights."""
    folder = tmp_path_factory.mktemp("radicale")
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")

    def argv(port):
        config = folder / "config"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {folder / 'collections'}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = info\n"
        )
        return ["-m", "radicale", "--config", str(config)]

    proc, port, log_path = _start("radicale", folder, argv)
    server = DavServer(
        kind="radicale",
        url=f"http://127.0.0.1:{port}/",
        username=USER,
        password=PASSWORD,
        principal_path=f"/{USER}/",
        addressbook_home=f"/{USER}/",
        calendar_home=f"/{USER}/",
        folder=folder,
        log_path=log_path,
        proc=proc,
    )
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory):
    """Xandikos (it has no authentication of its own: it ignores the credentials sent)."""
    folder = tmp_path_factory.mktemp("xandikos")

    def argv(port):
        return [
            "-m",
            "xandikos.web",
            "--directory",
            str(folder / "collections"),
            "--state-dir",
            str(folder / "state"),
            "--autocreate",
            "--current-user-principal",
            f"/{USER}/",
            "--listen-address",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-detect-systemd",
        ]

    proc, port, log_path = _start("xandikos", folder, argv)
    server = DavServer(
        kind="xandikos",
        url=f"http://127.0.0.1:{port}/",
        username=USER,
        password=PASSWORD,
        principal_path=f"/{USER}/",
        addressbook_home=f"/{USER}/contacts/",
        calendar_home=f"/{USER}/calendars/",
        folder=folder,
        log_path=log_path,
        proc=proc,
    )
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(server)


@pytest.fixture(params=["radicale", "xandikos"])
def dav_server(request) -> DavServer:
    """Each server in turn, with a fresh empty address book and tasks calendar."""
    server = request.getfixturevalue(f"{request.param}_server")
    server.check_alive()
    server.fresh_collections()
    return server


# ---------------------------------------------------------------------------------------------
# The fault-injecting proxy

FAULTS = (
    "401",
    "403",
    "412",
    "423",
    "503",
    "hang",
    "truncate",
    "lose_reply",
    "kill",
    "kill_before",
)
_HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}


@dataclass
class _Fault:
    kind: str
    method: str | None
    path: str | None
    times: int | None  # None: until cleared
    after: int = 0  # matching requests let through first

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path in path
        )


class FaultProxy:
    """An HTTP proxy in front of a server that fails on demand.

    Faults (``inject(kind, method=None, path=None, times=1, after=0)``; ``times=None`` keeps
    it until ``clear()``; ``after`` lets that many matching requests through first), each for
    the next matching request:

    - ``"401"``: answer 401 with a Basic challenge, without forwarding.
    - ``"403"``: answer 403 Forbidden (a server that does not allow it), without forwarding.
    - ``"412"``: answer 412 Precondition Failed, without forwarding (use ``method="PUT"``).
    - ``"423"``: answer 423 Locked (a server busy with another write), without forwarding.
    - ``"503"``: answer 503 Service Unavailable, without forwarding.
    - ``"hang"``: say nothing for ``hang_seconds`` (past the client's timeout), then close.
    - ``"truncate"``: forward, then send the headers and half of the body, and close.
    - ``"lose_reply"``: forward (the server does it), then close without a reply.
    - ``"kill"``: forward (the server does it), then call ``on_kill`` (the test SIGKILLs the
      favorbook process it started) and close without a reply.
    - ``"kill_before"``: call ``on_kill`` without forwarding (the request never arrives).

    ``down()`` stops listening and cuts open connections (connection refused) until ``up()``.
    ``requests`` lists ``(method, path, outcome)`` of everything that came through.
    """

    def __init__(self, upstream: str, *, hang_seconds: float = 30.0):
        parts = urllib.parse.urlsplit(upstream)
        self.upstream_netloc = parts.netloc
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port
        self.hang_seconds = hang_seconds
        self.on_kill = lambda: None
        self.port = free_port()
        self.requests: list[tuple[str, str, str]] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def rewrite(self, url: str) -> str:
        """The same URL, through the proxy."""
        parts = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))

    def inject(
        self,
        kind: str,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int | None = 1,
        after: int = 0,
    ) -> None:
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULTS}")
        with self._lock:
            self._faults.append(_Fault(kind, method, path, times, after))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[str]:
        """Faults not yet used up."""
        with self._lock:
            return [f.kind for f in self._faults]

    def outcomes(self, kind: str) -> int:
        """How many requests met a fault of this kind."""
        return sum(1 for _, _, outcome in self.requests if outcome == kind)

    def describe(self) -> str:
        return "\n".join(f"{m} {p} -> {o}" for m, p, o in self.requests[-80:]) or "(none)"

    def _take_fault(self, method: str, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault.kind
        return None

    def up(self) -> None:
        if self._server is not None:
            return
        proxy = self

        class Handler(_ProxyHandler):
            owner = proxy

        deadline = time.monotonic() + 10
        while True:
            try:
                server = _QuietServer(("127.0.0.1", self.port), Handler)
                break
            except OSError:  # the port lingers for a moment after down()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self._closing.clear()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Connection refused from now on, open connections cut, until up()."""
        server, self._server = self._server, None
        if server is None:
            return
        self._closing.set()
        server.shutdown()
        server.server_close()
        self._thread.join(timeout=10)
        with self._lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    close = down


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client killed mid-request (the SIGKILL tests) leaves its other requests writing
        # to a closed socket: expected, not worth a traceback.
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            return
        super().handle_error(request, client_address)


class _ProxyHandler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with self.owner._lock:
            self.owner._connections.add(self.connection)

    def finish(self):
        with self.owner._lock:
            self.owner._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format, *args):  # the requests list is the log
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _cut(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _forward(self, body: bytes):
        owner = self.owner
        conn = http.client.HTTPConnection(owner.upstream_host, owner.upstream_port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
        headers["Content-Length"] = str(len(body))
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.reason, response.getheaders(), data
        finally:
            conn.close()

    def _handle(self):
        owner = self.owner
        body = self._read_body()
        fault = owner._take_fault(self.command, self.path)
        if fault == "401":
            owner.requests.append((self.command, self.path, fault))
            self._reply(401, b"Unauthorized", {"WWW-Authenticate": 'Basic realm="favorbook test"'})
            return
        if fault in ("403", "412", "423", "503"):
            owner.requests.append((self.command, self.path, fault))
            self._reply(int(fault), fault.encode())
            return
        if fault == "hang":
            owner.requests.append((self.command, self.path, fault))
            owner._closing.wait(owner.hang_seconds)
            self._cut()
            return
        if fault == "kill_before":
            owner.requests.append((self.command, self.path, fault))
            owner.on_kill()
            self._cut()
            return
        status, reason, headers, data = self._forward(body)
        owner.requests.append((self.command, self.path, fault or str(status)))
        if fault == "kill":
            owner.on_kill()
            self._cut()
            return
        if fault == "lose_reply":
            self._cut()
            return
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() in _HOP_HEADERS:
                continue
            if name.lower() == "location":
                value = value.replace(owner.upstream_netloc, f"127.0.0.1:{owner.port}")
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self._cut()
            return
        self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _handle
    do_OPTIONS = do_PROPFIND = do_PROPPATCH = do_REPORT = _handle
    do_MKCOL = do_MKCALENDAR = do_MOVE = do_COPY = _handle


@pytest.fixture
def fault_proxy(dav_server):
    """A FaultProxy in front of ``dav_server``; its collections' URLs through it are
    ``fault_proxy.rewrite(dav_server.addressbook_url)`` and so on."""
    proxy = FaultProxy(dav_server.url)
    try:
        yield proxy
    finally:
        proxy.close()


# ---------------------------------------------------------------------------------------------
# Laptops: favorbook data folders taking turns with the same server


@pytest.fixture
def laptops(tmp_path, monkeypatch, dav_server):
    """Two data folders (two laptops) with the server's password in the environment; the
    first is open. ``laptop.open()`` switches."""
    from favorbook.services import session
    from tests.sync.helpers import Laptop

    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", dav_server.password)
    first = Laptop("first", tmp_path / "laptop-1")
    second = Laptop("second", tmp_path / "laptop-2")
    first.open()
    try:
        yield first, second
    finally:
        session.close()
        Laptop.current = None


@pytest.fixture
def laptop(laptops):
    return laptops[0]


@pytest.fixture
def client_timeout(monkeypatch):
    """Set the sync client's timeout (seconds) for the rest of the test: ``client_timeout(1.5)``."""
    from favorbook.sync import accounts, dav, passwords

    def set_timeout(seconds: float) -> None:
        def client_for(row, password=None):
            return dav.DavClient(
                row.url,
                row.username,
                password or passwords.get(row.name, row.username),
                account=row.name,
                timeout=seconds,
            )

        monkeypatch.setattr(accounts, "client_for", client_for)

    return set_timeout


@pytest.fixture(autouse=True)
def _close_sync_clients(monkeypatch):
    """Close the HTTP sessions of every DavClient a test made (the sync code leaves them to
    the garbage collector, and an unclosed socket is a ResourceWarning, an error here)."""
    from favorbook.sync import dav

    made = []
    original = dav.DavClient.__init__

    def init(self, *args, **kw):
        original(self, *args, **kw)
        made.append(self)

    monkeypatch.setattr(dav.DavClient, "__init__", init)
    yield
    for client in made:
        client.session.close()
