import pytest

from favorbook.errors import ValidationError
from favorbook.services import contacts, organizations, search


def test_contacts_share_an_organization_by_name(make_contact):
    a = make_contact("Ann", "Lee", organization="Acme")
    b = make_contact("Bo", "Kim", organization="acme")  # same company, other case
    orgs = organizations.list_organizations()
    assert [(o.name, o.contacts) for o in orgs] == [("Acme", 2)]
    assert organizations.contacts_at(orgs[0].id) == [(b, "Bo Kim"), (a, "Ann Lee")]


def test_archived_contacts_are_not_counted(make_contact):
    a = make_contact("Ann", "Lee", organization="Acme")
    contacts.archive_contact(a)
    assert organizations.list_organizations()[0].contacts == 0


def test_rename_updates_search_and_refuses_a_taken_name(make_contact):
    make_contact("Ann", "Lee", organization="Acme")
    make_contact("Bo", "Kim", organization="Globex")
    acme = next(o for o in organizations.list_organizations() if o.name == "Acme")
    organizations.update(acme.id, name="Acme Industrial", notes="Two plants")
    assert [h.name for h in search.search("org:industrial")] == ["Ann Lee"]
    with pytest.raises(ValidationError) as exc:
        organizations.update(acme.id, name="GLOBEX")
    assert exc.value.field == "name"
    assert organizations.list_organizations()[0].name == "Acme Industrial"


def test_the_contact_form_lists_names_without_reading_the_contacts(make_contact):
    from tests.perf_guards import capture_sql

    make_contact("Ann", "Lee", organization="globex")
    make_contact("Bo", "Kim", organization="Acme")
    with capture_sql() as ran:
        assert organizations.names() == ["Acme", "globex"]
    assert not [s for s in ran if "contact" in s]  # no count per company (a 100k-row join)
