"""One favorbook writer per data folder.

The first favorbook to start on a data folder holds ``favorbook.lock`` there
(a QLockFile) and listens on a local socket named after the folder; a second
start on the same folder does not open the database: it asks the first one to
bring its window to the front and leaves. A lock left behind by a favorbook
that crashed names a process that is gone, and is taken over.
"""

from __future__ import annotations

import enum
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_FILENAME = "favorbook.lock"
RAISE_MESSAGE = b"raise\n"
CONNECT_TIMEOUT_MS = 1000


def server_name(data_dir: str | os.PathLike[str]) -> str:
    """The local socket name for a data folder: per user, from the folder's resolved path."""
    import getpass
    import hashlib

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): the uid still tells users apart
        user = str(getattr(os, "getuid", lambda: "")())
    key = f"{user}\0{Path(data_dir).expanduser().resolve()}"
    return "favorbook-" + hashlib.sha256(key.encode()).hexdigest()[:24]


class Claim(enum.Enum):
    OWNED = "owned"  # this process holds the data folder
    RUNNING = "running"  # another favorbook holds it; it was asked to come to the front
    UNGUARDED = "unguarded"  # no lock could be made (read-only folder): go on without one


class SingleInstance(QObject):
    """Holds the data folder for this process; ``raise_requested`` when a second start knocks."""

    raise_requested = Signal()

    def __init__(self, data_dir: str | os.PathLike[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir).expanduser()
        self.lock = QLockFile(str(self.data_dir / LOCK_FILENAME))
        # Never stale by age (a favorbook left open for days still owns its data); only
        # when the process named in the lock is gone.
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        self.answered = False  # after RUNNING: whether the running favorbook heard the knock

    @cached_property
    def name(self) -> str:
        """The local socket's name (worked out when first listened or knocked on: hashlib
        and the user's name are not needed before the window's first paint)."""
        return server_name(self.data_dir)

    def claim(self, *, listen: bool = True) -> Claim:
        """Take the data folder, or hand over to the favorbook that already has it.

        ``listen=False`` takes the folder but leaves listening for a second start to
        ``listen()`` (the window does it after its first paint; a second start meanwhile
        is told this one may still be starting)."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return Claim.UNGUARDED
        if not self.lock.tryLock(0):
            error = self.lock.error()
            if error == QLockFile.LockError.LockFailedError:
                self.answered = self._knock()
                return Claim.RUNNING
            return Claim.UNGUARDED
        if listen:
            self.listen()
        return Claim.OWNED

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock.isLocked():
            self.lock.unlock()

    # --- the first favorbook ---------------------------------------------------------

    def listen(self) -> None:
        """Answer a second start on this data folder (it asks this window to come forward)."""
        from PySide6.QtNetwork import QLocalServer

        if self.server is not None or not self.lock.isLocked():
            return
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A socket left by a crashed favorbook would block listen(); we hold the lock,
        # so no living favorbook owns it.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            server.deleteLater()
            return  # the guard still holds; only the raising of this window is lost
        server.newConnection.connect(self._accept)
        self.server = server

    def _accept(self) -> None:
        while self.server is not None and (socket := self.server.nextPendingConnection()):
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if RAISE_MESSAGE.strip() in data:
            self.raise_requested.emit()

    # --- the second one ----------------------------------------------------------------

    def _knock(self) -> bool:
        """Ask the favorbook holding the folder to show itself; whether it heard."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(RAISE_MESSAGE)
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return sent


def bring_to_front(window) -> None:
    """Show ``window`` un-minimised, raised and active (the window manager may still refuse)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
