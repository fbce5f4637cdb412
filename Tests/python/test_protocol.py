"""JSON-RPC 2.0, framing, transports and process behaviour of the real `crmd` binary, spoken to
over raw sockets and pipes (no client library)."""
import json
import os
import random
import re
import signal
import socket
import stat
import subprocess
import threading
import time

import pytest

from conftest import assert_result_valid, method_titles, popen_retrying

INFO = {"jsonrpc": "2.0", "method": "server.info", "params": {}}


def request(id_, method="server.info", params=None):
    return {"jsonrpc": "2.0", "id": id_, "method": method, "params": {} if params is None else params}


def notification(method="server.info", params=None):
    return {"jsonrpc": "2.0", "method": method, "params": {} if params is None else params}


def assert_error(reply, code, id_=None):
    assert reply is not None, "no reply: the connection was closed"
    assert reply.get("jsonrpc") == "2.0", reply
    assert "result" not in reply, reply
    assert reply["error"]["code"] == code, reply
    assert isinstance(reply["error"]["message"], str) and reply["error"]["message"], reply
    assert reply["id"] == id_, reply


def assert_alive(server):
    """The server still answers, on a new connection."""
    assert server.running, f"crmd died:\n{server.stderr_text()}"
    with server.raw() as c:
        reply = c.call("server.info", id_="alive")
    assert reply["id"] == "alive" and reply["result"]["name"] == "crmd", reply


# ---------------------------------------------------------------------------- errors

def test_parse_error_has_id_null_and_the_connection_goes_on(server):
    with server.raw() as c:
        c.send(b'{"jsonrpc": "2.0", "id": 1, "method": "server.info", "params": \n')
        assert_error(c.recv_json(), -32700)
        reply = c.call("server.info", id_=2)
        assert reply["id"] == 2 and "result" in reply


@pytest.mark.parametrize("line", [b"{", b"nul", b'{"jsonrpc": "2.0", "id": 1,}', b"[1, 2", b'"unterminated', b"\xff\xfe{}"])
def test_malformed_json_is_a_parse_error(server, line):
    with server.raw() as c:
        c.send(line + b"\n")
        assert_error(c.recv_json(), -32700)
        assert c.call("server.info", id_=3)["id"] == 3


@pytest.mark.parametrize("message", [
    {"jsonrpc": "2.0", "id": 1},
    {"jsonrpc": "1.0", "id": 1, "method": "server.info"},
    {"id": 1, "method": "server.info"},
    {"jsonrpc": "2.0", "id": 1, "method": 5},
    {"jsonrpc": "2.0", "id": 1, "method": "server.info", "params": 5},
    {"jsonrpc": "2.0", "id": 1, "method": "server.info", "params": "x"},
])
def test_invalid_request_with_a_readable_id(server, message):
    with server.raw() as c:
        c.send_json(message)
        reply = c.recv_json()
        assert_error(reply, -32600, id_=reply.get("id"))
        assert reply["id"] in (1, None), reply


@pytest.mark.parametrize("message", [
    42, "server.info", None, True, {},
    {"jsonrpc": "2.0", "id": {"a": 1}, "method": "server.info"},
    {"jsonrpc": "2.0", "id": [1], "method": "server.info"},
    {"jsonrpc": "2.0", "id": True, "method": "server.info"},
])
def test_invalid_request_without_a_usable_id_answers_id_null(server, message):
    with server.raw() as c:
        c.send_json(message)
        assert_error(c.recv_json(), -32600)
        assert c.call("server.info", id_=4)["id"] == 4


@pytest.mark.parametrize("method", ["no.such", "lead.frobnicate", "rpc.nothing", "", "LEAD.GET"])
def test_method_not_found(server, method):
    with server.raw() as c:
        c.send_json(request(7, method))
        assert_error(c.recv_json(), -32601, 7)


def test_positional_params_are_refused(server):
    with server.raw() as c:
        reply = c.call("lead.get", [1], id_=8)
        assert reply["error"]["code"] in (-32602, -32600), reply
        assert reply["id"] == 8


def test_omitted_params_mean_an_empty_object(server):
    with server.raw() as c:
        c.send_json({"jsonrpc": "2.0", "id": 9, "method": "server.info"})
        reply = c.recv_json()
        assert reply["id"] == 9 and reply["result"]["name"] == "crmd", reply


