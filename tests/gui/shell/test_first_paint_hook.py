"""The benchmark's cold-start hook: with FAVORBOOK_BENCH_FIRST_PAINT set, favorbook prints
when its contact list first painted and ends; without it, nothing of the sort happens."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from favorbook.ui.shell import launch

ROOT = Path(__file__).resolve().parents[3]


def test_first_paint_is_reported_and_the_app_ends(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data), "demo", "--contacts", "30"],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.monotonic_ns()
    proc = subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data)],
        env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("favorbook-first-paint "))
    painted = int(line.split()[1])
    assert started < painted < time.monotonic_ns()
    # the app released its single-instance lock: the next start is not refused
    again = subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data)],
        env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "favorbook-first-paint " in again.stdout
    assert "already running" not in again.stderr


# Modules that cost start-up time and serve no part of the first paint.
HEAVY = (
    "phonenumbers",
    "vobject",
    "rapidfuzz",
    "icalendar",
    "recurring_ical_events",
    "charset_normalizer",
    "requests",
    "keyring",
)
# favorbook's own modules that the first paint does not need (issue 19): the pages and
# contact tabs other than the list, built on first show; the import, export, backup and
# sync commands, added just after the paint (a small database is backed up before the
# window shows, so backup_actions and its worker may be there); the wheel guard, the
# migrations (a database at this schema has none to run), the sample network's code, the
# recovery dialog (only on damage) and Qt's network module (a second start is answered
# after the paint).
LATER = (
    "favorbook.ui.dashboard.dashboard",
    "favorbook.ui.dashboard.charts",
    "favorbook.ui.contacts.profile",
    "favorbook.ui.calls.call_prep",
    "favorbook.ui.records.ledger",
    "favorbook.ui.records.conversation_log",
    "favorbook.ui.records.followup_list",
    "favorbook.ui.network.referrals_view",
    "favorbook.ui.network.referral_graph",
    "favorbook.ui.network.matching",
    "favorbook.ui.network.vetting_view",
    "favorbook.ui.calls.question_bank",
    "favorbook.ui.calls.meetings_page",
    "favorbook.ui.calls.inbox_page",
    "favorbook.ui.records.record_list",
    "favorbook.ui.data.data_actions",
    "favorbook.ui.data.import_dialog",
    "favorbook.ui.data.backups_dialog",
    "favorbook.ui.sync.sync_actions",
    "favorbook.ui.contacts.contact_commands",
    "favorbook.ui.shell.wheel",
    "favorbook.sync.accounts",
    "favorbook.sample.demo",
    "playhouse.migrations",
    "favorbook.ui.shell.recovery",
    "PySide6.QtNetwork",
    "favorbook.ui.shell.icons",  # the navigation's icons are drawn just after the paint
    "PySide6.QtSvg",
    # The list paints from the database's first page (db.first_page, with the standard
    # library's sqlite3); peewee, the models and the services load after the paint.
    "peewee",
    "playhouse",
    "favorbook.db.models",
    "hashlib",  # the single-instance socket's name, worked out when it first listens
)
# The only modules of favorbook.services the first paint may import: words and figures
# the list shows, and the change flags, none of which reads the database.
PAINT_SERVICES = (
    "favorbook.services.changes",
    "favorbook.services.dates",
    "favorbook.services.terms",
)
_PROBE = """
import enum
import sys

made = []  # the Python enums PySide6 has built so far (it builds them on first use)
create = enum.EnumType._create_

