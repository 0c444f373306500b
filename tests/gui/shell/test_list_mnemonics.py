"""The list views' actions (the window's Actions menu) each have their own access key,
while their toolbar buttons and tooltips read without the '&'."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QToolButton

from favorbook.services import followups
from favorbook.ui.records.conversation_log import ConversationLog
from favorbook.ui.records.followup_list import FollowUpList
from favorbook.ui.records.ledger import LedgerView
from tests.gui.helpers import show_active


def mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def toolbar_texts(view) -> list[str]:
    return [b.text() for b in view.findChildren(QToolButton) if b.defaultAction() in view.actions()]


def check_access_keys(view) -> list[str]:
    texts = [a.text() for a in view.actions()]
    letters = [mnemonic(t) for t in texts]
    assert None not in letters, texts
    assert len(set(letters)) == len(letters), texts
    for action in view.actions():
        assert "&" not in action.iconText()
        assert "&" not in action.toolTip()
    buttons = toolbar_texts(view)
    assert buttons and not any("&" in b for b in buttons)
    return buttons


@pytest.mark.parametrize("view_class", [LedgerView, ConversationLog, FollowUpList])
def test_every_list_action_has_its_own_access_key(qtbot, bus, db, view_class):
    view = show_active(qtbot, view_class(bus), 1000, 600)
    buttons = check_access_keys(view)
    assert any(b.endswith("…") for b in buttons)  # the "…" that says a dialog follows


def test_ledger_toolbar_reads_plainly(qtbot, bus, db):
    view = show_active(qtbot, LedgerView(bus), 1000, 600)
    assert toolbar_texts(view) == [
        "Log favor…",
        "Settle with…",
        "Write off",
        "Mark acknowledged",
        "Delete",
    ]


def test_mark_done_keeps_its_access_key_when_it_turns_to_not_done(qtbot, bus, make_contact, today):
    ann = make_contact("Ann")
    done = followups.add_followup(ann, today, "Send the white paper")
    followups.complete(done)
    view = show_active(qtbot, FollowUpList(bus), 1000, 600)
    view.state_combo.setCurrentIndex(view.state_combo.findData("done"))
    assert view.select_id(done)
    assert view.done_action.text() == "&Mark not done"
    assert view.done_action.iconText() == "Mark not done"
    assert view.done_action.toolTip().startswith("Mark not done (")
    check_access_keys(view)
