import pytest


@pytest.fixture
def window(db, qtbot):
    from favorbook.ui.app import make_application
    from favorbook.ui.main_window import MainWindow

    make_application()
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    return win
