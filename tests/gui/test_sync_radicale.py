"""The window against a real server: a local Radicale (tests/sync/conftest.py starts it)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from favorbook.services.changes import Change
from favorbook.sync import accounts, passwords
from tests.sync.conftest import radicale_server  # noqa: F401 - the session's Radicale


@pytest.fixture
def radicale(radicale_server, monkeypatch):  # noqa: F811 - the fixture imported above
    """Radicale with one fresh address book and tasks calendar; the password from the env."""
    radicale_server.check_alive()
    radicale_server.fresh_collections()
    monkeypatch.setenv(passwords.ENV, radicale_server.password)
    return radicale_server


def test_add_an_account_from_preferences_against_radicale(window, radicale, qtbot):
    from favorbook.ui.preferences import PreferencesDialog

    prefs = PreferencesDialog(window.data_folder, window)
    prefs.accountsChanged.connect(
        lambda: window.bus.changed.emit(Change.SYNC)
    )  # as the window does
    prefs.confirm_discard = lambda: True
    qtbot.addWidget(prefs)
    prefs.show()
    prefs.show_accounts()
    add = prefs.accounts.add_account()
    add.confirm_discard = lambda: True
    add.url.setText(radicale.url)
    add.username.setText(radicale.username)
    add.password.setText("not the password")
    add.find_button.click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    assert add.password.property("invalid") is True  # Radicale said 401
    assert "password" in add.error_label.text()

    add.password.setText(radicale.password)
    add.find_button.click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    assert not add.error_label.isVisible()
    books = [add.addressbook.itemText(i) for i in range(add.addressbook.count())]
    calendars = [add.calendar.itemText(i) for i in range(add.calendar.count())]
    assert books[0] == "Contacts" and calendars[0] == "Tasks"
    with qtbot.waitSignal(prefs.accountsChanged, timeout=30000):
        add.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    [info] = accounts.list_accounts()
    assert info.addressbook_url == radicale.addressbook_url
    assert info.calendar_url == radicale.calendar_url
    assert prefs.accounts.model.rowCount() == 1
    assert window.findChild(type(window.undo_action), "syncNow").isEnabled()
    prefs.reject()


def _server_card(server, uid: str) -> tuple[str, str, str]:
    for href, text in server.objects(server.addressbook_url).items():
        if f"UID:{uid}" in text:
            _, etag = server.get(href)
            return href, text, etag
    raise AssertionError(f"no card {uid} on the server")


def _sync_now(window, qtbot) -> str:
    with qtbot.waitSignal(window.sync.synced, timeout=60000):
        window.findChild(type(window.undo_action), "syncNow").trigger()
    qtbot.waitUntil(lambda: not window.sync.is_running(), timeout=60000)
    return window.sync.label.text()


def test_sync_now_against_radicale_a_phone_edit_and_a_conflict(window, radicale, qtbot):
    from favorbook.db.models import Contact
    from favorbook.sample import demo
    from favorbook.services import contacts

    demo.load(20, seed=4)
    window.reload()
    accounts.add_account(
        radicale.url,
        radicale.username,
        name="radicale",
        addressbook=radicale.addressbook_url,
        calendar=radicale.calendar_url,
    )
    window.bus.changed.emit(Change.EVERYTHING)

    text = _sync_now(window, qtbot)
    assert text.startswith("Synced ") and " sent" in text  # 20 cards and their tasks
    assert len(radicale.listing(radicale.addressbook_url)) == 20

    # The phone changes a title while the rep changes the same title here.
    cid = contacts.all_names()[0][0]
    uid = Contact.get_by_id(cid).uid
    href, card, etag = _server_card(radicale, uid)
    old_title = contacts.get_contact(cid).title
    assert f"TITLE:{old_title}" in card
    phone = card.replace(f"TITLE:{old_title}", "TITLE:Chief buyer")
    assert radicale.put(href, phone, etag=etag).status_code in (200, 201, 204)
    data = contacts.get_contact(cid).to_input()
    data.title = "Purchasing lead"
    contacts.update_contact(cid, data)
    window.bus.changed.emit(Change.EVERYTHING)

    text = _sync_now(window, qtbot)
    assert "1 conflict to review" in text
    assert contacts.get_contact(cid).title == "Chief buyer"  # the server's value won

    dialog = window.sync.show_conflicts()
    assert dialog.model.rowCount() == 1
    row = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert row[1:4] == ["Title", "Purchasing lead", "Chief buyer"]
    dialog.view.selectRow(0)
    dialog.keep_mine_button.click()
    assert contacts.get_contact(cid).title == "Purchasing lead"
    assert "to review" not in window.sync.label.text()
    dialog.close()

    text = _sync_now(window, qtbot)
    assert text.startswith("Synced ") and " sent" in text
    assert "TITLE:Purchasing lead" in _server_card(radicale, uid)[1]


def test_the_guard_asks_before_archiving_half_the_network(window, radicale, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from favorbook.sample import demo
    from favorbook.services import contacts

    demo.load(20, seed=5)
    accounts.add_account(
        radicale.url,
        radicale.username,
        name="radicale",
        addressbook=radicale.addressbook_url,
        calendar=radicale.calendar_url,
    )
    window.bus.changed.emit(Change.EVERYTHING)
    _sync_now(window, qtbot)
    for href in list(radicale.listing(radicale.addressbook_url))[:10]:
        radicale.delete(href)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.No,
    )
    text = _sync_now(window, qtbot)
    assert len(asked) == 1 and "remove 10 contacts" in asked[0]
    assert text.startswith("Sync stopped ")
    assert contacts.count_contacts() == 20  # nothing changed

    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.Yes,
    )
    with qtbot.waitSignal(window.sync.synced, timeout=60000):
        window.sync.sync_now()
    qtbot.waitUntil(lambda: not window.sync.is_running(), timeout=60000)
    assert len(asked) == 2
    text = window.sync.label.text()
    assert text.startswith("Synced ") and " removed" in text
    assert contacts.count_contacts() == 10
    assert contacts.count_contacts(include_archived=True) == 20  # archived, not destroyed


def test_create_favorbook_makes_new_collections_beside_the_existing_ones(window, radicale, qtbot):
    from favorbook.ui.sync_accounts import AddAccountDialog

    add = AddAccountDialog(window)
    add.confirm_discard = lambda: True
    qtbot.addWidget(add)
    add.show()
    add.url.setText(radicale.url)
    add.username.setText(radicale.username)
    add.password.setText(radicale.password)
    add.find_button.click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    for combo in (add.addressbook, add.calendar):
        combo.setCurrentIndex(combo.findText("Create “favorbook”"))
    add.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: add._job is None, timeout=30000)
    assert add.account is not None, add.error_label.text()
    info = add.account
    assert info.addressbook_url not in (radicale.addressbook_url, None)
    assert info.calendar_url not in (radicale.calendar_url, None)
    assert "favorbook" in info.addressbook_url and "favorbook" in info.calendar_url
