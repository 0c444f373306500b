"""What the ledger, conversation log and follow-up list share: a table model over
service records and a list widget with filters, actions, an empty state and lazy refresh.

The model holds the records a service returned (plain dataclasses, loaded with one
query) and sorts and filters them in Python, so a page of tens of thousands of rows
needs no query per row and no proxy model calling ``data()`` while it sorts. Rows are
handed to the view in batches through ``canFetchMore``/``fetchMore``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.ui.records.record_cells import RecordRowDelegate
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.wrap_label import WrapLabel

if TYPE_CHECKING:
    from favorbook.ui.shell.worker import BackgroundRead

ID_ROLE = Qt.ItemDataRole.UserRole + 1
# The roles as plain numbers: a Qt enum member is looked up anew on each use.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_ROLES = frozenset({_DISPLAY, ID_ROLE, _TOOLTIP, _FOREGROUND, _FONT, _ALIGNMENT})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
AnyIndex = QModelIndex | QPersistentModelIndex
STRETCH_MIN = 220  # width a stretching column (description, summary) should keep


def first_line(text: str, limit: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def without_mnemonic(text: str) -> str:
    """``text`` without its access-key ``&`` (a doubled ``&&`` stays one ``&``)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def undo_hint() -> str:
    """The undo shortcut as this system writes it, for confirmations."""
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText
    )


@dataclass
class Column:
    """One column: its header, its text, and optionally a sort key, tooltip, colour, weight."""

    name: str
    header: str
    text: Callable[[Any], str]
    key: Callable[[Any], Any] | None = None
    tip: Callable[[Any], str | None] | None = None
    color: Callable[[Any], QColor | None] | None = None
    bold: Callable[[Any], bool] | None = None
    right: bool = False
    sample: str = ""  # typical widest content, to size the column; "" stretches it
    optional: bool = False  # hidden when the list is too narrow to show it (a contact tab)
    least: str = ""
    """The shortest text it keeps whole when the list is narrow: the column gives way, down
    to this, before a stretching column is squeezed below ``STRETCH_MIN``."""
    width: int = 0  # set by make_table from ``sample``
    least_width: int = 0  # set by make_table from ``least``


def contact_column(tr: Callable[[str], str], then: Callable[[Any], Any]) -> Column:
    """The Contact column of a list of all contacts' records: by name, then by ``then``."""
    return Column(
        "contact",
        tr("Contact"),
        lambda r: r.contact_name,
        key=lambda r: (r.contact_name.casefold(), then(r)),
        tip=lambda r: tr("Double-click to open %1").replace("%1", r.contact_name),
        sample="Margaret Oyelaran-Smith",
    )


