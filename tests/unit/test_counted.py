"""A count is written with its noun in the singular for exactly one, everywhere favorbook
says one (services.terms.counted): "Wrote 1 contacts" and "1 changes sent" were printed."""

import datetime as dt

from favorbook.cli import main
from favorbook.formats.sheet import _ago
from favorbook.services.terms import counted
from favorbook.sync.engine import SyncReport
from favorbook.sync.vault.engine import VaultReport


def test_counted_says_one_in_the_singular():
    assert counted(0, "favor") == "0 favors"
    assert counted(1, "favor") == "1 favor"
    assert counted(2400, "favor") == "2,400 favors"
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"


def test_sync_summaries_count_one_change_conflict_and_problem():
    vault = VaultReport(changes_sent=1, changes_received=2, conflicts=1, errors=["x"])
    assert vault.summary() == "1 change sent, 2 received, 1 conflict, 1 problem"
    report = SyncReport(account="work", conflicts=1, errors=["x"])
    assert "1 conflict, 1 problem" in report.summary()


def test_a_sheet_says_one_day_ago():
    today = dt.date(2026, 12, 5)
    assert _ago(today - dt.timedelta(days=1), today) == "1 day ago"
    assert _ago(today - dt.timedelta(days=3), today) == "3 days ago"


def test_the_cli_writes_one_contact_and_one_date(db, tmp_path, make_contact, capsys):
    make_contact("Ann", "Lee", cadence_days=30)
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "a.csv")]) == 0
    assert "Wrote 1 contact to" in capsys.readouterr().out
    assert main(["export", "--format", "ics", "--out", str(tmp_path / "a.ics")]) == 0
    assert capsys.readouterr().out.startswith("Wrote 1 date to")  # when to be in touch


def test_the_device_sync_line_counts_one_and_thousands_as_elsewhere():
    from favorbook.ui.sync.sync_status import device_summary

    assert device_summary({"changes_received": 1, "errors": ["x"]}) == (
        "1 change received, 1 problem"
    )
    assert device_summary({"changes_received": 1200, "changes_sent": 3400}) == (
        "1,200 changes received, 3,400 sent"
    )


def test_the_balance_advice_writes_thousands_as_the_counts_do():
    """ "Give 220186 more favors" was shown beside "Given 395,214"."""
    from favorbook.services.favors import Balance

    big = Balance(395_214, 153_850, 0, 0, 0, 0, 4.0)
    assert big.advice().startswith("Give 220,186 more favors before you ask again")
    one = Balance(3, 1, 0, 0, 0, 0, 4.0)
    assert one.advice().startswith("Give 1 more favor before")
