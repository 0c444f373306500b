"""Starting the app on an encrypted database asks for the passphrase first."""

import pytest

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")

from favorbook.services import contacts, encryption, passphrases, session  # noqa: E402
from favorbook.ui.shell import (
    app,
    passphrase_dialog,  # noqa: E402
)
from favorbook.ui.shell.single_instance import Claim, SingleInstance  # noqa: E402

PASS = "correct horse battery staple"


@pytest.fixture
def encrypted(data_dir, monkeypatch):
    monkeypatch.delenv(passphrases.ENV_VAR, raising=False)
    path = session.open_data(data_dir)
    contacts.create_contact(contacts.ContactInput(first_name="Ann", last_name="Lee"))
    session.close()
    encryption.encrypt(path, PASS)
    session.close()
    return path


def _start(data_dir, qtbot):
    guard = SingleInstance(data_dir)
    assert guard.claim() is Claim.OWNED
    try:
        window = app.start(str(data_dir), guard)
        if not isinstance(window, int):
            qtbot.addWidget(window)
        return window
    finally:
        guard.release()


def test_the_right_passphrase_opens_the_window(encrypted, data_dir, qtbot, monkeypatch, qapp):
    asked = []
    monkeypatch.setattr(
        passphrase_dialog, "ask_passphrase", lambda p, parent=None: asked.append(p) or PASS
    )
    try:
        window = _start(data_dir, qtbot)
        assert asked == [encrypted]
        assert window.contacts_page.model.rowCount() == 1
    finally:
        session.close()


def test_giving_up_on_the_passphrase_quits_without_opening(
    encrypted, data_dir, qtbot, monkeypatch, qapp
):
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda p, parent=None: None)
    assert _start(data_dir, qtbot) == 0
    assert encryption.is_encrypted(encrypted)
