"""The first upload into an empty collection in one request (Radicale's PUT of a whole
collection), and every way it must not go wrong.

The path is taken from ``collection.BULK_MIN`` new items; the tests lower it so that a small
network takes it. Requests are counted through the fault proxy.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from favorbook.db.models import Contact, SyncCollection, SyncItem
from favorbook.sample import demo
from favorbook.services import contacts
from favorbook.sync import collection, dav, tasks
from tests.sync.conftest import PASSWORD, FaultProxy
from tests.sync.helpers import Laptop, add_account, collection_props, sync

PEOPLE = 12


@pytest.fixture
def bulk(monkeypatch):
    """A small network takes the one-request path."""
    monkeypatch.setattr(collection, "BULK_MIN", 5)


@pytest.fixture
def laptop_alone(tmp_path, monkeypatch):
    """One data folder, open, with the servers' password in the environment."""
    from favorbook.services import session

    monkeypatch.setenv("FAVORBOOK_SYNC_PASSWORD", PASSWORD)
    laptop = Laptop("alone", tmp_path / "laptop").open()
    try:
        yield laptop
    finally:
        session.close()
        Laptop.current = None


def _fresh(server):
    server.check_alive()
    server.fresh_collections()
    return server


@pytest.fixture
def radicale(radicale_server):
    """Radicale with a fresh empty address book and tasks calendar."""
    return _fresh(radicale_server)


@pytest.fixture
def xandikos(xandikos_server):
    return _fresh(xandikos_server)


@pytest.fixture
def proxy_of():
    """``proxy_of(server)``: a FaultProxy in front of it (closed at the end)."""
    made = []

    def start(server):
        made.append(FaultProxy(server.url))
        return made[-1]

    try:
        yield start
    finally:
        for proxy in made:
            proxy.close()


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _unfold(text: str) -> str:
    return re.sub(r"\r?\n[ \t]", "", text)


def _uid(text: str) -> str:
    return _unfold(text).split("UID:")[1].split("\r\n")[0]


def _set_color(server, url: str, color: str) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" '
        'xmlns:I="http://apple.com/ns/ical/"><D:set><D:prop>'
        f"<I:calendar-color>{color}</I:calendar-color></D:prop></D:set></D:propertyupdate>"
    )
    r = server.request("PROPPATCH", url, body, {"Content-Type": "application/xml"})
    assert r.status_code == 207, r.text


def _puts(proxy, url: str) -> tuple[int, int]:
    """(PUTs of the whole collection, PUTs of one item in it) through the proxy."""
    path = _path(url)
    whole = sum(1 for m, p, _ in proxy.requests if m == "PUT" and p == path)
    items = sum(1 for m, p, _ in proxy.requests if m == "PUT" and p.startswith(path) and p != path)
    return whole, items


def _account_through(proxy, server):
    from favorbook.sync import accounts

    return accounts.add_account(
        proxy.rewrite(server.url),
        server.username,
        server.password,
        name="work",
        addressbook=proxy.rewrite(server.addressbook_url),
        calendar=proxy.rewrite(server.calendar_url),
    )


def _server_matches_this_computer(server) -> None:
    """Every card and task once, at ``<uid>.vcf``/``<uid>.ics``, named as here; each item's
    record has the ETag the server lists."""
    people = {c.uid: c.display_name for c in Contact.select().where(Contact.archived_at.is_null())}
    cards = server.objects(server.addressbook_url)
    assert sorted(_uid(t) for t in cards.values()) == sorted(people)
    for href, text in cards.items():
        uid = _uid(text)
        assert href == _path(server.addressbook_url) + uid + ".vcf"
        assert f"FN:{people[uid]}" in _unfold(text)
    local = tasks._local_tasks()
    todos = server.objects(server.calendar_url)
    assert sorted(_uid(t) for t in todos.values()) == sorted(local)
    listed = {**server.listing(server.addressbook_url), **server.listing(server.calendar_url)}
    recorded = {i.href: i.etag for i in SyncItem.select()}
    assert recorded == listed
    assert SyncItem.select().where(SyncItem.dirty == True).count() == 0  # noqa: E712


def _phone_card(uid: str, first: str) -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{first} Phone\r\n"
        f"N:Phone;{first};;;\r\nEND:VCARD\r\n"
    )


def _nothing_to_do(report) -> bool:
    return (report.pushed, report.pulled, report.deleted, report.errors) == (0, 0, 0, [])