@pytest.mark.parametrize("method,params,path", [
    ("lead.get", {"id": "1"}, "/id"),
    ("lead.get", {}, ""),
    ("server.info", {"verbose": True}, ""),
    ("lead.add", {"fields": {"phones": [{"value": "1", "type": "FAX"}]}}, "/fields/phones/0/type"),
])
def test_invalid_params_list_schema_errors(server, method, params, path):
    with server.raw() as c:
        reply = c.call(method, params, id_=10)
    assert_error(reply, -32602, 10)
    errors = reply["error"]["data"]["errors"]
    assert errors and all(isinstance(e["path"], str) and isinstance(e["message"], str) and e["message"] for e in errors)
    assert any(e["path"].startswith(path) for e in errors), errors


# ---------------------------------------------------------------------------- batches

def test_empty_batch_is_one_invalid_request(server):
    with server.raw() as c:
        c.send(b"[]\n")
        reply = c.recv_json()
        assert isinstance(reply, dict), reply
        assert_error(reply, -32600)
        assert c.call("server.info", id_=1)["id"] == 1


def test_batch_of_non_objects_gets_one_error_each(server):
    with server.raw() as c:
        c.send(b"[1, 2, 3]\n")
        replies = c.recv_json()
        assert isinstance(replies, list) and len(replies) == 3, replies
        for reply in replies:
            assert_error(reply, -32600)


def test_batch_with_one_bad_entry(server):
    with server.raw() as c:
        c.send(b"[1]\n")
        replies = c.recv_json()
        assert isinstance(replies, list) and len(replies) == 1
        assert_error(replies[0], -32600)


def test_mixed_batch(server):
    batch = [request("a"), notification(), {"foo": "boo"}, request("b", "no.such"),
             request(3, "lead.get", {"id": 999999}), request(4, "lead.get", {"id": "x"}), notification("no.such")]
    with server.raw() as c:
        c.send_json(batch)
        replies = c.recv_json()
    assert isinstance(replies, list) and len(replies) == 5, replies
    by_id = {}
    for reply in replies:
        assert reply["jsonrpc"] == "2.0"
        by_id.setdefault(json.dumps(reply["id"]), []).append(reply)
    assert by_id['"a"'][0]["result"]["name"] == "crmd"
    assert_error(by_id['"b"'][0], -32601, "b")
    assert_error(by_id["3"][0], 1002, 3)
    assert by_id["3"][0]["error"]["data"] == {"entityType": "lead", "id": 999999}
    assert_error(by_id["4"][0], -32602, 4)
    assert_error(by_id["null"][0], -32600)


def test_batch_of_only_notifications_gets_no_reply(server):
    with server.raw() as c:
        c.send_json([notification(), notification("no.such"), notification("lead.get", {"id": "x"})])
        c.send_json(request(42))
        reply = c.recv_json()
        assert isinstance(reply, dict) and reply["id"] == 42 and "result" in reply, reply


def test_invalid_json_batch_is_one_parse_error(server):
    with server.raw() as c:
        c.send(b'[{"jsonrpc": "2.0", "method": "server.info", "id": 1}, {"jsonrpc": "2.0", "method"]\n')
        reply = c.recv_json()
        assert isinstance(reply, dict), reply
        assert_error(reply, -32700)


def test_large_batch_answers_every_request(server):
    with server.raw() as c:
        c.send_json([request(i) for i in range(300)])
        replies = c.recv_json()
    assert sorted(r["id"] for r in replies) == list(range(300))
    assert all("result" in r for r in replies)


# ---------------------------------------------------------------------------- notifications and ids

def test_notifications_get_no_reply(server):
    with server.raw() as c:
        c.send_json(notification())
        c.send_json(notification("no.such"))
        c.send_json(notification("lead.get", {"id": "not an id"}))
        c.send_json(notification("lead.add", {"fields": {"title": "x"}}))  # would be 1001
        c.send_json(request(5))
        reply = c.recv_json()
        assert reply["id"] == 5 and "result" in reply, reply


