"""The first window as a rep meets it: welcome, sample network, search, profile."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QPushButton

from favorbook.sample import demo
from favorbook.services import favors
from favorbook.ui.contacts.contact_model import ID_ROLE, ContactListModel


def _names(win):
    model = win.contacts_page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_empty_database_welcomes_and_loads_the_sample(window, qtbot):
    assert window.contacts_page.stack.currentWidget() is window.contacts_page.welcome
    button = window.findChild(QPushButton, "loadSampleButton")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.contacts_page.stack.currentWidget() is window.contacts_page.splitter,
        timeout=10000,
    )
    assert window.contacts_page.model.rowCount() == 60
    assert window.summary_label.text().startswith("60 contacts · give:take ")


def test_contract_object_names(window):
    demo.load(10)
    window.reload()
    assert window.objectName() == "favorbookMainWindow"
    assert isinstance(window.findChild(QLineEdit, "contactSearch"), QLineEdit)
    view = window.findChild(QAbstractItemView, "contactList")
    assert view is not None and view.model() is window.contacts_page.model


def test_search_as_you_type_filters_the_list(window, qtbot, make_contact):
    make_contact("José", "Núñez", organization="Acme Tools", tags=["golf"])
    make_contact("Ann", "Lee", organization="Brightwave")
    window.reload()
    assert window.contacts_page.model.rowCount() == 2
    qtbot.keyClicks(window.contacts_page.search_edit, "jose")
    qtbot.waitUntil(lambda: window.contacts_page.model.rowCount() == 1, timeout=2000)
    assert _names(window) == ["José Núñez"]
    window.contacts_page.search_edit.clear()
    qtbot.keyClicks(window.contacts_page.search_edit, "tag:golf")
    qtbot.waitUntil(lambda: _names(window) == ["José Núñez"], timeout=2000)


def test_no_match_says_so(window, qtbot, make_contact):
    make_contact("Ann", "Lee")
    window.reload()
    qtbot.keyClicks(window.contacts_page.search_edit, "zzzz")
    qtbot.waitUntil(lambda: window.contacts_page.empty_label.isVisible(), timeout=2000)
    assert "zzzz" in window.contacts_page.empty_label.text()
    assert not window.contacts_page.list_view.isVisible()


def test_selecting_shows_profile_and_favor_balance(window, qtbot, make_contact):
    ann = make_contact("Ann", "Lee", organization="Brightwave", title="CTO")
    favors.log_favor(ann, "given", "Introduced her to a recruiter")
    favors.log_favor(ann, "given", "Sent the white paper", expectation="iou")
    favors.log_favor(ann, "received", "Reviewed our proposal")
    window.reload()
    row = window.contacts_page.model.row_of(ann)
    window.contacts_page.list_view.selectRow(row)
    text = window.profile.browser.toPlainText()
    assert "Ann Lee" in text
    assert "CTO · Brightwave" in text
    assert "2.0:1" in text  # two given, one received
    assert "Give 2 more favors before you ask again" in text  # below the 4:1 target
    assert "They owe me: Sent the white paper" in text


def test_user_text_is_escaped_in_the_profile(window, make_contact):
    cid = make_contact("<b>Bold</b>", "<img src=x>")
    window.reload()
    window.contacts_page.list_view.selectRow(window.contacts_page.model.row_of(cid))
    assert "<b>Bold</b>" in window.profile.browser.toPlainText()


def test_find_shortcut_focuses_search(window, qtbot, make_contact):
    make_contact()
    window.reload()
    window.contacts_page.list_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.contacts_page.search_edit.hasFocus, timeout=1000)


def test_model_passes_qtmodeltester(db, qtmodeltester):
    demo.load(30)
    model = ContactListModel()
    from favorbook.services import search

    model.set_ids(search.search_ids(""))
    qtmodeltester.check(model)
    assert model.index(0, 0).data(ID_ROLE) == model.contact_id(0)


def test_list_asks_for_rows_in_blocks_not_one_query_per_row(db, qtbot, monkeypatch):
    from favorbook.services import contacts, search

    demo.load(600)
    calls = []
    real = contacts.rows
    monkeypatch.setattr(contacts, "rows", lambda ids: calls.append(len(ids)) or real(ids))
    model = ContactListModel()
    model.set_ids(search.search_ids(""))
    for r in range(model.rowCount()):
        model.index(r, 0).data()
    assert len(calls) <= 4  # 600 rows, 200 per block


def test_errors_reaching_the_event_loop_are_explained():
    import sqlite3

    from favorbook.errors import ValidationError
    from favorbook.ui.shell.app import user_message

    assert user_message(ValidationError("emails", "bad")) == "emails: bad"
    assert "locked by another program" in user_message(
        sqlite3.OperationalError("database is locked")
    )
    assert "did not expect" in user_message(KeyError("x"))


def test_profile_counts_conversations_in_words(window, make_contact):
    from favorbook.services import conversations

    ann = make_contact()
    conversations.log_conversation(ann, "inbound", "They called about the renewal")
    window.reload()
    window.contacts_page.list_view.selectRow(window.contacts_page.model.row_of(ann))
    text = window.profile.browser.toPlainText()
    assert "1 conversation, 100% started by them" in text


def test_a_window_built_over_a_network_fills_the_first_contacts_tabs_once_shown(db, qtbot):
    """Start-up paints the list first: the selected contact's tabs fill after the window
    is shown, and then show that contact."""
    from favorbook.sample import demo
    from favorbook.services import contacts
    from favorbook.ui.shell.app import make_application
    from favorbook.ui.shell.main_window import MainWindow

    demo.load(12, seed=3)
    make_application()
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    page = win.contacts_page
    first = page.model.contact_id(0)
    assert page.contact_id == first
    assert contacts.name_of(first) not in win.profile.browser.toPlainText()
    with qtbot.waitSignal(page.detailShown, timeout=3000) as shown:
        win.show()
    assert shown.args == [first]
    assert contacts.name_of(first) in win.profile.browser.toPlainText()


def _remove_wheel_guard(qapp) -> None:
    """Take the application's wheel guard away (the next ``wheel.install`` makes one)."""
    from PySide6.QtGui import QGuiApplication

    from favorbook.ui.shell import wheel

    guard = qapp.findChild(wheel.WheelGuard)
    if guard is not None:
        qapp.focusWindowChanged.disconnect(guard.guard_windows)
        for window in QGuiApplication.topLevelWindows():
            window.removeEventFilter(guard)
        guard.setParent(None)


