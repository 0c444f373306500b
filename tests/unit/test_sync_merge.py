"""The field-level three-way merge: who wins which field."""

from __future__ import annotations

from favorbook.sync.merge import merge3
from favorbook.sync.vcard_fields import empty_fields


def _card(**kw):
    fields = empty_fields()
    fields["name"] = ["Ann", "Lee"]
    fields.update(kw)
    return fields


def test_each_side_keeps_its_own_change_to_a_different_field():
    base = _card(title="Buyer", organization="Acme")
    local = _card(title="Head buyer", organization="Acme")
    server = _card(title="Buyer", organization="Acme Holdings")
    result = merge3(base, local, server)
    assert result.fields["title"] == "Head buyer"
    assert result.fields["organization"] == "Acme Holdings"
    assert result.conflicts == []
    assert result.local_changed and result.server_changed


def test_the_same_field_changed_on_both_sides_goes_to_the_server_and_is_a_conflict():
    base = _card(phones=[["work", "+14155550100"]])
    local = _card(phones=[["work", "+14155550111"]])
    server = _card(phones=[["mobile", "+14155550199"]])
    result = merge3(base, local, server)
    assert result.fields["phones"] == [["mobile", "+14155550199"]]
    assert [(c.field, c.local, c.server) for c in result.conflicts] == [
        ("phones", [["work", "+14155550111"]], [["mobile", "+14155550199"]])
    ]
    assert result.local_changed and not result.server_changed


def test_the_same_change_on_both_sides_is_no_conflict_and_nothing_to_send():
    base = _card(title="Buyer")
    both = _card(title="Head buyer")
    result = merge3(base, both, dict(both))
    assert result.conflicts == [] and not result.local_changed and not result.server_changed


def test_tags_and_unknown_lines_combine_as_sets():
    base = _card(tags=["golf", "vip"], extra=["X-A:1"])
    local = _card(tags=["golf", "vip", "wine"], extra=["X-A:1", "X-LOCAL:2"])
    server = _card(tags=["golf"], extra=["X-PHONE:3"])
    result = merge3(base, local, server)
    assert result.fields["tags"] == ["golf", "wine"]  # vip removed there, wine added here
    assert result.fields["extra"] == ["X-LOCAL:2", "X-PHONE:3"]
    assert result.conflicts == []


def test_a_first_meeting_with_no_base_lets_the_server_win_every_difference():
    local = _card(title="Buyer", emails=[["work", "ann@acme.example"]])
    server = _card(title="Chief buyer", emails=[["work", "ann@acme.example"]])
    result = merge3(empty_fields(), local, server)
    assert result.fields["title"] == "Chief buyer"
    assert [c.field for c in result.conflicts] == ["title"]