def test_notification_still_runs(server):
    """A notification is executed, only its reply is left out."""
    with server.raw() as c:
        c.send_json(notification("user.add", {"fields": {"name": "Анна"}}))
        c.send_json(request(1, "user.list"))
        names = [u["name"] for u in c.recv_json()["result"]["items"]]
    assert "Анна" in names


@pytest.mark.parametrize("id_", ["abc", "", "ид-1 ✓", "1", 0, -1, 7, 9007199254740993, 2**63 - 1, -(2**63),
                                 12345678901234567890, None])
def test_ids_are_echoed_exactly(server, id_):
    with server.raw() as c:
        raw = json.dumps(request(id_), ensure_ascii=False).encode()
        c.send(raw + b"\n")
        line = c.read_line()
    reply = json.loads(line)
    assert "result" in reply, reply
    assert type(reply["id"]) is type(id_) and reply["id"] == id_, reply
    if isinstance(id_, int):  # the digits themselves, not a float's approximation
        assert re.search(rb'"id"\s*:\s*' + str(id_).encode() + rb"\s*[,}]", line), line


def test_replies_match_ids_across_interleaved_requests(server):
    with server.raw() as c:
        c.send(b"".join(json.dumps(request(f"r{i}", "lead.get", {"id": i + 1})).encode() + b"\n" for i in range(20)))
        replies = [c.recv_json() for _ in range(20)]
    assert [r["id"] for r in replies] == [f"r{i}" for i in range(20)]
    assert all(r["error"]["data"]["id"] == int(r["id"][1:]) + 1 for r in replies)


# ---------------------------------------------------------------------------- framing

def test_lsp_framing_round_trip(server):
    with server.raw() as c:
        c.send_lsp(request(1))
        headers, reply = c.recv_lsp()
        assert reply["id"] == 1 and reply["result"]["name"] == "crmd"
        # Cyrillic: Content-Length counts bytes, both ways.
        c.send_lsp(request(2, "user.add", {"fields": {"name": "Пётр Ёлкин"}}))
        headers, reply = c.recv_lsp()
        assert reply["result"]["name"] == "Пётр Ёлкин"
        c.send_lsp(request(3))  # the frame before was exactly as long as it said
        assert c.recv_lsp()[1]["id"] == 3


