"""The vault's encryption: a passphrase wraps a random vault key; the key seals objects.

The passphrase derives a key with Argon2id (its salt and costs sit in the key file, in
clear: they are not secret); that key opens the wrapped vault key (AES-GCM). Changing
the passphrase re-wraps the same vault key, so nothing already stored is re-encrypted.

Every object is sealed with AES-GCM under the vault key, its associated data naming the
device that wrote it, its kind and its sequence number: an object altered, renamed,
moved to another device's folder or replayed under another number fails to open.

``cryptography`` and ``argon2-cffi`` are imported here only, on first use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from favorbook.errors import SyncError

KEY_FILE = "vault.key"
FORMAT = "favorbook-vault"
MAGIC = b"FBV1"

KDF_COST = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
"""Argon2id costs of a new key file (memory in KiB): about a third of a second on a laptop."""

_derived: dict[tuple[str, bytes, str], bytes] = {}


class VaultError(SyncError):
    """A vault problem, said in one sentence the user can act on."""


class WrongVaultPassphrase(VaultError):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _kdf(passphrase: str, salt: bytes, cost: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    memo = (hashlib.sha256(passphrase.encode()).hexdigest(), salt, json.dumps(cost))
    if memo not in _derived:  # a sync derives once per process, not once per object
        _derived[memo] = hash_secret_raw(
            passphrase.encode("utf-8"), salt, hash_len=32, type=Type.ID, **cost
        )
    return _derived[memo]


def _aesgcm(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


_WRAP_AAD = b"favorbook-vault-key/1"


def new_key_file(passphrase: str) -> tuple[bytes, bytes]:
    """A new random vault key and its key file's bytes, wrapped with ``passphrase``."""
    vault_key = os.urandom(32)
    return vault_key, wrap(vault_key, passphrase)


def wrap(vault_key: bytes, passphrase: str) -> bytes:
    salt = os.urandom(16)
    cost = dict(KDF_COST)
    nonce = os.urandom(12)
    wrapped = _aesgcm(_kdf(passphrase, salt, cost)).encrypt(nonce, vault_key, _WRAP_AAD)
    doc = {
        "format": FORMAT,
        "version": 1,
        "kdf": {"name": "argon2id", "salt": _b64(salt), **cost},
        "wrapped": _b64(nonce + wrapped),
    }
    return (json.dumps(doc, indent=1) + "\n").encode("ascii")


def unwrap(key_file: bytes, passphrase: str, where: str = "the sync folder") -> bytes:
    """The vault key; WrongVaultPassphrase when ``passphrase`` does not open it."""
    from cryptography.exceptions import InvalidTag

    try:
        doc = json.loads(key_file)
        if doc.get("format") != FORMAT or doc.get("version") != 1:
            raise ValueError(doc.get("format"))
        kdf = doc["kdf"]
        cost = {k: int(kdf[k]) for k in ("time_cost", "memory_cost", "parallelism")}
        salt, blob = _unb64(kdf["salt"]), _unb64(doc["wrapped"])
    except (ValueError, KeyError, TypeError) as exc:
        raise VaultError(
            f"The vault key file in {where} is damaged or not favorbook's; restore it from "
            "another device's copy, or turn the sync on again on a device that still has it."
        ) from exc
    try:
        return _aesgcm(_kdf(passphrase, salt, cost)).decrypt(blob[:12], blob[12:], _WRAP_AAD)
    except InvalidTag:
        raise WrongVaultPassphrase(
            f"The sync passphrase is wrong: it does not open the vault in {where}."
        ) from None


def _aad(device: str, kind: str, seq: int) -> bytes:
    return f"favorbook-vault/1|{device}|{kind}|{seq}".encode()


def seal(vault_key: bytes, device: str, kind: str, seq: int, payload: bytes) -> bytes:
    """``payload`` encrypted and authenticated, bound to its device, kind and number."""
    nonce = os.urandom(12)
    return MAGIC + nonce + _aesgcm(vault_key).encrypt(nonce, payload, _aad(device, kind, seq))


def open_sealed(vault_key: bytes, device: str, kind: str, seq: int, data: bytes) -> bytes | None:
    """The payload, or None when the object was altered, renamed, moved or replayed."""
    from cryptography.exceptions import InvalidTag

    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 12 + 16:
        return None
    body = data[len(MAGIC) :]
    try:
        return _aesgcm(vault_key).decrypt(body[:12], body[12:], _aad(device, kind, seq))
    except InvalidTag:
        return None