class RecordTableModel(QAbstractTableModel):
    """Records (each with an ``id``) shown through ``Column``s, sorted and filtered in memory."""

    BATCH = 1000

    def __init__(self, columns: list[Column], parent=None, *, id_attr: str = "id") -> None:
        super().__init__(parent)
        self.columns = columns
        self.id_attr = id_attr
        self._all: list[Any] = []
        self._ordered: list[Any] = []  # _all in the order of the sort
        self._visible: list[Any] = []
        self._shown = 0
        self._filter: Callable[[Any], bool] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.pin: int | None = None
        """A record id to keep among the fetched rows across a reset (the selection)."""

    # --- filling -------------------------------------------------------------------

    def set_records(
        self,
        records: list[Any],
        predicate: Callable[[Any], bool] | None = None,
        *,
        arranged: tuple | None = None,
    ) -> None:
        """Show ``records`` through ``predicate``; ``arranged`` is what ``arranged``
        gave for them elsewhere (a worker thread), used while the sort is the same."""
        self.beginResetModel()
        self._all = list(records)
        self._filter = predicate
        if arranged is not None and arranged[0] == self._sort:
            _sort, self._ordered, visible = arranged
            self._show(visible)
        else:
            self._ordered = self._sorted(self._all, self._sort)
            self._apply()
        self.endResetModel()

    def arranged(self, records: list[Any], predicate) -> tuple:
        """``records`` sorted, then filtered, as the model would (with the sort it has
        now): pure work that may run on a worker thread, for ``set_records``."""
        sort = self._sort
        ordered = self._sorted(records, sort)
        return sort, ordered, self._filtered(ordered, predicate)

    def set_filter(self, predicate: Callable[[Any], bool] | None) -> None:
        self.beginResetModel()
        self._filter = predicate
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        # The records are kept sorted (``_ordered``): a new filter keeps their order and
        # sorts nothing again (half a million rows sorted anew on every letter typed).
        self._show(self._filtered(self._ordered, self._filter))

    @staticmethod
    def _filtered(rows: list[Any], predicate) -> list[Any]:
        return [r for r in rows if predicate(r)] if predicate else rows

    def _sorted(self, records: list[Any], sort) -> list[Any]:
        if sort is None:
            return list(records)
        column = self.columns[sort[0]]
        key = column.key or column.text
        return sorted(records, key=key, reverse=sort[1] == Qt.SortOrder.DescendingOrder)

    def _show(self, rows: list[Any]) -> None:
        self._visible = rows
        self._shown = min(len(rows), self.BATCH)
        if self.pin is not None:
            for row in range(self._shown, len(rows)):
                if getattr(rows[row], self.id_attr) == self.pin:
                    self._shown = row + 1
                    break

    def total_count(self) -> int:
        """Records loaded, before the filter."""
        return len(self._all)

    def matching_count(self) -> int:
        """Records that pass the filter, shown or still to fetch."""
        return len(self._visible)

    def records(self) -> list[Any]:
        return list(self._all)

    def record(self, row: int) -> Any | None:
        return self._visible[row] if 0 <= row < self._shown else None

    def column_named(self, name: str) -> int | None:
        for number, column in enumerate(self.columns):
            if column.name == name:
                return number
        return None

    def row_of(self, record_id: int) -> int | None:
        """The row showing ``record_id``, fetching rows up to it if needed."""
        for row, record in enumerate(self._visible):
            if getattr(record, self.id_attr) == record_id:
                while self._shown <= row:
                    self.fetchMore(QModelIndex())
                return row
        return None

    # --- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._shown < len(self._visible)

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._shown >= len(self._visible):
            return
        count = min(self.BATCH, len(self._visible) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
        self._shown += count
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._sort = (column, order) if 0 <= column < len(self.columns) else None
        self._ordered = self._sorted(self._all, self._sort)
        self._apply()
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY):
        # A painted cell asks for some eight roles: those no column answers are turned
        # away first, before anything is looked up (each row of a contact's Favors tab
        # cost some 60 µs a paint before).
        if role not in _ROLES or not index.isValid():
            return None
        record = self.record(index.row())
        col = index.column()
        if record is None or not 0 <= col < len(self.columns):
            return None
        column = self.columns[col]
        if role == _DISPLAY:
            return column.text(record)
        if role == ID_ROLE:
            return getattr(record, self.id_attr)
        if role == _TOOLTIP:
            return column.tip(record) if column.tip else None
        if role == _FOREGROUND:
            return column.color(record) if column.color else None
        if role == _FONT:
            if column.bold and column.bold(record):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == _ALIGNMENT and column.right:
            return _RIGHT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Asked for every cell painted: the flags made once, not or-ed anew each time.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS


class RowsTableModel(QAbstractTableModel):
    """A flat table of ``_rows`` (one record a row) under the column titles ``_headers``.

    Subclasses fill both and answer ``data``.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._headers: list[str] = []

    def row_at(self, row: int):
        """The record shown in ``row``, or None out of range."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None


