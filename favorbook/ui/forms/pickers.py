"""Choosing a contact by typing part of a name."""

from __future__ import annotations

import atexit
import functools
import logging
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QListView, QWidget

from favorbook.services import contacts

log = logging.getLogger(__name__)
T = TypeVar("T")
_read_kept: list = [None]
"""The names as last read (``contacts.picker_names``): a picker offering exactly their
labels shares their list model (``_shared_model``) and their casefolded text."""


class _Folded:
    """A picker's labels casefolded, to tell which one a typed text names: the label
    itself in any case, else the only label that contains it. Typing in a picker asks this
    on each keystroke: at 100,000 contacts Qt's ``findText`` and a scan of every label
    cost 40 ms a question. Here the labels are one text, a line each, searched by
    ``str.find`` and counted by ``str.count``: 1-3 ms a question. The names as read come
    with their labels casefolded (``folded``, made a slice at a time with them): folding
    100,000 labels again here, the bench's first key typed after a change of the names
    took 66-70 ms (median), now 37 ms."""

    def __init__(self, labels: list[str], folded: list[str]) -> None:
        """``folded``: each of ``labels`` casefolded."""
        # One join, a line break first and last: the text joined, then copied twice more
        # to add them, took 10-30 ms more.
        parts = ["", *folded, ""]
        text = "\n".join(parts)
        if text.count("\n") != len(parts) - 1:  # a label of two lines: one line
            text = "\n".join(["", *(p.casefold().replace("\n", " ") for p in labels), ""])
        self.text = text if labels else "\n\n"

    def _index(self, at: int) -> int:
        """The index of the label at offset ``at`` of the text."""
        return self.text.count("\n", 0, at) - 1

    def same(self, text: str) -> int:
        """The index of the first label that is ``text`` in any case; -1 if none."""
        needle = text.casefold()
        if "\n" in needle:
            return -1
        at = self.text.find("\n" + needle + "\n")
        return -1 if at < 0 else self._index(at + 1)

    def only(self, text: str) -> int:
        """The index of the one label that contains ``text`` (any case); -1 when none or
        several do."""
        needle = text.casefold()
        if not needle or "\n" in needle:
            return -1
        at = self.text.find(needle)
        if at < 0:
            return -1
        if self.text.find(needle, self.text.find("\n", at) + 1) >= 0:
            return -1
        return self._index(at)


_shared_kept: list = [None, {}]
"""The names as read (their labels), and what ``_shared`` made of them."""
_shown: dict[int, list] = {}
"""id of a shared model -> [the model, how many pickers show it]."""
_spare: list[QStringListModel] = []
"""Shared models of names no longer current that no picker shows: filled again with the
next names (SPARE_MODELS at most; more are deleted)."""
SPARE_MODELS = 2


def _shared_model(labels: list[str], optional: bool) -> QStringListModel:
    """One list model of ``labels`` (first an empty choice when ``optional``) for every
    picker that offers them as they are: filling a picker's own model with 100,000 names
    took 20 ms, twice for each favor form that opened. Made again when the names change
    (``labels`` is another list). A picker offering other entries (a contact left out, an
    archived referrer added) fills a model of its own.

    The application owns it, not Python: once the names changed and no picker shows it
    (``_show``, ``_unshow``), it is filled with the next names or deleted. Held by the
    pickers' wrappers instead, it lived until a full collection found the cycles a closed
    form's widgets leave: 26 MB a favor form at 100,000 contacts, 260 MB over ten forms.
    Filled again, not made anew: a new list of 100,000 names took 27-31 ms in the grown
    heap of a session, one filled again 16 ms."""

    def make() -> QStringListModel:
        model = _spare.pop() if _spare else QStringListModel(QCoreApplication.instance())
        # Given to setStringList, not to the constructor: 14 ms for 100,000 names, not 22.
        model.setStringList([""] * optional + labels)
        return model

    return _shared(labels, ("model", optional), make)


