"""The main window's menus and its own actions, as one table.

Each row says what a user sees (the menu, the text, the shortcut) and what runs: a
method of the window, or a method of one of the contact's views run for the selected
contact (``view``). ``build_menus(window)`` makes the menu bar from it; the window keeps
each action as an attribute when the row names one. The import, export, backup and
sync commands join the File and Contact menus after the first paint (``data_actions``,
``backup_actions``, ``sync_actions``); the Go To menu gets one action per page.

Adding a command is one row here and, when it does something new, one method.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

from favorbook.ui.shell import qt_values

_KEY = QKeySequence.StandardKey

# (key, title) in the order of the menu bar.
MENUS = (
    ("file", QT_TRANSLATE_NOOP("MainWindow", "&File")),
    ("edit", QT_TRANSLATE_NOOP("MainWindow", "&Edit")),
    ("contact", QT_TRANSLATE_NOOP("MainWindow", "&Contact")),
    ("actions", QT_TRANSLATE_NOOP("MainWindow", "&Actions")),
    ("view", QT_TRANSLATE_NOOP("MainWindow", "&View")),
    ("help", QT_TRANSLATE_NOOP("MainWindow", "&Help")),
)


@dataclass(frozen=True)
class Command:
    """One row of the table."""

    name: str
    """The action's objectName."""
    text: str
    menu: str
    """A key of MENUS."""
    handler: str
    """A method of the window; with ``view``, a method of that view; "undo"/"redo": the
    undo stack's own actions."""
    shortcut: str | QKeySequence.StandardKey | None = None
    fallback: str = ""
    """The key where the platform has none for the standard ``shortcut``."""
    attr: str = ""
    """The window attribute that keeps the action."""
    view: str = ""
    """The contact's view (a window attribute) the handler runs in, for the selected
    contact; "" for the window's own methods."""
    role: QAction.MenuRole | None = None
    checkable: bool = False
    separator: bool = False
    """A separator before the action."""
    in_list: bool = False
    """Also in the contact list's context menu."""


def _t(text: str) -> str:
    return QT_TRANSLATE_NOOP("MainWindow", text)


COMMANDS: tuple[Command, ...] = (
    Command("newContact", _t("&New Contact…"), "file", "new_contact", _KEY.New,
            attr="new_contact_action"),
    Command("loadSample", _t("Load Sample Net&work"), "file", "load_sample", separator=True,
            attr="sample_action"),
    Command("removeSample", _t("Re&move Sample Network"), "file", "remove_sample",
            attr="remove_sample_action"),
    Command("preferences", _t("Pre&ferences…"), "file", "show_preferences", _KEY.Preferences,
            fallback="Ctrl+,", attr="preferences_action", role=QAction.MenuRole.PreferencesRole,
            separator=True),
    Command("quit", _t("&Quit"), "file", "close", _KEY.Quit, role=QAction.MenuRole.QuitRole,
            separator=True),
    Command("undo", _t("&Undo"), "edit", "undo", _KEY.Undo, attr="undo_action"),
    Command("redo", _t("&Redo"), "edit", "redo", _KEY.Redo, attr="redo_action"),
    Command("find", _t("&Find Contact"), "edit", "focus_search", _KEY.Find, separator=True),
    Command("editContact", _t("&Edit Contact…"), "contact", "edit_contact", "Ctrl+E",
            attr="edit_contact_action"),
    Command("logFavor", _t("Log a &Favor…"), "contact", "log_favor", "Ctrl+Shift+F",
            attr="log_favor_action", separator=True),
    Command("logConversation", _t("Log a &Conversation…"), "contact", "log_conversation",
            "Ctrl+Shift+L", attr="log_conversation_action"),
    Command("addFollowUp", _t("Add a F&ollow-up…"), "contact", "add_followup", "Ctrl+Shift+U",
            attr="add_followup_action"),
    Command("prepareCall", _t("&Prepare a Call"), "contact", "prepare_call", "Ctrl+Shift+P",
            attr="call_prep_action"),
    Command("recordReferrer", _t("Record Who &Referred Them…"), "contact", "record_referrer",
            view="referrals_tab", separator=True),
    Command("recommendToThem", _t("Recommend &Someone to Them…"), "contact",
            "recommend_to_them", view="referrals_tab"),
    Command("recommendThem", _t("Recommend &Them to…"), "contact", "recommend_them",
            view="referrals_tab"),
    Command("editVetting", _t("Edit &Vetting…"), "contact", "edit_vetting", view="vetting_tab"),
    Command("archiveContact", _t("&Archive"), "contact", "archive_selected", "Ctrl+Shift+A",
            attr="archive_action", separator=True, in_list=True),
    Command("unarchiveContact", _t("&Bring Back from Archive"), "contact", "unarchive_selected",
            attr="unarchive_action", in_list=True),
    Command("deleteContact", _t("&Delete"), "contact", "delete_selected", "Ctrl+Shift+Del",
            attr="delete_action"),
    Command("showArchived", _t("Show &Archived Contacts"), "view", "set_show_archived",
            attr="show_archived_action", checkable=True),
    Command("about", _t("&About favorbook"), "help", "show_about",
            role=QAction.MenuRole.AboutRole),
)  # fmt: skip


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def _shortcuts(command: Command) -> list[QKeySequence]:
    if command.shortcut is None:
        return []
    if isinstance(command.shortcut, str):
        return [QKeySequence(command.shortcut)]
    keys = QKeySequence.keyBindings(command.shortcut)
    if not keys and command.fallback:
        return [QKeySequence(command.fallback)]
    return keys[:1] if command.fallback == "" else keys


