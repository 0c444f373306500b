"""Several favorbook data folders syncing through one sync folder, in one process."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

PASSPHRASE = "correct horse battery staple"


class Devices:
    def __init__(self, root: Path, names=("A", "B")):
        self.root = root
        self.folder = root / "sync-folder"
        self.folder.mkdir()
        self.dirs = {name: root / f"data-{name}" for name in names}

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
            engine.turn_on_folder(str(self.folder), PASSPHRASE, device_name=f"laptop {name}")

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
