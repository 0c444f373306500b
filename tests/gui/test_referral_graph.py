"""The referral picture: the chain up and down from a contact, and a click opens a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from favorbook.services import referrals
from favorbook.services.changes import Change
from favorbook.ui.referral_graph import NodeItem, ReferralGraph


@pytest.fixture
def graph_view(show_widget, bus):
    return show_widget(ReferralGraph(bus), 1000, 700)


@pytest.fixture
def chain(make_contact):
    """Ann brought Ben, Ben brought Cat, Cat brought Dan and Fay, Dan brought Eve; Gus is
    unrelated; Zed (three levels above Cat's grandparent) is out of reach."""
    people = {n: make_contact(n, "Test") for n in ("Zed", "Ann", "Ben", "Cat", "Dan", "Eve")}
    people["Fay"] = make_contact("Fay", "Test")
    people["Gus"] = make_contact("Gus", "Test")
    for source, subject in (
        ("Zed", "Ann"),
        ("Ann", "Ben"),
        ("Ben", "Cat"),
        ("Cat", "Dan"),
        ("Cat", "Fay"),
        ("Dan", "Eve"),
    ):
        referrals.record_inbound(people[source], people[subject])
    return people


def test_shows_the_chain_in_levels(graph_view, chain):
    graph_view.show_contact(chain["Cat"])
    assert graph_view.objectName() == "referralGraph"
    levels = graph_view.levels()
    by_name = {name: levels.get(cid) for name, cid in chain.items()}
    assert by_name == {
        "Zed": -3,
        "Ann": -2,
        "Ben": -1,
        "Cat": 0,
        "Dan": 1,
        "Fay": 1,
        "Eve": 2,
        "Gus": None,
    }
    nodes = graph_view.nodes
    # Ancestors above, descendants below; the selected contact is the highlighted one.
    assert nodes[chain["Ann"]].y() < nodes[chain["Ben"]].y() < nodes[chain["Cat"]].y()
    assert nodes[chain["Cat"]].y() < nodes[chain["Dan"]].y() < nodes[chain["Eve"]].y()
    assert [n.contact_id for n in nodes.values() if n.is_center] == [chain["Cat"]]
    # Siblings side by side, not on top of each other.
    assert nodes[chain["Dan"]].x() != nodes[chain["Fay"]].x()
    assert not graph_view.message
    assert not graph_view.grab().isNull()


def test_clicking_a_node_opens_that_contact(graph_view, chain, qtbot, bus):
    graph_view.show_contact(chain["Cat"])
    node = graph_view.nodes[chain["Ben"]]
    point = graph_view.mapFromScene(node.sceneBoundingRect().center())
    with qtbot.waitSignal(bus.open_contact) as blocker:
        qtbot.mouseClick(graph_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [chain["Ben"]]


def test_a_contact_without_links_gets_a_message(graph_view, chain):
    graph_view.show_contact(chain["Gus"])
    assert graph_view.nodes == {}
    assert "no referral links" in graph_view.message
    graph_view.show_contact(None)
    assert graph_view.message
    assert not graph_view.grab().isNull()


def test_long_names_are_elided(graph_view, make_contact, chain):
    long = make_contact("Maximiliane-Theodora", "Featherstonehaugh-Wolfeschlegelstein")
    referrals.record_inbound(chain["Gus"], long)
    graph_view.show_contact(chain["Gus"])
    item: NodeItem = graph_view.nodes[long]
    label = item.label(graph_view.fontMetrics())
    assert label.endswith("…")
    assert graph_view.fontMetrics().horizontalAdvance(label) < item.boundingRect().width()
    assert item.toolTip() == "Maximiliane-Theodora Featherstonehaugh-Wolfeschlegelstein"


def test_big_tree_keeps_a_readable_scale(graph_view, make_contact):
    root = make_contact("Root", "Person")
    for i in range(40):
        referrals.record_inbound(root, make_contact("Child", f"Number{i}"))
    graph_view.show_contact(root)
    assert len(graph_view.nodes) == 41
    assert graph_view.transform().m11() >= 0.6
    assert graph_view.horizontalScrollBar().maximum() > 0


def test_refreshes_on_a_change(graph_view, chain, bus, make_contact):
    graph_view.show_contact(chain["Gus"])
    newcomer = make_contact("New", "Comer")
    referrals.record_inbound(chain["Gus"], newcomer)
    bus.changed.emit(Change.EVERYTHING)
    assert set(graph_view.node_ids()) == {chain["Gus"], newcomer}