def _shared(labels: list[str], key: tuple, make: Callable[[], T]) -> T:
    """What ``make`` makes of ``labels``, kept as ``key`` while they are the names as read."""
    if _shared_kept[0] is not labels:
        superseded = _shared_kept[1].values()
        _shared_kept[:] = [labels, {}]
        for old in superseded:
            if isinstance(old, QStringListModel) and id(old) not in _shown:
                _let_go(old)
    kept = _shared_kept[1]
    if key not in kept:
        kept[key] = make()
    return kept[key]


def _show(model: QStringListModel) -> None:
    """A picker shows ``model`` (a shared one)."""
    _shown.setdefault(id(model), [model, 0])[1] += 1


def _unshow(model: QStringListModel | None) -> None:
    """A picker no longer shows ``model``: once no picker does and the names changed
    since it was made, it is a spare or deleted (``_let_go``)."""
    entry = _shown.get(id(model)) if model is not None else None
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _shown[id(model)]
    if not _current(model):
        _let_go(model)


def _current(model: QStringListModel) -> bool:
    return any(kept is model for kept in _shared_kept[1].values())


def _let_go(model: QStringListModel) -> None:
    """A model of older names that no picker shows: a spare, or deleted."""
    if len(_spare) < SPARE_MODELS:
        _spare.append(model)
    else:
        _delete_soon(model)


def _delete_soon(model: QStringListModel) -> None:
    """Delete ``model`` at the event loop's next turn: a picker lets go of it as its form
    is deleted, and a ``deleteLater`` asked for then waited for a loop that the window's
    own turns never were (13 lists of 100,000 names after eight favor forms)."""
    QTimer.singleShot(0, functools.partial(_delete, model))


def _delete(model: QStringListModel) -> None:
    import shiboken6

    used = id(model) in _shown or _current(model) or any(s is model for s in _spare)
    if shiboken6.isValid(model) and not used:
        shiboken6.delete(model)


@atexit.register
def _end() -> None:
    """The shared models deleted as the process ends, while Qt can still tell the boxes
    that show them; with the application's other children, after its event loop was
    gone, each box said so on the console."""
    import shiboken6

    models = [v for v in _shared_kept[1].values() if isinstance(v, QStringListModel)]
    models += [model for model, _count in _shown.values()]
    models += _spare
    _shared_kept[:] = [None, {}]
    _shown.clear()
    _spare.clear()
    for model in models:
        if shiboken6.isValid(model):
            shiboken6.delete(model)


AHEAD_FROM = 20_000
"""Contacts from which the pickers' names are read ahead, on a worker thread, after each
change (``NamesAhead``); below, reading them when a form opens takes under 50 ms."""
AHEAD_PAUSE_MS = 400
"""How long after the last change the names are read ahead."""


def _stale_mark() -> Hashable | None:
    """The names' mark when the pickers' names are out of date in a network of
    AHEAD_FROM contacts or more (read apart from the forms: ahead, or on first use);
    None when they are kept, or quick to read as a form opens."""
    mark = contacts.picker_names_mark()
    return None if mark is None or contacts.count_contacts() < AHEAD_FROM else mark


SLICE_MS = 4
"""How long the window makes the names' labels at a time (``_NamesRead``) before it lets
the events waiting in turn."""