def read_only_table(
    model: QAbstractItemModel, parent: QWidget | None = None, *, wrap: bool = False
) -> QTableView:
    """A table of read-only rows: one whole row selected at a time, no grid, no row numbers.

    Rows are one line high, or as high as their wrapped text with ``wrap``.
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # read-only rows: Tab moves on, the arrows move along
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(wrap)
    rows = view.verticalHeader()
    rows.hide()
    if wrap:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    else:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def make_table(model: RecordTableModel, parent: QWidget) -> QTableView:
    """A read-only, row-selecting, sortable table sized for ``model``'s columns."""
    view = read_only_table(model, parent)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setItemDelegate(RecordRowDelegate(model, view))
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(40)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    for number, column in enumerate(model.columns):
        if not column.sample:
            header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            continue
        width = max(
            header.fontMetrics().horizontalAdvance(column.header) + 24,  # sort arrow
            view.fontMetrics().horizontalAdvance(column.sample),
        )
        column.width = width + 16
        if column.least:
            column.least_width = min(
                view.fontMetrics().horizontalAdvance(column.least) + 16, column.width
            )
        header.resizeSection(number, column.width)
    view.setSortingEnabled(True)
    return view


BACKGROUND_FROM = 20_000
"""Records from which a page that can (``LOADS_IN_BACKGROUND``) reads them on a worker
thread: 20,000 favors take some 0.1 s to read, 549,064 some 2.5 s."""


FIRST_ROWS = 200
"""Records such a page shows first, the newest, read on a worker thread of their own
while it reads the rest: its first visit showed "Reading favors…" for 2-3 s at 549,064
favors."""
FILTER_PAUSE_MS = 150
"""The pause in typing after which a long list (BACKGROUND_FROM records or more) is
filtered: every letter of a word filtered half a million favors anew."""


