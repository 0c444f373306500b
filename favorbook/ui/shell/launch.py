"""Start the window, or say plainly why Qt cannot open one here.

Runs before PySide6 is imported: Qt's own reaction to a missing display or
X11 library is an abort with a hint buried in its log, not a message.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import sys

# Shared libraries the Qt "xcb" platform plugin loads, with the Debian/Ubuntu and Fedora
# packages that provide them.
XCB_LIBRARIES = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
}
# Libraries PySide6 itself needs to import, and where to get them.
CORE_LIBRARIES = {
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def _install_hint(packages: list[tuple[str, str]]) -> str:
    debian = " ".join(sorted({p[0] for p in packages}))
    fedora = " ".join(sorted({p[1] for p in packages}))
    them = "them" if len(packages) > 1 else "it"
    return (
        f"Install {them} with:\n  sudo apt install {debian}    (Debian, Ubuntu)\n"
        f"  sudo dnf install {fedora}    (Fedora)"
    )


def display_reachable(display: str) -> bool:
    """Whether an X server answers at ``display`` (asked through libxcb, as Qt would)."""
    import ctypes

    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    screen = ctypes.c_int(0)
    conn = xcb.xcb_connect(display.encode(), ctypes.byref(screen))
    try:
        return bool(conn) and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn:
            xcb.xcb_disconnect(conn)


def platform_problem(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why Qt could not open a window here, or None when it should be able to."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if qpa in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return None
    wayland = bool(env.get("WAYLAND_DISPLAY")) and qpa in ("", "wayland")
    if not wayland and not env.get("DISPLAY"):
        return (
            "favorbook cannot open its window: there is no display (neither DISPLAY nor "
            "WAYLAND_DISPLAY is set). Start it from a desktop session, or over SSH with "
            "X forwarding (ssh -X). The command-line jobs work without a display: "
            "see favorbook --help."
        )
    if wayland:
        return None
    import ctypes  # only here: an offscreen or Wayland start does not load it

    missing = []
    for lib, packages in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(lib)
        except OSError:
            missing.append((lib, packages))
    if missing:
        names = ", ".join(lib for lib, _ in missing)
        return (
            f"favorbook cannot open its window: the X11 libraries Qt needs are missing "
            f"({names}). " + _install_hint([p for _, p in missing])
        )
    display = env["DISPLAY"]
    if not display_reachable(display):
        return (
            f"favorbook cannot open its window: no X server answers at DISPLAY={display}. "
            "Check that the desktop session is running (or that ssh -X forwarding is on), "
            "then start favorbook again."
        )
    return None


def import_problem(exc: ImportError) -> str:
    """A readable message for PySide6 failing to import (usually a missing system library)."""
    text = str(exc)
    match = re.search(r"(lib[\w.+-]+\.so[\w.]*)", text)
    if match:
        lib = match.group(1)
        packages = CORE_LIBRARIES.get(lib)
        hint = _install_hint([packages]) if packages else "Install the package that provides it."
        return f"favorbook cannot start Qt: the system library {lib} is missing. {hint}"
    return (
        f"favorbook cannot start Qt ({text}). Reinstall it with `make run`, which sets up "
        "PySide6 in .venv."
    )


BEFORE_QT = (
    "favorbook.db.first_page",
    "favorbook.services.terms",
    "favorbook.services.dates",
    "favorbook.services.changes",
)
"""The Qt-free modules the window needs before its first paint (the first page's reader
with the start-up check, the few words and figures the list shows), imported before
PySide6: PySide6's import hook (its ``__feature__`` support) reads the source of each
module first imported after it. Peewee, the models and the services load after the
paint (app.start_from_first_page). tests/gui/shell/test_first_paint_hook.py keeps the
list to what the paint needs."""


def import_before_qt() -> None:
    for name in BEFORE_QT:
        importlib.import_module(name)


def launch(data_dir: str | None = None) -> int:
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    # Until the first paint the cyclic collector only walks what start-up is building: 50
    # collections, 6-8 ms of the start, for some 300 objects freed. The window's
    # finish_start (settle_heap) freezes what start-up built and turns it back on.
    gc.disable()
    import_before_qt()
    try:
        from favorbook.ui.shell.app import run
    except ImportError as exc:
        if "PySide6" in str(exc) or ".so" in str(exc):
            print(import_problem(exc), file=sys.stderr)
            return 1
        raise
    return run(data_dir)
