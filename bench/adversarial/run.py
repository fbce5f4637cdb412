#!/usr/bin/env python3
"""The adversarial run: crmd against a client that means it harm, repeatable after every change.

Each section starts its own `crmd serve` in a temporary directory and attacks it; every finding
(a crash, a hang, an internal error, a malformed reply, a lost acknowledged write, memory past
its bound, a server that does not stop in time) is printed and makes the run fail (exit 1).

    bench/adversarial/run.py            # the long form (~10 min): 100,000 fuzzed messages, 40 kills, 200 clients
    bench/adversarial/run.py --short    # the CI form (~1 min): 10,000 messages, 3 kills, 100 clients
    bench/adversarial/run.py --only fuzz,kills --seed 7

Sections:
  fuzz         mutated requests in both framings (newline and Content-Length); after each, a sentinel
               call must be answered; every reply must be well-formed JSON-RPC with a known error code
  kills        kill -9 under 8 writers; after each restart every acknowledged lead.add is there intact,
               then `crmd check` passes
  clients      many clients at once, each making calls; all answered
  memory       batch bombs (10,000 rpc.discover; megabytes of `{}`); peak memory stays bounded
  injection    hostile filters, order, select, search, field codes, templates and mail headers: refused
               or taken literally, never executed; the data is unchanged afterwards
  stops        SIGTERM with a client that never reads, one that stalls mid-message, and at once after start:
               the server exits 0 within its deadline

Only the standard library is used. The crmd binary: --crmd, else $CRMD_BIN, else .build/debug/crmd.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KNOWN_CODES = {-32700, -32600, -32601, -32602, -32000, -32001, -32002, -32003} | set(range(1001, 1100))


class Findings:
    """What went wrong, by section; thread-safe."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def add(self, section: str, text: str) -> None:
        with self.lock:
            self.items.append((section, text))
            if sum(1 for s, _ in self.items if s == section) <= 5:
                print(f"  FINDING [{section}] {text}", flush=True)


# ---------------------------------------------------------------------------- the server

