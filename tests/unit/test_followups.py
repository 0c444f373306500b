"""Follow-ups the rep promised, and whom it is time to get back in touch with."""

import datetime as dt

import pytest

from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import contacts, conversations, followups


def _in(today, days):
    return today + dt.timedelta(days=days)


def test_overdue_and_due_soon_are_told_apart(make_contact, today):
    ann, bob = make_contact("Ann", "Lee"), make_contact("Bob", "Ray")
    late = followups.add_followup(ann, _in(today, -3), "Send the case study")
    yesterday = followups.add_followup(bob, _in(today, -1), "Call about the renewal")
    now = followups.add_followup(ann, today, "Today")
    soon = followups.add_followup(bob, _in(today, 5), "Within the week")
    later = followups.add_followup(ann, _in(today, 30), "Next month")
    assert [f.id for f in followups.overdue(today)] == [late, yesterday]
    assert [f.id for f in followups.due(today, within_days=7)] == [now, soon]
    assert [f.id for f in followups.due(today, within_days=30)] == [now, soon, later]
    views = {f.id: f for f in followups.open_followups()}
    assert views[late].overdue(today) and not views[now].overdue(today)
    assert (views[yesterday].contact_id, views[yesterday].contact_name) == (bob, "Bob Ray")
    assert [f.id for f in followups.open_followups(until=today)] == [late, yesterday, now]


def test_complete_removes_from_open_and_can_be_undone(make_contact, today):
    ann = make_contact()
    fu = followups.add_followup(ann, _in(today, -2), "Send thanks")
    followups.complete(fu)
    assert followups.open_followups() == []
    assert followups.overdue(today) == []
    followups.complete(fu, done=False)
    assert [f.id for f in followups.overdue(today)] == [fu]


def test_reschedule_moves_it_out_of_overdue(make_contact, today):
    ann = make_contact()
    fu = followups.add_followup(ann, _in(today, -2), "Send thanks")
    followups.reschedule(fu, _in(today, 2).isoformat())
    assert followups.overdue(today) == []
    assert [f.due_on for f in followups.due(today)] == [_in(today, 2)]


@pytest.mark.parametrize(
    ("due", "title", "field"),
    [("tomorrow", "Call", "due_on"), (None, "Call", "due_on"), ("2030-01-01", "  ", "title")],
)
def test_invalid_followup_is_refused(make_contact, due, title, field):
    ann = make_contact()
    with pytest.raises(ValidationError) as info:
        followups.add_followup(ann, due, title)
    assert info.value.field == field
    assert followups.open_followups() == []


def test_followup_for_missing_contact(db, today):
    with pytest.raises(NotFoundError):
        followups.add_followup(12345, today, "Call")


def test_stay_in_touch_due(make_contact, today):
    overdue = make_contact("Olga", "Overdue", cadence_days=14)
    fresh = make_contact("Fred", "Fresh", cadence_days=14)
    never = make_contact("Nina", "NoCadence", cadence_days=0)
    gone = make_contact("Gabe", "Gone", cadence_days=7)
    conversations.log_conversation(overdue, "outbound", "Old call", occurred_at=_in(today, -20))
    conversations.log_conversation(fresh, "outbound", "Recent", occurred_at=_in(today, -2))
    conversations.log_conversation(never, "outbound", "Once", occurred_at=_in(today, -400))
    conversations.log_conversation(gone, "outbound", "Old", occurred_at=_in(today, -60))
    contacts.archive_contact(gone)
    due = followups.stay_in_touch_due(today)
    assert [(t.contact_id, t.due_on) for t in due] == [(overdue, _in(today, -6))]
    assert followups.stay_in_touch_due_count(today) == 1
    # exactly on the day counts as due
    assert fresh in [t.contact_id for t in followups.stay_in_touch_due(_in(today, 12))]
    assert fresh not in [t.contact_id for t in followups.stay_in_touch_due(_in(today, 11))]


def test_stay_in_touch_most_overdue_first(make_contact, today):
    a = make_contact("A", cadence_days=10)
    b = make_contact("B", cadence_days=10)
    conversations.log_conversation(a, "outbound", "x", occurred_at=_in(today, -15))
    conversations.log_conversation(b, "outbound", "x", occurred_at=_in(today, -40))
    assert [t.contact_id for t in followups.stay_in_touch_due(today)] == [b, a]
    assert [t.contact_id for t in followups.stay_in_touch_due(today, limit=1)] == [b]


def test_an_archived_contacts_followups_are_not_counted_as_overdue(make_contact, today):
    from favorbook.services import stats

    ann = make_contact()
    followups.add_followup(ann, _in(today, -3), "Send the quote")
    assert stats.summary()["followups_overdue"] == 1
    contacts.archive_contact(ann)
    assert stats.summary()["followups_overdue"] == 0
    assert len(followups.open_followups(contact_id=ann)) == 1  # still on their own page
    contacts.restore_contact(ann)
    assert stats.summary()["followups_overdue"] == 1
