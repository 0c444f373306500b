"""The storage as a plain folder that another program keeps in step (Syncthing, Nextcloud
or Dropbox desktop client, a USB stick).

Layout: ``vault.key`` (the wrapped vault key) and one folder per device, named by its
random id, holding its numbered sealed objects (``0000000001`` ...). A device writes only
into its own folder, each file once, atomically (a temporary name, flushed, renamed), so
the program that copies the folder never has to merge anything.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from favorbook.sync.vault.crypto import KEY_FILE, VaultError

_NAME = re.compile(r"^[0-9]{10}$")
_SNAPSHOT = re.compile(r"^S[0-9]{10}$")
_DEVICE = re.compile(r"^[0-9a-f]{16}$")


class FolderStore:
    place = "the sync folder"
    """The storage in messages ("missing from the sync folder")."""

    def __init__(self, path: str | os.PathLike[str]):
        self.root = Path(path)

    def where(self) -> str:
        return str(self.root)

    def check(self) -> None:
        if not self.root.is_dir():
            raise VaultError(
                f"The sync folder {self.root} is not there; connect the drive or choose "
                "it again with favorbook vault folder PATH."
            )

    def read_key(self) -> bytes | None:
        try:
            return (self.root / KEY_FILE).read_bytes()
        except FileNotFoundError:
            return None

    def write_key(self, data: bytes) -> None:
        _atomic_write(self.root / KEY_FILE, data)

    def begin(self, me: str, positions: dict[str, int], joining: bool = False) -> None:
        """Nothing to do: the folder is read as it is, a device's folder made when needed."""

    def devices(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _DEVICE.match(p.name))

    def names(self, device: str) -> list[int]:
        folder = self.root / device
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir() if _NAME.match(p.name))

    def snapshots(self, device: str) -> list[int]:
        folder = self.root / device
        if not folder.is_dir():
            return []
        return sorted(int(p.name[1:]) for p in folder.iterdir() if _SNAPSHOT.match(p.name))

    def get_snapshot(self, device: str, seq: int) -> bytes | None:
        try:
            return (self.root / device / f"S{seq:010d}").read_bytes()
        except FileNotFoundError:
            return None

    def get_head(self, device: str) -> bytes | None:
        """The device's sealed note of the last object it wrote (``HEAD``), if any."""
        try:
            return (self.root / device / "HEAD").read_bytes()
        except FileNotFoundError:
            return None

    def get(self, device: str, seq: int) -> bytes | None:
        try:
            return (self.root / device / f"{seq:010d}").read_bytes()
        except FileNotFoundError:
            return None

    def prefetch(self, device: str, numbers: list[int]) -> None:
        """Nothing to do: a file is read when it is needed."""

    def close(self) -> None:
        """Nothing to close."""

    def put(self, device: str, name: str, data: bytes) -> None:
        folder = self.root / device
        folder.mkdir(exist_ok=True)
        target = folder / name
        with contextlib.suppress(FileNotFoundError):
            if target.read_bytes() == data:
                return  # written before a sync was stopped: nothing to do
        _atomic_write(target, data)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise VaultError(
            f"favorbook cannot write {path} in the sync folder ({exc.strerror}); check that "
            "the folder is there and may be written, then sync again."
        ) from exc
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
