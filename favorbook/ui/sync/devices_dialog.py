"""Preferences › Accounts › Your Devices…: this device, the rep's other devices seen, and
changing the sync passphrase (what ``favorbook devices`` and ``favorbook vault passphrase``
do on the command line).

The device list is read from the database (``engine.devices()``); changing the passphrase
reads and rewrites the wrapped vault key in the folder or on the server, so it runs on a
``BackgroundJob`` (Argon2id is slow on purpose, and a server may be slow too).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from favorbook.services.session import describe_error
from favorbook.ui.records.record_list import RowsTableModel, read_only_table
from favorbook.ui.shell.worker import BackgroundJob
from favorbook.ui.sync.sync_status import utc_naive, when_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("DevicesDialog", text)


def _when(text: str | None) -> str:
    """A stored ISO time ("2026-12-05 13:02:11" or with its zone) as "14:02" or a date."""
    try:
        value = dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return ""
    return when_text(utc_naive(value))


def this_device_text(me: dict | None) -> str:
    """One sentence on this device: its name, through what it syncs, its last sync."""
    if me is None or not me["sync_on"]:
        return _tr(
            "This device does not sync with your other devices. Choose a sync folder, or tick "
            "“Sync everything between my devices” for an account, to turn it on."
        )
    where = me["folder"] or _tr("the account “%1”").replace("%1", me["account"] or "")
    return (
        _tr("This device: “%1” (%2), syncing through %3. Last sync: %4.")
        .replace("%1", me["name"])
        .replace("%2", str(me["id"])[:8])
        .replace("%3", where)
        .replace("%4", _when(me["last_sync_at"]) or _tr("not yet (File › Sync Now)"))
    )


class DevicesModel(RowsTableModel):
    """One row per other device: name, last change made there, last received here, id."""

    COLUMNS = ("Device", "Last change", "Received here", "Device id")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [_tr(column) for column in self.COLUMNS]

    def set_devices(self, devices: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(devices)
        self.endResetModel()

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        device = self.row_at(index.row()) if index.isValid() else None
        if device is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return device["name"] or _tr("(unnamed)")
            if column == 1:
                return _when(device["last_change_at"]) or _tr("none yet")
            if column == 2:
                return _when(device["last_received_at"]) or _tr("none yet")
            return str(device["id"])
        return None


class DevicesDialog(QDialog):
    """This device, the others seen with their last change, and Change Passphrase….

    objectNames: devicesDialog, thisDevice, devicesTable, noDevices, changePassphrase.
    ``job`` is the running passphrase change (None when there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicesDialog")
        self.setWindowTitle(self.tr("Your Devices"))
        self.job: BackgroundJob | None = None
        self.this_device = QLabel()
        self.this_device.setObjectName("thisDevice")
        self.this_device.setWordWrap(True)
        self.this_device.setTextFormat(Qt.TextFormat.PlainText)
        self.this_device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = DevicesModel(self)
        self.view = read_only_table(self.model, self)
        self.view.setObjectName("devicesTable")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(
            self.tr(
                "No other device has synced yet. On your other laptop, turn the sync on "
                "through the same folder or account and give the same passphrase: it gets "
                "the whole network, and shows here after its first sync."
            )
        )
        self.empty.setObjectName("noDevices")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        retire = QLabel(
            self.tr(
                "To retire a device, turn its sync off there. A lost device: change the "
                "passphrase here and enter the new one on your other devices."
            )
        )
        retire.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.passphrase_button = QPushButton(self.tr("Change &Passphrase…"))
        self.passphrase_button.setObjectName("changePassphrase")
        self.passphrase_button.setToolTip(
            self.tr(
                "Wrap the vault key with a new sync passphrase; nothing already stored is "
                "sent again"
            )
        )
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.buttons.addButton(self.passphrase_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.this_device)
        layout.addWidget(self.stack, 1)
        layout.addWidget(retire)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        self.refresh()

    def refresh(self) -> None:
        from favorbook.sync.vault import engine

        found = engine.devices()
        me = found["this_device"]
        self.this_device.setText(this_device_text(me))
        self.model.set_devices(found["devices"])
        self.stack.setCurrentWidget(self.view if found["devices"] else self.empty)
        self.passphrase_button.setEnabled(bool(me and me["sync_on"]) and self.job is None)

    # --- the passphrase -----------------------------------------------------------------

    def ask(self, new: bool) -> str | None:
        """The current passphrase (``new`` False) or a new one typed twice; tests replace it."""
        from favorbook.ui.shell.passphrase_dialog import PassphraseDialog

        intro = (
            self.tr(
                "Choose the new sync passphrase and type it twice. Enter it on your other "
                "devices when they ask; favorbook keeps it in the system keyring."
            )
            if new
            else self.tr("Enter the sync passphrase your devices use now.")
        )
        dialog = PassphraseDialog(
            self.tr("Your devices"),
            self,
            check=lambda _text: True,  # the change itself says whether it opens the vault
            title=self.tr("New Sync Passphrase") if new else self.tr("Sync Passphrase"),
            intro=intro,
            confirm=new,
        )
        dialog.open_button.setText(self.tr("OK"))
        try:
            return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def change_passphrase(self) -> None:
        """Ask for the current passphrase (unless the variable gives it: scripts) and a new
        one, then re-wrap the vault key on a background job."""
        from favorbook.sync.vault import engine
        from favorbook.sync.vault import passphrase as vault_passphrase

        if self.job is not None:
            return
        old = vault_passphrase.from_env() or self.ask(new=False)
        if not old:
            return
        new = self.ask(new=True)
        if not new:
            return
        self.passphrase_button.setEnabled(False)
        self.job = BackgroundJob(
            self,
            self.tr("Change Passphrase"),
            self.tr("Wrapping the vault key with the new passphrase…"),
            lambda _progress: engine.change_passphrase(old, new),
        )

        def finished(_result: object, error: object) -> None:
            self.job = None
            self.refresh()
            if error is not None:
                message = describe_error(error) if isinstance(error, BaseException) else error
                self.tell(QMessageBox.Icon.Warning, str(message))
                return
            self.tell(
                QMessageBox.Icon.Information,
                self.tr(
                    "Changed the sync passphrase. Enter the new one on your other devices "
                    "when they ask for it."
                ),
            )

        self.job.done.connect(finished)
        self.job.start()

    def tell(self, icon: QMessageBox.Icon, text: str) -> None:
        """The outcome of a passphrase change; tests replace this to read it."""
        box = QMessageBox(icon, self.tr("Change Passphrase"), text, parent=self)
        box.exec()
        box.deleteLater()

    def done(self, result: int) -> None:
        if self.job is not None and self.job.is_running():
            self.job.wait()  # a half-written key file is never left: let it end
        super().done(result)
