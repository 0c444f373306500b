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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    try:
        with os.fdopen(
            fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
