"""The dialog shown at start-up when the database is damaged.

It says what is wrong and where the file is, promises that the damaged file is
kept aside (never overwritten), and offers the newest healthy backup, an empty
database, or quitting. The work is done by ``favorbook.services.health``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError
from favorbook.services import health


def local_when(when) -> str:
    # The backups window's module is imported only when damage was found: a healthy
    # start-up never needs it.
    from favorbook.ui.data.backups_dialog import local_when as when_text

    return when_text(when)


def size_text(size: int) -> str:
    from favorbook.ui.data.backups_dialog import size_text as text

    return text(size)


class RecoveryDialog(QDialog):
    """Choose what to do about a damaged database; ``outcome`` says what was done.

    ``outcome`` is "restored", "empty" or "quit"; ``aside`` is where the damaged
    file was moved (None after Quit: then nothing was touched).
    """

    def __init__(self, check: health.StartupCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(self.tr("favorbook: the database is damaged"))
        self.check = check
        self.outcome = "quit"
        self.aside = None
        self.restored = None

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel(self.tr("favorbook found damage in your database and did not open it."))
        heading.setObjectName("heading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        where = QLabel(self.tr("The file: %1").replace("%1", str(check.path)))
        where.setObjectName("path")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problems = QPlainTextEdit("\n".join(check.problems))
        problems.setObjectName("problems")
        problems.setAccessibleName(self.tr("What the check found"))
        problems.setReadOnly(True)
        problems.setMaximumHeight(problems.fontMetrics().lineSpacing() * 5)
        if check.backup is not None:
            offer = self.tr(
                "You can go back to your newest healthy backup, from %1. Changes made "
                "after it are not in it."
            ).replace("%1", local_when(check.backup.when))
        else:
            offer = self.tr(
                "There is no healthy backup to go back to. You can start with an empty "
                "database and keep the damaged file for later."
            )
        kept = QLabel(
            self.tr(
                "Whatever you choose, the damaged file is kept aside under a new name in the "
                "same folder; it is never overwritten or deleted."
            )
            + "\n\n"
            + offer
        )
        kept.setObjectName("explanation")
        kept.setWordWrap(True)

        text = QVBoxLayout()
        text.addWidget(heading)
        text.addWidget(where)
        text.addWidget(QLabel(self.tr("What is wrong:")))
        text.addWidget(problems)
        text.addWidget(kept)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restoreButton")
        if check.backup is not None:
            self.restore_button.setText(
                self.tr("Restore the newest healthy backup (%1, %2)")
                .replace("%1", local_when(check.backup.when))
                .replace("%2", size_text(check.backup.size))
            )
        self.restore_button.setVisible(check.backup is not None)
        self.restore_button.clicked.connect(self.restore_backup)
        self.empty_button = QPushButton(self.tr("Start with an Empty Database"))
        self.empty_button.setObjectName("emptyButton")
        self.empty_button.clicked.connect(self.start_empty)
        self.quit_button = QPushButton(self.tr("Quit"))
        self.quit_button.setObjectName("quitButton")
        self.quit_button.clicked.connect(self.reject)
        choices = QVBoxLayout()
        choices.addWidget(self.restore_button)
        choices.addWidget(self.empty_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        (self.restore_button if check.backup is not None else self.empty_button).setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(choices)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def restore_backup(self) -> None:
        try:
            self.aside, self.restored = health.recover(self.check)
        except FavorbookError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.outcome = "restored"
        QMessageBox.information(
            self,
            self.tr("Backup restored"),
            self.tr("favorbook restored the backup from %1.\n\nThe damaged file was kept as:\n%2")
            .replace("%1", local_when(self.check.backup.when))
            .replace("%2", str(self.aside)),
        )
        self.accept()

    def start_empty(self) -> None:
        try:
            self.aside = health.set_aside(self.check.path)
        except FavorbookError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.outcome = "empty"
        QMessageBox.information(
            self,
            self.tr("Empty database"),
            self.tr(
                "favorbook starts with an empty database.\n\nThe damaged file was kept as:\n%1"
            ).replace("%1", str(self.aside)),
        )
        self.accept()


def check_at_start(data_dir) -> bool:
    """Quick-check the database before it is opened; on damage ask what to do.

    Returns False when the user chose Quit (nothing was touched), True otherwise.
    """
    return ask(health.startup_check(data_dir))


def ask(check: health.StartupCheck) -> bool:
    """On damage found by the start-up check, ask what to do; False when the user chose
    Quit (nothing was touched)."""
    if check.healthy:
        return True
    dialog = RecoveryDialog(check, QApplication.activeWindow())
    dialog.exec()
    return dialog.outcome != "quit"
