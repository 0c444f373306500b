"""Bugs found by driving the merged app, each pinned by the test that first failed."""

from favorbook.formats import sheet
from favorbook.services import contacts

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_the_sheet_of_a_contact_with_a_photo_carries_the_image_bytes(make_contact):
    # contacts.photo_of returns (bytes, mime); the sheet took the pair for the bytes,
    # and every sheet of someone with a photo (e.g. from a vCard) failed with a TypeError.
    cid = make_contact("Ann", "Lee")
    contacts.set_photo(cid, PNG)
    assert sheet.sheet_data(cid).photo == PNG


def test_undoing_a_delete_after_a_new_contact_took_the_freed_id(make_contact, today):
    # SQLite hands the highest free id out again: delete the newest contact, add one,
    # and restoring the deleted contact failed ("already back") or clashed on its favor.
    from favorbook.services import favors, trash

    ann = make_contact("Ann", "Lee")
    bo = make_contact("Bo", "Chan", referred_by_id=ann)
    favors.log_favor(bo, "given", "Intro to a buyer", occurred_on=today, beneficiary_id=ann)
    snap = trash.delete_contact(bo)
    cy = make_contact("Cy", "New")
    favors.log_favor(cy, "received", "Advice", occurred_on=today)
    assert cy == bo  # the id was reused: the case that failed

    back = trash.restore(snap)
    assert back != cy
    assert contacts.name_of(back) == "Bo Chan"
    assert contacts.name_of(cy) == "Cy New"
    assert [f.description for f in favors.list_favors(back)] == ["Intro to a buyer"]
    assert [f.description for f in favors.list_favors(cy)] == ["Advice"]