def _form_with_a_field(qtbot):
    """A scroll area taller inside than out, a drop-down of three items in it, shown;
    the cursor is in a line edit above it."""
    from PySide6.QtWidgets import QComboBox, QLineEdit, QScrollArea, QVBoxLayout, QWidget

    content = QWidget()
    column = QVBoxLayout(content)
    edit = QLineEdit()
    column.addWidget(edit)
    combo = QComboBox()
    combo.addItems(["one", "two", "three"])
    column.addWidget(combo)
    column.addSpacing(2000)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.resize(300, 200)
    qtbot.addWidget(area)
    with qtbot.waitExposed(area):
        area.show()
    edit.setFocus()
    return area, combo


def test_the_wheel_guard_installed_late_guards_the_fields_made_before(qapp, qtbot):
    """The window installs the wheel guard after its first paint: a field shown before it
    is guarded as those shown after (the wheel scrolls its form, the field keeps its
    value)."""
    from favorbook.ui.shell import wheel
    from tests.gui.helpers import turn_wheel

    _remove_wheel_guard(qapp)
    area, combo = _form_with_a_field(qtbot)
    turn_wheel(combo, -1)
    assert combo.currentIndex() == 1  # unguarded, as Qt does it: the value changed
    wheel.install(qapp)
    bar = area.verticalScrollBar()
    turn_wheel(combo, -1)
    assert combo.currentIndex() == 1
    assert bar.value() > 0
    assert not combo.hasFocus()


def test_the_wheel_guard_sees_no_event_of_a_widget(qapp, qtbot):
    """The guard watches windows, not the application: showing and painting widgets, as
    opening a contact's tabs does (some 1,700 events), passes none of their events
    through Python (an application-wide filter saw every one)."""
    from PySide6.QtWidgets import QApplication, QLabel

    from favorbook.ui.shell import wheel

    guard = wheel.install(qapp)
    area, combo = _form_with_a_field(qtbot)
    labels = [QLabel(f"label {i}", area.widget()) for i in range(50)]
    QApplication.processEvents()
    before = guard.calls
    for label in labels:
        label.hide()
        label.show()
    combo.hide()
    combo.show()
    area.viewport().repaint()
    QApplication.processEvents()
    assert guard.calls - before < 10  # a few of the window's own, not hundreds


