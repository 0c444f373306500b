"""File menu exports, the contact sheet PDF and its print preview."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QMessageBox

from favorbook.services import contacts, favors, followups
from favorbook.services.contacts import Labeled
from favorbook.ui.data.data_actions import ExportOptionsDialog


@pytest.fixture
def people(window, make_contact):
    ann = make_contact("Ann", "Lee", organization="Acme", emails=[Labeled("ann@acme.com", "")])
    bo = make_contact("Bo", "Chan", organization="Zeta")
    cy = make_contact("Cy", "Abe")
    contacts.add_note(ann, "Secret: golf handicap 12", private=True)
    contacts.add_note(ann, "Likes early calls")
    favors.log_favor(ann, "given", "Intro to the plant manager")
    favors.log_favor(bo, "received", "Advice on pricing")
    followups.add_followup(bo, dt.date.today() + dt.timedelta(days=3), "Send the white paper")
    window.reload()
    return {"ann": ann, "bo": bo, "cy": cy}


@pytest.fixture
def choose(monkeypatch):
    """What the user answers in the options dialog: {'selected': bool, 'private': bool}."""
    answer = {"selected": True, "private": False, "asked": []}

    def exec_(dialog):
        answer["asked"].append(
            (dialog.selected_button.isVisibleTo(dialog), dialog.private_box.isVisibleTo(dialog))
        )
        assert not dialog.private_box.isChecked()  # private notes are off unless asked for
        (dialog.selected_button if answer["selected"] else dialog.all_button).setChecked(True)
        dialog.private_box.setChecked(answer["private"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportOptionsDialog, "exec", exec_)
    return answer


@pytest.fixture
def save_to(window, monkeypatch, tmp_path):
    """Where the save dialog points; records the default name it offered."""
    target = {"path": str(tmp_path / "out"), "offered": []}

    def save_path(title, default_name, file_filter):
        target["offered"].append(default_name)
        return target["path"]

    monkeypatch.setattr(window.data_actions, "save_path", save_path)
    return target


@pytest.fixture
def warnings_shown(monkeypatch):
    said = []

    def warning(_parent, title, text, *args, **kwargs):
        said.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return said


def _exported(window, qtbot):
    """Exports write on a worker thread: wait until the file is written and said."""
    qtbot.waitUntil(lambda: window.data_actions.export_job is None, timeout=10000)


def _select(window, *ids):
    view = window.contacts_page.list_view
    view.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for cid in ids:
        view.selectionModel().select(
            window.contacts_page.model.index(window.contacts_page.model.row_of(cid), 0), flags
        )
    assert sorted(window.contacts_page.selected_ids()) == sorted(ids)


def test_file_menu_has_the_data_commands_before_the_sample(window):
    texts = [a.text().replace("&", "") for a in window.file_menu.actions()]
    assert texts.index("Import…") < texts.index("Load Sample Network")
    assert texts.index("Export") < texts.index("Export Contact Sheet (PDF)…")
    assert texts.index("Print Contact Sheet…") < texts.index("Load Sample Network")
    export = [a.text().replace("&", "") for a in window.data_actions.export_menu.actions()]
    assert export == [
        "vCard 3.0…",
        "vCard 4.0…",
        "Contacts as CSV…",
        "Favor Ledger as CSV…",
        "Follow-ups Calendar (.ics)…",
    ]
    assert window.data_actions.import_action.shortcut().toString() == "Ctrl+I"
    assert window.data_actions.export_sheet_action.shortcut().toString() == "Ctrl+Shift+E"
    assert "Merge Into…" in [a.text().replace("&", "") for a in window.contact_menu.actions()]


def test_vcard_exports_all_or_the_selection_without_private_notes(
    window, people, choose, save_to, tmp_path, qtbot
):
    save_to["path"] = str(tmp_path / "all.vcf")
    window.data_actions.export_vcard3_action.trigger()
    _exported(window, qtbot)
    text = (tmp_path / "all.vcf").read_text("utf-8")
    assert text.count("BEGIN:VCARD") == 3 and "VERSION:3.0" in text
    assert "Likes early calls" in text and "golf handicap" not in text
    assert save_to["offered"] == ["favorbook-contacts.vcf"]
    assert choose["asked"] == [(False, True)]  # nothing selected: only private notes asked
    assert window.statusBar().currentMessage() == f"Wrote 3 contacts to {tmp_path / 'all.vcf'}"

    _select(window, people["ann"], people["bo"])
    save_to["path"] = str(tmp_path / "two.vcf")
    choose["private"] = True
    window.data_actions.export_vcard4_action.trigger()
    _exported(window, qtbot)
    text = (tmp_path / "two.vcf").read_text("utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text
    assert "Cy" not in text and "golf handicap" in text
    assert choose["asked"][-1] == (True, True)
    assert "Wrote 2 contacts" in window.statusBar().currentMessage()

    choose["selected"], choose["private"] = False, False
    save_to["path"] = str(tmp_path / "all4.vcf")
    window.data_actions.export_vcard4_action.trigger()
    _exported(window, qtbot)
    assert (tmp_path / "all4.vcf").read_text("utf-8").count("BEGIN:VCARD") == 3


def test_csv_exports_of_contacts_ledger_and_calendar(
    window, people, choose, save_to, tmp_path, qtbot
):
    save_to["path"] = str(tmp_path / "c.csv")
    window.data_actions.export_csv_action.trigger()
    _exported(window, qtbot)
    lines = (tmp_path / "c.csv").read_text("utf-8-sig").splitlines()
    assert len(lines) == 4 and "Ann" in "\n".join(lines)

    _select(window, people["bo"], people["cy"])
    save_to["path"] = str(tmp_path / "sel.csv")
    window.data_actions.export_csv_action.trigger()
    _exported(window, qtbot)
    text = (tmp_path / "sel.csv").read_text("utf-8-sig")
    assert len(text.splitlines()) == 3 and "Ann" not in text

    save_to["path"] = str(tmp_path / "ledger.csv")
    window.data_actions.export_ledger_action.trigger()
    _exported(window, qtbot)
    text = (tmp_path / "ledger.csv").read_text("utf-8-sig")
    assert "Intro to the plant manager" in text and "Advice on pricing" in text
    assert window.statusBar().currentMessage().startswith("Wrote 2 favors to")

    save_to["path"] = str(tmp_path / "f.ics")
    window.data_actions.export_ics_action.trigger()
    _exported(window, qtbot)
    text = (tmp_path / "f.ics").read_text("utf-8")
    assert "BEGIN:VCALENDAR" in text and "Send the white paper" in text
    assert save_to["offered"][-1] == "favorbook-follow-ups.ics"


def test_one_favor_written_is_said_in_the_singular(window, make_contact, save_to, tmp_path, qtbot):
    favors.log_favor(make_contact("Ann", "Lee"), "given", "Intro to the plant manager")
    save_to["path"] = str(tmp_path / "ledger.csv")
    window.data_actions.export_ledger_action.trigger()
    _exported(window, qtbot)
    assert window.statusBar().currentMessage() == f"Wrote 1 favor to {save_to['path']}"


def test_export_to_an_unwritable_folder_says_so_and_leaves_no_file(
    window, people, choose, save_to, tmp_path, warnings_shown, qtbot
):
    folder = tmp_path / "exports"
    folder.mkdir()
    blocker = folder / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    target = blocker / "contacts.vcf"
    save_to["path"] = str(target)
    window.statusBar().clearMessage()
    window.data_actions.export_vcard3_action.trigger()
    _exported(window, qtbot)
    assert len(warnings_shown) == 1 and str(target) in warnings_shown[0]
    assert not target.exists()
    assert sorted(p.name for p in folder.iterdir()) == ["not-a-folder"]
    assert "Wrote" not in window.statusBar().currentMessage()

    save_to["path"] = str(blocker / "sheet.pdf")
    window.contacts_page.show_contact(people["ann"])
    window.data_actions.export_sheet_action.trigger()
    assert len(warnings_shown) == 2 and "sheet.pdf" in warnings_shown[1]


def _pdf_text(path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_sheet_pdf_for_one_and_for_a_meeting(window, people, choose, save_to, tmp_path):
    window.contacts_page.show_contact(people["ann"])
    save_to["path"] = str(tmp_path / "ann")
    window.data_actions.export_sheet_action.trigger()
    assert save_to["offered"] == ["Ann Lee.pdf"]
    assert choose["asked"] == [(False, True)]
    pdf = tmp_path / "ann.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage() == f"Wrote the contact sheet of Ann Lee to {pdf}"
    text = _pdf_text(pdf)
    if text is not None:
        assert text.count("\f") == 1 and "Ann Lee" in text
        assert "golf handicap" not in text

    _select(window, people["ann"], people["bo"], people["cy"])
    save_to["path"] = str(tmp_path / "meeting.pdf")
    window.data_actions.export_sheet_action.trigger()
    assert save_to["offered"][-1] == f"meeting-{dt.date.today().isoformat()}.pdf"
    assert "meeting sheet of 3 people (3 pages)" in window.statusBar().currentMessage()
    text = _pdf_text(tmp_path / "meeting.pdf")
    if text is not None:
        assert text.count("\f") == 3
        assert all(name in text for name in ("Ann Lee", "Bo Chan", "Cy Abe"))


def test_print_preview_opens_and_paints_the_sheets(window, qtbot, people, choose, monkeypatch):
    from favorbook.render import sheet_pdf

    painted = []
    real = sheet_pdf.print_sheets

    def spy(printer, ids, include_private=False):
        painted.append(list(ids))
        return real(printer, ids, include_private=include_private)

    monkeypatch.setattr(sheet_pdf, "print_sheets", spy)
    _select(window, people["ann"], people["bo"])
    window.data_actions.print_sheet_action.trigger()
    dialog = window.data_actions.print_preview
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(painted), timeout=20000)
    assert sorted(painted[0]) == sorted([people["ann"], people["bo"]])
    dialog.reject()
    assert window.data_actions.print_preview is None


def test_sheet_without_a_contact_asks_to_select_one(window, choose, save_to):
    window.data_actions.export_sheet_action.trigger()
    assert save_to["offered"] == []
    assert "Select" in window.statusBar().currentMessage()


def test_the_welcome_page_offers_to_import(window, monkeypatch):
    asked = []
    monkeypatch.setattr(window.data_actions.importer, "choose_files", lambda: asked.append(1) or [])
    button = window.data_actions.welcome_import_button
    assert button.isVisible()
    button.click()
    assert asked == [1]


def test_an_export_writes_on_a_worker_thread_and_the_window_stays_free(
    window, people, choose, save_to, tmp_path, qtbot, monkeypatch
):
    import threading

    from favorbook.formats import vcard

    release, threads = threading.Event(), []
    real = vcard.write_vcards

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(vcard, "write_vcards", slow)
    save_to["path"] = str(tmp_path / "slow.vcf")
    window.data_actions.export_vcard3_action.trigger()
    qtbot.waitUntil(lambda: bool(threads))
    assert threads[0] is not threading.main_thread()
    assert window.statusBar().currentMessage().startswith("Writing ")
    window.data_actions.export_vcard3_action.trigger()  # a second one waits its turn
    assert "Wait for the export" in window.statusBar().currentMessage()
    release.set()
    _exported(window, qtbot)
    assert (tmp_path / "slow.vcf").read_text("utf-8").count("BEGIN:VCARD") == 3
    assert window.statusBar().currentMessage().startswith("Wrote 3 contacts")
