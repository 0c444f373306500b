"""Referrals: chains of who brought whom, and recommendations guarded by vetting."""

import pytest

from favorbook.db.models import Referral
from favorbook.errors import NotTrustedError, ValidationError
from favorbook.services import contacts, referrals, vetting


@pytest.fixture
def chain(make_contact):
    """Ann brought Bob, Bob brought Carla, Carla brought Dev, Dev brought Eve."""
    ids = [make_contact(name, "Chain") for name in ("Ann", "Bob", "Carla", "Dev", "Eve")]
    for source, subject in zip(ids, ids[1:], strict=False):
        referrals.record_inbound(source, subject)
    return ids


def test_chain_up_is_nearest_first(chain):
    ann, bob, carla, dev, eve = chain
    assert referrals.chain_up(eve) == [dev, carla, bob, ann]
    assert referrals.chain_up(carla) == [bob, ann]
    assert referrals.chain_up(ann) == []
    assert referrals.referred_by(eve) == dev


def test_brought_by_with_levels(chain, make_contact):
    ann, bob, carla, dev, eve = chain
    other = make_contact("Olga", "Other")
    referrals.record_inbound(ann, other)
    assert referrals.brought_by(ann) == [(bob, 1), (other, 1), (carla, 2), (dev, 3), (eve, 4)]
    assert referrals.brought_by(ann, depth=2) == [(bob, 1), (other, 1), (carla, 2)]
    assert referrals.brought_by(eve) == []


def test_a_new_source_replaces_the_old_one(chain, make_contact):
    ann, bob, carla, dev, eve = chain
    zed = make_contact("Zed")
    referrals.record_inbound(zed, eve)
    assert referrals.chain_up(eve) == [zed]
    assert eve not in [c for c, _ in referrals.brought_by(dev)]
    assert contacts.get_contact(eve).referred_by_id == zed


@pytest.mark.parametrize(("source", "subject"), [(1, 0), (4, 0), (4, 2), (2, 2)])
def test_cycles_are_refused(chain, source, subject):
    source, subject = chain[source], chain[subject]
    before = referrals.chain_up(chain[4])
    with pytest.raises(ValidationError) as info:
        referrals.record_inbound(source, subject)
    assert info.value.field == "referred_by"
    assert referrals.chain_up(chain[4]) == before


def test_two_person_cycle_is_refused(make_contact):
    a, b = make_contact("A"), make_contact("B")
    referrals.record_inbound(b, a)  # A referred by B
    with pytest.raises(ValidationError):
        referrals.record_inbound(a, b)  # B referred by A
    # also through the contact form
    data = contacts.get_contact(b).to_input()
    data.referred_by_id = a
    with pytest.raises(ValidationError) as info:
        contacts.update_contact(b, data)
    assert info.value.field == "referred_by"
    assert contacts.get_contact(b).referred_by_id is None
    assert referrals.chain_up(a) == [b]


def test_recommending_an_unvetted_person_needs_an_override(make_contact):
    subject, client = make_contact("Sam", "Plumber"), make_contact("Cleo", "Client")
    for reason in (None, "", "   "):
        with pytest.raises(NotTrustedError) as info:
            referrals.recommend(subject, client, override_reason=reason)
        assert info.value.field == "override_reason"
        assert info.value.status == "unvetted"
        assert "Sam Plumber" in str(info.value)
    assert Referral.select().where(Referral.kind == "outbound").count() == 0
    assert referrals.for_contact(client).recommended_to_them == []


@pytest.mark.parametrize("status", ["in_review", "not_recommended", "unvetted"])
def test_override_is_recorded_with_the_recommendation(make_contact, status):
    subject, client = make_contact("Sam", "Plumber"), make_contact("Cleo", "Client")
    vetting.set_vetting(subject, status)
    rid = referrals.recommend(subject, client, override_reason="Only one available this week")
    (view,) = referrals.for_contact(client).recommended_to_them
    assert view.id == rid
    assert (view.subject_id, view.subject, view.recipient_id) == (subject, "Sam Plumber", client)
    assert view.override_reason == "Only one available this week"
    assert [r.id for r in referrals.for_contact(subject).recommended_them] == [rid]


def test_trusted_person_needs_no_override(make_contact):
    subject, client = make_contact("Sam", "Plumber"), make_contact("Cleo", "Client")
    vetting.set_vetting(subject, "trusted", trusted_for="emergency plumbing")
    referrals.recommend(subject, client)
    referrals.recommend(subject, client, override_reason="not needed")
    views = referrals.for_contact(client).recommended_to_them
    assert len(views) == 2
    assert all(v.override_reason is None for v in views)