def test_a_page_reads_its_records_once_a_visit_and_not_again_when_nothing_changed(
    window, qtbot, make_contact, monkeypatch
):
    """Going to Favors read the whole ledger twice (the page's first show, then the
    window's own refresh), and again on every visit: at a million favors, seconds each."""
    from favorbook.services import favors
    from favorbook.services.changes import Change

    cid = make_contact("Ann", "Lee")
    favors.log_favor(cid, "given", "intro")
    reads = []
    real = favors.list_favors
    monkeypatch.setattr(favors, "list_favors", lambda *a, **k: reads.append(1) or real(*a, **k))
    page = window.favors_page
    window.show_page(page)
    assert len(reads) == 1 and page.model.rowCount() == 1
    window.show_page(window.contacts_page)
    window.show_page(page)
    assert len(reads) == 1  # nothing changed meanwhile
    window.show_page(window.contacts_page)
    window.bus.changed.emit(Change.FAVORS)
    window.show_page(page)
    assert len(reads) == 2


def test_a_page_reads_again_what_another_process_wrote_meanwhile(window, make_contact):
    """The command line may log a favor while the window is open: the page, not told by
    the window's own bus, reads again on its next visit."""
    import sqlite3

    from favorbook.db.models import db
    from favorbook.services import favors

    cid = make_contact("Ann", "Lee")
    favors.log_favor(cid, "given", "intro")
    page = window.favors_page
    window.show_page(page)
    assert page.model.rowCount() == 1
    window.show_page(window.contacts_page)
    other = sqlite3.connect(db.database)
    with other:
        other.execute(
            "INSERT INTO favor (contact_id, direction, kind, occurred_on, description, value,"
            " expectation, acknowledged, created_at) VALUES (?, 'given', 'other', '2026-12-01',"
            " 'from the command line', 1, 'pay_forward', 0, '2026-12-01 10:00:00')",
            (cid,),
        )
    other.close()
    window.show_page(page)
    assert page.model.rowCount() == 2


def test_a_change_is_copied_into_the_database_file_off_the_windows_thread(
    window, qtbot, make_contact, monkeypatch
):
    """The window's commits leave SQLite's checkpoint (0.25-0.4 s on every fourth or fifth
    delete at 100,000 contacts) to a thread of its own, once the changes pause."""
    import sqlite3
    import threading

    from favorbook.db import database
    from favorbook.db.models import db
    from favorbook.services.changes import Change
    from favorbook.ui.shell import main_window

    ran_on: list[bool] = []
    on_this_thread = database.on_this_thread

    def recorded(work, *args):
        ran_on.append(threading.current_thread() is threading.main_thread())
        return on_this_thread(work, *args)

    monkeypatch.setattr(database, "on_this_thread", recorded)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    make_contact("Ann", "Lee")
    window.bus.changed.emit(Change.CONTACTS)
    assert window._checkpoint_timer.interval() == main_window.CHECKPOINT_AFTER_MS
    assert window._checkpoint_timer.isActive() and ran_on == []
    window._checkpoint_timer.setInterval(50)
    window.bus.changed.emit(Change.CONTACTS)  # another change: the wait starts again
    qtbot.waitUntil(lambda: ran_on == [False], timeout=5000)
    database._checkpoints.wait()
    with sqlite3.connect(f"file:{window.database_path}?immutable=1", uri=True) as conn:
        assert conn.execute("SELECT display_name FROM contact").fetchall() == [("Ann Lee",)]
    limit = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    assert limit == database.WINDOW_CHECKPOINT_PAGES


def test_a_closed_window_does_no_more_deferred_work(window, qtbot, monkeypatch):
    """A search's rest of the list, a contact's tabs, a read ahead, a checkpoint wait for
    a pause; once the window is closed (and its database with it) they do not come: the
    rest of a list read a closed, then damaged, database and raised in the event loop."""
    from PySide6.QtCore import QTimer

    from favorbook.services import session
    from favorbook.services.changes import Change
    from favorbook.ui.contacts import contacts_page

    monkeypatch.setattr(contacts_page, "FIRST_PAGE", 5)
    demo.load(40, seed=4)
    window.reload()
    page = window.contacts_page
    window.bus.changed.emit(Change.CONTACTS)  # a read ahead and a checkpoint to come
    page.search_edit.setText("e")
    page.run_search()
    assert not page.list_complete()
    assert any(timer.isActive() for timer in window.findChildren(QTimer))
    window.close()
    session.close()
    assert not any(timer.isActive() for timer in window.findChildren(QTimer))
    qtbot.wait(contacts_page.DETAIL_DELAY_MS * 3)  # nothing raised meanwhile
    assert not page.list_complete()
