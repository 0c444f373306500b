"""Follow-ups and stay-in-touch days against real CalDAV servers (each test runs on both)."""

from __future__ import annotations

import datetime as dt

from favorbook.db.models import Contact, Conversation, FollowUp
from favorbook.services import contacts, followups
from tests.sync.helpers import add_account, one_task, sync_tasks, vtodos

DUE = dt.date.today() + dt.timedelta(days=10)


def _contact(first="Ann", last="Lee", cadence=0, **kw):
    return contacts.create_contact(
        contacts.ContactInput(first_name=first, last_name=last, cadence_days=cadence, **kw)
    )


def _phone_edit(server, uid, edit):
    """Change a task the way a phone does: GET, edit the text, PUT it with If-Match."""
    href, text, etag = one_task(server, uid)
    r = server.put(href, edit(text), etag=etag)
    assert r.status_code in (200, 201, 204), r.text
    return href


def test_followups_and_stay_in_touch_days_go_up_once(dav_server, laptop):
    ann = _contact("Ann", "Lee", organization="Acme", title="CTO")
    bo = _contact("Bo", "Diaz", cadence=30)
    fid = followups.add_followup(ann, DUE, "Send the white paper")
    add_account(dav_server)

    report = sync_tasks()

    assert report.pushed == 2 and not report.errors
    texts = list(vtodos(dav_server).values())
    assert len(texts) == 2
    fu = FollowUp.get_by_id(fid)
    ann_uid = Contact.get_by_id(ann).uid
    task = next(t for t in texts if f"UID:{fu.uid}" in t)
    assert "SUMMARY:Send the white paper — Ann Lee" in task
    assert f"DUE;VALUE=DATE:{DUE:%Y%m%d}" in task
    assert f"X-FAVORBOOK-CONTACT:urn:uuid:{ann_uid}" in task
    assert "Ann Lee (CTO\\, Acme)" in task  # a comma is escaped in iCalendar text
    touch = next(t for t in texts if "UID:touch-" in t)
    assert "SUMMARY:Stay in touch — Bo Diaz" in touch
    due = Contact.get_by_id(bo).touch_due_on
    assert f"DUE;VALUE=DATE:{due:%Y%m%d}" in touch

    again = sync_tasks()
    assert (again.pushed, again.pulled, again.deleted) == (0, 0, 0)
    assert len(vtodos(dav_server)) == 2


def test_completing_a_task_on_the_phone_marks_the_followup_done(dav_server, laptop):
    ann = _contact()
    fid = followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server)
    sync_tasks()
    uid = FollowUp.get_by_id(fid).uid

    _phone_edit(
        dav_server,
        uid,
        lambda t: t.replace(
            "STATUS:NEEDS-ACTION", "STATUS:COMPLETED\r\nCOMPLETED:20261123T081500Z"
        ).replace("END:VTODO", "X-PHONE-FLAG:1\r\nEND:VTODO"),
    )
    report = sync_tasks()

    assert report.pulled == 1
    view = followups.get_followup(fid)
    assert view.done
    assert FollowUp.get_by_id(fid).done_at == dt.datetime(2026, 11, 23, 8, 15)
    assert "X-PHONE-FLAG:1" in one_task(dav_server, uid)[1]
    # reopened on the phone: open again here
    _phone_edit(
        dav_server,
        uid,
        lambda t: (
            t.replace("STATUS:COMPLETED", "STATUS:NEEDS-ACTION")
            .replace("COMPLETED:20261123T081500Z\r\n", "")
            .replace("PERCENT-COMPLETE:100\r\n", "")
        ),
    )
    sync_tasks()
    assert not followups.get_followup(fid).done


def test_a_due_day_moved_on_the_phone_reschedules_and_a_local_change_goes_up(dav_server, laptop):
    ann = _contact()
    fid = followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server)
    sync_tasks()
    uid = FollowUp.get_by_id(fid).uid
    later = DUE + dt.timedelta(days=3)
    _phone_edit(
        dav_server,
        uid,
        lambda t: t.replace(f"DUE;VALUE=DATE:{DUE:%Y%m%d}", f"DUE;VALUE=DATE:{later:%Y%m%d}"),
    )
    sync_tasks()
    assert followups.get_followup(fid).due_on == later

    followups.complete(fid)
    report = sync_tasks()
    assert report.pushed == 1
    text = one_task(dav_server, uid)[1]
    assert "STATUS:COMPLETED" in text and f"DUE;VALUE=DATE:{later:%Y%m%d}" in text


def test_both_sides_changed_different_fields_both_stay(dav_server, laptop):
    ann = _contact()
    fid = followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server)
    sync_tasks()
    uid = FollowUp.get_by_id(fid).uid
    later = DUE + dt.timedelta(days=5)
    _phone_edit(
        dav_server,
        uid,
        lambda t: t.replace(f"DUE;VALUE=DATE:{DUE:%Y%m%d}", f"DUE;VALUE=DATE:{later:%Y%m%d}"),
    )
    followups.complete(fid)

    sync_tasks()

    view = followups.get_followup(fid)
    assert view.done and view.due_on == later
    text = one_task(dav_server, uid)[1]
    assert "STATUS:COMPLETED" in text and f"DUE;VALUE=DATE:{later:%Y%m%d}" in text


