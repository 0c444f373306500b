"""The Contacts page: search, filters, the sortable list, and the selected contact's tabs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import terms
from favorbook.ui.contacts.contact_model import CELL_MARGIN, ContactListModel, ContactRowDelegate
from favorbook.ui.shell import qt_values
from favorbook.ui.shell.bus import Bus

if TYPE_CHECKING:
    from favorbook.db.first_page import FirstPage
    from favorbook.services import search

# The services (and peewee under them) load just after the first paint: until then the
# list is read through a FirstPage (see ContactsPage.first_page), and this module names
# them only inside the methods that run afterwards.

# 0: the search runs as soon as the keys already typed are handled (a burst of queued
# keys is one search); a keystroke costs a lookup in the full-text index, not a scan.
SEARCH_DELAY_MS = 0
# Moving through the list with the keyboard fills the contact's tabs once the keys stop
# for this long: holding Page Down scrolls the list without loading every profile passed.
DETAIL_DELAY_MS = 120
# A keystroke lists the first matches at once (read from the list's index in order, so
# it costs the same for 50 matches or 70,000); the rest of the list and its count come
# once the typing pauses, as the first match's tabs do.
FIRST_PAGE = 100


@cache
def navigation_keys() -> frozenset:
    """The keys that move the list's current row (QtCore.Qt is reached after the first
    paint only: see qt_values)."""
    key = QtCore.Qt.Key
    return frozenset(
        (key.Key_Up, key.Key_Down, key.Key_PageUp, key.Key_PageDown, key.Key_Home, key.Key_End)
    )


@cache
def window_keys() -> frozenset:
    """Ctrl+letter keys the window uses that a line edit would otherwise keep for itself."""
    key = QtCore.Qt.Key
    return frozenset((key.Key_E, key.Key_N, key.Key_P, key.Key_I))


# Room around a cell's text: the delegate's margins either side and a little air.
CELL_PADDING = 2 * CELL_MARGIN + 6
# The company column is cut before the name; below this width it stops giving way.
COMPANY_MIN_WIDTH = 90
# The list's columns and the service's sort keys, in column order.
SORT_KEYS = ("name", "company", "kind", "last_contact", "balance", "next_followup")
# How many rows' measured texts the list keeps (a few screenfuls of many searches).
WIDTHS_KEPT = 5000


class WelcomePage(QWidget):
    """Shown while the database holds no contacts: what favorbook is, and a way in."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        column = QWidget()
        column.setFixedWidth(520)
        inner = QVBoxLayout(column)
        title = QLabel(self.tr("Welcome to favorbook"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        qt_values.set_property(title, "alignment", qt_values.ALIGN_CENTER)
        text = QLabel(
            self.tr(
                "Keep track of the people in your network, the favors you give and "
                "receive, and what to ask on your next call.\n\n"
                "Your network is empty. Add your first contact, or load a sample network "
                "to see how favorbook works; it is marked as sample data and never mixed "
                "up with yours."
            )
        )
        text.setWordWrap(True)
        qt_values.set_property(text, "alignment", qt_values.ALIGN_CENTER)
        self.new_contact_button = QPushButton(self.tr("Add a contact…"))
        self.new_contact_button.setObjectName("welcomeNewContactButton")
        self.load_sample_button = QPushButton(self.tr("Load the sample network"))
        self.load_sample_button.setObjectName("loadSampleButton")
        self.load_sample_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_contact_button)
        buttons.addWidget(self.load_sample_button)
        buttons.addStretch(1)
        inner.addWidget(title)
        inner.addSpacing(12)
        inner.addWidget(text)
        inner.addSpacing(18)
        inner.addLayout(buttons)
        # Stretches rather than alignment flags: an aligned widget loses its
        # height-for-width, and the wrapped text would be clipped.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(row)
        outer.addStretch(3)


class FilterBar(QWidget):
    """Kind, tag, vetting, overdrawn and due-for-a-touch filters over the list."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("contactFilters")
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.kind.addItem(self.tr("All kinds"), None)
        for kind in terms.KINDS:
            self.kind.addItem(self.tr(kind.capitalize()), kind)
        self.tag = QComboBox()
        self.tag.setObjectName("tagFilter")
        self.vetting = QComboBox()
        self.vetting.setObjectName("vettingFilter")
        self.vetting.addItem(self.tr("Any vetting"), None)
        for status in terms.VETTING_STATUSES:
            self.vetting.addItem(self.tr(status.replace("_", " ").capitalize()), status)
        self.overdrawn = QPushButton(self.tr("Overdrawn"))
        self.overdrawn.setObjectName("overdrawnFilter")
        self.overdrawn.setToolTip(self.tr("People you have taken more from than the target allows"))
        self.touch_due = QPushButton(self.tr("Due for a touch"))
        self.touch_due.setObjectName("touchDueFilter")
        self.touch_due.setToolTip(self.tr("People whose stay-in-touch date has come"))
        for button in (self.overdrawn, self.touch_due):
            button.setCheckable(True)
            button.toggled.connect(self.changed)
        for combo in (self.kind, self.tag, self.vetting):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self.changed)
        # The two toggles sit beside the search box (see ContactsPage), the three lists
        # here: two short rows keep the list usable in a narrow window.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind, self.tag, self.vetting):
            layout.addWidget(widget, 1)
        # The tags themselves come with the list (ContactsPage.reload), from the database.
        self.tag.addItem(self.tr("All tags"), None)

    def reload_tags(self) -> None:
        from favorbook.services import contacts

        current = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("All tags"), None)
        for name in contacts.all_tags():
            self.tag.addItem(name, name)
        index = self.tag.findData(current) if current else 0
        self.tag.setCurrentIndex(max(index, 0))
        self.tag.blockSignals(False)
        if current and index < 0:
            self.changed.emit()

    @property
    def active(self) -> bool:
        """Whether any filter is set (as ``value().active``, read from the widgets)."""
        return bool(
            self.kind.currentData()
            or self.tag.currentData()
            or self.vetting.currentData()
            or self.overdrawn.isChecked()
            or self.touch_due.isChecked()
        )

    def value(self, include_archived: bool = False) -> search.ListFilter:
        from favorbook.services import search

        return search.ListFilter(
            kind=self.kind.currentData(),
            tag=self.tag.currentData(),
            vetting=self.vetting.currentData(),
            overdrawn=self.overdrawn.isChecked(),
            touch_due=self.touch_due.isChecked(),
            include_archived=include_archived,
        )

    def clear(self) -> None:
        for combo in (self.kind, self.tag, self.vetting):
            combo.setCurrentIndex(0)
        for button in (self.overdrawn, self.touch_due):
            button.setChecked(False)


class ContactListView(QTableView):
    """The list; ``navigating`` is True while a key moves the current row."""

    navigating = False
    resized = Signal()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self.resized.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.navigating = event.key() in navigation_keys()
        try:
            super().keyPressEvent(event)
        finally:
            self.navigating = False


class ResizingSplitter(QSplitter):
    """A splitter that says when its size changed (after sharing out the new size)."""

    resized = Signal()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self.resized.emit()


class ContactsPage(QWidget):
    """Search and filters over the list on the left; the contact's tabs on the right."""

    contactSelected = Signal(object)  # noqa: N815 (Qt naming) - int | None
    detailShown = Signal(object)  # noqa: N815 (Qt naming) - the contact the visible tab shows

    def __init__(self, bus: Bus, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("contactsPage")
        self.bus = bus
        self.show_archived = False
        self.contact_id: int | None = None
        self._order: str | None = None
        self._descending = False

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("contactSearch")
        self.search_edit.setAccessibleName(self.tr("Search contacts"))
        self.search_edit.setPlaceholderText(
            self.tr("Search names, companies, tags, notes… (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        # Line edits on X11 claim Ctrl+E (end of line) and similar emacs keys; the
        # window's own shortcuts must win while the cursor is in the search box.
        self.search_edit.installEventFilter(self)
        self.filters = FilterBar()
        self._make_list()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptySearchLabel")
        qt_values.set_property(self.empty_label, "alignment", qt_values.ALIGN_CENTER)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.count_label = QLabel()
        self.count_label.setObjectName("listCountLabel")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        search_row = QHBoxLayout()
        search_row.setSpacing(4)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.filters.overdrawn)
        search_row.addWidget(self.filters.touch_due)
        left_layout.addLayout(search_row)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.list_view, 1)
        left_layout.addWidget(self.empty_label, 1)
        left_layout.addWidget(self.count_label)

        self._make_detail(left)

        self.welcome = WelcomePage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self._make_timers()
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.run_search)
        self.filters.changed.connect(self.run_search)
        self.list_view.selectionModel().selectionChanged.connect(self._selection_changed)
        chain = (
            self.search_edit,
            self.filters.kind,
            self.filters.tag,
            self.filters.vetting,
            self.filters.overdrawn,
            self.filters.touch_due,
            self.list_view,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._stale_tabs: set[int] = set()
        self._tab_builders: dict[QWidget, Callable[[], QWidget]] = {}
        self._detail_waits_for_show = False
        self._shown = False
        self._searched_text = ""
        self._widths: dict[tuple, tuple] = {}
        self._widths_font = ""
        self.first_page: FirstPage | None = None
        """Set by the window until the services can read the database (just after the
        first paint): the list's first page is read through it meanwhile."""
        self.need_data: Callable[[], None] | None = None
        """Opens the database for the services when it is not yet (the window's)."""
        self._tags_waiting = False
        self._listed = False  # reload() has listed the contacts at least once

    def _make_list(self) -> None:
        """The list: its model, its row painter, and a header that fits the columns."""
        self.model = ContactListModel(self)
        self.list_view = ContactListView()
        self.list_view.setObjectName("contactList")
        self.list_view.setAccessibleName(self.tr("Contacts"))
        rows = self.list_view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.list_view.horizontalHeader()
        # Both headers hidden while the model is set, the titles shown from a model of
        # their own: a header asks its model for titles and sizes at once, and Qt calling
        # the list model's headerData passes a Qt.Orientation, which builds all of
        # QtCore.Qt's enums before the first paint (qt_values). Screen readers still name
        # the columns from the list model's headerData.
        header.hide()
        self.list_view.setModel(self.model)
        self.header_labels = QStandardItemModel(0, self.model.columnCount(), self)
        for column in range(self.model.columnCount()):
            item = QStandardItem(self.model.header_text(column))
            tip = self.model.header_tip(column)
            if tip:
                item.setToolTip(tip)
            self.header_labels.setHorizontalHeaderItem(column, item)
        header.setModel(self.header_labels)
        header.show()
        # The first page is painted by the stock delegate (in C++, asking the model for
        # each cell's roles); the row painter, faster for scrolling and typing but
        # needing QtCore.Qt's enums, takes over after the first paint (finish_start).
        self.delegate: ContactRowDelegate | None = None
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        qt_values.set_property(self.list_view, "contextMenuPolicy", qt_values.ACTIONS_CONTEXT_MENU)
        self.list_view.setTabKeyNavigation(False)  # Tab moves on to the contact's tabs
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        self._set_resize_modes()
        # Not sorted: no arrow until a column is clicked (or a saved sort is restored).
        # The arrow is switched on after the first paint (finish_start): until then it
        # would point down on the name, as Qt's default says.
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        # Right-click on the header: which columns to show (the name is always there).
        qt_values.set_property(header, "contextMenuPolicy", qt_values.CUSTOM_CONTEXT_MENU)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._section_resized)
        # Kind is hidden until the user shows it (header menu): at the default size the
        # name and the company need its room, and the kind filter and profile say it.
        header.setSectionHidden(ContactListModel.KIND, True)
        self._fitting = False
        self._user_widths: set[int] = set()
        self.list_view.resized.connect(self.fit_columns)
        self.list_view.verticalScrollBar().valueChanged.connect(self._scrolled)

    def finish_start(self) -> None:
        """What the list's first paint does without, as it needs QtCore.Qt's enums: the
        row painter and the sort arrow. Runs once, just after the first paint (or when
        asked for: MainWindow.finish_start)."""
        if self.delegate is not None:
            return
        from favorbook.services._common import settle_heap

        settle_heap()  # start-up is over: what it built is not looked through again
        self.delegate = ContactRowDelegate(self.model, self.list_view)
        self.list_view.setItemDelegate(self.delegate)
        header = self.list_view.horizontalHeader()
        if not header.isSortIndicatorShown():  # no saved header restored it
            if self._order is None:  # not sorted: no arrow (Qt's default is on the name)
                header.setSortIndicator(-1, QtCore.Qt.SortOrder.AscendingOrder)
            header.setSortIndicatorShown(True)

    def _make_detail(self, left: QWidget) -> None:
        """The contact's tabs beside ``left`` (the search and the list), in a splitter."""
        self.tabs = QTabWidget()
        self.tabs.setObjectName("contactTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.no_contact_label = QLabel(self.tr("Select a contact to see their profile."))
        self.no_contact_label.setObjectName("noContactLabel")
        qt_values.set_property(self.no_contact_label, "alignment", qt_values.ALIGN_CENTER)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.no_contact_label)
        self.detail_stack.addWidget(self.tabs)

        self.splitter = ResizingSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        # The contact's side keeps the same margins from the window's edge as the list.
        self.right_pane = QWidget()
        self.right_pane.setObjectName("contactDetailPane")
        right = QVBoxLayout(self.right_pane)
        right.setContentsMargins(0, 6, 6, 6)
        right.addWidget(self.detail_stack)
        self.splitter.addWidget(self.right_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._split_chosen = False  # True once a saved split is restored or the user drags
        self._splitting = False
        self.splitter.splitterMoved.connect(self._split_moved)
        self.splitter.resized.connect(self._split_resized)

    def _make_timers(self) -> None:
        """The search as typing pauses, the tabs' fill, and the rest of a first page."""
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self.refresh_detail)
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(DETAIL_DELAY_MS)
        self._rest_timer.timeout.connect(self.complete_list)
        self._rest: tuple | None = None

    # --- the list's columns and the split -------------------------------------------

    def _set_resize_modes(self) -> None:
        """The name takes what the other columns leave; they are sized to their content."""
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ContactListModel.NAME, QHeaderView.ResizeMode.Stretch)

    def restore_header(self, state, descending: bool | None = None) -> None:
        """The saved header (hidden columns, sort); widths are fitted to the content again.

        It is restored before the first paint, when QtCore.Qt's enums are not built yet
        (qt_values): the header's sortIndicatorChanged carries a Qt.SortOrder, which
        PySide6 cannot hand to Python then, so the slot is off while the state goes in
        and the sort is taken from the header's column and ``descending``, saved beside
        it (``sort_descending``). Without it (a window.ini of an older favorbook) the
        header is asked, which builds those enums (~14 ms) before the paint, once."""
        header = self.list_view.horizontalHeader()
        self._fitting = True
        header.sortIndicatorChanged.disconnect(self._sort_changed)
        try:
            header.restoreState(state)
        finally:
            header.sortIndicatorChanged.connect(self._sort_changed)
            self._fitting = False
        self._set_resize_modes()
        self.fit_columns()
        column = header.sortIndicatorSection()
        if not header.isSortIndicatorShown() or not 0 <= column < len(SORT_KEYS):
            self._sort_by(None, False)
            return
        if descending is None:
            descending = header.sortIndicatorOrder() == QtCore.Qt.SortOrder.DescendingOrder
        self._sort_by(SORT_KEYS[column], descending)

    @property
    def sort_descending(self) -> bool:
        """Whether the list is sorted down (saved beside the header: restore_header)."""
        return self._descending

    def restore_split(self, state) -> None:
        if self.splitter.restoreState(state):
            self._split_chosen = True

    def _split_moved(self, _pos: int, _index: int) -> None:
        self._split_chosen = True

    def _split_resized(self) -> None:
        if not self._split_chosen:
            self.default_split()

    def default_split(self) -> None:
        """The list as wide as its columns want (names whole), the contact's tabs the rest,
        never less than all their tabs nor less than 40 % of the page."""
        total = self.splitter.width() - self.splitter.handleWidth()
        if total <= 0 or self._splitting:
            return
        detail = max(self.right_pane.minimumSizeHint().width(), int(total * 0.4))
        wanted = self.columns_width() + self.list_view.verticalScrollBar().sizeHint().width() + 12
        detail = max(detail, total - wanted)
        if self.splitter.sizes() != [total - detail, detail]:
            self._splitting = True
            try:
                self.splitter.setSizes([total - detail, detail])
            finally:
                self._splitting = False

    def _sample_rows(self) -> range:
        """The rows on screen and a screenful below them (all cached when painted)."""
        view = self.list_view
        top = max(view.rowAt(0), 0)
        count = view.viewport().height() // max(view.verticalHeader().defaultSectionSize(), 1)
        return range(top, min(top + 2 * count + 2, self.model.rowCount()))

    def column_widths(self, only: int | None = None) -> dict[int, int]:
        """What each shown column needs: its title (and the sort arrow when sorted by it)
        and the widest text of the rows sampled, as the delegate paints it."""
        view, header = self.list_view, self.list_view.horizontalHeader()
        style = header.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        plain, italic = view.fontMetrics(), self.model.italic_metrics()
        bold = header.font()
        bold.setBold(True)  # some styles set the titles (or the current column's) in bold
        titles = QFontMetrics(bold)
        rows = [c for c in (self.model.cells(r) for r in self._sample_rows()) if c is not None]
        widths = self._text_widths(rows, plain, italic, only)
        needed = {}
        for column in range(self.model.columnCount()):
            if header.isSectionHidden(column) or only not in (None, column):
                continue
            title = self.model.header_text(column)
            width = titles.horizontalAdvance(title) + 2 * margin + 8
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
                width += arrow + margin
            needed[column] = max([width, *(w[column] + CELL_PADDING for w in widths)])
        return needed

    def _text_widths(
        self, rows: list, plain: QFontMetrics, italic: QFontMetrics, only: int | None = None
    ) -> list[tuple]:
        """Each row's texts measured (``only``: that column's text alone, the others 0), from
        a cache kept while the font stays the same: a keystroke sizes the columns several
        times over the same rows (measuring them every time cost 8 ms a keystroke at
        100,000 contacts), and a scroll asks for the name column alone."""
        font = self.list_view.font().key()
        if font != self._widths_font or len(self._widths) > WIDTHS_KEPT:
            self._widths, self._widths_font = {}, font
        out = []
        for cells in rows:
            key = (cells.texts, cells.italic)
            found = self._widths.get(key)
            if found is None and only is not None:
                key = (cells.texts, cells.italic, only)
                found = self._widths.get(key)
            if found is None:
                measure = (italic if cells.italic else plain).horizontalAdvance
                found = self._widths[key] = tuple(
                    measure(t) if only in (None, i) else 0 for i, t in enumerate(cells.texts)
                )
            out.append(found)
        return out

    def columns_width(self) -> int:
        return sum(self.column_widths().values())

    def fit_columns(self) -> None:
        """Size the columns to their content; the company gives way first, the name last."""
        if self._fitting:
            return
        header = self.list_view.horizontalHeader()
        needed = self.column_widths()
        name_wanted = needed.pop(ContactListModel.NAME, 0)
        for column in self._user_widths:
            if column in needed:
                needed[column] = header.sectionSize(column)
        company = ContactListModel.COMPANY
        room = self.list_view.viewport().width()
        if company in needed and company not in self._user_widths:
            others = sum(w for c, w in needed.items() if c != company)
            needed[company] = max(
                min(needed[company], room - others - name_wanted), COMPANY_MIN_WIDTH
            )
        if not self._split_chosen and not self._splitting:
            # Rows with longer texts came into view: the list may take more of the page.
            wanted = name_wanted + sum(needed.values())
            if company in needed and company not in self._user_widths:
                wanted += self.column_widths()[company] - needed[company]
            if wanted > room:
                self.default_split()
                room = self.list_view.viewport().width()
                if company in needed and company not in self._user_widths:
                    others = sum(w for c, w in needed.items() if c != company)
                    needed[company] = max(
                        min(self.column_widths()[company], room - others - name_wanted),
                        COMPANY_MIN_WIDTH,
                    )
        self._fitting = True
        try:
            for column, width in needed.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != ContactListModel.NAME:
            self._user_widths.add(column)  # dragged by the user: kept until hidden

    def _scrolled(self, _value: int) -> None:
        """A longer name scrolled into view gets its room."""
        name = ContactListModel.NAME
        width = self.list_view.horizontalHeader().sectionSize(name)
        if self.column_widths(only=name).get(name, 0) > width:
            self.fit_columns()

    def columns_menu(self) -> QMenu:
        """The header's context menu: a tick for each column but the name."""
        header = self.list_view.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("listColumnsMenu")
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        for column in range(self.model.columnCount()):
            if column == ContactListModel.NAME:
                continue
            title = self.model.header_text(column)
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        return menu

    def _header_menu(self, pos) -> None:
        header = self.list_view.horizontalHeader()
        self.columns_menu().popup(header.viewport().mapToGlobal(pos))

    def show_column(self, column: int, shown: bool) -> None:
        """Show or hide a column of the list (kept with the window's layout)."""
        self.list_view.horizontalHeader().setSectionHidden(column, not shown)
        self._user_widths.discard(column)
        self.fit_columns()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.ShortcutOverride
            and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier
            and event.key() in window_keys()
        ):
            return True  # not accepted: the key goes on to the window's shortcut
        return super().eventFilter(watched, event)

    # --- tabs -----------------------------------------------------------------------

    def add_tab(self, widget: QWidget | Callable[[], QWidget], title: str) -> None:
        """Add a tab; ``widget.show_contact(id | None)`` is called when it is shown.

        ``widget`` may be a function that makes it: the tab is then built the first time
        it is shown or asked for (``tab_widget``), not at start-up."""
        if not isinstance(widget, QWidget):
            build, widget = widget, QWidget()
            self._tab_builders[widget] = build
        self.tabs.addTab(widget, title)
        self._stale_tabs.add(self.tabs.count() - 1)
        # Every tab of the contact stays in sight: the pane is never narrower than its tabs.
        self.detail_stack.setMinimumWidth(self.tabs.tabBar().sizeHint().width() + 4)

    def tab_widget(self, index: int) -> QWidget:
        """The widget of tab ``index``, built now if it was not yet."""
        placeholder = self.tabs.widget(index)
        build = self._tab_builders.pop(placeholder, None)
        if build is None:
            return placeholder
        widget = build()
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)  # the same tab stays current: nothing changed for the user
        try:
            self.tabs.insertTab(index, widget, self.tabs.tabText(index))
            self.tabs.removeTab(index + 1)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        placeholder.deleteLater()
        return widget

    def _tab_changed(self, index: int) -> None:
        if self._detail_timer.isActive():
            self.refresh_detail()
        elif index in self._stale_tabs:
            self._show_in_tab(index)

    def _show_in_tab(self, index: int) -> None:
        self.ensure_data()
        widget = self.tab_widget(index)
        show = getattr(widget, "show_contact", None) or widget.set_contact
        try:
            show(self.contact_id)
        except FavorbookError as exc:
            from favorbook.services.session import describe_error

            self.bus.message.emit(describe_error(exc))
        self._stale_tabs.discard(index)

    def refresh_detail(self) -> None:
        """Show the current contact in the visible tab; the others catch up when shown."""
        self._detail_timer.stop()
        self._detail_waits_for_show = False
        self._stale_tabs = set(range(self.tabs.count()))
        if self.contact_id is not None and self.tabs.count():
            self._show_in_tab(self.tabs.currentIndex())
            from favorbook.services import matching

            # Who can meet the contact's needs (the Referrals tab) is found meanwhile on
            # another core: the slowest part of the tabs, and all in SQLite.
            matching.find_ahead(self.contact_id)
        self.detailShown.emit(self.contact_id)

    def detail_pending(self) -> bool:
        """True while keyboard navigation has moved on and the tabs wait to be filled."""
        return self._detail_timer.isActive()

    # --- list -----------------------------------------------------------------------

    def ensure_data(self) -> None:
        """Have the database open for the services (nothing to do once it is)."""
        if self.need_data is not None:
            self.need_data()

    def data_opened(self) -> None:
        """The services read the database from now on: the first page's reader goes, and
        what waited for them (the tags to filter by) comes."""
        first, self.first_page = self.first_page, None
        if first is not None:
            first.close()
        if self._tags_waiting:
            self._tags_waiting = False
            self.filters.reload_tags()

    def reload(self) -> None:
        """Welcome page on an empty network, else the list (keeping search and selection)."""
        self._listed = True
        # One row read, not a count of every contact (at 100,000 contacts 3 ms of start-up).
        first = self.first_page
        if first is not None:
            has_contacts = bool(first.ids(include_archived=True, limit=1))
        else:
            self.ensure_data()
            from favorbook.services import search

            has_contacts = bool(search.search_ids("", limit=1, include_archived=True))
        self.stack.setCurrentWidget(self.splitter if has_contacts else self.welcome)
        if has_contacts:
            if first is None:
                self.filters.reload_tags()
            else:
                self._tags_waiting = True  # the combo shows "All tags" until then
            self.run_search()
        else:
            self.select_contact(None)

    def run_search(self) -> None:
        self._search_timer.stop()
        self._rest_timer.stop()
        self._rest = None
        text = self.search_edit.text()
        # A keystroke changes only which contacts are listed; anything else (a change of
        # the data, a filter, a sort) may change what the selected contact's tabs show.
        typed, self._searched_text = text != self._searched_text, text
        # Typing (or listing with nothing selected yet, as at start-up) lists the first
        # page now and the rest when it pauses; any other change lists everything at
        # once, so the selected contact keeps its row.
        paged = typed or self.contact_id is None
        first = self.first_page if paged and not text and not self.filters.active else None
        options = None
        if first is not None:
            # Before the services: the same page, read with the same SQL (db.first_page).
            ids = first.ids(
                include_archived=self.show_archived,
                order=self._order,
                descending=self._descending,
                limit=FIRST_PAGE,
            )
            self.model.set_ids(ids, first.rows(ids))
        else:
            self.ensure_data()
            from favorbook.services import search

            options = self._search_options()
            ids = search.search_ids(text, limit=FIRST_PAGE if paged else None, **options)
            self.model.set_ids(ids)
        if not self._split_chosen:
            self.default_split()
        self.fit_columns()
        more = paged and len(ids) == FIRST_PAGE
        if more or first is not None:
            # The rest of the list; a first page is listed again through the services,
            # which keep it when they find the same (complete_list).
            self._rest = (text, options)
            self._rest_timer.start()
        if not more or self._shown:
            # Before the window first shows, the count waits for the rest of the list (it
            # counts them), which comes after the first paint.
            self._show_count(text, len(ids), more=more)
        if ids:
            self.empty_label.hide()
            self.list_view.show()
            row = self.model.row_of(self.contact_id) if self.contact_id is not None else None
            # While the user types, the first match's tabs fill once the typing pauses.
            self.list_view.navigating = typed
            try:
                self.select_row(row if row is not None else 0)
            finally:
                self.list_view.navigating = False
            if row is not None and not typed:
                self.refresh_detail()  # same contact, data may have changed
        else:
            self.list_view.hide()
            if text.strip():
                message = self.tr("No contact matches “%1”.").replace("%1", text.strip())
            else:
                message = self.tr("No contact matches these filters.")
            self.empty_label.setText(message)
            self.empty_label.show()
            self.select_contact(None)

    def _search_options(self) -> dict:
        return {
            "filters": self.filters.value(self.show_archived),
            "order": self._order,
            "descending": self._descending,
        }

    def _show_count(self, text: str, shown: int, *, more: bool = False) -> None:
        filtered = bool(text.strip()) or self.filters.active
        if self.first_page is not None:
            total = self.first_page.count(include_archived=self.show_archived)
        else:
            self.ensure_data()
            from favorbook.services import contacts

            total = contacts.count_contacts(include_archived=self.show_archived)
        if more and filtered:
            self.count_label.setText(
                self.tr("%1+ of %2 contacts")
                .replace("%1", f"{shown:,}")
                .replace("%2", f"{total:,}")
            )
        elif filtered:
            self.count_label.setText(
                self.tr("%1 of %2 contacts").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
            )
        else:
            self.count_label.setText(terms.counted(total, self.tr("contact"), self.tr("contacts")))

    def list_complete(self) -> bool:
        """False while a search lists its first page and the rest waits for a pause."""
        return self._rest is None

    def complete_list(self) -> None:
        """List the rest of the matches after the first page, and count them."""
        self._rest_timer.stop()
        if self._rest is None:
            return
        self.ensure_data()
        from favorbook.services import search

        (text, options), self._rest = self._rest, None
        ids = search.search_ids(text, **(options or self._search_options()))
        shown = self.model.rowCount()
        if ids[:shown] == [self.model.contact_id(row) for row in range(shown)]:
            self.model.append_ids(ids[shown:])
        else:  # the data changed in between: list it afresh, keeping the selection
            self.run_search()
            return
        self._show_count(text, len(ids))

    def _sort_changed(self, column: int, order: QtCore.Qt.SortOrder) -> None:
        self.fit_columns()  # the sort arrow moved to another column
        if 0 <= column < len(SORT_KEYS):
            self._sort_by(SORT_KEYS[column], order == QtCore.Qt.SortOrder.DescendingOrder)
        else:
            self._sort_by(None, False)

    def _sort_by(self, key: str | None, descending: bool) -> None:
        wanted = key, descending
        # Restoring the list's saved header at start-up says the sort again; at 100,000
        # contacts listing them a second time for the same order cost 0.3 s of start-up.
        if wanted == (self._order, self._descending):
            return
        self._order, self._descending = wanted
        # A saved header is restored before the first listing (reload), which lists in
        # its order: listing here too would list them twice, the second time all of them.
        if self._listed:
            self.run_search()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        current = self.list_view.selectionModel().currentIndex()
        rows = self.selected_ids()
        contact_id = self.model.contact_id(current.row()) if current.isValid() else None
        if contact_id not in rows:
            contact_id = rows[0] if rows else None
        self.select_contact(contact_id)

    def select_row(self, row: int) -> None:
        """Select exactly this row (selectRow would add to the selection while Ctrl is down)."""
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current
        )
        self.list_view.selectionModel().setCurrentIndex(index, flags)

    def selected_ids(self) -> list[int]:
        model = self.list_view.selectionModel()
        return [
            i
            for i in (self.model.contact_id(index.row()) for index in model.selectedRows())
            if i is not None
        ]

    def select_contact(self, contact_id: int | None) -> None:
        changed = contact_id != self.contact_id
        self.contact_id = contact_id
        self.detail_stack.setCurrentWidget(
            self.tabs if contact_id is not None else self.no_contact_label
        )
        if changed:
            if not self.isVisible():
                # Not on screen yet (the window is being built): the tabs fill once it
                # is shown and its list has painted, so start-up paints the list first.
                self._stale_tabs = set(range(self.tabs.count()))
                self._detail_timer.stop()
                self._detail_waits_for_show = True
            elif self.list_view.navigating:
                self._stale_tabs = set(range(self.tabs.count()))
                self._detail_timer.start()
            else:
                self.refresh_detail()
            self.contactSelected.emit(contact_id)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self._shown = True
        if self._detail_waits_for_show:
            self._detail_waits_for_show = False
            # Timers run after the posted paint events: the list paints before the tabs.
            self._detail_timer.start()

    def show_contact(self, contact_id: int) -> None:
        """Select ``contact_id`` in the list, clearing search and filters if they hide it."""
        self.complete_list()
        if self.model.row_of(contact_id) is None:
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self._searched_text = ""  # not typed: the contact's tabs fill at once
            self.filters.blockSignals(True)
            self.filters.clear()
            self.filters.blockSignals(False)
            from favorbook.services import contacts

            if contacts.is_archived(contact_id):
                self.show_archived = True
            self.run_search()
        row = self.model.row_of(contact_id)
        if row is not None:
            self.select_row(row)
            self.list_view.scrollTo(self.model.index(row, 0))
            if self.detail_pending():
                self.refresh_detail()

    def focus_search(self) -> None:
        self.search_edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()


class StackedTab(QSplitter):
    """Several views of one contact above each other (resizable); each shows the same contact."""

    def __init__(self, *views: QWidget, stretches: tuple[int, ...] = (), parent=None) -> None:
        super().__init__(QtCore.Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        self.views = views
        for index, view in enumerate(views):
            self.addWidget(view)
            self.setStretchFactor(index, stretches[index] if index < len(stretches) else 1)

    def show_contact(self, contact_id: int | None) -> None:
        for view in self.views:
            show = getattr(view, "show_contact", None) or view.set_contact
            show(contact_id)
