"""The match panel: who the rep trusts to meet a contact's needs, and Introduce."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel

from favorbook.services import referrals, vetting
from favorbook.ui.network.matching import MatchPanel
from tests.gui.helpers import wrap_widths


@pytest.fixture
def panel(show_widget, bus):
    return show_widget(MatchPanel(bus), 700, 500)


@pytest.fixture
def people(make_contact):
    client = make_contact("Cora", "Client", needs="a tax accountant\na plumber for the office")
    trusted = make_contact("Tess", "Trusted", offers="tax accounting for small firms")
    vetting.set_vetting(trusted, "trusted", trusted_for="tax returns and accounting")
    unvetted = make_contact("Ulf", "Unvetted", offers="tax accounting")
    return {"client": client, "trusted": trusted, "unvetted": unvetted}


def test_lists_trusted_matches_per_need(panel, people):
    panel.show_contact(people["client"])
    assert panel.objectName() == "matchPanel"
    assert [r.match.contact_id for r in panel.rows] == [people["trusted"]]
    row = panel.rows[0]
    assert "Tess Trusted" in row.name.text()
    assert row.trusted.text() == "Trusted for: tax returns and accounting"
    assert "tax" in row.why.text() and "accounting" in row.why.text()
    assert row.button.isEnabled()
    # The plumbing need has nobody; it says so.
    needs = [w.text() for w in panel.content.findChildren(type(row.name), "matchNeed")]
    assert needs == ["Needs: a tax accountant", "Needs: a plumber for the office"]
    assert len(panel.content.findChildren(type(row.name), "matchNone")) == 1
    assert not panel.empty.isVisibleTo(panel)


def test_introduce_records_a_recommendation(panel, people, qtbot, bus):
    panel.show_contact(people["client"])
    button = panel.rows[0].button
    with (
        qtbot.waitSignal(bus.changed),
        qtbot.waitSignal(bus.message) as message,
    ):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    made = referrals.for_contact(people["client"]).recommended_to_them
    assert [(r.subject_id, r.recipient_id) for r in made] == [(people["trusted"], people["client"])]
    assert "Tess Trusted" in message.args[0]
    # Shown again, the match says it was done and offers no second introduction.
    row = panel.rows[0]
    assert row.button.text() == "Introduced"
    assert not row.button.isEnabled()


def test_clicking_a_name_opens_the_contact(panel, people, qtbot, bus):
    panel.show_contact(people["client"])
    with qtbot.waitSignal(bus.open_contact) as blocker:
        panel.rows[0].name.linkActivated.emit(str(people["trusted"]))
    assert blocker.args == [people["trusted"]]


def test_no_needs_stated(panel, make_contact):
    quiet = make_contact("Quinn", "Quiet")
    panel.show_contact(quiet)
    assert panel.rows == []
    assert panel.empty.isVisibleTo(panel)
    assert "no needs written down" in panel.empty.text()
    panel.show_contact(None)
    assert panel.empty.isVisibleTo(panel)


def test_nobody_trusted_matches(panel, make_contact):
    client = make_contact("Nia", "Needy", needs="a harpsichord tuner")
    make_contact("Ivo", "Unvetted", offers="harpsichord tuning")
    panel.show_contact(client)
    assert panel.rows == []
    assert panel.empty.isVisibleTo(panel)
    assert "Nobody you trust matches" in panel.empty.text()
    # The need is still shown, without a second "nobody" line under it.
    assert [w.isVisibleTo(panel) for w in panel.content.findChildren(QLabel, "matchNone")] == [
        False
    ]


def _shown(panel, name: str) -> list[QLabel]:
    return [w for w in panel.content.findChildren(QLabel, name) if w.isVisibleTo(panel)]


def test_showing_another_contact_replaces_the_rows(panel, people, make_contact, qtbot):
    panel.show_contact(people["client"])
    other = make_contact("Otto", "Other", needs="someone for accounting")
    panel.show_contact(other)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [r.match.contact_id for r in panel.rows] == [people["trusted"]]
    assert len(_shown(panel, "matchNeed")) == 1


def test_another_contact_reuses_the_rows_shown_and_hides_the_rest(panel, people, make_contact):
    panel.show_contact(people["client"])
    row, titles = panel.rows[0], _shown(panel, "matchNeed")
    other = make_contact("Otto", "Other", needs="someone for accounting")
    panel.show_contact(other)
    assert panel.rows == [row]  # filled anew, not built again
    assert row.match.contact_id == people["trusted"] and row.why.text()
    kept = _shown(panel, "matchNeed")
    assert kept == titles[:1] and kept[0].text() == "Needs: someone for accounting"
    assert _shown(panel, "matchNone") == []  # Otto's need has a match
    panel.show_contact(people["client"])
    assert len(_shown(panel, "matchNeed")) == 2
    assert len(_shown(panel, "matchNone")) == 1


def test_contacts_shown_in_turn_build_no_widget_after_the_first(
    panel, people, make_contact, monkeypatch
):
    """A contact with fewer needs and matches than the one before leaves the rest of the
    widgets hidden for the next, not deleted: each was built (and its button polished, a
    millisecond) again every time a contact with more came after one with fewer."""
    from favorbook.ui.network import matching as matching_view

    other = make_contact("Otto", "Other", needs="someone for accounting")
    panel.show_contact(people["client"])
    panel.show_contact(other)
    built: list[str] = []
    for kind, make in (("row", "_new_row"), ("title", "_new_title"), ("none", "_new_none")):
        original = getattr(matching_view.MatchPanel, make)
        monkeypatch.setattr(
            matching_view.MatchPanel,
            make,
            lambda self, original=original, kind=kind: built.append(kind) or original(self),
        )
    for contact in (people["client"], other, people["client"]):
        panel.show_contact(contact)
    assert built == []
    assert len(_shown(panel, "matchNeed")) == 2 and len(_shown(panel, "matchNone")) == 1
    assert [r.match.contact_id for r in panel.rows] == [people["trusted"]]
    assert all(r.isVisibleTo(panel) for r in panel.rows)


def test_the_lists_size_hint_lays_no_label_out(show_widget, bus, people, monkeypatch):
    """The scroll area gives the list of needs and matches its own width and asks the
    height for that; the list's size hint needs no label laid out (as a plain widget it
    laid each need's title out again at a width it never has, for every contact shown)."""
    asked = wrap_widths(monkeypatch)
    panel = show_widget(MatchPanel(bus), 700, 500)
    panel.show_contact(people["client"])
    QCoreApplication.processEvents()
    assert asked  # the need titles are laid out for the list's width
    asked.clear()
    panel.content.layout().invalidate()
    hint = panel.content.sizeHint()
    assert asked == []
    assert hint.width() == panel.content.layout().sizeHint().width()
