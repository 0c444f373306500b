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


@pytest.fixture(params=["one by one", "in bulk"])
def apply_mode(request, monkeypatch):
    """Run a test with other devices' rows applied one by one, and again through the bulk
    path a big join takes (every batch, however small)."""
    from favorbook.sync.vault import bulk

    if request.param == "in bulk":
        monkeypatch.setattr(bulk, "BULK_MIN", 1)
    return request.param
