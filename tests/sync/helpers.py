"""Laptops (data folders), accounts and syncs for the sync contract tests."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

ACCOUNT = "work"


class Laptop:
    """One favorbook data folder. ``open()`` makes it the open database (closing any other),
    so one test can play two laptops taking turns with the same server."""

    current: Laptop | None = None

    def __init__(self, name: str, data_dir: Path):
        self.name = name
        self.data_dir = data_dir

    def open(self) -> Laptop:
        from favorbook.services import session

        if Laptop.current is not self:
            session.close()
            session.open_data(self.data_dir)
            Laptop.current = self
        return self

    def __enter__(self) -> Laptop:
        return self.open()

    def __exit__(self, *exc) -> None:
        pass

    def __repr__(self) -> str:
        return f"Laptop({self.name})"


def add_account(server, url: str | None = None, *, name: str = ACCOUNT):
    """Set up the sync account on the open laptop (discovery picks the only collections)."""
    from favorbook.sync import accounts

    return accounts.add_account(url or server.url, server.username, server.password, name=name)


def sync(name: str = ACCOUNT, **kw):
    """One full sync (contacts, then tasks) of the open laptop."""
    from favorbook.sync import engine

    return engine.sync_account(name, **kw)


def sync_tasks(name: str = ACCOUNT):
    """Only the tasks calendar of the open laptop."""
    from favorbook.sync import accounts, engine, tasks

    row = accounts.the_account(name)
    report = engine.SyncReport(row.name)
    tasks.sync_tasks(row, accounts.client_for(row), report)
    return report


def vtodos(server) -> dict[str, str]:
    """href -> text of every task on the server."""
    return server.objects(server.calendar_url)


def one_task(server, uid: str) -> tuple[str, str, str]:
    """(href, text, etag) of the task with ``uid`` on the server."""
    for href in server.listing(server.calendar_url):
        text, etag = server.get(href)
        if f"UID:{uid}" in text.replace("\r\n ", ""):
            return href, text, etag
    raise AssertionError(f"no task {uid} on the server")


def collection_props(server, url: str) -> dict[str, str]:
    """The collection's name, its components (a calendar) and its color, as a phone reads them."""
    body = (
        '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:I="http://apple.com/ns/ical/">'
        "<D:prop><D:displayname/><C:supported-calendar-component-set/><I:calendar-color/>"
        "</D:prop></D:propfind>"
    )
    r = server.request(
        "PROPFIND", url, body, {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"}
    )
    assert r.status_code == 207, r.text
    root = ElementTree.fromstring(r.content)
    out = {}
    for propstat in root.iter("{DAV:}propstat"):
        if " 200 " not in (propstat.findtext("{DAV:}status") or ""):
            continue
        for prop in propstat.find("{DAV:}prop"):
            name = prop.tag.rpartition("}")[2]
            comps = sorted(c.get("name") for c in prop)
            out[name] = ",".join(comps) if comps else (prop.text or "")
    return out
