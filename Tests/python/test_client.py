"""The reference clients against the real server: the Python `crmd_client` (API and command
line) and the shell client `Clients/shell/crm`."""
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest

from conftest import ROOT, assert_result_valid
from crmd_client import (DEFAULT_CALL_TIMEOUT, ApplicationError, Client, Conflict, ConnectionClosed, CrmdError,
                         InvalidParams, InvalidValue, MethodNotFound, NotFound, RequiredFieldsMissing, ServerError,
                         default_socket_path)

CLI = ROOT / "Clients" / "python" / "crmd_client.py"
CRM = ROOT / "Clients" / "shell" / "crm"
CONTACTS = {"phones": [{"value": "+7 916 000-00-01"}], "emails": [{"value": "c@example.ru"}],
            "city": "Казань", "topic": "Видеонаблюдение"}


def lead_fields(**more):
    return {"title": "Лид", **CONTACTS, **more}


# ---------------------------------------------------------------------------- Python API

def test_call_returns_the_result(client):
    info = client.call("server.info")
    assert_result_valid("server.info", info)
    lead = client.call("lead.add", {"fields": lead_fields(title="Первый")})
    assert_result_valid("lead.add", lead)
    assert client.call("lead.get", {"id": lead["id"]}) == lead


def test_errors_are_exceptions_with_code_message_and_data(client):
    with pytest.raises(RequiredFieldsMissing) as refused:
        client.call("lead.add", {"fields": {"title": "x", "city": "Тула"}})
    error = refused.value
    assert isinstance(error, CrmdError) and error.code == 1001 and error.message
    assert error.stage_id == "NEW" and error.data["entityType"] == "lead" and error.data["id"] is None
    assert sorted(m["field"] for m in error.missing) == ["emails", "phones", "topic"]

    with pytest.raises(NotFound) as missing:
        client.call("lead.get", {"id": 424242})
    assert missing.value.code == 1002 and missing.value.data == {"entityType": "lead", "id": 424242}
    assert missing.value.entity_type == "lead" and missing.value.id == 424242

    with pytest.raises(InvalidParams) as invalid:
        client.call("lead.get", {"id": "seven"})
    assert invalid.value.code == -32602 and any(e["path"] == "/id" for e in invalid.value.errors)

    with pytest.raises(MethodNotFound):
        client.call("lead.nothing")

    lead = client.call("lead.add", {"fields": lead_fields()})
    client.call("lead.update", {"id": lead["id"], "fields": {"title": "v2"}})
    with pytest.raises(Conflict) as conflict:
        client.call("lead.update", {"id": lead["id"], "fields": {"title": "v3"}, "expectedVersion": 1})
    assert conflict.value.reason == "version"

    client.call("field.add", {"entityType": "lead", "code": "area", "title": "Площадь", "type": "integer"})
    with pytest.raises(InvalidValue) as bad:
        client.call("lead.update", {"id": lead["id"], "fields": {"custom": {"area": "big"}}})
    assert bad.value.field == "custom.area" and bad.value.reason == "type"


def test_notify_sends_without_waiting_and_gets_nothing_back(client):
    client.notify("user.add", {"fields": {"name": "Тихон"}})
    client.notify("no.such.method")
    client.notify("lead.get", {"id": "bad"})
    names = [u["name"] for u in client.call("user.list")["items"]]
    assert "Тихон" in names
    assert client.unmatched.empty() and client.notifications.empty()


def test_batch_returns_results_and_exceptions_in_order(client):
    lead = client.call("lead.add", {"fields": lead_fields()})
    out = client.batch([("server.info", None), ("no.such", {}), ("lead.get", {"id": 999999}),
                        ("lead.get", {"id": lead["id"]}), ("lead.add", {"fields": {"title": "x"}})])
    assert out[0]["name"] == "crmd"
    assert isinstance(out[1], MethodNotFound)
    assert isinstance(out[2], NotFound)
    assert out[3] == lead
    assert isinstance(out[4], RequiredFieldsMissing)
    assert client.batch([]) == []


