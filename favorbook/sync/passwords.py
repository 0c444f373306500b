"""Sync passwords: in the operating system's keyring, never in SQLite, logs or exports.

Where ``FAVORBOOK_SYNC_PASSWORD`` is set, it is used instead and nothing is stored or
read from the keyring (headless use, tests).
"""

from __future__ import annotations

import os

from favorbook.errors import SyncError

ENV = "FAVORBOOK_SYNC_PASSWORD"
SERVICE = "favorbook-sync"


def from_env() -> str | None:
    """The password of ``FAVORBOOK_SYNC_PASSWORD``, or None when it is not set."""
    value = os.environ.get(ENV)
    return value if value is not None and value != "" else None


def _key(account: str, username: str) -> str:
    return f"{account}:{username}"


def _keyring():
    import keyring  # lazily: slow to import, and it probes the desktop's secret service

    return keyring


def store(account: str, username: str, password: str) -> bool:
    """Keep ``password`` in the keyring; False (nothing stored) when the env var is set.

    SyncError when there is no usable keyring: set the variable, or install one.
    """
    if from_env() is not None:
        return False
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, _key(account, username), password)
    except Exception as exc:  # noqa: BLE001 - any backend's failure means the same to the user
        raise SyncError(
            f"favorbook cannot keep the password of account {account!r} in the system "
            f"keyring ({exc}). Unlock or install a keyring, or set {ENV}."
        ) from exc
    return True


def get(account: str, username: str) -> str:
    """The password of an account: ``FAVORBOOK_SYNC_PASSWORD`` if set, else the keyring's.

    SyncError (naming the account and what to do) when there is none.
    """
    env = from_env()
    if env is not None:
        return env
    try:
        password = _keyring().get_password(SERVICE, _key(account, username))
    except Exception as exc:  # noqa: BLE001
        raise SyncError(
            f"favorbook cannot read the password of account {account!r} from the system "
            f"keyring ({exc}). Unlock the keyring, or set {ENV}."
        ) from exc
    if not password:
        raise SyncError(
            f"There is no password for account {account!r} in the system keyring. "
            f"Remove the account and add it again, or set {ENV}."
        )
    return password


def forget(account: str, username: str) -> None:
    """Remove an account's password from the keyring (nothing when none is kept)."""
    if from_env() is not None:
        return
    try:
        keyring = _keyring()
        keyring.delete_password(SERVICE, _key(account, username))
    except Exception:  # noqa: BLE001 - already gone, or no keyring: nothing to forget
        pass
