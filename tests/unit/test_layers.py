"""The layers of DESIGN.md: nothing below the UI imports Qt."""

import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "favorbook"
QT_FREE = ["db", "services", "formats", "sync", "sample"]


@pytest.mark.parametrize("layer", QT_FREE)
def test_layer_source_never_imports_pyside6(layer):
    offenders = []
    for path in (PACKAGE / layer).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "PySide6"]
    assert offenders == []


def test_importing_every_service_loads_no_qt():
    modules = [
        f"favorbook.{layer}.{p.stem}"
        for layer in QT_FREE
        for p in sorted((PACKAGE / layer).glob("*.py"))
        if p.stem != "__init__"
    ] + ["favorbook.cli"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(n for n in sys.modules if n.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sync_reaches_the_database_only_through_its_store():
    """``sync/store.py`` is the one module of ``sync/`` that imports ``favorbook.db`` or
    peewee (issue 18: one module through which the sync reaches the database).

    The sync between devices (``sync/vault/``) is the exception, and the only one: it
    copies rows of every table by the column lists frozen in its migration, with SQL of
    its own over the database handle (and its triggers write the change log), so it has
    no queries a store could share. It may import the handle and nothing else."""
    offenders = []
    for path in sorted((PACKAGE / "sync").rglob("*.py")):
        if path.name == "store.py":
            continue
        if path.parent.name == "vault":
            allowed = {
                "from favorbook.db.models import db",
                "from favorbook.db.database import MIGRATIONS_DIR",
            }
            text = path.read_text(encoding="utf-8")
            lines = {line.strip() for line in text.splitlines() if "favorbook.db" in line}
            offenders += [f"{path.name}: {line}" for line in sorted(lines - allowed)]
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n == "peewee" or n == "favorbook.db" or n.startswith("favorbook.db.")
            ]
    assert offenders == []


def test_the_sample_network_sits_above_the_services():
    """``favorbook/sample/`` writes through the services (the contact store); nothing in
    ``services/``, ``formats/`` or ``db/`` reaches up into it."""
    offenders = []
    for layer in ("db", "services", "formats"):
        for path in (PACKAGE / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [
                    f"{path.name}: {n}" for n in names if n.startswith("favorbook.sample")
                ]
    assert offenders == []
    assert not list((PACKAGE / "services").glob("demo*.py"))