def _slot(window, command: Command):
    # Each command may need the services: a window built from the first page (app.run)
    # opens the database for them first, should a command come before that.
    if command.view:
        # The view may not be built yet: it is made (and shown the contact) when run.
        def run(_checked=False) -> None:
            window.ensure_data()
            window.run_in_view(command.view, command.handler)

        return run
    method = getattr(window, command.handler)
    if command.checkable:

        def toggle(checked: bool) -> None:
            window.ensure_data()
            method(checked)

        return toggle

    def call(_checked=False) -> None:
        window.ensure_data()
        method()

    return call


def _action(window, command: Command) -> QAction:
    if command.handler in ("undo", "redo"):
        stack = window.bus.undo_stack
        make = stack.createUndoAction if command.handler == "undo" else stack.createRedoAction
        action = make(window, tr(command.text))
    else:
        action = QAction(tr(command.text), window)
        action.setCheckable(command.checkable)
        action.triggered.connect(_slot(window, command))
    action.setObjectName(command.name)
    keys = _shortcuts(command)
    if keys:
        # setShortcuts with a list: setShortcut's overloads include a Qt.Key, and
        # choosing between them builds all of QtCore.Qt's enums (qt_values).
        action.setShortcuts(keys)
    if command.role is not None:
        action.setMenuRole(command.role)
    return action


def build_menus(window, commands: tuple[Command, ...] = COMMANDS) -> dict[str, object]:
    """The menu bar of ``window`` from the table; returns the menus by key (each also kept
    as ``window.<key>_menu``)."""
    bar = window.menuBar()
    menus = {}
    for key, title in MENUS:
        menus[key] = bar.addMenu(tr(title))
        setattr(window, f"{key}_menu", menus[key])
    menus["actions"].setObjectName("actionsMenu")
    menus["actions"].aboutToShow.connect(window.fill_actions_menu)
    window.go_menu = menus["view"].addMenu(tr("&Go To"))
    view = window.contacts_page.list_view
    for command in commands:
        action = _action(window, command)
        menu = menus[command.menu]
        if command.separator and menu.actions():
            menu.addSeparator()
        menu.addAction(action)
        if command.attr:
            setattr(window, command.attr, action)
        if command.in_list:
            view.addAction(action)
    # The Delete key deletes from the list itself, where the selection is.
    list_delete = QAction(tr("Delete"), view)
    list_delete.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete)])
    qt_values.set_property(list_delete, "shortcutContext", qt_values.WIDGET_SHORTCUT)
    list_delete.triggered.connect(_slot(window, Command("", "", "", "delete_selected")))
    view.addAction(list_delete)
    return menus
