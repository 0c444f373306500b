"""favorbook sheet: names or ids in, one PDF out; unknown or ambiguous names exit 2."""

import os
import shutil
import subprocess
import sys

import pytest

from favorbook.cli import main
from favorbook.services import contacts


def run(*args):
    env = {**os.environ}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)  # the command picks offscreen itself without a display
    return subprocess.run(
        [sys.executable, "-m", "favorbook", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def pdf_text(path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(
        [exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def people(make_contact):
    return {
        "ann": make_contact("Ann", "Lee", organization="Acme"),
        "ann2": make_contact("Ann", "Lee", organization="Other Co"),
        "bob": make_contact("Bob", "Stone"),
        "cy": make_contact("Cy", "Young"),
    }


def test_names_and_ids_make_one_meeting_sheet(people, data_dir, tmp_path):
    contacts.add_note(people["bob"], "Secret plan", private=True)
    out = tmp_path / "meeting.pdf"
    result = run(
        "--data-dir",
        str(data_dir),
        "sheet",
        "bob stone",
        str(people["ann"]),
        "Cy",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "3 pages" in result.stdout
    text = pdf_text(out)
    assert text.count("\f") == 3
    assert "Bob Stone" in text and "Ann Lee" in text and "Cy Young" in text
    assert "Secret plan" not in text

    result = run(
        "--data-dir", str(data_dir), "sheet", "Bob", "--out", str(out), "--include-private"
    )
    assert result.returncode == 0, result.stderr
    assert "Secret plan" in pdf_text(out)


def test_an_ambiguous_name_names_the_candidates(people, capsys, tmp_path):
    out = tmp_path / "x.pdf"
    assert main(["sheet", "Ann Lee", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"Ann Lee (id {people['ann']})" in err and f"Ann Lee (id {people['ann2']})" in err
    assert not out.exists()


def test_an_unknown_name_or_id_exits_2(people, capsys, tmp_path):
    out = tmp_path / "x.pdf"
    assert main(["sheet", "Bob Stoen", "424242", "99999999999999999999999", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no contact named 'Bob Stoen'" in err and f"Bob Stone (id {people['bob']})" in err
    assert "no contact with id 424242" in err and "99999999999999999999999" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_many_candidates_are_capped(make_contact, capsys, tmp_path):
    for i in range(15):
        make_contact("Pat", f"Number{i}")
    assert main(["sheet", "Pat", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "matches 15 contacts" in err and "and 5 more" in err
    assert err.count("(id ") == 10


def test_out_is_required():
    with pytest.raises(SystemExit) as exc:
        main(["sheet", "Ann"])
    assert exc.value.code == 2


def test_an_unwritable_out_is_an_error_not_a_traceback(people, data_dir, tmp_path):
    result = run(
        "--data-dir", str(data_dir), "sheet", "Cy", "--out", str(tmp_path / "no" / "such" / "x.pdf")
    )
    assert result.returncode == 1
    assert "favorbook:" in result.stderr and "Traceback" not in result.stderr


def test_the_error_path_loads_no_qt(people, data_dir):
    code = (
        "import sys\n"
        "from favorbook.cli import main\n"
        f"rc = main(['--data-dir', {str(data_dir)!r}, 'sheet', 'Nobody', '--out', 'x.pdf'])\n"
        "print(rc, sorted(n for n in sys.modules if n.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2 []"