def test_deletes_both_ways(dav_server, laptop):
    ann = _contact()
    keep = followups.add_followup(ann, DUE, "Keep me")
    gone = followups.add_followup(ann, DUE, "Delete me here")
    add_account(dav_server)
    sync_tasks()
    gone_uid = FollowUp.get_by_id(gone).uid
    keep_uid = FollowUp.get_by_id(keep).uid

    FollowUp.get_by_id(gone).delete_instance()
    report = sync_tasks()
    assert report.deleted == 1
    assert all(f"UID:{gone_uid}" not in t for t in vtodos(dav_server).values())

    href, _text, etag = one_task(dav_server, keep_uid)
    assert dav_server.delete(href, etag=etag).status_code in (200, 204)
    sync_tasks()
    assert followups.get_followup(keep).done  # kept, ticked off: nothing destroyed
    assert vtodos(dav_server) == {}
    sync_tasks()  # and it does not come back up by itself
    assert vtodos(dav_server) == {}


def test_a_tasks_calendar_emptied_on_the_server_stops_before_closing_follow_ups(dav_server, laptop):
    """The address book's guard, for tasks: a calendar emptied or replaced on the server
    would mark every follow-up done here. The sync stops and asks; allowed, it goes on."""
    import pytest

    from favorbook.errors import SyncGuardTripped
    from tests.sync.helpers import sync

    ann = _contact()
    ids = [followups.add_followup(ann, DUE, f"Step {n}") for n in range(10)]
    add_account(dav_server)
    sync()
    for n, fid in enumerate(ids[:8]):
        href, _text, etag = one_task(dav_server, FollowUp.get_by_id(fid).uid)
        assert dav_server.delete(href, etag=etag).status_code in (200, 204), n

    with pytest.raises(SyncGuardTripped) as tripped:
        sync()
    assert (tripped.value.reason, tripped.value.count, tripped.value.total) == ("tasks", 8, 10)
    assert "tasks calendar" in str(tripped.value) and "not changed" in str(tripped.value)
    assert not any(followups.get_followup(fid).done for fid in ids)

    sync(allow_mass_delete=True)
    assert [followups.get_followup(fid).done for fid in ids] == [True] * 8 + [False] * 2


def test_ticking_off_a_stay_in_touch_task_counts_as_a_touch(dav_server, laptop):
    bo = _contact("Bo", "Diaz", cadence=30)
    Contact.update(touch_due_on=dt.date.today() - dt.timedelta(days=2)).where(
        Contact.id == bo
    ).execute()
    add_account(dav_server)
    sync_tasks()
    uid = "touch-" + Contact.get_by_id(bo).uid
    _phone_edit(dav_server, uid, lambda t: t.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED"))

    sync_tasks()

    assert Conversation.select().where(Conversation.contact == bo).count() == 1
    next_due = Contact.get_by_id(bo).touch_due_on
    assert next_due == dt.date.today() + dt.timedelta(days=30)
    text = one_task(dav_server, uid)[1]
    assert "STATUS:NEEDS-ACTION" in text and f"DUE;VALUE=DATE:{next_due:%Y%m%d}" in text


def test_a_retry_after_a_lost_reply_makes_no_duplicate(dav_server, fault_proxy, laptop):
    from favorbook.errors import SyncError

    ann = _contact()
    followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server, fault_proxy.url)
    fault_proxy.inject("lose_reply", method="PUT")
    try:
        sync_tasks()
    except SyncError:
        pass
    else:
        raise AssertionError("a lost reply must fail the sync")
    assert fault_proxy.outcomes("lose_reply") == 1
    assert len(vtodos(dav_server)) == 1  # the server did store it

    report = sync_tasks()
    assert not report.errors
    assert len(vtodos(dav_server)) == 1
    assert sync_tasks().pushed == 0


def test_an_edit_here_beats_a_delete_on_the_phone(dav_server, laptop):
    ann = _contact()
    fid = followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server)
    sync_tasks()
    uid = FollowUp.get_by_id(fid).uid
    href, _text, etag = one_task(dav_server, uid)
    assert dav_server.delete(href, etag=etag).status_code in (200, 204)
    later = DUE + dt.timedelta(days=2)
    followups.reschedule(fid, later)

    report = sync_tasks()

    assert report.pushed == 1 and not report.errors
    assert not followups.get_followup(fid).done
    assert f"DUE;VALUE=DATE:{later:%Y%m%d}" in one_task(dav_server, uid)[1]


def test_a_followup_deleted_and_brought_back_keeps_its_task(dav_server, laptop):
    from favorbook.services import trash

    ann = _contact("Ann", "Lee", cadence=30)
    fid = followups.add_followup(ann, DUE, "Call back")
    add_account(dav_server)
    sync_tasks()
    uid = FollowUp.get_by_id(fid).uid
    snap = trash.delete_contact(ann)  # the contact, its follow-up and stay-in-touch day
    trash.restore(snap)

    report = sync_tasks()

    assert not report.errors and report.deleted == 0
    assert len(vtodos(dav_server)) == 2
    assert "SUMMARY:Call back — Ann Lee" in one_task(dav_server, uid)[1]
    assert sync_tasks().pushed == 0
