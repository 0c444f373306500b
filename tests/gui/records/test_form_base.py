"""The form base: a failed save keeps the input; leaving with edits asks first."""

from PySide6.QtWidgets import QLineEdit

from favorbook.errors import ValidationError
from favorbook.ui.forms.base import FormDialog
from favorbook.ui.forms.pickers import ContactPicker
from tests.perf_guards import capture_sql


class NameForm(FormDialog):
    def __init__(self):
        super().__init__("Name")
        self.name = self.add_row("name", "Name", QLineEdit())
        self.mark_clean()
        self.saved = []

    def save(self):
        if "@" in self.name.text():
            raise ValidationError("name", "a name has no @")
        self.saved.append(self.name.text())
        return 1


def test_validation_error_keeps_text_and_names_field(qtbot):
    form = NameForm()
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.name, "ann@")
    form.accept()
    assert form.isVisible()
    assert form.name.text() == "ann@"
    assert "no @" in form.error_label.text()
    assert form.name.property("invalid") is True
    form.name.setText("Ann")
    form.accept()
    assert form.saved == ["Ann"] and not form.isVisible()


def test_cancel_with_edits_asks_and_can_stay(qtbot):
    form = NameForm()
    qtbot.addWidget(form)
    form.show()
    asked = []
    form.confirm_discard = lambda: asked.append(1) or False
    form.reject()
    assert asked == [] and not form.isVisible()  # nothing typed: no question
    form.show()
    qtbot.keyClicks(form.name, "Bo")
    form.reject()
    assert asked == [1] and form.isVisible()


def test_contact_picker_finds_by_name(qtbot, make_contact):
    ann = make_contact("Ann", "Lee")
    make_contact("Bo", "Chan")
    picker = ContactPicker()
    qtbot.addWidget(picker)
    assert picker.contact_id() is None
    picker.set_contact_id(ann)
    assert picker.currentText() == "Ann Lee" and picker.contact_id() == ann
    picker.setEditText("Nobody")
    assert picker.contact_id() is None and picker.typed_unknown_name()


def test_contact_picker_tells_namesakes_apart(qtbot, make_contact):
    acme = make_contact("Ann", "Lee", organization="Acme")
    zeta = make_contact("Ann", "Lee", organization="Zeta")
    plain = make_contact("Ann", "Lee")
    picker = ContactPicker()
    qtbot.addWidget(picker)
    picker.set_contact_id(zeta)
    assert picker.currentText() == "Ann Lee (Zeta)" and picker.contact_id() == zeta
    picker.setEditText("Ann Lee (Acme)")
    assert picker.contact_id() == acme
    picker.set_contact_id(plain)
    assert picker.currentText() == f"Ann Lee (#{plain})"
    picker.setEditText("Ann Lee")  # the bare name fits all three: nobody is guessed
    assert picker.contact_id() is None


def test_pickers_read_the_names_once_until_the_data_changes(qtbot, make_contact):
    """Every form builds its pickers from one read of the names (a favor form has two; at
    100,000 contacts each read took 0.8 s), read again once the data has changed."""
    ann = make_contact("Ann", "Lee")
    make_contact("Bo", "Chan")
    with capture_sql() as ran:
        first, second = ContactPicker(), ContactPicker(optional=False, exclude=ann)
    assert len([s for s in ran.selects if "display_name" in s]) == 1
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    assert first.findText("Ann Lee") == 2 and second.findText("Ann Lee") < 0  # Chan, Lee
    assert second.findText("Bo Chan") == 0
    cy = make_contact("Cy", "New")
    third = ContactPicker()
    qtbot.addWidget(third)
    third.setEditText("cy n")  # part of one name: that contact
    assert third.contact_id() == cy and first.findText("Cy New") < 0
