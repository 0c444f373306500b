"""Preferences: sensible defaults, validated changes, kept with the data."""

import pytest

from favorbook.errors import ValidationError
from favorbook.services import contacts, session, settings
from favorbook.services.contacts import Labeled


def test_defaults(db, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert settings.target_ratio() == 4.0
    assert settings.default_cadence_days() == 90
    assert settings.get("phone_region") == ""
    assert settings.phone_region() == "DE"


def test_phone_region_falls_back_to_us(db, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setattr("locale.getlocale", lambda *a: (None, None))
    assert settings.phone_region() == "US"


def test_changes_are_kept_with_the_data(db):
    settings.set_target_ratio("3.5")
    settings.set_default_cadence_days("45")
    settings.set_phone_region(" gb ")
    session.close()
    session.open_data(db.parent)
    assert settings.target_ratio() == 3.5
    assert settings.default_cadence_days() == 45
    assert settings.phone_region() == "GB"


@pytest.mark.parametrize("value", ["abc", None, "", 0, 0.05, 100.5, -4, "nan"])
def test_invalid_target_ratio(db, value):
    with pytest.raises(ValidationError) as info:
        settings.set_target_ratio(value)
    assert info.value.field == "target_ratio"
    assert settings.target_ratio() == 4.0


@pytest.mark.parametrize("value", ["abc", None, 0, -1, 3651, "2.5"])
def test_invalid_default_cadence(db, value):
    with pytest.raises(ValidationError) as info:
        settings.set_default_cadence_days(value)
    assert info.value.field == "default_cadence_days"
    assert settings.default_cadence_days() == 90


@pytest.mark.parametrize("value", ["USA", "U", "1A", "u$", "D E"])
def test_invalid_phone_region(db, value):
    with pytest.raises(ValidationError) as info:
        settings.set_phone_region(value)
    assert info.value.field == "phone_region"
    assert settings.get("phone_region") == ""


def test_phone_region_reads_numbers_typed_without_country_code(make_contact):
    settings.set_phone_region("DE")
    berlin = make_contact("Ber", "Lin", phones=[Labeled("030 1234567")])
    settings.set_phone_region("US")
    sf = make_contact("San", "Fran", phones=[Labeled("(415) 555-0100")])
    assert contacts.get_contact(berlin).phones[0].value == "+49301234567"
    assert contacts.get_contact(sf).phones[0].value == "+14155550100"


def test_clearing_the_phone_region_goes_back_to_automatic(db, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    settings.set_phone_region("DE")
    settings.set_phone_region("")
    assert settings.phone_region() == "FR"
