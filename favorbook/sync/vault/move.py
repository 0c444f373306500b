"""Moving the vault: from a folder to an account's collection, or back, or to another one.

Every object the new place lacks is copied from the old one (every device's log objects
and snapshots, as they are: sealed bytes, never opened), and the key when the new place
has none; a new place holding another vault (another key) is refused. Each device that
moves copies what it finds, so a device that wrote more to the old place after another
one moved brings it along when it moves too.
"""

from __future__ import annotations

from favorbook.sync.vault import crypto
from favorbook.sync.vault.crypto import VaultError
from favorbook.sync.vault.transport import Transport


def copy_vault(source: Transport, target: Transport, passphrase: str) -> int:
    """Copy into ``target`` what it lacks of ``source``; the number of objects copied."""
    data = source.read_key()
    if data is None:
        raise VaultError(f"{source.where()} has no vault key to move from.")
    key = crypto.unwrap(data, passphrase, source.where())
    there = target.read_key()
    if there is None:
        target.write_key(data)
    elif crypto.unwrap(there, passphrase, target.where()) != key:
        raise VaultError(
            f"{target.where()[:1].upper()}{target.where()[1:]} holds another vault than "
            f"{source.where()}; nothing was copied. Choose an empty place, or the one your "
            "other devices moved to."
        )
    copied = 0
    for device in source.devices():
        have = set(target.names(device))
        for number in source.names(device):
            if number not in have:
                target.put(device, f"{number:010d}", source.get(device, number) or b"")
                copied += 1
        have = set(target.snapshots(device))
        for number in source.snapshots(device):
            if number not in have:
                target.put(device, f"S{number:010d}", source.get_snapshot(device, number) or b"")
                copied += 1
    return copied
