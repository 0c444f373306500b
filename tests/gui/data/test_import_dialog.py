"""Import… in the window: preview and choose, report, cancel, column mapping, wrong files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox, QPushButton

from favorbook.formats import importer
from favorbook.services import contacts, importing
from favorbook.services.contacts import Labeled
from favorbook.ui.data.import_dialog import PlanModel


def _card(first: str, last: str, email: str) -> str:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:{last};{first};;;\r\nFN:{first} {last}\r\nEMAIL;TYPE=work:{email}\r\n"
        "END:VCARD\r\n"
    )


@pytest.fixture
def messages(monkeypatch):
    """Message boxes record what they would say instead of blocking the test."""
    said: list[tuple[str, str]] = []

    def box(kind):
        def show(_parent, title, text, *args, **kwargs):
            said.append((kind, f"{title}\n{text}"))
            return QMessageBox.StandardButton.Ok

        return show

    monkeypatch.setattr(QMessageBox, "warning", box("warning"))
    monkeypatch.setattr(QMessageBox, "information", box("information"))
    return said


def _preview(window, qtbot):
    run = window.data_actions.importer
    qtbot.waitUntil(lambda: run.preview is not None, timeout=20000)
    return run.preview


def _report(window, qtbot):
    run = window.data_actions.importer
    qtbot.waitUntil(lambda: run.report_dialog is not None, timeout=20000)
    return run.report_dialog


def test_vcard_import_previews_chooses_and_reports(
    window, qtbot, make_contact, tmp_path, monkeypatch, qtmodeltester, messages
):
    ann = make_contact("Ann", "Lee", emails=[Labeled("ann@example.com", "work")])
    window.reload()
    path = tmp_path / "phone.vcf"
    path.write_text(
        _card("Bo", "Chan", "bo@example.com")
        + _card("Ann", "Lee", "ANN@example.com")
        + _card("Cy", "Abe", "cy@example.com"),
        encoding="utf-8",
    )
    run = window.data_actions.importer
    monkeypatch.setattr(run, "choose_files", lambda: [str(path)])
    window.data_actions.import_action.trigger()

    preview = _preview(window, qtbot)
    qtmodeltester.check(preview.model)
    assert (
        "2 new, 1 matched, 0 conflicting, 0 unreadable, 0 possible duplicates"
        in preview.counts_label.text()
    )
    model = preview.model
    rows = {model.index(r, PlanModel.NAME).data(): r for r in range(model.rowCount())}
    assert model.index(rows["Ann Lee"], PlanModel.MATCH).data() == "Ann Lee"
    assert model.index(rows["Ann Lee"], PlanModel.STATUS).data() == "Matched"
    # The user skips Cy, then looks at the new records only.
    assert model.setData(model.index(rows["Cy Abe"], PlanModel.CHOICE), "skip")
    preview.set_filter("new")
    assert preview.proxy.rowCount() == 2
    preview.set_filter("matched")
    assert preview.proxy.rowCount() == 1
    assert "cannot be undone" in preview.findChild(type(preview.counts_label), "importHint").text()
    preview.import_button.click()

    report = _report(window, qtbot)
    assert report.summary.text() == "Added 1, updated 1, skipped 1."
    text = report.text.toPlainText()
    assert "card 1: Bo Chan" in text and "card 3: skipped as chosen" in text
    report.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    assert "Added 1, updated 1, skipped 1." in QGuiApplication.clipboard().text()
    report.accept()

    names = dict((n, i) for i, n in contacts.all_names())
    assert "Bo Chan" in names and "Cy Abe" not in names
    assert names["Ann Lee"] == ann
    assert contacts.count_contacts() == 2
    listed = [
        window.contacts_page.model.index(r, 0).data()
        for r in range(window.contacts_page.model.rowCount())
    ]
    assert "Bo Chan" in listed
    assert "1 added" in window.statusBar().currentMessage()
    assert window.bus.undo_stack.count() == 0
    assert not messages


def test_add_all_new_and_skip_all_conflicting(window, qtbot, make_contact, tmp_path, messages):
    make_contact("Ann", "Lee", organization="Acme", emails=[Labeled("ann@example.com", "")])
    path = tmp_path / "x.vcf"
    path.write_text(
        _card("Annie", "Lee", "ann@example.com") + _card("Bo", "Chan", "bo@example.com"),
        encoding="utf-8",
    )
    window.data_actions.importer.start([str(path)])
    preview = _preview(window, qtbot)
    assert "1 new, 0 matched, 1 conflicting" in preview.counts_label.text()
    model = preview.model
    details = model.index(0, PlanModel.DETAILS).data()
    assert details == "first name: Annie (file) / Ann (favorbook)"
    assert model.index(0, PlanModel.CHOICE).data() == "Skip"
    # The "Do" column offers what fits the record, in a combo box.
    cell = preview.proxy.index(0, PlanModel.CHOICE)
    preview.view.edit(cell)
    editor = preview.view.viewport().findChild(QComboBox)
    assert [editor.itemData(i) for i in range(editor.count())] == ["update", "add", "skip"]
    editor.setCurrentIndex(editor.findData("update"))
    editor.activated.emit(editor.currentIndex())
    assert model.index(0, PlanModel.CHOICE).data() == "Update"
    for row in range(model.rowCount()):
        model.setData(model.index(row, PlanModel.CHOICE), "skip")
    assert not preview.import_button.isEnabled()
    preview.add_new_button.click()
    preview.skip_conflicting_button.click()
    assert preview.import_button.isEnabled()
    assert preview.choices() == {0: "skip", 1: "add"}
    preview.reject()
    assert "cancelled" in window.statusBar().currentMessage()
    assert contacts.count_contacts() == 1


def test_cancel_while_importing_leaves_the_database_unchanged(
    window, qtbot, make_contact, tmp_path, monkeypatch, messages
):
    make_contact("Ann", "Lee")
    path = tmp_path / "big.vcf"
    path.write_text(
        "".join(_card(f"Person{i}", f"Number{i}", f"p{i}@example.com") for i in range(600)),
        encoding="utf-8",
    )
    reached, released = threading.Event(), threading.Event()
    real = importing.apply_import

    def slow_apply(plan, choices=None, progress=None):
        def hook(done, total):
            if done >= 250 and not reached.is_set():
                reached.set()
                released.wait(20)
            progress(done, total)

        return real(plan, choices, hook)

    monkeypatch.setattr(importing, "apply_import", slow_apply)
    run = window.data_actions.importer
    run.start([str(path)])
    preview = _preview(window, qtbot)
    assert "600 new" in preview.counts_label.text()
    preview.import_button.click()
    qtbot.waitUntil(reached.is_set, timeout=20000)
    assert window.isEnabled()  # the window still answers while the worker runs
    cancel = run.job.dialog.findChild(QPushButton)
    cancel.click()
    released.set()
    qtbot.waitUntil(lambda: run.job is None, timeout=20000)
    assert contacts.count_contacts() == 1
    assert run.report_dialog is None
    assert messages and "nothing of it was imported" in messages[-1][1]


def test_generic_csv_goes_through_the_mapping_dialog(
    window, qtbot, tmp_path, monkeypatch, messages
):
    path = tmp_path / "list.csv"
    path.write_text("Wer;Firma;Info\nAnn Lee;Acme;met at the fair\nBo Chan;Zeta;\n", "utf-8")
    run = window.data_actions.importer
    run.start([str(path)])
    dialog = run.mapping_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 3  # the combo row and two rows of the file
    dialog.set_target("Wer", "ignore")
    dialog.set_target("Firma", "ignore")
    assert not dialog.ok_button.isEnabled()
    assert "name" in dialog.problem_label.text()
    dialog.set_target("Wer", "full_name")
    dialog.set_target("Firma", "organization")
    dialog.set_target("Info", "how_met")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    preview = _preview(window, qtbot)
    assert "2 new" in preview.counts_label.text()
    preview.import_button.click()
    _report(window, qtbot).accept()
    ann = dict((n, i) for i, n in contacts.all_names())["Ann Lee"]
    detail = contacts.get_contact(ann)
    assert detail.organization == "Acme" and detail.how_met == "met at the fair"


def test_a_file_that_is_not_a_contact_file_is_named_and_changes_nothing(
    window, qtbot, make_contact, tmp_path, messages
):
    make_contact("Ann", "Lee")
    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20)
    window.data_actions.importer.start([str(path)])
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    kind, text = messages[0]
    assert kind == "warning" and "holiday.jpg" in text and "Nothing was changed" in text
    assert contacts.count_contacts() == 1
    assert window.data_actions.importer.preview is None
    assert not window.data_actions.importer.busy()


def _interop() -> Path | None:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "testdata" / "interop"
        if candidate.is_dir():
            return candidate
    return None


def test_realistic_files_from_a_phone_and_google(window, qtbot, messages):
    folder = _interop()
    if folder is None:
        pytest.skip("the interop samples are not here")
    files = [
        folder / "vcard" / "android-2.1-qp-utf8-multi.vcf",
        folder / "csv" / "google-csv-2014-crlf-multiline.csv",
    ]
    if not all(f.exists() for f in files):
        pytest.skip("the interop samples are not here")
    run = window.data_actions.importer
    run.start([str(f) for f in files])
    for _ in files:
        preview = _preview(window, qtbot)
        assert preview.model.rowCount() > 0
        preview.accept()
        report = _report(window, qtbot)
        assert report.report.added or report.report.updated
        report.accept()
        qtbot.waitUntil(lambda: run.report_dialog is None)
    qtbot.waitUntil(lambda: not run.busy())
    assert contacts.count_contacts() >= 4
    assert not messages
    # Every skipped record of both files said why.
    assert all(s["reason"] for s in report.report.skipped)


def test_reject_of_the_mapping_changes_nothing(window, qtbot, tmp_path, messages):
    path = tmp_path / "x.csv"
    path.write_text("Wer,Info\nAnn,x\n", "utf-8")
    run = window.data_actions.importer
    run.start([str(path)])
    run.mapping_dialog.done(QDialog.DialogCode.Rejected)
    assert run.mapping_dialog is None and not run.busy()
    assert contacts.count_contacts() == 0


def test_closing_the_window_during_an_import_rolls_it_back(
    window, qtbot, make_contact, tmp_path, monkeypatch, messages
):
    make_contact("Ann", "Lee")
    path = tmp_path / "big.vcf"
    path.write_text(
        "".join(_card(f"Person{i}", f"Number{i}", f"p{i}@example.com") for i in range(300)),
        encoding="utf-8",
    )
    run = window.data_actions.importer
    reached = threading.Event()
    real = importing.apply_import

    def slow_apply(plan, choices=None, progress=None):
        runner = run.job.runner

        def hook(done, total):
            if done >= 250:
                reached.set()
                runner.cancel_requested.wait(20)  # until the window asks it to stop
            progress(done, total)

        return real(plan, choices, hook)

    monkeypatch.setattr(importing, "apply_import", slow_apply)
    run.start([str(path)])
    _preview(window, qtbot).import_button.click()
    qtbot.waitUntil(reached.is_set, timeout=20000)
    window.close()
    assert contacts.count_contacts() == 1
    assert not messages


def test_cancel_while_reading_and_planning_changes_nothing_and_says_so(
    window, qtbot, make_contact, tmp_path, monkeypatch, messages
):
    make_contact("Ann", "Lee")
    path = tmp_path / "big.vcf"
    path.write_text(
        "".join(_card(f"Person{i}", f"Number{i}", f"p{i}@example.com") for i in range(3000)),
        encoding="utf-8",
    )
    reached, released = threading.Event(), threading.Event()
    real = importing.plan_import

    def slow_plan(parsed, *, progress=None):
        def hook(done, total):
            if done >= 1000 and not reached.is_set():
                reached.set()
                released.wait(20)
            progress(done, total)

        return real(parsed, progress=hook)

    monkeypatch.setattr(importing, "plan_import", slow_plan)
    run = window.data_actions.importer
    run.start([str(path)])
    qtbot.waitUntil(reached.is_set, timeout=20000)
    dialog = run.job.dialog
    # The bar moves: reading all 3,000 cards is its first half, planning the second.
    qtbot.waitUntil(lambda: dialog.value() >= 3000, timeout=20000)
    assert dialog.maximum() == 6000
    dialog.findChild(QPushButton).click()
    released.set()
    qtbot.waitUntil(lambda: run.job is None, timeout=20000)
    assert run.preview is None and not run.busy()
    assert contacts.count_contacts() == 1
    assert messages and "big.vcf cancelled; nothing was changed" in messages[-1][1]
    assert "nothing was changed" in window.statusBar().currentMessage()


def test_a_contact_twice_in_one_file_is_shown_and_imported_once(
    window, qtbot, tmp_path, qtmodeltester, messages
):
    path = tmp_path / "phone.vcf"
    path.write_text(
        _card("Bo", "Chan", "bo@example.com")
        + _card("Ann", "Lee", "ann@example.com")
        + _card("Ann", "Lee", "ann@example.com").replace(
            "END:VCARD", "TEL;TYPE=cell:+1 212 555 0199\r\nEND:VCARD"
        ),
        encoding="utf-8",
    )
    run = window.data_actions.importer
    run.start([str(path)])
    preview = _preview(window, qtbot)
    qtmodeltester.check(preview.model)
    assert "2 new, 1 matched" in preview.counts_label.text()
    model = preview.model
    assert model.index(2, PlanModel.DETAILS).data() == "same as card 2 in this file"
    assert model.index(2, PlanModel.MATCH).data() == "Ann Lee (card 2)"
    assert model.index(2, PlanModel.CHOICE).data() == "Update"
    preview.import_button.click()
    report = _report(window, qtbot)
    assert "Added 2, updated 0, skipped 0." in report.summary.text()
    text = report.text.toPlainText()
    assert "card 3: Ann Lee (same as card 2 in this file)" in text
    assert contacts.count_contacts() == 2
    ann = dict((n, i) for i, n in contacts.all_names())["Ann Lee"]
    assert [p.value for p in contacts.get_contact(ann).phones] == ["+12125550199"]


def test_a_possible_duplicate_is_asked_about_and_added_unless_merged(
    window, qtbot, make_contact, tmp_path, monkeypatch, qtmodeltester, messages
):
    make_contact("Bruno", "Gupta", emails=[Labeled("bruno@harbor.example")])
    window.reload()
    path = tmp_path / "namesake.vcf"
    path.write_text(_card("Bruno", "Gupta", "bg@home.example"), encoding="utf-8")
    run = window.data_actions.importer
    monkeypatch.setattr(run, "choose_files", lambda: [str(path)])
    window.data_actions.import_action.trigger()
    preview = _preview(window, qtbot)
    qtmodeltester.check(preview.model)
    model = preview.model
    assert "1 possible duplicates" in preview.counts_label.text()
    assert model.index(0, PlanModel.STATUS).data() == "Possible duplicate"
    assert model.index(0, PlanModel.MATCH).data() == "Bruno Gupta"
    assert "Update merges" in model.index(0, PlanModel.DETAILS).data()
    assert model.index(0, PlanModel.CHOICE).data() == "Add as new"
    preview.set_filter("possible duplicate")
    assert preview.proxy.rowCount() == 1
    preview.import_button.click()
    _report(window, qtbot).accept()
    assert [n for _i, n in contacts.all_names()] == ["Bruno Gupta", "Bruno Gupta"]


def test_a_column_without_a_field_is_kept_in_the_note_and_named_before_import(
    window, qtbot, tmp_path, messages
):
    path = tmp_path / "list.csv"
    path.write_text("Name,Company,Custom 1,Initials\nAnn Lee,Acme,golf on Fridays,AL\n", "utf-8")
    run = window.data_actions.importer
    run.start([str(path)])
    dialog = run.mapping_dialog
    assert dialog.mapping()["Custom 1"] == "note"  # kept unless the user says otherwise
    dialog.ok_button.click()
    preview = _preview(window, qtbot)
    notes = preview.findChild(type(preview.counts_label), "importFileNotes")
    assert notes.isVisibleTo(preview)
    assert "Custom 1" in notes.text() and "Initials" in notes.text()
    preview.import_button.click()
    report = _report(window, qtbot)
    assert "Custom 1" in report.text.toPlainText()
    report.accept()
    ann = dict((n, i) for i, n in contacts.all_names())["Ann Lee"]
    assert [n.body for n in contacts.get_contact(ann).notes] == ["Custom 1: golf on Fridays"]


def test_the_preview_says_when_the_files_encoding_was_a_weak_guess(db, qtbot, tmp_path):
    from favorbook.ui.data.import_dialog import ImportPreviewDialog

    path = tmp_path / "few.csv"
    path.write_bytes("First Name,Last Name\r\nAna,Peña\r\n".encode("cp1252"))
    plan = importing.plan_import(importer.read_file(path))
    dialog = ImportPreviewDialog(plan)
    qtbot.addWidget(dialog)
    assert "does not say its text encoding" in dialog.counts_label.text()


def test_the_preview_names_a_card_by_the_name_it_shows(db, tmp_path):
    path = tmp_path / "fn.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee (Acme)\r\nN:Lee;Ann;;;\r\nEND:VCARD\r\n"
    )
    plan = importing.plan_import(importer.read_file(path))
    assert PlanModel.name_of(plan.items[0]) == "Ann Lee (Acme)"


def test_the_preview_counts_one_record_and_thousands_as_elsewhere(db, qtbot, tmp_path):
    """ "1 records: 1 new" was shown for a single card (a vCard from an email), and
    "1000 records" where the list says "1,000 contacts"."""
    from favorbook.ui.data.import_dialog import ImportPreviewDialog, report_text

    one = tmp_path / "one.vcf"
    one.write_text(_card("Ann", "Lee", "ann@example.com"), encoding="utf-8")
    dialog = ImportPreviewDialog(importing.plan_import(importer.read_file(one)))
    qtbot.addWidget(dialog)
    assert dialog.counts_label.text().startswith("1 record: 1 new, 0 matched")
    many = tmp_path / "many.vcf"
    many.write_text(
        "".join(_card(f"P{i}", "Lee", f"p{i}@example.com") for i in range(1000)), encoding="utf-8"
    )
    plan = importing.plan_import(importer.read_file(many))
    dialog = ImportPreviewDialog(plan)
    qtbot.addWidget(dialog)
    assert dialog.counts_label.text().startswith("1,000 records: 1,000 new, 0 matched")
    report = importing.apply_import(plan)
    assert "Added 1,000, updated 0, skipped 0." in report_text(report)


def test_the_status_and_choice_columns_fit_their_words(db, qtbot, tmp_path, make_contact):
    """ "Possible duplicate" was cut to "Possible dupl…" in a column of 100 pixels."""
    from PySide6.QtGui import QFontMetrics

    from favorbook.ui.data.import_dialog import ImportPreviewDialog

    make_contact("Ann", "Lee", emails=[Labeled("ann@example.com", "")])
    path = tmp_path / "x.vcf"
    path.write_text(_card("Ann", "Lee", "ann.lee@else.example"), encoding="utf-8")
    dialog = ImportPreviewDialog(importing.plan_import(importer.read_file(path)))
    qtbot.addWidget(dialog)
    status = dialog.model.index(0, PlanModel.STATUS).data()
    assert status == "Possible duplicate"
    metrics = QFontMetrics(dialog.view.font())
    for column, words in (
        (PlanModel.STATUS, status),
        (PlanModel.CHOICE, "Add as new"),
        (PlanModel.POSITION, "card 1"),
    ):
        assert dialog.view.columnWidth(column) >= metrics.horizontalAdvance(words) + 12, words
