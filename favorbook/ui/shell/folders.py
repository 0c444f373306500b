"""Where the window's file dialogs open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def start_folder() -> str:
    """Where file dialogs open: the Documents folder, or home when there is none.

    A dialog given a folder that does not exist takes its last part for a file name
    ("Documents" pre-filled as the name to save under).
    """
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())
