"""The objectNames the issue promises, where it promises them, and every model behind a view.

Other programs and tests reach into the window by these names; renaming one or
moving it to another page breaks them, so each is checked in its place.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGraphicsView,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QWidget,
)

from favorbook.sample import demo
from favorbook.services import favors


def _busiest_contact() -> int:
    """A sample contact with favors, so the per-contact tabs show rows."""
    counts: dict[int, int] = {}
    for f in favors.list_favors():
        counts[f.contact_id] = counts.get(f.contact_id, 0) + 1
    return max(counts, key=counts.get)


@pytest.fixture
def sample_window(window):
    demo.load()
    window.reload()
    return window


def _visit_everything(window) -> None:
    """Show every page and every contact tab, as a user clicking through would."""
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        QApplication.processEvents()
    window.show_page(window.contacts_page)
    window.contacts_page.show_contact(_busiest_contact())
    tabs = window.contacts_page.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()


def _on_page(window, widget: QWidget) -> QWidget | None:
    """The navigation page that holds ``widget``."""
    for index in range(window.pages.count()):
        page = window.pages.widget(index)
        if page is widget or page.isAncestorOf(widget):
            return page
    return None


def _in_contact_tab(window, widget: QWidget) -> QWidget | None:
    tabs = window.contacts_page.tabs
    for index in range(tabs.count()):
        tab = tabs.widget(index)
        if tab is widget or tab.isAncestorOf(widget):
            return tab
    return None


def _only(window, kind, name: str):
    found = window.findChildren(kind, name)
    assert len(found) == 1, f"{len(found)} widgets named {name!r}, expected one"
    return found[0]


def test_main_window_is_named(sample_window):
    assert isinstance(sample_window, QMainWindow)
    assert sample_window.objectName() == "favorbookMainWindow"
    top = [w for w in QApplication.topLevelWidgets() if w.objectName() == "favorbookMainWindow"]
    assert top == [sample_window]


def test_contact_search_and_list_are_on_the_contacts_page(sample_window):
    search = _only(sample_window, QLineEdit, "contactSearch")
    view = _only(sample_window, QAbstractItemView, "contactList")
    assert _on_page(sample_window, search) is sample_window.contacts_page
    assert _on_page(sample_window, view) is sample_window.contacts_page
    assert search.isVisible() and view.isVisible()
    assert view.model() is not None and view.model().rowCount() == 60


@pytest.mark.parametrize(
    ("name", "page_number"),
    [("favorList", 2), ("conversationList", 3), ("followUpList", 5)],
)
def test_record_lists_are_item_views_on_their_pages(sample_window, qtbot, name, page_number):
    from PySide6.QtCore import Qt

    view = _only(sample_window, QAbstractItemView, name)
    assert view.model() is not None
    qtbot.keyClick(sample_window, Qt.Key.Key_0 + page_number, Qt.KeyboardModifier.ControlModifier)
    page = sample_window.pages.currentWidget()
    assert _on_page(sample_window, view) is page
    assert view.isVisible()
    assert view.model().rowCount() > 0  # the sample network has records of every kind


def test_dashboard_is_a_page(sample_window, qtbot):
    from PySide6.QtCore import Qt

    dashboard = _only(sample_window, QWidget, "dashboard")
    qtbot.keyClick(sample_window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert sample_window.pages.currentWidget() is dashboard
    assert dashboard.isVisible()


@pytest.mark.parametrize(
    ("name", "tab_title"), [("callPrep", "Call prep"), ("referralGraph", "Referrals")]
)
def test_contact_tabs_hold_call_prep_and_the_referral_graph(sample_window, name, tab_title):
    widget = _only(sample_window, QWidget, name)
    tab = _in_contact_tab(sample_window, widget)
    assert tab is not None, f"{name} is not in a contact tab"
    tabs = sample_window.contacts_page.tabs
    assert tabs.tabText(tabs.indexOf(tab)) == tab_title
    if name == "referralGraph":
        assert isinstance(widget, QGraphicsView)
    sample_window.contacts_page.show_contact(_busiest_contact())
    tabs.setCurrentWidget(tab)
    assert widget.isVisible()


def _reachable_models(window) -> dict[int, object]:
    models = {}
    for view in window.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView):
            continue  # the header shows its table's model
        if isinstance(view.parent(), QComboBox) or view.window() is not window:
            continue  # popups of combo boxes and completers: Qt's own models
        model = view.model()
        if model is not None:
            models[id(model)] = model
    return models


def test_every_model_behind_a_view_passes_the_model_tester(sample_window, qtmodeltester):
    _visit_everything(sample_window)
    models = _reachable_models(sample_window)
    names = {type(m).__name__ for m in models.values()}
    # The ones favorbook writes, at least, are among them.
    assert {"ContactListModel", "LedgerModel", "ConversationModel", "FollowUpModel"} <= names
    for model in models.values():
        assert model.rowCount() >= 0
        qtmodeltester.check(model)


def test_completer_and_combo_models_are_not_favorbook_models(sample_window):
    """Views skipped above are Qt's own popups, not favorbook models left untested."""
    _visit_everything(sample_window)
    for view in sample_window.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView):
            continue
        if isinstance(view.parent(), QComboBox) or view.window() is not sample_window:
            assert type(view.model()).__module__.startswith("PySide6"), type(view.model())


def test_a_qt_warning_fails_a_gui_test(tmp_path):
    """The project's pytest settings turn any Qt warning in a GUI test into a failure."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sample = tmp_path / "test_warns.py"
    sample.write_text(
        "from PySide6.QtCore import qWarning\n"
        "def test_warns(qtbot):\n"
        "    qWarning('favorbook sample warning')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-c", str(root / "pyproject.toml"), "--rootdir", str(tmp_path), str(sample)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout
    assert "favorbook sample warning" in done.stdout
    assert "1 failed" in done.stdout
