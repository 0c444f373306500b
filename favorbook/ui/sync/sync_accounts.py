"""Preferences › Accounts: the rep's CardDAV/CalDAV accounts, adding one, removing one,
and the optional sync every N minutes.

Adding and removing take effect at once (a password goes to the keyring, the server
may get a new collection); the interval is a preference like the others and is
written when the Preferences dialog is saved. Network calls (``accounts.discover``,
``accounts.add_account``) run on a ``BackgroundJob``, so the dialog keeps drawing
and a slow server can be left with Cancel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from favorbook.errors import FavorbookError, SyncError, ValidationError
from favorbook.services.session import describe_error
from favorbook.services.terms import counted
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.records.record_list import RowsTableModel, read_only_table
from favorbook.ui.shell.worker import BackgroundJob
from favorbook.ui.sync.sync_status import (
    long_result,
    outcome_of,
    short_result,
    utc_naive,
    when_text,
)

CREATE = "favorbook"
"""The name of the collection favorbook creates when the user asks for a new one."""
DEFAULT_INTERVAL = 15


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncAccounts", text)


def collection_label(url: str | None) -> str:
    """A collection's URL as a short name: its last path segment ("contacts")."""
    if not url:
        return ""
    path = unquote(urlsplit(url).path).rstrip("/")
    return path.rsplit("/", 1)[-1] or url


def server_label(url: str) -> str:
    """The server of an account URL: its host (an e-mail address stays as typed)."""
    parts = urlsplit(url)
    return parts.netloc or url


def _parse_time(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def vault_account() -> str | None:
    """The account the sync between devices goes through now (None: off, or a folder)."""
    from favorbook.sync.vault import capture, transport

    where = transport.location(capture.state())
    if where is None or not capture.enabled():
        return None
    return where.get("account")


def vault_is_new(path: str) -> bool:
    from favorbook.sync.vault import crypto

    return not (Path(path) / crypto.KEY_FILE).exists()


def vault_opens(path: str, passphrase: str) -> bool:
    """False only when ``path`` holds a vault key that ``passphrase`` does not open (any
    other problem is left for turning the sync on to report in its own words)."""
    from favorbook.sync.vault import crypto
    from favorbook.sync.vault.folder import FolderStore

    try:
        data = FolderStore(path).read_key()
        if data is not None:
            crypto.unwrap(data, passphrase, path)
    except crypto.WrongVaultPassphrase:
        return False
    except (OSError, crypto.VaultError):
        return True
    return True


class AccountsModel(RowsTableModel):
    """One row per account: name, server, user, address book, tasks calendar, last sync."""

    COLUMNS = ("Name", "Server", "User", "Address book", "Tasks calendar", "Last sync")
    NameRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [_tr(column) for column in self.COLUMNS]

    def set_accounts(self, infos: list) -> None:
        self.beginResetModel()
        self._rows = list(infos)
        self.endResetModel()

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                info.name,
                server_label(info.url),
                info.username,
                collection_label(info.addressbook_url) or _tr("none"),
                collection_label(info.calendar_url) or _tr("none"),
                short_result(outcome_of(info)),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                info.name,
                info.url,
                info.username,
                info.addressbook_url or "",
                info.calendar_url or "",
                long_result(outcome_of(info)),
            )[column]
        if role == self.NameRole:
            return info.name
        return None


