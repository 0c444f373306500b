"""A word-wrapping label that remembers how tall it is at each width."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class WrapLabel(QLabel):
    """A word-wrapping QLabel that keeps the height it found for each width until its text,
    format, font or style changes.

    A layout asks a wrapping label its height for the same few widths many times in one
    pass (minimum, hint, the width it gets), and QLabel lays its whole text out anew each
    time: the labels of a contact's call prep, referrals and vetting tabs took most of the
    time of opening them.
    """

    _KEPT = 8  # widths remembered; more are forgotten all at once (a window being resized)

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        if text != self.text():
            self._heights.clear()
            super().setText(text)

    def setTextFormat(self, text_format) -> None:  # noqa: N802 (Qt naming)
        self._heights.clear()
        super().setTextFormat(text_format)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 (Qt naming)
        self._heights.clear()
        super().setWordWrap(on)

    def setMargin(self, margin: int) -> None:  # noqa: N802 (Qt naming)
        self._heights.clear()
        super().setMargin(margin)

    def setIndent(self, indent: int) -> None:  # noqa: N802 (Qt naming)
        self._heights.clear()
        super().setIndent(indent)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt naming)
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= self._KEPT:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # A font, style or contents-margins change sets the text in other sizes.
        self._heights.clear()
        super().changeEvent(event)
