"""The favor ledger as a rep uses it: the Favors page and a contact's Favors tab."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QInputDialog

from favorbook.services import favors
from favorbook.services.changes import Change
from favorbook.ui.records.ledger import LedgerView
from tests.gui.helpers import column_texts, show_active


@pytest.fixture
def people(make_contact, today):
    ann = make_contact("Ann", "Lee")
    bob = make_contact("Bob", "Stone")
    ids = {
        "intro": favors.log_favor(
            ann,
            "given",
            "Introduced her to a recruiter",
            kind="introduction",
            occurred_on=today - dt.timedelta(days=10),
            value=4,
            expectation="iou",
        ),
        "review": favors.log_favor(
            ann, "received", "Reviewed our proposal", occurred_on=today - dt.timedelta(days=5)
        ),
        "part": favors.log_favor(
            bob, "given", "Found the part at a competitor", kind="resource", expectation="iou"
        ),
    }
    return ann, bob, ids


def make_view(qtbot, bus, contact_id=None) -> LedgerView:
    return show_active(qtbot, LedgerView(bus, contact_id), 1100, 600)


def select(view: LedgerView, favor_id: int) -> None:
    assert view.select_id(favor_id)
    view.view.setFocus()


def test_page_lists_every_contacts_favors_and_tab_only_one(qtbot, bus, people, qtmodeltester):
    ann, bob, _ = people
    page = make_view(qtbot, bus)
    assert page.findChild(QAbstractItemView, "favorList") is page.view
    assert sorted(column_texts(page, "contact")) == ["Ann Lee", "Ann Lee", "Bob Stone"]
    qtmodeltester.check(page.model)

    tab = make_view(qtbot, bus, ann)
    assert tab.findChild(QAbstractItemView, "contactFavorList") is tab.view
    assert tab.model.column_named("contact") is None
    assert column_texts(tab, "description") == [
        "Reviewed our proposal",
        "Introduced her to a recruiter",
    ]
    assert "Given <b>1</b>" in tab.balance_label.text()
    # An IOU repaid one for one is no debt: the tab says what to do, not "Overdrawn".
    assert "Overdrawn" not in tab.balance_label.text()
    assert "Give 3 more favors before you ask again" in tab.balance_label.text()
    qtmodeltester.check(tab.model)

    tab.set_contact(bob)
    assert column_texts(tab, "description") == ["Found the part at a competitor"]
    assert "Overdrawn" not in tab.balance_label.text()


def test_filters_by_direction_open_ious_and_text(qtbot, bus, people):
    page = make_view(qtbot, bus)
    page.direction_combo.setCurrentIndex(page.direction_combo.findData("received"))
    assert column_texts(page, "description") == ["Reviewed our proposal"]
    page.direction_combo.setCurrentIndex(0)
    page.open_only.setChecked(True)
    assert sorted(column_texts(page, "status")) == ["Open IOU", "Open IOU"]
    page.open_only.setChecked(False)
    qtbot.keyClicks(page.filter_edit, "stone")
    assert column_texts(page, "contact") == ["Bob Stone"]
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, "nobody wrote this")
    assert page.stack.currentWidget() is page.empty_label
    assert "No favor matches" in page.empty_label.text()


def test_sorting_by_a_column(qtbot, bus, people):
    page = make_view(qtbot, bus)
    page.view.sortByColumn(page.model.column_named("value"), Qt.SortOrder.DescendingOrder)
    assert column_texts(page, "value")[0] == "●●●●○"
    page.view.sortByColumn(page.model.column_named("contact"), Qt.SortOrder.AscendingOrder)
    assert column_texts(page, "contact") == ["Ann Lee", "Ann Lee", "Bob Stone"]


def test_settle_write_off_and_acknowledge_change_the_status(qtbot, bus, people, monkeypatch, today):
    ann, bob, ids = people
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)

    select(page, ids["intro"])
    assert page.settle_action.isEnabled()
    offered = []

    def choose(parent, title, label, items, current, editable):
        offered.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    with qtbot.waitSignal(bus.changed):
        page.settle_action.trigger()
    assert len(offered) == 2 and "Reviewed our proposal" in offered[0]
    assert offered[1] == "Log the favor that settles it…"
    settled_on = (today - dt.timedelta(days=5)).isoformat()
    assert page.model.index(page.model.row_of(ids["intro"]), 0).isValid()
    assert page.model.status_text(page.current_record()) == f"Settled {settled_on}"
    assert not page.settle_action.isEnabled()
    assert messages[-1].startswith("IOU settled — ") and messages[-1].endswith("to undo")

    select(page, ids["part"])
    page.write_off_action.trigger()
    assert page.current_record().id == ids["part"]
    assert page.model.status_text(page.current_record()) == f"Written off {today.isoformat()}"

    select(page, ids["review"])
    page.acknowledge_action.trigger()
    row = page.model.row_of(ids["review"])
    status = page.model.index(row, page.model.column_named("status")).data()
    assert status == "Acknowledged"
    assert not page.acknowledge_action.isEnabled()


def status_of(view: LedgerView, favor_id: int) -> str:
    row = view.model.row_of(favor_id)
    return view.model.index(row, view.model.column_named("status")).data()


def test_settle_is_undone_and_redone(qtbot, bus, people, monkeypatch, today):
    _, _, ids = people
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: (args[3][0], True))
    select(page, ids["intro"])
    page.settle_action.trigger()
    settled = f"Settled {(today - dt.timedelta(days=5)).isoformat()}"
    assert status_of(page, ids["intro"]) == settled
    assert bus.undo_stack.undoText() == "Settle IOU “Introduced her to a recruiter”"

    bus.undo_stack.undo()
    assert status_of(page, ids["intro"]) == "Open IOU"
    assert page.settle_action.isEnabled()
    assert messages[-1] == "IOU open again"
    assert ids["review"] in {f.id for f in favors.list_favors()}  # the favor back stays

    bus.undo_stack.redo()
    assert status_of(page, ids["intro"]) == settled
    assert not page.settle_action.isEnabled()


def test_write_off_is_undone_and_redone_on_the_same_day(qtbot, bus, people, today):
    _, _, ids = people
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)
    select(page, ids["part"])
    page.write_off_action.trigger()
    assert status_of(page, ids["part"]) == f"Written off {today.isoformat()}"
    assert messages[-1].startswith("IOU written off — ")
    assert bus.undo_stack.undoText() == "Write off IOU “Found the part at a competitor”"

    bus.undo_stack.undo()
    assert status_of(page, ids["part"]) == "Open IOU"
    assert page.write_off_action.isEnabled()

    bus.undo_stack.redo()
    assert status_of(page, ids["part"]) == f"Written off {today.isoformat()}"
    assert not favors.open_ious(contact_id=people[1])


def test_acknowledge_is_undone_and_redone(qtbot, bus, people):
    _, _, ids = people
    page = make_view(qtbot, bus)
    select(page, ids["intro"])
    page.acknowledge_action.trigger()
    assert status_of(page, ids["intro"]) == "Open IOU · acknowledged"
    assert bus.undo_stack.undoText() == "Mark “Introduced her to a recruiter” acknowledged"

    bus.undo_stack.undo()
    assert status_of(page, ids["intro"]) == "Open IOU"
    assert page.acknowledge_action.isEnabled()

    bus.undo_stack.redo()
    assert status_of(page, ids["intro"]) == "Open IOU · acknowledged"


def test_an_undo_of_a_settle_undone_elsewhere_says_so(qtbot, bus, people, monkeypatch):
    _, _, ids = people
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: (args[3][0], True))
    select(page, ids["intro"])
    page.settle_action.trigger()
    favors.unsettle(ids["intro"])  # reopened by another route meanwhile
    bus.undo_stack.undo()
    assert messages[-1] == "That IOU is not settled"
    assert status_of(page, ids["intro"]) == "Open IOU"


def test_settle_without_a_favor_back_says_what_to_do(qtbot, bus, people, monkeypatch):
    _, _, ids = people
    page = make_view(qtbot, bus)
    told = []

    def cancel(box):
        told.append(box.text())
        return 0  # closed without choosing: nothing happens

    monkeypatch.setattr("favorbook.ui.records.ledger.QMessageBox.exec", cancel)
    select(page, ids["part"])
    page.settle_action.trigger()
    assert "Nothing received from Bob Stone" in told[0]
    assert favors.open_ious(contact_id=people[1])[0].id == ids["part"]


def test_delete_key_then_undo_restores_the_favor_exactly(qtbot, bus, people, monkeypatch):
    ann, _, ids = people
    favors.settle_iou(ids["intro"], ids["review"])  # the review pays the intro back
    favors.set_acknowledged(ids["review"])
    before = {f.id: f for f in favors.list_favors()}
    page = make_view(qtbot, bus)
    messages = []
    bus.message.connect(messages.append)

    select(page, ids["review"])
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert ids["review"] not in {f.id for f in favors.list_favors()}
    assert page.model.row_of(ids["review"]) is None
    assert favors.open_ious(contact_id=ann)[0].id == ids["intro"]  # open again
    assert messages[-1].startswith("Favor deleted — ") and messages[-1].endswith("to undo")

    bus.undo_stack.undo()
    assert {f.id: f for f in favors.list_favors()} == before
    assert page.model.row_of(ids["review"]) is not None
    assert messages[-1] == "Favor restored"

    bus.undo_stack.redo()
    assert ids["review"] not in {f.id for f in favors.list_favors()}
    assert page.model.row_of(ids["review"]) is None


def test_requests_carry_the_contact(qtbot, bus, people):
    ann, _, _ = people
    page = make_view(qtbot, bus)
    with qtbot.waitSignal(page.newFavorRequested) as blocker:
        page.new_action.trigger()
    assert blocker.args == [None]
    tab = make_view(qtbot, bus, ann)
    tab.view.setFocus()
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(tab.newFavorRequested) as blocker:
        qtbot.keyClick(tab.view, Qt.Key.Key_F, shift_ctrl)
    assert blocker.args == [ann]


def test_double_clicking_the_contact_opens_it(qtbot, bus, people):
    _, bob, ids = people
    page = make_view(qtbot, bus)
    index = page.model.index(page.model.row_of(ids["part"]), page.model.column_named("contact"))
    rect = page.view.visualRect(index)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [bob]


def test_empty_ledger_says_how_to_log_one(qtbot, bus, db):
    page = make_view(qtbot, bus)
    assert page.stack.currentWidget() is page.empty_label
    assert page.empty_label.text().startswith("No favors logged yet — Log favor…")


def test_refreshes_on_bus_changed_and_lazily_when_hidden(qtbot, bus, people, today):
    ann, _, _ = people
    page = make_view(qtbot, bus)
    favors.log_favor(ann, "given", "Sent the white paper")
    bus.changed.emit(Change.EVERYTHING)
    assert "Sent the white paper" in column_texts(page, "description")
    page.hide()
    favors.log_favor(ann, "given", "Lent the booth")
    bus.changed.emit(Change.EVERYTHING)
    assert "Lent the booth" not in column_texts(page, "description")
    page.show()
    assert "Lent the booth" in column_texts(page, "description")


def test_refresh_keeps_the_selection(qtbot, bus, people):
    ann, _, ids = people
    page = make_view(qtbot, bus)
    select(page, ids["intro"])
    favors.log_favor(ann, "given", "A newer favor")
    page.refresh()
    assert page.current_record().id == ids["intro"]


def test_a_tab_made_before_a_contact_is_chosen(qtbot, bus, people):
    ann, _, _ = people
    tab = LedgerView(bus, per_contact=True)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.view.objectName() == "contactFavorList"
    assert tab.model.rowCount() == 0
    assert not tab.new_action.isEnabled()
    tab.set_contact(ann)
    assert len(column_texts(tab, "description")) == 2
    assert tab.new_action.isEnabled()


def test_a_narrow_tab_drops_kind_value_and_expectation_before_squeezing_the_description(
    qtbot, bus, people
):
    ann, _, _ = people
    tab = make_view(qtbot, bus, ann)
    model = tab.model
    optional = [model.column_named(name) for name in ("kind", "value", "expectation")]
    tab.resize(1200, 500)
    qtbot.waitUntil(lambda: not any(tab.view.isColumnHidden(c) for c in optional))
    tab.resize(480, 500)
    qtbot.waitUntil(lambda: all(tab.view.isColumnHidden(c) for c in optional))
    description = model.column_named("description")
    assert tab.view.columnWidth(description) >= 100
    tip = model.index(0, description).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Other · Pay it forward · value 1 of 5")


def test_big_ledgers_are_handed_to_the_view_in_batches(
    qtbot, bus, people, monkeypatch, qtmodeltester
):
    monkeypatch.setattr("favorbook.ui.records.ledger.LedgerModel.BATCH", 2)
    page = LedgerView(bus)
    page.refresh()
    assert page.model.rowCount() == 2 and page.model.canFetchMore(QModelIndex())
    qtmodeltester.check(page.model)  # fetches the rest, checking each batch
    assert page.model.rowCount() == 3


def test_the_selection_survives_a_refresh_beyond_the_first_batch(qtbot, bus, people, monkeypatch):
    _, _, ids = people
    monkeypatch.setattr("favorbook.ui.records.ledger.LedgerModel.BATCH", 2)
    page = make_view(qtbot, bus)
    # The oldest favor is past the first batch; selecting it fetches the rows up to it.
    assert page.select_id(ids["intro"])
    page.refresh()
    assert page.current_record().id == ids["intro"]


def test_delete_in_the_filter_box_edits_the_text_not_the_ledger(qtbot, bus, people):
    _, _, ids = people
    page = make_view(qtbot, bus)
    select(page, ids["part"])
    qtbot.keyClicks(page.filter_edit, "part")
    page.filter_edit.setCursorPosition(0)
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Delete)
    assert page.filter_edit.text() == "art"
    assert len(favors.list_favors()) == 3


def test_a_narrow_favors_tab_gives_the_description_the_room_not_the_status(
    qtbot, bus, make_contact
):
    """In a contact's tab at its usual width the description was cut ("Sent me the Tower
    Properti…") while the status kept room for "Open IOU · acknowledged": the status
    gives way first, and says itself whole in its tooltip."""
    from favorbook.ui.records.record_list import STRETCH_MIN

    ann = make_contact("Ann", "Lee")
    iou = favors.log_favor(ann, "received", "Sent me the Tower Properties lead", expectation="iou")
    favors.set_acknowledged(iou)
    tab = show_active(qtbot, LedgerView(bus, ann), 550, 600)
    header = tab.view.horizontalHeader()
    description = tab.model.column_named("description")
    status = tab.model.column_named("status")
    assert header.sectionSize(description) >= STRETCH_MIN
    text = tab.model.index(0, description).data()
    assert tab.view.fontMetrics().horizontalAdvance(text) < header.sectionSize(description) - 8
    assert header.sectionSize(status) < tab.model.columns[status].width
    assert tab.model.index(0, status).data(Qt.ItemDataRole.ToolTipRole) == (
        "Open IOU · acknowledged"
    )
    tab.resize(1100, 600)  # room for both: the status whole again
    qtbot.waitUntil(lambda: header.sectionSize(status) == tab.model.columns[status].width)


def _ledger_read_held(window, make_contact, monkeypatch, *, big_from: int, first: int):
    """The Favors page shown on three favors, a ledger of ``big_from`` or more read on a
    worker, its newest ``first`` first; the read of all of them waits for ``read.open()``.
    The page, the gate and the contact."""
    from favorbook.ui.records import record_list
    from tests.gui.helpers import Gated

    monkeypatch.setattr(record_list, "BACKGROUND_FROM", big_from)
    monkeypatch.setattr(record_list, "FIRST_ROWS", first)
    cid = make_contact("Ann", "Lee")
    for text in ("intro", "lunch", "advice"):
        favors.log_favor(cid, "given", text)
    read = Gated(monkeypatch, favors, "list_favors", when=lambda *a, limit=None: not limit)
    page = window.favors_page
    window.show_page(page)  # back at once, though the reading waits
    return page, read, cid


def test_a_big_ledger_is_read_on_a_worker_thread_while_the_window_answers(
    window, qtbot, make_contact, monkeypatch
):
    """549,064 favors took the window away for seconds when the Favors page was shown:
    from BACKGROUND_FROM favors on they are read on a worker thread. Meanwhile the page
    showed "Reading favors…" for 2-3 s: it shows the newest FIRST_ROWS as soon as they
    are read (on a worker thread of their own), and says it is reading the rest."""
    page, read, _cid = _ledger_read_held(window, make_contact, monkeypatch, big_from=2, first=2)
    assert page.is_loading() and page.empty_label.text() == "Reading favors…"
    qtbot.waitUntil(lambda: page.partial, timeout=5000)  # the newest, from a worker too
    assert page.stack.currentWidget() is page.view
    assert column_texts(page, "description") == ["advice", "lunch"]  # the newest
    assert page.reading_label.isVisible()
    assert page.reading_label.text() == "Reading the rest of the favors…"
    assert "Given <b>3</b>" in page.balance_label.text()  # of the whole ledger already
    window.bus.changed.emit(Change.FAVORS)  # while it reads: read once more afterwards
    read.open()
    qtbot.waitUntil(lambda: not page.is_loading() and page.model.rowCount() == 3, timeout=10000)
    assert read.on_window_thread == [False, False]  # twice, neither on the window's thread
    assert not page.partial and not page.reading_label.isVisible()
    assert page.stack.currentWidget() is page.view
    assert "Given <b>3</b>" in page.balance_label.text()
    assert column_texts(page, "description") == ["advice", "lunch", "intro"]  # newest first
    # Filtered and sorted on the worker thread as the page asks now: typed while reading,
    # the filter holds when the rows come.
    page.filter_edit.setText("lunch")
    read.close()
    window.bus.changed.emit(Change.FAVORS)
    assert page.is_loading()
    page.filter_edit.setText("intro")
    read.open()
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=10000)
    # (a list this long is filtered once typing pauses)
    qtbot.waitUntil(lambda: column_texts(page, "description") == ["intro"], timeout=2000)


def test_a_long_ledger_is_filtered_once_typing_pauses_without_sorting_again(
    window, qtbot, make_contact, monkeypatch
):
    """Each letter typed filtered, then sorted again, half a million favors (0.25 s)."""
    from favorbook.ui.records import record_list

    cid = make_contact("Ann", "Lee")
    for text in ("intro", "lunch", "introduction"):
        favors.log_favor(cid, "given", text)
    page = window.favors_page
    window.show_page(page)
    monkeypatch.setattr(record_list, "BACKGROUND_FROM", 3)
    sorts = []
    real = page.model._sorted
    monkeypatch.setattr(page.model, "_sorted", lambda *a: sorts.append(1) or real(*a))
    page.filter_edit.setText("i")
    page.filter_edit.setText("in")
    assert page.model.rowCount() == 3  # not yet: typing goes on
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=2000)
    assert column_texts(page, "description") == ["introduction", "intro"]
    assert sorts == []  # kept in order: filtering sorts nothing again


def test_a_page_reads_its_records_out_of_the_collectors_way(window, make_contact):
    """Kept by the page, half a million favors made every full collection afterwards walk
    them all (a 0.4 s pause of the window): read with the collector paused, then frozen."""
    import gc

    cid = make_contact("Ann", "Lee")
    favors.log_favor(cid, "given", "intro")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    window.show_page(window.favors_page)
    assert window.favors_page.model.rowCount() == 1
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    gc.unfreeze()


def test_a_change_while_the_newest_are_shown_reads_all_on_the_worker_and_finishes(
    window, qtbot, make_contact, monkeypatch
):
    """A change while the page showed its newest records alone (a favor logged, one
    deleted, a sync) read the whole ledger on the window's thread once the worker was
    done, as for a short ledger (its size was taken from the rows shown), and left the
    page saying it was still reading. A filter typed meanwhile said no favor matched,
    of the newest alone."""
    page, read, cid = _ledger_read_held(window, make_contact, monkeypatch, big_from=3, first=1)
    qtbot.waitUntil(lambda: page.partial, timeout=5000)
    page.filter_edit.setText("intro")  # among the rest only
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty_label, timeout=2000)
    assert page.empty_label.text() == "Reading favors…"
    page.filter_edit.clear()
    favors.log_favor(cid, "given", "newest")
    window.bus.changed.emit(Change.FAVORS)
    read.open()
    qtbot.waitUntil(lambda: not page.is_loading() and page.model.rowCount() == 4, timeout=10000)
    assert read.on_window_thread == [False, False]  # both reads of all on the worker
    assert not page.partial and not page.reading_label.isVisible()
    assert column_texts(page, "description")[0] == "newest"
