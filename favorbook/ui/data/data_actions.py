"""Data in and out from the window's menus: import, exports, contact sheet PDF and print, merge.

``install(window)`` adds the commands to the window's File and Contact menus and
returns the ``DataActions`` object (also kept as ``window.data_actions``). The
file and option dialogs are methods (``save_path``, ``export_options``) so that
tests can replace them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import contacts
from favorbook.services.changes import Change
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.data.import_dialog import Importer
from favorbook.ui.shell.folders import start_folder
from favorbook.ui.shell.worker import BackgroundJob, in_background


class ExportOptionsDialog(QDialog):
    """All contacts or the selected ones, and whether private notes go into the file."""

    def __init__(
        self,
        title: str,
        selected: int,
        *,
        ask_scope: bool,
        ask_private: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportOptions")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.all_button = QRadioButton(self.tr("All contacts"))
        self.selected_button = QRadioButton(
            self.tr("The %1 selected contacts").replace("%1", str(selected))
        )
        group = QButtonGroup(self)
        group.addButton(self.all_button)
        group.addButton(self.selected_button)
        self.selected_button.setChecked(True)
        if ask_scope:
            layout.addWidget(QLabel(self.tr("Export:")))
            layout.addWidget(self.all_button)
            layout.addWidget(self.selected_button)
        else:
            self.all_button.hide()
            self.selected_button.hide()
        self.private_box = QCheckBox(self.tr("Include private notes"))
        self.private_box.setObjectName("includePrivate")
        self.private_box.setChecked(False)
        self.private_box.setToolTip(
            self.tr("Private notes stay out of the file unless you tick this.")
        )
        if ask_private:
            layout.addWidget(self.private_box)
        else:
            self.private_box.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(320)


def safe_file_name(text: str, fallback: str = "contact") -> str:
    """A file name made of ``text``: no path separators or characters systems refuse."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .")
    return " ".join(cleaned.split())[:80] or fallback