def test_a_first_sync_into_empty_collections_sends_each_in_one_request(
    radicale, proxy_of, laptop_alone, bulk
):
    server, fault_proxy = radicale, proxy_of(radicale)
    _set_color(server, server.calendar_url, "#FF8800FF")
    before = {
        url: collection_props(server, url) for url in (server.addressbook_url, server.calendar_url)
    }
    demo.load(PEOPLE, seed=5)
    _account_through(fault_proxy, server)

    report = sync()

    assert report.errors == [] and report.pushed == PEOPLE + len(tasks._local_tasks())
    assert _puts(fault_proxy, server.addressbook_url) == (1, 0)
    assert _puts(fault_proxy, server.calendar_url) == (1, 0)
    _server_matches_this_computer(server)
    # The name, the components the calendar takes and its color are as they were.
    assert {url: collection_props(server, url) for url in before} == before
    assert before[server.calendar_url]["calendar-color"] == "#FF8800FF"
    # The next syncs start from a sync token: nothing listed but what changed.
    assert all(c.sync_token for c in SyncCollection.select())
    fault_proxy.requests.clear()
    assert _nothing_to_do(sync())
    assert [m for m, _, _ in fault_proxy.requests] == ["REPORT", "REPORT"]

    # A phone's edit comes down, an edit here goes up: one item each way.
    href, text, etag = next((h, *server.get(h)) for h in server.listing(server.addressbook_url))
    assert server.put(href, text.replace("\r\nEND:VCARD", "\r\nNOTE:met at the fair\r\nEND:VCARD"),
                      etag=etag).ok  # fmt: skip
    other = Contact.select().where(Contact.uid != _uid(text)).first()
    data = contacts.get_contact(other.id).to_input()
    data.title = "Head of Sales"
    contacts.update_contact(other.id, data)
    fault_proxy.requests.clear()
    report = sync()
    assert (report.pulled, report.pushed, report.errors) == (1, 1, [])
    assert _puts(fault_proxy, server.addressbook_url) == (0, 1)
    assert _nothing_to_do(sync())


def test_a_collection_that_is_not_empty_is_never_replaced(radicale, proxy_of, laptop_alone, bulk):
    server, fault_proxy = radicale, proxy_of(radicale)
    phone = _phone_card("phone-1", "Pat")
    assert server.put(server.addressbook_url + "phone-1.vcf", phone, new=True).ok
    demo.load(PEOPLE, seed=5)
    _account_through(fault_proxy, server)

    assert sync().errors == []

    assert _puts(fault_proxy, server.addressbook_url) == (0, PEOPLE)
    assert _puts(fault_proxy, server.calendar_url)[0] == 1  # the calendar was empty
    assert Contact.get_or_none(Contact.uid == "phone-1") is not None
    _server_matches_this_computer(server)


def test_a_phone_writing_between_the_check_and_the_upload_loses_nothing(
    radicale, proxy_of, laptop_alone, bulk, monkeypatch
):
    """The PUT carries the ETag the collection had when it was seen empty: a card the phone
    adds in between changes it, the server refuses the PUT (412), and everything goes up one
    by one beside the phone's card."""
    server, fault_proxy = radicale, proxy_of(radicale)
    phone = _phone_card("phone-2", "Sam")
    seen = dav.DavClient.collection_state

    def phone_writes_meanwhile(self, url):
        state = seen(self, url)
        if "contacts" in url and not server.listing(server.addressbook_url):
            assert server.put(server.addressbook_url + "phone-2.vcf", phone, new=True).ok
        return state

    monkeypatch.setattr(dav.DavClient, "collection_state", phone_writes_meanwhile)
    demo.load(PEOPLE, seed=5)
    _account_through(fault_proxy, server)

    assert sync().errors == []

    book = _path(server.addressbook_url)
    assert ("PUT", book, "412") in fault_proxy.requests
    assert _puts(fault_proxy, server.addressbook_url) == (1, PEOPLE)
    assert server.get(server.addressbook_url + "phone-2.vcf")[0] == phone
    assert sync().pulled == 1  # the phone's card comes down as a contact
    assert Contact.get_or_none(Contact.uid == "phone-2") is not None
    _server_matches_this_computer(server)
    assert _nothing_to_do(sync())


@pytest.mark.parametrize("answer", ["403", "412"])
def test_a_server_refusing_the_whole_collection_gets_the_items_one_by_one(
    answer, radicale, proxy_of, laptop_alone, bulk
):
    server, fault_proxy = radicale, proxy_of(radicale)
    demo.load(PEOPLE, seed=5)
    _account_through(fault_proxy, server)
    fault_proxy.inject(answer, method="PUT", path=_path(server.addressbook_url), times=1)

    assert sync().errors == []

    assert ("PUT", _path(server.addressbook_url), answer) in fault_proxy.requests
    assert _puts(fault_proxy, server.addressbook_url) == (1, PEOPLE)
    assert collection_props(server, server.addressbook_url)["displayname"] == "Contacts"
    _server_matches_this_computer(server)
    assert _nothing_to_do(sync())


def test_a_server_without_it_gets_the_items_one_by_one(xandikos, proxy_of, laptop_alone, bulk):
    server, fault_proxy = xandikos, proxy_of(xandikos)
    before = collection_props(server, server.calendar_url)
    demo.load(PEOPLE, seed=5)
    _account_through(fault_proxy, server)

    assert sync().errors == []

    assert _puts(fault_proxy, server.addressbook_url) == (0, PEOPLE)
    assert _puts(fault_proxy, server.calendar_url)[0] == 0
    assert collection_props(server, server.calendar_url) == before
    _server_matches_this_computer(server)
    assert _nothing_to_do(sync())


def test_the_sample_network_round_trips_through_one_request(dav_server, laptops, bulk):
    """A second computer joining after a first sync made in one request gets the same
    network (cards and follow-ups), on either server."""
    from tests.sync.test_contract import _followups, _network

    first, second = laptops
    demo.load(PEOPLE, seed=9)
    add_account(dav_server)
    assert sync().errors == []
    network, followups = _network(), _followups()
    second.open()
    add_account(dav_server)
    assert sync().errors == []
    assert (_network(), _followups()) == (network, followups)
    assert _nothing_to_do(sync())
