"""The WebSocket at `GET /rpc`, driven by an independent client (the `websockets` package) and
by raw frames: JSON-RPC in text messages, events pushed, fragmentation, ping/pong, close codes,
and protocol violations that end only the offending connection."""
from __future__ import annotations

import base64
import json
import os
import socket
import struct
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

LEAD = {"phones": [{"value": "+7 916 000-00-01"}], "emails": [{"value": "c@example.ru"}], "city": "Москва", "topic": "Охрана"}


def ws_url(bridge) -> str:
    return f"ws://{bridge.host}:{bridge.port}/rpc"


def open_ws(bridge, token=None, **kwargs):
    return connect(ws_url(bridge), additional_headers={"Authorization": f"Bearer {token or bridge.token}"},
                   open_timeout=10, **kwargs)


def call(ws, method, params=None, id_=1):
    ws.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}}))
    while True:
        message = json.loads(ws.recv(timeout=10))
        if message.get("id") == id_:
            return message


def test_calls_and_batches_over_a_websocket(bridge):
    with open_ws(bridge) as ws:
        reply = call(ws, "lead.add", {"fields": {"title": "Из браузера", **LEAD}})
        assert reply["result"]["title"] == "Из браузера"
        ws.send(json.dumps([{"jsonrpc": "2.0", "id": "a", "method": "lead.get", "params": {"id": reply["result"]["id"]}},
                            {"jsonrpc": "2.0", "method": "server.info"}]))
        batch = json.loads(ws.recv(timeout=10))
        assert [r["id"] for r in batch] == ["a"] and batch[0]["result"]["title"] == "Из браузера"
        ws.send("{broken")
        assert json.loads(ws.recv(timeout=10))["error"]["code"] == -32700


def test_pipelined_calls_are_answered_in_order(bridge):
    with open_ws(bridge) as ws:
        for i in range(200):
            ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "server.info"}))
        ids = [json.loads(ws.recv(timeout=10))["id"] for _ in range(200)]
        assert ids == list(range(200))


def test_events_are_pushed_to_a_subscribed_page(bridge):
    with open_ws(bridge) as ws:
        assert "result" in call(ws, "event.subscribe", {"topics": ["lead.*"]})
        with bridge.client() as other:
            lead = other.call("lead.add", {"fields": {"title": "Чужое изменение", **LEAD}})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=10))
            if message.get("method") == "event" and message["params"]["id"] == lead["id"]:
                assert message["params"]["topic"] == "lead.created"
                break
        else:
            pytest.fail("no event arrived")


def test_fragmented_messages_and_ping(bridge):
    with open_ws(bridge) as ws:
        text = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "lead.add", "params": {"fields": {"title": "Фрагменты", **LEAD}}})
        ws.send([text[:10], text[10:30], text[30:]])  # one message in three frames
        assert json.loads(ws.recv(timeout=10))["result"]["title"] == "Фрагменты"
        assert ws.ping(b"hi").wait(10)


def test_a_bad_token_is_refused_before_the_upgrade(bridge):
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(bridge), additional_headers={"Authorization": "Bearer crmd_bad"}, open_timeout=10)
    assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(bridge), open_timeout=10)
    assert refused.value.response.status_code == 401


def test_a_foreign_origin_cannot_open_a_websocket(bridge):
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(bridge), origin="http://evil.example",
                additional_headers={"Authorization": f"Bearer {bridge.token}"}, open_timeout=10)
    assert refused.value.response.status_code == 403


def test_the_server_closes_with_1000_when_asked_and_1001_when_stopping(bridge):
    ws = open_ws(bridge)
    ws.close(code=1000)
    assert ws.close_code == 1000
    ws = open_ws(bridge)
    assert "result" in call(ws, "server.info")
    bridge.server.stop()
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=10)
    assert ws.protocol.close_rcvd is not None and ws.protocol.close_rcvd.code == 1001


# ---------------------------------------------------------------------------- raw frames

class RawWebSocket:
    """A hand-made client: sends frames exactly as given."""

    def __init__(self, bridge):
        self.sock = socket.create_connection((bridge.host, bridge.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /rpc HTTP/1.1\r\nHost: {bridge.host}:{bridge.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"Authorization: Bearer {bridge.token}\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head

    def frame(self, opcode, payload=b"", fin=True, mask=True, rsv=0, length_override=None):
        first = (0x80 if fin else 0) | rsv << 4 | opcode
        length = len(payload) if length_override is None else length_override
        if length < 126:
            header = struct.pack("!BB", first, (0x80 if mask else 0) | length)
        elif length < 65536:
            header = struct.pack("!BBH", first, (0x80 if mask else 0) | 126, length)
        else:
            header = struct.pack("!BBQ", first, (0x80 if mask else 0) | 127, length)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            header += key
        self.sock.sendall(header + payload)

    def read_frame(self):
        def need(n):
            while len(self.buffer) < n:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError
                self.buffer += chunk
        need(2)
        opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
        offset = 2
        if length == 126:
            need(4)
            length, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif length == 127:
            need(10)
            length, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        need(offset + length)
        payload, self.buffer = self.buffer[offset:offset + length], self.buffer[offset + length:]
        return opcode, payload

    def close_code(self):
        while True:
            opcode, payload = self.read_frame()
            if opcode == 8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None

    def close(self):
        self.sock.close()


@pytest.mark.parametrize("send,code", [
    (lambda ws: ws.frame(1, b'{"jsonrpc":"2.0","id":1,"method":"server.info"}', mask=False), 1002),  # unmasked
    (lambda ws: ws.frame(1, b"{}", rsv=4), 1002),                                                      # reserved bit
    (lambda ws: ws.frame(3, b"x"), 1002),                                                              # unknown opcode
    (lambda ws: ws.frame(9, b"p" * 126), 1002),                                                        # control too long
    (lambda ws: ws.frame(0, b"orphan"), 1002),                                                         # continuation first
    (lambda ws: ws.frame(1, b"\xff\xfe"), 1007),                                                       # not UTF-8
    (lambda ws: ws.frame(2, b"\x00\x01"), 1003),                                                       # binary
    (lambda ws: ws.frame(1, b"", length_override=1 << 40), 1009),                                      # far too long
    (lambda ws: ws.frame(8, struct.pack("!H", 1005)), 1002),                                           # invalid close code
])
def test_protocol_violations_end_the_connection_with_their_close_code(bridge, send, code):
    ws = RawWebSocket(bridge)
    send(ws)
    assert ws.close_code() == code
    ws.close()
    # Nobody else is affected.
    with open_ws(bridge) as other:
        assert "result" in call(other, "server.info")


def test_a_control_frame_between_fragments(bridge):
    ws = RawWebSocket(bridge)
    text = b'{"jsonrpc":"2.0","id":9,"method":"server.info"}'
    ws.frame(1, text[:10], fin=False)
    ws.frame(9, b"ping!")
    ws.frame(0, text[10:], fin=True)
    opcode, payload = ws.read_frame()
    assert (opcode, payload) == (10, b"ping!")
    opcode, payload = ws.read_frame()
    assert opcode == 1 and json.loads(payload)["id"] == 9
    ws.frame(8, struct.pack("!H", 1000))
    assert ws.close_code() == 1000
    ws.close()


def test_many_idle_websockets(bridge):
    sockets = [open_ws(bridge) for _ in range(100)]
    try:
        assert all("result" in call(ws, "server.info") for ws in sockets[::10])
    finally:
        for ws in sockets:
            ws.close()
