"""Every control can be reached with the keyboard and is named for a screen reader
(issue 15): walks every widget of every page, contact tab and dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QRadioButton, QWidget

from favorbook.sample import demo
from favorbook.services import favors, followups, referrals
from tests.gui.helpers import show_active


def _focusable(root: QWidget) -> list[QWidget]:
    """The widgets of ``root`` a user can put the cursor in (as shown now)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if (
            widget.focusPolicy() == Qt.FocusPolicy.NoFocus
            or widget.focusProxy() is not None
            or not widget.isVisibleTo(root)
            or widget.isWindow()
            and widget is not root
        ):
            continue
        found.append(widget)
    return found


def _name(widget: QWidget) -> str:
    """What a screen reader says for the widget: its own name, or the one Qt derives
    (a button's text, a form field's label)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def _nameless(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName() or '(no objectName)'}"
        for w in _focusable(root)
        if w is not root and not _name(w)
    ]


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.fixture
def sample_window(window):
    demo.load()
    window.resize(1280, 800)
    window.reload()
    settle()
    return window


def test_every_control_of_every_page_and_tab_has_a_name(sample_window):
    window = sample_window
    nameless: set[str] = set()
    tabs = window.contacts_page.tabs
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        settle()
        if window.pages.currentWidget() is window.contacts_page:
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle()
                nameless.update(_nameless(window))
        nameless.update(_nameless(window))
    assert sorted(nameless) == []


@pytest.fixture
def people(make_contact):
    ann = make_contact("Ann", "Lee")
    bob = make_contact("Bob", "Stone")
    favors.log_favor(ann, "received", "Read our proposal", expectation="iou")
    followups.add_followup(ann, dt.date.today(), "Send the case study")
    referral = referrals.record_inbound(ann, bob)
    return ann, bob, referral


def _dialogs(people, data_folder):
    from favorbook.formats import importer
    from favorbook.services import health, importing
    from favorbook.ui.backups_dialog import BackupsDialog
    from favorbook.ui.bus import Bus
    from favorbook.ui.data_actions import ExportOptionsDialog
    from favorbook.ui.forms.contact_form import ContactDialog
    from favorbook.ui.forms.conversation_form import ConversationDialog
    from favorbook.ui.forms.favor_form import FavorDialog
    from favorbook.ui.forms.followup_form import FollowUpDialog
    from favorbook.ui.forms.referral_form import ReferralDialog, ReferralOutcomeDialog
    from favorbook.ui.forms.vetting_form import VettingDialog
    from favorbook.ui.import_dialog import ImportPreviewDialog
    from favorbook.ui.mapping_dialog import MappingDialog
    from favorbook.ui.merge_dialog import MergeDialog
    from favorbook.ui.passphrase_dialog import PassphraseDialog
    from favorbook.ui.preferences import PreferencesDialog
    from favorbook.ui.recovery import RecoveryDialog
    from favorbook.ui.sync_accounts import AddAccountDialog
    from favorbook.ui.sync_conflicts import ConflictsDialog

    ann, bob, referral = people
    damaged = health.StartupCheck(Path(data_folder) / "favorbook.db", ["page 3 is damaged"])
    table = Path(data_folder) / "people.csv"
    table.write_text("Name,Company,E-mail\nAnn Lee,Brightwave,ann@example.com\n", "utf-8")
    cards = Path(data_folder) / "people.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Park\r\nEND:VCARD\r\n",
        "utf-8",
    )
    return {
        "import preview": lambda: ImportPreviewDialog(
            importing.plan_import(importer.read_file(cards))
        ),
        "csv columns": lambda: MappingDialog(str(table)),
        "sync conflicts": lambda: ConflictsDialog(Bus()),
        "referral outcome": lambda: ReferralOutcomeDialog(referral),
        "recovery": lambda: RecoveryDialog(damaged),
        "contact": lambda: ContactDialog(ann),
        "new contact": lambda: ContactDialog(None),
        "favor": lambda: FavorDialog(ann),
        "conversation": lambda: ConversationDialog(ann),
        "follow-up": lambda: FollowUpDialog(ann),
        "referral": lambda: ReferralDialog("inbound", ann),
        "recommendation": lambda: ReferralDialog("recommend", ann),
        "vetting": lambda: VettingDialog(ann),
        "preferences": lambda: PreferencesDialog(data_folder),
        "add account": lambda: AddAccountDialog(),
        "backups": lambda: BackupsDialog(data_folder),
        "export options": lambda: ExportOptionsDialog(
            "Export", 2, ask_scope=True, ask_private=True
        ),
        "merge": lambda: MergeDialog(ann),
        "passphrase": lambda: PassphraseDialog(data_folder + "/favorbook.db", check=lambda t: True),
    }


DIALOGS = [
    "import preview",
    "csv columns",
    "sync conflicts",
    "referral outcome",
    "recovery",
    "contact",
    "new contact",
    "favor",
    "conversation",
    "follow-up",
    "referral",
    "recommendation",
    "vetting",
    "preferences",
    "add account",
    "backups",
    "export options",
    "merge",
    "passphrase",
]


def _open(qtbot, people, db, which) -> QWidget:
    dialog = _dialogs(people, str(db.parent))[which]()
    if hasattr(dialog, "confirm_discard"):
        dialog.confirm_discard = lambda: True
    return show_active(
        qtbot, dialog, max(dialog.sizeHint().width(), 500), dialog.sizeHint().height()
    )


@pytest.mark.parametrize("which", DIALOGS)
def test_every_control_of_every_dialog_has_a_name(qtbot, db, people, which):
    dialog = _open(qtbot, people, db, which)
    pages = getattr(dialog, "tabs", None)
    nameless = set(_nameless(dialog))
    if pages is not None:
        for index in range(pages.count()):
            pages.setCurrentIndex(index)
            settle()
            nameless.update(_nameless(dialog))
    assert sorted(nameless) == []


def _tab_stops(dialog: QWidget) -> list[QWidget]:
    """The widgets Tab should reach: focusable by Tab, enabled, and of a group of radio
    buttons one (Tab enters the group, the arrow keys move within it)."""
    stops = []
    for widget in _focusable(dialog):
        if widget is dialog or not widget.isEnabled():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if (
            isinstance(widget, QRadioButton)
            and widget.autoExclusive()
            and any(isinstance(s, QRadioButton) and s.parent() is widget.parent() for s in stops)
        ):
            continue
        stops.append(widget)
    return stops


@pytest.mark.parametrize("which", DIALOGS)
def test_tab_reaches_every_control_of_every_dialog_and_comes_back(qtbot, db, people, which):
    dialog = _open(qtbot, people, db, which)
    stops = _tab_stops(dialog)
    start = QApplication.focusWidget()
    assert start is not None and dialog.isAncestorOf(start), "nothing has the focus"
    reached = []
    for _ in range(3 * len(stops) + 4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        while widget is not None and widget.focusProxy() is not None:
            widget = widget.focusProxy()
        reached.append(widget)
        if QApplication.focusWidget() is start:
            break
    assert QApplication.focusWidget() is start, "Tab does not come back round (a trap)"
    focused = {w for w in reached if w is not None}
    focused |= {w.parentWidget() for w in focused if w.parentWidget() is not None}
    groups = {w.parent() for w in focused if isinstance(w, QRadioButton)}
    missed = [
        f"{type(w).__name__} {w.objectName()} {_name(w)!r}"
        for w in stops
        if w not in focused and not (isinstance(w, QRadioButton) and w.parent() in groups)
    ]
    assert missed == [], " ".join(f"{type(w).__name__}:{w.objectName()}" for w in reached)
    buttons = [w for w in reached if isinstance(w, QAbstractButton)]
    assert buttons, "the buttons are never reached"


def test_tab_leaves_every_list_of_the_window(sample_window):
    """A table keeping Tab for moving between its cells traps a keyboard user in it."""
    from PySide6.QtWidgets import QAbstractItemView

    trapping = sorted(
        view.objectName() or type(view).__name__
        for view in sample_window.findChildren(QAbstractItemView)
        if view.tabKeyNavigation() and view.focusPolicy() & Qt.FocusPolicy.TabFocus
    )
    assert trapping == []
