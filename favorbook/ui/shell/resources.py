"""Where favorbook's resources (icons, the desktop file) are: no Qt, imported by the
modules that draw them (``app``, ``icons``) and by the smoke test."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """resources/: inside the bundle when frozen by PyInstaller, else beside the package."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


RESOURCES = resources_dir()
