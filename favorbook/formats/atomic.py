"""Write a file so that a failure never leaves half of it, nor breaks the old one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one step.

    On any exception (including a cancel raised by the caller) the temporary file
    is removed and ``path`` is untouched. The file is created readable by its
    owner only (0600 on POSIX), since exports carry the rep's network.
    """
    target = Path(path)
    binary = "b" in mode
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent or "."
        )
    except OSError as exc:
        raise _unwritable(exc, target) from exc
    try:
        with os.fdopen(
            fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})
        ) as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise _unwritable(exc, target) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _unwritable(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _unwritable(exc: OSError, target: Path) -> OSError:
    """The same kind of OSError, naming the file the user chose rather than the temporary one."""
    return OSError(
        exc.errno,
        f"{exc.strerror or exc}; the file was not written and nothing there was changed",
        str(target),
    )
