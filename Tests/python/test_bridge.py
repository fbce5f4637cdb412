"""The HTTP bridge (`crmd serve --http`) as an outside HTTP client sees it: POST /rpc, sign-in
cookies, origins and CORS, public invoice pages, static files, and bad input (malformed
requests, oversized headers, slow clients, path traversal) that gets the right status and
harms nobody else."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest
from helpers import invoice_deal

LEAD = {"phones": [{"value": "+7 916 000-00-01"}], "emails": [{"value": "c@example.ru"}], "city": "Москва", "topic": "Охрана"}


def post(bridge, path, body, headers=None, connection=None):
    conn = connection or http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    payload = response.read()
    return response, payload


def get(bridge, path, headers=None):
    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def bearer(bridge):
    return {"Authorization": f"Bearer {bridge.token}"}


def raw_exchange(bridge, data: bytes, timeout=10.0) -> bytes:
    """Sends bytes on a fresh TCP connection; everything the server answers until it closes."""
    with socket.create_connection((bridge.host, bridge.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


# ---------------------------------------------------------------------------- POST /rpc

def test_post_rpc_answers_a_call_and_a_batch_as_the_tokens_user(bridge):
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 7, "method": "lead.add",
                                               "params": {"fields": {"title": "С сайта", **LEAD}}}, bearer(bridge))
    assert response.status == 200 and response.getheader("Content-Type") == "application/json"
    reply = json.loads(payload)
    assert reply["id"] == 7 and reply["result"]["title"] == "С сайта"
    response, payload = post(bridge, "/rpc", [
        {"jsonrpc": "2.0", "id": 1, "method": "lead.get", "params": {"id": reply["result"]["id"]}},
        {"jsonrpc": "2.0", "method": "server.info"},
        {"jsonrpc": "2.0", "id": 2, "method": "no.such"},
    ], bearer(bridge))
    replies = json.loads(payload)
    assert [r["id"] for r in replies] == [1, 2]
    assert replies[0]["result"]["title"] == "С сайта"
    assert replies[1]["error"]["code"] == -32601
    # The socket sees what the bridge wrote.
    with bridge.client() as c:
        assert c.call("lead.get", {"id": reply["result"]["id"]})["title"] == "С сайта"


def test_post_rpc_notifications_only_is_204_and_keep_alive_reuses_the_connection(bridge):
    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "method": "server.info"}, bearer(bridge), conn)
    assert response.status == 204 and payload == b""
    for i in range(20):
        response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": i, "method": "server.info"}, bearer(bridge), conn)
        assert response.status == 200 and json.loads(payload)["id"] == i
    conn.close()


def test_post_rpc_needs_a_valid_token_and_json(bridge):
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "lead.list"})
    assert response.status == 401 and response.getheader("WWW-Authenticate", "").startswith("Bearer")
    assert json.loads(payload)["error"]["data"]["reason"] == "notSignedIn"
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "lead.list"},
                             {"Authorization": "Bearer crmd_nope"})
    assert response.status == 401 and json.loads(payload)["error"]["code"] == 1006
    response, _ = post(bridge, "/rpc", b"jsonrpc=2.0", {**bearer(bridge), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 415
    response, payload = post(bridge, "/rpc", b"{not json", bearer(bridge))
    assert response.status == 200 and json.loads(payload)["error"]["code"] == -32700


def test_a_revoked_or_expired_token_is_refused_from_its_next_request(bridge):
    with bridge.client() as admin:
        made = admin.call("token.add", {"userId": 1, "name": "short-lived"})
        headers = {"Authorization": f"Bearer {made['token']}"}
        response, _ = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "lead.list", "params": {}}, headers)
        assert response.status == 200
        admin.call("token.revoke", {"id": made["id"]})
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "lead.list", "params": {}}, headers)
    assert json.loads(payload)["error"]["code"] == 1006


def test_a_managers_calls_are_judged_by_their_own_rights(bridge):
    with bridge.client() as admin:
        manager = admin.call("user.add", {"fields": {"name": "Менеджер", "email": "m@example.ru"}})
        token = admin.call("token.add", {"userId": manager["id"], "name": "manager"})["token"]
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "user.current"},
                             {"Authorization": f"Bearer {token}"})
    assert json.loads(payload)["result"]["id"] == manager["id"]
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "token.add",
                                               "params": {"userId": 1, "name": "escalate"}},
                             {"Authorization": f"Bearer {token}"})
    assert json.loads(payload)["error"]["code"] == 1006


# ---------------------------------------------------------------------------- sign-in, origins, CORS

def test_login_sets_an_http_only_strict_cookie_that_authenticates_until_logout(bridge):
    response, payload = post(bridge, "/login", {"token": bridge.token}, {"Origin": bridge.origin})
    assert response.status == 200 and json.loads(payload)["user"]["id"] == 1
    cookie = response.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert bridge.token not in cookie
    session = cookie.split(";", 1)[0]
    response, payload = get(bridge, "/session", {"Cookie": session})
    assert response.status == 200 and json.loads(payload)["user"]["id"] == 1
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "user.current"},
                             {"Cookie": session, "Origin": bridge.origin})
    assert json.loads(payload)["result"]["id"] == 1
    response, _ = post(bridge, "/logout", {}, {"Cookie": session, "Origin": bridge.origin})
    assert response.status == 200 and "Max-Age=0" in response.getheader("Set-Cookie")
    response, _ = get(bridge, "/session", {"Cookie": session})
    assert response.status == 401


def test_a_bad_token_does_not_sign_in(bridge):
    response, payload = post(bridge, "/login", {"token": "crmd_wrong"}, {"Origin": bridge.origin})
    assert response.status == 401 and response.getheader("Set-Cookie") is None
    assert json.loads(payload)["error"]["code"] == 1006
    response, _ = post(bridge, "/login", b"[]", {"Origin": bridge.origin})
    assert response.status == 400


def test_a_foreign_origin_cannot_change_anything(bridge):
    response, _ = post(bridge, "/login", {"token": bridge.token}, {"Origin": bridge.origin})
    session = response.getheader("Set-Cookie").split(";", 1)[0]
    call = {"jsonrpc": "2.0", "id": 1, "method": "lead.add", "params": {"fields": {"title": "CSRF", **LEAD}}}
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{bridge.port + 1}"):
        response, _ = post(bridge, "/rpc", call, {"Cookie": session, "Origin": origin})
        assert response.status == 403, origin
    response, _ = post(bridge, "/rpc", call, {"Cookie": session, "Sec-Fetch-Site": "cross-site"})
    assert response.status == 403
    response, _ = post(bridge, "/login", {"token": bridge.token}, {"Origin": "http://evil.example"})
    assert response.status == 403
    with bridge.client() as c:
        assert c.call("lead.list", {})["items"] == []


def test_cors_only_for_configured_origins(make_bridge):
    bridge = make_bridge("--cors-origin", "http://app.example:3000")
    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    conn.request("OPTIONS", "/rpc", headers={"Origin": "http://app.example:3000", "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "authorization, content-type"})
    response = conn.getresponse()
    response.read()
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == "http://app.example:3000"
    assert "Authorization" in response.getheader("Access-Control-Allow-Headers")
    response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "user.current"},
                             {**bearer(bridge), "Origin": "http://app.example:3000"})
    assert response.status == 200 and response.getheader("Access-Control-Allow-Origin") == "http://app.example:3000"
    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    conn.request("OPTIONS", "/rpc", headers={"Origin": "http://other.example", "Access-Control-Request-Method": "POST"})
    response = conn.getresponse()
    response.read()
    assert response.status == 403 and response.getheader("Access-Control-Allow-Origin") is None
    response, _ = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "user.current"},
                       {**bearer(bridge), "Origin": "http://other.example"})
    assert response.status == 403


# ---------------------------------------------------------------------------- public invoice pages

@pytest.fixture
def public_link(bridge):
    """A deal's invoice and a public link to it, made over the socket."""
    with bridge.client() as c:
        invoice = c.call("invoice.createFromDeal", {"dealId": invoice_deal(c)})
        link = c.call("invoice.publicLink", {"id": invoice["id"]})
        return invoice, link


