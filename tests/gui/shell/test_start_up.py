"""Start-up builds what the first paint shows and nothing else (issue 19): the Contacts
page and its list. Every other page and each contact tab is built the first time it is
shown or asked for, and the import, export, backup and sync commands join the menus just
after the first paint; a user sees the same window either way."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from favorbook.sample import demo
from favorbook.services import search
from favorbook.ui.shell.window_actions import COMMANDS
from favorbook.ui.shell.window_pages import CONTACT_TABS, PAGES


@pytest.fixture
def fresh(db, qtbot):
    """The window as start-up leaves it: built, not shown yet."""
    from favorbook.ui.shell.app import make_application
    from favorbook.ui.shell.main_window import MainWindow

    make_application()
    demo.load(12)
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    return win


def _late_names(window) -> set[str]:
    return {a.objectName() for a in window.findChildren(QAction)} & {
        "importContacts",
        "exportSheet",
        "printSheet",
        "mergeContact",
        "backupNow",
        "restoreFromBackup",
        "syncNow",
        "syncConflicts",
    }


def test_start_up_builds_the_contacts_page_and_nothing_it_does_not_show(fresh):
    from favorbook.ui.contacts.profile import ProfileTab
    from favorbook.ui.dashboard.dashboard import Dashboard

    assert fresh.pages.count() == 1 + len(PAGES)
    assert fresh.pages.widget(0) is fresh.contacts_page
    for attr, *_ in PAGES:
        assert attr not in fresh.__dict__, attr
    assert not fresh.findChildren(Dashboard)
    assert not fresh.findChildren(ProfileTab)
    tabs = fresh.contacts_page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [t[0] for t in CONTACT_TABS]
    assert _late_names(fresh) == set()
    # Every command of the table is in its menu from the start, with its shortcut.
    names = {a.objectName() for a in fresh.findChildren(QAction)}
    assert {c.name for c in COMMANDS} <= names


def test_a_page_is_built_when_first_shown(fresh, qtbot):
    from favorbook.ui.dashboard.dashboard import Dashboard

    with qtbot.waitExposed(fresh):
        fresh.show()
    row = 1 + [p[0] for p in PAGES].index("dashboard")
    fresh.navigation.setCurrentRow(row)
    [dashboard] = fresh.findChildren(Dashboard)
    assert fresh.pages.currentWidget() is dashboard is fresh.dashboard
    assert dashboard.isVisible()
    assert dashboard.data is not None  # refreshed as it was shown
    assert fresh.pages.count() == 1 + len(PAGES)
    fresh.navigation.setCurrentRow(0)
    fresh.navigation.setCurrentRow(row)
    assert fresh.findChildren(Dashboard) == [dashboard]  # built once


def test_a_contact_tab_is_built_when_first_shown_and_shows_the_contact(fresh, qtbot):
    from favorbook.ui.calls.call_prep import CallPrep

    with qtbot.waitExposed(fresh):
        fresh.show()
    page = fresh.contacts_page
    page.select_row(0)
    qtbot.waitUntil(lambda: not page.detail_pending())
    assert not fresh.findChildren(CallPrep)
    fresh.findChild(QAction, "prepareCall").trigger()
    [prep] = fresh.findChildren(CallPrep)
    assert page.tabs.currentWidget() is prep is fresh.call_prep
    assert prep.isVisible()
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == [t[0] for t in CONTACT_TABS]


def test_a_menu_command_of_a_tab_not_shown_yet_runs_for_the_selected_contact(
    fresh, qtbot, monkeypatch
):
    from favorbook.ui.network.vetting_view import VettingTab

    ran = []
    monkeypatch.setattr(VettingTab, "edit_vetting", lambda self: ran.append(self.contact_id))
    with qtbot.waitExposed(fresh):
        fresh.show()
    page = fresh.contacts_page
    page.select_row(0)
    fresh.findChild(QAction, "editVetting").trigger()
    assert ran == [page.contact_id]


def test_the_late_commands_join_the_menus_after_the_first_paint(fresh, qtbot, db):
    """The same File and Contact menus as a window built whole, once the list painted."""
    from favorbook.ui.shell.main_window import MainWindow

    with qtbot.waitExposed(fresh):
        fresh.show()
    qtbot.waitUntil(lambda: len(_late_names(fresh)) == 8)
    whole = MainWindow(str(db))
    qtbot.addWidget(whole)
    whole.build_everything()
    for menu in ("file_menu", "contact_menu", "edit_menu", "view_menu", "help_menu"):
        texts = [a.text() for a in getattr(fresh, menu).actions()]
        assert texts == [a.text() for a in getattr(whole, menu).actions()], menu
    assert fresh.sample_action.isEnabled() and fresh.remove_sample_action.isEnabled()


def test_the_first_paint_is_announced_once(fresh, qtbot):
    seen = []
    fresh.firstPainted.connect(lambda: seen.append(True))
    with qtbot.waitExposed(fresh):
        fresh.show()
    qtbot.waitUntil(lambda: seen == [True])
    fresh.contacts_page.list_view.viewport().repaint()
    QApplication.processEvents()
    assert seen == [True]


def test_with_every_contact_archived_the_late_commands_still_come(fresh, qtbot):
    """No list to paint (every contact archived, the empty line shown instead): the
    commands that wait for the first paint still join the menus."""
    from favorbook.services import contacts

    for contact_id in contacts.list_ids():
        contacts.archive_contact(contact_id)
    fresh.reload()
    assert not fresh.contacts_page.list_view.isVisibleTo(fresh)
    with qtbot.waitExposed(fresh):
        fresh.show()
    qtbot.waitUntil(lambda: len(_late_names(fresh)) == 8, timeout=5000)


def test_the_list_paints_first_with_qt_s_own_delegate_then_the_row_painter(fresh, qtbot):
    """Before the first paint the list has the stock delegate, titles from a header model
    of its own and no sort arrow (each needs none of QtCore.Qt's enums); after it, the row
    painter and the unsorted arrow state a window built whole has."""
    from PySide6.QtCore import Qt

    from favorbook.ui.contacts.contact_model import ContactRowDelegate

    page = fresh.contacts_page
    header = page.list_view.horizontalHeader()
    assert page.delegate is None
    assert not isinstance(page.list_view.itemDelegate(), ContactRowDelegate)
    titles = [header.model().headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert titles == [page.model.header_text(c) for c in range(6)] and titles[0] == "Name"
    tip = header.model().headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == page.model.header_tip(4) and tip
    assert not header.isSortIndicatorShown()
    painted = []
    fresh.firstPainted.connect(lambda: painted.append(True))
    with qtbot.waitExposed(fresh):
        fresh.show()
    qtbot.waitUntil(lambda: painted == [True])
    assert page.list_view.itemDelegate() is page.delegate
    assert isinstance(page.delegate, ContactRowDelegate)
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == -1
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # sorting still works
    ids = [page.model.contact_id(r) for r in range(page.model.rowCount())]
    assert ids == search.search_ids("", order="company", descending=True)[: len(ids)]


def test_the_navigation_icons_are_drawn_just_after_the_first_paint(fresh, qtbot):
    """A blank icon of the same size holds each title in place until the paint; then each
    page's icon is drawn (at every scale, once)."""
    from favorbook.ui.shell.main_window import NAV_ICON_ROLE

    nav = fresh.navigation
    items = [nav.item(row) for row in range(nav.count())]
    assert all(item.data(NAV_ICON_ROLE) for item in items)
    blank = {item.icon().cacheKey() for item in items}
    assert len(blank) == 1  # one shared blank icon, nothing drawn yet
    painted = []
    fresh.firstPainted.connect(lambda: painted.append(True))
    with qtbot.waitExposed(fresh):
        fresh.show()
    qtbot.waitUntil(lambda: painted == [True])
    drawn = {item.icon().cacheKey() for item in items}
    assert len(drawn) == len(items) and not drawn & blank
    assert all(not item.icon().isNull() for item in items)


def test_screen_readers_name_the_list_s_columns(fresh, qtbot):
    """The header shows its titles from a model of its own; the list's model still gives
    them to whatever reads them from it, as a screen reader does."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAccessible

    with qtbot.waitExposed(fresh):
        fresh.show()
    view = fresh.contacts_page.list_view
    model = fresh.contacts_page.model
    titles = [model.header_text(c) for c in range(model.columnCount())]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == titles
    table = QAccessible.queryAccessibleInterface(view)
    named = [
        table.child(i).text(QAccessible.Text.Name)
        for i in range(table.childCount())
        if table.child(i).role() == QAccessible.Role.ColumnHeader
    ]
    assert named == titles


def test_a_sort_chosen_before_the_first_paint_keeps_its_arrow(fresh, qtbot):
    from PySide6.QtCore import Qt

    header = fresh.contacts_page.list_view.horizontalHeader()
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    fresh.finish_start()
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.AscendingOrder,
    )
    ids = [
        fresh.contacts_page.model.contact_id(r) for r in range(fresh.contacts_page.model.rowCount())
    ]
    assert ids == search.search_ids("", order="company")[: len(ids)]