class _NamesRead(QObject):
    """A read of the pickers' names as of the names' mark ``mark``: the rows on a worker
    thread, their labels made on the window's thread a slice at a time (made on the
    worker, they held the interpreter lock, and whatever the window did meanwhile took
    about three times as long). What it made is kept (``keep_picker_names``, if nothing
    changed since) once it is done or waited for, whichever comes first; ``ready`` says so
    at the next turn of the event loop."""

    ready = Signal()

    def __init__(self, mark: Hashable) -> None:
        from PySide6.QtWidgets import QApplication

        from favorbook.ui.shell.worker import in_background

        # Owned by the application, not by a form that may close before it is done.
        super().__init__(QApplication.instance())
        self.mark = mark
        self._got: list[contacts.PickerNames] = []
        self._done = False
        self.job = in_background(
            QApplication.instance(),
            lambda: self._got.append(contacts.read_picker_names()),
            lambda _result, _error: self._make_slice(),
        )

    def running(self) -> bool:
        return not self._done

    def wait(self) -> None:
        """Until the names are read and made, then kept."""
        if self._done:
            return
        self.job.wait()
        if self._got:
            self._got[0].finish()
        self._finish()

    def _make_slice(self) -> None:
        """The next slice of the labels, and another turn of the event loop for the rest."""
        if self._done:
            return
        names = self._got[0] if self._got else None
        end = time.perf_counter() + SLICE_MS / 1000
        while names is not None and not names.step():
            if time.perf_counter() >= end:
                QTimer.singleShot(0, self._make_slice)
                return
        self._finish()

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        if self._got and self._got[0].labels is not None:
            try:
                contacts.keep_picker_names(self._got[0].labels, self.mark)
            except Exception:  # noqa: BLE001 - a head start only: the database went meanwhile
                log.warning("The pickers' names read ahead were not kept", exc_info=True)
        if _reads.get(self.mark) is self:
            del _reads[self.mark]
        # At the next turn of the loop, as the worker's "done" came before: a picker that
        # waited is not told in the middle of taking the names in.
        QTimer.singleShot(0, self._announce)

    def _announce(self) -> None:
        self.ready.emit()
        self.deleteLater()


_reads: dict[Hashable, _NamesRead] = {}
"""The read of the names under way, by their mark, shared by ``NamesAhead`` and every
picker: a favor form's two pickers, focused in turn, each read all the names, beside a
read ahead already running."""


def _read_on_worker(mark: Hashable) -> _NamesRead:
    """The worker's read of the names as of ``mark``: the one under way, else a new one."""
    found = _reads.get(mark)
    if found is not None and found.running():
        return found
    _reads.clear()  # a read of older names is of no more use
    _reads[mark] = read = _NamesRead(mark)
    return read


