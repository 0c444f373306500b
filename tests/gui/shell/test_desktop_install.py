"""`make install-desktop` (resources/install_desktop.py) into a temporary XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import importlib.util
import os
import stat
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def installer():
    spec = importlib.util.spec_from_file_location(
        "install_desktop", ROOT / "resources" / "install_desktop.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "bundle dir" / "favorbook"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_installs_the_menu_entry_and_icons_under_xdg_data_home(
    qapp, installer, program, tmp_path, monkeypatch, capsys
):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    missing = tmp_path / "dist" / "favorbook" / "favorbook"
    assert installer.main([str(missing), str(program)]) == 0

    desktop = entry(home / "applications" / "favorbook.desktop")
    # the first program that exists, quoted because its folder has a space
    assert desktop["Exec"] == f'"{program}"'
    assert desktop["TryExec"] == desktop["Exec"]
    assert desktop["Icon"] == "favorbook"
    assert desktop["Name"] == "favorbook"
    assert desktop["StartupWMClass"] == "favorbook"
    icons = home / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "favorbook.svg").is_file()
    for size in installer.ICON_SIZES:
        image = QImage(str(icons / f"{size}x{size}" / "apps" / "favorbook.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank
    assert str(home / "applications" / "favorbook.desktop") in capsys.readouterr().out


def test_uninstall_removes_only_what_was_installed(installer, program, tmp_path, qapp):
    home = tmp_path / "share"
    other = home / "applications" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    assert installer.main(["--data-home", str(home), str(program)]) == 0
    assert installer.main(["--data-home", str(home), "--uninstall"]) == 0
    left = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
    assert left == [Path("applications/other.desktop")]


def test_no_program_built_yet_says_what_to_run(installer, tmp_path):
    with pytest.raises(SystemExit) as stop:
        installer.main(["--data-home", str(tmp_path), str(tmp_path / "nothing")])
    assert "make dist" in str(stop.value) and "make run" in str(stop.value)
    assert not (tmp_path / "applications").exists()


def test_data_home_follows_the_xdg_rules(installer):
    assert installer.data_home({"XDG_DATA_HOME": "/x/share", "HOME": "/h"}) == Path("/x/share")
    # a relative value is invalid by the spec and ignored
    assert installer.data_home({"XDG_DATA_HOME": "rel", "HOME": "/h"}) == Path("/h/.local/share")
    assert installer.data_home({"HOME": "/h"}) == Path("/h/.local/share")


def test_exec_paths_are_quoted_only_when_needed(installer):
    assert installer.exec_argument("/opt/favorbook/favorbook") == "/opt/favorbook/favorbook"
    assert installer.exec_argument("/home/a b/favorbook") == '"/home/a b/favorbook"'
    assert installer.exec_argument('/x/$a"b') == '"/x/\\\\$a\\\\"b"'


def test_the_shipped_desktop_file_is_well_formed():
    desktop = entry(ROOT / "resources" / "favorbook.desktop")
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "favorbook"
    assert desktop["Categories"].endswith(";")
    assert os.path.basename(desktop["Icon"]) == "favorbook"
