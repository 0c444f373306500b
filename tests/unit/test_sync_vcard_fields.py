"""The field view of a card: what counts as a change, and what is never synced."""

from __future__ import annotations

from favorbook.services import contacts
from favorbook.sync import vcard_fields as vf

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


def test_a_server_that_refolds_reorders_and_relabels_changes_nothing(db, make_contact):
    cid = make_contact(
        title="Buyer",
        emails=[contacts.Labeled("ann@acme.example", "work")],
        phones=[contacts.Labeled("+1 415 555 0100", "mobile")],
        tags=["golf", "VIP"],
    )
    ours = vf.local_card(cid)
    lines = ours.replace("\r\n ", "").split("\r\n")
    body = [x for x in lines if x and x not in ("BEGIN:VCARD", "END:VCARD")]
    phone = "TEL;TYPE=cell,voice:+1 (415) 555-0100"
    rewritten = "\r\n".join(
        ["BEGIN:VCARD", *reversed([phone if x.startswith("TEL") else x for x in body]), "END:VCARD"]
    )
    assert vf.card_fields(rewritten) == vf.card_fields(ours)


def test_the_synced_card_has_no_notes_and_no_private_profile(db, make_contact):
    cid = make_contact(how_met="at a wake", needs="cash", goals="exit", offers="leads")
    contacts.add_note(cid, "public note")
    contacts.add_note(cid, "private note", private=True)
    text = vf.local_card(cid)
    for secret in ("wake", "cash", "exit", "leads", "note", "NOTE", "X-FAVORBOOK-HOW"):
        assert secret not in text
    assert text.endswith("END:VCARD\r\n") and "\r\n" in text and "\n\n" not in text


def test_unknown_lines_notes_and_values_favorbook_cannot_store_are_kept_verbatim():
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Zoë Lee\r\nN:Lee;Zoë;;;\r\n"
        "EMAIL:not an address\r\nTEL:12\r\nX-RINGTONE:café\r\nNOTE:from the phone\r\n"
        "END:VCARD\r\n"
    )
    fields = vf.card_fields(card)
    assert fields["name"] == ["Zoë", "Lee"]
    assert fields["emails"] == [] and fields["phones"] == []
    assert "X-RINGTONE:café" in fields["extra"]
    assert "NOTE:from the phone" in fields["extra"]
    assert any(x.startswith("EMAIL:") for x in fields["extra"])
    assert vf.card_uid(card) == "u1"


def test_fields_written_to_a_contact_read_back_the_same(db, make_contact):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nFN:Bo Ek\r\nN:Ek;Bo;;;\r\n"
        "ORG:Ek AB\r\nTITLE:Owner\r\nEMAIL;TYPE=WORK:bo@ek.example\r\n"
        "TEL;TYPE=CELL:+46 70 123 45 67\r\nCATEGORIES:supplier\r\nBDAY:1980-02-03\r\n"
        "X-PHONE-ONLY:yes\r\nEND:VCARD\r\n"
    )
    fields = vf.card_fields(card)
    cid = vf.apply(fields, None, uid="phone-1")
    assert contacts.get_contact(cid).uid == "phone-1"
    assert vf.card_fields(vf.local_card(cid)) == fields
    changed = dict(fields, title="CEO", photo=__import__("base64").b64encode(PNG).decode())
    vf.apply(changed, cid)
    assert contacts.get_contact(cid).title == "CEO"
    assert contacts.photo_of(cid) == (PNG, "image/png")
    assert vf.card_fields(vf.local_card(cid)) == changed
