"""Sync passwords: in the keyring, or from FAVORBOOK_SYNC_PASSWORD with nothing stored."""

from __future__ import annotations

import sys
import types

import pytest

from favorbook.errors import SyncError
from favorbook.sync import passwords


@pytest.fixture
def keyring(monkeypatch):
    store: dict[tuple[str, str], str] = {}
    fake = types.SimpleNamespace(
        set_password=lambda s, k, p: store.__setitem__((s, k), p),
        get_password=lambda s, k: store.get((s, k)),
        delete_password=lambda s, k: store.pop((s, k)),
    )
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv(passwords.ENV, raising=False)
    return store


def test_a_password_lives_in_the_keyring_until_forgotten(keyring):
    assert passwords.store("work", "rep", "s3cret") is True
    assert passwords.get("work", "rep") == "s3cret"
    assert "s3cret" in keyring.values()
    passwords.forget("work", "rep")
    with pytest.raises(SyncError, match="'work'"):
        passwords.get("work", "rep")
    passwords.forget("work", "rep")  # twice is fine


def test_the_environment_variable_wins_and_nothing_is_stored(keyring, monkeypatch):
    monkeypatch.setenv(passwords.ENV, "from-env")
    assert passwords.store("work", "rep", "s3cret") is False
    assert keyring == {}
    assert passwords.get("work", "rep") == "from-env"


def test_a_broken_keyring_says_what_to_do(monkeypatch):
    def fail(*args):
        raise RuntimeError("locked")

    fake = types.SimpleNamespace(set_password=fail, get_password=fail, delete_password=fail)
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv(passwords.ENV, raising=False)
    with pytest.raises(SyncError, match=passwords.ENV):
        passwords.store("work", "rep", "x")
    with pytest.raises(SyncError, match="locked"):
        passwords.get("work", "rep")
