"""The question bank page: add, archive and restore a question through the window."""

from PySide6.QtCore import Qt

from favorbook.services import questions
from favorbook.ui.calls.question_bank import QuestionBankModel, QuestionBankPage
from favorbook.ui.shell.bus import Bus


def _page(qtbot):
    page = QuestionBankPage(Bus())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    return page


def _shown_texts(page):
    model = page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, db, make_contact):
    ann = make_contact()
    qid = questions.list_questions()[0].id
    questions.record_answer(ann, qid, "x")
    questions.archive_question(questions.list_questions()[1].id)
    model = QuestionBankModel()
    model.reload(include_archived=True)
    assert model.index(model.row_of(qid), QuestionBankModel.ASKED).data() == "1"
    qtmodeltester.check(model)


def test_add_then_archive_and_restore_through_the_page(qtbot, db):
    page = _page(qtbot)
    qtbot.keyClicks(page.new_text, "What would you stop doing tomorrow?")
    page.new_purpose.setEditText("")
    qtbot.keyClicks(page.new_purpose.lineEdit(), "Their challenges")
    qtbot.keyClick(page.new_text, Qt.Key.Key_Return)
    assert page.new_text.text() == ""
    assert "What would you stop doing tomorrow?" in _shown_texts(page)
    assert page.selected_question_id() is not None
    added = page.selected_question_id()
    assert next(q for q in questions.list_questions() if q.id == added).purpose == (
        "Their challenges"
    )

    assert page.archive_button.text() == "Archive"
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert "What would you stop doing tomorrow?" not in _shown_texts(page)
    assert added not in [q.id for q in questions.list_questions()]

    qtbot.mouseClick(page.show_archived, Qt.MouseButton.LeftButton)
    row = page.model.row_of(added)
    assert row is not None and page.model.is_archived(row)
    page.table.selectRow(row)
    assert page.archive_button.text() == "Unarchive"
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert added in [q.id for q in questions.list_questions()]


def test_duplicate_question_is_refused_and_the_text_kept(qtbot, db):
    page = _page(qtbot)
    starter = questions.STARTER[0][1]
    qtbot.keyClicks(page.new_text, starter)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.error_label.isVisible() and "already in the bank" in page.error_label.text()
    assert page.new_text.text() == starter


def test_filter_by_purpose(qtbot, db):
    page = _page(qtbot)
    page.purpose_filter.setCurrentIndex(page.purpose_filter.findData("Their network"))
    purposes = {page.model.index(r, 1).data() for r in range(page.model.rowCount())}
    assert purposes == {"Their network"}
