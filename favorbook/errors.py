"""Errors a user can cause, each with a message that names the thing and what to do.

Kept Qt-free and at the bottom of the package so every layer can raise them.
"""

from __future__ import annotations


class FavorbookError(Exception):
    """Base of every error favorbook reports to its user instead of a traceback."""


class ValidationError(FavorbookError):
    """A value the user gave is not acceptable; ``field`` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotTrustedError(ValidationError):
    """Recommending someone who is not vetted as trusted, without an override reason."""

    def __init__(self, name: str, status: str):
        super().__init__(
            "override_reason",
            f"{name} is not vetted as trusted (status: {status.replace('_', ' ')}); "
            "give a reason to recommend them anyway",
        )
        self.status = status


class NotFoundError(FavorbookError):
    """A record the user named does not exist (any more)."""


class DatabaseProblem(FavorbookError):
    """The database could not do what was asked: the file cannot be used as it is, or
    SQLite refused the operation (the subclasses say which)."""


class NewerDatabaseError(DatabaseProblem):
    pass


class NotAFavorbookDatabase(DatabaseProblem):
    pass


class DamagedDatabaseError(DatabaseProblem):
    """SQLite found the file damaged (SQLITE_CORRUPT, SQLITE_NOTADB): restore a backup."""


class ChangeRefused(DatabaseProblem):
    """SQLite refused a change (a constraint failed): nothing was changed, and the file is
    not damaged."""


class DatabaseLockedError(DatabaseProblem):
    pass


class PassphraseNeeded(DatabaseProblem):
    """The database is encrypted and no passphrase was given to open it."""


class WrongPassphrase(DatabaseProblem):
    """The passphrase given does not open the encrypted database."""

    def __init__(self, path: object):
        super().__init__(f"The passphrase does not open {path}.")
        self.path = path


class EncryptionUnavailable(DatabaseProblem):
    """Encryption was asked for but SQLCipher (the encryption extra) is not installed."""


class NotAContactFile(FavorbookError):
    """A file given to import is not a vCard or contacts CSV favorbook can read."""


class SyncError(FavorbookError):
    """Sync with the server failed (unreachable, 401, 5xx, timeout, a broken reply...).

    The message names the account and what to do; nothing local was lost. ``report``
    (a ``sync.engine.SyncReport``, set by ``sync_account``) counts what was done before it.
    """

    report = None


class SyncGuardTripped(SyncError):
    """A sync stopped before changing anything because it looked dangerous.

    ``reason`` is "empty" (a collection that had items came back empty),
    "mass_delete" (more than the allowed share of synced contacts would be archived
    or deleted) or "tasks" (that share of the synced tasks gone from the server, which
    would mark their follow-ups done); ``count`` of ``total`` synced items are concerned. Rerun with
    ``allow_mass_delete=True`` once the user agrees.
    """

    def __init__(self, message: str, *, reason: str, count: int, total: int):
        super().__init__(message)
        self.reason = reason
        self.count = count
        self.total = total
