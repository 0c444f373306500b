"""What keeps opening a contact fast, guarded without timing it: the collector does not walk
what start-up built, only the tab shown is filled, and an open runs the same number of
queries however much history the contact has."""

from __future__ import annotations

import gc

from favorbook.services._common import YOUNG_COLLECTION


def test_start_up_freezes_what_it_built_and_collects_the_young_less_often(window):
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