def test_a_batch_refused_as_a_whole_fails_each_of_its_calls_at_once(client):
    out = client.batch([("server.info", None)] * 1001, timeout=20)
    assert len(out) == 1001 and all(isinstance(o, CrmdError) and o.code == -32600 for o in out)
    assert out[0].data == {"reason": "batchTooLong", "maxBatchLength": 1000, "length": 1001}
    # the connection goes on: the next batch and call are answered as usual
    assert [o["name"] for o in client.batch([("server.info", None)] * 2)] == ["crmd", "crmd"]
    assert client.unmatched.empty()


def test_pipeline_many_calls(client):
    created = client.pipeline([("lead.add", {"fields": lead_fields(title=f"P{i}")}) for i in range(100)])
    assert [c["title"] for c in created] == [f"P{i}" for i in range(100)]
    fetched = client.pipeline([("lead.get", {"id": c["id"]}) for c in created] * 3)
    assert fetched == created * 3


def test_calls_from_many_threads_share_one_connection(client):
    failures = []

    def worker(k):
        try:
            for i in range(25):
                title = f"T{k}-{i}"
                lead = client.call("lead.add", {"fields": lead_fields(title=title)}, timeout=30)
                got = client.call("lead.get", {"id": lead["id"]}, timeout=30)
                if got["title"] != title:
                    failures.append((title, got["title"]))
                try:
                    client.call("lead.get", {"id": 10**9 + k}, timeout=30)
                    failures.append("no error")
                except NotFound as error:
                    if error.data["id"] != 10**9 + k:
                        failures.append(error.data)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures[:5]
    assert client.call("lead.list", {"count": True, "limit": 1})["total"] == 200


@pytest.mark.parametrize("framing", ["ndjson", "lsp"])
def test_both_framings_on_the_socket(server, framing):
    with server.client(framing=framing) as c:
        assert c.framing == framing
        lead = c.call("lead.add", {"fields": lead_fields(title="Ёлка «Ель»", comments="я" * 5000)})
        assert c.call("lead.get", {"id": lead["id"]})["comments"] == "я" * 5000
        out = c.batch([("server.info", {}), ("lead.get", {"id": 10**6})])
        assert out[0]["name"] == "crmd" and isinstance(out[1], NotFound)
        assert len(c.pipeline([("server.info", {})] * 50)) == 50


def test_spawned_stdio_server(stdio_client):
    assert stdio_client.process is not None
    lead = stdio_client.call("lead.add", {"fields": lead_fields()})
    assert stdio_client.call("lead.get", {"id": lead["id"]}) == lead
    out = stdio_client.batch([("server.info", {}), ("no.such", {})])
    assert isinstance(out[1], MethodNotFound)
    assert len(stdio_client.pipeline([("lead.list", {"count": True})] * 100)) == 100


@pytest.mark.parametrize("framing", ["ndjson", "lsp"])
def test_spawn_framings_and_exit_status(crmd_bin, workdir, framing):
    c = Client.spawn([crmd_bin, "serve", "--stdio", "--db", str(workdir / "s.sqlite")], framing=framing)
    assert c.call("server.info")["databasePath"].endswith("s.sqlite")
    assert c.close() == 0, list(c.stderr_lines)
    with pytest.raises(ConnectionClosed):
        c.call("server.info")


def test_spawn_accepts_a_command_string_and_env(crmd_bin, workdir):
    env = dict(os.environ, CRMD_DB=str(workdir / "from-env.sqlite"))
    with Client.spawn(f"'{crmd_bin}' serve --stdio", env=env) as c:
        assert c.call("server.info")["databasePath"].endswith("from-env.sqlite")
    assert c.returncode == 0


def test_spawn_of_a_failing_server_reports_its_stderr(crmd_bin):
    c = Client.spawn([crmd_bin, "serve", "--no-such-option"])
    with pytest.raises(ConnectionClosed):
        c.call("server.info", timeout=30)
    assert c.close() == 2
    assert any("usage" in line for line in c.stderr_lines)


