"""The test servers and the fault proxy do what the sync tests rely on."""

from __future__ import annotations

import pytest
import requests

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:fixture-1\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
    "X-PHONE-ONLY:kept\r\nEND:VCARD\r\n"
)


def test_fresh_collections_are_empty_and_take_a_card(dav_server):
    assert dav_server.listing(dav_server.addressbook_url) == {}
    assert dav_server.listing(dav_server.calendar_url) == {}
    href = dav_server.addressbook_url + "fixture-1.vcf"
    assert dav_server.put(href, CARD, new=True).status_code in (201, 204)
    assert dav_server.put(href, CARD, new=True).status_code == 412
    text, etag = dav_server.get(href)
    assert "X-PHONE-ONLY:kept" in text and etag
    assert list(dav_server.listing(dav_server.addressbook_url).values()) == [etag]


def test_each_test_gets_new_collections(dav_server):
    first = dav_server.addressbook_url
    dav_server.put(first + "a.vcf", CARD, new=True)
    dav_server.fresh_collections()
    assert dav_server.addressbook_url != first
    assert dav_server.listing(dav_server.addressbook_url) == {}
    assert dav_server.request("GET", first + "a.vcf").status_code == 404


def test_the_proxy_forwards_and_fails_on_demand(dav_server, fault_proxy):
    auth = (dav_server.username, dav_server.password)
    href = fault_proxy.rewrite(dav_server.addressbook_url + "fixture-1.vcf")
    put = dict(data=CARD.encode(), headers={"Content-Type": "text/vcard"}, auth=auth, timeout=5)

    fault_proxy.inject("401")
    assert requests.get(href, auth=auth, timeout=5).status_code == 401
    fault_proxy.inject("503")
    assert requests.put(href, **put).status_code == 503
    fault_proxy.inject("412", method="PUT")
    assert requests.put(href, **put).status_code == 412
    assert dav_server.listing(dav_server.addressbook_url) == {}  # none of them reached it

    fault_proxy.inject("lose_reply", method="PUT")
    with pytest.raises(requests.ConnectionError):
        requests.put(href, **put)
    assert len(dav_server.listing(dav_server.addressbook_url)) == 1  # but the server did it

    fault_proxy.inject("truncate", method="GET")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(href, auth=auth, timeout=5).content  # noqa: B018

    fault_proxy.hang_seconds = 5
    fault_proxy.inject("hang")
    with pytest.raises(requests.Timeout):
        requests.get(href, auth=auth, timeout=0.5)

    fault_proxy.down()
    with pytest.raises(requests.ConnectionError):
        requests.get(href, auth=auth, timeout=5)
    fault_proxy.up()
    r = requests.get(href, auth=auth, timeout=5)
    assert r.status_code == 200 and "X-PHONE-ONLY:kept" in r.text
    assert fault_proxy.pending() == []


def test_the_proxy_cuts_pooled_connections_when_down(dav_server, fault_proxy):
    auth = (dav_server.username, dav_server.password)
    session = requests.Session()
    url = fault_proxy.rewrite(dav_server.addressbook_url)
    assert session.request("PROPFIND", url, auth=auth, headers={"Depth": "0"}).ok
    fault_proxy.down()
    with pytest.raises(requests.ConnectionError):
        session.request("PROPFIND", url, auth=auth, headers={"Depth": "0"}, timeout=5)
    fault_proxy.up()
    assert session.request("PROPFIND", url, auth=auth, headers={"Depth": "0"}, timeout=5).ok
    session.close()
