"""The sync passphrase of the vault: asked once per device, then kept in the keyring.

``FAVORBOOK_VAULT_PASSPHRASE``, when set, is used instead and nothing is stored (scripts,
tests), as ``FAVORBOOK_SYNC_PASSWORD`` is for account passwords (``sync.passwords``).
"""

from __future__ import annotations

import os

from favorbook.sync.vault.crypto import VaultError

ENV = "FAVORBOOK_VAULT_PASSPHRASE"
SERVICE = "favorbook-vault"
USER = "sync-passphrase"


def from_env() -> str | None:
    value = os.environ.get(ENV)
    return value if value else None


def _keyring():
    import keyring  # lazily: slow to import, and it probes the desktop's secret service

    return keyring


def get() -> str | None:
    """The passphrase from the variable or the keyring; None when neither has one."""
    env = from_env()
    if env is not None:
        return env
    try:
        return _keyring().get_password(SERVICE, USER) or None
    except Exception:  # noqa: BLE001 - no usable keyring: the caller asks
        return None


def store(passphrase: str) -> bool:
    """Keep the passphrase in the keyring; False (nothing stored) when the variable is set."""
    if from_env() is not None:
        return False
    try:
        _keyring().set_password(SERVICE, USER, passphrase)
    except Exception as exc:  # noqa: BLE001
        raise VaultError(
            f"favorbook cannot keep the sync passphrase in the system keyring ({exc}). "
            f"Unlock or install a keyring, or set {ENV}."
        ) from exc
    return True


def require() -> str:
    found = get()
    if found is None:
        raise VaultError(
            "There is no sync passphrase on this device: run favorbook vault folder PATH "
            f"again to enter it, or set {ENV}."
        )
    return found
