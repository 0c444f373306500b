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