def test_lsp_framing_with_content_type_header_and_split_writes(server):
    with server.raw() as c:
        c.send_lsp(request(1), extra_headers="Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
        assert c.recv_lsp()[1]["id"] == 1
        body = json.dumps(request(2, "user.add", {"fields": {"name": "Ёж"}}), ensure_ascii=False).encode()
        frame = f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        for i in range(0, len(frame), 7):  # dribbled in small pieces
            c.send(frame[i:i + 7])
            time.sleep(0.001)
        assert c.recv_lsp()[1]["result"]["name"] == "Ёж"


def test_lsp_pipelined_frames_and_batch(server):
    with server.raw() as c:
        frames = b""
        for i in range(50):
            body = json.dumps(request(i)).encode()
            frames += b"Content-Length: %d\r\n\r\n" % len(body) + body
        c.send(frames)
        assert [c.recv_lsp()[1]["id"] for _ in range(50)] == list(range(50))
        c.send_lsp([request("x"), notification(), request("y", "no.such")])
        replies = c.recv_lsp()[1]
        assert sorted(r["id"] for r in replies) == ["x", "y"]


def test_lsp_parse_error(server):
    with server.raw() as c:
        c.send_lsp(b'{"jsonrpc": "2.0", "id": 1, "method": ')
        assert_error(c.recv_lsp()[1], -32700)
        c.send_lsp(request(2))
        assert c.recv_lsp()[1]["id"] == 2


def test_framing_is_per_connection(server):
    with server.raw() as lsp, server.raw() as lines:
        lsp.send_lsp(request(1))
        lines.send_json(request(2))
        assert lsp.recv_lsp()[1]["id"] == 1
        assert lines.recv_json()["id"] == 2


def test_crlf_and_blank_lines_in_line_framing(server):
    with server.raw() as c:
        c.send(b"\n\r\n" + json.dumps(request(1)).encode() + b"\r\n")
        reply = c.recv_json()
        assert reply["id"] == 1 and "result" in reply, reply


def test_pipelining_200_requests_on_one_connection(server):
    with server.raw() as c:
        c.call("lead.add", {"fields": {"title": "x", "phones": [{"value": "1"}], "emails": [{"value": "a@b.ru"}],
                                       "city": "Тула", "topic": "t"}}, id_=0)
        payload = b""
        for i in range(1, 201):
            message = request(i, "lead.get", {"id": 1}) if i % 2 else request(i)
            payload += json.dumps(message).encode() + b"\n"
        c.send(payload)
        replies = [c.recv_json() for _ in range(200)]
    assert [r["id"] for r in replies] == list(range(1, 201))
    assert all("result" in r for r in replies)
    assert all(r["result"]["id"] == 1 for r in replies if r["id"] % 2)


def test_many_concurrent_connections(server):
    failures = []

    def worker(k):
        try:
            with server.raw() as c:
                for i in range(20):
                    reply = c.call("server.info", id_=f"{k}-{i}")
                    if reply.get("id") != f"{k}-{i}" or "result" not in reply:
                        failures.append(reply)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures[:5]


# ---------------------------------------------------------------------------- abuse

def test_garbage_bytes_do_not_kill_the_server(server):
    with server.raw() as c:
        c.send(b"\x00\xff" + bytes(range(256)) * 4 + b"\n\x00\x00\xff\n" + json.dumps(request("after")).encode() + b"\n")
        try:  # the server may answer the garbage with parse errors, or hang up
            while (reply := c.recv_json()) is not None and reply.get("id") != "after":
                pass
        except (ValueError, OSError):
            pass
    assert_alive(server)


def test_garbage_then_valid_request_on_the_same_line_framed_connection(server):
    with server.raw() as c:
        c.send(b"\x01\x02garbage\x7f\n")
        assert_error(c.recv_json(), -32700)
        assert c.call("server.info", id_=1)["id"] == 1


@pytest.mark.parametrize("fragment", [
    b'{"jsonrpc": "2.0", "id": 1, "meth',
    b"Content-Length: 100\r\n",
    b"Content-Length: 100\r\n\r\n{\"jsonrpc\"",
    b"Content-Len",
])
def test_half_sent_frame_then_disconnect(server, fragment):
    with server.raw() as c:
        c.send(fragment)
    time.sleep(0.05)
    assert_alive(server)


@pytest.mark.parametrize("depth", [1000, 100000])
def test_deeply_nested_json_is_refused_not_a_crash(server, depth):
    with server.raw() as c:
        c.send(b"[" * depth + b"]" * depth + b"\n")
        assert "error" in json.dumps(c.recv_json())
        c.send(b'{"jsonrpc": "2.0", "id": 1, "method": "lead.list", "params": {"filter": {"title": '
               + b"[" * depth + b"]" * depth + b"}}}\n")
        assert "error" in c.recv_json()
        assert c.call("server.info", id_=2)["id"] == 2
    assert_alive(server)


def random_messages(rng: random.Random, count: int):
    """(bytes to send, id of the valid request in it or None) for a mix of good and bad lines."""
    def junk_value(depth=0):
        kind = rng.randrange(7 if depth < 3 else 4)
        return [lambda: rng.randint(-2**70, 2**70), lambda: rng.random() * 1e6, lambda: "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x400, 0x450), rng.randrange(0x1F600, 0x1F650)]))
            for _ in range(rng.randrange(12))), lambda: rng.choice([None, True, False]),
            lambda: [junk_value(depth + 1) for _ in range(rng.randrange(4))],
            lambda: {rng.choice(["id", "method", "params", "jsonrpc", "x"]): junk_value(depth + 1) for _ in range(rng.randrange(5))},
            lambda: {"jsonrpc": "2.0", "method": rng.choice(["lead.get", "lead.list", "lead.add", "x"]),
                     "params": junk_value(depth + 1)}][kind]()

    for n in range(count):
        roll = rng.random()
        if roll < 0.3:
            method, params = rng.choice([("server.info", {}), ("lead.get", {"id": rng.randrange(1, 5)}),
                                         ("lead.list", {"limit": rng.randrange(1, 5)}), ("user.list", {})])
            yield json.dumps(request(f"v{n}", method, params)).encode(), f"v{n}"
        elif roll < 0.5:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))).replace(b"\n", b" "), None
        elif roll < 0.65:
            text = json.dumps(request(n, "lead.list", {"search": "Москва"}), ensure_ascii=False).encode()
            yield text[:rng.randrange(1, len(text))], None
        else:
            yield json.dumps(junk_value(), ensure_ascii=rng.random() < 0.5).encode(), None


