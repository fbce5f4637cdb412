"""Fixtures that run the real crmd binary as an outside program.

- `crmd_bin`: the binary ($CRMD_BIN, else <repo>/.build/debug/crmd); a missing one fails the test.
- `make_server(...)`: starts `crmd serve --socket <dir>/crmd.sock --db <dir>/crmd.sqlite` in a fresh
  temp dir and waits until the socket accepts; every server still running at teardown gets
  SIGTERM and must exit 0. Its stderr is saved to a file and shown in the report of a failed test.
- `server`, `client` (a `crmd_client.Client` on the socket), `stdio_client` (a `Client` spawning
  `crmd serve --stdio`), `crm` (a client that checks every result against the method's schema).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "Schemas"
BASE = "https://schemas.crmd.dev/"
sys.path.insert(0, str(ROOT / "Clients" / "python"))

from crmd_client import Client  # noqa: E402

START_TIMEOUT = 15.0


def binary_path() -> Path:
    return Path(os.environ.get("CRMD_BIN") or ROOT / ".build" / "debug" / "crmd")


@pytest.fixture(scope="session")
def crmd_bin() -> str:
    """The built binary. It may be being rebuilt: give it a few seconds to reappear."""
    path = binary_path()
    for _ in range(20):
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        time.sleep(0.5)
    pytest.fail(f"crmd binary not found at {path}: build it (swift build) or set CRMD_BIN", pytrace=False)


def popen_retrying(argv, **kwargs) -> subprocess.Popen:
    """Popen that retries for a moment while the binary is being replaced by a build."""
    for attempt in range(40):
        try:
            return subprocess.Popen(argv, **kwargs)
        except OSError as error:  # ENOENT or ETXTBSY while the linker writes it
            if attempt == 39:
                raise
            time.sleep(0.25)


# ---------------------------------------------------------------------------- schemas

def _registry() -> Registry:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.rglob("*.json"))]
    return Registry().with_resources(
        (d["$id"], Resource.from_contents(d, default_specification=DRAFT202012)) for d in docs)


REGISTRY = _registry()
_validators: dict[str, Draft202012Validator] = {}


def result_errors(method: str, result) -> list[str]:
    """What is wrong with `result` according to Schemas/methods/<method>.json#/$defs/result."""
    uri = f"{BASE}methods/{method}.json#/$defs/result"
    if uri not in _validators:
        _validators[uri] = Draft202012Validator({"$ref": uri}, registry=REGISTRY,
                                                format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validators[uri].iter_errors(result)]


def assert_result_valid(method: str, result) -> None:
    errors = result_errors(method, result)
    assert not errors, f"result of {method} breaks its schema: {errors}\nresult: {json.dumps(result, ensure_ascii=False)[:2000]}"


def method_titles() -> set[str]:
    return {json.loads(p.read_text(encoding="utf-8"))["title"] for p in (SCHEMAS / "methods").glob("*.json")}


class CheckedClient:
    """A `Client` whose `call` checks every result against its method's schema."""

    def __init__(self, client: Client):
        self.raw = client

    def call(self, method: str, params=None, timeout: float | None = 30):
        result = self.raw.call(method, params, timeout=timeout)
        assert_result_valid(method, result)
        return result

    def __getattr__(self, name):
        return getattr(self.raw, name)


# ---------------------------------------------------------------------------- raw connections

