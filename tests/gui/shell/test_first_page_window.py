"""The window painted from the database's first page (issue 19): before the services are
loaded it shows what a window built through them shows; just after the first paint the
database is opened for them and the list is completed through them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from favorbook.db.first_page import open_first_page
from favorbook.sample import demo
from favorbook.services import contacts, search
from favorbook.ui.contacts.contacts_page import FIRST_PAGE


@pytest.fixture
def network(db):
    demo.load(130)  # more than a page
    for contact_id in contacts.list_ids()[::9]:
        contacts.archive_contact(contact_id)
    return db


def _windows(path, qtbot):
    """(built from the first page, built through the services), neither shown yet; the
    first one's ``opened`` list records when it asked for the database (already open
    here: the db fixture opened it)."""
    from favorbook.ui.shell.app import make_application
    from favorbook.ui.shell.main_window import MainWindow

    make_application()
    page = open_first_page(path)
    assert page is not None
    opened: list[bool] = []
    first = MainWindow(str(path), first_page=page, open_data=lambda: opened.append(True))
    normal = MainWindow(str(path))
    for window in (first, normal):
        qtbot.addWidget(window)
    first.opened = opened
    return first, normal


def _listed(window) -> list[tuple]:
    model = window.contacts_page.model
    out = []
    for row in range(model.rowCount()):
        cells = model.cells(row)
        out.append((model.contact_id(row), cells.texts, cells.italic, cells.colors))
    return out


def _painted(window, qtbot) -> None:
    seen = []
    window.firstPainted.connect(lambda: seen.append(True))
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: seen == [True])


def _save_sort(path, qtbot, column: int, order) -> None:
    from favorbook.ui.shell.main_window import MainWindow

    window = MainWindow(str(path))
    qtbot.addWidget(window)
    window.finish_start()
    window.contacts_page.list_view.horizontalHeader().setSortIndicator(column, order)
    window.save_geometry()


@pytest.mark.parametrize(
    ("column", "order"),
    [(None, None), (1, Qt.SortOrder.DescendingOrder), (4, Qt.SortOrder.AscendingOrder)],
)
def test_before_the_services_the_list_shows_what_they_would(network, qtbot, column, order):
    if column is not None:
        _save_sort(network, qtbot, column, order)
    first, normal = _windows(network, qtbot)
    page = first.contacts_page
    assert page.first_page is not None and first.opened == []
    assert page.model.rowCount() == FIRST_PAGE
    assert _listed(first) == _listed(normal)[:FIRST_PAGE]
    assert page.contact_id == normal.contacts_page.contact_id
    assert page.count_label.text() == ""  # the count waits for the rest, as on the normal start
    assert first.archive_action.isEnabled() == normal.archive_action.isEnabled()
    _painted(first, qtbot)
    # Just after the paint: the database opened for the services, the tags, the whole list.
    assert first.opened == [True] and page.first_page is None
    tags = [page.filters.tag.itemText(i) for i in range(page.filters.tag.count())]
    normal_tags = normal.contacts_page.filters.tag
    assert tags == [normal_tags.itemText(i) for i in range(normal_tags.count())]
    assert len(tags) > 1
    qtbot.waitUntil(page.list_complete)
    key = search.search_ids("", order=page._order, descending=page._descending)
    assert [page.model.contact_id(r) for r in range(page.model.rowCount())] == key
    assert len(key) == contacts.count_contacts() > FIRST_PAGE
    assert page.count_label.text() == f"{len(key):,} contacts"
    header = page.list_view.horizontalHeader()
    if column is not None:
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (column, order)


def test_a_short_list_shows_its_count_at_the_first_paint(db, make_contact, qtbot):
    for i in range(5):
        make_contact(f"Person{i}", "Short")
    contacts.archive_contact(make_contact("Gone", "Archived"))
    first, normal = _windows(db, qtbot)
    assert first.contacts_page.count_label.text() == "5 contacts"
    assert first.contacts_page.count_label.text() == normal.contacts_page.count_label.text()
    assert _listed(first) == _listed(normal)


def test_an_empty_network_shows_the_welcome_page(db, qtbot):
    first, normal = _windows(db, qtbot)
    for window in (first, normal):
        page = window.contacts_page
        assert page.stack.currentWidget() is page.welcome
    _painted(first, qtbot)
    assert first.opened == [True]


def test_with_every_contact_archived_the_list_says_so(db, make_contact, qtbot):
    for i in range(3):
        contacts.archive_contact(make_contact(f"Person{i}", "Archived"))
    first, normal = _windows(db, qtbot)
    for window in (first, normal):
        page = window.contacts_page
        assert page.stack.currentWidget() is page.splitter
        assert page.empty_label.text() == "No contact matches these filters."
        assert page.model.rowCount() == 0


def test_a_command_before_the_first_paint_opens_the_database_first(network, qtbot):
    first, _normal = _windows(network, qtbot)
    assert first.opened == []
    first.findChild(QAction, "find").trigger()
    assert first.opened == [True]
    assert first.contacts_page.first_page is None


def test_the_tabs_filled_before_the_paint_open_the_database_first(network, qtbot):
    first, _normal = _windows(network, qtbot)
    first.contacts_page.refresh_detail()  # as the tabs' timer would, should it come first
    assert first.opened == [True]


def test_a_database_that_cannot_be_opened_after_the_paint_is_said_and_ends_favorbook(
    network, data_dir, qtbot, monkeypatch
):
    """Locked by another program between the first page and the opening: the message the
    normal start gives, then favorbook ends (nothing was written)."""
    from favorbook.errors import DatabaseLockedError
    from favorbook.services import session
    from favorbook.ui.shell import app
    from favorbook.ui.shell.single_instance import Claim, SingleInstance

    class Ended(Exception):
        pass

    said = []

    def give_up(window, guard, message):
        said.append(message)
        raise Ended

    def locked(*_args, **_kwargs):
        raise DatabaseLockedError(f"The database {network} is locked by another program.")

    app.make_application()
    session.close()
    guard = SingleInstance(data_dir)
    assert guard.claim(listen=False) is Claim.OWNED
    try:
        window = app.start_from_first_page(str(data_dir), guard)
        qtbot.addWidget(window)
        assert window.contacts_page.model.rowCount() == FIRST_PAGE
        monkeypatch.setattr(app, "give_up", give_up)
        monkeypatch.setattr(session, "open_data", locked)
        with pytest.raises(Ended):
            window.ensure_data()
        # favorbook would have ended here: the rest of the list never comes.
        window.contacts_page._rest_timer.stop()
    finally:
        guard.release()
    assert said == [f"The database {network} is locked by another program."]


@pytest.mark.parametrize("case", ["new", "encrypted", "damaged"])
def test_the_normal_start_opens_what_the_first_page_does_not_read(data_dir, qtbot, case):
    from favorbook.services import session
    from favorbook.ui.shell import app
    from favorbook.ui.shell.single_instance import Claim, SingleInstance

    app.make_application()
    if case != "new":
        path = session.open_data(data_dir)
        demo.load(20)
        session.close()
        data = bytearray(path.read_bytes())
        if case == "encrypted":
            data[:16] = bytes(16)
        else:
            middle = len(data) // 2
            data[middle - 8192 : middle + 8192] = b"\xa5" * 16384
        path.write_bytes(bytes(data))
    guard = SingleInstance(data_dir)
    assert guard.claim(listen=False) is Claim.OWNED
    try:
        assert app.start_from_first_page(str(data_dir), guard) is None
    finally:
        guard.release()
