"""The bulk sample generator writes what the services would have written.

It fills rows with executemany; the contacts' derived columns (names, stay-in-touch
dates, the search index) are the contact store's to compute. What the sample decides
itself (last interactions, settled IOUs, the counts recounted after a load without
triggers) is recomputed here through the services and compared.
"""

import pytest

from favorbook.db.models import Favor
from favorbook.db.models import db as sqldb
from favorbook.sample import demo, demo_scale
from favorbook.services import (
    contacts,
    favors,
    followups,
    referrals,
    search,
    stats,
)

N = 300


def _indexes():
    return sorted(
        sqldb.execute_sql(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        ).fetchall()
    )


@pytest.fixture
def big(db, monkeypatch):
    """A 300-contact network, written the way 100,000 are (plain indexes dropped and
    rebuilt), with the schema's indexes and triggers as they were before."""
    before = _indexes()
    monkeypatch.setattr(demo_scale, "DROP_INDEXES_FROM", 0)
    assert demo.load(N, seed=11) == N
    assert _indexes() == before
    return contacts.list_ids()


def test_about_ten_favors_and_conversations_per_contact(big):
    favors_n = sqldb.execute_sql("SELECT count(*) FROM favor").fetchone()[0]
    convs_n = sqldb.execute_sql("SELECT count(*) FROM conversation").fetchone()[0]
    assert len(big) == N
    assert 8 * N <= favors_n + convs_n <= 12 * N


def test_what_the_ledger_triggers_keep_is_recounted(big):
    """The load runs without the triggers; the list's counts, the next follow-up and
    the dashboard's monthly tally come out as the triggers would have kept them."""
    stale = sqldb.execute_sql(
        """SELECT count(*) FROM contact c WHERE
            c.favors_given != (SELECT count(*) FROM favor f
                               WHERE f.contact_id = c.id AND f.direction = 'given')
            OR c.favors_received != (SELECT count(*) FROM favor f
                                     WHERE f.contact_id = c.id AND f.direction = 'received')
            OR c.next_followup_on IS NOT (SELECT min(due_on) FROM followup f
                                          WHERE f.contact_id = c.id AND f.done_at IS NULL)"""
    ).fetchone()[0]
    assert stale == 0
    given = sqldb.execute_sql("SELECT sum(favors_given) FROM contact").fetchone()[0]
    assert given == Favor.select().where(Favor.direction == "given").count() > 0
    tally = sqldb.execute_sql(
        "SELECT month, direction, n, value, open_n FROM favor_tally WHERE n ORDER BY 1, 2"
    ).fetchall()
    recount = sqldb.execute_sql(
        """SELECT substr(occurred_on, 1, 7), direction, count(*), sum(value),
                  sum(expectation = 'iou' AND settled_by_id IS NULL AND written_off_on IS NULL)
           FROM favor GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    assert tally == recount and tally
    # and the triggers are back: a favor logged now is counted
    cid = big[0]
    before = sqldb.execute_sql("SELECT favors_given FROM contact WHERE id = ?", (cid,)).fetchone()[
        0
    ]
    favors.log_favor(cid, "given", "after the load")
    after = sqldb.execute_sql("SELECT favors_given FROM contact WHERE id = ?", (cid,)).fetchone()[0]
    assert after == before + 1


def test_database_is_healthy(big):
    assert sqldb.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sqldb.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_search_finds_people_by_name_company_and_email(big):
    for cid in big[::37]:
        person = contacts.get_contact(cid)
        assert cid in search.search_ids(person.last_name)
        assert cid in search.search_ids(f"{person.first_name} {person.last_name}")
        assert cid in search.search_ids(f'email:"{person.emails[0].value}"')
        assert cid in search.search_ids(f'org:"{person.organization}"')


def test_last_interaction_and_touch_dates_follow_the_conversation_log(big):
    query = "SELECT id, last_interaction_at, touch_due_on FROM contact ORDER BY id"
    written = sqldb.execute_sql(query).fetchall()
    assert any(row[1] for row in written) and any(row[2] for row in written)
    with sqldb.atomic():
        for cid in big:
            contacts.refresh_interaction(cid)
    assert sqldb.execute_sql(query).fetchall() == written


def test_settled_iou_is_settled_as_settle_iou_records_it(big):
    settled = Favor.select().where(Favor.settled_by.is_null(False))
    assert settled.count() > 0
    for iou in settled:
        by = Favor.get_by_id(iou.settled_by_id)
        assert iou.expectation == "iou"
        assert by.direction != iou.direction
        assert by.contact_id == iou.contact_id
        assert iou.settled_on == by.occurred_on
        assert by.occurred_on >= iou.occurred_on
    # and each settling favor pays back one IOU
    by_ids = [f.settled_by_id for f in settled]
    assert len(by_ids) == len(set(by_ids))


def test_figures_add_up(big, today):
    figures = stats.summary(today)
    given = Favor.select().where(Favor.direction == "given").count()
    received = Favor.select().where(Favor.direction == "received").count()
    assert (figures["favors_given"], figures["favors_received"]) == (given, received)
    assert given > 2 * received > 0
    open_given = favors.open_ious("given")
    open_received = favors.open_ious("received")
    assert (figures["open_ious_owed_to_me"], figures["open_ious_i_owe"]) == (
        len(open_given),
        len(open_received),
    )
    assert open_given and open_received
    assert figures["followups_overdue"] == len(followups.overdue(today)) > 0
    assert figures["stay_in_touch_due"] > 0
    per_contact = sum(favors.balance(contact_id=cid).given for cid in big)
    assert per_contact == given


def test_referral_chains_and_vetting(big):
    assert max(len(referrals.chain_up(cid)) for cid in big) >= 3
    statuses = dict(sqldb.execute_sql("SELECT status, count(*) FROM vetting GROUP BY status"))
    assert set(statuses) == {"trusted", "in_review", "not_recommended", "unvetted"}
    assert referrals.top_sources(5)


def test_same_seed_same_network(db, data_dir, tmp_path):
    def dump():
        return [
            sqldb.execute_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("contact", "favor", "conversation", "referral", "followup")
        ]

    demo.load(250, seed=4)
    first = dump()
    demo.load(250, seed=4)
    second = dump()
    # Ids move on (a reload appends), so compare what is not an id or a timestamp.
    assert [len(t) for t in first] == [len(t) for t in second]
    assert [r[2:5] for r in first[0]] == [r[2:5] for r in second[0]]
    assert [r[2:4] for r in first[1]] == [r[2:4] for r in second[1]]


def test_organisations_grow_with_the_network(db):
    settings = [sqldb.execute_sql(f"PRAGMA {p}").fetchone() for p in ("cache_size", "temp_store")]
    demo.load(2000, seed=3)
    # the bulk load's bigger page cache is given back
    after = [sqldb.execute_sql(f"PRAGMA {p}").fetchone() for p in ("cache_size", "temp_store")]
    assert after == settings
    companies = sqldb.execute_sql(
        "SELECT count(DISTINCT organization_id) FROM contact WHERE is_sample"
    ).fetchone()[0]
    assert companies >= 60
    emails = sqldb.execute_sql("SELECT count(*), count(DISTINCT value) FROM contact_email")
    total, distinct = emails.fetchone()
    assert total == distinct
