"""Asking for the passphrase of an encrypted database at start-up.

``ask_passphrase(path)`` shows PassphraseDialog and returns the passphrase that
opens the file, or None when the user cancels or has used up their tries.
Each try is checked with ``encryption.check_passphrase``; the text is kept only
in memory and the field is cleared after every try.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from favorbook.services import encryption

MAX_TRIES = 3


class PassphraseDialog(QDialog):
    """A password field with a Show toggle; MAX_TRIES wrong passphrases and it gives up.

    ``check`` tells whether a passphrase opens the file (default: the encryption
    service). ``passphrase()`` is the accepted one; ``gave_up`` is True after the
    last wrong try. objectNames: passphraseDialog, passphrase, showPassphrase,
    passphraseMessage; with ``confirm`` (a new passphrase being chosen) a second field,
    passphraseConfirm, must say the same, else the message says they differ (no try is
    counted for that).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        parent: QWidget | None = None,
        check: Callable[[str], bool] | None = None,
        *,
        title: str | None = None,
        intro: str | None = None,
        last_try: str | None = None,
        confirm: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(title or self.tr("Unlock favorbook"))
        self._last_try = last_try
        self._path = Path(path)
        self._check = check or (lambda text: encryption.check_passphrase(self._path, text))
        self._accepted = ""
        self.tries_left = MAX_TRIES
        self.gave_up = False

        intro = QLabel(
            intro or self.tr("Your favorbook data is encrypted. Enter its passphrase to open it.")
        )
        intro.setWordWrap(True)
        where = QLabel(str(self._path))
        where.setObjectName("passphrasePath")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText(self.tr("Passphrase"))
        self.field.setAccessibleName(self.tr("Passphrase"))
        self.confirm_field: QLineEdit | None = None
        if confirm:
            self.confirm_field = QLineEdit()
            self.confirm_field.setObjectName("passphraseConfirm")
            self.confirm_field.setEchoMode(QLineEdit.EchoMode.Password)
            self.confirm_field.setPlaceholderText(self.tr("The same passphrase again"))
            self.confirm_field.setAccessibleName(self.tr("The same passphrase again"))
        self.show_box = QCheckBox(self.tr("Show"))
        self.show_box.setObjectName("showPassphrase")
        self.show_box.toggled.connect(self._show_toggled)
        self.message = QLabel()
        self.message.setObjectName("passphraseMessage")
        self.message.setWordWrap(True)
        font = self.message.font()
        font.setBold(True)
        self.message.setFont(font)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText(self.tr("Open"))
        self.open_button.setEnabled(False)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_passphrase)
        self.buttons.rejected.connect(self.reject)
        self.field.textChanged.connect(self._typed)
        if self.confirm_field is not None:
            self.confirm_field.textChanged.connect(self._typed)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(self.field)
        if self.confirm_field is not None:
            layout.addWidget(self.confirm_field)
        layout.addWidget(self.show_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.field.setFocus()

    def passphrase(self) -> str:
        """The passphrase that opened the file ('' until one did)."""
        return self._accepted

    def _typed(self, *_args) -> None:
        again = self.confirm_field is None or bool(self.confirm_field.text())
        self.open_button.setEnabled(bool(self.field.text()) and again)

    def _show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.field.setEchoMode(mode)
        if self.confirm_field is not None:
            self.confirm_field.setEchoMode(mode)

    def try_passphrase(self) -> None:
        """Check what was typed: accept when it opens the file, else say so and count a try."""
        text = self.field.text()
        if not text:
            return
        if self.confirm_field is not None and self.confirm_field.text() != text:
            self.message.setText(
                self.tr("The two passphrases differ. Type the same new passphrase in both fields.")
            )
            self.message.show()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            self.confirm_field.clear()
            self.confirm_field.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opens = self._check(text)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.field.clear()
        if opens:
            self._accepted = text
            self.accept()
            return
        self.tries_left -= 1
        name = self._path.name
        if self.tries_left > 0:
            self.message.setText(
                self.tr("That passphrase does not open %1. Tries left: %2.")
                .replace("%1", name)
                .replace("%2", str(self.tries_left))
            )
        else:
            self.gave_up = True
            self.message.setText(
                (
                    self._last_try
                    or self.tr(
                        "That passphrase does not open %1 either. favorbook will close; "
                        "start it again to try once more."
                    )
                ).replace("%1", name)
            )
            self.field.setEnabled(False)
            self.show_box.setEnabled(False)
            self.open_button.setEnabled(False)
            self.cancel_button.setText(
                self.tr("Quit") if self._last_try is None else self.tr("Close")
            )
        self.message.show()
        if self.field.isEnabled():
            self.field.setFocus()


def ask_passphrase(path: str | os.PathLike[str], parent: QWidget | None = None) -> str | None:
    """The passphrase that opens the encrypted database at ``path``, or None (cancel, 3 misses)."""
    dialog = PassphraseDialog(path, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.passphrase()
        return None
    finally:
        dialog.deleteLater()
