"""The contact list model: a list of ids plus a cache of rows fetched a block at a time.

The view asks only for the rows it paints, so a network of any size costs one
id list and a few small queries per screenful, never a query per row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from favorbook.services.dates import local_day_text, short_date
from favorbook.services.terms import format_ratio
from favorbook.ui.shell import qt_values
from favorbook.ui.shell.cell_paint import CellPainter
from favorbook.ui.shell.style import amber_text, warning_color

if TYPE_CHECKING:
    from favorbook.db.listing import ContactRow

BLOCK = 200
"""Rows read at once while the list scrolls into rows not read yet (a few pages ahead)."""
JUMP = 96
"""Rows read around a row the list jumps to (a contact opened from far away): a screenful
above it and two below, what the list shows and sizes its columns by, wherever the row
lands on screen. Each row read is a lookup of its own in the contact table: 200 of them
took 7 ms (33 ms at worst) of opening a contact at 100,000."""
# Plain ints, not QtCore.Qt's enums: the list paints first without touching that
# namespace (qt_values). The model keeps Qt's default flags (enabled, selectable).
ID_ROLE = qt_values.USER_ROLE + 1
AnyIndex = QModelIndex | QPersistentModelIndex
_DISPLAY = qt_values.DISPLAY_ROLE
_TOOLTIP = qt_values.TOOLTIP_ROLE
_FOREGROUND = qt_values.FOREGROUND_ROLE
_FONT = qt_values.FONT_ROLE
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _FONT, ID_ROLE))  # what data() answers
_TEXT = QPalette.ColorRole.Text
CELL_MARGIN = _MARGIN = 4
TEXTS_KEPT = 6000
"""Cell texts laid out and kept (some 40 screens of the list); past that, started again."""


class Cells:
    """One list row as painted: the six texts, each cell's colour (or None), italic or not."""

    __slots__ = ("colors", "italic", "row", "texts")

    def __init__(self, row: ContactRow, warn: QColor, grey: QColor, amber: QColor) -> None:
        today = dt.date.today()
        self.row = row
        self.texts = (
            row.name,
            row.company,
            row.kind.capitalize(),
            local_day_text(row.last_contact),
            format_ratio(None, row.given, row.received, short=True),
            short_date(row.next_followup),
        )
        if row.archived:
            self.colors = (grey,) * 6
        else:
            self.colors = (
                None,
                None,
                None,
                None,
                # Below the target: red when more was taken than given, else amber
                # (square, as after an IOU repaid one for one: no debt, not yet ahead).
                (amber if row.given >= row.received else warn) if row.overdrawn else None,
                warn if row.next_followup and row.next_followup < today else None,
            )
        self.italic = row.sample


LOOKUPS_BEFORE_INDEX = 4
"""Contacts whose row is found by walking the ids (about 1 ms each at 100,000) before a
lookup of every id is built (10-19 ms)."""


