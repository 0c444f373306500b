"""Settling, writing off and acknowledging can be taken back."""

import datetime as dt

import pytest

from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import favors


def _view(favor_id):
    return next(f for f in favors.list_favors() if f.id == favor_id)


@pytest.fixture
def iou_and_back(make_contact, today):
    ann = make_contact("Ann")
    iou = favors.log_favor(
        ann, "given", "Intro", expectation="iou", occurred_on=today - dt.timedelta(days=9)
    )
    back = favors.log_favor(ann, "received", "Lead", occurred_on=today - dt.timedelta(days=2))
    return iou, back


def test_unsettle_opens_the_iou_again_and_keeps_the_favor_back(iou_and_back, today):
    iou, back = iou_and_back
    favors.settle_iou(iou, back)
    favors.unsettle(iou, back)
    view = _view(iou)
    assert (view.settled_by_id, view.settled_on, view.is_open_iou) == (None, None, True)
    assert _view(back).description == "Lead"
    favors.settle_iou(iou, back)  # and it can be settled again
    assert _view(iou).settled_on == today - dt.timedelta(days=2)


def test_unsettle_refuses_an_open_iou_or_another_settling_favor(iou_and_back, make_contact):
    iou, back = iou_and_back
    with pytest.raises(ValidationError) as info:
        favors.unsettle(iou)
    assert info.value.field == "settles"
    favors.settle_iou(iou, back)
    with pytest.raises(ValidationError):
        favors.unsettle(iou, back + 1000)
    assert _view(iou).settled_by_id == back
    with pytest.raises(NotFoundError):
        favors.unsettle(iou + 1000)


def test_undo_write_off_opens_the_iou_again_and_returns_the_day(iou_and_back, today):
    iou, _ = iou_and_back
    day = today - dt.timedelta(days=1)
    favors.write_off(iou, day)
    assert favors.undo_write_off(iou) == day
    assert _view(iou).is_open_iou
    with pytest.raises(ValidationError) as info:
        favors.undo_write_off(iou)
    assert info.value.field == "write_off"


def test_undo_write_off_refuses_a_pay_forward_favor(iou_and_back):
    _, back = iou_and_back
    with pytest.raises(ValidationError):
        favors.undo_write_off(back)


def test_acknowledged_can_be_taken_back(iou_and_back):
    iou, _ = iou_and_back
    favors.set_acknowledged(iou, True)
    assert _view(iou).acknowledged
    favors.set_acknowledged(iou, False)
    assert not _view(iou).acknowledged
