"""Wrapping labels remember their height for each width (QLabel lays its text out anew on
every ask, and a layout asks many times): the height still follows the text, the font and
the margins, and the contact's tabs wrap their text with such labels."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from favorbook.ui.shell.wrap_label import WrapLabel


def test_the_height_follows_the_text_font_and_margins(qtbot):
    label = WrapLabel("word " * 40)
    qtbot.addWidget(label)
    tall = label.heightForWidth(120)
    assert label.heightForWidth(120) == tall
    assert label.heightForWidth(600) < tall
    label.setText("word")
    short = label.heightForWidth(120)
    assert short < tall
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 3)
    label.setFont(font)
    bigger = label.heightForWidth(120)
    assert bigger > short
    label.setContentsMargins(0, 30, 0, 30)
    assert label.heightForWidth(120) == bigger + 60
    label.setWordWrap(False)
    assert label.wordWrap() is False


def test_the_same_width_is_laid_out_once(qtbot, monkeypatch):
    label = WrapLabel("word " * 40)
    qtbot.addWidget(label)
    asked: list[int] = []
    real = QLabel.heightForWidth
    monkeypatch.setattr(QLabel, "heightForWidth", lambda self, w: asked.append(w) or real(self, w))
    for _ in range(5):
        label.heightForWidth(200)
        label.heightForWidth(300)
    assert asked == [200, 300]
    label.setText("other words " * 10)
    label.heightForWidth(200)
    assert asked == [200, 300, 200]


def test_the_contact_tabs_wrap_text_in_labels_that_remember_their_height(window):
    page = window.contacts_page
    for index in range(page.tabs.count()):
        tab = page.tab_widget(index)
        plain = [
            label.objectName() or label.text()[:40]
            for label in tab.findChildren(QLabel)
            if label.wordWrap() and not isinstance(label, WrapLabel)
        ]
        assert not plain, (page.tabs.tabText(index), plain)