def test_cannot_recommend_someone_to_themselves(make_contact):
    sam = make_contact("Sam")
    vetting.set_vetting(sam, "trusted", trusted_for="plumbing")
    with pytest.raises(ValidationError) as info:
        referrals.recommend(sam, sam)
    assert info.value.field == "recipient"


def test_for_contact_shows_both_sides(chain):
    ann, bob, carla, _dev, _eve = chain
    mine = referrals.for_contact(bob)
    assert (mine.brought_by.source_id, mine.brought_by.source) == (ann, "Ann Chain")
    assert [(r.subject_id, r.subject) for r in mine.brought] == [(carla, "Carla Chain")]
    assert referrals.for_contact(ann).brought_by is None


def test_top_sources_credit_every_link_up_the_chain(chain):
    ann, bob, carla, dev, eve = chain
    won = Referral.get((Referral.kind == "inbound") & (Referral.subject == eve)).id
    lost = Referral.get((Referral.kind == "inbound") & (Referral.subject == carla)).id
    referrals.set_outcome(won, "won", "25000")
    referrals.set_outcome(lost, "lost")
    sources = {s.contact_id: s for s in referrals.top_sources(limit=None)}
    assert set(sources) == {ann, bob, carla, dev}
    for cid in (ann, bob, carla, dev):
        assert sources[cid].won == 1
        assert sources[cid].won_value == 25000.0
    assert (sources[ann].brought, sources[dev].brought) == (4, 1)
    assert referrals.credited_value(ann) == 25000.0
    assert referrals.credited_value(eve) == 0.0
    # ranked by value, then by how many they brought
    assert [s.contact_id for s in referrals.top_sources(limit=2)] == [ann, bob]


def test_invalid_outcome_or_value_is_refused_and_not_saved(chain):
    rid = Referral.get(Referral.subject == chain[1]).id
    for bad in ("lots", -5):
        with pytest.raises(ValidationError) as info:
            referrals.set_outcome(rid, "won", bad)
        assert info.value.field == "value"
    with pytest.raises(ValidationError) as info:
        referrals.set_outcome(rid, "maybe")
    assert info.value.field == "outcome"
    assert all((s.won, s.won_value) == (0, 0.0) for s in referrals.top_sources(limit=None))
    assert Referral.get_by_id(rid).outcome == "pending"


def test_graph_levels_up_and_down(chain, make_contact):
    ann, bob, carla, dev, eve = chain
    side = make_contact("Sid", "Side")
    referrals.record_inbound(carla, side)
    g = referrals.graph(carla, up=1, down=1)
    assert g.levels == {carla: 0, bob: -1, dev: 1, side: 1}
    assert g.nodes[bob] == "Bob Chain"
    assert set(g.edges) == {(bob, carla), (carla, dev), (carla, side)}
    full = referrals.graph(carla)
    assert full.levels == {carla: 0, bob: -1, ann: -2, dev: 1, side: 1, eve: 2}


def test_archived_people_stay_in_chains(chain):
    ann, bob, carla, dev, eve = chain
    contacts.archive_contact(carla)
    assert referrals.chain_up(eve) == [dev, carla, bob, ann]


def test_correcting_who_brought_someone_keeps_what_came_of_it(make_contact):
    a, b, c = make_contact("A", "One"), make_contact("B", "Two"), make_contact("C", "Three")
    rid = referrals.record_inbound(a, c)
    referrals.set_outcome(rid, "won", 50_000)
    referrals.mark_thanks(rid)
    referrals.record_inbound(b, c)  # it was B, not A
    view = referrals.for_contact(c).brought_by
    assert (view.source_id, view.outcome, view.value, view.thanks_sent) == (b, "won", 50_000, True)
    assert referrals.credited_value(b) == 50_000
    assert referrals.credited_value(a) == 0


def test_list_referrals_recent_first_and_by_kind(make_contact):
    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan")
    cy = make_contact("Cy", "Dale")
    old = referrals.record_inbound(ann, bo, occurred_on="2026-01-05")
    vetting.set_vetting(bo, "trusted", trusted_for="tax")
    new = referrals.recommend(bo, cy, occurred_on="2026-02-01")
    assert [r.id for r in referrals.list_referrals()] == [new, old]
    assert [r.id for r in referrals.list_referrals("inbound")] == [old]
    assert [r.id for r in referrals.list_referrals("outbound", limit=1)] == [new]
    assert referrals.get_referral(new).recipient == "Cy Dale"
