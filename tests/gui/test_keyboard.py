"""The window from the keyboard alone: Tab order, shortcuts that do not collide, mnemonics."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QTableView,
    QWidget,
)

from favorbook.sample import demo
from favorbook.services import contacts

WINDOW_CONTEXTS = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


@pytest.fixture
def sample_window(window, qtbot):
    demo.load(12)
    window.reload()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def tab_walk(qtbot, start: QWidget, steps: int) -> list[str]:
    """Focus ``start``, press Tab ``steps`` times; the objectNames that had the focus."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    names = []
    for _ in range(steps + 1):
        widget = QApplication.focusWidget()
        names.append(widget.objectName())
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return names


def next_tab_stop(widget: QWidget) -> QWidget:
    """The widget Tab reaches after ``widget`` and its inner parts."""
    candidate = widget.nextInFocusChain()
    while (
        widget.isAncestorOf(candidate)
        or not candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
        or not candidate.isVisible()
    ):
        candidate = candidate.nextInFocusChain()
    return candidate


def opened_form(qtbot, window, key, modifiers=Qt.KeyboardModifier.ControlModifier):
    qtbot.keyClick(window, key, modifiers)
    qtbot.waitUntil(lambda: window.form is not None and window.form.isVisible(), timeout=3000)
    form = window.form
    form.confirm_discard = lambda: True
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=3000)
    return form


@pytest.fixture(autouse=True)
def _close_forms_left_open():
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isModal():
            widget.close()


# --- Tab order ------------------------------------------------------------------------------


def test_tab_walks_the_contacts_page_from_search_through_filters_to_the_list(sample_window, qtbot):
    names = tab_walk(qtbot, sample_window.search_edit, 6)
    assert names == [
        "contactSearch",
        "kindFilter",
        "tagFilter",
        "vettingFilter",
        "overdrawnFilter",
        "touchDueFilter",
        "contactList",
    ]


def test_tab_leaves_the_contact_list_for_the_contacts_tabs(sample_window, qtbot):
    sample_window.list_view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(sample_window.list_view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is sample_window.contacts_page.tabs.tabBar()


def _read_only_views(window) -> list[QAbstractItemView]:
    found = []
    for view in window.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView) or view.window() is not window or view.model() is None:
            continue
        model = view.model()
        editable = any(
            model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable
            for row in range(min(model.rowCount(), 3))
            for column in range(
                view.horizontalHeader().count() if isinstance(view, QTableView) else 1
            )
        )
        if not editable:
            found.append(view)
    return found


def test_tab_moves_on_from_every_read_only_list(sample_window):
    for row in range(sample_window.navigation.count()):
        sample_window.navigation.setCurrentRow(row)
    sample_window.navigation.setCurrentRow(0)
    views = _read_only_views(sample_window)
    assert len(views) > 10
    trapping = [v.objectName() for v in views if v.tabKeyNavigation()]
    assert trapping == []


CONTACT_FORM_ORDER = [
    "first_name",
    "last_name",
    "organization",
    "title",
    "kind",
    "emailsLabel0",
    "emailsValue0",
    "emailsRemove0",
    "emailsAdd",
    "phonesLabel0",
    "phonesValue0",
    "phonesRemove0",
    "phonesAdd",
    "linksAdd",
    "addressesLabel0",
    "addressesStreet0",
    "addressesPostcode0",
    "addressesCity0",
    "addressesRegion0",
    "addressesCountry0",
    "addressesRemove0",
    "addressesAdd",
    "tags",
    "birthday",
    "how_met",
    "referred_by",
    "needs",
    "goals",
    "offers",
    "cadence_days",
    "full_name",
    "name_prefix",
    "name_suffix",
    "nickname",
    "phonetic_first_name",
    "phonetic_last_name",
    "department",
    "role",
]


