"""Where Qt cannot open a window, favorbook says what is missing and how to fix it."""

import ctypes

from favorbook.ui.shell import launch


def test_no_display_on_linux():
    problem = launch.platform_problem({}, "linux")
    assert "no display" in problem


def test_offscreen_and_other_systems_need_nothing():
    assert launch.platform_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert launch.platform_problem({}, "win32") is None
    assert launch.platform_problem({}, "darwin") is None


def test_missing_xcb_cursor_names_the_package(monkeypatch):
    monkeypatch.setattr(launch, "display_reachable", lambda display: True)
    real = ctypes.CDLL

    def fake_cdll(name, *args, **kwargs):
        if name == "libxcb-cursor.so.0":
            raise OSError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", fake_cdll)
    problem = launch.platform_problem({"DISPLAY": ":0"}, "linux")
    assert problem is not None
    assert "libxcb-cursor.so.0" in problem
    assert "apt install libxcb-cursor0" in problem


def test_wayland_needs_no_xcb_libraries(monkeypatch):
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    assert launch.platform_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None


def test_pyside_import_failure_is_explained():
    exc = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    text = launch.import_problem(exc)
    assert "libEGL.so.1" in text and "libegl1" in text


def test_unreachable_display_is_named(monkeypatch):
    monkeypatch.setattr(launch, "display_reachable", lambda display: False)
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: object())
    problem = launch.platform_problem({"DISPLAY": ":98"}, "linux")
    assert "no X server answers at DISPLAY=:98" in problem


def test_display_probe_against_no_server():
    import pytest

    try:
        ctypes.CDLL("libxcb.so.1")
    except OSError:
        pytest.skip("libxcb is not installed here")
    assert launch.display_reachable(":97") is False
