"""Preferences: General (the give:take target, the default stay-in-touch cadence, the phone
region, the data folder) and Accounts (sync with the rep's CardDAV/CalDAV server)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from favorbook.services import settings
from favorbook.ui.forms.base import FormDialog

PREFERENCES_WIDTH = 560


def _inside(widget: QObject, ancestor: QObject) -> bool:
    """``widget`` is ``ancestor`` or one of its QObject children (its dialogs included)."""
    node: QObject | None = widget
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent()
    return False


class PreferencesDialog(FormDialog):
    accountsChanged = Signal()
    """A sync account was added or removed (that happens at once, not on Save)."""

    def __init__(self, data_folder: str, parent: QWidget | None = None) -> None:
        from favorbook.ui.sync.sync_accounts import AccountsPage

        super().__init__(self.tr("Preferences"), parent)
        self.setObjectName("preferencesDialog")
        # Two tabs: the base's form moves into General, Accounts is the sync page.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("preferencesTabs")
        general = QWidget()
        general.setObjectName("generalTab")
        self.form = QFormLayout(general)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.accounts = AccountsPage()
        self.accounts.accountsChanged.connect(self.accountsChanged)
        self.tabs.addTab(general, self.tr("&General"))
        self.tabs.addTab(self.accounts, self.tr("&Accounts"))
        self.body.addWidget(self.tabs)
        self.ratio = QDoubleSpinBox()
        self.ratio.setRange(0.1, 100)
        self.ratio.setDecimals(1)
        self.ratio.setSingleStep(0.5)
        self.ratio.setSuffix(" : 1")
        self.ratio.setValue(settings.target_ratio())
        self.ratio.setToolTip(
            self.tr("How many favors you aim to give for each one you receive (4 means 4:1)")
        )
        self.cadence = QSpinBox()
        self.cadence.setRange(1, 3650)
        self.cadence.setSuffix(self.tr(" days"))
        self.cadence.setValue(settings.default_cadence_days())
        self.cadence.setToolTip(self.tr("How often a new contact should hear from you"))
        self.region = QLineEdit(settings.get("phone_region"))
        self.region.setMaxLength(2)
        self.region.setPlaceholderText(settings.phone_region())
        self.region.setToolTip(
            self.tr("Two-letter country code for phone numbers typed without +country")
        )
        folder = QLineEdit(data_folder)
        folder.setReadOnly(True)
        folder.setObjectName("dataFolder")
        folder.setAccessibleName(self.tr("Data folder"))
        open_button = QPushButton(self.tr("Open"))
        open_button.setObjectName("openDataFolder")
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(data_folder))
        )
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(folder, 1)
        row.addWidget(open_button)
        self.add_row("target_ratio", self.tr("Give:take target"), self.ratio)
        self.add_row("default_cadence_days", self.tr("Stay in touch every"), self.cadence)
        self.add_row("phone_region", self.tr("Phone region"), self.region)
        self.my_emails = QLineEdit(", ".join(settings.get("my_emails") or []))
        self.my_emails.setPlaceholderText(self.tr("you@example.com, you@home.example"))
        self.my_emails.setToolTip(
            self.tr(
                "Your own email addresses, comma-separated: left out of meeting attendees "
                "(your sync accounts' addresses are left out anyway)"
            )
        )
        self.add_row("my_emails", self.tr("My email addresses"), self.my_emails)
        self.form.addRow(self.tr("Data folder"), folder_row)
        # As big as what it holds (the wrapped account help sets the width), no bigger.
        self.resize(max(PREFERENCES_WIDTH, self.sizeHint().width()), self.sizeHint().height())
        self.ratio.setFocus()  # not the Save button the base class made first
        self.mark_clean()
        self.ratio.setFocus()

    def show_accounts(self) -> None:
        self.tabs.setCurrentWidget(self.accounts)

    def done(self, result: int) -> None:
        self.accounts.wait_for_vault_job()  # no worker thread outlives the dialog
        super().done(result)

    def _inputs(self) -> list[QWidget]:
        # The interval controls follow the selected account; their edits are tracked by the page.
        return [w for w in super()._inputs() if not _inside(w, self.accounts)]

    def is_dirty(self) -> bool:
        return super().is_dirty() or self.accounts.has_pending()

    def save(self) -> None:
        from favorbook.services import meetings

        # Checked first: a bad address leaves every preference as it was.
        meetings.check_rep_addresses(self.my_emails.text().split(","))
        settings.save_preferences(
            target_ratio=self.ratio.value(),
            default_cadence_days=self.cadence.value(),
            phone_region=self.region.text(),
        )
        meetings.set_rep_addresses(self.my_emails.text().split(","))
        self.accounts.save()
        return None