def test_calls_fail_when_the_server_goes_away(server):
    c = server.client()
    assert c.call("server.info")["name"] == "crmd"
    assert server.stop() == 0
    with pytest.raises((ConnectionClosed, OSError)):
        c.call("server.info", timeout=10)
    c.close()


def test_close_then_call_raises(server):
    c = server.client()
    c.close()
    with pytest.raises(ConnectionClosed):
        c.call("server.info", timeout=5)


def test_default_socket_path_follows_the_server_rules():
    assert default_socket_path({"CRMD_SOCKET": "/x/y.sock"}) == "/x/y.sock"
    assert default_socket_path({"XDG_RUNTIME_DIR": "/run/user/7"}) == "/run/user/7/crmd.sock"
    assert default_socket_path({"CRMD_DB": "/data/crm/x.sqlite"}) == "/data/crm/crmd.sock"
    assert default_socket_path({"XDG_DATA_HOME": "/d", "HOME": "/h"}) == "/d/crmd/crmd.sock"


def test_notifications_from_the_server_never_pass_for_replies():
    """The server does not push notifications yet (no `event.subscribe`), so a scripted peer
    stands in for it: it sends a notification before each reply and a reply to nobody."""
    ours, peer = socket.socketpair()
    seen = []

    def serve():
        stream = peer.makefile("rb")
        for line in stream:
            message = json.loads(line)
            peer.sendall(b'{"jsonrpc":"2.0","method":"event","params":{"seq":1}}\n')
            peer.sendall(b'{"jsonrpc":"2.0","id":999999,"result":"stray"}\n')
            if message.get("method") == "slow":
                continue  # never answered
            peer.sendall(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": message["params"]}).encode() + b"\n")

    threading.Thread(target=serve, daemon=True).start()
    c = Client(ours.makefile("rb"), ours.sendall)
    c.on_notification(seen.append)
    assert c.call("echo", {"a": 1}) == {"a": 1}
    assert c.pipeline([("echo", {"i": i}) for i in range(10)]) == [{"i": i} for i in range(10)]
    with pytest.raises(TimeoutError):
        c.call("slow", timeout=0.2)
    assert len(seen) == 12 and all(n["method"] == "event" for n in seen)
    assert c.notifications.qsize() == 12
    assert c.unmatched.get_nowait()["result"] == "stray"
    ours.shutdown(socket.SHUT_RDWR)
    c.close()
    peer.close()


def test_params_that_are_not_json_fail_the_call_and_leave_nothing_waiting(client):
    with pytest.raises(TypeError):
        client.call("lead.get", {"id": object()})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError):
        client.batch([("lead.get", {"id": loop})])
    assert client._pending == {} and not client._batches
    assert isinstance(client.call("server.info"), dict)


def test_a_refused_subscription_leaves_no_callback_behind(client):
    before = list(client._callbacks)
    with pytest.raises(InvalidValue) as refused:
        next(client.subscribe(["lead.flew"]))
    assert refused.value.reason == "unknownTopic"
    assert client._callbacks == before


