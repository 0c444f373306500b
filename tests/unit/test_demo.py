"""The sample network: deterministic, safe beside the user's own data, and rich enough
to show every feature."""

import pytest

from favorbook.db.models import Contact
from favorbook.sample import demo
from favorbook.services import (
    contacts,
    favors,
    referrals,
    search,
    vetting,
)
from favorbook.services.dates import local_date


def _sample_names():
    query = Contact.select(Contact.display_name).where(Contact.is_sample == True)  # noqa: E712
    return sorted(c.display_name for c in query)


@pytest.fixture
def sample(db):
    assert demo.load() == 60
    return contacts.list_ids()


def test_default_is_sixty_contacts(sample):
    assert len(sample) == 60
    assert contacts.count_contacts() == 60


def test_same_seed_same_people_other_seed_others(db, data_dir):
    demo.load(20, seed=7)
    first = _sample_names()
    demo.load(20, seed=7)
    assert _sample_names() == first
    demo.load(20, seed=8)
    assert _sample_names() != first
    assert len(_sample_names()) == 20


def test_rerunning_replaces_the_sample(sample):
    demo.load(60, seed=2)
    assert contacts.count_contacts() == 60
    demo.load(10, seed=3)
    assert contacts.count_contacts() == 10
    assert len(favors.list_favors()) == sum(
        len(favors.list_favors(cid)) for cid in contacts.list_ids()
    )
    # search finds only people who still exist
    everyone = set(contacts.list_ids())
    for word in ("a", "e", "o", "golf", "tax"):
        assert set(search.search_ids(word)) <= everyone


def test_own_contacts_refuse_the_sample(make_contact):
    mine = make_contact("Mine", "Own")
    with pytest.raises(demo.SampleRefused, match="1 contacts of your own"):
        demo.load(10)
    assert contacts.list_ids() == [mine]


def test_force_adds_beside_own_contacts_and_leaves_them_untouched(make_contact):
    mine = make_contact("Mine", "Own", offers="my own offer", tags=["mine"])
    favors.log_favor(mine, "given", "My favor")
    before = contacts.get_contact(mine)
    demo.load(15, force=True)
    demo.load(15, seed=5, force=True)  # a second run replaces only the sample
    assert contacts.count_contacts() == 16
    assert contacts.count_contacts(include_sample=False) == 1
    assert contacts.get_contact(mine) == before
    assert [f.description for f in favors.list_favors(mine)] == ["My favor"]
    assert search.search_ids("tag:mine") == [mine]


def test_zero_contacts_is_refused(db):
    with pytest.raises(demo.SampleRefused):
        demo.load(0)


def test_every_vetting_status_is_shown(sample):
    statuses = {vetting.status_of(cid) for cid in sample}
    assert statuses == set(vetting.STATUSES)
    trusted = [cid for cid in sample if vetting.status_of(cid) == "trusted"]
    assert all(vetting.get(cid).trusted_for for cid in trusted)


def test_a_referral_chain_three_links_deep(sample):
    assert max(len(referrals.chain_up(cid)) for cid in sample) >= 3


def test_open_ious_both_ways(sample):
    assert favors.open_ious("given")
    assert favors.open_ious("received")
    bal = favors.balance()
    assert bal.given > bal.received > 0


def test_sample_data_is_consistent_with_the_services(sample, today):
    # stay-in-touch dates follow the conversation log, as logging one would make them
    for cid in sample[:20]:
        got = contacts.get_contact(cid)
        if got.cadence_days:
            base = local_date(got.last_interaction_at or got.created_at)
            assert (got.touch_due_on - base).days == got.cadence_days
    # the sample is searchable
    someone = contacts.get_contact(sample[0])
    assert sample[0] in search.search_ids(someone.last_name)


def test_progress_is_reported_to_the_end(db):
    seen = []
    demo.load(5, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_reloading_a_smaller_sample_leaves_no_stale_search_rows(db):
    from favorbook.db.models import db as peewee_db

    demo.load(40)
    demo.load(10)
    stale = peewee_db.execute_sql(
        "SELECT count(*) FROM contact_fts WHERE rowid NOT IN (SELECT id FROM contact)"
    ).fetchone()[0]
    assert stale == 0


def test_sample_shows_a_recommendation_made_with_an_override(db):
    from favorbook.db.models import Referral

    demo.load(60)
    overrides = Referral.select().where(Referral.override_reason.is_null(False))
    assert overrides.count() >= 1
    assert all(r.kind == "outbound" for r in overrides)


def test_remove_sample_keeps_the_users_own_contacts(db, make_contact):
    from favorbook.db import models
    from favorbook.db.models import Favor, Organization

    own = make_contact("Own", "Person")
    demo.load(force=True)
    stranger = next(i for i in contacts.list_ids() if i != own)
    kept = favors.log_favor(own, "given", "Introduced them", beneficiary_id=stranger)
    assert demo.has_sample()
    assert demo.remove_sample() == 60
    assert not demo.has_sample()
    assert contacts.list_ids() == [own]
    favor = Favor.get_by_id(kept)
    assert favor.beneficiary_id is None
    assert Favor.select().count() == 1  # the sample's own favors went with them
    fts = models.db.execute_sql("SELECT rowid FROM contact_fts").fetchall()
    assert fts == [(own,)]
    assert not Organization.select().where(Organization.name == "Brightline Facilities").exists()
    assert demo.remove_sample() == 0


def test_remove_sample_is_one_transaction(sample, monkeypatch):
    from favorbook.db.models import Tag

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(Tag, "delete", broken)
    with pytest.raises(RuntimeError):
        demo.remove_sample()
    assert contacts.count_contacts() == 60