class NamesAhead(QObject):
    """Reads the pickers' names on a worker thread a moment after the data changed, so
    that the next form opens with them: every write makes the names read earlier out of
    date, and reading 100,000 of them held the window 0.15-0.3 s when a form opened
    (logging one favor after another paid it each time). Kept only if nothing changed
    during the read; a picker used before it is done waits for that read."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._names_read: _NamesRead | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AHEAD_PAUSE_MS)
        self._timer.timeout.connect(self._read)

    def data_changed(self) -> None:
        self._timer.start()

    def _read(self) -> None:
        if self._names_read is not None and self._names_read.running():
            self._timer.start()  # once that read is done
            return
        try:
            mark = _stale_mark()
            if mark is None:
                return
        except Exception:  # noqa: BLE001 - a head start only: the form reads and says why
            log.warning("The pickers' names were not read ahead", exc_info=True)
            return
        self._names_read = _read_on_worker(mark)


def rows_of_one_height(box: QComboBox) -> None:
    """Rows of one height in ``box``'s list and in its completer's popup, for a box of
    many entries: rows sized one by one took 1.2 s to show the completions after the first
    letter typed in a contact picker at 100,000 contacts, 0.6 s to open its list, and 50
    and 27 ms in the company box at 5,000 companies."""
    for view in (box.view(), box.completer() and box.completer().popup()):
        if isinstance(view, QListView):
            view.setUniformItemSizes(True)


class ContactPicker(QComboBox):
    """An editable combo box over the contacts' names; completes on any part of a name.

    ``contact_id()`` is the chosen contact, or None when the box is empty or its
    text names nobody. The first entry is an empty choice when ``optional``.
    """

    contactChanged = Signal(object)  # noqa: N815 (Qt naming) - int | None

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        optional: bool = True,
        exclude: int | None = None,
        seldom_used: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        # Sized for a typical name, not the longest one in the network.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.lineEdit().setPlaceholderText(self.tr("Type a name…"))
        self._optional, self._exclude = optional, exclude
        # From AHEAD_FROM contacts, names not read yet are read when the picker is first
        # used (focused: on a worker thread; opened, or its text asked about: at once, or
        # once the worker's read is done), not when its form opens: at
        # 100,000 contacts that read held the window 0.4-0.9 s for every form with a
        # picker, the contact form's "Referred by" too, which is seldom touched. A picker
        # that leaves a contact out (that form's, the merge dialog's) fills a list of its
        # own, not the one pickers share (``_shared_model``): it does so when first used
        # too, whatever the size (20 ms of every contact form at 100,000 contacts). So does
        # a ``seldom_used`` one (the favor form's "For the benefit of"): when the names
        # had changed, filling its list took 20 ms of every favor form that opened.
        self._pending = seldom_used or exclude is not None or _stale_mark() is not None
        self._reading: _NamesRead | None = None  # the names' read on a worker, waited for
        self._ids: list[int | None] = []
        self._labels: list[str] = []
        self._folded: _Folded | None = None  # the labels casefolded, made when first needed
        self._as_read: list[str] | None = None  # the names as read, when offered as they are
        self._casefolded: list[str] | None = None  # the labels casefolded, when they came so
        self._selecting: int | None = None  # the entry ``_select`` is choosing
        # One list model for the box and its completer, the ids beside it: adding 100,000
        # items one by one (and a second copy for the completer) took 0.3 s a picker. The
        # names as read are one model that pickers share (``_shared_model``); other
        # entries go into the picker's own, deleted with it: the child of a child, as the
        # box deletes a model that is its own child when given another.
        self._own = QStringListModel(QObject(self))
        self.setModel(self._own)
        # The shared model shown (None: its own), also for the picker's end, which its
        # wrapper may not see.
        lease: list[QStringListModel | None] = [None]
        self._lease = lease
        self.destroyed.connect(lambda *_args: _unshow(lease[0]))
        self._set_entries(*(([], [], []) if self._pending else self._names()), None)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        rows_of_one_height(self)
        self.currentIndexChanged.connect(lambda _i: self.contactChanged.emit(self.contact_id()))

    def _names(self) -> tuple[list[int], list[str], list[str]]:
        """The ids, the labels and the labels casefolded this picker offers."""
        names = _read_kept[0] = contacts.picker_names()
        ids, labels, folded = names
        if self._exclude is not None and self._exclude in ids:
            at = ids.index(self._exclude)
            ids, labels, folded = (x[:at] + x[at + 1 :] for x in (ids, labels, folded))
        return ids, labels, folded

    def _chosen(self) -> int | None:
        """The contact of the entry shown, when its text is that entry's."""
        index = self.currentIndex() if self._selecting is None else self._selecting
        if 0 <= index < len(self._labels) and self._labels[index] == self.currentText().strip():
            return self._ids[index]
        return None

    def read_names_soon(self) -> None:
        """Read the names not read yet on a worker thread (the picker was focused): the
        window answers meanwhile, and what was typed before they come is kept. At 100,000
        contacts that read held the window 0.4 s as the merge dialog opened (its picker
        focused) and as the first picker of a session was clicked. What needs the names
        before they come (the list opened, typed text looked up) waits for that read."""
        if not self._pending or self._reading is not None:
            return
        try:
            mark = _stale_mark()
        except Exception:  # noqa: BLE001 - read when used, which says why
            log.warning("The pickers' names were not read ahead", exc_info=True)
            return
        if mark is None:  # kept already (read ahead): at once
            self.load_names()
            return
        self._reading = _read_on_worker(mark)
        self._reading.ready.connect(self._read)

    def _read(self) -> None:
        """The worker's names came: in the box, the completions of what was typed shown."""
        if not self._pending:
            return
        self.load_names()
        text = self.lineEdit().text()
        if text and self._chosen() is None:  # typed: whom it names is known now
            named = self.contact_id()
            if named is not None:
                self.contactChanged.emit(named)
            if self.lineEdit().hasFocus():
                self.completer().setCompletionPrefix(text)
                self.completer().complete()

    def load_names(self) -> None:
        """Every contact's name in the box, if not there yet; the contact or the text
        shown stays. A read that fails leaves them to the next use."""
        if not self._pending:
            return
        if self._reading is not None:  # a worker is reading them: that read, waited for
            self._reading, reading = None, self._reading
            reading.wait()
        chosen, text = self._chosen(), self.currentText()
        edit = self.lineEdit()
        # Where the user is in what they typed (the names may come while they type).
        caret, start = edit.cursorPosition(), edit.selectionStart()
        length = len(edit.selectedText())
        ids, labels, folded = self._names()
        self._pending = False
        blocked = self.blockSignals(True)  # the same contact: nothing changed for the form
        try:
            self._set_entries(ids, labels, folded, None)
            if chosen is not None:
                self.set_contact_id(chosen)
            else:
                self.setEditText(text)
                if length:
                    edit.setSelection(start, length)  # as it was, the caret at the same end
                    if caret == start:
                        edit.setSelection(start + length, -length)
                else:
                    edit.setCursorPosition(caret)
        finally:
            self.blockSignals(blocked)

    def _set_entries(
        self, ids: list[int], labels: list[str], folded: list[str], shown: int | None
    ) -> None:
        """Offer ``labels`` (the contacts ``ids``, and the labels casefolded: ``folded``;
        first an empty choice when optional) and show the ``shown``-th of them, or none:
        one change of the contact shown for whoever listens, not one for the emptied list
        too."""
        empty = [None] if self._optional else []
        self._ids, self._labels = [*empty, *ids], [""] * len(empty) + labels
        self._folded = None
        read = _read_kept[0]
        as_read = bool(labels) and read is not None and labels is read.labels  # every name
        self._as_read = labels if as_read else None
        self._casefolded = folded
        blocked = self.blockSignals(True)
        try:
            if as_read:
                self._use_model(_shared_model(labels, self._optional))
            else:
                self._use_model(self._own)
                self._own.setStringList(self._labels)
            self.setCurrentIndex(-1)
        finally:
            self.blockSignals(blocked)
        self._select(len(empty) - 1 if shown is None else len(empty) + shown)

    def _use_model(self, model: QStringListModel) -> None:
        """The box and its completer offer ``model``'s entries from now on."""
        shown = self._lease[0]
        if model is not (self._own if shown is None else shown):
            self._lease[0] = None if model is self._own else model
            if self._lease[0] is not None:
                _show(model)
            self.setModel(model)
            completer = self.completer()
            if completer is not None:
                completer.setModel(model)
            _unshow(shown)  # once the box and its completer let go of it

    def _select(self, index: int) -> None:
        """``setCurrentIndex(index)`` without the completer looking for the entry through
        every entry before it. Qt gives the text it puts into the line edit to the
        completer as its prefix, and the completer, matching anywhere in a name, finds its
        first match by walking the list: 28 ms for the last of 100,000 names, some 20 ms
        of every favor form that opened at 100,000 contacts. With the text there first, Qt
        gives the completer nothing (typing gives it its prefix). Whoever hears the text
        change meanwhile is told of the contact of ``index`` (``_chosen``)."""
        edit = self.lineEdit()
        other = index != self.currentIndex() and 0 <= index < len(self._labels)
        if other and edit.text() != self._labels[index]:
            self._selecting = index
            try:
                edit.setText(self._labels[index])
            finally:
                self._selecting = None
        self.setCurrentIndex(index)

    def form_state(self) -> object:
        """What a form compares to tell whether the picker was changed (``widget_state``):
        the contact chosen, else the text typed; reading the names changes neither, even
        where it moves the contact's entry or adds their company to it."""
        chosen = self._chosen()
        return ("contact", chosen) if chosen is not None else ("text", self.currentText().strip())

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.read_names_soon()
        super().focusInEvent(event)

    def showPopup(self) -> None:  # noqa: N802 (Qt naming)
        self.load_names()
        super().showPopup()

    def findText(
        self, text: str, flags=Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchCaseSensitive
    ) -> int:  # noqa: N802 (Qt naming)
        self.load_names()
        return super().findText(text, flags)

    def count(self) -> int:
        self.load_names()
        return super().count()

    def contact_id(self, *, wait: bool = True) -> int | None:
        """The contact chosen, or the one the text names. ``wait=False`` (a form following
        each key typed): while a worker still reads the names, None for text not chosen
        from the list, rather than the window held until they come; the picker says
        ``contactChanged`` once they are in if the text names someone. At 100,000 contacts
        the first key typed into the favor form waited 0.46-0.86 s for a read started by a
        save a moment before."""
        text = self.currentText().strip()
        if not text:
            return None
        chosen = self._chosen()
        if chosen is not None:
            return chosen  # chosen from the list: no search through every name
        if not wait and self.reading_names():
            return None
        index = self._named(text)
        return self._ids[index] if index >= 0 else None

    def _labels_folded(self) -> _Folded:
        self.load_names()
        if self._folded is None:
            labels, read = self._labels, self._as_read
            # Folded with the names as they were read, also for a list of its own (the
            # contact form's "Referred by" and the merge dialog leave a contact out).
            casefolded = self._casefolded

            def make() -> _Folded:
                return _Folded(labels, [""] * self._optional + casefolded)

            if read is None or read is not _shared_kept[0]:  # names read since: its own
                self._folded = make()
            else:  # shared, as the list is: the next picker's first key finds it made
                self._folded = _shared(read, ("folded", self._optional), make)
        return self._folded

    def _named(self, text: str) -> int:
        """The entry whose label ``text`` is (any case), else the only one whose label
        contains it ("Paula Beck" for "paula b"); -1 when none."""
        folded = self._labels_folded()
        index = folded.same(text)
        return index if index >= 0 else folded.only(text)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Complete a unique partial name when the user moves on, so they see whom it means."""
        text = self.currentText().strip()
        folded = self._labels_folded() if text else None
        if folded is not None and folded.same(text) < 0:
            index = folded.only(text)
            if index >= 0:
                self._select(index)
        super().focusOutEvent(event)

    def set_contact_id(self, contact_id: int | None) -> None:
        if contact_id is None or contact_id == self._exclude:
            self.setCurrentIndex((0 if self._optional else -1) if contact_id is None else -1)
            return
        if contact_id in self._ids:
            self._select(self._ids.index(contact_id))
            return
        # Not among the names offered: not read yet (shown by name alone until they are),
        # or archived since it was chosen (a referrer): shown, and kept when saved.
        row = contacts.rows([contact_id]).get(contact_id)
        if row is None:  # deleted meanwhile
            self.setCurrentIndex(-1)
            return
        label = self.tr("%1 (archived)").replace("%1", row.name) if row.archived else row.name
        if self._pending:
            ids, labels, folded = [contact_id], [label], [label.casefold()]
        else:  # the names read, without an entry added for another contact before
            ids, labels, folded = self._names()
            ids, labels = [*ids, contact_id], [*labels, label]
            folded = [*folded, label.casefold()]
        self._set_entries(ids, labels, folded, len(ids) - 1)

    def reading_names(self) -> bool:
        """Whether a worker still reads the names this picker offers."""
        return self._reading is not None and self._reading.running()

    def typed_unknown_name(self, *, wait: bool = True) -> bool:
        """True when text was typed that names no contact (the form should say so);
        ``wait=False``: False while a worker still reads the names (nobody is known yet)."""
        if not wait and self.reading_names():
            return False
        return bool(self.currentText().strip()) and self.contact_id() is None
