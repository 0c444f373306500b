"""The main window: navigation between the pages, menus, shortcuts, undo, and the status bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from favorbook import __version__
from favorbook.services.changes import LEDGER, Change
from favorbook.services.terms import counted
from favorbook.ui.contacts.contacts_page import ContactsPage
from favorbook.ui.shell import qt_values
from favorbook.ui.shell.bus import Bus
from favorbook.ui.shell.refresh import FollowsChanges
from favorbook.ui.shell.window_actions import build_menus
from favorbook.ui.shell.window_pages import CONTACT_TABS, PAGES

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog

    from favorbook.db.first_page import FirstPage

# The services (favorbook.services.contacts, session, ...) are imported where they are
# used: a window built from the first page (app.run) paints before they are loaded.

PREFERENCES_FALLBACK = "Ctrl+,"
FIRST_PAINT_LATEST_MS = 2000
"""firstPainted comes at the latest this long after the window is shown."""
CHECKPOINT_AFTER_MS = 3000
"""How long after the last change the log is copied into the database file, on a thread
of its own (``session.checkpoint_soon``): when the rep pauses. While it runs, the window's
own reads take about a third longer (11 ms more for 40 contacts read, at 100,000
contacts), so not in the middle of a round of saves and forms."""
NAV_ICON_ROLE = qt_values.USER_ROLE + 7  # a page's icon name, on its navigation item
# Built after the first paint (``finish_start``), or when first asked for.
_LATE = ("data_actions", "sync")

LIST_SHOWS = Change.EVERYTHING & ~(Change.REFERRALS | Change.QUESTIONS | Change.SYNC)
"""What the contact list and its filters show: a referral, a question or an account added
leaves them as they are."""


class MainWindow(QMainWindow):
    firstPainted = Signal()  # noqa: N815 (Qt naming)
    """Once, just after the contact list (or the welcome page) first painted."""

    def __init__(
        self,
        database_path: str = "",
        parent=None,
        *,
        first_page: FirstPage | None = None,
        open_data: Callable[[], None] | None = None,
    ) -> None:
        """``first_page`` lists the first contacts before the services can (the database
        not yet opened for them); ``open_data`` opens it, once, just after the first
        paint or when something needs the services before (``ensure_data``)."""
        super().__init__(parent)
        self.setObjectName("favorbookMainWindow")
        self.setWindowTitle("favorbook")
        self.database_path = database_path
        self.data_folder = str(Path(database_path).parent) if database_path else ""
        # A comfortable size that never exceeds the screen (a 1366x768 laptop included).
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1280, screen.width() - 40), min(800, screen.height() - 40))
        self.bus = Bus(self)
        self.names_ahead = None  # the pickers' names read ahead after a change, once one comes
        # The log copied into the database file once writes pause, off the window's thread.
        self._checkpoint_timer = QTimer(self)
        self._checkpoint_timer.setSingleShot(True)
        self._checkpoint_timer.setInterval(CHECKPOINT_AFTER_MS)
        self._checkpoint_timer.timeout.connect(self._checkpoint)
        self.bus.changed.connect(self.data_changed)
        self.bus.open_contact.connect(self.open_contact)
        self.bus.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._job = None
        self._finished = False
        self._page_builders: dict[QWidget, tuple[str, object]] = {}
        self._open_data = open_data

        self.contacts_page = ContactsPage(self.bus)
        self.contacts_page.first_page = first_page
        self.contacts_page.need_data = self.ensure_data
        self.contacts_page.welcome.load_sample_button.clicked.connect(self.load_sample)
        self.contacts_page.welcome.new_contact_button.clicked.connect(self.new_contact)
        self.form: QDialog | None = None
        self.contacts_page.contactSelected.connect(self._contact_selected)
        # Enter or a double click on a contact opens it for editing.
        self.contacts_page.list_view.activated.connect(lambda _index: self.edit_contact())

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName(self.tr("Pages"))
        self.navigation.setFrameShape(QListWidget.Shape.NoFrame)
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setSpacing(2)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.navigation.currentRowChanged.connect(self._page_changed)
        self.body = QWidget()
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addWidget(self.pages, 1)
        self.setCentralWidget(self.body)
        self._page_actions: list[QAction] = []

        # What the first paint does not need waits for it (finish_start, firstPainted).
        self._painted = False
        self._first_paint_watched = (
            self.contacts_page.list_view.viewport(),
            self.contacts_page.empty_label,  # every contact archived: no list to paint
            self.contacts_page.welcome,
        )
        for widget in self._first_paint_watched:
            widget.installEventFilter(self)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.statusBar().addPermanentWidget(self.summary_label)
        build_menus(self)
        self._build_pages()
        self.navigation.setCurrentRow(0)
        self._restore_geometry()
        self.reload()

    # --- pages ----------------------------------------------------------------------

    def _build_pages(self) -> None:
        """The Contacts page and its tabs' titles now; every other page, and each tab's
        content, the first time it is shown or asked for (window_pages)."""
        page = self.contacts_page
        for title, _views, build in CONTACT_TABS:
            page.add_tab(lambda build=build: build(self), self.tr(title))
        self.add_page(page, self.tr("Contacts"), "contacts")
        for attr, title, icon, build in PAGES:
            self.add_page(None, self.tr(title), icon, build=(attr, build))

    def __getattr__(self, name: str):
        # Only for what is not built yet: a page, a contact tab's view, the late actions.
        if name in _PAGE_ATTRS or name in _TAB_ATTRS:
            self.ensure_data()
        if name in _PAGE_ATTRS:
            self.page_widget(name)
        elif name in _TAB_ATTRS:
            self.contacts_page.tab_widget(_TAB_ATTRS[name])
        elif name in _LATE:
            self.finish_start()
        else:
            raise AttributeError(name)
        return self.__dict__[name]

    def add_page(self, widget: QWidget | None, title: str, icon: str = "", build=None) -> None:
        """Add a page to the navigation; Ctrl+1, Ctrl+2, … go to the pages in order.
        With ``build`` (its window attribute and a function of the window that makes it)
        the page is made the first time it is shown or asked for."""
        if widget is None:
            widget = QWidget()
            self._page_builders[widget] = build
        self.pages.addWidget(widget)
        item = QListWidgetItem(title)
        if icon:
            item.setData(NAV_ICON_ROLE, icon)
            if self._finished:
                from favorbook.ui.shell.icons import themed_icon

                item.setIcon(themed_icon(icon))
            else:
                # Drawn just after the first paint (finish_start), which does not wait for
                # them; a blank icon keeps the titles where the icons will leave them.
                item.setIcon(self._blank_icon())
        item.setSizeHint(QSize(0, self.fontMetrics().height() + 14))
        self.navigation.addItem(item)
        number = self.pages.count()
        action = QAction(title.replace("&", "&&"), self)
        action.setObjectName(f"goToPage{number}")
        if number <= 9:
            action.setShortcuts([QKeySequence(f"Ctrl+{number}")])  # see window_actions._action
        action.triggered.connect(lambda _=False, row=number - 1: self.navigation.setCurrentRow(row))
        self.go_menu.addAction(action)
        self._page_actions.append(action)
        widest = max(
            self.navigation.fontMetrics().horizontalAdvance(self.navigation.item(i).text())
            for i in range(self.navigation.count())
        )
        # The text, the icon, the gap between them, the item's padding and a little air.
        self.navigation.setFixedWidth(widest + self.navigation.iconSize().width() + 32)

    def _blank_icon(self) -> QIcon:
        blank = self.__dict__.get("_blank")
        if blank is None:
            size = self.navigation.iconSize()
            pixmap = QPixmap(size)
            pixmap.fill(QColor(0, 0, 0, 0))
            blank = self.__dict__["_blank"] = QIcon(pixmap)
        return blank

    def page_at(self, index: int) -> QWidget:
        """The page at ``index`` of the navigation, built now if it was not yet."""
        placeholder = self.pages.widget(index)
        if placeholder not in self._page_builders:
            return placeholder
        self.ensure_data()
        found = self._page_builders.pop(placeholder)
        attr, build = found
        widget = build(self)
        self.__dict__[attr] = widget
        current = self.pages.currentWidget() is placeholder
        self.pages.insertWidget(index, widget)
        if current:
            self.pages.setCurrentWidget(widget)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        return widget

    def page_widget(self, attr: str) -> QWidget:
        """The page kept as window attribute ``attr``, built now if it was not yet."""
        return self.page_at(1 + [p[0] for p in PAGES].index(attr))

    def build_everything(self) -> None:
        """Build every page and every contact tab now, and add the late actions (for what
        needs all of them at once: a walk over every widget, the smoke test)."""
        self.finish_start()
        for index in range(self.pages.count()):
            self.page_at(index)
        for index in range(self.contacts_page.tabs.count()):
            self.contacts_page.tab_widget(index)

    def finish_start(self) -> None:
        """What the first paint does not show: the import, export, backup and sync commands
        and the sync status. Runs once, just after the first paint (or when asked for)."""
        if self._finished:
            return
        self.ensure_data()
        self._finished = True
        from favorbook.ui.data import backup_actions, data_actions
        from favorbook.ui.shell.icons import themed_icon
        from favorbook.ui.sync import sync_actions

        self.contacts_page.finish_start()

        self._update_sample_actions()
        self._update_status()
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            if item.data(NAV_ICON_ROLE):  # sharp on any screen the window moves to
                item.setIcon(themed_icon(item.data(NAV_ICON_ROLE)))
        data_actions.install(self)
        backup_actions.install(self)
        sync_actions.install(self)

    def ensure_data(self) -> None:
        """Open the database for the services when the window was built before they could
        read it (``open_data``); nothing to do once it is open."""
        opener, self._open_data = self._open_data, None
        if opener is not None:
            opener()
            self.contacts_page.data_opened()

    @property
    def data_open(self) -> bool:
        """Whether the services can read the database (always, unless built from a first
        page and not opened yet)."""
        return self._open_data is None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Paint and watched in self._first_paint_watched:
            for widget in self._first_paint_watched:
                widget.removeEventFilter(self)
            self._first_paint_watched = ()
            # Runs once this paint is done: the list (or the welcome page) is on screen.
            QTimer.singleShot(0, self, self._first_painted)
        return super().eventFilter(watched, event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if not self._painted:
            # Should none of the watched widgets paint (covered by another page, say), what
            # waits for the first paint still comes.
            QTimer.singleShot(FIRST_PAINT_LATEST_MS, self, self._first_painted)

    def _first_painted(self) -> None:
        if self._painted:
            return
        self._painted = True
        for widget in self._first_paint_watched:
            widget.removeEventFilter(self)
        self._first_paint_watched = ()
        self.finish_start()
        self.firstPainted.emit()

    def page(self, object_name: str) -> QWidget | None:
        for index in range(self.pages.count()):
            if self.page_at(index).objectName() == object_name:
                return self.pages.widget(index)
        return None

    def show_page(self, widget: QWidget) -> None:
        self.navigation.setCurrentRow(self.pages.indexOf(widget))

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        widget = self.page_at(row)
        # A page that follows the data's changes reloads itself as it is shown, when they
        # (or the date) changed what it shows: never twice, nor when nothing changed.
        self.pages.setCurrentIndex(row)
        refresh = getattr(widget, "refresh", None)
        followed = isinstance(widget, FollowsChanges) or widget is self.contacts_page
        if refresh is not None and not followed:
            refresh()

    # --- menus (window_actions) -----------------------------------------------------------

    def prepare_call(self) -> None:
        self.show_contact_tab(self.call_prep)

    def run_in_view(self, view: str, method: str) -> None:
        """Run a contact view's action for the selected contact (the view is built and
        shown the contact first: its tab may not have been shown yet)."""
        contact_id = self.contacts_page.contact_id
        if contact_id is None:
            self._said(self.tr("Select a contact first."))
            return
        tab = getattr(self, view)
        tab.show_contact(contact_id)
        getattr(tab, method)()

    # --- data -----------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read everything shown (after a load, import or a change of preferences)."""
        self.contacts_page.reload()
        if self._finished:  # else finish_start does them, after the first paint
            self._update_sample_actions()
            self._update_status()
        self._contact_selected(self.contacts_page.contact_id)

    def _update_sample_actions(self) -> None:
        from favorbook.sample import demo

        has_contacts = self.contacts_page.stack.currentWidget() is not self.contacts_page.welcome
        self.sample_action.setEnabled(not has_contacts or demo.has_sample())
        self.remove_sample_action.setEnabled(demo.has_sample())

    def data_changed(self, change: Change) -> None:
        """The list, and the status bar's give:take, follow what they show."""
        if change & LIST_SHOWS:
            self.reload()
        elif change & Change.SETTINGS:
            self._update_status()
        if self.names_ahead is None:
            from favorbook.ui.forms.pickers import NamesAhead

            self.names_ahead = NamesAhead(self)
        self.names_ahead.data_changed()
        self._checkpoint_timer.start()  # once the writes pause

    def _checkpoint(self) -> None:
        from favorbook.services import session

        session.checkpoint_soon()

    def open_contact(self, contact_id: int) -> None:
        self.show_page(self.contacts_page)
        self.contacts_page.show_contact(contact_id)

    def focus_search(self) -> None:
        self.show_page(self.contacts_page)
        self.contacts_page.focus_search()

    def set_show_archived(self, on: bool) -> None:
        self.contacts_page.show_archived = on
        self.contacts_page.run_search()

    def _contact_selected(self, contact_id: int | None) -> None:
        archived = False
        if contact_id is not None:
            # The list's row says it without a query (each keystroke selects a contact).
            archived = self.contacts_page.model.is_archived(contact_id)
            if archived is None:
                from favorbook.services import contacts

                archived = contacts.is_archived(contact_id)
        for action in (self.archive_action, self.delete_action, self.edit_contact_action):
            action.setEnabled(contact_id is not None)
        self.archive_action.setEnabled(contact_id is not None and not archived)
        self.unarchive_action.setEnabled(archived)

    def archive_selected(self) -> None:
        from favorbook.services import contacts
        from favorbook.ui.contacts.contact_commands import ArchiveContacts

        ids = [i for i in self.contacts_page.selected_ids() if not contacts.is_archived(i)]
        if ids:
            command = ArchiveContacts(self.bus, ids)
            self.bus.undo_stack.push(command)
            self._said(self.tr("%1 — Ctrl+Z to undo").replace("%1", command.done_text))

    def unarchive_selected(self) -> None:
        from favorbook.services import contacts
        from favorbook.ui.contacts.contact_commands import ArchiveContacts

        ids = [i for i in self.contacts_page.selected_ids() if contacts.is_archived(i)]
        if ids:
            self.bus.undo_stack.push(ArchiveContacts(self.bus, ids, archive=False))

    def delete_selected(self) -> None:
        from favorbook.ui.contacts.contact_commands import DeleteContacts

        ids = self.contacts_page.selected_ids()
        if ids:
            command = DeleteContacts(self.bus, ids)
            self.bus.undo_stack.push(command)
            self._said(self.tr("%1 — Ctrl+Z to undo").replace("%1", command.done_text))

    # --- forms ------------------------------------------------------------------------

    def _front_contact(self) -> int | None:
        """The contact the user is looking at, when the Contacts page is in front."""
        if self.pages.currentWidget() is self.contacts_page:
            return self.contacts_page.contact_id
        return None

    def _open_form(
        self, dialog: QDialog, saved, message: str, changes: Change = Change.CONTACTS
    ) -> QDialog:
        """Open a form window-modally; on Save, tell every view and say what happened."""

        def accepted() -> None:
            self.bus.changed.emit(changes)
            self._said(message)
            if saved is not None:
                saved(dialog)

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _r: setattr(self, "form", None))
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = dialog
        dialog.open()
        return dialog

    def new_contact(self) -> None:
        from favorbook.ui.forms.contact_form import ContactDialog

        def show_new(dialog) -> None:
            if dialog.saved_id:
                self.open_contact(dialog.saved_id)
                self.contacts_page.tabs.setCurrentWidget(self.profile)

        self._open_form(ContactDialog(None, self), show_new, self.tr("Contact added."))

    def edit_contact(self) -> None:
        from favorbook.ui.contacts.contact_commands import EditContact
        from favorbook.ui.forms.contact_form import ContactDialog

        contact_id = self.contacts_page.contact_id
        if contact_id is None:
            self._said(self.tr("Select a contact first."))
            return
        dialog = ContactDialog(contact_id, self)
        before = dialog.loaded.to_input()
        self._open_form(
            dialog,
            lambda _d: self.bus.undo_stack.push(EditContact(self.bus, contact_id, before)),
            self.tr("Contact saved — Ctrl+Z to undo."),
        )

    def log_favor(self, contact_id: object = None) -> None:
        from favorbook.ui.forms.favor_form import FavorDialog

        contact_id = contact_id if contact_id is not None else self._front_contact()
        self._open_form(
            FavorDialog(contact_id, parent=self), None, self.tr("Favor logged."), Change.FAVORS
        )

    def log_settling_favor(self, contact_id: int, direction: str, iou_id: int) -> None:
        """The favor form set to pay back an open IOU (Settle with… when nothing can)."""
        from favorbook.ui.forms.favor_form import FavorDialog

        dialog = FavorDialog(contact_id, direction, parent=self, settles=iou_id)
        self._open_form(dialog, None, self.tr("Favor logged; the IOU is settled."), Change.FAVORS)

    def log_conversation(self, contact_id: object = None, question_ids: object = None) -> None:
        from favorbook.ui.forms.conversation_form import ConversationDialog

        contact_id = contact_id if contact_id is not None else self._front_contact()
        if contact_id is None:
            self._said(self.tr("Select a contact first, then log the conversation."))
            return
        from_call_prep = question_ids is not None
        self._open_form(
            ConversationDialog(contact_id, list(question_ids or []), self),
            (lambda _d: self.call_prep.clear_ticks()) if from_call_prep else None,
            self.tr("Conversation logged."),
            LEDGER,  # with the follow-up and the favor it may add
        )

    def add_followup(self, contact_id: object = None) -> None:
        from favorbook.ui.forms.followup_form import FollowUpDialog

        contact_id = contact_id if contact_id is not None else self._front_contact()
        self._open_form(
            FollowUpDialog(contact_id, parent=self),
            None,
            self.tr("Follow-up added."),
            Change.FOLLOWUPS,
        )

    def reschedule_followup(self, followup_id: int) -> None:
        from favorbook.ui.forms.followup_form import FollowUpDialog

        self._open_form(
            FollowUpDialog(followup_id=followup_id, parent=self),
            None,
            self.tr("Follow-up rescheduled."),
            Change.FOLLOWUPS,
        )

    def show_contact_tab(self, tab: QWidget) -> None:
        """Bring the Contacts page and one of the contact's tabs to the front."""
        self.show_page(self.contacts_page)
        self.contacts_page.tabs.setCurrentWidget(tab)

    def fill_actions_menu(self) -> None:
        """The actions of what is in front (a list page, or the contact's current tab)."""
        self.actions_menu.clear()
        widget = self.pages.currentWidget()
        if widget is self.contacts_page:
            widget = self.contacts_page.tabs.currentWidget()
        # Only the view's own actions: the contact's are in the Contact menu, once.
        found = [a for a in (widget.actions() if widget is not None else []) if a.text()]
        for action in found:
            self.actions_menu.addAction(action)
        if not found:
            none = self.actions_menu.addAction(self.tr("No actions for this view"))
            none.setEnabled(False)

    def _said(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def load_sample(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from favorbook.sample import demo
        from favorbook.services import contacts
        from favorbook.ui.shell.worker import BackgroundJob

        if self._job is not None:
            return
        if demo.has_sample() and contacts.count_contacts(include_archived=True):
            answer = QMessageBox.question(
                self,
                self.tr("Sample network"),
                self.tr(
                    "Replace the sample network with a fresh one? Your own contacts "
                    "are not touched."
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._job = BackgroundJob(
            self,
            self.tr("Sample network"),
            self.tr("Building a sample network…"),
            lambda progress: demo.load(progress=progress, force=True),
        )
        self._job.done.connect(self._sample_loaded)
        self._job.start()

    def _sample_loaded(self, count: object, error: object) -> None:
        from PySide6.QtWidgets import QMessageBox

        from favorbook.services.session import describe_error
        from favorbook.ui.shell.worker import Cancelled

        self._job = None
        if isinstance(error, Cancelled):
            self._said(self.tr("Sample network cancelled; nothing was changed."))
        elif error is not None:
            QMessageBox.warning(self, self.tr("Sample network"), describe_error(error))
        else:
            self.bus.undo_stack.clear()  # the sample replaced rows older commands refer to
            self.bus.changed.emit(Change.EVERYTHING)  # every view shows it, not the list alone
            self._said(
                self.tr("Loaded a sample network of %1.").replace(
                    "%1", counted(count, self.tr("contact"), self.tr("contacts"))
                )
            )

    def remove_sample(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from favorbook.sample import demo

        if self._job is not None or not demo.has_sample():
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove sample network"),
            self.tr(
                "Remove every sample contact with their favors, conversations and "
                "follow-ups? Your own contacts are not touched."
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            count = demo.remove_sample()
        except Exception as error:  # noqa: BLE001 - shown to the user, nothing was changed
            from favorbook.services.session import describe_error

            QMessageBox.warning(self, self.tr("Remove sample network"), describe_error(error))
            return
        self.bus.undo_stack.clear()  # older commands may refer to the rows that went
        self.bus.changed.emit(Change.EVERYTHING)
        self._said(
            self.tr("Removed the sample network (%1).").replace(
                "%1", counted(count, self.tr("contact"), self.tr("contacts"))
            )
        )

    def _update_status(self) -> None:
        from favorbook.services import contacts, favors

        count = contacts.count_contacts()
        if not contacts.count_contacts(include_archived=True):
            self.summary_label.clear()
            return
        bal = favors.balance()
        people = counted(count, self.tr("contact"), self.tr("contacts"))
        self.summary_label.setText(
            people
            + " · "
            + self.tr("give:take %1 (target %2)")
            .replace("%1", bal.ratio_text())
            .replace("%2", favors.format_target(bal.target))
        )

    # --- dialogs --------------------------------------------------------------------

    def show_preferences(self) -> None:
        from PySide6.QtWidgets import QDialog

        from favorbook.ui.shell.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.data_folder, self)
        # Accounts are added or removed at once, not on Save.
        dialog.accountsChanged.connect(lambda: self.bus.changed.emit(Change.SYNC))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.bus.changed.emit(Change.SETTINGS)  # views show the target or the cadence
            self._said(self.tr("Preferences saved."))

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            self.tr("About favorbook"),
            self.tr(
                "<h3>favorbook %1</h3><p>Contacts, favors and call preparation for a "
                "sales rep.</p><p>Your data: %2</p>"
            )
            .replace("%1", __version__)
            .replace("%2", self.database_path),
        )

    # --- geometry -------------------------------------------------------------------

    def _settings(self) -> QSettings | None:
        if not self.data_folder:
            return None
        return QSettings(str(Path(self.data_folder) / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("state", self.restoreState),
            ("contactSplitter", self.contacts_page.restore_split),
            ("listHeader", lambda state: self._restore_list_header(state, settings)),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def _restore_list_header(self, state: QByteArray, settings: QSettings) -> None:
        descending = settings.value("listDescending")  # "true"/"false" in the file
        if descending is not None:
            descending = str(descending).lower() == "true"
        self.contacts_page.restore_header(state, descending)

    def save_geometry(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("contactSplitter", self.contacts_page.splitter.saveState())
        settings.setValue("listHeader", self.contacts_page.list_view.horizontalHeader().saveState())
        settings.setValue("listDescending", self.contacts_page.sort_descending)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        if self._job is not None and self._job.is_running():
            self._job.cancel()
            self._job.wait()
        actions = self.__dict__.get("data_actions")  # not made yet: nothing exported
        export = actions.export_job if actions is not None else None
        if export is not None:
            export.wait()  # a file half written would be left as a temporary file
        self.save_geometry()
        super().closeEvent(event)
        if event.isAccepted():
            # No more deferred work (the rest of a list, a contact's tabs, a read ahead, a
            # checkpoint, a sync): each reads a database that is closed next.
            for timer in self.findChildren(QTimer):
                timer.stop()


_PAGE_ATTRS = frozenset(p[0] for p in PAGES)
_TAB_ATTRS = {attr: index for index, tab in enumerate(CONTACT_TABS) for attr in tab[1]}
