"""``favorbook --smoke-test``: the program checks itself as it ships, then quits.

Run from a bundle (``make dist-test``) it proves that what PyInstaller packed is
enough to work: the resources and migrations are found, Qt starts with its
plugins (SVG icons, the single-instance socket, print support), the database
opens in a temporary data folder and takes the sample network, the main window
shows it, a contact sheet is written as a PDF and printed, and the contacts go
out to vCard and the calendar and are read back. The user's data is never
touched. Offscreen unless ``QT_QPA_PLATFORM`` says otherwise.

Exit 0 when every step passed; 1 with one line naming the failed step otherwise.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

SHOW_TIMEOUT_S = 20.0
SHEET_CONTACTS = 3
# Libraries favorbook imports only inside functions (start-up speed): a bundle that
# missed one would fail only when a user imports or exports, so they are checked here.
LAZY_MODULES = ("vobject.base", "rapidfuzz.fuzz", "icalendar", "phonenumbers", "email_validator")


class SmokeFailure(Exception):
    """A check of the smoke test did not hold."""


class SmokeTest:
    """The steps, in order; ``step`` names the one running, for the failure message."""

    def __init__(self, folder: Path, out: TextIO) -> None:
        self.folder = folder
        self.out = out
        self.step = "starting"
        self.started = time.perf_counter()
        self.window = None
        self.guard = None
        self.ids: list[int] = []

    def say(self, text: str) -> None:
        print(f"  {time.perf_counter() - self.started:6.2f} s  {text}", file=self.out, flush=True)

    def check_files(self) -> None:
        self.step = "finding the resources"
        from favorbook.db.database import MIGRATIONS_DIR
        from favorbook.ui.resources import RESOURCES

        icon = RESOURCES / "icons" / "favorbook.svg"
        if not icon.is_file():
            raise SmokeFailure(f"the icon {icon} is missing")
        migrations = sorted(MIGRATIONS_DIR.glob("[0-9]*.py"))
        if not migrations:
            raise SmokeFailure(f"no migrations in {MIGRATIONS_DIR}")
        # Optional (the `encryption` extra): said, never required.
        encryption = "with" if importlib.util.find_spec("sqlcipher3") else "without"
        self.say(f"resources in {RESOURCES}, {len(migrations)} migrations, {encryption} SQLCipher")

    def start_qt(self):
        self.step = "starting Qt"
        from favorbook.ui.app import make_application

        app = make_application()
        if app.windowIcon().pixmap(64, 64).isNull():
            raise SmokeFailure("the window icon did not load (is Qt's SVG support missing?)")
        self.say(f"Qt started ({app.platformName()}), window icon loaded")
        return app

    def load_sample(self) -> int:
        self.step = "loading the sample network"
        from favorbook.sample import demo
        from favorbook.services import session

        session.open_data(self.folder)
        try:
            count = demo.load()
        finally:
            session.close()
        self.say(f"sample network of {count} contacts in {self.folder}")
        return count

    def show_window(self, app) -> None:
        self.step = "opening the main window"
        from favorbook.ui.app import start
        from favorbook.ui.single_instance import Claim, SingleInstance

        self.guard = SingleInstance(self.folder)
        if self.guard.claim() is not Claim.OWNED:
            raise SmokeFailure(f"could not take the data folder {self.folder}")
        window = start(str(self.folder), self.guard)
        if isinstance(window, int):
            raise SmokeFailure(f"the window did not open (exit code {window})")
        self.window = window
        window.show()
        deadline = time.perf_counter() + SHOW_TIMEOUT_S
        while not (window.windowHandle() and window.windowHandle().isExposed()):
            if time.perf_counter() > deadline:
                raise SmokeFailure(f"the window was not shown within {SHOW_TIMEOUT_S:.0f} s")
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()
        window.contacts_page.complete_list()  # the list beyond its first page
        rows = window.model.rowCount()
        if rows == 0:
            raise SmokeFailure("the window shows no contacts")
        self.say(f"main window shown with {rows} contacts")

    def export_sheet(self) -> Path:
        self.step = "exporting a contact sheet"
        from favorbook.render import sheet_pdf

        # As a user would: select a contact (its tabs fill in), then export the first few.
        self.window.contacts_page.select_row(0)
        rows = range(min(SHEET_CONTACTS, self.window.model.rowCount()))
        self.ids = [self.window.model.contact_id(row) for row in rows]
        out = self.folder / "smoke-sheet.pdf"
        pages = sheet_pdf.write_pdf(out, self.ids)
        if not out.is_file() or out.stat().st_size == 0:
            raise SmokeFailure(f"the contact sheet {out} was not written")
        if not out.read_bytes().startswith(b"%PDF-"):
            raise SmokeFailure(f"{out} is not a PDF")
        self.say(f"contact sheet of {pages} pages, {out.stat().st_size:,} bytes")
        return out

    def print_sheet(self) -> None:
        self.step = "printing a contact sheet"
        from PySide6.QtPrintSupport import QPrinter

        from favorbook.render import sheet_pdf

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        out = self.folder / "smoke-print.pdf"
        printer.setOutputFileName(str(out))
        pages = sheet_pdf.print_sheets(printer, self.ids[:1])
        if pages < 1 or not out.is_file() or out.stat().st_size == 0:
            raise SmokeFailure("printing the contact sheet produced nothing")
        self.say(f"printed {pages} page(s) through Qt's print support")

    def exchange_files(self) -> None:
        self.step = "exporting and importing contacts"
        from favorbook.formats import ics, importer, vcard
        from favorbook.services import importing

        for name in LAZY_MODULES:
            importlib.import_module(name)
        cards = self.folder / "smoke.vcf"
        written = vcard.write_vcards(cards)
        dates = ics.write_calendar(self.folder / "smoke.ics")
        # Reading the export back finds every card already in favorbook.
        counts = importing.plan_import(importer.read_file(cards)).counts()
        if counts[importing.MATCHED] != written:
            raise SmokeFailure(f"{written} exported contacts read back as {counts}")
        self.say(f"{written} contacts out to vCard and back, {dates} dates to the calendar")

    def close(self) -> None:
        self.step = "closing"
        from favorbook.services import session

        try:
            if self.window is not None:
                from PySide6.QtCore import QCoreApplication, QEvent

                self.window.close()
                self.window.deleteLater()
                self.window = None
                # Gone now, with its timers, before the database closes under it.
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        finally:
            session.close()
            if self.guard is not None:
                self.guard.release()
                self.guard = None


def run_smoke_test(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every step in a temporary data folder; 0 when all passed, else 1 and a message."""
    out = out or sys.stdout
    err = err or sys.stderr
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from favorbook import __version__

    print(f"favorbook {__version__} smoke test", file=out, flush=True)
    with tempfile.TemporaryDirectory(prefix="favorbook-smoke-") as tmp:
        test = SmokeTest(Path(tmp) / "data", out)
        try:
            test.check_files()
            app = test.start_qt()
            test.load_sample()
            test.show_window(app)
            test.export_sheet()
            test.print_sheet()
            test.exchange_files()
        except Exception as exc:  # every failure is one line naming the step
            from favorbook.services.session import describe_error

            reason = str(exc) if isinstance(exc, SmokeFailure) else describe_error(exc)
            failed = test.step
            with contextlib.suppress(Exception):  # the first failure is the one worth telling
                test.close()
            print(f"favorbook smoke test failed while {failed}: {reason}", file=err)
            return 1
        test.close()
    print(f"favorbook smoke test passed in {time.perf_counter() - test.started:.2f} s", file=out)
    return 0