class RawConnection:
    """A bare socket for protocol tests: send bytes, read framed replies."""

    def __init__(self, path: str, timeout: float = 10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buffer = b""

    def send(self, data: bytes | str) -> None:
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def send_json(self, message) -> None:
        self.send(json.dumps(message, ensure_ascii=False).encode() + b"\n")

    def send_lsp(self, message, extra_headers: str = "") -> None:
        body = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
        self.send(f"Content-Length: {len(body)}\r\n{extra_headers}\r\n".encode() + body)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def read_line(self) -> bytes | None:
        """The next line without its newline; None at EOF."""
        while b"\n" not in self.buffer:
            if not self._fill():
                return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def recv_json(self):
        """The next newline-framed message, parsed (blank lines skipped); None at EOF."""
        while True:
            line = self.read_line()
            if line is None:
                return None
            if line.strip():
                return json.loads(line)

    def recv_lsp(self):
        """The next Content-Length-framed message: (headers dict, parsed body); None at EOF."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                return None
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("ascii").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            if not self._fill():
                return None
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return headers, json.loads(body)

    def at_eof(self) -> bool:
        """True once the server has closed the connection (waits up to the socket timeout)."""
        try:
            return self.buffer == b"" and not self._fill()
        except socket.timeout:
            return False

    def call(self, method: str, params=None, id_=1):
        self.send_json({"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}})
        return self.recv_json()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------- servers

class CrmdServer:
    """One `crmd serve --socket` process in a directory of its own."""

    def __init__(self, binary: str, directory: Path, name: str = "crmd", config: dict | None = None,
                 socket_path: Path | None = None, db_path: Path | None = None, extra_args=()):
        self.binary, self.directory, self.name = binary, directory, name
        self.socket_path = socket_path or directory / f"{name}.sock"
        self.db_path = db_path or directory / f"{name}.sqlite"
        self.stderr_path = directory / f"{name}.stderr"
        self.config_path = None
        if config is not None:
            self.config_path = directory / f"{name}.json"
            self.config_path.write_text(json.dumps(config))
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None
        self.returncode: int | None = None
        self._stderr_text = ""

    @property
    def argv(self) -> list[str]:
        argv = [self.binary, "serve", "--socket", str(self.socket_path), "--db", str(self.db_path)]
        if self.config_path:
            argv += ["--config", str(self.config_path)]
        return argv + self.extra_args

    def start(self, wait: bool = True) -> CrmdServer:
        with open(self.stderr_path, "ab") as err:
            self.process = popen_retrying(self.argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                          cwd=self.directory)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"crmd exited with {self.process.returncode} before listening:\n{self.stderr_text()}")
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    probe.connect(str(self.socket_path))
                return
            except OSError:
                time.sleep(0.02)
        raise AssertionError(f"crmd did not listen on {self.socket_path} within {timeout} s:\n{self.stderr_text()}")

    def stderr_text(self) -> str:
        try:
            self._stderr_text = self.stderr_path.read_text(errors="replace")
        except OSError:
            pass
        return self._stderr_text

    def client(self, framing: str = "ndjson") -> Client:
        return Client.connect(str(self.socket_path), framing=framing)

    def raw(self, timeout: float = 10.0) -> RawConnection:
        return RawConnection(str(self.socket_path), timeout)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Sends `sig` and returns the exit status (negative: killed by a signal)."""
        if self.returncode is None and self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(sig)
            try:
                self.returncode = self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.returncode = f"did not exit within {timeout} s of signal {sig}"
            self.stderr_text()
        return self.returncode

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def bridge_url(self, timeout: float = START_TIMEOUT) -> str:
        """The HTTP bridge's URL (`http://127.0.0.1:PORT/`), as crmd printed it on stderr."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stderr_text().splitlines():
                if "bridge listening on " in line:
                    return line.split("bridge listening on ", 1)[1].strip()
            if not self.running:
                break
            time.sleep(0.02)
        raise AssertionError(f"crmd did not print the bridge's address:\n{self.stderr_text()}")


@pytest.fixture
def workdir():
    """A fresh, short directory (a socket path must stay under 108 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="crmd-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def make_server(crmd_bin, workdir, request):
    """Factory: make_server(name="crmd", config=None, start=True, **kw) -> CrmdServer."""
    servers: list[CrmdServer] = []
    request.node.crmd_servers = servers

    def make(name: str = "crmd", start: bool = True, **kwargs) -> CrmdServer:
        server = CrmdServer(crmd_bin, workdir, name=name, **kwargs)
        servers.append(server)
        return server.start() if start else server

    yield make
    failures = []
    for server in servers:
        if server.process is None:
            continue
        was_running = server.running
        code = server.stop()
        if code != 0:
            failures.append(f"{server.name}: exit status {code} ({'at SIGTERM' if was_running else 'exited by itself'})")
    assert not failures, "crmd did not exit cleanly: " + "; ".join(failures)


@pytest.fixture
def server(make_server) -> CrmdServer:
    return make_server()


class Bridge:
    """A crmd serving its HTTP bridge on a free loopback port, with an administrator's token."""

    def __init__(self, server: CrmdServer):
        self.server = server
        self.url = server.bridge_url()
        self.host, port = self.url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
        self.port = int(port)
        self.origin = self.url.rstrip("/")
        with server.client() as admin:
            self.token = admin.call("token.add", {"userId": 1, "name": "bridge tests"})["token"]

    def client(self) -> Client:
        return self.server.client()


@pytest.fixture
def make_bridge(make_server):
    """Factory: make_bridge(*extra_args, **kw) -> Bridge (crmd serve --http 127.0.0.1:0 ...)."""
    def make(*extra_args, **kwargs) -> Bridge:
        return Bridge(make_server(extra_args=["--http", "127.0.0.1:0", *extra_args], **kwargs))
    return make


@pytest.fixture
def bridge(make_bridge) -> Bridge:
    return make_bridge()


@pytest.fixture
def client(server):
    with server.client() as c:
        yield c


@pytest.fixture
def crm(client) -> CheckedClient:
    """A client on a fresh server that checks each result against the schemas."""
    return CheckedClient(client)


@pytest.fixture
def stdio_client(crmd_bin, workdir, request):
    """A Client that spawned `crmd serve --stdio --db <tmp>`; the server must exit 0 at EOF."""
    c = Client.spawn([crmd_bin, "serve", "--stdio", "--db", str(workdir / "stdio.sqlite")])
    request.node.crmd_stdio = c
    yield c
    code = c.close()
    assert code == 0, f"crmd --stdio exited with {code} at EOF:\n" + "\n".join(c.stderr_lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Show each server's stderr in the report of a failed test."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for server in getattr(item, "crmd_servers", []):
        text = server.stderr_text()
        if text.strip():
            report.sections.append((f"crmd stderr ({server.name})", text[-20000:]))
    stdio = getattr(item, "crmd_stdio", None)
    if stdio is not None and stdio.stderr_lines:
        report.sections.append(("crmd --stdio stderr", "\n".join(stdio.stderr_lines)))
