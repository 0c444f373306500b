"""Matching needs to offers: whom in the trusted network a stated need can go to."""

import pytest

from favorbook.services import contacts, matching, vetting


@pytest.fixture
def accountants(make_contact):
    def offering(first, status, offers="tax accounting for small firms", trusted_for=None):
        cid = make_contact(first, "Accountant", offers=offers)
        if status:
            tf = trusted_for or ("bookkeeping" if status == "trusted" else None)
            vetting.set_vetting(cid, status, trusted_for=tf)
        return cid

    people = {
        "trusted": offering("Tina", "trusted"),
        "unvetted": offering("Uma", None),
        "in_review": offering("Ian", "in_review"),
        "rejected": offering("Nora", "not_recommended"),
        "archived": offering("Arlo", "trusted"),
        "plumber": offering("Pete", "trusted", offers="emergency plumbing", trusted_for="pipes"),
    }
    contacts.archive_contact(people["archived"])
    return people


def test_need_matches_trusted_offer_only(accountants):
    found = matching.matches_for_need("a good tax accountant")
    assert [m.contact_id for m in found] == [accountants["trusted"]]
    (match,) = found
    assert match.name == "Tina Accountant"
    assert match.offers == "tax accounting for small firms"


def test_trusted_for_text_is_matched_too(make_contact):
    ann = make_contact("Ann", offers="")
    vetting.set_vetting(ann, "trusted", trusted_for="payroll and bookkeeping")
    assert [m.contact_id for m in matching.matches_for_need("someone for our payroll")] == [ann]


def test_the_person_with_the_need_is_not_matched_to_themselves(accountants):
    me = accountants["trusted"]
    assert [m.contact_id for m in matching.matches_for_need("tax accountant")] == [me]
    assert matching.matches_for_need("tax accountant", exclude=me) == []
    data = contacts.get_contact(me).to_input()
    data.needs = "a tax accountant for my own books"
    contacts.update_contact(me, data)
    (need,) = matching.matches_for_contact(me)
    assert need.matches == []


def test_archived_person_comes_back_once_restored(accountants):
    contacts.restore_contact(accountants["archived"])
    found = {m.contact_id for m in matching.matches_for_need("tax accountant")}
    assert found == {accountants["trusted"], accountants["archived"]}


def test_need_of_only_filler_words_matches_nobody(accountants):
    assert matching.matches_for_need("we need someone good") == []
    assert matching.matches_for_need("") == []
    assert matching.matches_for_need('"* NEAR( OR') == []


def test_unrelated_need_matches_nobody(accountants):
    assert matching.matches_for_need("a wedding photographer") == []


def test_better_match_ranks_first(make_contact):
    broad = make_contact("Bea", "Broad", offers="consulting, tax questions now and then")
    exact = make_contact("Ed", "Exact", offers="tax accounting")
    for cid in (broad, exact):
        vetting.set_vetting(cid, "trusted", trusted_for="numbers")
    found = [m.contact_id for m in matching.matches_for_need("tax accountant")]
    assert found == [exact, broad]


def test_matches_for_contact_splits_needs_by_line(accountants, make_contact):
    client = make_contact(
        "Cleo",
        "Client",
        needs="- a tax accountant\n\n• a plumber for emergencies\n  * a harpist  ",
    )
    result = matching.matches_for_contact(client)
    assert [n.need for n in result] == [
        "a tax accountant",
        "a plumber for emergencies",
        "a harpist",
    ]
    assert [m.contact_id for m in result[0].matches] == [accountants["trusted"]]
    assert [m.contact_id for m in result[1].matches] == [accountants["plumber"]]
    assert result[2].matches == []


def test_contact_without_needs_has_no_matches(make_contact):
    assert matching.matches_for_contact(make_contact()) == []


def test_person_no_longer_trusted_drops_out(accountants):
    vetting.set_vetting(accountants["trusted"], "not_recommended")
    assert matching.matches_for_need("tax accountant") == []


def test_the_full_text_index_leads_the_match(accountants):
    """A need is looked up in the full-text index first; the vetting and contact rows of
    the hits are read by key (led by the 22,000 trusted people of a large network, the
    full-text query would run once for each of them)."""
    from tests.perf_guards import plan

    steps = plan(matching.MATCH_SQL, ('{offers trusted_for} : ("tax"*)', 0, 5))
    scans = [s for s in steps if s.startswith("SCAN")]
    assert scans[0].startswith("SCAN f VIRTUAL TABLE INDEX"), steps
    assert not any(s.startswith(("SCAN v", "SCAN c")) for s in steps), steps
    assert any(s.startswith("SEARCH v USING INTEGER PRIMARY KEY") for s in steps), steps