class RecordListWidget(FollowsChanges, QWidget):
    """A list page or contact tab: header widgets, a toolbar, the table or an empty message.

    ``contact_id`` None makes the page for all contacts; a contact's tab is made with a
    contact id, or with ``per_contact=True`` before one is chosen (then ``set_contact``).
    Subclasses set ``PAGE_NAME``/``TAB_NAME`` (the view's objectName), build the model
    in ``make_model`` and load records in ``load``. The widget reloads when the bus says
    data changed, or on its next show while hidden.
    """

    PAGE_NAME = ""
    TAB_NAME = ""
    LOADS_IN_BACKGROUND = False
    """A page whose ``load`` may read hundreds of thousands of records (the ledger, the
    call log) reads them on a worker thread from BACKGROUND_FROM records on: the window
    answers meanwhile, the rows shown before stay until the new ones come."""

    def list_title(self) -> str:
        """What the list holds, for screen readers ("Favors"); subclasses say."""
        return ""

    def __init__(
        self, bus, contact_id: int | None = None, parent=None, *, per_contact: bool = False
    ) -> None:
        super().__init__(parent)
        self.bus = bus
        self.contact_id = contact_id
        # A contact tab made before any contact is chosen passes per_contact=True.
        self.is_page = contact_id is None and not per_contact
        self._quiet = False
        self._keep: tuple[int | None, int] = (None, -1)
        self._forget_selection = False
        self._reader: BackgroundRead | None = None  # made for the first read on a worker
        self._filter_generation = 0  # one more each time the filter changes
        self._filter_timer: QTimer | None = None

        self.model = self.make_model()
        self.view = make_table(self.model, self)
        self.view.setObjectName(self.PAGE_NAME if self.is_page else self.TAB_NAME)
        self.view.setAccessibleName(self.list_title())
        self.empty_label = WrapLabel(parent=self)
        self.empty_label.setObjectName("emptyListLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setMargin(24)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        self.header_layout = QVBoxLayout()
        self.header_layout.setContentsMargins(0, 0, 0, 0)
        self.toolbar: QToolBar | None = None
        self.bar_layout = QHBoxLayout()
        self.bar_layout.setContentsMargins(0, 0, 0, 0)
        self.bar_layout.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self.header_layout)
        layout.addLayout(self.bar_layout)
        self.body_layout = QVBoxLayout()
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.addWidget(self.stack)
        layout.addLayout(self.body_layout, 1)
        self.context_actions: list[QAction | None] = []
        self.partial = False
        """Only the first records are shown (``load_first``) while the rest are read."""
        self.reading_label = QLabel(self)
        self.reading_label.setObjectName("readingRestLabel")
        self.reading_label.hide()
        layout.addWidget(self.reading_label)  # below the body, whatever a subclass puts in it

        self.view.installEventFilter(self)
        self.follow_changes(self.bus, stale=True)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)

    # --- for subclasses ------------------------------------------------------------

    def make_model(self) -> RecordTableModel:
        raise NotImplementedError

    def load(self) -> list[Any]:
        """The records to show, from a service."""
        raise NotImplementedError

    def empty_text(self, filtered: bool) -> str:
        raise NotImplementedError

    def load_first(self, limit: int) -> list[Any]:
        """The first ``limit`` records ``load`` gives (the newest), for a page that reads
        its records in the background: shown while it reads the rest. Empty: none first."""
        return []

    def after_refresh(self) -> None:
        """Update header figures; called after each reload."""

    def update_actions(self) -> None:
        """Enable the actions that fit the selected record."""

    def selection_changed(self) -> None:
        """The selected record changed (update a detail pane)."""

    def make_filter_edit(self, name: str, page_text: str, tab_text: str) -> QLineEdit:
        """A box that filters the rows as one types; its placeholder says what it searches."""
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setClearButtonEnabled(True)
        edit.setPlaceholderText(page_text if self.is_page else tab_text)
        edit.setAccessibleName(edit.placeholderText().rstrip("…"))
        edit.textChanged.connect(self._filter_typed)
        return edit

    def _filter_typed(self) -> None:
        """A long list is filtered once typing pauses, a short one as each letter comes."""
        if self.model.total_count() < BACKGROUND_FROM:
            self.refresh_filter()
            return
        if self._filter_timer is None:
            self._filter_timer = QTimer(self)
            self._filter_timer.setSingleShot(True)
            self._filter_timer.setInterval(FILTER_PAUSE_MS)
            self._filter_timer.timeout.connect(self.refresh_filter)
        self._filter_timer.start()

    def add_summary_label(self, name: str) -> QLabel:
        """A rich-text line above the list (a balance, a share) in the header."""
        label = WrapLabel()
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.RichText)
        self.header_layout.addWidget(label)
        return label

    def make_action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        toolbar: bool = True,
    ) -> QAction:
        action = QAction(text, self)
        plain = without_mnemonic(text)
        action.setIconText(plain)  # keep the "…" that says a dialog follows, drop the "&"
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{plain.rstrip('…')} ({tip})")
        self.addAction(action)
        if toolbar:
            self._toolbar().addAction(action)
        return action

    def _toolbar(self) -> QToolBar:
        """The row of action buttons; in a narrow pane the ones that do not fit go to »."""
        if self.toolbar is None:
            self.toolbar = QToolBar(self)
            self.toolbar.setObjectName("listToolbar")
            self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.toolbar.setMovable(False)
            self.toolbar.setFloatable(False)
            self.toolbar.setStyleSheet("QToolBar { border: none; spacing: 4px; }")
            self.bar_layout.addWidget(self.toolbar, 100)  # before any stretch a subclass adds
        return self.toolbar

    # --- state ---------------------------------------------------------------------

    def current_record(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def set_contact(self, contact_id: int | None) -> None:
        """Show another contact's records (a contact tab)."""
        if contact_id == self.contact_id and not self.is_stale():
            return
        self.contact_id = contact_id
        self._forget_selection = True
        self.mark_stale()

    def records_to_load(self) -> int:
        """How many records ``load`` would read, asked only of a page that loads in the
        background and shows none yet (a count, far cheaper than reading them)."""
        return 0

    def load_size(self) -> int:
        """What ``load``'s work grows with (the records it reads, by default), for a page
        that loads in the background from BACKGROUND_FROM of them."""
        if self.partial:  # the first records alone: the whole list is still to read
            return self.records_to_load()
        return self.model.total_count() or self.records_to_load()

    def loading_text(self) -> str:
        """What the page says while it reads its records for the first time."""
        return self.tr("Reading %1…").replace("%1", self.list_title().lower())

    def refresh(self) -> None:
        """Reload from the services, keeping the selected record (or its row)."""
        self.mark_fresh()
        if self.is_loading():  # read again once the reading under way is done
            self._reader.ask_again()
            return
        if self.LOADS_IN_BACKGROUND and self.is_page and self.load_size() >= BACKGROUND_FROM:
            self._load_in_background()
            return
        if self.is_page:
            self._show_records(self._read_all())
        else:
            self._show_records(self.load() if self.contact_id is not None else [])

    def _read_all(self) -> list[Any]:
        """A page's records, read with the cyclic collector paused and left frozen after
        (``without_gc_pauses``): half a million favors kept in the page made each full
        collection afterwards walk them all, a 0.4 s pause of the window now and then."""
        from favorbook.services._common import without_gc_pauses

        return without_gc_pauses(self.load)()

    def read_failed(self) -> None:
        """The records could not be read (the page says why): header figures worked out
        from them say nothing."""

    def _show_records(
        self, records: list[Any], arranged: tuple | None = None, *, partial: bool = False
    ) -> None:
        """List ``records``: all of them, or (``partial``) the first while the rest are read."""
        self.partial = partial
        if partial:
            self.reading_label.setText(
                self.tr("Reading the rest of the %1…").replace("%1", self.list_title().lower())
            )
        self.reading_label.setVisible(partial)
        self.model.set_records(records, self.filter_predicate(), arranged=arranged)
        self._update_empty()
        self.after_refresh()
        self.update_actions()

    def _load_in_background(self) -> None:
        from favorbook.ui.shell.worker import BackgroundRead

        if not self.model.total_count():
            self.empty_label.setText(self.loading_text())
            self.stack.setCurrentWidget(self.empty_label)
            self._read_first()
        elif self.partial:  # changed meanwhile: the first records again, as they are now
            self._read_first()
        # Filtered and sorted there too (sorting half a million rows held the window for
        # a quarter of a second), with the filter and the sort of now; if the user
        # changes either meanwhile, the model arranges them again itself.
        predicate, filtering = self.filter_predicate(), self._filter_generation

        def work():
            records = self.load()
            return records, self.model.arranged(records, predicate), filtering

        if self._reader is None:
            self._reader = BackgroundRead(self, self._loaded, self.refresh)
        self._reader.start(work)

    def _read_first(self) -> None:
        """The first records (``load_first``) read on a worker thread of their own, and
        shown when they come unless all of them have come by then: read on the window's
        thread they held it 15 ms, and 0.25 s with a cold disk cache, at 549,064 favors."""
        from favorbook.ui.shell.worker import in_background

        if type(self).load_first is RecordListWidget.load_first:
            return

        def done(records, error) -> None:
            if error is not None or not records or not self.is_loading():
                return  # a failure is for the whole read to say
            if self.model.total_count() and not self.partial:
                return  # all of them came first
            self._show_records(records, partial=True)

        in_background(self, lambda: self.load_first(FIRST_ROWS), done)

    def _loaded(self, result: tuple | None, error: BaseException | None) -> None:
        if error is not None:
            from favorbook.services.session import describe_error

            if self.partial:  # the first records alone are not the list: read all next time
                self._show_records([])
            self.empty_label.setText(describe_error(error))
            self.stack.setCurrentWidget(self.empty_label)
            self.read_failed()
            return
        records, arranged, filtering = result
        self._show_records(records, arranged if filtering == self._filter_generation else None)

    def is_loading(self) -> bool:
        """Whether the records are being read on a worker thread."""
        return self._reader is not None and self._reader.running()

    def refresh_filter(self) -> None:
        self._filter_generation += 1
        self.model.set_filter(self.filter_predicate())
        self._update_empty()

    def filter_predicate(self) -> Callable[[Any], bool] | None:
        return None

    def _update_empty(self) -> None:
        if self.model.matching_count():
            self.stack.setCurrentWidget(self.view)
        else:
            # While the rest are read, what the first records lack may be among them.
            text = self.loading_text() if self.partial else None
            self.empty_label.setText(text or self.empty_text(self.model.total_count() > 0))
            self.stack.setCurrentWidget(self.empty_label)

    def ignores_change(self) -> bool:
        return self._quiet

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Hide optional columns, last first, while the fixed ones would squeeze the rest;
        then a column that gives way (``Column.least``) narrows, as far as its least
        width, until the stretching ones have ``STRETCH_MIN`` each."""
        widths = [column.width or STRETCH_MIN for column in self.model.columns]
        needed = sum(widths)
        available = self.view.width()
        for number in reversed(range(len(widths))):
            if not self.model.columns[number].optional:
                continue
            hide = needed > available
            self.view.setColumnHidden(number, hide)
            if hide:
                needed -= widths[number]
        giving = [
            n
            for n, c in enumerate(self.model.columns)
            if c.least_width and not self.view.isColumnHidden(n)
        ]
        if not giving:
            return
        # The room the columns share: inside the frame, beside a scroll bar (reserved, so
        # the widths stay put when one appears).
        room = (
            available
            - 2 * self.view.frameWidth()
            - self.view.verticalScrollBar().sizeHint().width()
        )
        short = max(needed - room, 0)
        header = self.view.horizontalHeader()
        for number in giving:
            column = self.model.columns[number]
            width = max(column.width - short, column.least_width)
            short -= column.width - width
            if header.sectionSize(number) != width:
                header.resizeSection(number, width)

    def wrote(self, message: str) -> None:
        """After a write of ours: reload, tell the other views, confirm in the status bar."""
        self.refresh()
        self._quiet = True
        try:
            self.bus.changed.emit(self.WRITES)
        finally:
            self._quiet = False
        self.bus.message.emit(message)

    def push(self, command) -> None:
        """Run an undoable command (it emits ``changed`` and a message) and reload."""
        self._quiet = True
        try:
            self.bus.undo_stack.push(command)
        finally:
            self._quiet = False
        self.refresh()

    def attempt(self, call: Callable[[], Any]) -> bool:
        """Run a service call; a user-caused error becomes a message box, not a traceback."""
        try:
            call()
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("favorbook"), str(exc))
            return False
        return True

    # --- slots ---------------------------------------------------------------------

    def _remember_selection(self) -> None:
        if self._forget_selection:
            self._forget_selection = False
            self._keep = (None, -1)
            self.model.pin = None
            return
        record = self.current_record()
        rows = self.view.selectionModel().selectedRows()
        record_id = getattr(record, self.model.id_attr) if record else None
        self._keep = (record_id, rows[0].row() if rows else -1)
        self.model.pin = record_id  # fetched before the reset ends, not during modelReset

    def _restore_selection(self) -> None:
        record_id, row = self._keep
        if record_id is not None and self.select_id(record_id):
            return
        if row >= 0 and self.model.rowCount():
            self.view.selectRow(min(row, self.model.rowCount() - 1))
        else:
            self._selection_changed()

    def _selection_changed(self, *_args) -> None:
        self.update_actions()
        self.selection_changed()

    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            elif action.isEnabled():
                menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _activated(self, index: QModelIndex) -> None:
        record = self.model.record(index.row())
        if record is not None and index.column() == self.model.column_named("contact"):
            self.bus.open_contact.emit(record.contact_id)
