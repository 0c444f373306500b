"""Sync Conflicts…: the list, Keep Mine, Keep Server's, and showing the contact."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from favorbook.services import contacts
from favorbook.services.changes import Change
from favorbook.sync import conflicts
from tests.gui.sync_helpers import make_account


@pytest.fixture
def two_conflicts(db, make_contact):
    """Ann's title and Bo's phones were changed both here and on the server."""
    account = make_account("work")
    ann = make_contact("Ann", "Lee", title="Head of purchasing")
    bo = make_contact("Bo", "Chan")
    title = conflicts.record(account, ann, "uid-ann", "title", "Buyer", "Head of purchasing")
    phones = conflicts.record(account, bo, "uid-bo", "phones", [["work", "+1 555 0100"]], [])
    return {"ann": ann, "bo": bo, "title": title, "phones": phones}


@pytest.fixture
def dialog(bus, qtbot):
    from favorbook.ui.sync_conflicts import ConflictsDialog

    def open_dialog():
        view = ConflictsDialog(bus)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        return view

    return open_dialog


def _rows(view) -> list[list[str]]:
    model = view.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_list_shows_contact_field_both_values_and_when(two_conflicts, dialog, qtmodeltester):
    view = dialog()
    qtmodeltester.check(view.model)
    rows = {row[0]: row for row in _rows(view)}
    assert set(rows) == {"Ann Lee", "Bo Chan"}
    assert rows["Ann Lee"][1:4] == ["Title", "Buyer", "Head of purchasing"]
    assert rows["Bo Chan"][1] == "Phones" and "+1 555 0100" in rows["Bo Chan"][2]
    assert rows["Bo Chan"][3] == "(empty)"
    assert all(row[4] for row in rows.values())  # when
    assert view.view.isVisible() and not view.empty_label.isVisible()


def test_no_conflicts_says_so(db, dialog, qtmodeltester):
    view = dialog()
    qtmodeltester.check(view.model)
    assert view.empty_label.isVisible() and "No sync conflicts" in view.empty_label.text()
    assert not view.keep_mine_button.isEnabled() and not view.keep_server_button.isEnabled()


def _select(view, name: str) -> None:
    for row, values in enumerate(_rows(view)):
        if values[0] == name:
            view.view.selectRow(row)
            return
    raise AssertionError(name)


def test_keep_mine_puts_the_local_value_back(two_conflicts, dialog, bus, qtbot):
    view = dialog()
    _select(view, "Ann Lee")
    with qtbot.waitSignal(bus.changed):
        view.keep_mine_button.click()
    assert contacts.get_contact(two_conflicts["ann"]).title == "Buyer"
    assert [row[0] for row in _rows(view)] == ["Bo Chan"]


def test_keep_servers_forgets_the_local_value(two_conflicts, dialog, bus, qtbot):
    view = dialog()
    _select(view, "Ann Lee")
    with qtbot.waitSignal(bus.message) as said:
        view.keep_server_button.click()
    assert contacts.get_contact(two_conflicts["ann"]).title == "Head of purchasing"
    assert [row[0] for row in _rows(view)] == ["Bo Chan"]
    assert "server" in said.args[0]
    assert conflicts.list_conflicts(include_resolved=True)  # resolved, still on record


def test_several_at_once(two_conflicts, dialog):
    view = dialog()
    view.view.selectAll()
    assert view.keep_server_button.click() is None
    assert _rows(view) == [] and view.empty_label.isVisible()


def test_double_click_shows_the_contact(two_conflicts, dialog, bus, qtbot):
    view = dialog()
    _select(view, "Bo Chan")
    index = view.view.currentIndex()
    with qtbot.waitSignal(bus.open_contact) as blocker:
        view.view.doubleClicked.emit(index)
    assert blocker.args == [two_conflicts["bo"]]


def test_the_window_links_to_the_conflicts_from_the_status_bar(window, two_conflicts, qtbot):
    window.bus.changed.emit(Change.EVERYTHING)
    label = window.sync.label
    assert "2 conflicts to review" in label.text() and 'href="conflicts"' in label.text()
    label.linkActivated.emit("conflicts")
    shown = window.sync.conflicts_dialog
    assert shown is not None and shown.isVisible() and shown.model.rowCount() == 2
    # Double-clicking a row shows the contact in the window behind.
    _select(shown, "Ann Lee")
    shown.view.doubleClicked.emit(shown.view.currentIndex())
    assert window.contacts_page.contact_id == two_conflicts["ann"]
    _select(shown, "Ann Lee")
    shown.keep_mine_button.click()
    assert "1 conflict to review" in label.text()
    assert window.findChild(QAction, "syncConflicts").isEnabled()
    shown.close()
    qtbot.waitUntil(lambda: window.sync.conflicts_dialog is None)
    assert window.sync.show_conflicts().model.rowCount() == 1
    window.sync.conflicts_dialog.close()