class AccountsPage(QWidget):
    """The Accounts tab of Preferences. ``accountsChanged`` fires after an add or a remove."""

    accountsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsPage")
        self._intervals: dict[str, int | None] = {}  # pending, written by save()
        self.model = AccountsModel(self)
        self.view = read_only_table(self.model, self)
        self.view.setObjectName("accountList")
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(AccountsModel.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(
            self.tr(
                "<p><b>No account yet.</b></p><p>Add the CardDAV/CalDAV account you already "
                "use (Nextcloud, Radicale, Fastmail, iCloud, or any standard server) to have "
                "your contacts and follow-ups on your phone and your other computers.</p>"
                "<p>The ledger, conversations, vetting and private notes reach your other "
                "devices only when you turn on the sync between them (per account, or "
                "through Sync Folder…), encrypted with your sync passphrase first.</p>"
            )
        )
        self.empty_label.setObjectName("noAccounts")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setMargin(12)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.view)

        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.setObjectName("addAccount")
        self.add_button.clicked.connect(self.add_account)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setObjectName("removeAccount")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        self.every_box = QCheckBox(self.tr("S&ync every"))
        self.every_box.setObjectName("syncEvery")
        self.every_box.setToolTip(
            self.tr("Sync this account by itself while favorbook is open (off: only Sync Now)")
        )
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("syncInterval")
        self.interval_spin.setAccessibleName(self.tr("Sync every, in minutes"))
        self.interval_spin.setRange(5, 24 * 60)
        self.interval_spin.setSingleStep(5)
        self.interval_spin.setValue(DEFAULT_INTERVAL)
        self.interval_spin.setSuffix(self.tr(" minutes"))
        self.interval_note = QLabel(self.tr("while favorbook is open"))
        self.every_box.toggled.connect(self._interval_edited)
        self.interval_spin.valueChanged.connect(self._interval_edited)
        self.devices_button = QPushButton(self.tr("Your &Devices…"))
        self.devices_button.setObjectName("vaultDevices")
        self.devices_button.setToolTip(
            self.tr("This device and your other devices, with their last change; the passphrase")
        )
        self.devices_button.clicked.connect(self.show_devices)
        interval = QHBoxLayout()
        interval.addWidget(self.every_box)
        interval.addWidget(self.interval_spin)
        interval.addWidget(self.interval_note)
        interval.addStretch(1)
        interval.addWidget(self.devices_button)  # (under the device sync's checkbox)
        # The whole database between the rep's devices through this account's server
        # (a collection of its own there, sync/vault/davstore.py), end-to-end encrypted.
        self.vault_account_box = QCheckBox(self.tr("Sync everything between my devices"))
        self.vault_account_box.setObjectName("vaultAccount")
        self.vault_account_box.setToolTip(
            self.tr(
                "Favors, conversations, notes and vetting travel to your other devices "
                "through this account's server, in a collection of their own, encrypted "
                "with your sync passphrase before they leave: the server reads nothing"
            )
        )
        self.vault_account_box.clicked.connect(self._vault_account_clicked)
        self.vault_job: BackgroundJob | None = None
        buttons.addWidget(self.vault_account_box)  # beside Add and Remove: it is per account

        self.details = QLabel()
        self.details.setObjectName("accountDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # The sync of the whole database between the rep's own devices (sync/vault/).
        self.vault_label = QLabel()
        self.vault_label.setObjectName("vaultStatus")
        self.vault_label.setWordWrap(True)
        self.vault_label.setTextFormat(Qt.TextFormat.PlainText)
        self.vault_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vault_button = QPushButton(self.tr("Sync &Folder…"))
        self.vault_button.setObjectName("vaultFolder")
        self.vault_button.setToolTip(
            self.tr(
                "Sync everything (favors, conversations, notes, vetting) with your other "
                "devices through a folder that Syncthing, Nextcloud, Dropbox or a USB stick "
                "keeps in step; end-to-end encrypted with your sync passphrase"
            )
        )
        self.vault_button.clicked.connect(self.choose_vault_folder)
        vault_row = QHBoxLayout()
        vault_row.addWidget(self.vault_label, 1)
        vault_row.addWidget(self.vault_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addLayout(interval)
        layout.addLayout(vault_row)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._loading = False
        self.reload()
        self.refresh_vault()

    # --- state --------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        from favorbook.sync import accounts

        current = select or self.selected_name()
        infos = accounts.list_accounts()
        self.model.set_accounts(infos)
        self.stack.setCurrentWidget(self.view if infos else self.empty_label)
        names = [info.name for info in infos]
        self._intervals = {k: v for k, v in self._intervals.items() if k in names}
        if infos:
            self.view.selectRow(names.index(current) if current in names else 0)
        self._selection_changed()

    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.data(rows[0], AccountsModel.NameRole)

    def _selected_info(self):
        name = self.selected_name()
        return next((i for i in self.model._rows if i.name == name), None)

    def interval_of(self, name: str) -> int | None:
        """The interval shown for an account: the pending one, else the stored one."""
        if name in self._intervals:
            return self._intervals[name]
        info = next((i for i in self.model._rows if i.name == name), None)
        return info.interval_minutes if info is not None else None

    def _selection_changed(self, *_args) -> None:
        name = self.selected_name()
        self.remove_button.setEnabled(name is not None)
        info = self._selected_info()
        self.details.setVisible(info is not None)
        if info is not None:
            self.details.setText(
                self.tr("Last sync: %1\nAddress book: %2\nTasks calendar: %3")
                .replace("%1", long_result(outcome_of(info)))
                .replace("%2", info.addressbook_url or self.tr("none"))
                .replace("%3", info.calendar_url or self.tr("none"))
            )
        for widget in (self.every_box, self.interval_spin, self.interval_note):
            widget.setEnabled(name is not None)
        self.vault_account_box.setEnabled(name is not None)
        self.vault_account_box.setChecked(name is not None and vault_account() == name)
        self._loading = True
        try:
            minutes = self.interval_of(name) if name else None
            self.every_box.setChecked(bool(minutes))
            self.interval_spin.setValue(minutes or DEFAULT_INTERVAL)
            self.interval_spin.setEnabled(bool(minutes))
        finally:
            self._loading = False

    def _interval_edited(self, *_args) -> None:
        self.interval_spin.setEnabled(self.every_box.isChecked() and self.every_box.isEnabled())
        name = self.selected_name()
        if self._loading or name is None:
            return
        minutes = self.interval_spin.value() if self.every_box.isChecked() else None
        self._intervals[name] = minutes

    def has_pending(self) -> bool:
        """An interval was changed and not yet saved."""
        return any(
            minutes != next((i.interval_minutes for i in self.model._rows if i.name == name), None)
            for name, minutes in self._intervals.items()
        )

    def save(self) -> None:
        """Write the changed intervals (Preferences › Save)."""
        from favorbook.sync import accounts

        for name, minutes in self._intervals.items():
            accounts.set_interval(name, minutes)
        self._intervals.clear()

    # --- your devices -------------------------------------------------------------------

    def refresh_vault(self) -> None:
        """Say whether the whole database syncs with the rep's other devices, and where."""
        from favorbook.sync.vault import engine

        me = engine.devices()["this_device"]
        name = self.selected_name()
        self.vault_account_box.setChecked(name is not None and vault_account() == name)
        if me is None or not me["sync_on"]:
            self.vault_label.setText(
                self.tr(
                    "Your devices: off. Tick “Sync everything between my devices” or choose a "
                    "sync folder to have the whole network on every device of yours."
                )
            )
            return
        when = when_text(utc_naive(_parse_time(me["last_sync_at"])))
        where = me["folder"] or self.tr("account “%1”").replace("%1", me["account"] or "")
        self.vault_label.setText(
            self.tr("Your devices: on, through %1, as “%2”. Last sync: %3.")
            .replace("%1", where)
            .replace("%2", me["name"])
            .replace("%3", when or self.tr("not yet (File › Sync Now)"))
        )

    def show_devices(self):
        """Your Devices…: this device, the others seen, and changing the passphrase."""
        from favorbook.ui.sync.devices_dialog import DevicesDialog

        dialog = DevicesDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self.refresh_vault)
        dialog.open()
        return dialog

    def _vault_account_clicked(self, checked: bool) -> None:
        name = self.selected_name()
        if name is None:
            return
        if checked:
            self.turn_on_vault_account(name)
        else:
            self.turn_off_vault()

    def turn_off_vault(self) -> None:
        """Stop the sync between devices (what changes here waits for it to be on again)."""
        from favorbook.sync.vault import engine

        engine.turn_off()
        self.refresh_vault()
        self.accountsChanged.emit()

    def turn_on_vault_account(self, name: str) -> None:
        """Turn on the sync between devices through account ``name``: the server is asked
        on a background job (a slow one can be left with Cancel), the passphrase here;
        ``vault_job`` is None again when it is done (on or not)."""
        from favorbook.sync.vault import davstore

        self._run_vault(
            self.tr("Looking for your devices' collection on %1…").replace("%1", name),
            lambda _progress: davstore.key_file_of(name),  # None: a new vault
            lambda key_file: self._key_found(name, key_file),
        )

    def _run_vault(self, label: str, job, then) -> None:
        self.vault_account_box.setEnabled(False)
        self.vault_job = BackgroundJob(self, self.tr("Sync Between Devices"), label, job)

        def finished(result: object, error: object, job=self.vault_job) -> None:
            self.vault_job = None
            self.vault_account_box.setEnabled(self.selected_name() is not None)
            if job.runner.cancel_requested.is_set():
                self.refresh_vault()  # the user gave up waiting: show how things stand
                return
            if error is not None:
                message = describe_error(error) if isinstance(error, BaseException) else error
                self.warn_vault(str(message))
                self.refresh_vault()
                return
            then(result)

        self.vault_job.done.connect(finished)
        self.vault_job.start()

    def _key_found(self, name: str, key_file: bytes | None) -> None:
        from favorbook.sync.vault import crypto, davstore, engine
        from favorbook.sync.vault import passphrase as vault_passphrase

        def opens(text: str) -> bool:
            if key_file is None:
                return True
            try:
                crypto.unwrap(key_file, text)
            except crypto.WrongVaultPassphrase:
                return False
            except crypto.VaultError:
                return True  # left for turning the sync on to report in its own words
            return True

        passphrase = vault_passphrase.from_env()  # scripts: used as it is, never asked
        if passphrase is None:
            stored = vault_passphrase.get()
            if stored is not None and key_file is not None and opens(stored):
                passphrase = stored
            else:
                where = self.tr("%1 on account “%2”").replace("%1", davstore.COLLECTION)
                passphrase = self.ask_new_or_known_passphrase(
                    where.replace("%2", name), key_file is None, opens
                )
        if not passphrase:
            self.refresh_vault()
            return

        def turned_on(_state) -> None:
            self.refresh_vault()
            self.accountsChanged.emit()  # the window's Sync Now now has something to do

        self._run_vault(
            self.tr("Turning on the sync between your devices through %1…").replace("%1", name),
            lambda _progress: engine.turn_on_account(name, passphrase),
            turned_on,
        )

    def wait_for_vault_job(self) -> None:
        """Let a running job end (Preferences is closing; its answer is not wanted)."""
        if self.vault_job is not None and self.vault_job.is_running():
            self.vault_job.cancel()
            self.vault_job.wait()

    def _turned_on(self, turn_on) -> bool:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            turn_on()
        except Exception as exc:  # noqa: BLE001 - one message, never a traceback
            QGuiApplication.restoreOverrideCursor()
            self.warn_vault(describe_error(exc))
            self.refresh_vault()
            return False
        QGuiApplication.restoreOverrideCursor()
        self.refresh_vault()
        self.accountsChanged.emit()  # the window's Sync Now now has something to do
        return True

    def choose_vault_folder(self) -> bool:
        """Turn on the sync between devices through a folder the rep picks; True when on."""
        from favorbook.sync.vault import engine
        from favorbook.sync.vault import passphrase as vault_passphrase

        me = engine.devices()["this_device"]
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Sync Folder"), (me or {}).get("folder") or ""
        )
        if not path:
            return False
        passphrase = vault_passphrase.from_env()  # scripts: used as it is, never asked
        if passphrase is None:
            stored = vault_passphrase.get()
            if stored is not None and vault_opens(path, stored):
                passphrase = stored
            else:
                passphrase = self.ask_vault_passphrase(path)
        if not passphrase:
            return False
        return self._turned_on(lambda: engine.turn_on_folder(path, passphrase))

    def ask_vault_passphrase(self, path: str) -> str | None:
        """The sync passphrase that opens the vault in ``path`` (any, for a new one)."""
        return self.ask_new_or_known_passphrase(
            path, vault_is_new(path), lambda text: vault_opens(path, text)
        )

    def ask_new_or_known_passphrase(self, where: str, new: bool, check) -> str | None:
        """A new sync passphrase (typed twice), or the one that ``check`` says opens the
        vault in ``where`` (a folder, or the collection on an account)."""
        from favorbook.ui.shell.passphrase_dialog import PassphraseDialog

        if new:
            intro = self.tr(
                "Choose the sync passphrase for your devices, and type it twice. Your other "
                "devices ask for it when they join; favorbook keeps it in the system keyring."
            )
        else:
            intro = self.tr("Enter the sync passphrase you chose on your other device.")
        dialog = PassphraseDialog(
            where,
            self,
            check=check,
            title=self.tr("Sync Passphrase"),
            intro=intro,
            last_try=self.tr(
                "That passphrase does not open the vault in %1 either. Nothing was "
                "changed; try again to have one more go."
            ),
            confirm=new,
        )
        dialog.open_button.setText(self.tr("OK"))
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.passphrase()
            return None
        finally:
            dialog.deleteLater()

    def warn_vault(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Sync Folder"), message)

    # --- add, remove --------------------------------------------------------------------

    def add_account(self) -> AddAccountDialog:
        dialog = AddAccountDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._added(dialog.account))
        dialog.open()
        return dialog

    def _added(self, info) -> None:
        self.reload(select=info.name if info is not None else None)
        self.accountsChanged.emit()

    def confirm_remove(self, name: str) -> bool:
        """Ask before removing; tests replace this to answer."""
        answer = QMessageBox.question(
            self,
            self.tr("Remove account"),
            self.tr(
                "Remove the account %1?\n\nfavorbook forgets its password and what it "
                "synced with it. Your contacts stay on this computer and on the server; "
                "adding the account again syncs them up without duplicates."
            ).replace("%1", name)
            + (
                self.tr(
                    "\n\nThe sync between your devices goes through it and stops too; "
                    "what changes here waits until you turn it on again."
                )
                if vault_account() == name
                else ""
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> bool:
        from favorbook.sync import accounts
        from favorbook.ui.sync.sync_actions import syncing_accounts

        name = self.selected_name()
        if name is None:
            return False
        if name in syncing_accounts():
            QMessageBox.information(
                self,
                self.tr("Remove account"),
                self.tr("%1 is syncing now. Wait for the sync to finish, then remove it.").replace(
                    "%1", name
                ),
            )
            return False
        if not self.confirm_remove(name):
            return False
        try:
            accounts.remove_account(name)
        except FavorbookError as exc:
            QMessageBox.warning(self, self.tr("Remove account"), describe_error(exc))
            return False
        self._intervals.pop(name, None)
        self.reload()
        self.refresh_vault()  # (the device sync through it stopped with it)
        self.accountsChanged.emit()
        return True


class AddAccountDialog(FormDialog):
    """Address or e-mail, user, app password; Find Collections; the address book and the tasks
    calendar to use. Save adds the account (``account`` holds its AccountInfo then)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_tr("Add Account"), parent)
        self.setObjectName("addAccountDialog")
        self.account = None
        self._job: BackgroundJob | None = None
        self._found = None  # the last Discovery
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("dav.example.com or you@example.com"))
        self.url.setToolTip(
            self.tr(
                "Your server's address (Nextcloud, Radicale, Fastmail, iCloud, …) or your "
                "e-mail address; favorbook finds the address books and calendars from it."
            )
        )
        self.url.editingFinished.connect(self._user_from_address)
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("user name on the server"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(
            self.tr(
                "An app password made for favorbook in your server's settings is best. "
                "It is kept in the system keyring, never in favorbook's data."
            )
        )
        self.find_button = QPushButton(self.tr("&Find Collections"))
        self.find_button.setObjectName("findCollections")
        self.find_button.clicked.connect(self.find_collections)
        self.found_label = QLabel(self.tr("to pick an address book and a calendar"))
        self.found_label.setObjectName("foundLabel")
        find_row = QWidget()
        row = QHBoxLayout(find_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.find_button)
        row.addWidget(self.found_label, 1)
        self.addressbook = QComboBox()
        self.calendar = QComboBox()
        for combo in (self.addressbook, self.calendar):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow)
            combo.setMinimumContentsLength(24)
        self._fill(self.addressbook, None)
        self._fill(self.calendar, None)

        self.add_row("url", self.tr("Address or e-mail"), self.url)
        self.add_row("username", self.tr("User"), self.username)
        self.add_row("password", self.tr("App password"), self.password)
        self.form.addRow("", find_row)
        self.add_row("addressbook", self.tr("Address book"), self.addressbook)
        self.add_row("calendar", self.tr("Tasks calendar"), self.calendar)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("&Add Account"))
        self.resize(max(520, self.sizeHint().width()), self.sizeHint().height())
        self.mark_clean()
        self.url.setFocus()

    # --- the collection pickers ---------------------------------------------------------

    def _fill(self, combo: QComboBox, collections) -> None:
        """Offer the collections found, and creating one named "favorbook"."""
        combo.clear()
        if collections is None:
            combo.addItem(self.tr("Automatic: the only one, or a new “favorbook”"), None)
            combo.setEnabled(False)
            return
        for collection in collections:
            combo.addItem(collection.name or collection_label(collection.url), collection.url)
            combo.setItemData(combo.count() - 1, collection.url, Qt.ItemDataRole.ToolTipRole)
        if not any((c.name or "").casefold() == CREATE for c in collections):
            combo.addItem(self.tr("Create “favorbook”"), CREATE)
        combo.setEnabled(True)
        combo.setCurrentIndex(0)

    def chosen(self, combo: QComboBox) -> str | None:
        """The URL of the collection picked, "favorbook" to create one, None for automatic."""
        return combo.currentData()

    def _user_from_address(self) -> None:
        text = self.url.text().strip()
        if "@" in text and "://" not in text and not self.username.text().strip():
            self.username.setText(text)

    # --- network jobs -------------------------------------------------------------------

    def _read(self) -> tuple[str, str, str]:
        url, user, password = (
            self.url.text().strip(),
            self.username.text().strip(),
            self.password.text(),
        )
        if not url:
            raise ValidationError("url", self.tr("type your server's address or your e-mail"))
        if not user:
            raise ValidationError("username", self.tr("type your user name on the server"))
        if not password:
            raise ValidationError("password", self.tr("type the (app) password"))
        return url, user, password

    def _busy(self, on: bool) -> None:
        self.find_button.setEnabled(not on)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not on)

    def _run(self, title: str, label: str, job, done) -> None:
        self._busy(True)
        self._job = BackgroundJob(self, title, label, job)

        def finished(result: object, error: object, job=self._job) -> None:
            self._job = None
            self._busy(False)
            if job.runner.cancel_requested.is_set():
                return  # the user gave up waiting; whatever came back is not wanted
            done(result, error)

        self._job.done.connect(finished)
        self._job.start()

    def find_collections(self) -> None:
        from favorbook.sync import accounts

        self._clear_error()
        try:
            url, user, password = self._read()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        self.found_label.setText(self.tr("Looking…"))
        self._run(
            self.tr("Find Collections"),
            self.tr("Asking %1 for its address books and calendars…").replace("%1", url),
            lambda _progress: accounts.discover(url, user, password),
            self._found_collections,
        )

    def _found_collections(self, found: object, error: object) -> None:
        if error is not None:
            self.found_label.setText(self.tr("Nothing found."))
            self._show_failure(error)
            return
        self._found = found
        self._fill(self.addressbook, found.addressbooks)
        self._fill(self.calendar, found.calendars)
        books, calendars = len(found.addressbooks), len(found.calendars)
        self.found_label.setText(
            self.tr("Found: %1, %2.")
            .replace("%1", counted(books, self.tr("address book"), self.tr("address books")))
            .replace(
                "%2", counted(calendars, self.tr("tasks calendar"), self.tr("tasks calendars"))
            )
        )
        self.addressbook.setFocus()

    def accept(self) -> None:
        """Add the account on a background job; the dialog closes when the server agreed."""
        from favorbook.sync import accounts

        if self._job is not None:
            return
        self._clear_error()
        try:
            url, user, password = self._read()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        addressbook, calendar = self.chosen(self.addressbook), self.chosen(self.calendar)
        self._run(
            self.tr("Add Account"),
            self.tr("Setting up the account on %1…").replace("%1", url),
            lambda _progress: accounts.add_account(
                url, user, password, addressbook=addressbook, calendar=calendar
            ),
            self._account_added,
        )

    def _account_added(self, info: object, error: object) -> None:
        if error is not None:
            self._show_failure(error)
            return
        self.account = info
        QDialog.accept(self)

    def show_error(self, field: str | None, message: str) -> None:
        super().show_error(field, message)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show a long message whole, rather than squeezing the fields."""
        layout = self.layout()
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        wanted = max(wanted, self.sizeHint().height())
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def _show_failure(self, error: object) -> None:
        """A server's or the keyring's refusal, on the field it concerns; all typed is kept."""
        if isinstance(error, ValidationError):
            self.show_error(error.field if error.field in self.fields else None, error.message)
            return
        message = describe_error(error) if isinstance(error, BaseException) else str(error)
        self.show_error(self._field_for(error, message), message)

    @staticmethod
    def _field_for(error: object, message: str) -> str:
        lowered = message.casefold()
        if any(word in lowered for word in ("password", "401", "unauthori", "keyring")):
            return "password"
        if isinstance(error, SyncError) and "address book" in lowered:
            return "addressbook"
        if isinstance(error, SyncError) and "calendar" in lowered:
            return "calendar"
        return "url"

    def save(self) -> int | None:  # pragma: no cover - accept() runs the job instead
        return None

    def done(self, result: int) -> None:
        if self._job is not None and self._job.is_running():
            self._job.cancel()
            self._job.wait()
        super().done(result)
