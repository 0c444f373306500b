import pytest


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch):
    """Argon2id at its real cost takes a third of a second; tests derive many keys."""
    from favorbook.sync.vault import crypto

    monkeypatch.setenv("FAVORBOOK_VAULT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setattr(crypto, "KDF_COST", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def devices(tmp_path):
    from tests.vault.helpers import Devices

    yield Devices(tmp_path)
    from favorbook.services import session

    session.close()


# The DAV servers of the contact sync's tests (one Radicale, one Xandikos per session), and
# the closing of every DavClient's sockets a test made.
from tests.sync.conftest import (  # noqa: E402
    _close_sync_clients,  # noqa: F401
    radicale_server,  # noqa: F401
    xandikos_server,  # noqa: F401
)


@pytest.fixture(params=["radicale", "xandikos"])
def vault_server(request, monkeypatch):
    """Each server in turn, as a new account has it, its password in the environment."""
    from tests.vault.helpers import fresh_vault

    server = request.getfixturevalue(f"{request.param}_server")
    server.check_alive()
    fresh_vault(server)
    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", server.password)
    return server


@pytest.fixture
def dav_devices(tmp_path, vault_server):
    from favorbook.services import session
    from tests.vault.helpers import Devices

    yield Devices(tmp_path, server=vault_server)
    session.close()


@pytest.fixture(params=["one by one", "in bulk"])
def apply_mode(request, monkeypatch):
    """Run a test with other devices' rows applied one by one, and again through the bulk
    path a big join takes (every batch, however small)."""
    from favorbook.sync.vault import bulk

    if request.param == "in bulk":
        monkeypatch.setattr(bulk, "BULK_MIN", 1)
    return request.param