def test_public_invoice_page_and_pdf(bridge, public_link):
    invoice, link = public_link
    response, page = get(bridge, f"/i/{link['token']}")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/html")
    text = page.decode()
    assert "Счет на оплату" in text and "@page" in text and "@media print" in text
    assert f"{link['token']}.pdf" in text
    response, pdf = get(bridge, f"/i/{link['token']}.pdf")
    assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    assert pdf.startswith(b"%PDF-") and response.getheader("Content-Disposition").startswith("attachment;")
    assert "filename=" in response.getheader("Content-Disposition")


def test_unknown_revoked_and_expired_links(bridge, public_link):
    invoice, link = public_link
    response, page = get(bridge, "/i/" + "0" * 64)
    assert response.status == 404 and b"<html" in page
    response, _ = get(bridge, "/i/../../etc/passwd")
    assert response.status in (400, 404)
    with bridge.client() as c:
        c.call("invoice.revokeLink", {"id": invoice["id"]})
    for path in (f"/i/{link['token']}", f"/i/{link['token']}.pdf"):
        response, page = get(bridge, path)
        assert response.status == 410 and "text/html" in response.getheader("Content-Type")


# ---------------------------------------------------------------------------- static files and paths

def test_static_paths_cannot_leave_the_web_client(bridge):
    for path in ("/../crmd.sqlite", "/js/../../crmd.sqlite", "/%2e%2e/crmd.sqlite", "/a%00b", "/.%2e/x"):
        reply = raw_exchange(bridge, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert status_of(reply) in (400, 404), (path, reply[:200])
        assert b"SQLite format" not in reply
    response, _ = get(bridge, "/no-such-file.js")
    assert response.status == 404


def test_web_client_is_served_from_a_directory(make_bridge, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>крмд</title>", encoding="utf-8")
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("export const x = 1;\n")
    bridge = make_bridge("--web", str(tmp_path))
    response, body = get(bridge, "/")
    assert response.status == 200 and "крмд" in body.decode() and response.getheader("Content-Type").startswith("text/html")
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    response, body = get(bridge, "/js/app.js")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/javascript")


def test_the_openrpc_document_is_public(bridge):
    response, body = get(bridge, "/openrpc.json")
    document = json.loads(body)
    assert response.status == 200 and document["openrpc"].startswith("1.")
    assert {"lead.add", "invoice.publicLink", "event.subscribe"} <= {m["name"] for m in document["methods"]}


# ---------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("request_bytes,status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"GET / HTTP/1.1\r\n\r\n", 400),  # no Host
    (b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    (b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /rpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    (b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n", 413),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
    (b"DELETE /rpc HTTP/1.1\r\nHost: x\r\n\r\n", 405),
])
def test_malformed_requests_get_their_status(bridge, request_bytes, status):
    reply = raw_exchange(bridge, request_bytes)
    assert status_of(reply) == status, reply[:300]


def test_oversized_headers_are_431_and_the_server_goes_on(bridge):
    reply = raw_exchange(bridge, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
    assert status_of(reply) == 431
    response, _ = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "server.info"}, bearer(bridge))
    assert response.status == 200


def test_a_chunked_request_body(bridge):
    body = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "user.current"}).encode()
    chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(body[i:i + 10]), body[i:i + 10]) for i in range(0, len(body), 10))
    reply = raw_exchange(bridge, b"POST /rpc HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                         b"Authorization: Bearer " + bridge.token.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + chunked + b"0\r\nTrailer: x\r\n\r\n")
    assert status_of(reply) == 200
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["result"]["id"] == 1


def test_expect_100_continue_is_answered_before_the_body(bridge):
    body = json.dumps({"jsonrpc": "2.0", "id": 4, "method": "user.current"}).encode()
    with socket.create_connection((bridge.host, bridge.port), timeout=10) as sock:
        sock.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                     b"Authorization: Bearer " + bridge.token.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        reply = sock.recv(65536)
        assert status_of(reply) == 200 and json.loads(reply.split(b"\r\n\r\n", 1)[1])["id"] == 4


def test_a_slow_client_is_cut_off_without_holding_up_others(make_bridge):
    bridge = make_bridge(config={"bridge": {"requestTimeoutSeconds": 3}})
    slow = socket.create_connection((bridge.host, bridge.port), timeout=30)
    slow.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    # Others are served meanwhile.
    for _ in range(5):
        response, _ = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "server.info"}, bearer(bridge))
        assert response.status == 200
    # The trickling client is answered 408 and closed at the request timeout (3 s here), even
    # though it keeps sending a byte now and then.
    reply = None
    slow.settimeout(1)
    while reply is None and time.monotonic() - started < 15:
        try:
            slow.sendall(b"X")
            reply = slow.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            reply = b""
    elapsed = time.monotonic() - started
    assert reply is not None and elapsed < 15, "the slow client was never cut off"
    assert 2.5 < elapsed, f"cut off after {elapsed:.1f} s, before the request timeout"
    assert reply.startswith(b"HTTP/1.1 408") or reply == b""
    slow.close()


def test_many_clients_at_once(bridge):
    errors = []

    def work(n):
        try:
            conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=20)
            for i in range(10):
                response, payload = post(bridge, "/rpc", {"jsonrpc": "2.0", "id": i, "method": "lead.add",
                                                           "params": {"fields": {"title": f"{n}-{i}", **LEAD}}}, bearer(bridge), conn)
                assert response.status == 200 and "result" in json.loads(payload)
        except Exception as error:  # noqa: BLE001 — collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with bridge.client() as c:
        assert c.call("lead.list", {"count": True, "limit": 1})["total"] == 160
