"""Undoable changes to contacts: archive, restore and delete go through the undo stack."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QUndoCommand

from favorbook.services import contacts, trash
from favorbook.services.changes import Change
from favorbook.services.terms import counted
from favorbook.ui.records.record_list import undo_hint
from favorbook.ui.records.undo import BusCommand
from favorbook.ui.shell.bus import Bus


def tr(text: str) -> str:
    return QCoreApplication.translate("ContactCommands", text)


def _names(ids: list[int]) -> str:
    found = contacts.names(ids)
    if len(ids) == 1:
        return found.get(ids[0], "")
    return counted(len(ids), tr("contact"), tr("contacts"))


class ArchiveContacts(QUndoCommand):
    """Archive (or, with ``archive=False``, bring back) contacts; undo does the opposite."""

    def __init__(self, bus: Bus, contact_ids: list[int], archive: bool = True) -> None:
        self.ids = list(contact_ids)
        self.archive = archive
        self.bus = bus
        name = _names(self.ids)
        text = tr("Archive %1") if archive else tr("Restore %1")
        super().__init__(text.replace("%1", name))
        # What the status bar says once it is done (the text above names the undo step).
        self.done_text = (tr("Archived %1") if archive else tr("Restored %1")).replace("%1", name)

    def _apply(self, archive: bool) -> None:
        for contact_id in self.ids:
            (contacts.archive_contact if archive else contacts.restore_contact)(contact_id)
        self.bus.changed.emit(Change.CONTACTS)

    def redo(self) -> None:
        self._apply(self.archive)

    def undo(self) -> None:
        self._apply(not self.archive)
        if self.archive:
            self.bus.open_contact.emit(self.ids[0])


class DeleteContacts(BusCommand):
    """Delete contacts with everything that belongs to them; undo puts it all back.

    Both ways are one transaction for all the contacts: all of them or none. An undo
    that fails keeps the snapshots and leaves the command done (the contacts are still
    deleted), so the next Ctrl+Z tries again and Redo has nothing to delete twice.
    """

    def __init__(self, bus: Bus, contact_ids: list[int]) -> None:
        self.ids = list(contact_ids)
        self.snapshots: list[trash.Snapshot] = []
        name = _names(self.ids)
        super().__init__(bus, tr("Delete %1").replace("%1", name))
        self.done_text = tr("Deleted %1").replace("%1", name)

    def do(self) -> None:
        def delete() -> None:
            self.snapshots = trash.delete_contacts(self.ids)

        self._run(delete, None)  # the window says what was deleted and how to undo it

    def undo(self) -> None:
        back: dict[int, int] = {}

        def restore() -> None:
            back.update(trash.restore_contacts(self.snapshots))

        if not self._undo_run(restore, None):
            return
        if any(old != new for old, new in back.items()):
            # A new contact took the freed id: it came back as a new one, and older steps
            # naming the old id would now change the new contact. Drop them (after this one).
            self.ids = [back.get(i, i) for i in self.ids]
            QTimer.singleShot(0, self.bus.undo_stack.clear)
        self.snapshots = []
        self.bus.open_contact.emit(self.ids[0])  # show what came back
        back_text = tr("%1 is back") if len(self.ids) == 1 else tr("%1 are back")
        self.bus.message.emit(back_text.replace("%1", _names(self.ids)))

    def failed_message(self, reason: str, undoing: bool) -> str:
        if not undoing:
            return super().failed_message(reason, undoing)
        if len(self.snapshots) == 1:
            name = self.snapshots[0].name
            text = tr("Could not bring back %1: %2 %1 is still deleted; %3 tries again.")
        else:
            name = counted(len(self.snapshots), tr("contact"), tr("contacts"))
            text = tr("Could not bring back %1: %2 They are still deleted; %3 tries again.")
        return text.replace("%1", name).replace("%3", undo_hint()).replace("%2", reason)


class EditContact(QUndoCommand):
    """A saved contact form: undo puts the fields back as they were, redo as they were saved.

    The form has already written the change when this is pushed, so the first
    redo (which QUndoStack.push calls) does nothing. Notes and photos are not
    part of the form and are not touched.
    """

    def __init__(self, bus: Bus, contact_id: int, before: contacts.ContactInput) -> None:
        self.bus = bus
        self.contact_id = contact_id
        self.before = before
        self.after = contacts.get_contact(contact_id).to_input()
        self._applied = True
        super().__init__(tr("Edit %1").replace("%1", contacts.name_of(contact_id)))

    def _apply(self, data: contacts.ContactInput) -> None:
        contacts.update_contact(self.contact_id, data)
        self.bus.changed.emit(Change.CONTACTS)
        self.bus.open_contact.emit(self.contact_id)

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