@pytest.fixture
def tied(make_contact):
    """Eight trusted people offering the same (one score), two of them archived."""
    ids = {}
    for first in ("Abe", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"):
        ids[first] = make_contact(first, "Tied", offers="tax accounting")
        vetting.set_vetting(ids[first], "trusted", trusted_for="numbers")
    ids["Best"] = make_contact("Zed", "Best", offers="tax accounting tax accounting")
    vetting.set_vetting(ids["Best"], "trusted", trusted_for="tax")
    return ids


def _every_match(need: str, exclude: int = 0, limit: int = 10) -> list[matching.Match]:
    expr = (
        "{offers trusted_for} : (" + " OR ".join(f'"{t}"*' for t in matching.need_terms(need)) + ")"
    )
    rows = matching.db.execute_sql(matching.MATCH_SQL, (expr, exclude, limit))
    return [matching.Match(*row) for row in rows]


@pytest.mark.parametrize("archived", [(), ("Abe", "Bo"), ("Best",), ("Best", "Abe", "Cy", "Ed")])
@pytest.mark.parametrize("limit", [1, 3, 5, 9, 12])
def test_the_best_matches_are_those_of_the_whole_list(tied, archived, limit):
    for first in archived:
        contacts.archive_contact(tied[first])
    for exclude in (0, tied["Cy"]):
        got = matching.matches_for_need("tax accountant", exclude=exclude, limit=limit)
        assert got == _every_match("tax accountant", exclude, limit)


def test_only_the_best_scoring_are_looked_up_in_one_query(tied):
    from tests.perf_guards import capture_sql

    with capture_sql() as ran:
        got = matching.matches_for_need("tax accountant", limit=3)
    assert [m.name for m in got] == ["Zed Best", "Abe Tied", "Bo Tied"]
    # One query, which looks up only those scoring as well as the third best: not every
    # trusted person a common word brings (thousands at 100,000 contacts).
    assert len(ran.selects) == 1, ran.selects
    # The fourth best too: the answer is kept for anyone with the need, and the one who
    # states it is left out of it afterwards (see the tests below).
    assert "cut AS (SELECT score FROM hits ORDER BY score LIMIT 1 OFFSET 3)" in ran.selects[0]


def _index_reads(ran) -> list[str]:
    return [s for s in ran.selects if "contact_fts" in s]


def test_a_need_asked_again_reads_the_index_once(accountants, make_contact):
    """Contacts stating the same need (or one contact's tabs shown again) share one answer:
    the index is asked once until the data changes, whoever is left out of it."""
    from tests.perf_guards import capture_sql

    me, cleo, dan = accountants["trusted"], make_contact("Cleo"), make_contact("Dan")
    first = matching.matches_for_need("a tax accountant", exclude=cleo)
    with capture_sql() as ran:
        again = matching.matches_for_need("tax accountants!", exclude=dan)
        without_me = matching.matches_for_need("a tax accountant", exclude=me)
    assert _index_reads(ran) == [], ran.selects
    assert [m.contact_id for m in first] == [m.contact_id for m in again] == [me]
    assert without_me == []


def test_a_kept_answer_follows_the_vetting_and_the_profile(accountants, make_contact):
    """The answer kept for a need is dropped by any change: a newly trusted person shows
    at once, one no longer trusted goes, an edited offer moves a person in or out."""
    need = "a tax accountant"
    assert [m.contact_id for m in matching.matches_for_need(need)] == [accountants["trusted"]]
    vetting.set_vetting(accountants["in_review"], "trusted", trusted_for="tax returns")
    found = {m.contact_id for m in matching.matches_for_need(need)}
    assert found == {accountants["trusted"], accountants["in_review"]}
    vetting.set_vetting(accountants["trusted"], "not_recommended")
    assert [m.contact_id for m in matching.matches_for_need(need)] == [accountants["in_review"]]
    pete = accountants["plumber"]
    data = contacts.get_contact(pete).to_input()
    data.offers = "tax accounting and emergency plumbing"
    contacts.update_contact(pete, data)
    found = {m.contact_id for m in matching.matches_for_need(need)}
    assert found == {accountants["in_review"], pete}
    contacts.archive_contact(pete)
    assert [m.contact_id for m in matching.matches_for_need(need)] == [accountants["in_review"]]


def test_matches_are_never_changed_through_an_answer_given(accountants):
    """The answer is shared by whoever asks next: what it holds cannot be changed."""
    (match,) = matching.matches_for_need("a tax accountant")
    with pytest.raises(AttributeError):
        match.name = "Someone Else"
    assert matching.matches_for_need("a tax accountant")[0].name == "Tina Accountant"


def test_matches_found_ahead_are_taken_without_asking_the_index_again(accountants, make_contact):
    """Opening a contact starts finding who can meet their needs on another thread; the
    match panel then takes that answer: the same as found here, no index query here."""
    from tests.perf_guards import capture_sql

    cleo = make_contact("Cleo", needs="a tax accountant\na plumber for emergencies")
    jobs = matching.find_ahead(cleo)
    assert len(jobs) == 2
    for job in jobs:
        job.result()
    with capture_sql() as ran:
        found = matching.matches_for_contact(cleo)
    assert _index_reads(ran) == [], ran.selects
    assert [[m.contact_id for m in n.matches] for n in found] == [
        [accountants["trusted"]],
        [accountants["plumber"]],
    ]
    for need in found:
        assert need.matches == _every_match(need.need, cleo, 5)


def test_matches_found_ahead_are_dropped_by_a_change_made_since(accountants, make_contact):
    cleo = make_contact("Cleo", needs="a tax accountant")
    for job in matching.find_ahead(cleo):
        job.result()
    vetting.set_vetting(accountants["in_review"], "trusted", trusted_for="tax returns")
    (need,) = matching.matches_for_contact(cleo)
    assert {m.contact_id for m in need.matches} == {
        accountants["trusted"],
        accountants["in_review"],
    }


def test_nothing_is_found_ahead_inside_a_transaction(accountants, make_contact):
    """Another connection would not see what the transaction changed."""
    from favorbook.db.models import db

    cleo = make_contact("Cleo", needs="a tax accountant")
    with db.atomic():
        vetting.set_vetting(accountants["in_review"], "trusted", trusted_for="tax returns")
        assert matching.find_ahead(cleo) == []
        (need,) = matching.matches_for_contact(cleo)
    assert len(need.matches) == 2
