"""build.spec, read without running PyInstaller: what the bundle will carry and leave out.

The spec is executed with PyInstaller's build steps replaced by recorders, so the
suite checks the choices (version, modules, data files, excluded Qt modules) in a
second; `make dist-test` checks the bundle itself.
"""

from __future__ import annotations

import ast
import pathlib
import sys

import pytest

import favorbook
from favorbook.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"


class Recorder:
    """Stands in for one of PyInstaller's Analysis, PYZ, EXE, COLLECT, BUNDLE."""

    calls: dict[str, Recorder] = {}

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, *args, **kwargs):
        step = Recorder(self.kind)
        step.args, step.kwargs = args, kwargs
        step.binaries, step.datas, step.pure, step.scripts = [], [], [], []
        Recorder.calls[self.kind] = step
        return step


@pytest.fixture
def spec(tmp_path):
    """The spec's recorded build steps, with its output folder in tmp_path."""
    Recorder.calls = {}
    (tmp_path / "favorbook").mkdir()
    names = {
        "SPECPATH": str(ROOT),
        "DISTPATH": str(tmp_path),
        **{kind: Recorder(kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), names)
    return Recorder.calls, names


def used_qt_modules() -> set[str]:
    used = set()
    for path in (ROOT / "favorbook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6."):
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used |= {a.name for a in node.names if a.name.startswith("PySide6.")}
    return used


def test_the_bundle_is_named_after_the_package_version(spec, tmp_path):
    calls, names = spec
    assert names["VERSION"] == favorbook.__version__
    assert (tmp_path / "favorbook" / "VERSION").read_text().strip() == favorbook.__version__
    assert calls["COLLECT"].kwargs["name"] == "favorbook"
    assert calls["EXE"].kwargs["name"] == "favorbook"


def test_every_favorbook_module_ships_even_those_imported_lazily(spec):
    calls, _ = spec
    hidden = set(calls["Analysis"].kwargs["hiddenimports"])
    expected = {
        "favorbook.ui.shell.smoke",
        "favorbook.services.encryption",
        "favorbook.formats.vcard",
    }
    assert expected <= hidden
    on_disk = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "favorbook").rglob("*.py")
        if p.name != "__init__.py" and "migrations" not in p.parts
    }
    assert on_disk <= hidden
    assert not any("migrations" in name for name in hidden)


def test_the_migrations_and_resources_ship_as_files(spec):
    calls, _ = spec
    datas = dict((dest, source) for source, dest in calls["Analysis"].kwargs["datas"])
    migrations = pathlib.Path(datas["favorbook/db/migrations"])
    assert sorted(ROOT.glob(str(migrations.relative_to(ROOT)))), "the migrations glob matches"
    assert pathlib.Path(datas["resources/icons"], "favorbook.svg").is_file()
    assert pathlib.Path(datas["resources"]).name == "favorbook.desktop"


def test_no_qt_module_favorbook_imports_is_excluded(spec):
    calls, _ = spec
    excluded = set(calls["Analysis"].kwargs["excludes"])
    used = used_qt_modules()
    assert {"PySide6.QtSvg", "PySide6.QtPrintSupport", "PySide6.QtNetwork"} <= used
    assert used.isdisjoint(excluded), "build.spec excludes a Qt module favorbook imports"
    assert {"PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick", "tkinter"} <= excluded


def test_only_unused_qt_files_are_dropped(spec):
    _, names = spec
    wanted = names["wanted"]
    assert wanted(("PySide6/Qt/plugins/platforms/libqxcb.so", "", "BINARY"))
    assert wanted(("PySide6/Qt/plugins/platforms/libqwayland.so", "", "BINARY"))
    assert wanted(("PySide6/Qt/plugins/platforms/libqoffscreen.so", "", "BINARY"))
    assert wanted(("PySide6/Qt/plugins/iconengines/libqsvgicon.so", "", "BINARY"))
    assert wanted(("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "", "BINARY"))
    assert not wanted(("PySide6/Qt/plugins/platforms/libqvnc.so", "", "BINARY"))
    assert not wanted(("PySide6/Qt/translations/qt_de.qm", "", "DATA"))


@pytest.mark.skipif(sys.platform == "darwin", reason="the app bundle is built on macOS only")
def test_no_macos_app_bundle_elsewhere(spec):
    calls, _ = spec
    assert "BUNDLE" not in calls


def test_smoke_test_takes_no_command(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--smoke-test", "stats"])
    assert stop.value.code == 2
    assert "--smoke-test runs on its own" in capsys.readouterr().err
