"""Connections to a database file: sqlite3's, or SQLCipher's keyed with a passphrase.

The lowest piece of favorbook's database stack: the models' database connects
through it while a passphrase is set, and ``database`` opens, checks and copies
files with it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from favorbook.errors import DatabaseLockedError, WrongPassphrase

BUSY_TIMEOUT_MS = 5000


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect_file(
    path: str | os.PathLike[str],
    passphrase: str | None = None,
    *,
    readonly: bool = False,
    timeout: float = BUSY_TIMEOUT_MS / 1000,
    **params,
):
    """A DB-API connection to ``path``: sqlite3's, or SQLCipher's keyed with ``passphrase``.

    With a passphrase, the key is the first statement on the connection and is
    tried at once: a passphrase that does not open the file raises WrongPassphrase.
    """
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if readonly else str(path)
    if passphrase is None:
        return sqlite3.connect(target, uri=readonly, timeout=timeout, **params)
    from sqlcipher3 import dbapi2 as cipher

    _register_adapters(cipher)
    params.setdefault("isolation_level", None)
    conn = cipher.connect(target, uri=readonly, timeout=timeout, **params)
    try:
        # SQLCipher would print a wrong key's decryption errors on stderr; the user gets
        # WrongPassphrase instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {_sql_text(passphrase)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cipher.DatabaseError as exc:
        conn.close()
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise DatabaseLockedError(
                f"The database {path} is locked by another program. "
                "Close the other favorbook window or wait, then try again."
            ) from exc
        raise WrongPassphrase(path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _register_adapters(cipher) -> None:
    """Store dates as sqlite3 does (ISO text), so both drivers write the same values."""
    import datetime as dt
    import decimal

    cipher.register_adapter(dt.date, dt.date.isoformat)
    cipher.register_adapter(dt.datetime, lambda value: value.isoformat(" "))
    cipher.register_adapter(decimal.Decimal, str)
