"""`crmd-bench load --http` and `--websocket` (bench/bridge's load generator) against the real
bridge, and against a stand-in server that delivers its responses in pieces, so that what the
benchmark counts is known to be what the server answered."""
from __future__ import annotations

import json
import socket
import struct
import subprocess
import threading
from pathlib import Path

import pytest

LEAD = {"phones": [{"value": "+7 916 000-00-01"}], "emails": [{"value": "c@example.ru"}], "city": "Москва", "topic": "Замер"}


@pytest.fixture
def bench_bin(crmd_bin) -> str:
    path = Path(crmd_bin).parent / "crmd-bench"
    if not path.is_file():
        pytest.fail(f"crmd-bench not found next to {crmd_bin}: build it (swift build)", pytrace=False)
    return str(path)


def load(bench_bin: str, *args: str) -> tuple[int, dict | None, str]:
    """Runs `crmd-bench load ARGS --json` briefly: (exit status, the JSON report or None, stderr)."""
    done = subprocess.run([bench_bin, "load", *args, "--seconds", "1", "--warmup", "0.2", "--timeout", "5", "--json"],
                          capture_output=True, text=True, timeout=60)
    report = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, report, done.stderr


def endpoints(bridge) -> dict[str, str]:
    return {"http": f"http://{bridge.host}:{bridge.port}/rpc", "websocket": f"ws://{bridge.host}:{bridge.port}/rpc"}


@pytest.mark.parametrize("transport,depth", [("http", 1), ("http", 8), ("websocket", 16)])
def test_lead_get_through_the_bridge(bridge, bench_bin, transport, depth):
    with bridge.client() as c:
        ids = [c.call("lead.add", {"fields": {"title": f"Замер {i}", **LEAD}})["id"] for i in range(3)]
    code, report, stderr = load(bench_bin, f"--{transport}", endpoints(bridge)[transport], "--token", bridge.token,
                                "--method", "lead.get", "--ids", f"{ids[0]}..{ids[-1]}", "--connections", "2",
                                "--depth", str(depth))
    assert code == 0, stderr
    assert report["transport"] == transport
    assert report["replies"] > 50, report
    assert (report["errors"], report["unexpected"], report["failures"], report["stalls"]) == (0, 0, 0, 0), stderr


@pytest.mark.parametrize("transport", ["http", "websocket"])
def test_error_replies_are_counted_not_taken_for_results(bridge, bench_bin, transport):
    code, report, stderr = load(bench_bin, f"--{transport}", endpoints(bridge)[transport], "--token", bridge.token,
                                "--method", "lead.get", "--ids", "900..901", "--depth", "4")
    assert code == 1 and report["replies"] == 0 and report["errors"] > 0
    assert "error repl(ies)" in stderr and "Not found: lead 90" in stderr


def test_a_refused_token_ends_the_run_with_the_servers_answer(bridge, bench_bin):
    code, report, stderr = load(bench_bin, "--http", endpoints(bridge)["http"], "--token", "crmd_1_nope", "--method", "lead.get")
    assert code == 1 and report["failures"] == 1
    assert "HTTP/1.1 401" in stderr and "1006" in stderr
    code, report, stderr = load(bench_bin, "--websocket", endpoints(bridge)["websocket"], "--token", "crmd_1_nope",
                                "--method", "lead.get")
    assert code == 1 and report is None
    assert "WebSocket handshake refused: HTTP/1.1 401" in stderr


def test_the_bridge_transports_need_a_token_and_one_endpoint(bench_bin):
    assert subprocess.run([bench_bin, "load", "--http", "http://127.0.0.1:9/rpc", "--method", "lead.get"],
                          capture_output=True, text=True).stderr.count("--http needs --token") == 1
    both = subprocess.run([bench_bin, "load", "--socket", "/nonexistent", "--http", "http://127.0.0.1:9/rpc",
                           "--method", "lead.get"], capture_output=True, text=True)
    assert both.returncode == 2 and "give one of --socket PATH, --http URL and --websocket URL" in both.stderr
    bad = subprocess.run([bench_bin, "load", "--websocket", "http://127.0.0.1:9/rpc", "--token", "t", "--method", "lead.get"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not a URL such as ws://" in bad.stderr


# ---------------------------------------------------------------------------- a stand-in server

class Peer:
    """One client connection of the stand-in server, read exactly."""

    def __init__(self, conn: socket.socket):
        self.conn, self.buffer = conn, b""

    def take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.fill()
        taken, self.buffer = self.buffer[:n], self.buffer[n:]
        return taken

    def take_head(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    def fill(self) -> None:
        chunk = self.conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.buffer += chunk


class PieceServer:
    """Answers each POST /rpc or WebSocket text message with `{"id": <its id>, "result": {...}}`
    padded past 126 bytes, written in 3-byte pieces, and counts client frames that came
    unmasked. Each WebSocket reply is preceded by a ping, which the client must skip."""

    def __init__(self, websocket: bool):
        self.websocket = websocket
        self.unmasked = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(Peer(conn),), daemon=True).start()

    def serve(self, peer: Peer) -> None:
        try:
            head = peer.take_head()
            if self.websocket:
                peer.conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  b"Sec-WebSocket-Accept: x\r\n\r\n")
                while True:
                    self.answer(peer.conn, self.take_frame(peer), websocket=True)
            while True:
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                self.answer(peer.conn, peer.take(length), websocket=False)
                head = peer.take_head()
        except (OSError, StopIteration):
            peer.conn.close()

    def take_frame(self, peer: Peer) -> bytes:
        _, second = peer.take(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", peer.take(2))[0]
        if not second & 0x80:
            self.unmasked += 1
            return peer.take(length)
        mask = peer.take(4)
        return bytes(b ^ mask[i % 4] for i, b in enumerate(peer.take(length)))

    def answer(self, conn: socket.socket, message: bytes, websocket: bool) -> None:
        id_ = json.loads(message)["id"]
        body = json.dumps({"id": id_, "jsonrpc": "2.0", "result": {"padding": "x" * 200}}).encode()
        if websocket:
            data = b"\x89\x02hi" + bytes([0x81, 126]) + struct.pack(">H", len(body)) + body
        else:
            data = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\nContent-Type: application/json\r\n\r\n" % len(body) + body
        for k in range(0, len(data), 3):
            conn.sendall(data[k:k + 3])

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("websocket", [False, True])
def test_replies_delivered_in_pieces_are_reassembled(bench_bin, websocket):
    server = PieceServer(websocket)
    try:
        url = f"ws://127.0.0.1:{server.port}/rpc" if websocket else f"http://127.0.0.1:{server.port}/rpc"
        code, report, stderr = load(bench_bin, "--websocket" if websocket else "--http", url, "--token", "t",
                                    "--method", "server.info", "--depth", "4")
        assert code == 0, stderr
        assert report["replies"] > 20 and report["errors"] == report["unexpected"] == report["failures"] == 0, stderr
        assert server.unmasked == 0
    finally:
        server.close()