class Server:
    """One crmd process on a socket in a directory of its own."""

    def __init__(self, binary: str, directory: Path, config: dict | None = None):
        self.binary, self.directory = binary, directory
        directory.mkdir(parents=True, exist_ok=True)
        self.socket_path = str(directory / "crmd.sock")
        self.db_path = str(directory / "crmd.sqlite")
        self.config_path = directory / "crmd.json"
        self.config_path.write_text(json.dumps(config or {}))
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> None:
        stderr = open(self.directory / "crmd.stderr", "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--socket", self.socket_path, "--db", self.db_path, "--config", str(self.config_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        stderr.close()
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"crmd exited with {self.process.returncode}: {self.stderr_tail()}")
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    probe.connect(self.socket_path)
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"crmd did not listen within {timeout} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def peak_rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 20.0) -> tuple[int | None, float]:
        """SIGTERM; the exit code (None if it did not exit in time, then killed) and the seconds taken."""
        if not self.alive():
            return self.process.returncode if self.process else 0, 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None, time.monotonic() - started
        return code, time.monotonic() - started

    def stderr_tail(self) -> str:
        path = self.directory / "crmd.stderr"
        return path.read_text(errors="replace")[-500:] if path.exists() else ""


class Connection:
    """A raw socket speaking either framing; replies parsed (or kept as bytes when not JSON)."""

    def __init__(self, path: str, framing: str = "ndjson", timeout: float = 10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.framing, self.buffer = framing, b""

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, body: bytes) -> None:
        if self.framing == "ndjson":
            self.sock.sendall(body.replace(b"\n", b" ") + b"\n")
        else:
            self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def call(self, message: dict):
        self.send(json.dumps(message, ensure_ascii=False).encode())
        return self.receive()

    def _fill(self) -> bool:
        chunk = self.sock.recv(1 << 16)
        self.buffer += chunk
        return bool(chunk)

    def receive(self):
        """The next message as parsed JSON, or bytes when it is not JSON; None at end of input."""
        if self.framing == "ndjson":
            while b"\n" not in self.buffer:
                if not self._fill():
                    return None
            line, _, self.buffer = self.buffer.partition(b"\n")
            body = line
        else:
            while b"\r\n\r\n" not in self.buffer:
                if not self._fill():
                    return None
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            length = None
            for field in head.split(b"\r\n"):
                name, _, value = field.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length is None:
                return b"missing Content-Length: " + head
            self.buffer = rest
            while len(self.buffer) < length:
                if not self._fill():
                    return None
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        try:
            return json.loads(body)
        except ValueError:
            return body

    def close(self) -> None:
        self.sock.close()


def check_reply(reply, findings: Findings, section: str, context: str) -> None:
    """A reply must be a JSON-RPC response object (or a non-empty array of them) with a known code."""
    items = reply if isinstance(reply, list) else [reply]
    if isinstance(reply, list) and not reply:
        findings.add(section, f"empty batch reply to {context}")
    for item in items:
        if not isinstance(item, dict) or item.get("jsonrpc") != "2.0" or "id" not in item \
                or ("result" in item) == ("error" in item):
            findings.add(section, f"malformed reply {str(item)[:200]} to {context}")
            continue
        if "error" in item:
            error = item["error"]
            code = error.get("code") if isinstance(error, dict) else None
            if not isinstance(code, int) or not isinstance(error.get("message"), str):
                findings.add(section, f"malformed error {str(error)[:200]} to {context}")
            elif code == -32603 and (error.get("data") or {}).get("reason") != "replyTooLarge":
                findings.add(section, f"internal error {str(error)[:300]} to {context}")
            elif code not in KNOWN_CODES:
                findings.add(section, f"unknown error code {code} to {context}")


# ---------------------------------------------------------------------------- fuzz

SEED_MESSAGES = [
    {"jsonrpc": "2.0", "id": 1, "method": "lead.get", "params": {"id": 1}},
    {"jsonrpc": "2.0", "id": "a", "method": "lead.add", "params": {"fields": {
        "title": "Заявка", "name": "Иван", "phones": [{"value": "+7 (912) 345-67-89", "type": "WORK"}],
        "emails": [{"value": "ivan@example.ru"}], "city": "Казань", "topic": "кухня"}}},
    {"jsonrpc": "2.0", "id": 3, "method": "lead.list", "params": {
        "filter": {">=id": 1, "%title": "Зая"}, "order": {"id": "desc"}, "select": ["title"], "limit": 5}},
    {"jsonrpc": "2.0", "id": 4, "method": "lead.update", "params": {"id": 1, "fields": {"comments": "x"}}},
    {"jsonrpc": "2.0", "id": 5, "method": "deal.list", "params": {"search": "кухня", "count": True}},
    {"jsonrpc": "2.0", "id": 6, "method": "pipeline.list", "params": {}},
    {"jsonrpc": "2.0", "id": 7, "method": "product.add", "params": {"fields": {"name": "Фасад", "price": "1500.00"}}},
    {"jsonrpc": "2.0", "method": "lead.get", "params": {"id": 1}},
    [{"jsonrpc": "2.0", "id": 8, "method": "lead.get", "params": {"id": 1}},
     {"jsonrpc": "2.0", "id": 9, "method": "timeline.list", "params": {"entityType": "lead", "entityId": 1}}],
]
TOKENS = [b"null", b"true", b"-1", b"1e999", b"-0", b"9" * 40, b'"\\ud800"', b'"\\u0000"', b"[]", b"{}",
          b'"' + "я".encode() * 50 + b'"', b"[" * 50, b"]" * 50, b"{\"a\":" * 30, b",", b":", b'"', b"\\",
          b"\xff\xfe", b"\x00", b"1.5", b'"2026-13-45"', b'"lead.delete"', b'"id"', b'"params"']


def mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randint(0, len(data))
        if choice < 0.25 and data:
            data[min(position, len(data) - 1)] = rng.randint(0, 255)
        elif choice < 0.45:
            data[position:position] = rng.choice(TOKENS)
        elif choice < 0.60 and data:
            end = min(len(data), position + rng.randint(1, 20))
            del data[position:end]
        elif choice < 0.70:
            data = data[:position]
        elif choice < 0.85:
            # replace a value after a colon with a token
            colons = [i for i, b in enumerate(data) if b == ord(":")]
            if colons:
                at = rng.choice(colons) + 1
                data[at:at] = rng.choice(TOKENS) + b","
        else:
            data = bytearray(json.dumps(structured_mutation(rng), ensure_ascii=rng.random() < 0.5).encode())
    return bytes(data)


def structured_mutation(rng: random.Random):
    """A syntactically valid message with wrong shapes: types swapped, keys missing or extra."""
    message = json.loads(json.dumps(rng.choice(SEED_MESSAGES)))
    target = message[0] if isinstance(message, list) else message
    key = rng.choice(["id", "method", "params", "jsonrpc", "extra"])
    target[key] = rng.choice([None, True, 0, -1, 2 ** 63, 1.5, "", "x" * 300, [], {}, [1, 2], {"id": []},
                              "lead.get", "rpc.discover", {"fields": None}])
    return message


def fuzz(binary: str, workdir: Path, findings: Findings, messages: int, rng_seed: int) -> str:
    server = Server(binary, workdir)
    server.start()
    workers, per_worker = 4, messages // 4
    counts = {"sent": 0, "replies": 0, "reconnects": 0}
    lock = threading.Lock()

    def work(index: int) -> None:
        rng = random.Random(rng_seed * 1000 + index)
        framing = "ndjson" if index % 2 == 0 else "lsp"
        connection = Connection(server.socket_path, framing)
        sent = replies = reconnects = 0
        recent: list[bytes] = []
        fresh = True  # nothing sent yet on this connection
        for n in range(per_worker):
            seed = rng.choice(SEED_MESSAGES)
            body = mutate(rng, json.dumps(seed, ensure_ascii=False).encode())
            sentinel = f"sentinel-{index}-{n}"
            recent = (recent + [body])[-3:]
            try:
                if framing == "lsp" and not fresh and rng.random() < 0.03:
                    # a broken header once the framing is known (as the first bytes it would make the
                    # stream newline-delimited, and the sentinel would wait for its newline): the
                    # server answers -32700 and closes the stream it can no longer frame
                    header = rng.choice([b"Content-Length: -5", b"Content-Length: 1e3", b"Content-Length:",
                                         b"Content-Type: x", b"Content-Length: 99999999999999999999", b"X" * 300])
                    connection.send_raw(header + b"\r\n\r\n" + body)
                else:
                    connection.send(body)
                connection.send(json.dumps({"jsonrpc": "2.0", "id": sentinel, "method": "pipeline.list"}).encode())
                sent += 1
                fresh = False
                while True:
                    reply = connection.receive()
                    if reply is None:
                        break  # the server closed a stream it could not frame: allowed, reconnect
                    if isinstance(reply, dict) and reply.get("id") == sentinel:
                        check_reply(reply, findings, "fuzz", "the sentinel")
                        break
                    replies += 1
                    check_reply(reply, findings, "fuzz", f"{body[:120]!r}")
                if reply is None:
                    reconnects += 1
                    connection.close()
                    connection = Connection(server.socket_path, framing)
                    fresh = True
            except socket.timeout:
                findings.add("fuzz", f"no answer within 10 s ({framing}) after {[m[:300] for m in recent]!r}")
                connection.close()
                connection = Connection(server.socket_path, framing)
                fresh = True
            except OSError as error:
                if not server.alive():
                    findings.add("fuzz", f"crmd died ({server.process.returncode}) after {body[:200]!r}: {server.stderr_tail()}")
                    return
                reconnects += 1
                connection = Connection(server.socket_path, framing)
                fresh = True
        connection.close()
        with lock:
            counts["sent"] += sent
            counts["replies"] += replies
            counts["reconnects"] += reconnects

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if server.alive():
        probe = Connection(server.socket_path)
        reply = probe.call({"jsonrpc": "2.0", "id": 1, "method": "rpc.discover"})
        probe.close()
        if not (isinstance(reply, dict) and "result" in reply):
            findings.add("fuzz", f"rpc.discover after the fuzz: {str(reply)[:200]}")
    code, _ = server.stop()
    if code != 0:
        findings.add("fuzz", f"crmd exited {code} after the fuzz: {server.stderr_tail()}")
    return (f"{counts['sent']} fuzzed messages in 2 framings, {counts['replies']} replies checked, "
            f"{counts['reconnects']} streams closed by the server")


def stop_and_check(server: Server, findings: Findings, section: str) -> None:
    """SIGTERM, which must end in exit 0, then `crmd check` (integrity and foreign keys) of the database."""
    code, _ = server.stop()
    if code != 0:
        findings.add(section, f"crmd exited {code}")
    check = subprocess.run([server.binary, "check", "--db", server.db_path], capture_output=True, text=True)
    if check.returncode != 0:
        findings.add(section, f"crmd check: {check.stdout} {check.stderr}")


# ---------------------------------------------------------------------------- kills

LEAD_FIELDS = {"phones": [{"value": "+7 912 000-00-00"}], "emails": [{"value": "k@example.ru"}],
               "city": "Пермь", "topic": "проверка"}


def kills(binary: str, workdir: Path, findings: Findings, rounds: int, rng_seed: int) -> str:
    rng = random.Random(rng_seed)
    server = Server(binary, workdir)
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    total_writes = 0
    for round_ in range(rounds):
        server.start()
        stop = threading.Event()

        def writer(index: int) -> None:
            try:
                connection = Connection(server.socket_path)
                n = 0
                while not stop.is_set():
                    title = f"kill-{round_}-{index}-{n}"
                    reply = connection.call({"jsonrpc": "2.0", "id": n, "method": "lead.add",
                                             "params": {"fields": dict(LEAD_FIELDS, title=title)}})
                    if reply is None:
                        return
                    if isinstance(reply, dict) and "result" in reply:
                        with lock:
                            acknowledged[reply["result"]["id"]] = title
                    n += 1
            except OSError:
                return

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.2))
        server.kill9()
        stop.set()
        for thread in threads:
            thread.join()
        total_writes = len(acknowledged)
    server.start()
    connection = Connection(server.socket_path)
    ids = sorted(acknowledged)
    lost = []
    for start in range(0, len(ids), 200):
        chunk = ids[start:start + 200]
        reply = connection.call({"jsonrpc": "2.0", "id": 1, "method": "lead.list",
                                 "params": {"filter": {"@id": chunk}, "select": ["title"], "limit": 200}})
        found = {item["id"]: item.get("title") for item in reply["result"]["items"]} if "result" in reply else {}
        lost += [i for i in chunk if found.get(i) != acknowledged[i]]
    connection.close()
    if lost:
        findings.add("kills", f"{len(lost)} acknowledged writes lost or changed, e.g. ids {lost[:10]}")
    stop_and_check(server, findings, "kills")
    return f"{rounds} kill -9 under 8 writers, {total_writes} acknowledged writes, {len(lost)} lost"