def test_random_messages_crash_nothing_and_every_valid_request_is_answered(server):
    rng = random.Random(20261129)
    messages = list(random_messages(rng, 20000))
    wanted = [id_ for _, id_ in messages if id_ is not None]
    with server.raw(timeout=30) as c:
        c.send(json.dumps(request("first")).encode() + b"\n")  # fixes the framing to lines
        assert c.recv_json()["id"] == "first"
        sender = threading.Thread(target=lambda: c.send(b"".join(m + b"\n" for m, _ in messages)
                                                        + json.dumps(request("last")).encode() + b"\n"))
        sender.start()
        answered = []
        while True:
            reply = c.recv_json()
            assert reply is not None, "the connection was closed"
            for item in reply if isinstance(reply, list) else [reply]:
                if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].startswith("v"):
                    assert "result" in item or item["error"]["code"] == 1002, item
                    answered.append(item["id"])
            if isinstance(reply, dict) and reply.get("id") == "last":
                break
        sender.join()
    assert answered == wanted
    assert_alive(server)


def test_disconnect_with_requests_in_flight(server):
    with server.raw() as c:
        c.send(b"".join(json.dumps(request(i, "lead.list", {"count": True})).encode() + b"\n" for i in range(100)))
        c.sock.shutdown(socket.SHUT_RDWR)
    time.sleep(0.1)
    assert_alive(server)


def test_oversized_line_gets_an_error_and_the_connection_goes_on(make_server):
    server = make_server(config={"maxMessageSize": 4096})
    with server.raw() as c:
        big = request(1, "lead.list", {"search": "x" * 10000})
        c.send_json(big)
        reply = c.recv_json()
        assert reply is not None and "error" in reply, reply
        reply = c.call("server.info", id_=2)
        assert reply is not None and reply["id"] == 2 and "result" in reply, reply
        # Under the limit is fine.
        reply = c.call("user.add", {"fields": {"name": "я" * 100}}, id_=3)
        assert reply["id"] == 3 and "result" in reply, reply


def test_oversized_lsp_frame_gets_an_error_then_goes_on_or_closes_cleanly(make_server):
    server = make_server(config={"maxMessageSize": 4096})
    with server.raw() as c:
        c.send_lsp(request(1, "lead.list", {"search": "x" * 10000}))
        reply = c.recv_lsp()
        assert reply is not None and "error" in reply[1], reply
        try:
            c.send_lsp(request(2))
            answer = c.recv_lsp()
        except OSError:
            answer = None
        assert answer is None or answer[1]["id"] == 2, answer
    assert_alive(server)


def test_message_of_several_megabytes_under_the_default_limit(server):
    with server.raw() as c:
        c.send_json(request(1, "comment.add", {"entityType": "lead", "id": 1, "text": "ж" * 20000}))
        reply = c.recv_json()
        assert_error(reply, 1002, 1)
        # 3 MB of whitespace-padded JSON is still one message under 16 MiB
        c.send(b'{"jsonrpc": "2.0", "id": 2, "method": "server.info"' + b" " * 3_000_000 + b"}\n")
        reply = c.recv_json()
        assert reply["id"] == 2 and "result" in reply


# ---------------------------------------------------------------------------- stdio mode

