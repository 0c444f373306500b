"""Where favorbook keeps its data: platformdirs, unless overridden."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "FAVORBOOK_DATA_DIR"
DB_FILENAME = "favorbook.db"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, then ``$FAVORBOOK_DATA_DIR``, then platformdirs."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("favorbook", appauthor=False))


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / DB_FILENAME