class ContactListModel(QAbstractTableModel):
    NAME, COMPANY, KIND, LAST_CONTACT, FAVORS, NEXT_FOLLOWUP = range(6)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._rows: dict[int, ContactRow] = {}
        self._cells: dict[int, Cells] = {}
        self._colors: tuple[QColor, QColor, QColor] | None = None
        self._positions: dict[int, int] | None = None
        self._looked_up: dict[int, int | None] = {}  # row_of's answers since the listing
        self._italic = QFont(QApplication.font())
        self._italic.setItalic(True)
        self._italic_metrics = QFontMetrics(self._italic)
        self._headers = [
            self.tr("Name"),
            self.tr("Company"),
            self.tr("Kind"),
            self.tr("Last contact"),
            self.tr("Give:take"),
            self.tr("Follow-up"),
        ]
        self._header_tips = [
            None,
            None,
            None,
            self.tr("The last conversation"),
            self.tr("Favors given to them : favors received from them"),
            self.tr("The next open follow-up"),
        ]

    # --- filling -------------------------------------------------------------------

    def set_ids(self, ids: list[int], rows: dict[int, ContactRow] | None = None) -> None:
        """List ``ids``; ``rows`` are theirs when already read (the first page's).

        The same ids as listed (a save that changed no one's name or place) keep the rows
        and their lookup, and repaint with what they show now: at 100,000 contacts a
        reset dropped and built again a lookup of every id on each save (23 ms)."""
        if rows is None and ids == self._ids:
            self.refresh_rows()
            return
        self.beginResetModel()
        self._ids = list(ids)
        self._rows, self._cells, self._colors = dict(rows or {}), {}, None
        self._positions, self._looked_up = None, {}
        self.endResetModel()

    def append_ids(self, ids: list[int]) -> None:
        """Add rows after the last one (the rest of a list whose first page is shown)."""
        if not ids:
            return
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(ids) - 1)
        self._ids.extend(ids)
        self._looked_up = {}  # one not found may be among these
        if self._positions is not None:
            self._positions.update((cid, start + pos) for pos, cid in enumerate(ids))
        self.endInsertRows()

    def refresh_rows(self) -> None:
        """Forget cached rows (after an edit) and repaint."""
        self._rows, self._cells, self._colors = {}, {}, None
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def contact_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, contact_id: int) -> int | None:
        if self._positions is None:
            looked_up = self._looked_up
            if contact_id in looked_up:
                return looked_up[contact_id]
            if len(looked_up) < LOOKUPS_BEFORE_INDEX:
                # The few looks after a listing (the selected contact's row, asked by the
                # selection and by the window's actions) walk the ids: building the
                # lookup of 100,000 ids took 10-19 ms of each sort and of each delete.
                try:
                    looked_up[contact_id] = self._ids.index(contact_id)
                except ValueError:
                    looked_up[contact_id] = None
                return looked_up[contact_id]
            self._positions = {cid: pos for pos, cid in enumerate(self._ids)}
        return self._positions.get(contact_id)

    def cells(self, row: int) -> Cells | None:
        """What row ``row`` shows, fetched with the rows around it (None if deleted since)."""
        contact_id = self._ids[row]
        cells = self._cells.get(contact_id)
        if cells is not None:
            return cells
        found = self._rows.get(contact_id)
        if found is None:
            if not self._rows or self._next_to_read(row):  # a list shown, or scrolled on
                start, size = max(0, row - BLOCK // 4), BLOCK
            else:
                start, size = max(0, row - JUMP // 3), JUMP
            block = [i for i in self._ids[start : start + size] if i not in self._rows]
            from favorbook.services import contacts  # loaded after the first paint

            self._rows.update(contacts.rows(block))
            found = self._rows.get(contact_id)
            if found is None:
                return None
        if self._colors is None:
            grey = QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
            self._colors = (warning_color(), grey, QColor(amber_text()))
        cells = self._cells[contact_id] = Cells(found, *self._colors)
        return cells

    def _next_to_read(self, row: int) -> bool:
        """A row beside ``row`` was read already."""
        return any(
            0 <= near < len(self._ids) and self._ids[near] in self._rows
            for near in (row - 1, row + 1)
        )

    def is_archived(self, contact_id: int) -> bool | None:
        """Whether a listed contact is archived, as its row says; None when not listed."""
        row = self.row_of(contact_id)
        cells = self.cells(row) if row is not None else None
        return cells.row.archived if cells is not None else None

    def _row(self, row: int) -> ContactRow | None:
        cells = self.cells(row)
        return cells.row if cells is not None else None

    def italic_font(self) -> QFont:
        return self._italic

    def italic_metrics(self) -> QFontMetrics:
        return self._italic_metrics

    # --- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def header_text(self, column: int) -> str:
        return self._headers[column]

    def header_tip(self, column: int) -> str | None:
        return self._header_tips[column]

    def headerData(self, section: int, orientation, role: int = _DISPLAY):  # noqa: N802
        """The titles, for what reads them from the model (screen readers name the columns
        from it). The list's header shows them from a model of its own
        (ContactsPage.header_labels): Qt calling this passes a Qt.Orientation, which
        builds all of QtCore.Qt's enums, so nothing calls it before the first paint."""
        if orientation == QtCore.Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            if role == _DISPLAY:
                return self._headers[section]
            if role == _TOOLTIP:
                return self._header_tips[section]
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY):
        # The role first: the stock delegate that paints the first page asks each cell for
        # seven roles, most of which the list leaves to Qt (no call back into C++ for them).
        if role not in _ROLES:
            return None
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[row]
        cells = self.cells(row)
        if cells is None:  # deleted since the id list was made
            return None
        column = index.column()
        if role == _DISPLAY:
            return cells.texts[column]
        if role == _FONT:
            return self._italic if cells.italic else None
        if role == _FOREGROUND:
            return cells.colors[column]
        row = cells.row
        lines = []
        if column == self.FAVORS:
            text = (
                self.tr("Give:take %1 — favors given: %2, received: %3")
                .replace("%1", format_ratio(None, row.given, row.received))
                .replace("%2", str(row.given))
                .replace("%3", str(row.received))
            )
            if row.overdrawn and row.given >= row.received:
                text += " — " + self.tr("square, not yet ahead: give before you ask again")
            elif row.overdrawn:
                text += " — " + self.tr("overdrawn: give before you ask again")
            lines.append(text)
        if row.sample:
            lines.append(self.tr("Sample contact — File › Remove Sample Network takes it away"))
        return "\n".join(lines) or None


class ContactRowDelegate(CellPainter, QStyledItemDelegate):
    """Paints the list's cells from the model's row cache: one Python call per cell.

    The stock delegate asks the model for seven roles per cell (each a call from C++
    into Python) and shapes every text on every paint; this one reads the cached
    ``Cells`` and draws each text from a layout made once. ``initStyleOption`` fills a
    style option from the same cells (for size hints and anything that asks).
    """

    def __init__(self, model: ContactListModel, parent=None) -> None:
        # Made after the list's first paint (ContactsPage.finish_start): QtCore.Qt here.
        # Texts are kept by text and size for any row that shows them: a keystroke lists
        # other contacts, and laying out each new row's texts anew (as a cache per row did)
        # was most of its paint; their dates, ratios, kinds and companies recur.
        QStyledItemDelegate.__init__(self, parent)
        CellPainter.__init__(self, parent, TEXTS_KEPT)
        self._model = model
        self._features: dict = {}
        qt = QtCore.Qt
        self._align = qt.AlignmentFlag.AlignLeft | qt.AlignmentFlag.AlignVCenter

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:  # noqa: N802
        cells = self._model.cells(index.row())
        if cells is None:
            return
        column = index.column()
        option.index = index
        option.text = cells.texts[column]
        features = option.features
        option.features = self._features.get(features) or self._with_display(features)
        option.displayAlignment = self._align
        if cells.italic:
            option.font = self._model.italic_font()
            option.fontMetrics = self._model.italic_metrics()
        color: QColor | None = cells.colors[column]
        if color is not None:
            palette = option.palette
            palette.setColor(_TEXT, color)
            option.palette = palette

    def paint(self, painter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Background, then the cell's text laid out once (QStaticText) and kept: a repaint
        draws prepared glyphs instead of shaping and eliding each text.
        A right-to-left layout and a disabled list are left to the stock delegate (from
        ``initStyleOption``)."""
        state = option.state.value
        if self.left_to_qt(option, state):
            super().paint(painter, option, index)
            return
        cells = self._model.cells(index.row())
        if cells is None:
            return
        column = index.column()
        rect = option.rect
        pen, selected = self.background(painter, option, state)
        width, height = rect.width() - 2 * _MARGIN, rect.height()
        if width <= 0:
            return
        shown, italic = cells.texts[column], cells.italic
        key = (shown, width, height, italic)
        static, dy = self.laid_out(key) or self.lay_out(
            key,
            shown,
            self._model.italic_metrics() if italic else option.fontMetrics,
            width,
            height,
        )
        color = cells.colors[column]
        painter.setPen(pen if selected or color is None else color)
        font = self._model.italic_font() if italic else None
        self.draw(painter, rect.x() + _MARGIN, rect.y() + dy, static, font)

    def _with_display(self, features):
        value = features | QStyleOptionViewItem.ViewItemFeature.HasDisplay
        self._features[features] = value
        return value
