"""Where the passphrase of an encrypted database comes from: $FAVORBOOK_PASSPHRASE, else
the prompt the front end installed (the command line's asks on the terminal).

Below everything that opens, restores or converts an encrypted database.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from favorbook.errors import PassphraseNeeded, ValidationError

ENV_VAR = "FAVORBOOK_PASSPHRASE"

# (database path, confirm) -> the passphrase typed, or None when the user gave none.
Prompt = Callable[[Path, bool], "str | None"]
_prompt: Prompt | None = None


def set_prompt(prompt: Prompt | None) -> None:
    """Install how to ask the user (the command line installs ``terminal_prompt``)."""
    global _prompt
    _prompt = prompt


def terminal_prompt(path: Path, confirm: bool = False) -> str | None:
    """Ask on the terminal with getpass (twice when ``confirm``); None when not on a terminal."""
    if not sys.stdin.isatty():
        return None
    try:
        first = getpass.getpass(f"Passphrase for {path}: ")
        if confirm and getpass.getpass("The same passphrase again: ") != first:
            raise ValidationError("passphrase", "the two passphrases differ; nothing was changed")
    except (EOFError, KeyboardInterrupt):
        return None
    return first or None


def obtain(path: Path, *, confirm: bool = False) -> str:
    """The passphrase for ``path``: $FAVORBOOK_PASSPHRASE, else the installed prompt.

    PassphraseNeeded when there is neither.
    """
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    if _prompt is not None:
        typed = _prompt(path, confirm)
        if typed:
            return typed
    raise PassphraseNeeded(
        f"{path} is encrypted; favorbook needs its passphrase to open it "
        f"(set {ENV_VAR}, or run favorbook on a terminal to be asked)."
        if not confirm
        else f"No passphrase was given to encrypt {path} with (set {ENV_VAR}, or run "
        "favorbook on a terminal to be asked); nothing was changed."
    )