def record(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return create(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = record
from favorbook.ui.shell import app

painted = app._FirstPaint._painted

def report(self):
    print("heavy-at-first-paint", *sorted(m for m in {heavy!r} if m in sys.modules), flush=True)
    # GlobalColor and AlignmentFlag are QtCore.Qt's own: its 128 enums, built at its
    # first use, cost about 20 ms of a cold start (favorbook.ui.shell.qt_values).
    print("qt-namespace-at-first-paint", *sorted({{"GlobalColor", "AlignmentFlag"}} & set(made)))
    print("before-qt-not-needed", *sorted(m for m in {before_qt!r} if m not in sys.modules))
    print("services-at-first-paint", *sorted(
        m for m in sys.modules
        if m.startswith("favorbook.services.") and m not in {paint_services!r}
    ))
    import gc

    print("collector-at-first-paint", gc.isenabled())
    self.parent().finish_start()  # what runs just after the paint
    print("collector-after-start", gc.isenabled(), bool(gc.get_freeze_count()))
    painted(self)

app._FirstPaint._painted = report
from favorbook.cli import main
main(["--data-dir", {data!r}])
"""


def test_start_up_imports_no_heavy_module_before_the_first_paint(tmp_path):
    """A contact with phones, tags and notes is shown at start, as a rep's would be; what
    the profile needs (phone formatting) loads after the list has painted, and so does
    every part of favorbook the list does not show (LATER): the list paints before peewee,
    the models and the services (but PAINT_SERVICES) are imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "favorbook", "--data-dir", str(data), "demo", "--contacts", "30"],
        env=env,
        check=True,
        capture_output=True,
    )
    probe = _PROBE.format(
        heavy=HEAVY + LATER,
        data=str(data),
        before_qt=launch.BEFORE_QT,
        paint_services=PAINT_SERVICES,
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("heavy-at-first-paint"))
    assert line.split()[1:] == []
    line = next(x for x in proc.stdout.splitlines() if x.startswith("qt-namespace-at-first"))
    assert line.split()[1:] == []  # QtCore.Qt's enums are built after the paint
    # What start-up imports before PySide6 is what the first paint needs anyway.
    line = next(x for x in proc.stdout.splitlines() if x.startswith("before-qt-not-needed"))
    assert line.split()[1:] == []
    line = next(x for x in proc.stdout.splitlines() if x.startswith("services-at-first-paint"))
    assert line.split()[1:] == []
    # The cyclic collector waits for the first paint (it walked start-up's objects 50
    # times for some 300 freed), then comes back with what start-up built frozen.
    line = next(x for x in proc.stdout.splitlines() if x.startswith("collector-at-first"))
    assert line.split()[1:] == ["False"]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("collector-after"))
    assert line.split()[1:] == ["True", "True"]


def test_what_start_up_imports_before_qt_needs_no_qt():
    """launch imports the first paint's Qt-free modules before PySide6 (whose import hook
    reads the source of every module imported after it): none of them may bring Qt."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys\n"
        "from favorbook.ui.shell import launch\n"
        "launch.import_before_qt()\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6') or m == 'shiboken6'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


_SORT_PROBE = """
from favorbook.ui.shell import app

def report(self):
    page = self.parent().contacts_page
    ids = [page.model.contact_id(row) for row in range(min(page.model.rowCount(), 20))]
    print("sorted-by", page._order, page._descending, *ids, flush=True)
    painted(self)

painted = app._FirstPaint._painted
app._FirstPaint._painted = report
from favorbook.cli import main
main(["--data-dir", {data!r}])
"""


@pytest.mark.parametrize("older_file", [False, True])
def test_a_saved_sort_is_restored_at_start_without_an_error(db, qtbot, older_file):
    """The list's saved header (sorted by company, descending) is restored before the
    first paint, when QtCore.Qt's enums are not built yet: the header's sort signal
    carries one, which PySide6 could not convert then (an error dialog at every start
    and the sort lost). The list paints in the saved order, with nothing on stderr; also
    from the window.ini of an older favorbook, which saved no listDescending."""
    from PySide6.QtCore import Qt

    from favorbook.sample import demo
    from favorbook.services import search, session
    from favorbook.ui.shell.main_window import MainWindow

    demo.load(40)
    window = MainWindow(str(db))
    qtbot.addWidget(window)
    window.finish_start()
    header = window.contacts_page.list_view.horizontalHeader()
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    window.save_geometry()
    expected = search.search_ids("", order="company", descending=True)[:20]
    window.close()
    session.close()
    if older_file:
        ini = db.parent / "window.ini"
        lines = ini.read_text().splitlines(keepends=True)
        ini.write_text("".join(x for x in lines if not x.startswith("listDescending=")))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _SORT_PROBE.format(data=str(db.parent))],
            env={**env, "FAVORBOOK_BENCH_FIRST_PAINT": "1"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:  # an error dialog waits for a click
        pytest.fail(f"the list never painted: {exc.stderr!r}")
    assert proc.returncode == 0, proc.stderr
    noise = [x for x in proc.stderr.splitlines() if "propagateSizeHints" not in x]
    assert noise == []
    line = next(x for x in proc.stdout.splitlines() if x.startswith("sorted-by "))
    assert line.split()[1:3] == ["company", "True"]
    assert [int(x) for x in line.split()[3:]] == expected