def test_contact_form_tab_order_reads_down_the_form(sample_window, qtbot):
    form = opened_form(qtbot, sample_window, Qt.Key.Key_N)
    assert QApplication.focusWidget() is form.first_name
    names = tab_walk(qtbot, form.first_name, len(CONTACT_FORM_ORDER) - 1)
    assert names == CONTACT_FORM_ORDER


def test_added_email_row_comes_before_its_add_button(sample_window, qtbot):
    form = opened_form(qtbot, sample_window, Qt.Key.Key_N)
    qtbot.mouseClick(form.emails.add_button, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is form.emails.value_widget(1)
    qtbot.waitUntil(form.emails.value_widget(1).isVisible, timeout=2000)  # shown by the loop
    names = tab_walk(qtbot, form.kind, 8)
    assert names == [
        "kind",
        "emailsLabel0",
        "emailsValue0",
        "emailsRemove0",
        "emailsLabel1",
        "emailsValue1",
        "emailsRemove1",
        "emailsAdd",
        "phonesLabel0",
    ]


def test_edit_form_with_two_emails_keeps_the_order(sample_window, qtbot, make_contact):
    ann = make_contact(
        "Ann",
        "Lee",
        emails=[
            contacts.Labeled("ann@acme.example", "work"),
            contacts.Labeled("a@b.example", "home"),
        ],
    )
    sample_window.reload()
    sample_window.contacts_page.show_contact(ann)
    form = opened_form(qtbot, sample_window, Qt.Key.Key_E)
    assert form.first_name.text() == "Ann"
    names = tab_walk(qtbot, form.kind, 7)
    assert names == [
        "kind",
        "emailsLabel0",
        "emailsValue0",
        "emailsRemove0",
        "emailsLabel1",
        "emailsValue1",
        "emailsRemove1",
        "emailsAdd",
    ]


def test_conversation_form_tabs_from_the_fields_to_the_questions_then_save(sample_window, qtbot):
    form = opened_form(
        qtbot,
        sample_window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QApplication.focusWidget() is form.summary
    names = tab_walk(qtbot, form.summary, 5)
    assert names == [
        "summary",
        "problems",
        "opportunities",
        "strategies",
        "follow_up_title",
        "follow_up_on",
    ]
    # Tab inside the date moves between its year, month and day: follow the chain instead.
    first_question = next(iter(form.checklist.ticks.values()))
    assert next_tab_stop(form.follow_up_on) is first_question
    last_question = list(form.checklist.ticks.values())[-1]
    last_question.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(last_question, Qt.Key.Key_Tab)
    assert QApplication.focusWidget().text() == "Save"


def test_preferences_open_on_the_first_setting(sample_window, qtbot):
    from PySide6.QtCore import QTimer

    seen = {}

    def look():
        dialog = QApplication.activeModalWidget()
        seen["focus"] = dialog.focusWidget()
        seen["ratio"] = dialog.ratio
        dialog.done(0)

    QTimer.singleShot(0, look)
    sample_window.preferences_action.trigger()
    assert seen["focus"] is seen["ratio"]


# --- menus and shortcuts --------------------------------------------------------------------


def _menu_actions(window) -> list[tuple[str, QAction]]:
    """(menu title, action) for every action of the menu bar's menus, submenus included."""
    found = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                walk(action.menu())
            found.append((menu.title(), action))

    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is window.actions_menu:
            continue  # filled with the front view's actions when it opens
        walk(menu)
    return found


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def test_every_menu_action_has_a_shortcut_or_a_mnemonic(sample_window):
    actions = _menu_actions(sample_window)
    assert len(actions) > 20
    bare = [
        f"{menu} ▸ {action.text()}"
        for menu, action in actions
        if action.shortcut().isEmpty() and _mnemonic(action.text()) is None
    ]
    assert bare == []


def test_menu_bar_mnemonics_are_unique(sample_window):
    letters = [_mnemonic(a.text()) for a in sample_window.menuBar().actions()]
    assert None not in letters
    assert len(set(letters)) == len(letters), letters


def _duplicate_mnemonics(window) -> dict[str, list[str]]:
    clashes = {}
    menus = [a.menu() for a in window.menuBar().actions()]
    menus += [a.menu() for m in menus for a in m.actions() if a.menu() is not None]
    for menu in menus:
        by_letter = defaultdict(list)
        for action in menu.actions():
            letter = _mnemonic(action.text())
            if letter:
                by_letter[letter].append(action.text())
        for letter, texts in by_letter.items():
            if len(texts) > 1:
                clashes[f"{menu.title()} {letter}"] = texts
    return clashes


def test_mnemonics_are_unique_in_every_menu(sample_window):
    assert _duplicate_mnemonics(sample_window) == {}


def test_contact_menu_mnemonics_are_unique(sample_window):
    assert "&Contact t" not in _duplicate_mnemonics(sample_window)


def _window_shortcuts(window) -> dict[str, list[str]]:
    keys = defaultdict(list)
    for action in window.findChildren(QAction):
        if action.shortcutContext() not in WINDOW_CONTEXTS or not action.isEnabled():
            continue
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                keys[sequence.toString()].append(action.text())
    return keys


def test_no_two_window_actions_share_a_shortcut(sample_window):
    sample_window.contacts_page.show_contact(contacts.all_names()[0][0])
    sample_window.bus.undo_stack.push(_noop_command())  # Undo enabled too
    keys = _window_shortcuts(sample_window)
    assert "Ctrl+N" in keys and "Ctrl+Shift+F" in keys
    shared = {key: texts for key, texts in keys.items() if len(texts) > 1}
    assert shared == {}


def test_list_shortcuts_do_not_shadow_window_shortcuts(sample_window):
    """A key on a list's own action must not also be a window key: Qt would fire neither."""
    window_keys = set(_window_shortcuts(sample_window))
    clashes = []
    for action in sample_window.findChildren(QAction):
        if action.shortcutContext() in WINDOW_CONTEXTS:
            continue
        for sequence in action.shortcuts():
            if sequence.toString() in window_keys:
                clashes.append((action.text(), sequence.toString()))
    assert clashes == []


def _noop_command():
    from PySide6.QtGui import QUndoCommand

    return QUndoCommand("nothing")


@pytest.mark.parametrize(
    ("name", "standard"),
    [
        ("newContact", QKeySequence.StandardKey.New),
        ("find", QKeySequence.StandardKey.Find),
        ("undo", QKeySequence.StandardKey.Undo),
        ("redo", QKeySequence.StandardKey.Redo),
        ("quit", QKeySequence.StandardKey.Quit),
    ],
)
def test_standard_actions_use_the_platforms_keys(sample_window, name, standard):
    action = sample_window.findChild(QAction, name)
    assert action is not None
    expected = QKeySequence.keyBindings(standard)
    assert action.shortcut() == (expected[0] if expected else QKeySequence())


def test_preferences_key_is_the_platforms_or_ctrl_comma(sample_window):
    action = sample_window.findChild(QAction, "preferences")
    expected = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    assert action.shortcuts() == (expected or [QKeySequence("Ctrl+,")])


def test_logging_shortcuts_are_in_the_contact_menu(sample_window):
    by_key = {
        a.shortcut().toString(): a.text()
        for a in sample_window.contact_menu.actions()
        if not a.shortcut().isEmpty()
    }
    assert by_key["Ctrl+Shift+F"] == "Log a &Favor…"
    assert by_key["Ctrl+Shift+L"] == "Log a &Conversation…"
    assert by_key["Ctrl+Shift+U"] == "Add a F&ollow-up…"


def test_every_window_shortcut_is_reachable_from_a_menu(sample_window):
    in_menus = {id(action) for _menu, action in _menu_actions(sample_window)}
    hidden = [
        action.text()
        for action in sample_window.findChildren(QAction)
        if action.shortcutContext() in WINDOW_CONTEXTS
        and not action.shortcut().isEmpty()
        and id(action) not in in_menus
    ]
    assert hidden == []
