"""The dashboard shows the services' figures, opens people on a click, and copes with nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from favorbook.services import dashboard as dashboard_service
from favorbook.services import favors, followups
from favorbook.services.changes import Change
from favorbook.ui.dashboard.charts import MonthlyRatioChart, RatioGauge
from favorbook.ui.dashboard.dashboard import ID_ROLE, Dashboard, Entry, EntryModel
from tests.unit.test_dashboard_service import build_network


@pytest.fixture
def make_dashboard(qtbot, bus):
    def make(width=1200, height=800):
        page = Dashboard(bus)
        qtbot.addWidget(page)
        page.resize(width, height)
        page.show()
        qtbot.waitExposed(page)
        return page

    return make


def rows(section) -> list[tuple[int, str]]:
    model = section.list.model()
    return [
        (model.index(r, 0).data(ID_ROLE), model.index(r, 0).data()) for r in range(model.rowCount())
    ]


def test_figures_match_the_services(make_contact, today, make_dashboard):
    net = build_network(make_contact, today)
    page = make_dashboard()
    bal = favors.balance()

    assert page.objectName() == "dashboard"
    assert page.ratio_value.text() == bal.ratio_text() == "3.0:1"
    assert "3 favors given, 1 received" in page.ratio_words.text()
    assert "target 4:1" in page.ratio_words.text()
    assert page.gauge.fill_fraction() == pytest.approx(3.0 / 8.0)
    assert not page.gauge.meets_target()

    bars = page.month_chart.bars()
    assert len(bars) == 12
    assert (bars[-1].given, bars[-1].received) == (3, 1)
    assert all(b.given == b.received == 0 for b in bars[:-1])

    assert [cid for cid, _ in rows(page.i_owe)] == [net.ben]
    assert "Lent us the meeting room" in rows(page.i_owe)[0][1]
    assert today.isoformat() in rows(page.i_owe)[0][1]
    assert [cid for cid, _ in rows(page.owed_to_me)] == [net.ann]
    assert [cid for cid, _ in rows(page.overdue)] == [f.contact_id for f in followups.overdue()]
    assert [cid for cid, _ in rows(page.due)] == [net.dan]
    assert [cid for cid, _ in rows(page.touch)] == [net.eve]
    assert page.touch_card.title.text().endswith("(1)")
    assert [cid for cid, _ in rows(page.revet)] == [net.dan]
    assert "re-vet " in rows(page.revet)[0][1]  # the date says what it is
    assert " d late" not in rows(page.touch)[0][1] and "late" in rows(page.touch)[0][1]
    assert [(b.key, b.value) for b in page.sources_chart.bars()] == [
        (net.ann, 5000.0),
        (net.ben, 5000.0),
    ]
    assert not page.ious_empty.isVisibleTo(page)
    assert not page.sources_empty.isVisibleTo(page)


def test_clicking_an_entry_opens_that_contact(make_contact, today, make_dashboard, qtbot, bus):
    net = build_network(make_contact, today)
    page = make_dashboard()
    view = page.owed_to_me.list
    rect = view.visualRect(view.model().index(0, 0))
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [net.ann]

    view = page.overdue.list
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [net.cat]


def test_clicking_a_source_bar_opens_that_contact(make_contact, today, make_dashboard, qtbot, bus):
    net = build_network(make_contact, today)
    page = make_dashboard()
    chart = page.sources_chart
    second = chart.row_rect(1).center().toPoint()
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=second)
    assert blocker.args == [net.ben]


def test_empty_database_shows_empty_states(make_dashboard):
    page = make_dashboard()
    assert page.ratio_value.text() == "–"
    assert "No favors logged yet" in page.ratio_words.text()
    assert page.gauge.fill_fraction() == 0
    for label in (
        page.ious_empty,
        page.followups_empty,
        page.touch.empty,
        page.revet.empty,
        page.sources_empty,
    ):
        assert label.isVisibleTo(page), label.objectName()
        assert label.text()
    for section in (page.i_owe, page.owed_to_me, page.overdue, page.due):
        assert not section.isVisibleTo(page)
    assert not page.sources_chart.isVisibleTo(page)
    assert "No favors in the last 12 months" in page.months_note.text()
    for width, height in ((900, 600), (1600, 1000)):
        page.resize(width, height)
        assert not page.grab().isNull()


def test_long_lists_are_capped_with_a_count(make_contact, today, make_dashboard):
    import datetime as dt

    for i in range(dashboard_service.LIST_CAP + 3):
        cid = make_contact("Pat", f"Number{i}")
        followups.add_followup(cid, today - dt.timedelta(days=i + 1), f"Task {i}")
    page = make_dashboard()
    assert page.overdue.list.model().rowCount() == dashboard_service.LIST_CAP
    assert page.overdue.more.isVisibleTo(page)
    assert page.overdue.more.text() == "and 3 more"
    # The list is tall enough for every row: nothing scrolls out of sight.
    view = page.overdue.list
    last = view.visualRect(view.model().index(dashboard_service.LIST_CAP - 1, 0))
    assert last.bottom() <= view.viewport().height()


def test_cards_reflow_with_the_width(make_contact, today, make_dashboard, qtbot):
    build_network(make_contact, today)
    page = make_dashboard(900, 700)
    assert page.columns() == 2
    page.resize(1600, 900)
    qtbot.waitUntil(lambda: page.columns() == 3)
    # No card is cut off at the right edge of the scroll area.
    content = page.scroll.viewport().width()
    for card in page.list_cards + [page.ratio_card, page.months_card]:
        right = card.mapTo(page.content, QPoint(card.width(), 0)).x()
        assert right <= content, card.objectName()


def test_data_change_refreshes_when_shown(make_contact, today, make_dashboard, bus):
    page = make_dashboard()
    assert page.ious_empty.isVisibleTo(page)
    ann = make_contact()
    favors.log_favor(ann, "received", "Advice on pricing", expectation="iou")
    bus.changed.emit(Change.EVERYTHING)
    assert not page.ious_empty.isVisibleTo(page)
    assert [cid for cid, _ in rows(page.i_owe)] == [ann]


def test_charts_paint_at_several_sizes(make_contact, today, make_dashboard, qtbot):
    build_network(make_contact, today)
    page = make_dashboard()
    for width, height in ((900, 700), (1200, 800), (1600, 1000)):
        page.resize(width, height)
        assert not page.grab().isNull()
    for widget in (RatioGauge(), MonthlyRatioChart()):
        qtbot.addWidget(widget)
        for width, height in ((40, 20), (300, 120), (800, 300)):
            widget.resize(width, height)
            assert not widget.grab().isNull()


def test_gauge_scale_grows_for_a_high_ratio(qtbot):
    gauge = RatioGauge()
    qtbot.addWidget(gauge)
    gauge.set_values(11.0, 4.0, 11)
    assert gauge.scale_end() == 12.0
    assert gauge.meets_target()
    gauge.set_values(None, 4.0, 5)  # given, nothing taken
    assert gauge.fill_fraction() == 1.0
    assert gauge.meets_target()


def test_entry_model_passes_qtmodeltester(qtmodeltester, qtbot):
    model = EntryModel()
    model.set_entries([Entry(1, "Ann — coffee"), Entry(2, "Ben — advice", "tip")])
    qtmodeltester.check(model)
    model.set_entries([])
    qtmodeltester.check(model)


def test_making_the_dashboard_leaves_the_window_active(window, qtbot):
    """The dashboard is made when first shown, after the window: a section's heading
    shown before it had a parent opened as a window of its own and took the activation
    (the window's shortcuts then did nothing)."""
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    Dashboard(window.bus)
    QApplication.processEvents()
    assert QApplication.activeWindow() is window


def test_big_counts_in_the_headings_have_thousands_separators(make_dashboard, monkeypatch):
    """At 100,000 contacts the headings read "Overdue (14082)" beside "Due for a touch
    (47,805)": every count is written the same way."""
    from dataclasses import replace

    from favorbook.services.dashboard import Capped

    real = dashboard_service.gather

    def big():
        data = real()
        return replace(
            data,
            overdue=Capped([], 14082),
            due=Capped([], 8305),
            i_owe=Capped([], 13492),
            owed_to_me=Capped([], 47665),
        )

    monkeypatch.setattr(dashboard_service, "gather", big)
    page = make_dashboard()
    headings = [s.heading.text() for s in (page.overdue, page.due, page.i_owe, page.owed_to_me)]
    assert headings == [
        "Overdue (14,082)",
        "Due in the next 7 days (8,305)",
        "I owe (13,492)",
        "Owed to me (47,665)",
    ]
