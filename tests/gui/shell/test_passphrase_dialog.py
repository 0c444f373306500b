"""The start-up passphrase dialog: wrong then right, the Show toggle, cancel, giving up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from favorbook.ui.shell.passphrase_dialog import MAX_TRIES, PassphraseDialog, ask_passphrase

RIGHT = "correct horse battery staple"


@pytest.fixture
def dialog(qtbot, tmp_path):
    tried = []

    def check(text):
        tried.append(text)
        return text == RIGHT

    dlg = PassphraseDialog(tmp_path / "favorbook.db", check=check)
    dlg.tried = tried
    qtbot.addWidget(dlg)
    return dlg


def _type_and_open(qtbot, dlg, text):
    dlg.field.clear()
    qtbot.keyClicks(dlg.field, text)
    qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)


def test_a_wrong_passphrase_says_so_then_the_right_one_opens(qtbot, dialog):
    assert dialog.field.echoMode() == QLineEdit.EchoMode.Password
    assert not dialog.open_button.isEnabled()  # nothing typed yet
    _type_and_open(qtbot, dialog, "guess")
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.message.isHidden()
    assert "does not open favorbook.db" in dialog.message.text()
    assert "Tries left: 2" in dialog.message.text()
    assert dialog.field.text() == ""  # the wrong try is not kept in the field
    _type_and_open(qtbot, dialog, RIGHT)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.passphrase() == RIGHT
    assert dialog.tried == ["guess", RIGHT]


def test_show_reveals_what_is_typed(qtbot, dialog):
    dialog.show_box.setChecked(True)
    assert dialog.field.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_box.setChecked(False)
    assert dialog.field.echoMode() == QLineEdit.EchoMode.Password


def test_three_wrong_tries_and_it_gives_up(qtbot, dialog):
    for n in range(MAX_TRIES):
        _type_and_open(qtbot, dialog, f"guess {n}")
    assert dialog.gave_up
    assert "will close" in dialog.message.text()
    assert not dialog.field.isEnabled() and not dialog.open_button.isEnabled()
    assert dialog.cancel_button.text() == "Quit"
    assert dialog.passphrase() == ""


def _open_dialog() -> PassphraseDialog:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, PassphraseDialog))


def test_cancel_gives_no_passphrase(qtbot, tmp_path):
    def press_cancel():
        qtbot.mouseClick(_open_dialog().cancel_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_cancel)
    assert ask_passphrase(tmp_path / "favorbook.db") is None


def test_ask_passphrase_checks_against_the_real_encrypted_file(qtbot, db, make_contact):
    pytest.importorskip("sqlcipher3")
    from favorbook.services import encryption, session

    make_contact("Ines", "Okonkwo")
    session.close()
    encryption.encrypt(db, RIGHT)

    def answer(text, then=None):
        dlg = _open_dialog()
        dlg.field.setText(text)
        dlg.open_button.click()
        if then:
            then()

    QTimer.singleShot(0, lambda: answer("a wrong passphrase", lambda: answer(RIGHT)))
    assert ask_passphrase(db) == RIGHT
