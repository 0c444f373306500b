"""The main window: navigation between the pages, menus, shortcuts, undo, and the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from favorbook import __version__
from favorbook.sample import demo
from favorbook.services import contacts, favors
from favorbook.services.changes import LEDGER, Change
from favorbook.services.session import describe_error
from favorbook.ui import data_actions
from favorbook.ui.bus import Bus
from favorbook.ui.contact_commands import (
    ArchiveContacts,
    DeleteContacts,
    EditContact,
    edit_snapshot,
)
from favorbook.ui.contacts_page import ContactsPage, StackedTab
from favorbook.ui.icons import themed_icon
from favorbook.ui.worker import BackgroundJob, Cancelled

PREFERENCES_FALLBACK = "Ctrl+,"

LIST_SHOWS = Change.EVERYTHING & ~(Change.REFERRALS | Change.QUESTIONS | Change.SYNC)
"""What the contact list and its filters show: a referral, a question or an account added
leaves them as they are."""


class MainWindow(QMainWindow):
    def __init__(self, database_path: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("favorbookMainWindow")
        self.setWindowTitle("favorbook")
        self.database_path = database_path
        self.data_folder = str(Path(database_path).parent) if database_path else ""
        # A comfortable size that never exceeds the screen (a 1366x768 laptop included).
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1280, screen.width() - 40), min(800, screen.height() - 40))
        self.bus = Bus(self)
        self.bus.changed.connect(self.data_changed)
        self.bus.open_contact.connect(self.open_contact)
        self.bus.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._job: BackgroundJob | None = None

        self.contacts_page = ContactsPage(self.bus)
        self.contacts_page.welcome.load_sample_button.clicked.connect(self.load_sample)
        self.contacts_page.welcome.new_contact_button.clicked.connect(self.new_contact)
        self.form: QDialog | None = None
        self.contacts_page.contactSelected.connect(self._contact_selected)

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

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.statusBar().addPermanentWidget(self.summary_label)
        self._build_menus()
        self._build_pages()
        self.navigation.setCurrentRow(0)
        self._restore_geometry()
        self.reload()

    # --- pages ----------------------------------------------------------------------

    def _build_pages(self) -> None:
        from favorbook.ui import backup_actions, sync_actions
        from favorbook.ui.call_prep import CallPrep
        from favorbook.ui.conversation_log import ConversationLog
        from favorbook.ui.dashboard import Dashboard
        from favorbook.ui.followup_list import FollowUpList
        from favorbook.ui.ledger import LedgerView
        from favorbook.ui.matching import MatchPanel
        from favorbook.ui.profile import ProfileTab
        from favorbook.ui.question_bank import QuestionBankPage
        from favorbook.ui.referral_graph import ReferralGraph
        from favorbook.ui.referrals_view import ReferralsTab, ReferralsVettingPage
        from favorbook.ui.vetting_view import VettingTab

        bus = self.bus
        page = self.contacts_page
        self.profile = ProfileTab(bus)
        page.add_tab(self.profile, self.tr("Profile"))
        self.contact_favors = LedgerView(bus, per_contact=True)
        page.add_tab(self.contact_favors, self.tr("Favors"))
        self.contact_conversations = ConversationLog(bus, per_contact=True)
        page.add_tab(self.contact_conversations, self.tr("Conversations"))
        self.contact_followups = FollowUpList(bus, per_contact=True)
        page.add_tab(self.contact_followups, self.tr("Follow-ups"))
        self.call_prep = CallPrep(bus)
        page.add_tab(self.call_prep, self.tr("Call prep"))
        self.referral_graph = ReferralGraph(bus)
        self.match_panel = MatchPanel(bus)
        self.referrals_tab = ReferralsTab(bus)
        page.add_tab(
            StackedTab(
                self.referrals_tab, self.referral_graph, self.match_panel, stretches=(3, 3, 2)
            ),
            self.tr("Referrals"),
        )
        self.vetting_tab = VettingTab(bus)
        page.add_tab(self.vetting_tab, self.tr("Vetting"))

        self.add_page(page, self.tr("Contacts"), "contacts")
        self.favors_page = LedgerView(bus)
        self.add_page(self.favors_page, self.tr("Favors"), "favors")
        self.conversations_page = ConversationLog(bus)
        self.add_page(self.conversations_page, self.tr("Conversations"), "conversations")
        self.referrals_page = ReferralsVettingPage(bus)
        self.add_page(self.referrals_page, self.tr("Referrals & vetting"), "referrals")
        self.followups_page = FollowUpList(bus)
        self.add_page(self.followups_page, self.tr("Follow-ups"), "followups")
        self.dashboard = Dashboard(bus)
        self.add_page(self.dashboard, self.tr("Dashboard"), "dashboard")
        self.question_bank = QuestionBankPage(bus)
        self.add_page(self.question_bank, self.tr("Question bank"), "questions")
        from favorbook.ui.meetings_page import MeetingsPage

        self.meetings_page = MeetingsPage(bus)
        self.add_page(self.meetings_page, self.tr("Meetings"), "meetings")
        from favorbook.ui.inbox_page import InboxPage

        self.inbox_page = InboxPage(bus)
        self.add_page(self.inbox_page, self.tr("Inbox"), "inbox")

        lists = (
            self.contact_favors,
            self.contact_conversations,
            self.contact_followups,
            self.favors_page,
            self.conversations_page,
            self.followups_page,
        )
        for widget in lists:
            # The window's Log menu owns these keys; the same key on a list's own
            # action would make Qt call the shortcut ambiguous and fire neither.
            widget.new_action.setShortcut(QKeySequence())
        for widget in (self.favors_page, self.contact_favors):
            widget.newFavorRequested.connect(self.log_favor)
            widget.settleByNewFavorRequested.connect(self.log_settling_favor)
        for widget in (self.conversations_page, self.contact_conversations):
            widget.newConversationRequested.connect(self.log_conversation)
        for widget in (self.followups_page, self.contact_followups):
            widget.newFollowUpRequested.connect(self.add_followup)
            widget.rescheduleRequested.connect(self.reschedule_followup)
        self.call_prep.logCallRequested.connect(self.log_conversation)
        data_actions.install(self)
        backup_actions.install(self)
        sync_actions.install(self)

    def add_page(self, widget: QWidget, title: str, icon: str = "") -> None:
        """Add a page to the navigation; Ctrl+1, Ctrl+2, … go to the pages in order."""
        self.pages.addWidget(widget)
        item = QListWidgetItem(title)
        if icon:
            item.setIcon(themed_icon(icon))
        item.setSizeHint(QSize(0, self.fontMetrics().height() + 14))
        self.navigation.addItem(item)
        number = self.pages.count()
        action = QAction(title.replace("&", "&&"), self)
        action.setObjectName(f"goToPage{number}")
        if number <= 9:
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda _=False, row=number - 1: self.navigation.setCurrentRow(row))
        self.go_menu.addAction(action)
        self._page_actions.append(action)
        widest = max(
            self.navigation.fontMetrics().horizontalAdvance(self.navigation.item(i).text())
            for i in range(self.navigation.count())
        )
        # The text, the icon, the gap between them, the item's padding and a little air.
        self.navigation.setFixedWidth(widest + self.navigation.iconSize().width() + 32)

    def page(self, object_name: str) -> QWidget | None:
        for index in range(self.pages.count()):
            if self.pages.widget(index).objectName() == object_name:
                return self.pages.widget(index)
        return None

    def show_page(self, widget: QWidget) -> None:
        self.navigation.setCurrentRow(self.pages.indexOf(widget))

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        refresh = getattr(self.pages.widget(row), "refresh", None)
        if refresh is not None and self.pages.widget(row) is not self.contacts_page:
            refresh()

    # --- menus ----------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.new_contact_action = self._action(
            self.file_menu,
            self.tr("&New Contact…"),
            self.new_contact,
            QKeySequence.StandardKey.New,
            "newContact",
        )
        self.file_menu.addSeparator()
        self.sample_action = self._action(
            self.file_menu, self.tr("Load Sample Net&work"), self.load_sample, name="loadSample"
        )
        self.remove_sample_action = self._action(
            self.file_menu,
            self.tr("Re&move Sample Network"),
            self.remove_sample,
            name="removeSample",
        )
        self.file_menu.addSeparator()
        self.preferences_action = self._action(
            self.file_menu,
            self.tr("Pre&ferences…"),
            self.show_preferences,
            name="preferences",
        )
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
        self.preferences_action.setShortcuts(keys or [QKeySequence(PREFERENCES_FALLBACK)])
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.file_menu.addSeparator()
        quit_action = self._action(
            self.file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit, "quit"
        )
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self.bus.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.bus.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self._action(
            self.edit_menu,
            self.tr("&Find Contact"),
            self.focus_search,
            QKeySequence.StandardKey.Find,
            "find",
        )

        self.contact_menu = bar.addMenu(self.tr("&Contact"))
        self.edit_contact_action = self._action(
            self.contact_menu,
            self.tr("&Edit Contact…"),
            self.edit_contact,
            QKeySequence("Ctrl+E"),
            "editContact",
        )
        self.contact_menu.addSeparator()
        self.log_favor_action = self._action(
            self.contact_menu,
            self.tr("Log a &Favor…"),
            lambda: self.log_favor(None),
            QKeySequence("Ctrl+Shift+F"),
            "logFavor",
        )
        self.log_conversation_action = self._action(
            self.contact_menu,
            self.tr("Log a &Conversation…"),
            lambda: self.log_conversation(None),
            QKeySequence("Ctrl+Shift+L"),
            "logConversation",
        )
        self.add_followup_action = self._action(
            self.contact_menu,
            self.tr("Add a F&ollow-up…"),
            lambda: self.add_followup(None),
            QKeySequence("Ctrl+Shift+U"),
            "addFollowUp",
        )
        self.call_prep_action = self._action(
            self.contact_menu,
            self.tr("&Prepare a Call"),
            lambda: self.show_contact_tab(self.call_prep),
            QKeySequence("Ctrl+Shift+P"),
            "prepareCall",
        )
        self.contact_menu.addSeparator()
        self._action(
            self.contact_menu,
            self.tr("Record Who &Referred Them…"),
            lambda: self._in_tab(self.referrals_tab, self.referrals_tab.record_referrer),
            None,
            "recordReferrer",
        )
        self._action(
            self.contact_menu,
            self.tr("Recommend &Someone to Them…"),
            lambda: self._in_tab(self.referrals_tab, self.referrals_tab.recommend_to_them),
            None,
            "recommendToThem",
        )
        self._action(
            self.contact_menu,
            self.tr("Recommend &Them to…"),
            lambda: self._in_tab(self.referrals_tab, self.referrals_tab.recommend_them),
            None,
            "recommendThem",
        )
        self._action(
            self.contact_menu,
            self.tr("Edit &Vetting…"),
            lambda: self._in_tab(self.vetting_tab, self.vetting_tab.edit_vetting),
            None,
            "editVetting",
        )
        self.contact_menu.addSeparator()
        self.archive_action = self._action(
            self.contact_menu,
            self.tr("&Archive"),
            self.archive_selected,
            QKeySequence("Ctrl+Shift+A"),
            "archiveContact",
        )
        self.unarchive_action = self._action(
            self.contact_menu,
            self.tr("&Bring Back from Archive"),
            self.unarchive_selected,
            None,
            "unarchiveContact",
        )
        self.delete_action = self._action(
            self.contact_menu,
            self.tr("&Delete"),
            self.delete_selected,
            QKeySequence("Ctrl+Shift+Del"),
            "deleteContact",
        )
        # The Delete key deletes from the list itself, where the selection is.
        list_delete = QAction(self.tr("Delete"), self.contacts_page.list_view)
        list_delete.setShortcut(QKeySequence.StandardKey.Delete)
        list_delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        list_delete.triggered.connect(self.delete_selected)
        # Enter or a double click on a contact opens it for editing.
        self.contacts_page.list_view.activated.connect(lambda _index: self.edit_contact())
        self.contacts_page.list_view.addAction(self.archive_action)
        self.contacts_page.list_view.addAction(self.unarchive_action)
        self.contacts_page.list_view.addAction(list_delete)

        self.actions_menu = bar.addMenu(self.tr("&Actions"))
        self.actions_menu.setObjectName("actionsMenu")
        self.actions_menu.aboutToShow.connect(self._fill_actions_menu)

        self.view_menu = bar.addMenu(self.tr("&View"))
        self.go_menu = self.view_menu.addMenu(self.tr("&Go To"))
        self.show_archived_action = self._action(
            self.view_menu,
            self.tr("Show &Archived Contacts"),
            self.set_show_archived,
            None,
            "showArchived",
        )
        self.show_archived_action.setCheckable(True)

        self.help_menu = bar.addMenu(self.tr("&Help"))
        about = self._action(
            self.help_menu, self.tr("&About favorbook"), self.show_about, name="about"
        )
        about.setMenuRole(QAction.MenuRole.AboutRole)

    # --- data -----------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read everything shown (after a load, import or a change of preferences)."""
        self.contacts_page.reload()
        has_contacts = self.contacts_page.stack.currentWidget() is not self.contacts_page.welcome
        self.sample_action.setEnabled(not has_contacts or demo.has_sample())
        self.remove_sample_action.setEnabled(demo.has_sample())
        self._update_status()
        self._contact_selected(self.contacts_page.contact_id)

    def data_changed(self, change: Change) -> None:
        """The list, and the status bar's give:take, follow what they show."""
        if change & LIST_SHOWS:
            self.reload()
        elif change & Change.SETTINGS:
            self._update_status()

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
        archived = contact_id is not None and contacts.is_archived(contact_id)
        for action in (self.archive_action, self.delete_action, self.edit_contact_action):
            action.setEnabled(contact_id is not None)
        self.archive_action.setEnabled(contact_id is not None and not archived)
        self.unarchive_action.setEnabled(archived)

    def archive_selected(self) -> None:
        ids = [i for i in self.contacts_page.selected_ids() if not contacts.is_archived(i)]
        if ids:
            command = ArchiveContacts(self.bus, ids)
            self.bus.undo_stack.push(command)
            self._said(self.tr("%1 — Ctrl+Z to undo").replace("%1", command.done_text))

    def unarchive_selected(self) -> None:
        ids = [i for i in self.contacts_page.selected_ids() if contacts.is_archived(i)]
        if ids:
            self.bus.undo_stack.push(ArchiveContacts(self.bus, ids, archive=False))

    def delete_selected(self) -> None:
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
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
        from favorbook.ui.forms.contact_form import ContactDialog

        contact_id = self.contacts_page.contact_id
        if contact_id is None:
            self._said(self.tr("Select a contact first."))
            return
        before = edit_snapshot(contact_id)
        self._open_form(
            ContactDialog(contact_id, self),
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

    def _in_tab(self, tab: QWidget, slot) -> None:
        """Run a tab's action for the selected contact (the tab may not have been shown yet)."""
        contact_id = self.contacts_page.contact_id
        if contact_id is None:
            self._said(self.tr("Select a contact first."))
            return
        tab.show_contact(contact_id)
        slot()

    def _fill_actions_menu(self) -> None:
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
        self._job = None
        if isinstance(error, Cancelled):
            self._said(self.tr("Sample network cancelled; nothing was changed."))
        elif error is not None:
            QMessageBox.warning(self, self.tr("Sample network"), describe_error(error))
        else:
            self.bus.undo_stack.clear()  # the sample replaced rows older commands refer to
            self.bus.changed.emit(Change.EVERYTHING)  # every view shows it, not the list alone
            self._said(self.tr("Loaded a sample network of %1 contacts.").replace("%1", str(count)))

    def remove_sample(self) -> None:
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
            QMessageBox.warning(self, self.tr("Remove sample network"), describe_error(error))
            return
        self.bus.undo_stack.clear()  # older commands may refer to the rows that went
        self.bus.changed.emit(Change.EVERYTHING)
        self._said(self.tr("Removed the sample network (%1 contacts).").replace("%1", f"{count:,}"))

    def _update_status(self) -> None:
        count = contacts.count_contacts()
        if not contacts.count_contacts(include_archived=True):
            self.summary_label.clear()
            return
        bal = favors.balance()
        people = (
            self.tr("1 contact")
            if count == 1
            else self.tr("%1 contacts").replace("%1", f"{count:,}")
        )
        self.summary_label.setText(
            people
            + " · "
            + self.tr("give:take %1 (target %2)")
            .replace("%1", bal.ratio_text())
            .replace("%2", favors.format_target(bal.target))
        )

    # --- dialogs --------------------------------------------------------------------

    def show_preferences(self) -> None:
        from favorbook.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.data_folder, self)
        # Accounts are added or removed at once, not on Save.
        dialog.accountsChanged.connect(lambda: self.bus.changed.emit(Change.SYNC))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.bus.changed.emit(Change.SETTINGS)  # views show the target or the cadence
            self._said(self.tr("Preferences saved."))

    def show_about(self) -> None:
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
            ("listHeader", self.contacts_page.restore_header),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def save_geometry(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("contactSplitter", self.contacts_page.splitter.saveState())
        settings.setValue("listHeader", self.contacts_page.list_view.horizontalHeader().saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        if self._job is not None and self._job.is_running():
            self._job.cancel()
            self._job.wait()
        export = self.data_actions.export_job
        if export is not None:
            export.wait()  # a file half written would be left as a temporary file
        self.save_geometry()
        super().closeEvent(event)

    # --- what tests and older code reach for ------------------------------------------

    @property
    def model(self):
        return self.contacts_page.model

    @property
    def list_view(self):
        return self.contacts_page.list_view

    @property
    def search_edit(self):
        return self.contacts_page.search_edit

    @property
    def empty_label(self):
        return self.contacts_page.empty_label

    @property
    def stack(self):
        return self.contacts_page.stack

    @property
    def welcome(self):
        return self.contacts_page.welcome

    @property
    def splitter(self):
        return self.contacts_page.splitter

    def run_search(self) -> None:
        self.contacts_page.run_search()
