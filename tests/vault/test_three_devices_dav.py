"""The three-device state machine of test_three_devices_property.py, synced through the
account's collection on Radicale and on Xandikos instead of a folder: a few runs each
here, more with FAVORBOOK_VAULT_DAV_EXAMPLES."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.vault.test_three_devices_property import ThreeDevices


@pytest.mark.parametrize("kind", ["radicale", "xandikos"])
def test_three_devices_converge_through_a_server(kind, request, monkeypatch):
    server = request.getfixturevalue(f"{kind}_server")
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", server.password)

    class ThroughServer(ThreeDevices):
        SERVER = server

    run_state_machine_as_test(
        ThroughServer,
        settings=settings(
            max_examples=int(os.environ.get("FAVORBOOK_VAULT_DAV_EXAMPLES", "3")),
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
