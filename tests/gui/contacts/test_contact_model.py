"""The contact list marks sample contacts, and warns in a red that reads on the palette."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from favorbook.sample import demo
from favorbook.services import contacts, favors
from favorbook.ui.contacts.contact_model import ContactListModel
from favorbook.ui.shell import style


def test_sample_rows_are_italic_with_a_tooltip_own_rows_are_not(
    db, qapp, qtmodeltester, make_contact
):
    own = make_contact("Own", "Person")
    demo.load(5, force=True)
    model = ContactListModel()
    model.set_ids(contacts.list_ids())
    qtmodeltester.check(model)
    for row in range(model.rowCount()):
        index = model.index(row, ContactListModel.NAME)
        font = index.data(Qt.ItemDataRole.FontRole)
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if model.contact_id(row) == own:
            assert font is None and tip is None
        else:
            assert font.italic()
            assert "Remove Sample Network" in tip


def test_overdrawn_balance_is_warning_red(db, qapp, make_contact):
    ann = make_contact()
    favors.log_favor(ann, "given", "Help")
    favors.log_favor(ann, "received", "Lunch")
    favors.log_favor(ann, "received", "A lead")
    model = ContactListModel()
    model.set_ids([ann])
    index = model.index(0, ContactListModel.FAVORS)
    assert index.data(Qt.ItemDataRole.ForegroundRole) == style.warning_color()
    assert "overdrawn" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data() == "0.5:1"


def test_square_but_below_the_target_is_amber_not_overdrawn(db, qapp, make_contact):
    ann = make_contact()
    favors.log_favor(ann, "given", "Help")
    favors.log_favor(ann, "received", "Lunch")
    model = ContactListModel()
    model.set_ids([ann])
    index = model.index(0, ContactListModel.FAVORS)
    assert index.data(Qt.ItemDataRole.ForegroundRole) == QColor(style.amber_text())
    assert "overdrawn" not in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data() == "1.0:1"


def test_list_writes_the_ratio_short_and_explains_it(db, qapp, make_contact):
    ann, bo = make_contact("Ann"), make_contact("Bo")
    favors.log_favor(ann, "given", "Help")
    model = ContactListModel()
    model.set_ids([ann, bo])
    given_only = model.index(0, ContactListModel.FAVORS)
    assert given_only.data() == "∞"
    assert "nothing received yet" in given_only.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, ContactListModel.FAVORS).data() == ""


def _palette(base: str, text: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor(base))
    palette.setColor(QPalette.ColorRole.Text, QColor(text))
    return palette


def test_warning_red_reads_on_light_and_dark_palettes(qapp):
    for base, text in (("#ffffff", "#000000"), ("#f5f5f5", "#202020")):
        light = _palette(base, text)
        assert style.warning_red(light) == style.WARNING_RED
        assert style.contrast(style.warning_red(light), base) >= 4.5
    for base, text in (("#202020", "#eeeeee"), ("#353535", "#ffffff"), ("#3c3f41", "#dddddd")):
        dark = _palette(base, text)
        assert style.warning_red(dark) != style.WARNING_RED
        assert style.contrast(style.warning_red(dark), base) >= 4.5
        assert style.contrast(style.WARNING_RED, base) < 4.5  # why dark needs its own red


def test_no_widget_spells_the_red_out_again():
    from pathlib import Path

    import favorbook.ui

    root = Path(favorbook.ui.__file__).parent
    copies = [p.name for p in root.rglob("*.py") if "#c0392b" in p.read_text(encoding="utf-8")]
    assert copies == ["style.py"]


def test_the_rest_of_a_list_is_added_after_its_first_page(db, qapp, qtmodeltester):
    demo.load(12, force=True)
    ids = contacts.list_ids()
    model = ContactListModel()
    model.set_ids(ids[:4])
    assert model.row_of(ids[3]) == 3  # the lookup is built; appending extends it
    qtmodeltester.check(model)
    model.append_ids(ids[4:])
    qtmodeltester.check(model)
    assert [model.contact_id(r) for r in range(model.rowCount())] == ids
    assert model.row_of(ids[-1]) == len(ids) - 1
    assert model.index(len(ids) - 1, 0).data() == contacts.name_of(ids[-1])


def test_the_same_ids_listed_again_repaint_what_changed_without_a_reset(
    db, qapp, make_contact, monkeypatch
):
    """A save that moves nobody lists the same ids: the rows show the new figures, and
    the lookup of every id's row (100,000 of them) is kept, not built again."""
    from favorbook.ui.contacts import contact_model

    monkeypatch.setattr(contact_model, "LOOKUPS_BEFORE_INDEX", 1)
    ann, bo = make_contact("Ann"), make_contact("Bo")
    model = ContactListModel()
    model.set_ids([ann, bo])
    assert model.index(0, ContactListModel.FAVORS).data() == "" and model.row_of(bo) == 1
    assert model.row_of(ann) == 0
    lookup = model._positions
    assert lookup is not None
    resets, repaints = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda *_: repaints.append(1))
    favors.log_favor(ann, "given", "Help")
    model.set_ids([ann, bo])
    assert model.index(0, ContactListModel.FAVORS).data() == "∞"
    assert resets == [] and repaints and model._positions is lookup
    model.set_ids([bo, ann])
    assert resets == [1] and model.row_of(bo) == 0


def test_a_few_rows_looked_up_after_a_listing_build_no_lookup_of_every_id(
    db, qapp, make_contact, monkeypatch
):
    """A sort, a search or a delete looks up the selected contact's row a few times (the
    selection, then the window's actions): at 100,000 contacts building the lookup of
    every id for the second look took 10-19 ms of each. The same contacts again, or a
    few, are found by walking the ids; the lookup is built for one more."""
    from favorbook.ui.contacts import contact_model

    monkeypatch.setattr(contact_model, "LOOKUPS_BEFORE_INDEX", 2)
    ann, bo, cy = make_contact("Ann"), make_contact("Bo"), make_contact("Cy")
    model = ContactListModel()
    model.set_ids([cy, ann])
    assert model.row_of(ann) == 1 and model.row_of(ann) == 1 and model._positions is None
    assert model.row_of(bo) is None and model._positions is None
    assert model.row_of(cy) == 0 and model._positions == {cy: 0, ann: 1}  # the third
    model.set_ids([bo])
    assert model.row_of(cy) is None and model._positions is None
    model.append_ids([cy])  # one not found before may be listed now
    assert model.row_of(cy) == 1 and model.row_of(ann) is None
    assert model.row_of(bo) == 0 and model._positions == {bo: 0, cy: 1}