def test_every_error_code_of_the_contract_has_its_class():
    """Each code of Schemas/common.json's `x-errorCodes` (API.md, "Errors") gets a class of its
    own, named after the code's name; a code this client does not know falls back by range."""
    codes = json.loads((ROOT / "Schemas" / "common.json").read_text(encoding="utf-8"))["x-errorCodes"]
    assert len(codes) >= 8
    classes = set()
    for code, spec in codes.items():
        error = CrmdError.from_error({"code": int(code), "message": spec["message"], "data": {"reason": "r"}})
        cls = type(error)
        assert cls.code == int(code) == error.code and issubclass(cls, ApplicationError), (code, cls)
        assert cls.__name__ == "".join(w.capitalize() for w in spec["name"].split("_")), (code, cls.__name__)
        assert error.message == spec["message"] and error.reason == "r"
        classes.add(cls)
    assert len(classes) == len(codes)
    from crmd_client import RegistryUnavailable
    error = CrmdError.from_error({"code": 1008, "message": "registry down", "data": {"reason": "unreachable"}})
    assert isinstance(error, RegistryUnavailable) and error.reason == "unreachable"

    newer = CrmdError.from_error({"code": 1099, "message": "Something new", "data": {"reason": "x"}})
    assert type(newer) is ApplicationError and newer.code == 1099 and newer.reason == "x"
    busy = CrmdError.from_error({"code": -32000, "message": "Too many connections",
                                 "data": {"reason": "tooManyConnections", "scope": "user", "limit": 2}})
    assert type(busy) is ServerError and (busy.reason, busy.scope, busy.limit) == ("tooManyConnections", "user", 2)
    assert type(CrmdError.from_error({"code": -32050, "message": "m"})) is ServerError
    other = CrmdError.from_error({"code": 7, "message": "m", "data": "not an object"})
    assert type(other) is CrmdError and other.code == 7 and other.data == "not an object"
    assert type(CrmdError.from_error({"code": "1002", "message": "m"})) is CrmdError


def test_decimal_params_are_sent_as_decimal_strings(client):
    product = client.call("product.add", {"fields": {"name": "Камера", "price": Decimal("12.30")}})
    assert product["price"] == "12.30"
    updated = client.call("product.update", {"id": product["id"], "fields": {"price": Decimal("4.5E+3")}})
    assert updated["price"] == "4500.00"
    for bad in (Decimal("NaN"), Decimal("-Infinity")):
        with pytest.raises(ValueError):
            client.call("product.update", {"id": product["id"], "fields": {"price": bad}})
    assert client._pending == {}
    assert client.call("product.get", {"id": product["id"]})["price"] == "4500.00"


def test_decimals_on_the_wire_are_strings_never_floats():
    ours, peer = socket.socketpair()
    c = Client(ours.makefile("rb"), ours.sendall, call_timeout=0.2)
    with pytest.raises(TimeoutError):
        c.call("echo", {"a": Decimal("12.30"), "b": [Decimal("0.001")], "c": Decimal("1E+2"), "d": Decimal("-0.50")})
    peer.settimeout(5)
    line = peer.makefile("rb").readline()
    assert b'"params":{"a":"12.30","b":["0.001"],"c":"100","d":"-0.50"}' in line, line
    ours.shutdown(socket.SHUT_RDWR)
    c.close()
    peer.close()


