import pytest


@pytest.fixture
def window(db, qtbot):
    from favorbook.ui.app import make_application
    from favorbook.ui.main_window import MainWindow

    make_application()
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
