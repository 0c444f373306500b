"""Several favorbook data folders syncing through one sync folder, or one collection on a
DAV server (``server``: a DavServer of tests/sync/conftest.py), in one process."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

PASSPHRASE = "correct horse battery staple"
ACCOUNT = "work"


class Devices:
    def __init__(self, root: Path, names=("A", "B"), server=None):
        self.root = root
        self.folder = root / "sync-folder"
        self.folder.mkdir()
        self.dirs = {name: root / f"data-{name}" for name in names}
        self.server = server

    @contextlib.contextmanager
    def on(self, name: str):
        from favorbook.services import session

        session.close()
        session.open_data(self.dirs[name])
        try:
            yield
        finally:
            session.close()

    def join(self, name: str) -> None:
        from favorbook.sync.vault import engine

        with self.on(name):
            if self.server is None:
                engine.turn_on_folder(str(self.folder), PASSPHRASE, device_name=f"laptop {name}")
                return
            from favorbook.sync import accounts

            if not accounts.list_accounts():
                accounts.add_account(
                    self.server.url, self.server.username, self.server.password, name=ACCOUNT
                )
            engine.turn_on_account(ACCOUNT, PASSPHRASE, device_name=f"laptop {name}")

    def sync(self, name: str):
        from favorbook.sync.vault import engine

        with self.on(name):
            return engine.sync(PASSPHRASE)

    def dump(self, name: str) -> dict:
        with self.on(name):
            return dump_synced()


def dump_synced() -> dict:
    """Every synced table as {global id: row}, links as global ids: equal across devices
    exactly when they hold the same network."""
    from favorbook.db.models import db
    from favorbook.sync.vault import spec

    out = {}
    for table in spec.TABLES:
        rows = db.execute_sql(
            f"SELECT g.gid, {spec.row_json_sql(table, 'r')} FROM {table} r "
            f"JOIN vault_gid g ON g.tbl = '{table}' AND g.lid = {spec.key_sql(table, 'r')} "
            f"WHERE {spec.row_filter(table, 'r')}"
        ).fetchall()
        out[table] = {gid: json.loads(data) for gid, data in rows}
        count = db.execute_sql(
            f"SELECT count(*) FROM {table} r WHERE {spec.row_filter(table, 'r')}"
        ).fetchone()[0]
        assert count == len(rows), f"{table}: a row without a global id"
    return out


VAULT = "favorbook-vault"


def vault_url(server) -> str:
    """The device sync's collection on ``server`` (a DavServer): the key, and the objects
    of the older layout."""
    return server.abs(f"{server.calendar_home}{VAULT}/")


def home_url(server) -> str:
    """The calendar home, where the device sync's collections are (``server_objects``'
    names are relative to it)."""
    return server.abs(server.calendar_home)


def vault_collections(server) -> list[str]:
    """The URLs of every collection of the device sync on ``server``."""
    return sorted(
        server.abs(href)
        for href in server.listing(server.calendar_home)
        if href.endswith("/") and href.rstrip("/").rsplit("/", 1)[-1].startswith(VAULT)
    )


def fresh_vault(server) -> None:
    """The server as a new account has it: one empty address book and tasks calendar, and
    no device-sync collection (the previous test's are deleted)."""
    for url in [vault_url(server), *vault_collections(server)]:
        response = server.request("DELETE", url)
        assert response.status_code in (200, 204, 404), response.text
    server.fresh_collections()


def server_objects(server) -> dict[str, bytes]:
    """Every object of the device sync's collections as the server hands it out: its path
    under the calendar home ("favorbook-vault/vault-key.ics", "favorbook-vault-<device
    id>/0000000001.ics" ...) -> bytes."""
    home = home_url(server)
    out = {}
    for collection in vault_collections(server):
        for href in server.listing(collection):
            url = server.abs(href)
            out[url.removeprefix(home)] = server.request("GET", href).content
    return out
