import pytest


@pytest.fixture
def window(db, qtbot):
    from favorbook.ui.shell.app import make_application
    from favorbook.ui.shell.main_window import MainWindow

    make_application()
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    # The window as a user has it once every page was visited: start-up builds the pages
    # and tabs it does not show on first use (tests/gui/shell/test_start_up.py tests that).
    win.build_everything()
    return win


@pytest.fixture
def bus(db, qapp):
    """The views' message bus, on the test's own database."""
    from favorbook.ui.shell.bus import Bus

    return Bus()


@pytest.fixture
def show_widget(qtbot):
    """Show a widget at a realistic size and wait until it is on screen."""

    def show(widget, width: int, height: int):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return show


@pytest.fixture
def show_form(db, qtbot):
    """Open a form dialog as the user sees it: ``show_form(FavorDialog, contact_id)``."""

    def show(dialog_class, *args, **kw):
        dialog = dialog_class(*args, **kw)
        dialog.confirm_discard = lambda: True  # never a modal question left open at teardown
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return show
