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