def scripted_peer(delay: float):
    """A client on a socket pair whose peer answers each call (echoing its params) after `delay`
    seconds, and never answers the method `silent`."""
    ours, peer = socket.socketpair()

    def serve():
        for line in peer.makefile("rb"):
            message = json.loads(line)
            if message["method"] == "silent":
                continue
            threading.Timer(delay, lambda m=message: peer.sendall(
                json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": m["params"]}).encode() + b"\n")).start()

    threading.Thread(target=serve, daemon=True).start()
    return ours, peer


def test_calls_wait_the_default_timeout_unless_told_otherwise(server):
    assert DEFAULT_CALL_TIMEOUT == 30.0
    with server.client() as c:
        assert c.call_timeout == DEFAULT_CALL_TIMEOUT
    with Client.connect(str(server.socket_path), call_timeout=None) as c:
        assert c.call_timeout is None and c.call("server.info")["name"] == "crmd"

    ours, peer = scripted_peer(delay=0.6)
    c = Client(ours.makefile("rb"), ours.sendall, call_timeout=0.2)
    outcome: list = []
    caller = threading.Thread(target=lambda: outcome.append(pytest.raises(TimeoutError, c.call, "silent")))
    started = time.monotonic()
    caller.start()
    caller.join(5)
    assert not caller.is_alive(), "a call without a timeout of its own is still waiting"
    assert len(outcome) == 1 and 0.15 < time.monotonic() - started < 2
    with pytest.raises(TimeoutError):
        c.call("echo", {"i": 1})  # the client's 0.2 s is shorter than the peer's 0.6 s
    assert c.call("echo", {"i": 2}, timeout=5) == {"i": 2}
    assert c.call("echo", {"i": 3}, timeout=None) == {"i": 3}  # None: as long as it takes
    with pytest.raises(TimeoutError):
        c.pipeline([("echo", {"i": 4}), ("echo", {"i": 5})])
    assert c.pipeline([("echo", {"i": 6}), ("echo", {"i": 7})], timeout=None) == [{"i": 6}, {"i": 7}]
    c.call_timeout = None
    assert c.call("echo", {"i": 8}) == {"i": 8}
    with pytest.raises(TimeoutError):
        c.call("silent", timeout=0.1)
    assert c._pending == {}
    ours.shutdown(socket.SHUT_RDWR)
    c.close()
    peer.close()


def test_a_failed_send_fails_the_call_at_once_and_leaves_nothing_waiting():
    ours, peer = scripted_peer(delay=0)
    c = Client(ours.makefile("rb"), ours.sendall, call_timeout=None)  # a waiter left behind would wait forever
    assert c.call("echo", {"i": 1}) == {"i": 1}
    ours.shutdown(socket.SHUT_WR)  # the write side breaks; replies could still come in
    outcome: list = []
    caller = threading.Thread(target=lambda: outcome.append(pytest.raises(ConnectionClosed, c.call, "echo", {"i": 2})))
    started = time.monotonic()
    caller.start()
    caller.join(10)
    assert not caller.is_alive(), "the call is still waiting after its send failed"
    assert time.monotonic() - started < 3 and len(outcome) == 1
    assert "cannot send" in str(outcome[0].value)
    assert c._pending == {} and not c._batches
    with pytest.raises(ConnectionClosed):  # nothing more is written on a broken stream
        c.batch([("echo", {"i": 3}), ("echo", {"i": 4})])
    assert c._pending == {} and not c._batches
    c.close()
    peer.close()


def test_a_failed_send_to_a_spawned_server_that_exited(crmd_bin):
    c = Client.spawn([crmd_bin, "serve", "--no-such-option"], call_timeout=None)
    c.process.wait(30)
    c._thread.join(10)
    c._closed = None  # as if the reader had not seen the end yet: the send itself must fail the call
    with pytest.raises(ConnectionClosed):
        c.call("server.info")
    assert c._pending == {}
    assert c.close() == 2


# ---------------------------------------------------------------------------- Python command line

def cli(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, str(CLI), *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=env)


def test_cli_prints_the_result(server):
    done = cli("--socket", str(server.socket_path), "lead.add", json.dumps({"fields": lead_fields(title="Из CLI")}))
    assert done.returncode == 0, done.stderr
    lead = json.loads(done.stdout)
    assert lead["title"] == "Из CLI"
    done = cli("--socket", str(server.socket_path), "--lsp", "lead.get", "-", stdin=json.dumps({"id": lead["id"]}))
    assert done.returncode == 0 and json.loads(done.stdout) == lead


def test_cli_error_reply_exits_1_with_the_error_on_stderr(server):
    done = cli("--socket", str(server.socket_path), "lead.add", '{"fields": {"title": "x"}}')
    assert done.returncode == 1 and done.stdout == ""
    error = json.loads(done.stderr)
    assert error["code"] == 1001 and {m["field"] for m in error["data"]["missing"]} == {"phones", "emails", "city", "topic"}


def test_cli_usage_and_connection_errors(server, workdir):
    assert cli().returncode == 2
    assert cli("--socket", str(server.socket_path), "server.info", "[1]").returncode == 2
    assert cli("--socket", str(server.socket_path), "server.info", "{bad").returncode == 2
    assert cli("--socket", str(workdir / "none.sock"), "server.info").returncode == 3


def test_cli_spawn_and_env_socket(server, crmd_bin, workdir):
    done = cli("--spawn", f"{crmd_bin} serve --stdio --db {workdir / 'cli.sqlite'}", "server.info")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["databasePath"].endswith("cli.sqlite")
    done = cli("server.info", env=dict(os.environ, CRMD_SOCKET=str(server.socket_path)))
    assert done.returncode == 0 and json.loads(done.stdout)["name"] == "crmd"


# ---------------------------------------------------------------------------- shell client

def relays():
    found = ["python3"]
    if shutil.which("socat"):
        found.append("socat")
    if shutil.which("nc") and "-U" in subprocess.run(["nc", "-h"], capture_output=True, text=True).stderr:
        found.append("nc")
    return found


def crm(*args, env=None, stdin=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CRMD_", "CRM_"))}
    return subprocess.run(["bash", str(CRM), *args], input=stdin, capture_output=True, text=True, timeout=60,
                          env={**base, **(env or {})})


@pytest.mark.parametrize("relay", ["python3", "socat", "nc"])
def test_shell_client_over_the_socket(server, relay):
    if relay not in relays():
        pytest.skip(f"{relay} (with Unix sockets) is not installed here: apt-get install socat netcat-openbsd")
    env = {"CRMD_SOCKET": str(server.socket_path), "CRM_RELAY": relay}
    done = crm("lead.add", json.dumps({"fields": lead_fields(title="Из shell «кавычки» \\ \"")}), env=env)
    assert done.returncode == 0, done.stderr
    lead = json.loads(done.stdout)
    assert lead["title"] == "Из shell «кавычки» \\ \""
    done = crm("lead.get", "-", env=env, stdin='{\n  "id": %d\n}\n' % lead["id"])
    assert done.returncode == 0 and json.loads(done.stdout) == lead
    done = crm("lead.get", '{"id": 999999}', env=env)
    assert done.returncode == 1 and done.stdout == ""
    error = json.loads(done.stderr)
    assert error["code"] == 1002 and error["message"] and error["data"] == {"entityType": "lead", "id": 999999}


def test_shell_client_errors_and_usage(server):
    env = {"CRMD_SOCKET": str(server.socket_path)}
    done = crm("lead.add", '{"fields": {"title": "x"}}', env=env)
    assert done.returncode == 1
    assert json.loads(done.stderr)["code"] == 1001
    assert crm("server.info", "{not json", env=env).returncode == 1  # the server's parse error
    assert crm(env=env).returncode == 2
    assert crm("bad method", env=env).returncode == 2
    assert crm("server.info", "[1]", env=env).returncode == 2
    assert crm("server.info", env={"CRMD_SOCKET": str(server.socket_path) + ".none"}).returncode == 3


def test_shell_client_default_socket_from_xdg_runtime_dir(server):
    done = crm("server.info", env={"XDG_RUNTIME_DIR": str(server.socket_path.parent)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "crmd"


def test_shell_client_spawns_a_stdio_server_for_crmd_db(crmd_bin, workdir):
    env = {"CRMD_DB": str(workdir / "shell.sqlite"), "CRMD_BIN": crmd_bin, "XDG_RUNTIME_DIR": str(workdir)}
    done = crm("lead.add", json.dumps({"fields": lead_fields(title="Через stdio")}), env=env)
    assert done.returncode == 0, done.stderr
    lead = json.loads(done.stdout)
    done = crm("lead.get", json.dumps({"id": lead["id"]}), env=env)
    assert done.returncode == 0 and json.loads(done.stdout) == lead
    assert (workdir / "shell.sqlite").exists()


def test_shell_client_on_a_machine_without_socat_or_nc(server, workdir):
    """Only bash, coreutils-like basics and python3 on PATH: the python3 fallback is used."""
    bin_dir = workdir / "bin"
    bin_dir.mkdir()
    for tool in ["bash", "python3", "awk", "sed", "cat", "mktemp", "mkfifo", "dirname", "rm", "grep"]:
        os.symlink(shutil.which(tool), bin_dir / tool)
    env = {"CRMD_SOCKET": str(server.socket_path), "PATH": str(bin_dir)}
    done = subprocess.run([str(bin_dir / "bash"), str(CRM), "server.info"], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "crmd"


@pytest.mark.parametrize("relay", ["python3", "socat", "nc"])
def test_shell_client_keeps_line_breaks_inside_strings(server, relay):
    """A line break (or CR, or tab) typed inside a JSON string reaches crmd as that character;
    the ones between tokens are only whitespace."""
    if relay not in relays():
        pytest.skip(f"{relay} (with Unix sockets) is not installed here: apt-get install socat netcat-openbsd")
    env = {"CRMD_SOCKET": str(server.socket_path), "CRM_RELAY": relay}
    title = 'Строка 1\nСтрока 2\r\nтаб\tи \\ " {конец}\n'
    contacts = json.dumps(CONTACTS, ensure_ascii=False)[1:-1]
    typed = '{\r\n  "fields": {\n    "title": "Строка 1\nСтрока 2\r\nтаб\tи \\\\ \\" {конец}\n",\n    ' + contacts + "\n  }\n}\n"
    for how in ("argument", "stdin"):
        done = crm("lead.add", typed, env=env) if how == "argument" else crm("lead.add", "-", env=env, stdin=typed)
        assert done.returncode == 0, (how, done.stderr)
        lead = json.loads(done.stdout)
        assert lead["title"] == title, how
    done = crm("lead.get", '{\n"id":\n%d\n}' % lead["id"], env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["title"] == title
    assert done.stdout.count("\n") == 1  # the reply as crmd sent it: one line, its breaks escaped


@pytest.mark.parametrize("relay", ["python3", "socat", "nc"])
def test_shell_client_prints_events_as_lines(server, relay):
    if relay not in relays():
        pytest.skip(f"{relay} (with Unix sockets) is not installed here: apt-get install socat netcat-openbsd")
    with server.client() as c:
        before = c.call("lead.add", {"fields": lead_fields(title="До подписки\nвторая строка")})
        base = {k: v for k, v in os.environ.items() if not k.startswith(("CRMD_", "CRM_"))}
        env = {**base, "CRMD_SOCKET": str(server.socket_path), "CRM_RELAY": relay, "CRM_EVENT_TIMEOUT": "4"}
        listener = subprocess.Popen(["bash", str(CRM), "event.subscribe", '{"topics": ["lead.*"], "after": 0}'],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        later = [c.call("lead.add", {"fields": lead_fields(title=f"Живой {i}")}) for i in range(2)]
        c.call("lead.update", {"id": later[0]["id"], "fields": {"title": "Живой 0\nисправлен"}})
        out, err = listener.communicate(timeout=60)
    assert listener.returncode == 0, err  # four quiet seconds end it
    lines = out.splitlines()
    events = [json.loads(line) for line in lines]
    assert [(e["topic"], e["id"]) for e in events] == [("lead.created", before["id"]), ("lead.created", later[0]["id"]),
                                                       ("lead.created", later[1]["id"]), ("lead.updated", later[0]["id"])]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert {"field": "title", "old": "Живой 0", "new": "Живой 0\nисправлен"} in events[-1]["data"]["fields"]
    assert out.count("\n") == 4 and err == ""


def test_shell_client_subscription_ends_with_the_connection_and_refusals_are_errors(server):
    env = {"CRMD_SOCKET": str(server.socket_path)}
    done = crm("event.subscribe", '{"topics": ["lead.flew"]}', env=env)
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads(done.stderr)["data"]["reason"] == "unknownTopic"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CRMD_", "CRM_"))}
    with server.client() as c:
        lead = c.call("lead.add", {"fields": lead_fields()})
    listener = subprocess.Popen(["bash", str(CRM), "event.subscribe", '{"after": 0}'], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**base, **env})
    first = listener.stdout.readline()  # from the log: it is there however late the subscription starts
    assert json.loads(first)["id"] == lead["id"]
    assert server.stop() == 0
    out, err = listener.communicate(timeout=30)
    assert listener.returncode == 3 and "the connection ended" in err, (listener.returncode, err)