# ---------------------------------------------------------------------------- clients

def clients(binary: str, workdir: Path, findings: Findings, count: int, calls: int) -> str:
    server = Server(binary, workdir)
    server.start()
    failures = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def client(index: int) -> None:
        try:
            connection = Connection(server.socket_path, "ndjson" if index % 2 else "lsp", timeout=30)
            barrier.wait(30)
            for n in range(calls):
                started = time.monotonic()
                if n % 5 == 0:
                    message = {"jsonrpc": "2.0", "id": n, "method": "lead.add",
                               "params": {"fields": dict(LEAD_FIELDS, title=f"c{index}-{n}")}}
                else:
                    message = {"jsonrpc": "2.0", "id": n, "method": "lead.list", "params": {"limit": 20}}
                reply = connection.call(message)
                with lock:
                    latencies.append(time.monotonic() - started)
                if not (isinstance(reply, dict) and "result" in reply and reply.get("id") == n):
                    with lock:
                        failures.append(str(reply)[:200])
            connection.close()
        except (OSError, threading.BrokenBarrierError) as error:
            with lock:
                failures.append(f"client {index}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for failure in failures[:5]:
        findings.add("clients", failure)
    code, _ = server.stop()
    if code != 0:
        findings.add("clients", f"crmd exited {code}")
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    return (f"{count} clients x {calls} calls in {elapsed:.1f} s, {len(failures)} failures, "
            f"p99 {p99:.1f} ms; " + past_the_limit(binary, workdir / "limit", findings, limit=20))


def past_the_limit(binary: str, workdir: Path, findings: Findings, limit: int) -> str:
    """Idle clients up to `maxConnections`, then more: each one past it is told so and closed;
    the clients inside the limit still get answers."""
    server = Server(binary, workdir, config={"maxConnections": limit})
    server.start()
    inside = []
    while len(inside) < limit:
        # each one answered before the next, so all are counted; one refused at first only
        # finds the start-up probe's connection not yet gone, and tries again
        connection = Connection(server.socket_path)
        try:
            reply = connection.call({"jsonrpc": "2.0", "id": 0, "method": "server.info"})
        except (BrokenPipeError, ConnectionResetError):
            # refused and closed before the call was written: the same case as a refusal read
            reply = None
        if isinstance(reply, dict) and "result" in reply:
            inside.append(connection)
        else:
            connection.close()
            time.sleep(0.05)
    refused = 0
    for _ in range(10):
        extra = Connection(server.socket_path, timeout=5)
        reply = extra.receive()
        error = reply.get("error", {}) if isinstance(reply, dict) else {}
        if (error.get("data") or {}).get("reason") == "tooManyConnections" and extra.receive() is None:
            refused += 1
        else:
            findings.add("clients", f"a client past maxConnections={limit} got {str(reply)[:200]}")
        extra.close()
    answered = sum(1 for n, c in enumerate(inside)
                   if "result" in (c.call({"jsonrpc": "2.0", "id": n, "method": "server.info"}) or {}))
    if answered != limit:
        findings.add("clients", f"only {answered} of the {limit} clients inside the limit were answered")
    for connection in inside:
        connection.close()
    code, _ = server.stop()
    if code != 0:
        findings.add("clients", f"crmd exited {code}")
    return f"past maxConnections={limit}: {refused} of 10 refused with tooManyConnections, {answered} inside answered"


# ---------------------------------------------------------------------------- memory

def memory(binary: str, workdir: Path, findings: Findings, bound_mib: int, streamed: int) -> str:
    server = Server(binary, workdir)
    server.start()
    results = []
    connection = Connection(server.socket_path, timeout=120)
    baseline = server.peak_rss_kib()
    bombs = [
        ("10,000 rpc.discover", json.dumps([{"jsonrpc": "2.0", "id": i, "method": "rpc.discover"}
                                            for i in range(10_000)]).encode()),
        ("15 MiB of {}", b"[" + b",".join([b"{}"] * (15 * (1 << 20) // 3)) + b"]"),
        (f"{streamed} rpc.discover", json.dumps([{"jsonrpc": "2.0", "id": i, "method": "rpc.discover"}
                                                 for i in range(streamed)]).encode()),
    ]
    for name, body in bombs:
        try:
            connection.send(body)
            reply = connection.receive()
        except OSError as error:
            findings.add("memory", f"{name}: {error}")
            connection = Connection(server.socket_path, timeout=120)
            continue
        if reply is None or isinstance(reply, bytes):
            findings.add("memory", f"{name}: no JSON reply ({str(reply)[:100]})")
            connection = Connection(server.socket_path, timeout=120)
            continue
        check_reply(reply, findings, "memory", name)
        shape = f"array of {len(reply)}" if isinstance(reply, list) else (
            f"error {reply.get('error', {}).get('code')} {json.dumps(reply.get('error', {}).get('data'))}")
        peak = server.peak_rss_kib() // 1024
        results.append(f"{name}: {shape}, peak {peak} MiB")
        if peak > bound_mib:
            findings.add("memory", f"{name}: peak memory {peak} MiB over the bound of {bound_mib} MiB")
    connection.close()
    code, _ = server.stop()
    if code != 0:
        findings.add("memory", f"crmd exited {code}")
    return f"baseline {baseline // 1024} MiB; " + "; ".join(results)


# ---------------------------------------------------------------------------- injection

HOSTILE = ["'; DROP TABLE records; --", "\" OR 1=1 --", "%' OR '1'='1", "x') UNION SELECT sql FROM sqlite_master --",
           "\\", "%", "_", "*", "\u0000", "Robert'); DELETE FROM records; --", "'||(SELECT 1)||'",
           "1; ATTACH DATABASE '/tmp/x' AS x", "ё' OR 'Ё'='ё", "{{ settings.mail.password }}", "{% for %}",
           "a\r\nBcc: victim@example.com", "=cmd|' /C calc'!A0", "<script>alert(1)</script>"]


def injection(binary: str, workdir: Path, findings: Findings) -> str:
    server = Server(binary, workdir)
    server.start()
    connection = Connection(server.socket_path)
    call_id = 0

    def call(method: str, params: dict):
        nonlocal call_id
        call_id += 1
        reply = connection.call({"jsonrpc": "2.0", "id": call_id, "method": method, "params": params})
        check_reply(reply, findings, "injection", f"{method} {json.dumps(params, ensure_ascii=False)[:150]}")
        return reply

    ids = []
    for text in HOSTILE:
        reply = call("lead.add", {"fields": dict(LEAD_FIELDS, title=text, comments=text)})
        if "result" in reply:
            ids.append((reply["result"]["id"], text))
    before = call("lead.list", {"count": True, "limit": 1})["result"].get("total")
    attempts = 0
    for text in HOSTILE:
        for params in [{"filter": {"title": text}}, {"filter": {"%title": text}}, {"filter": {"@title": [text, 1]}},
                       {"filter": {">id": text}}, {"search": text}, {"filter": {text: 1}},
                       {"order": {text: "asc"}}, {"order": {"title": text}}, {"select": [text]},
                       {"filter": {f"custom.{text}": 1}}]:
            attempts += 1
            call("lead.list", params)
        attempts += 3
        call("field.add", {"entityType": "lead", "code": text, "title": text, "type": "string"})
        call("template.add", {"code": f"evil{attempts}", "title": text, "kind": "other", "body": text})
        call("settings.update", {"mail": {"fromName": text}})
        call("lead.update", {"id": ids[0][0] if ids else 1, "fields": {text: "x"}})
    after = call("lead.list", {"count": True, "limit": 1})["result"].get("total")
    if before != after:
        findings.add("injection", f"lead count changed from {before} to {after}")
    for lead_id, text in ids:
        reply = call("lead.get", {"id": lead_id})
        if reply.get("result", {}).get("title") != text.strip() and reply.get("result", {}).get("comments") != text:
            findings.add("injection", f"hostile text not stored literally: {text!r} → {str(reply)[:200]}")
    connection.close()
    stop_and_check(server, findings, "injection")
    return f"{attempts} hostile list/field/settings calls, {len(ids)} hostile values stored and read back literally"


# ---------------------------------------------------------------------------- stops

def stops(binary: str, workdir: Path, findings: Findings, starts: int, deadline: float) -> str:
    results = []
    # A client that never reads its replies, and one that stalls in the middle of a message.
    server = Server(binary, workdir)
    server.start()
    greedy = Connection(server.socket_path)
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "rpc.discover"}).encode() + b"\n"
    greedy.sock.setblocking(False)
    sent = 0
    try:
        while sent < 64 << 20:
            sent += greedy.sock.send(request * 64)
    except BlockingIOError:
        pass
    stalled = Connection(server.socket_path, "lsp")
    stalled.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
    time.sleep(0.5)
    code, seconds = server.stop(timeout=deadline)
    results.append(f"stop with a non-reading and a stalled client: exit {code} in {seconds:.1f} s")
    if code != 0:
        findings.add("stops", f"with a client that never reads: exit {code} after {seconds:.1f} s")
    greedy.close()
    stalled.close()
    # SIGTERM at once after start: as soon as crmd has blocked the signal (the first thing its
    # main does; a signal before that, while the program is still being loaded, can only end it
    # by the default action), at a random moment of its start-up. Every one must exit 0.
    rng = random.Random(starts)
    bad = []
    for n in range(starts):
        candidate = Server(binary, workdir / f"start-{n % 4}")
        candidate.start(wait=False)
        if not sigterm_blocked(candidate.process.pid, timeout=10):
            bad.append(("SIGTERM never blocked", candidate.process.poll()))
        time.sleep(rng.uniform(0, 0.05))
        code, seconds = candidate.stop(timeout=deadline)
        if code != 0:
            bad.append((code, round(seconds, 1)))
    if bad:
        findings.add("stops", f"{len(bad)} of {starts} starts followed by SIGTERM did not exit 0 in time: {bad[:5]}")
    results.append(f"{starts} starts each followed at once by SIGTERM: {starts - len(bad)} exited 0")
    return "; ".join(results)


def sigterm_blocked(pid: int, timeout: float) -> bool:
    """True once the process shows SIGTERM in its blocked set (/proc/PID/status SigBlk)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("SigBlk:") and int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)):
                    return True
        except (FileNotFoundError, ProcessLookupError):
            return False
        time.sleep(0.001)
    return False


# ---------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI form")
    parser.add_argument("--crmd", default=os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "debug" / "crmd"))
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--only", default="", help="comma-separated sections")
    args = parser.parse_args()
    short = args.short
    sections = {
        "fuzz": lambda d, f: fuzz(args.crmd, d, f, 10_000 if short else 100_000, args.seed),
        "kills": lambda d, f: kills(args.crmd, d, f, 3 if short else 40, args.seed),
        "clients": lambda d, f: clients(args.crmd, d, f, 100 if short else 200, 20 if short else 300),
        "memory": lambda d, f: memory(args.crmd, d, f, 400, 150 if short else 1000),
        "injection": lambda d, f: injection(args.crmd, d, f),
        "stops": lambda d, f: stops(args.crmd, d, f, 20 if short else 100, 15.0),
    }
    chosen = [s for s in args.only.split(",") if s] or list(sections)
    unknown = [s for s in chosen if s not in sections]
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    print(f"crmd adversarial run ({'short' if short else 'long'} form), binary {args.crmd}, seed {args.seed}", flush=True)
    findings = Findings()
    with tempfile.TemporaryDirectory(prefix="crmd-adversarial-") as temporary:
        for name in chosen:
            directory = Path(temporary) / name
            directory.mkdir()
            started = time.monotonic()
            print(f"== {name}", flush=True)
            try:
                summary = sections[name](directory, findings)
            except Exception as error:  # a section that cannot finish is itself a finding
                import traceback
                findings.add(name, f"the section broke off: {type(error).__name__}: {error} at "
                                   + " < ".join(f"{f.name}:{f.lineno}" for f in reversed(traceback.extract_tb(error.__traceback__))))
                summary = "broke off"
            print(f"   {summary} ({time.monotonic() - started:.1f} s)", flush=True)
    if findings.items:
        print(f"FAIL: {len(findings.items)} findings", flush=True)
        return 1
    print("PASS: no crash, no hang, no internal error, no lost write, memory bounded", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
