"""Put favorbook into the Linux desktop's menus: `make install-desktop` runs this.

Installs, for the current user only (no root):

- ``favorbook.desktop`` into ``$XDG_DATA_HOME/applications`` (default
  ``~/.local/share/applications``), its ``Exec`` pointing at the first program
  given that exists (the bundle ``dist/favorbook/favorbook``, else the venv's
  ``favorbook``);
- the icon into ``$XDG_DATA_HOME/icons/hicolor``: the SVG as ``scalable/apps``
  and PNGs rendered from it (by Qt's SVG renderer) in the sizes desktops look
  for, ``<size>x<size>/apps/favorbook.png``.

``--uninstall`` removes exactly those files. Usage::

    python resources/install_desktop.py [--data-home DIR] [--uninstall] PROGRAM...
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DESKTOP_FILE = HERE / "favorbook.desktop"
ICON_SVG = HERE / "icons" / "favorbook.svg"
APP_ID = "favorbook"
# The hicolor sizes desktops ask for (menus 16-48, docks and launchers 64-256, HiDPI 512).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# Characters that make an Exec argument need quotes (Desktop Entry spec, "The Exec key").
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(env: dict[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME when it is an absolute path (as the spec says), else ~/.local/share."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def exec_argument(program: str) -> str:
    """``program`` as one argument of an Exec line, quoted and escaped when it must be."""
    if not RESERVED.intersection(program):
        return program
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in program)
    # The whole value then goes through the string escaping of desktop files: \ becomes \\.
    return '"' + quoted.replace("\\", "\\\\") + '"'


def choose_program(candidates: list[str]) -> Path:
    """The first candidate that is an executable file, as an absolute path."""
    for candidate in candidates:
        path = Path(candidate).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path.resolve()
    raise SystemExit(
        "install-desktop: no favorbook program found (looked for "
        + ", ".join(candidates)
        + "). Run `make dist` or `make run` first."
    )


def desktop_entry(program: Path) -> str:
    """resources/favorbook.desktop with Exec and TryExec pointing at ``program``."""
    lines = []
    for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0]
        if key in ("Exec", "TryExec"):
            continue
        lines.append(line)
        if line.strip() == "[Desktop Entry]":
            lines.append(f"TryExec={exec_argument(str(program))}")
            lines.append(f"Exec={exec_argument(str(program))}")
    return "\n".join(lines) + "\n"


def render_png(size: int) -> bytes:
    """The icon as a PNG of ``size`` pixels square, drawn by Qt from the SVG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(ICON_SVG))
    if not renderer.isValid():
        raise SystemExit(f"install-desktop: cannot read {ICON_SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def installed_files(home: Path) -> list[Path]:
    icons = home / "icons" / "hicolor"
    return [
        home / "applications" / f"{APP_ID}.desktop",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        *(icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES),
    ]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def validate(desktop: Path) -> None:
    """desktop-file-validate the installed file, when the tool is there."""
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        print("  (desktop-file-validate not found: the desktop file was not validated)")
        return
    result = subprocess.run([tool, str(desktop)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"install-desktop: {desktop} is not valid:\n{result.stdout}")


def refresh_caches(home: Path) -> None:
    """Tell the desktop about the new files (when its tools are installed; harmless if not)."""
    for tool, target in (
        ("update-desktop-database", home / "applications"),
        ("gtk-update-icon-cache", home / "icons" / "hicolor"),
    ):
        path = shutil.which(tool)
        if path:
            extra = ["--force", "--ignore-theme-index"] if "icon" in tool else []
            subprocess.run([path, *extra, str(target)], capture_output=True, check=False)


def install(program: Path, home: Path) -> list[Path]:
    files = installed_files(home)
    desktop, svg, *pngs = files
    _write(desktop, desktop_entry(program).encode("utf-8"))
    _write(svg, ICON_SVG.read_bytes())
    for size, png in zip(ICON_SIZES, pngs, strict=True):
        _write(png, render_png(size))
    validate(desktop)
    refresh_caches(home)
    return files


def uninstall(home: Path) -> list[Path]:
    removed = []
    for path in installed_files(home):
        if path.exists():
            path.unlink()
            removed.append(path)
    refresh_caches(home)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("programs", nargs="*", metavar="PROGRAM", help="favorbook programs")
    parser.add_argument("--data-home", help="instead of $XDG_DATA_HOME or ~/.local/share")
    parser.add_argument("--uninstall", action="store_true", help="remove what was installed")
    args = parser.parse_args(argv)
    home = Path(args.data_home).resolve() if args.data_home else data_home()
    if args.uninstall:
        removed = uninstall(home)
        print(f"Removed {len(removed)} favorbook files from {home}.")
        return 0
    if not args.programs:
        parser.error("name the favorbook program (the bundle, or the venv's favorbook)")
    program = choose_program(args.programs)
    files = install(program, home)
    print(f"Installed favorbook into the desktop menus, starting {program}:")
    print(f"  {files[0]}")
    print(f"  {len(files) - 1} icons under {home / 'icons' / 'hicolor'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
