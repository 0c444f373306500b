"""The main window's pages and the contact's tabs, as tables: each is built the first
time it is shown or asked for, so start-up builds (and imports) only what the first
paint shows: the Contacts page and its list.

A page row: (window attribute, navigation title, icon, builder); a tab row: (title,
window attributes of its views, builder). A builder takes the window and returns the
widget (a tab's builder also sets the window attributes of its views).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence


def _t(text: str) -> str:
    return QT_TRANSLATE_NOOP("MainWindow", text)


def _wire_list(window, widget):
    """A record list of the window: the Log menu owns its New key, and its requests open
    the window's forms."""
    # The window's Log menu owns these keys; the same key on a list's own action
    # would make Qt call the shortcut ambiguous and fire neither.
    widget.new_action.setShortcut(QKeySequence())
    for signal, slot in (
        ("newFavorRequested", window.log_favor),
        ("settleByNewFavorRequested", window.log_settling_favor),
        ("newConversationRequested", window.log_conversation),
        ("newFollowUpRequested", window.add_followup),
        ("rescheduleRequested", window.reschedule_followup),
    ):
        if hasattr(widget, signal):
            getattr(widget, signal).connect(slot)
    return widget


def _ledger(window, per_contact: bool = False):
    from favorbook.ui.records.ledger import LedgerView

    return _wire_list(window, LedgerView(window.bus, per_contact=per_contact))


def _conversations(window, per_contact: bool = False):
    from favorbook.ui.records.conversation_log import ConversationLog

    return _wire_list(window, ConversationLog(window.bus, per_contact=per_contact))


def _followups(window, per_contact: bool = False):
    from favorbook.ui.records.followup_list import FollowUpList

    return _wire_list(window, FollowUpList(window.bus, per_contact=per_contact))


def _referrals_page(window):
    from favorbook.ui.network.referrals_view import ReferralsVettingPage

    return ReferralsVettingPage(window.bus)


def _dashboard(window):
    from favorbook.ui.dashboard.dashboard import Dashboard

    return Dashboard(window.bus)


def _question_bank(window):
    from favorbook.ui.calls.question_bank import QuestionBankPage

    return QuestionBankPage(window.bus)


def _meetings(window):
    from favorbook.ui.calls.meetings_page import MeetingsPage

    return MeetingsPage(window.bus)


def _inbox(window):
    from favorbook.ui.calls.inbox_page import InboxPage

    return InboxPage(window.bus)


# The pages after Contacts, in navigation order (Ctrl+2, Ctrl+3, …).
PAGES = (
    ("favors_page", _t("Favors"), "favors", _ledger),
    ("conversations_page", _t("Conversations"), "conversations", _conversations),
    ("referrals_page", _t("Referrals & vetting"), "referrals", _referrals_page),
    ("followups_page", _t("Follow-ups"), "followups", _followups),
    ("dashboard", _t("Dashboard"), "dashboard", _dashboard),
    ("question_bank", _t("Question bank"), "questions", _question_bank),
    ("meetings_page", _t("Meetings"), "meetings", _meetings),
    ("inbox_page", _t("Inbox"), "inbox", _inbox),
)


def _profile(window):
    from favorbook.ui.contacts.profile import ProfileTab

    window.profile = ProfileTab(window.bus)
    return window.profile


def _contact_favors(window):
    window.contact_favors = _ledger(window, per_contact=True)
    return window.contact_favors


def _contact_conversations(window):
    window.contact_conversations = _conversations(window, per_contact=True)
    return window.contact_conversations


def _contact_followups(window):
    window.contact_followups = _followups(window, per_contact=True)
    return window.contact_followups


def _call_prep(window):
    from favorbook.ui.calls.call_prep import CallPrep

    window.call_prep = CallPrep(window.bus)
    window.call_prep.logCallRequested.connect(window.log_conversation)
    return window.call_prep


def _referrals(window):
    from favorbook.ui.contacts.contacts_page import StackedTab
    from favorbook.ui.network.matching import MatchPanel
    from favorbook.ui.network.referral_graph import ReferralGraph
    from favorbook.ui.network.referrals_view import ReferralsTab

    window.referrals_tab = ReferralsTab(window.bus)
    window.referral_graph = ReferralGraph(window.bus)
    window.match_panel = MatchPanel(window.bus)
    return StackedTab(
        window.referrals_tab, window.referral_graph, window.match_panel, stretches=(3, 3, 2)
    )


def _vetting(window):
    from favorbook.ui.network.vetting_view import VettingTab

    window.vetting_tab = VettingTab(window.bus)
    return window.vetting_tab


# The contact's tabs, in order: (title, the window attributes of its views, builder).
CONTACT_TABS = (
    (_t("Profile"), ("profile",), _profile),
    (_t("Favors"), ("contact_favors",), _contact_favors),
    (_t("Conversations"), ("contact_conversations",), _contact_conversations),
    (_t("Follow-ups"), ("contact_followups",), _contact_followups),
    (_t("Call prep"), ("call_prep",), _call_prep),
    (_t("Referrals"), ("referrals_tab", "referral_graph", "match_panel"), _referrals),
    (_t("Vetting"), ("vetting_tab",), _vetting),
)
