"""Shared fixtures: every test gets its own data folder; nothing touches the user's data."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FAVORBOOK_DATA_DIR", str(tmp_path / "data"))
    yield


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def db(data_dir):
    """An open, migrated, empty favorbook database."""
    from favorbook.services import session

    path = session.open_data(data_dir)
    yield path
    session.close()


@pytest.fixture
def make_contact(db):
    from favorbook.services import contacts

    def make(first="Ann", last="Lee", **kw):
        return contacts.create_contact(
            contacts.ContactInput(first_name=first, last_name=last, **kw)
        )

    return make


@pytest.fixture
def today():
    return dt.date.today()
