"""Small helpers the list views' tests share."""


def show_active(qtbot, view, width: int, height: int):
    """Show ``view`` at a realistic size as the active window (so keys reach it)."""
    qtbot.addWidget(view)
    view.resize(width, height)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def column_texts(view, name: str) -> list[str]:
    """The texts of the list's column ``name``, top to bottom."""
    model = view.model
    column = model.column_named(name)
    return [model.index(r, column).data() for r in range(model.rowCount())]
