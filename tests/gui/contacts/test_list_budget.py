"""The contact list paints a frame from its row cache: a bounded number of model calls and
no query per row; the screens around it run a fixed number of queries at any size."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from favorbook.sample import demo
from favorbook.services import contacts, favors, search
from favorbook.ui.contacts.contact_model import ContactListModel, ContactRowDelegate
from favorbook.ui.contacts.contacts_page import ContactListView
from favorbook.ui.shell import style
from tests.perf_guards import capture_sql


class CountingModel(ContactListModel):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.calls += 1
        return super().data(index, role)

    def cells(self, row):
        self.calls += 1
        return super().cells(row)


def _view(show_widget, model):
    view = ContactListView()
    view.setModel(model)
    view.setItemDelegate(ContactRowDelegate(model, view))
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    show_widget(view, 760, 520)
    QApplication.processEvents()  # the view lays its rows out on the next turn of the loop
    return view


def test_a_painted_frame_asks_the_model_for_each_visible_cell_once(db, show_widget, qtmodeltester):
    demo.load(400)
    model = CountingModel()
    model.set_ids(search.search_ids(""))
    view = _view(show_widget, model)
    view.viewport().repaint()  # the first paint fetches the rows around the top
    visible_rows = math.ceil(view.viewport().height() / view.rowHeight(0)) + 1
    cells = visible_rows * model.columnCount()
    for scroll in (0, 150, 390):
        view.scrollTo(model.index(scroll, 0))
        view.viewport().repaint()
        model.calls = 0
        with capture_sql() as ran:
            view.viewport().repaint()
        assert 0 < model.calls <= cells, (scroll, model.calls, cells)
        assert not ran, "a repaint of rows already fetched runs no query"
    qtmodeltester.check(model)


def test_scrolling_fetches_rows_a_block_at_a_time(db, show_widget):
    demo.load(600)
    model = ContactListModel()
    model.set_ids(search.search_ids(""))
    view = _view(show_widget, model)
    with capture_sql() as ran:
        for row in range(0, 600, 25):
            view.scrollTo(model.index(row, 0))
            view.viewport().repaint()
    assert 1 <= len(ran.selects) <= 600 // 150 + 2


def test_the_delegate_paints_what_the_model_says(db, qapp, make_contact):
    ann = make_contact("Ann", "Overdrawn")
    favors.log_favor(ann, "given", "Help")
    favors.log_favor(ann, "received", "Lunch")
    favors.log_favor(ann, "received", "A lead")  # more taken than given: red
    demo.load(3, force=True)
    model = ContactListModel()
    model.set_ids(contacts.list_ids())
    delegate = ContactRowDelegate(model)
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            assert option.text == index.data()
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
            if colour is not None:
                assert option.palette.color(QPalette.ColorRole.Text) == colour
            assert option.font.italic() == (index.data(Qt.ItemDataRole.FontRole) is not None)
    favors_cell = model.index(model.row_of(ann), ContactListModel.FAVORS)
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, favors_cell)
    assert option.palette.color(QPalette.ColorRole.Text) == style.warning_color()


def test_a_selected_row_is_written_in_the_highlighted_text_colour(db, show_widget):
    """The painter once took the cell's text for the colour of its pen: a selected row
    came out black on the highlight instead of in the highlighted text colour."""
    from PySide6.QtGui import QColor

    demo.load(20)
    model = ContactListModel()
    model.set_ids(search.search_ids(""))
    view = _view(show_widget, model)
    view.selectRow(2)
    image = view.viewport().grab().toImage()
    band = view.visualRect(model.index(2, 0))
    palette = view.palette()
    highlight = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    darkest = min(
        QColor(image.pixel(x, y)).lightness()
        for y in range(band.top(), band.bottom())
        for x in range(image.width())
    )
    assert darkest >= highlight.lightness() - 2  # text lighter than the highlight, not black


def test_texts_shown_again_are_not_laid_out_again(db, show_widget):
    """A save drops the rows read (their texts may have changed) and a keystroke lists
    other contacts: the texts of each new row were laid out anew, most of a keystroke's
    paint at 100,000 contacts, though dates, ratios, kinds and companies recur. Texts
    are kept by text and size, whichever row shows them."""
    demo.load(60)
    model = ContactListModel()
    ids = search.search_ids("")
    model.set_ids(ids)
    view = _view(show_widget, model)
    delegate = view.itemDelegate()
    laid_out = []
    real = delegate.prepared_text

    def prepared_text(text, metrics, width, height):
        laid_out.append((text, width, height))
        return real(text, metrics, width, height)

    delegate.prepared_text = prepared_text
    view.viewport().grab()  # painted as shown: laid out then
    model.refresh_rows()  # a save: the same rows read again
    view.viewport().grab()
    assert laid_out == []  # nothing laid out again
    model.set_ids(list(reversed(ids)))  # other contacts listed: their names are new
    view.scrollToTop()
    view.viewport().grab()
    assert laid_out and len(set(laid_out)) == len(laid_out)
    laid_out.clear()
    font = view.font()
    font.setPointSize(font.pointSize() + 3)
    view.setFont(font)  # the texts kept were laid out in the old font
    view.viewport().grab()
    assert laid_out


@pytest.mark.parametrize("case", ["right to left", "disabled"])
def test_a_right_to_left_or_disabled_list_is_painted_as_the_stock_delegate_paints_it(
    db, show_widget, case
):
    """The row painter draws its texts from the left, in the enabled colours: in a
    right-to-left layout the names stood at the wrong end of their cells. There, and in
    a disabled list, the stock delegate paints them."""
    from PySide6.QtWidgets import QStyledItemDelegate

    demo.load(40)
    model = ContactListModel()
    model.set_ids(search.search_ids(""))
    view = _view(show_widget, model)
    view.selectRow(2)
    if case == "right to left":
        view.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    else:
        view.setEnabled(False)
    ours = view.viewport().grab().toImage()
    view.setItemDelegate(QStyledItemDelegate(view))
    stock = view.viewport().grab().toImage()
    assert ours == stock


def _count(action) -> int:
    with capture_sql() as ran:
        action()
    return len(ran)


def test_the_contacts_screens_run_a_fixed_number_of_queries(window, qtbot):
    page = window.contacts_page
    figures = []
    for n in (20, 120):
        demo.load(n)
        window.reload()
        opened = _count(page.reload)
        page.search_edit.clear()
        searched = _count(lambda: (page.search_edit.setText("an"), page.run_search()))
        page.search_edit.clear()
        page.run_search()
        detail = _count(lambda: page.select_row(7))
        figures.append((opened, searched, detail))
    # Six times the contacts, the same queries (give or take what the contact shown has).
    small, big = figures
    assert all(b <= s + 3 for s, b in zip(small, big, strict=True)), figures
    assert all(count <= 60 for count in small), figures


def test_every_tab_of_a_contact_reads_through_indexes(window, qtbot):
    from tests.perf_guards import assert_no_scans

    demo.load(40)
    window.reload()
    page = window.contacts_page
    with capture_sql() as ran:
        for row in (3, 17):
            page.select_row(row)
            for tab in range(page.tabs.count()):
                page.tabs.setCurrentIndex(tab)
    assert ran.selects
    assert_no_scans(ran)


def test_paging_with_the_keyboard_fills_the_tabs_once_the_keys_stop(window, qtbot):
    demo.load(60)
    window.reload()
    page = window.contacts_page
    page.tabs.setCurrentWidget(window.profile)
    page.select_row(0)
    page.list_view.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.list_view, Qt.Key.Key_PageDown)
    current = page.model.contact_id(page.list_view.currentIndex().row())
    assert page.contact_id == current  # the window acts on the row the user is on …
    assert page.detail_pending()  # … whose tabs wait for the keys to stop
    with qtbot.waitSignal(page.detailShown, timeout=2000) as shown:
        pass
    assert shown.args == [current]
    assert contacts.name_of(current) in window.profile.browser.toPlainText()


def test_typing_lists_matches_at_once_and_shows_the_first_when_typing_pauses(window, qtbot):
    demo.load(60)
    window.reload()
    page = window.contacts_page
    page.tabs.setCurrentWidget(window.profile)
    first = contacts.get_contact(page.model.contact_id(5))
    qtbot.keyClicks(page.search_edit, first.last_name[:4])
    qtbot.waitUntil(lambda: not page._search_timer.isActive(), timeout=2000)
    assert first.id in [page.model.contact_id(r) for r in range(page.model.rowCount())]
    qtbot.waitUntil(lambda: not page.detail_pending(), timeout=2000)
    top = page.model.contact_id(0)
    assert page.contact_id == top
    assert contacts.name_of(top) in window.profile.browser.toPlainText()


def test_typing_lists_a_first_page_then_the_rest_and_its_count_when_typing_pauses(
    window, qtbot, monkeypatch
):
    from favorbook.ui.contacts import contacts_page

    monkeypatch.setattr(contacts_page, "FIRST_PAGE", 5)
    demo.load(40, seed=4)
    window.reload()
    page = window.contacts_page
    whole = search.search_ids("e", order=page._order, descending=page._descending)
    assert len(whole) > 5
    page.search_edit.setText("e")
    page.run_search()
    assert not page.list_complete()
    assert [page.model.contact_id(r) for r in range(page.model.rowCount())] == whole[:5]
    assert page.count_label.text().startswith("5+ of ")
    qtbot.waitUntil(page.list_complete, timeout=2000)
    assert [page.model.contact_id(r) for r in range(page.model.rowCount())] == whole
    assert page.count_label.text().startswith(f"{len(whole)} of ")
    assert page.contact_id == whole[0]


def test_showing_a_contact_past_the_first_page_keeps_the_search(window, monkeypatch):
    from favorbook.ui.contacts import contacts_page

    monkeypatch.setattr(contacts_page, "FIRST_PAGE", 5)
    demo.load(40, seed=4)
    window.reload()
    page = window.contacts_page
    page.search_edit.setText("e")
    page.run_search()
    last = search.search_ids("e", order=page._order, descending=page._descending)[-1]
    page.show_contact(last)
    assert page.search_edit.text() == "e"
    assert page.contact_id == last
    assert page.list_complete()


def test_a_keystroke_runs_a_few_bounded_statements(window, qtbot):
    """One character typed lists its first page in bounded statements: the matches'
    page (ranked by SQLite, stopped by a LIMIT), the page's rows, and nothing that lists
    every match or every contact (issue 19: 71,542 ids collected for one letter)."""
    demo.load(120, seed=4)
    window.reload()
    page = window.contacts_page
    page.run_search()
    for text in ("a", "e", "ann"):
        page.search_edit.clear()
        page.run_search()
        with capture_sql() as ran:
            qtbot.keyClicks(page.search_edit, text[-1] if len(text) == 1 else text)
            page.run_search()
        reads = [s for s in ran.selects if "contact" in s]
        assert 0 < len(ran.selects) <= 6, ran.selects
        for sql in reads:
            assert "LIMIT" in sql or " IN (" in sql and "MATCH" not in sql, sql


def test_a_jump_far_down_the_list_reads_the_rows_around_it_not_a_block(db, show_widget):
    from favorbook.ui.contacts.contact_model import BLOCK, JUMP

    demo.load(900)
    model = ContactListModel()
    model.set_ids(search.search_ids(""))
    view = _view(show_widget, model)  # the top of the list, read a block at a time
    read: list[int] = []
    real = contacts.rows

    def rows(ids):
        read.append(len(ids))
        return real(ids)

    contacts.rows, saved = rows, contacts.rows
    try:
        view.scrollTo(model.index(330, 0))  # a contact opened from far away
        view.viewport().repaint()
        assert read == [JUMP], read  # what the screen shows, not a block: 1 lookup a row
        read.clear()
        for row in range(340, 900, 10):  # scrolling on past the rows read reads ahead
            view.scrollTo(model.index(row, 0))
            view.viewport().repaint()
            if read:
                break
        assert read and JUMP < read[0] <= BLOCK, read
    finally:
        contacts.rows = saved


def test_opening_a_contact_finds_who_can_meet_their_needs_meanwhile(window, qtbot, monkeypatch):
    """The Referrals tab's matches are the slowest part of a contact's tabs: opening the
    contact starts finding them on another thread, whichever tab is shown."""
    from favorbook.services import matching

    started: list[int] = []
    real = matching.find_ahead
    monkeypatch.setattr(
        matching, "find_ahead", lambda cid, **kw: started.append(cid) or real(cid, **kw)
    )
    demo.load(20)
    window.reload()
    page = window.contacts_page
    page.tabs.setCurrentWidget(window.contact_favors)
    started.clear()  # the contact shown after the reload
    page.select_row(4)
    assert started == [page.model.contact_id(4)]
    page.tabs.setCurrentWidget(window.referrals_tab.parentWidget())
    assert window.match_panel.contact_id == started[0]
