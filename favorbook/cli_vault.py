"""The command-line side of the sync between the rep's own devices (``favorbook vault``,
``favorbook devices``, and what ``favorbook sync`` adds); kept apart from ``cli.py``."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    vault = sub.add_parser(
        "vault",
        parents=[common],
        help="sync the whole database between your devices, end-to-end encrypted",
        description="The sync of everything (favors, conversations, notes, vetting, ...) "
        "between your own devices through storage you already have. The sync passphrase "
        "comes from $FAVORBOOK_VAULT_PASSPHRASE, else the system keyring, else it is asked "
        "for once on a terminal and kept in the keyring.",
    )
    actions = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)
    folder = actions.add_parser(
        "folder",
        parents=[common],
        help="turn the sync on through a folder kept in step by another program",
    )
    folder.add_argument("path", metavar="PATH", help="the sync folder (Syncthing, Dropbox, USB)")
    folder.add_argument("--name", metavar="NAME", help="this device's name (default: host name)")
    account = actions.add_parser(
        "account",
        parents=[common],
        help="turn the sync on through a collection of its own on a sync account's server",
        description="The whole database travels, end-to-end encrypted, in a collection named "
        "favorbook-vault on the server of the sync account NAME (favorbook account list), "
        "found or made beside its address book and tasks calendar.",
    )
    account.add_argument(
        "account", metavar="NAME", help="the sync account (favorbook account list)"
    )
    account.add_argument("--name", metavar="NAME", help="this device's name (default: host name)")
    actions.add_parser(
        "off",
        parents=[common],
        help="stop syncing with your other devices (changes made meanwhile go out when on again)",
    )
    actions.add_parser(
        "passphrase",
        parents=[common],
        help="change the sync passphrase (the vault key is wrapped again; nothing re-sent)",
    )
    devices = sub.add_parser(
        "devices",
        parents=[common],
        help="this device and your other devices seen, with the last change from each",
    )
    devices.add_argument("--json", action="store_true", help="print JSON")


def _ask(prompt: str, confirm: bool = False) -> str | None:
    import getpass

    from favorbook.errors import ValidationError

    if not sys.stdin.isatty():
        return None
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("The same passphrase again: ") != first:
            raise ValidationError("passphrase", "the two passphrases differ; nothing was changed")
    except (EOFError, KeyboardInterrupt):
        return None
    return first or None


def _passphrase(new_vault) -> str:
    """The passphrase from the variable or keyring, else asked (twice for a new vault:
    ``new_vault`` is a bool, or a callable saying it, called only when asking)."""
    from favorbook.errors import ValidationError
    from favorbook.sync.vault import passphrase

    found = passphrase.get()
    if not found and sys.stdin.isatty():
        found = _ask("Sync passphrase: ", confirm=new_vault() if callable(new_vault) else new_vault)
    if not found:
        raise ValidationError(
            "passphrase",
            f"favorbook needs the sync passphrase: set {passphrase.ENV} or run this on a terminal",
        )
    return found


def vault(args, data_dir) -> int:
    from pathlib import Path

    from favorbook.services import session
    from favorbook.sync.vault import crypto, engine

    session.open_data(data_dir)
    if args.vault_command == "folder":
        path = Path(args.path).expanduser().resolve()
        new_vault = not (path / crypto.KEY_FILE).exists()
        st = engine.turn_on_folder(str(path), _passphrase(new_vault), args.name)
        print(
            f"The whole database now syncs through {path} as device {st['device_name']!r}. "
            "Run favorbook sync to send and receive."
        )
        return EXIT_OK
    if args.vault_command == "account":
        from favorbook.sync.vault import davstore

        secret = _passphrase(lambda: davstore.key_file_of(args.account) is None)
        st = engine.turn_on_account(args.account, secret, args.name)
        print(
            f"The whole database now syncs through the account {args.account} (its collection "
            f"{davstore.COLLECTION}) as device {st['device_name']!r}. Run favorbook sync to "
            "send and receive."
        )
        return EXIT_OK
    if args.vault_command == "off":
        engine.turn_off()
        print(
            "This device no longer syncs with your other devices; what changes here waits "
            "and goes out when you turn the sync on again (same folder or account)."
        )
        return EXIT_OK
    old = _passphrase(False)
    new = _ask("New sync passphrase: ", confirm=True)
    if not new:
        print("favorbook: the new passphrase is asked on a terminal.", file=sys.stderr)
        return EXIT_USAGE
    engine.change_passphrase(old, new)
    print("Changed the sync passphrase; enter the new one on your other devices.")
    return EXIT_OK


def devices(args, data_dir) -> int:
    from favorbook.services import session
    from favorbook.sync.vault import engine

    session.open_data(data_dir)
    found = engine.devices()
    if args.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return EXIT_OK
    me = found["this_device"]
    if me is None:
        print(
            "This device does not sync with others. Turn it on: favorbook vault folder PATH, "
            "or favorbook vault account NAME"
        )
        return EXIT_OK
    through = (
        f"through {me['folder']}"
        if me["folder"]
        else f"through account {me['account']}"
        if me["account"]
        else "off"
    )
    print(
        f"This device: {me['name']} ({me['id']}), {through}, "
        f"last sync: {me['last_sync_at'] or 'never'}"
    )
    if not found["devices"]:
        print("No other device seen yet.")
    for d in found["devices"]:
        print(f"{d['name']} ({d['id']})\tlast change: {d['last_change_at'] or 'none'}")
    return EXIT_OK


def sync_devices(allow_mass_delete: bool = False) -> tuple[dict, list[str]]:
    """Run the whole-database sync when it is on; the JSON keys it adds and any problems."""
    from favorbook.sync.vault import engine

    result = engine.sync(allow_mass_delete=allow_mass_delete)
    if result is None:
        return {"changes_sent": 0, "changes_received": 0}, []
    return (
        {"changes_sent": result.changes_sent, "changes_received": result.changes_received},
        result.errors,
    )


COMMANDS = {"vault": vault, "devices": devices}
