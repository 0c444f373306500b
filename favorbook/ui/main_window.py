"""The main window: search, the contact list, and the selected contact's profile."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from favorbook import __version__
from favorbook.errors import FavorbookError
from favorbook.services import contacts, demo, favors, search
from favorbook.ui.contact_model import ContactListModel
from favorbook.ui.detail import ContactDetailView

SEARCH_DELAY_MS = 60


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
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            self.tr(
                "Keep track of the people in your network, the favors you give and "
                "receive, and what to ask on your next call.\n\n"
                "Your network is empty. Load a sample network to see how favorbook "
                "works; it is marked as sample data and never mixed up with yours."
            )
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.load_sample_button = QPushButton(self.tr("Load the sample network"))
        self.load_sample_button.setObjectName("loadSampleButton")
        self.load_sample_button.setDefault(True)
        inner.addWidget(title)
        inner.addSpacing(12)
        inner.addWidget(text)
        inner.addSpacing(18)
        inner.addWidget(self.load_sample_button, 0, Qt.AlignmentFlag.AlignHCenter)
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


class MainWindow(QMainWindow):
    def __init__(self, database_path: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("favorbookMainWindow")
        self.setWindowTitle("favorbook")
        self.database_path = database_path
        self.resize(1200, 760)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("contactSearch")
        self.search_edit.setPlaceholderText(self.tr("Search names, companies, tags, notes…"))
        self.search_edit.setClearButtonEnabled(True)
        self.model = ContactListModel(self)
        self.list_view = QTableView()
        self.list_view.setObjectName("contactList")
        self.list_view.setModel(self.model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        self.list_view.verticalHeader().hide()
        rows = self.list_view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.list_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ContactListModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        # Wide enough for the header and typical content; the name takes the rest.
        for column, sample in (
            (1, "Brightwave Software"),
            (2, "Customer"),
            (3, "2026-12-31"),
            (4, "12:3"),
            (5, "2026-12-31"),
        ):
            title = self.model.headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            width = max(
                header.fontMetrics().horizontalAdvance(title),
                self.list_view.fontMetrics().horizontalAdvance(sample),
            )
            header.resizeSection(column, width + 28)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptySearchLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.list_view)
        left_layout.addWidget(self.empty_label)
        self.detail = ContactDetailView()
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([720, 480])

        self.welcome = WelcomePage()
        self.welcome.load_sample_button.clicked.connect(self.load_sample)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.run_search)
        self.list_view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.statusBar().addPermanentWidget(self.summary_label)
        self._build_menus()
        self.reload()

    # --- menus ---------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.sample_action = QAction(self.tr("Load &Sample Network"), self)
        self.sample_action.triggered.connect(self.load_sample)
        file_menu.addAction(self.sample_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        find_action = QAction(self.tr("&Find Contact"), self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.focus_search)
        edit_menu.addAction(find_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about_action = QAction(self.tr("&About favorbook"), self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    # --- slots ---------------------------------------------------------------------

    def reload(self) -> None:
        """Show the welcome page on an empty network, else the list (keeping the search)."""
        has_contacts = contacts.count_contacts(include_archived=True) > 0
        self.stack.setCurrentWidget(self.splitter if has_contacts else self.welcome)
        self.sample_action.setEnabled(not has_contacts)
        if has_contacts:
            self.run_search()
        self._update_status()

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search_edit.text()
        selected = self.detail.contact_id
        ids = search.search_ids(text, limit=None)
        self.model.set_ids(ids)
        if ids:
            self.empty_label.hide()
            self.list_view.show()
            row = self.model.row_of(selected) if selected is not None else None
            self.list_view.selectRow(row if row is not None else 0)
        else:
            self.list_view.hide()
            self.empty_label.setText(
                self.tr("No contact matches “%1”.").replace("%1", text.strip())
                if text.strip()
                else self.tr("No contacts.")
            )
            self.empty_label.show()
            self.detail.show_contact(None)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        contact_id = self.model.contact_id(indexes[0].row()) if indexes else None
        try:
            self.detail.show_contact(contact_id)
        except FavorbookError as exc:
            self.detail.show_contact(None)
            self.statusBar().showMessage(str(exc), 5000)

    def load_sample(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = demo.load()
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Sample network"), str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.reload()
        self.statusBar().showMessage(
            self.tr("Loaded a sample network of %1 contacts.").replace("%1", str(count)), 5000
        )

    def _update_status(self) -> None:
        count = contacts.count_contacts()
        if self.stack.currentWidget() is self.welcome:
            self.summary_label.clear()
            return
        bal = favors.balance()
        ratio = bal.ratio_text()
        people = (
            self.tr("1 contact")
            if count == 1
            else self.tr("%1 contacts").replace("%1", f"{count:,}")
        )
        self.summary_label.setText(
            people
            + " · "
            + self.tr("give:take %1 (target %2:1)")
            .replace("%1", ratio)
            .replace("%2", f"{bal.target:g}")
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About favorbook"),
            self.tr(
                "<h3>favorbook %1</h3><p>Contacts, favors and call preparation for a "
                "sales rep.</p><p>Data: %2</p>"
            )
            .replace("%1", __version__)
            .replace("%2", self.database_path),
        )
