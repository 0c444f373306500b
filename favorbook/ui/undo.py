"""Undoable list actions, pushed onto the bus's shared undo stack.

Each command calls one service in ``redo`` and its inverse in ``undo``, then tells
every view that data changed and puts a confirmation in the status bar. A delete
keeps a snapshot of what it removed and restores it exactly (same id while that id
is free); the snapshot is taken again on each redo, so redo after undo deletes what
is stored now.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QUndoCommand

from favorbook.errors import NotFoundError, ValidationError
from favorbook.services import conversations, favors, followups
from favorbook.services.changes import Change
from favorbook.services.dates import short_date
from favorbook.services.session import describe_error
from favorbook.ui.record_list import first_line, undo_hint

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("ListUndo", text)


class BusCommand(QUndoCommand):
    """A command that reports through the bus and never lets a service error escape.

    Each step is one service call, one transaction: a step that fails changed nothing,
    and the stack is kept in step with the data. When the record is gone or changed
    elsewhere (NotFoundError, ValidationError) the command is dropped. Any other failure
    (the database refused the change or was locked, a bug) says what failed and keeps
    what the step needs: a failed undo moves the stack forward again without running
    ``redo`` (the data is still as the command left it), so Undo offers the same step
    again and Redo never runs a step that was already done; a failed redo is dropped
    (the data is as before it, which loses nothing).

    ``WRITES`` says what the command changes, for the views that show it.
    """

    WRITES = Change.EVERYTHING

    def __init__(self, bus, text: str) -> None:
        super().__init__(text)
        self.bus = bus
        self._skip_redo = False

    def _run(self, call: Callable[[], None], message: str | None, *, undoing: bool = False) -> bool:
        """Run one step, then say ``message`` (if any); True when it was done."""
        try:
            call()
        except (NotFoundError, ValidationError) as exc:
            # The record changed under us (deleted or changed elsewhere): drop the command.
            self.setObsolete(True)
            text = getattr(exc, "message", None) or str(exc)  # without the form field name
            self.bus.message.emit(text[:1].upper() + text[1:])
            done = False
        except Exception as exc:
            log.warning("%s failed", "Undo" if undoing else "Redo", exc_info=True)
            self.bus.message.emit(self.failed_message(describe_error(exc), undoing))
            if undoing:
                self._forward_again()
            else:
                self.setObsolete(True)
            done = False
        else:
            if message:
                self.bus.message.emit(message)
            done = True
        self.bus.changed.emit(self.WRITES)
        return done

    def _undo_run(self, call: Callable[[], None], message: str | None) -> bool:
        return self._run(call, message, undoing=True)

    def failed_message(self, reason: str, undoing: bool) -> str:
        """What the status bar says when a step failed for ``reason``."""
        if undoing:
            text = tr("Could not undo “%1”: %2 %3 tries again.").replace("%3", undo_hint())
        else:
            text = tr("Could not redo “%1”: %2")
        return text.replace("%1", self.text()).replace("%2", reason)  # %3 went in first

    def _forward_again(self) -> None:
        """After a failed undo: put the stack back on this command as done, once the stack
        has finished stepping back, so its state says what the data says."""
        self._skip_redo = True
        stack = self.bus.undo_stack

        def forward() -> None:
            index = stack.index()
            if index < stack.count() and stack.command(index) is self:
                stack.redo()  # skips the step: the data is still as redo left it
            self._skip_redo = False

        QTimer.singleShot(0, stack, forward)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.do()

    def do(self) -> None:
        """The step ``redo`` runs (through ``_run``)."""
        raise NotImplementedError


class DeleteFavorCommand(BusCommand):
    WRITES = Change.FAVORS

    def __init__(self, bus, favor_id: int, description: str = "") -> None:
        label = tr("Delete favor “%1”").replace("%1", first_line(description, 40))
        super().__init__(bus, label)
        self.favor_id = favor_id
        self.snapshot: favors.FavorSnapshot | None = None

    def do(self) -> None:
        def delete() -> None:
            self.snapshot = favors.favor_snapshot(self.favor_id)
            favors.delete_favor(self.favor_id)

        self._run(delete, tr("Favor deleted — %1 to undo").replace("%1", undo_hint()))

    def undo(self) -> None:
        def restore() -> None:
            assert self.snapshot is not None
            self.favor_id = favors.restore_favor(self.snapshot)

        self._undo_run(restore, tr("Favor restored"))


class DeleteConversationCommand(BusCommand):
    WRITES = Change.CONVERSATIONS | Change.FOLLOWUPS

    def __init__(self, bus, conversation_id: int, summary: str = "") -> None:
        label = tr("Delete conversation “%1”").replace("%1", first_line(summary, 40))
        super().__init__(bus, label)
        self.conversation_id = conversation_id
        self.snapshot: conversations.ConversationSnapshot | None = None

    def do(self) -> None:
        def delete() -> None:
            self.snapshot = conversations.conversation_snapshot(self.conversation_id)
            conversations.delete_conversation(self.conversation_id)

        self._run(delete, tr("Conversation deleted — %1 to undo").replace("%1", undo_hint()))

    def undo(self) -> None:
        def restore() -> None:
            assert self.snapshot is not None
            self.conversation_id = conversations.restore_conversation(self.snapshot)

        self._undo_run(restore, tr("Conversation restored"))


class CompleteFollowUpCommand(BusCommand):
    WRITES = Change.FOLLOWUPS

    """Mark a follow-up done (or not done again)."""

    def __init__(self, bus, followup_id: int, title: str, done: bool = True) -> None:
        text = tr("Mark “%1” done") if done else tr("Mark “%1” not done")
        super().__init__(bus, text.replace("%1", first_line(title, 40)))
        self.followup_id = followup_id
        self.done = done

    def do(self) -> None:
        message = (
            tr("Follow-up done — %1 to undo") if self.done else tr("Follow-up open again")
        ).replace("%1", undo_hint())
        self._run(lambda: followups.complete(self.followup_id, self.done), message)

    def undo(self) -> None:
        message = tr("Follow-up open again") if self.done else tr("Follow-up done")
        self._undo_run(lambda: followups.complete(self.followup_id, not self.done), message)


class RescheduleFollowUpCommand(BusCommand):
    WRITES = Change.FOLLOWUPS

    def __init__(
        self, bus, followup_id: int, title: str, old_due: dt.date, new_due: dt.date
    ) -> None:
        super().__init__(bus, tr("Snooze “%1”").replace("%1", first_line(title, 40)))
        self.followup_id = followup_id
        self.old_due = old_due
        self.new_due = new_due

    def do(self) -> None:
        self._run(
            lambda: followups.reschedule(self.followup_id, self.new_due),
            tr("Follow-up moved to %1 — %2 to undo")
            .replace("%1", short_date(self.new_due))
            .replace("%2", undo_hint()),
        )

    def undo(self) -> None:
        self._undo_run(
            lambda: followups.reschedule(self.followup_id, self.old_due),
            tr("Follow-up back on %1").replace("%1", short_date(self.old_due)),
        )


class SettleIouCommand(BusCommand):
    WRITES = Change.FAVORS

    """Settle an open IOU with a favor back; undo opens it again."""

    def __init__(self, bus, iou_id: int, by_favor_id: int, description: str = "") -> None:
        super().__init__(bus, tr("Settle IOU “%1”").replace("%1", first_line(description, 40)))
        self.iou_id = iou_id
        self.by_favor_id = by_favor_id

    def do(self) -> None:
        self._run(
            lambda: favors.settle_iou(self.iou_id, self.by_favor_id),
            tr("IOU settled — %1 to undo").replace("%1", undo_hint()),
        )

    def undo(self) -> None:
        self._undo_run(lambda: favors.unsettle(self.iou_id, self.by_favor_id), tr("IOU open again"))


class WriteOffIouCommand(BusCommand):
    WRITES = Change.FAVORS

    """Write off an open IOU; undo opens it again, redo writes it off on the same day."""

    def __init__(self, bus, iou_id: int, description: str = "") -> None:
        super().__init__(bus, tr("Write off IOU “%1”").replace("%1", first_line(description, 40)))
        self.iou_id = iou_id
        self.day: dt.date | None = None  # today on the first run, then the day undone

    def do(self) -> None:
        self._run(
            lambda: favors.write_off(self.iou_id, self.day),
            tr("IOU written off — %1 to undo").replace("%1", undo_hint()),
        )

    def undo(self) -> None:
        def reopen() -> None:
            self.day = favors.undo_write_off(self.iou_id)

        self._undo_run(reopen, tr("IOU open again"))


class AcknowledgeFavorCommand(BusCommand):
    WRITES = Change.FAVORS

    """Mark a favor acknowledged; undo marks it not acknowledged again."""

    def __init__(self, bus, favor_id: int, description: str = "") -> None:
        super().__init__(
            bus, tr("Mark “%1” acknowledged").replace("%1", first_line(description, 40))
        )
        self.favor_id = favor_id

    def do(self) -> None:
        self._run(
            lambda: favors.set_acknowledged(self.favor_id, True),
            tr("Favor marked acknowledged — %1 to undo").replace("%1", undo_hint()),
        )

    def undo(self) -> None:
        self._undo_run(
            lambda: favors.set_acknowledged(self.favor_id, False),
            tr("Favor no longer marked acknowledged"),
        )
