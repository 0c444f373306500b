"""favorbook --smoke-test, run in-process: what `make dist-test` relies on from the bundle."""

from __future__ import annotations

import io
import os
from pathlib import Path

from favorbook.ui.shell import app as app_module
from favorbook.ui.shell import resources, smoke


def run() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = smoke.run_smoke_test(out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_passes_and_says_what_it_checked(qapp, data_dir):
    code, out, err = run()
    assert code == 0, err
    assert "smoke test passed" in out
    assert "main window shown with 60 contacts" in out
    assert "contact sheet of 3 pages" in out
    assert "printed 1 page" in out
    assert "60 contacts out to vCard and back" in out
    assert err == ""
    # the window is gone, not left behind for whatever runs next in this process
    assert not [w for w in qapp.topLevelWidgets() if w.objectName() == "favorbookMainWindow"]
    # the user's data folder is never touched; the temporary one is gone afterwards
    assert not data_dir.exists()
    used = Path(out.split("sample network of 60 contacts in ")[1].split()[0])
    assert used.name == "data" and used.parent.name.startswith("favorbook-smoke-")
    assert not used.exists()


def test_missing_resources_fail_with_a_message(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(resources, "RESOURCES", tmp_path / "nowhere")
    code, out, err = run()
    assert code == 1
    assert err.startswith("favorbook smoke test failed while finding the resources:")
    assert "favorbook.svg is missing" in err
    assert "passed" not in out


def test_a_failing_sheet_export_fails_the_test_and_lets_go_of_the_data(qapp, monkeypatch):
    from favorbook.db.models import db
    from favorbook.render import sheet_pdf

    def broken(path, contact_ids, **kw):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sheet_pdf, "write_pdf", broken)
    code, _out, err = run()
    assert code == 1
    assert "failed while exporting a contact sheet: Permission denied" in err
    assert "Traceback" not in err
    assert db.is_closed()
    # nothing was left locked or open: a second run gets as far again
    code, _out, err = run()
    assert code == 1 and "exporting a contact sheet" in err


def test_a_library_missing_from_a_bundle_is_named(qapp, monkeypatch):
    monkeypatch.setattr(smoke, "LAZY_MODULES", ("vobject.base", "favorbook_missing_module"))
    code, _out, err = run()
    assert code == 1
    assert "while exporting and importing contacts" in err
    assert "favorbook_missing_module" in err


def test_offscreen_unless_told_otherwise(qapp, monkeypatch):
    def stop(self):
        raise smoke.SmokeFailure("stop here")

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(smoke.SmokeTest, "check_files", stop)
    assert run()[0] == 1
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_resources_are_found_inside_a_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    monkeypatch.delattr("sys._MEIPASS")
    assert (resources.resources_dir() / "icons" / "favorbook.svg").is_file()


def test_the_application_is_named_for_the_desktop(qapp):
    app = app_module.make_application()
    assert app.applicationName() == "favorbook"
    assert app.organizationName() == "favorbook"
    assert app.desktopFileName() == "favorbook"
    assert not app.windowIcon().pixmap(48, 48).isNull()
