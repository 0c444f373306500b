"""The CardDAV client: what goes over the wire, and what each failure says."""

from __future__ import annotations

import pytest

from favorbook.errors import SyncError
from favorbook.sync import dav


class _Response:
    def __init__(self, status=200, body=b"", headers=None, url=""):
        self.status_code = status
        self.content = body
        self.headers = headers or {}
        self.reason = "Reason"
        self.url = url
        self.history = []


class _Session:
    """Records requests and answers them from a queue."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []
        self.auth = None
        self.headers = {}

    def request(self, method, url, data=None, headers=None, timeout=None, **kw):
        self.sent.append((method, url, data, dict(headers or {})))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        answer.url = answer.url or url
        return answer

    def close(self):
        pass


BOOK = "https://dav.example.com/rep/book/"
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ann\r\nEND:VCARD\r\n"


def _client(*answers):
    session = _Session(*answers)
    return dav.DavClient(BOOK, "rep", "pw", account="work", session=session), session


def test_plain_http_is_refused_except_to_this_computer():
    with pytest.raises(SyncError, match="https"):
        dav.check_url("http://dav.example.com/", "work")
    for url in ("http://127.0.0.1:5232/", "http://localhost/", "http://[::1]:80/"):
        assert dav.check_url(url) == url
    with pytest.raises(SyncError):
        dav.check_url("ftp://dav.example.com/")


def test_a_new_card_goes_up_byte_exact_and_only_if_absent():
    client, session = _client(_Response(201, headers={"ETag": '"e1"'}))
    etag = client.put("/rep/book/u1.vcf", CARD, create=True)
    method, url, body, headers = session.sent[0]
    assert (method, url, etag) == ("PUT", "https://dav.example.com/rep/book/u1.vcf", '"e1"')
    assert body == CARD.encode("utf-8") and b"\r\n" in body
    assert headers["If-None-Match"] == "*" and "If-Match" not in headers
    assert headers["Content-Type"].startswith("text/vcard")


def test_a_change_and_a_delete_are_conditional_and_412_is_its_own_error():
    client, session = _client(_Response(412), _Response(204))
    with pytest.raises(dav.PreconditionFailed):
        client.put("/rep/book/u1.vcf", CARD, etag='"e1"')
    assert session.sent[0][3]["If-Match"] == '"e1"'
    client.delete("/rep/book/u1.vcf", '"e2"')
    assert session.sent[1][0] == "DELETE" and session.sent[1][3]["If-Match"] == '"e2"'


def test_sync_collection_reports_changes_deletions_and_the_new_token():
    body = b"""<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">
      <d:response><d:href>/rep/book/a%20b.vcf</d:href><d:propstat><d:prop>
        <d:getetag>"1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
      </d:response>
      <d:response><d:href>/rep/book/gone.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status>
      </d:response><d:sync-token>http://x/t/2</d:sync-token></d:multistatus>"""
    client, session = _client(_Response(207, body))
    changes, token = client.sync_collection(BOOK, "http://x/t/1")
    assert changes == {"/rep/book/a b.vcf": '"1"', "/rep/book/gone.vcf": None}
    assert token == "http://x/t/2"
    sent = session.sent[0]
    assert sent[0] == "REPORT" and b"<d:sync-token>http://x/t/1</d:sync-token>" in sent[2]


def test_an_expired_token_and_a_server_without_tokens_are_told_apart():
    expired = b'<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>'
    client, _ = _client(_Response(403, expired))
    with pytest.raises(dav.TokenInvalid):
        client.sync_collection(BOOK, "old")
    client, _ = _client(_Response(501))
    with pytest.raises(dav.NotSupported):
        client.sync_collection(BOOK, None)


def test_multiget_asks_for_the_hrefs_and_reads_the_cards():
    body = f"""<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
      <d:response><d:href>/rep/book/u1.vcf</d:href><d:propstat><d:prop>
      <d:getetag>"9"</d:getetag><c:address-data>{CARD}</c:address-data></d:prop>
      <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"""
    client, session = _client(_Response(207, body.encode()))
    got = client.multiget(BOOK, ["/rep/book/u1.vcf"])
    assert got["/rep/book/u1.vcf"][0] == '"9"'
    assert "FN:Ann" in got["/rep/book/u1.vcf"][1]
    assert b"<d:href>/rep/book/u1.vcf</d:href>" in session.sent[0][2]


def test_failures_name_the_account_and_what_to_do():
    import requests

    cases = [
        (_Response(401), dav.AuthFailed, "password"),
        (_Response(503), dav.ServerFailed, "Try again later"),
        (requests.exceptions.ConnectionError("refused"), dav.Unreachable, "cannot reach"),
        (requests.exceptions.ReadTimeout("slow"), dav.Unreachable, "in time"),
        (_Response(207, b"<d:multistatus xmlns:d='DAV:'><d:resp"), SyncError, "cut off"),
    ]
    for answer, error, words in cases:
        client, _ = _client(answer)
        with pytest.raises(error) as err:
            client.list_etags(BOOK)
        assert "'work'" in str(err.value) and words in str(err.value)


def test_mkcol_makes_an_address_book_and_a_tasks_calendar():
    client, session = _client(_Response(201), _Response(201))
    client.mkcol(BOOK + "favorbook-contacts/", "favorbook", "contacts")
    client.mkcol(BOOK + "favorbook-tasks/", "favorbook", "tasks")
    assert b"<card:addressbook/>" in session.sent[0][2]
    assert b'<cal:comp name="VTODO"/>' in session.sent[1][2]


def test_an_address_book_removed_on_the_server_says_to_add_the_account_again():
    client, _ = _client(_Response(404))
    with pytest.raises(SyncError, match="add it again"):
        client.sync_collection(BOOK, "t1")


_STATE = b"""<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:r="http://radicale.org/ns/"
    xmlns:i="http://apple.com/ns/ical/" xmlns:cs="http://calendarserver.org/ns/"
    xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:response><d:href>/rep/book/</d:href><d:propstat><d:prop>
  <d:getetag>"abc"</d:getetag><d:displayname>Work</d:displayname>
  <i:calendar-color>#112233</i:calendar-color><cs:getctag>"abc"</cs:getctag>
  <r:version>3.5</r:version><d:sync-token>http://radicale.org/ns/sync/1</d:sync-token>
  <c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set>
  <d:resourcetype><d:collection/></d:resourcetype>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>"""


def test_a_collection_is_seen_whole_and_replaced_only_if_unchanged():
    """The state says empty, Radicale, its ETag, and the properties to write back (not the
    ones the server works out); the PUT of the whole collection is conditional on the ETag."""
    client, session = _client(_Response(207, _STATE), _Response(201), _Response(207, b""))
    state = client.collection_state(BOOK)
    assert (state.etag, state.members, state.radicale) == ('"abc"', 0, True)
    kept = dav.props_xml(state.props)
    assert {p.tag.rpartition("}")[2] for p in state.props} == {
        "displayname",
        "calendar-color",
        "supported-calendar-component-set",
    }
    client.put_collection(BOOK, CARD.encode(), etag=state.etag, content_type=dav.VCARD_TYPE,
                          timeout=99)  # fmt: skip
    method, url, body, headers = session.sent[1]
    assert (method, url, body) == ("PUT", BOOK, CARD.encode())
    assert headers["If-Match"] == '"abc"' and "If-None-Match" not in headers
    client.proppatch(BOOK, kept)
    method, _, body, _ = session.sent[2]
    assert method == "PROPPATCH" and b"#112233" in body and b'name="VTODO"' in body
    assert b"getctag" not in body and b"sync-token" not in body
