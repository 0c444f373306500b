"""The phone's inbox list on real CalDAV servers (each test runs on both)."""

from __future__ import annotations

from favorbook.cli import main
from favorbook.db.models import Favor, InboxCapture
from favorbook.services import contacts
from favorbook.sync import inbox
from tests.sync.helpers import add_account, sync


def _task(uid: str, summary: str, *, status: str = "NEEDS-ACTION", at: str = "0715") -> str:
    # As a phone's task app writes it: a bare VTODO, CRLF line ends.
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tasks.org//EN\r\nBEGIN:VTODO\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261204T{at}00Z\r\nCREATED:20261204T{at}00Z\r\n"
        f"SUMMARY:{summary}\r\nSTATUS:{status}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )


def _put(server, url: str, uid: str, text: str) -> str:
    href = f"{url}{uid}.ics"
    r = server.put(href, text, new=True)
    assert r.status_code in (200, 201, 204), r.text
    return href


def test_a_capture_from_the_phone_is_accepted_and_completed(dav_server, laptop, capsys):
    meg = contacts.create_contact(
        contacts.ContactInput(first_name="Margaret", last_name="Oyelaran")
    )
    add_account(dav_server)
    url = inbox.enable_inbox("work")
    assert inbox.enable_inbox("work") == url, "turned on twice: still one list"
    props = dav_server._propfind(url, "0", "<D:displayname/>")
    assert props.findtext(".//{DAV:}displayname") == "favorbook inbox"
    href = _put(
        dav_server, url, "cap-1", _task("cap-1", "Meg called: onboarding help for Karen — IOU")
    )
    other = _put(dav_server, url, "cap-2", _task("cap-2", "Nothing to keep", at="0720"))
    _put(dav_server, url, "cap-3", _task("cap-3", "Done on the phone", status="COMPLETED"))

    report = sync("work")
    assert not report.errors
    waiting = inbox.waiting()
    assert [w.uid for w in waiting] == ["cap-1", "cap-2"]
    first = waiting[0]
    assert first.suggestion.contact_id == meg
    assert (first.suggestion.kind, first.suggestion.direction) == ("favor", "given")
    assert first.suggestion.expectation == "iou"

    kind, favor_id = inbox.accept(first.id)
    assert kind == "favor" and Favor.get_by_id(favor_id).contact_id == meg
    inbox.dismiss(waiting[1].id)
    sync("work")

    for path in (href, other):
        text, _etag = dav_server.get(path)
        assert "STATUS:COMPLETED" in text and "PERCENT-COMPLETE:100" in text
        assert "UID:" in text  # completed, never deleted
    assert inbox.waiting() == []

    again = sync("work")
    assert again.pulled == 0 and not again.errors
    assert InboxCapture.select().count() == 2, "nothing imported twice"
    assert Favor.select().count() == 1

    _put(dav_server, url, "cap-4", _task("cap-4", "I called Margaret about the order"))
    sync("work")
    args = ["inbox", "--data-dir", str(laptop.data_dir), "--json"]
    assert main(args) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert [r["uid"] for r in rows] == ["cap-4"]
    assert rows[0]["suggestion"]["kind"] == "conversation"
    assert rows[0]["suggestion"]["direction"] == "outbound"
    assert rows[0]["suggestion"]["contact_id"] == meg


def test_a_capture_edited_or_deleted_on_the_phone_before_it_is_marked_done(
    dav_server, laptop, monkeypatch
):
    """The inbox runs on the collection engine: a decided capture goes up with If-Match;
    edited on the phone meanwhile (a 412), the phone's newer copy is the one marked done;
    deleted there meanwhile, nothing is left to mark and nothing fails."""
    add_account(dav_server)
    url = inbox.enable_inbox("work")
    edited = _put(dav_server, url, "cap-e", _task("cap-e", "Call Dana back"))
    gone = _put(dav_server, url, "cap-g", _task("cap-g", "Lunch with Bo", at="0720"))
    assert not sync("work").errors
    first, second = inbox.waiting()
    inbox.dismiss(first.id)
    inbox.dismiss(second.id)

    real = inbox.Inbox.to_send

    def phone_acts_first(self, batch):
        text, etag = dav_server.get(edited)
        dav_server.put(
            edited, text.replace("Call Dana back", "Call Dana back on Friday"), etag=etag
        )
        dav_server.delete(gone)
        return real(self, batch)

    monkeypatch.setattr(inbox.Inbox, "to_send", phone_acts_first)
    report = sync("work")
    assert not report.errors, report.errors
    text, _etag = dav_server.get(edited)
    assert "STATUS:COMPLETED" in text and "Call Dana back on Friday" in text
    assert InboxCapture.select().where(InboxCapture.completed_at.is_null()).count() == 0
    monkeypatch.setattr(inbox.Inbox, "to_send", real)
    again = sync("work")
    assert again.pulled == 0 and again.pushed == 0 and not again.errors