def stdio(crmd_bin, workdir, *extra):
    return popen_retrying([crmd_bin, "serve", "--stdio", "--db", str(workdir / "stdio.sqlite"), *extra],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_stdio_eof_exits_zero_and_stdout_is_only_protocol(crmd_bin, workdir):
    proc = stdio(crmd_bin, workdir)
    out, err = proc.communicate(json.dumps(request(1)).encode() + b"\n", timeout=30)
    assert proc.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert len(lines) == 1, out
    assert json.loads(lines[0])["result"]["name"] == "crmd"


def test_stdio_answers_everything_sent_before_eof(crmd_bin, workdir):
    proc = stdio(crmd_bin, workdir)
    data = b"".join(json.dumps(request(i, "lead.list", {"count": True})).encode() + b"\n" for i in range(100))
    out, err = proc.communicate(data, timeout=30)
    assert proc.returncode == 0, err.decode()
    ids = [json.loads(line)["id"] for line in out.decode().splitlines()]
    assert ids == list(range(100))


def test_stdio_with_lsp_framing(crmd_bin, workdir):
    proc = stdio(crmd_bin, workdir)
    body = json.dumps(request(1)).encode()
    out, err = proc.communicate(b"Content-Length: %d\r\n\r\n" % len(body) + body, timeout=30)
    assert proc.returncode == 0, err.decode()
    head, _, rest = out.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length:\s*(\d+)", head, re.I).group(1))
    assert len(rest) == length
    assert json.loads(rest)["id"] == 1


def test_stdio_eof_without_any_request(crmd_bin, workdir):
    proc = stdio(crmd_bin, workdir)
    out, err = proc.communicate(b"", timeout=30)
    assert proc.returncode == 0, err.decode()
    assert out == b""


def test_stdio_sigterm_exits_zero(crmd_bin, workdir):
    proc = stdio(crmd_bin, workdir)
    proc.stdin.write(json.dumps(request(1)).encode() + b"\n")
    proc.stdin.flush()
    assert json.loads(proc.stdout.readline())["id"] == 1
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(10)
    finally:
        proc.kill()
    assert code == 0, proc.stderr.read().decode()


# ---------------------------------------------------------------------------- the socket server process

def test_socket_file_mode_is_0600(server):
    mode = os.stat(server.socket_path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600, oct(stat.S_IMODE(mode))


def test_sigterm_exits_zero_and_keeps_the_data(make_server, workdir):
    server = make_server()
    sentinel = workdir / "keep-me.txt"
    sentinel.write_text("x")
    (workdir / "crmd.json").write_text("{}")
    with server.client() as c:
        lead = c.call("lead.add", {"fields": {"title": "Сохранить", "phones": [{"value": "+7 900 000-00-00"}],
                                              "emails": [{"value": "k@example.ru"}], "city": "Омск", "topic": "t"}})
    before = set(os.listdir(workdir))
    assert server.stop() == 0, server.stderr_text()
    after = set(os.listdir(workdir))
    assert server.db_path.exists() and sentinel.exists() and (workdir / "crmd.json").exists()
    assert before - after <= {server.socket_path.name, server.db_path.name + "-wal", server.db_path.name + "-shm"}, \
        before - after
    again = make_server(name="crmd")  # same paths
    with again.client() as c:
        assert c.call("lead.get", {"id": lead["id"]}) == lead


@pytest.mark.parametrize("how", ["sigterm", "stdio-eof"])
def test_a_clean_stop_leaves_the_data_in_the_database_file(make_server, crmd_bin, workdir, how):
    """'close the database': after exit 0 the .sqlite file holds the data by itself (the WAL was
    checkpointed), so copying or backing up that one file is enough."""
    marker = "Маркер-чекпойнта-" + how
    fields = {"title": marker, "phones": [{"value": "1"}], "emails": [{"value": "m@example.ru"}], "city": "Ч", "topic": "t"}
    if how == "sigterm":
        server = make_server()
        with server.client() as c:
            c.call("lead.add", {"fields": fields})
        assert server.stop() == 0, server.stderr_text()
        db = server.db_path
    else:
        proc = stdio(crmd_bin, workdir)
        out, err = proc.communicate(json.dumps(request(1, "lead.add", {"fields": fields}), ensure_ascii=False).encode() + b"\n",
                                    timeout=30)
        assert proc.returncode == 0 and b'"result"' in out, err
        db = workdir / "stdio.sqlite"
    wal = db.with_name(db.name + "-wal")
    in_main_file = marker.encode() in db.read_bytes()
    assert in_main_file, \
        f"data only in the WAL after a clean stop ({wal.name}: {wal.stat().st_size if wal.exists() else 'absent'} bytes)"


def test_sigterm_with_an_idle_client_connected(server):
    with server.raw() as c:
        assert c.call("server.info")["id"] == 1
        started = time.monotonic()
        assert server.stop(timeout=10) == 0, server.stderr_text()
        assert time.monotonic() - started < 10
        assert c.at_eof()


def test_sigint_exits_zero(server):
    assert server.stop(signal.SIGINT) == 0, server.stderr_text()


def test_sigterm_finishes_calls_in_flight(make_server):
    server = make_server()
    with server.raw() as c:
        c.send(b"".join(json.dumps(request(i, "user.add", {"fields": {"name": f"u{i}"}})).encode() + b"\n"
                        for i in range(200)))
        replies = [c.recv_json()]
        server.process.send_signal(signal.SIGTERM)
        try:
            while (reply := c.recv_json()) is not None:
                replies.append(reply)
        except ConnectionResetError:
            pass
    server.returncode = server.process.wait(15)
    assert server.returncode == 0, server.stderr_text()
    ids = [r["id"] for r in replies]
    assert ids == list(range(len(ids))), ids  # in order, none twice
    assert all("result" in r for r in replies), [r for r in replies if "result" not in r][:3]
    # Every call that was answered was done and kept.
    with make_server().client() as c:
        names = {u["name"] for u in c.call("user.list")["items"]}
    assert {f"u{i}" for i in ids} <= names


def test_second_server_on_a_live_socket_fails_and_the_first_keeps_serving(make_server):
    first = make_server()
    second = make_server(name="second", socket_path=first.socket_path, start=False)
    second.start(wait=False)
    try:
        code = second.process.wait(15)
    except subprocess.TimeoutExpired:
        second.process.kill()
        pytest.fail("a second server on a live socket did not exit")
    assert code != 0, "a second server on a live socket must fail"
    second.returncode = 0  # checked above; teardown need not
    assert first.socket_path.exists()
    assert_alive(first)


def test_stale_socket_file_is_replaced(make_server, workdir):
    path = workdir / "crmd.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens
    assert path.exists()
    server = make_server(socket_path=path)
    assert_alive(server)


def test_version_flag(crmd_bin):
    done = subprocess.run([crmd_bin, "--version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert re.fullmatch(r"crmd \S+\n?", done.stdout), done.stdout


def test_unknown_argument_is_a_usage_error(crmd_bin):
    done = subprocess.run([crmd_bin, "serve", "--frobnicate"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "usage" in done.stderr


# ---------------------------------------------------------------------------- discovery

def test_rpc_discover_lists_exactly_the_schema_methods(server):
    with server.raw() as c:
        reply = c.call("rpc.discover")
    document = reply["result"]
    assert_result_valid("rpc.discover", document)
    assert re.fullmatch(r"1\.3\.\d+", document["openrpc"])
    names = [m["name"] for m in document["methods"]]
    assert len(names) == len(set(names))
    assert set(names) == method_titles()


def test_rpc_discover_describes_params_by_name(server):
    with server.raw() as c:
        document = c.call("rpc.discover")["result"]
    lead_get = next(m for m in document["methods"] if m["name"] == "lead.get")
    assert [p["name"] for p in lead_get["params"]] == ["id"]
    assert lead_get["params"][0]["required"] is True


def test_server_info(server, crmd_bin):
    with server.raw() as c:
        samples = []
        for i in range(7):  # 300 ms: uptime in milliseconds must grow between every two samples
            samples.append(c.call("server.info", id_=i)["result"])
            time.sleep(0.05)
    first, second = samples[0], samples[-1]
    uptimes = [s["uptimeMs"] for s in samples]
    assert_result_valid("server.info", first)
    assert first["name"] == "crmd"
    version = subprocess.run([crmd_bin, "--version"], capture_output=True, text=True).stdout.split()[-1]
    assert first["version"] == version
    assert os.path.realpath(first["databasePath"]) == os.path.realpath(server.db_path)
    assert isinstance(first["schemaVersion"], int) and first["schemaVersion"] >= 1
    assert all(b - a >= 40 for a, b in zip(uptimes, uptimes[1:])), f"uptimeMs every 50 ms: {uptimes}"
    assert second["startedAt"] == first["startedAt"]
    started = time.strptime(first["startedAt"][:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(time.mktime(started) - time.mktime(time.gmtime())) < 120
