"""What keeps opening a contact fast, guarded without timing it: the collector does not walk
what start-up built, only the tab shown is filled, and an open runs the same number of
queries however much history the contact has."""

from __future__ import annotations

import datetime as dt
import gc

from favorbook.services._common import YOUNG_COLLECTION
from tests.perf_guards import capture_sql


def test_start_up_freezes_what_it_built_and_collects_the_young_less_often(db, qtbot, monkeypatch):
    import favorbook.services._common as common
    from favorbook.ui.shell.main_window import MainWindow

    # As in a new process: a test before may have settled the heap, then unfrozen it.
    monkeypatch.setattr(common, "_heap_settled", False)
    gc.unfreeze()
    window = MainWindow(str(db))
    qtbot.addWidget(window)
    window.finish_start()  # after the first paint
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] >= YOUNG_COLLECTION


def test_the_referral_graph_builds_no_spatial_index_for_its_dozen_people(bus, qtbot):
    from PySide6.QtWidgets import QGraphicsScene

    from favorbook.ui.network.referral_graph import ReferralGraph

    graph = ReferralGraph(bus)
    qtbot.addWidget(graph)
    assert graph.scene().itemIndexMethod() == QGraphicsScene.ItemIndexMethod.NoIndex


def test_a_day_is_formatted_once_in_the_locales_format(qapp):
    import datetime as dt

    from PySide6.QtCore import QLocale

    from favorbook.render.locale_dates import day_formats

    short, long = day_formats(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    day = dt.date(2026, 3, 4)
    assert [short(day), short(day)] == ["04.03.26", "04.03.26"]
    assert long(day) == "4. März 2026"
    assert short.cache_info().hits == 1  # each table repaint asks again


def _history(make_contact, today, size: int) -> int:
    """A contact with ``size`` of everything every tab shows."""
    from favorbook.services import contacts, conversations, favors, followups, referrals, vetting

    who = make_contact(
        f"Size{size}", "Person", needs="a tax accountant\na plumber", goals="Grow", offers="Advice"
    )
    helper = make_contact(f"Helper{size}", "Trusted", offers="tax accounting")
    vetting.set_vetting(helper, "trusted", trusted_for="tax returns")
    vetting.set_vetting(who, "in_review", trusted_for="advice")
    referrals.record_inbound(helper, who)
    for n in range(size):
        favors.log_favor(who, "given" if n % 2 else "received", f"Favor {n}", expectation="iou")
        conversations.log_conversation(who, "inbound", f"Call {n}", occurred_at=today)
        followups.add_followup(who, today + dt.timedelta(days=n + 1), f"Task {n}")
        contacts.add_note(who, f"Note {n}", private=bool(n % 2))
        vetting.add_note(who, f"Vetting note {n}", vouched_by_id=helper)
        other = make_contact(f"Brought{size}x{n}", "Person")
        referrals.record_inbound(who, other)
    return who


def _open_every_tab(window, contact_id: int) -> list[int]:
    """Open the contact as the list does, then show each tab: the queries each step ran."""
    page = window.contacts_page
    page.tabs.setCurrentIndex(0)
    page.select_contact(None)
    counts = []
    with capture_sql() as ran:
        page.show_contact(contact_id)
    assert page.tabs.isVisible()
    counts.append(len([s for s in ran.selects if "data_version" not in s]))
    for index in range(1, page.tabs.count()):
        with capture_sql() as ran:
            page.tabs.setCurrentIndex(index)
        counts.append(len([s for s in ran.selects if "data_version" not in s]))
    return counts


def test_opening_a_contact_fills_the_tab_shown_and_the_others_as_they_are_shown(
    window, make_contact, today
):
    ann = _history(make_contact, today, 2)
    page = window.contacts_page
    page.reload()  # the list, not the welcome page of an empty network
    page.tabs.setCurrentIndex(0)
    page.show_contact(ann)
    assert window.profile.contact_id == ann
    for view in (window.contact_favors, window.call_prep, window.vetting_tab, window.match_panel):
        assert view.contact_id != ann  # not filled until its tab is shown
    page.tabs.setCurrentIndex(page.tabs.indexOf(window.call_prep))
    assert window.call_prep.contact_id == ann


def test_opening_a_contact_runs_as_many_queries_however_long_its_history(
    window, make_contact, today
):
    first, small = _history(make_contact, today, 1), _history(make_contact, today, 2)
    large = _history(make_contact, today, 12)
    window.contacts_page.reload()  # the list, not the welcome page of an empty network
    _open_every_tab(window, first)  # the first open builds what later ones reuse
    few, many = _open_every_tab(window, small), _open_every_tab(window, large)
    assert few == many
    # The profile reads the briefing the later tabs share (call prep and vetting run no
    # query), each list one query; referrals read the graph and match each need.
    assert many[1:5] == [1, 1, 1, 0] and many[6] == 0, many
    assert sum(many) <= 36, many