class DataActions(QObject):
    """The window's import, export, sheet, print and merge commands."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.importer = Importer(window)
        self.print_preview = None
        self.merge_dialog = None
        self.export_job: BackgroundJob | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.importer.stop()  # a running import is cancelled and rolled back
        return False

    # --- what tests replace -----------------------------------------------------------

    def documents_folder(self) -> str:
        return start_folder()

    def save_path(self, title: str, default_name: str, file_filter: str) -> str:
        """Ask where to write; '' when the user cancelled."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, title, str(Path(self.documents_folder()) / default_name), file_filter
        )
        return path

    def export_options(
        self, title: str, selected: list[int], *, ask_private: bool = True, ask_scope: bool = True
    ) -> tuple[list[int] | None, bool] | None:
        """(contact ids, or None for all; include private notes), or None when cancelled.

        The scope is asked only when several contacts are selected."""
        ask_scope = ask_scope and len(selected) > 1
        if not ask_scope and not ask_private:
            return None, False
        dialog = ExportOptionsDialog(
            title, len(selected), ask_scope=ask_scope, ask_private=ask_private, parent=self.window
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        ids = list(selected) if ask_scope and dialog.selected_button.isChecked() else None
        return ids, dialog.private_box.isChecked()

    def ask_path(self, title: str, default_name: str, file_filter: str) -> str:
        """``save_path`` with the default name's extension added when none was typed."""
        path = self.save_path(title, default_name, file_filter)
        if path and not Path(path).suffix:
            path += Path(default_name).suffix
        return path

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # --- helpers ----------------------------------------------------------------------

    def _said(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def _write(self, title: str, path: str, write: Callable[[], str]) -> bool:
        """Run ``write`` (which returns the status line) here; a failure names the file."""
        try:
            said = write()
        except (OSError, FavorbookError) as exc:
            self._write_failed(title, path, exc)
            return False
        self._said(said)
        return True

    def _write_failed(self, title: str, path: str, exc: Exception) -> None:
        self.warn(
            title,
            self.tr("Could not write %1.\n\n%2\n\nNothing was written; choose another folder.")
            .replace("%1", path)
            .replace("%2", describe_error(exc)),
        )

    def _export(
        self, title: str, path: str, work: Callable[[], object], said: Callable[[object], str]
    ) -> None:
        """Write a file on a worker thread (10,000 vCards take over a second), the window
        free meanwhile; ``said(result)`` is the status line, a failure names the file."""

        def done(result: object, error: object) -> None:
            self.export_job = None
            if isinstance(error, (OSError, FavorbookError)):
                self._write_failed(title, path, error)
            elif error is not None:
                self.warn(title, describe_error(error))
            else:
                self._said(said(result))

        self._said(self.tr("Writing %1…").replace("%1", path))
        self.export_job = in_background(self.window, work, done)

    def _export_busy(self) -> bool:
        if self.export_job is None:
            return False
        self._said(self.tr("Wait for the export under way to finish."))
        return True

    def _chosen_contacts(self) -> list[int]:
        """The contacts selected in the list, else the one shown."""
        page = self.window.contacts_page
        ids = page.selected_ids()
        if not ids and page.contact_id is not None:
            ids = [page.contact_id]
        return ids

    # --- exports ----------------------------------------------------------------------

    def export_vcard(self, version: str) -> None:
        from favorbook.formats.vcard import write_vcards

        if self._export_busy():
            return
        title = self.tr("Export vCard %1").replace("%1", version)
        options = self.export_options(title, self.window.contacts_page.selected_ids())
        if options is None:
            return
        ids, private = options
        path = self.ask_path(
            title, "favorbook-contacts.vcf", self.tr("vCard (*.vcf);;All files (*)")
        )
        if not path:
            return
        self._export(
            title,
            path,
            lambda: write_vcards(path, ids, version=version, include_private=private),
            lambda count: self._wrote(count, path),
        )

    def export_contacts_csv(self) -> None:
        from favorbook.formats.csv_export import write_contacts

        if self._export_busy():
            return
        title = self.tr("Export Contacts as CSV")
        options = self.export_options(title, self.window.contacts_page.selected_ids())
        if options is None:
            return
        ids, private = options
        path = self.ask_path(title, "favorbook-contacts.csv", self.tr("CSV (*.csv);;All files (*)"))
        if not path:
            return
        self._export(
            title,
            path,
            lambda: write_contacts(path, ids, include_private=private),
            lambda count: self._wrote(count, path),
        )

    def _wrote(self, count: int, path: str) -> str:
        return (
            self.tr("Wrote %1 to %2")
            .replace("%1", counted(count, self.tr("contact"), self.tr("contacts")))
            .replace("%2", path)
        )

    def export_ledger_csv(self) -> None:
        from favorbook.formats.csv_export import write_ledger

        if self._export_busy():
            return
        title = self.tr("Export Favor Ledger as CSV")
        path = self.ask_path(title, "favorbook-favors.csv", self.tr("CSV (*.csv);;All files (*)"))
        if not path:
            return
        self._export(
            title,
            path,
            lambda: write_ledger(path),
            lambda count: (
                self.tr("Wrote %1 to %2")
                .replace("%1", counted(count, self.tr("favor"), self.tr("favors")))
                .replace("%2", path)
            ),
        )

    def export_calendar(self) -> None:
        from favorbook.formats.ics import write_calendar

        if self._export_busy():
            return
        title = self.tr("Export Follow-ups Calendar")
        path = self.ask_path(
            title, "favorbook-follow-ups.ics", self.tr("iCalendar (*.ics);;All files (*)")
        )
        if not path:
            return
        self._export(
            title,
            path,
            lambda: write_calendar(path),
            lambda count: (
                self.tr("Wrote %1 to %2")
                .replace(
                    "%1",
                    counted(
                        count,
                        self.tr("follow-up or stay-in-touch date"),
                        self.tr("follow-ups and stay-in-touch dates"),
                    ),
                )
                .replace("%2", path)
            ),
        )

    # --- the contact sheet ------------------------------------------------------------

    def _sheet_choice(self, title: str) -> tuple[list[int], bool] | None:
        ids = self._chosen_contacts()
        if not ids:
            self._said(self.tr("Select one or more contacts first."))
            return None
        options = self.export_options(title, ids, ask_scope=False)
        if options is None:
            return None
        return ids, options[1]

    def sheet_file_name(self, ids: list[int]) -> str:
        if len(ids) == 1:
            return safe_file_name(contacts.name_of(ids[0])) + ".pdf"
        return f"meeting-{dt.date.today().isoformat()}.pdf"

    def export_sheet(self) -> None:
        from favorbook.render.sheet_pdf import write_pdf

        title = self.tr("Export Contact Sheet")
        choice = self._sheet_choice(title)
        if choice is None:
            return
        ids, private = choice
        path = self.ask_path(title, self.sheet_file_name(ids), self.tr("PDF (*.pdf)"))
        if not path:
            return

        def write() -> str:
            pages = write_pdf(path, ids, include_private=private)
            if len(ids) == 1:
                text = self.tr("Wrote the contact sheet of %1 to %2").replace(
                    "%1", contacts.name_of(ids[0])
                )
            else:
                text = self.tr("Wrote a meeting sheet of %1 (%3) to %2")
                text = text.replace("%1", counted(len(ids), self.tr("person"), self.tr("people")))
                text = text.replace("%3", counted(pages, self.tr("page"), self.tr("pages")))
            return text.replace("%2", path)

        self._write(title, path, write)

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from favorbook.render.sheet_pdf import print_sheets

        title = self.tr("Print Contact Sheet")
        choice = self._sheet_choice(title)
        if choice is None:
            return
        ids, private = choice
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(self.sheet_file_name(ids)).stem)
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.setObjectName("printPreview")
        dialog.setWindowTitle(title)
        dialog.printer_ = printer  # keeps the printer alive as long as the dialog
        failures: list[str] = []

        def paint(target) -> None:
            try:
                print_sheets(target, ids, include_private=private)
            except FavorbookError as exc:
                failures.append(describe_error(exc))

        dialog.paintRequested.connect(paint)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "print_preview", None))
        self.print_preview = dialog
        dialog.resize(900, 760)
        dialog.open()
        if failures:
            self.warn(title, failures[0])

    # --- merge ------------------------------------------------------------------------

    def merge_into(self) -> None:
        from favorbook.ui.contacts.merge_dialog import MergeDialog

        contact_id = self.window.contacts_page.contact_id
        if contact_id is None:
            self._said(self.tr("Select the contact to merge first."))
            return
        if contacts.count_contacts(include_archived=True) < 2:
            self._said(self.tr("There is no other contact to merge with."))
            return
        dialog = MergeDialog(contact_id, self.window)
        selected = self.window.contacts_page.selected_ids()
        if len(selected) == 2 and contact_id in selected:
            # Two records of one person selected: the other one is the obvious choice.
            dialog.picker.set_contact_id(next(i for i in selected if i != contact_id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._merged)
        dialog.finished.connect(lambda _r: setattr(self, "merge_dialog", None))
        self.merge_dialog = dialog
        dialog.open()

    def _merged(self, keep_id: int, message: str) -> None:
        window = self.window
        window.bus.undo_stack.clear()  # older commands may refer to the contact now gone
        window.bus.changed.emit(Change.EVERYTHING)
        window.open_contact(keep_id)
        self._said(message)


def _add_welcome_button(window, actions: DataActions) -> None:
    """An empty network's first step may well be the contacts already in a phone or Google."""
    welcome = window.contacts_page.welcome
    beside = getattr(welcome, "new_contact_button", None)
    for layout in welcome.findChildren(QHBoxLayout):
        if beside is not None and layout.indexOf(beside) >= 0:
            button = QPushButton(actions.tr("Import contacts…"))
            button.setObjectName("welcomeImportButton")
            button.setToolTip(
                actions.tr(
                    "From a vCard (.vcf) or CSV file of your phone, Google, Outlook or LinkedIn"
                )
            )
            button.clicked.connect(lambda _=False: actions.importer.start())
            layout.insertWidget(layout.indexOf(beside) + 1, button)
            actions.welcome_import_button = button
            return


def install(window) -> DataActions:
    """Add the data commands to ``window``'s File and Contact menus."""
    actions = DataActions(window)
    window.data_actions = actions
    before = window.sample_action
    menu = window.file_menu

    def action(text: str, slot, shortcut=None, name: str = "") -> QAction:
        act = QAction(text, window)
        act.setObjectName(name)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.triggered.connect(lambda _=False: slot())
        return act

    actions.import_action = action(
        actions.tr("&Import…"), actions.importer.start, QKeySequence("Ctrl+I"), "importContacts"
    )
    menu.insertAction(before, actions.import_action)
    actions.export_menu = menu.addMenu(actions.tr("&Export"))
    actions.export_menu.setObjectName("exportMenu")
    menu.removeAction(actions.export_menu.menuAction())
    menu.insertMenu(before, actions.export_menu)
    actions.export_vcard3_action = action(
        actions.tr("vCard &3.0…"), lambda: actions.export_vcard("3.0"), name="exportVcard3"
    )
    actions.export_vcard4_action = action(
        actions.tr("vCard &4.0…"), lambda: actions.export_vcard("4.0"), name="exportVcard4"
    )
    actions.export_csv_action = action(
        actions.tr("&Contacts as CSV…"), actions.export_contacts_csv, name="exportContactsCsv"
    )
    actions.export_ledger_action = action(
        actions.tr("Favor &Ledger as CSV…"), actions.export_ledger_csv, name="exportLedgerCsv"
    )
    actions.export_ics_action = action(
        actions.tr("&Follow-ups Calendar (.ics)…"), actions.export_calendar, name="exportCalendar"
    )
    for act in (
        actions.export_vcard3_action,
        actions.export_vcard4_action,
        actions.export_csv_action,
        actions.export_ledger_action,
        actions.export_ics_action,
    ):
        actions.export_menu.addAction(act)
    actions.export_sheet_action = action(
        actions.tr("Export Contact Sheet (P&DF)…"),
        actions.export_sheet,
        QKeySequence("Ctrl+Shift+E"),
        "exportSheet",
    )
    actions.print_sheet_action = action(
        actions.tr("Prin&t Contact Sheet…"),
        actions.print_sheet,
        QKeySequence(QKeySequence.StandardKey.Print),
        "printSheet",
    )
    menu.insertAction(before, actions.export_sheet_action)
    menu.insertAction(before, actions.print_sheet_action)
    menu.insertSeparator(before)

    _add_welcome_button(window, actions)

    actions.merge_action = action(
        actions.tr("&Merge Into…"), actions.merge_into, name="mergeContact"
    )
    window.contact_menu.insertAction(window.archive_action, actions.merge_action)
    window.contact_menu.insertSeparator(window.archive_action)
    return actions
