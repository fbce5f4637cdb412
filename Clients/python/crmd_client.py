#!/usr/bin/env python3
"""A client for crmd, the headless CRM engine (JSON-RPC 2.0 over a Unix socket or a child's stdio).

Standard library only. As a module::

    with Client.connect("/run/user/1000/crmd.sock") as crm:
        lead = crm.call("lead.get", {"id": 1})

As a program::

    python3 crmd_client.py [--socket PATH | --spawn "crmd serve --stdio --db X"] [--lsp] METHOD [JSON|-]

Money and quantities are decimal strings in the API and stay strings here: nothing is
converted to float. Replies are matched to calls by id; notifications from the server
(messages without an id) go to the callbacks given to `on_notification` and to the
`notifications` queue, never to a caller waiting for a reply.
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import queue
import shlex
import socket
import subprocess
import sys
import threading
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence

__all__ = ["Client", "CrmdError", "ConnectionClosed", "ParseError", "InvalidRequest", "MethodNotFound",
           "InvalidParams", "InternalError", "RequiredFieldsMissing", "NotFound", "DuplicatesFound",
           "FieldsMissingInTarget", "Conflict", "Forbidden", "InvalidValue", "RegistryUnavailable", "SubscriptionOverflow",
           "default_socket_path"]


class CrmdError(Exception):
    """An error reply: JSON-RPC `code`, `message` and `data` (None when absent)."""

    code: int = 0
    _by_code: dict[int, type[CrmdError]] = {}

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.data = code, message, data

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if cls.code:
            CrmdError._by_code[cls.code] = cls

    @staticmethod
    def from_error(error: Mapping[str, Any]) -> CrmdError:
        """The exception for a reply's `error` object, of the subclass for its code if any."""
        code = error.get("code")
        cls = CrmdError._by_code.get(code, CrmdError) if isinstance(code, int) else CrmdError
        return cls(code, str(error.get("message", "")), error.get("data"))


def _datum(key: str, default: Any = None) -> property:
    """A property reading `key` of the error's `data` object."""
    return property(lambda self: self.data.get(key, default) if isinstance(self.data, dict) else default)


# Protocol faults, then the application errors of API.md with their `data` keys as attributes.
class ParseError(CrmdError): code = -32700
class InvalidRequest(CrmdError): code = -32600
class MethodNotFound(CrmdError): code = -32601
class InvalidParams(CrmdError): code, errors = -32602, _datum("errors", [])  # [{path, message}]
class InternalError(CrmdError): code = -32603
class RequiredFieldsMissing(CrmdError): code, missing, stage_id = 1001, _datum("missing", []), _datum("stageId")
class NotFound(CrmdError): code, entity_type, id = 1002, _datum("entityType"), _datum("id")
class DuplicatesFound(CrmdError): code = 1003
class FieldsMissingInTarget(CrmdError): code, fields = 1004, _datum("fields", [])
class Conflict(CrmdError): code, reason = 1005, _datum("reason")  # version, converted, exists...
class Forbidden(CrmdError): code, reason = 1006, _datum("reason")
class InvalidValue(CrmdError): code, field, reason = 1007, _datum("field"), _datum("reason")
class RegistryUnavailable(CrmdError): code, reason = 1008, _datum("reason")


class SubscriptionOverflow(Exception):
    """The server dropped an event subscription that fell too far behind; subscribe again with
    `after=last_seq` to go on with nothing lost."""
    def __init__(self, last_seq: int):
        super().__init__(f"the subscription fell behind and was dropped after seq {last_seq}")
        self.last_seq = last_seq


class ConnectionClosed(ConnectionError):
    """The connection ended before the reply came. `error`: the `CrmdError` crmd sent with
    `"id": null` as its last word before closing, if it did (-32000 `tooManyConnections`,
    -32600 `messageTimeout`, 1006 `unmappedUnixUser` or `userInactive` when the connecting uid
    may not call), else None."""

    def __init__(self, message: str, error: CrmdError | None = None):
        super().__init__(message)
        self.error = error


def default_socket_path(env: Mapping[str, str] = os.environ) -> str:
    """The socket `crmd serve` listens on by default (API.md, "Running"); `$CRMD_SOCKET` wins."""
    if env.get("CRMD_SOCKET"):
        return env["CRMD_SOCKET"]
    if env.get("XDG_RUNTIME_DIR"):
        return os.path.join(env["XDG_RUNTIME_DIR"], "crmd.sock")
    data = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    db = env.get("CRMD_DB") or os.path.join(data, "crmd", "crmd.sqlite")
    return os.path.join(os.path.dirname(db), "crmd.sock")


class _Pending:
    """A caller waiting for the reply with its id."""
    def __init__(self) -> None:
        self.event, self.reply = threading.Event(), None


class Client:
    """One connection to crmd. `call` is safe from many threads: a reader thread hands each
    reply to the caller waiting for its id."""

    def __init__(self, reader: BinaryIO, write: Callable[[bytes], None], framing: str = "ndjson",
                 on_close: Callable[[], None] | None = None, process: subprocess.Popen | None = None):
        """Low level: use `connect` or `spawn`. `reader` yields the server's bytes, `write` sends."""
        if framing not in ("ndjson", "lsp"):
            raise ValueError("framing must be 'ndjson' or 'lsp'")
        self.framing, self.process = framing, process
        self.returncode: int | None = None
        self.notifications: queue.Queue = queue.Queue(maxsize=10000)  # server notifications, oldest dropped
        self.unmatched: queue.Queue = queue.Queue(maxsize=1000)  # replies whose id is no call of ours
        self.stderr_lines: collections.deque = collections.deque(maxlen=200)  # a spawned server's last log lines
        self._reader, self._write, self._on_close = reader, write, on_close
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        # Batches sent and not yet answered, oldest first: a batch refused as a whole (too long,
        # reply too large) is answered by one error with id null, which belongs to the oldest.
        self._batches: collections.deque[list[_Pending]] = collections.deque()
        self._lock, self._write_lock = threading.Lock(), threading.Lock()
        self._callbacks: list[Callable[[dict], None]] = []
        self._closed: BaseException | None = None
        self._last_word: CrmdError | None = None  # an error with id null, if it is the last message so far
        self._thread = threading.Thread(target=self._read_loop, name="crmd-client-reader", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def connect(cls, socket_path: str | None = None, framing: str = "ndjson", timeout: float = 10.0) -> Client:
        """Connects to `crmd serve --socket PATH` (default: `default_socket_path()`)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(socket_path or default_socket_path())
        except OSError:
            sock.close()
            raise
        sock.settimeout(None)

        def close() -> None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        return cls(sock.makefile("rb"), sock.sendall, framing, on_close=close)

    @classmethod
    def spawn(cls, argv: Sequence[str] | str, env: Mapping[str, str] | None = None, framing: str = "ndjson") -> Client:
        """Starts a server as a child (`crmd serve --stdio ...`) and talks over its stdin/stdout.
        Its stderr is drained by a thread into `stderr_lines`, so it can never block."""
        args = shlex.split(argv) if isinstance(argv, str) else list(argv)
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=None if env is None else dict(env))

        def write(data: bytes) -> None:
            proc.stdin.write(data)
            proc.stdin.flush()
        client = cls(proc.stdout, write, framing, process=proc)
        client._on_close = client._stop_process

        def drain() -> None:
            for line in iter(proc.stderr.readline, b""):
                client.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
        client._drain = threading.Thread(target=drain, name="crmd-client-stderr", daemon=True)
        client._drain.start()
        return client

    # ------------------------------------------------------------------ calls
    def call(self, method: str, params: Mapping[str, Any] | None = None, timeout: float | None = None) -> Any:
        """Calls `method` and returns its result; raises `CrmdError` (or a subclass) on an error
        reply, `TimeoutError` after `timeout` seconds, `ConnectionClosed` if the connection ends."""
        (outcome,) = self._exchange([(method, params)], timeout, as_batch=False)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def notify(self, method: str, params: Mapping[str, Any] | None = None) -> None:
        """Sends a notification: no id, no reply."""
        self._send([self._message(method, params, None)])

    def batch(self, calls: Iterable[tuple[str, Mapping[str, Any] | None]], timeout: float | None = None) -> list[Any]:
        """Sends the calls as one JSON-RPC batch; returns, in order, each result or exception instance."""
        return self._exchange(list(calls), timeout, as_batch=True)

    def pipeline(self, calls: Iterable[tuple[str, Mapping[str, Any] | None]], timeout: float | None = None) -> list[Any]:
        """Sends the calls as separate messages at once, then waits for all the replies; returns,
        in order, each result or exception instance."""
        return self._exchange(list(calls), timeout, as_batch=False)

    def subscribe(self, topics: Sequence[str] | None = None, after: int | None = None,
                  timeout: float | None = None) -> Iterator[dict]:
        """Subscribes this connection to the event log (`event.subscribe`) and yields each event
        (`{seq, topic, entityType, id, actor, cause, at, data}`) as it comes: those after `after`
        first, then live ones. Stops after `timeout` seconds without an event (None: never) or
        when the connection ends; raises `SubscriptionOverflow` (with `.last_seq`, to subscribe
        again from) if the server dropped the subscription because it fell behind."""
        events: queue.Queue = queue.Queue()

        def forward(message: dict) -> None:
            if message.get("method") in ("event", "event.overflow"):
                events.put(message)
        self.on_notification(forward)
        params: dict[str, Any] = {"topics": list(topics or [])}
        if after is not None:
            params["after"] = after
        try:
            self.call("event.subscribe", params, timeout=30)
        except BaseException:
            self._callbacks.remove(forward)
            raise
        return self._events(events, forward, timeout)

    def _events(self, events: queue.Queue, forward: Callable[[dict], None], timeout: float | None) -> Iterator[dict]:
        try:
            while True:
                try:
                    message = events.get(timeout=timeout if timeout is not None else 1.0)
                except queue.Empty:
                    if timeout is not None or self._closed is not None:
                        return
                    continue
                if message["method"] == "event.overflow":
                    raise SubscriptionOverflow(message["params"]["lastSeq"])
                yield message["params"]
        finally:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(forward)

    def on_notification(self, callback: Callable[[dict], None]) -> None:
        """Calls `callback(message)` (on the reader thread) for every server notification."""
        self._callbacks.append(callback)

    def close(self, timeout: float = 10.0) -> int | None:
        """Closes the connection (a spawned server gets EOF and should exit); returns the exit
        status of a spawned server, else None."""
        close, self._on_close = self._on_close, None
        if close is not None:
            self._stop_process(timeout) if self.process is not None else close()
        self._thread.join(timeout)
        return self.returncode

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _message(self, method: str, params: Mapping[str, Any] | None, id_: int | None) -> dict:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": dict(params or {})}
        if id_ is not None:
            message["id"] = id_
        return message

    def _exchange(self, calls: list[tuple[str, Any]], timeout: float | None, as_batch: bool) -> list[Any]:
        if not calls:
            return []
        waiters, messages = [], []
        with self._lock:
            if self._closed:
                raise ConnectionClosed(str(self._closed), getattr(self._closed, "error", None))
            for method, params in calls:
                id_ = next(self._ids)
                waiters.append((id_, self._pending.setdefault(id_, _Pending())))
                messages.append(self._message(method, params, id_))
            if as_batch:
                self._batches.append([waiter for _, waiter in waiters])
        try:
            self._send([messages] if as_batch else messages)
        except OSError as error:
            self._forget(waiters)
            if threading.current_thread() is not self._thread:
                self._thread.join(1.0)  # the reader meets the end too, after crmd's last word if any
            raise ConnectionClosed(f"cannot send: {error}", getattr(self._closed, "error", None)) from error
        except BaseException:
            self._forget(waiters)  # params that are not JSON (TypeError, ValueError): nothing was sent
            raise
        outcomes = []
        for id_, waiter in waiters:
            if not waiter.event.wait(timeout):
                self._forget(waiters)
                raise TimeoutError(f"no reply to id {id_} within {timeout} s")
            outcomes.append(self._outcome(waiter.reply))
        self._forget(waiters)
        return outcomes

    def _forget(self, waiters: list[tuple[int, _Pending]]) -> None:
        with self._lock:
            for id_, _ in waiters:
                self._pending.pop(id_, None)
            mine = {id(waiter) for _, waiter in waiters}
            self._batches = collections.deque(b for b in self._batches if id(b[0]) not in mine)

    @staticmethod
    def _outcome(reply: Any) -> Any:
        if isinstance(reply, BaseException):
            return reply
        if "error" in reply:
            error = reply["error"]
            return CrmdError.from_error(error if isinstance(error, dict) else {"code": 0, "message": str(error)})
        return reply.get("result")

    def _send(self, messages: list[Any]) -> None:
        out = bytearray()
        for message in messages:
            body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if self.framing == "lsp":
                out += b"Content-Length: %d\r\n\r\n" % len(body) + body
            else:
                out += body + b"\n"
        with self._write_lock:
            self._write(bytes(out))

    def _read_message(self) -> bytes | None:
        """The next message's bytes, or None at the end of the stream."""
        if self.framing == "ndjson":
            while True:
                line = self._reader.readline()
                if not line:
                    return None
                if line.strip():
                    return line
        length = None
        while True:
            line = self._reader.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                if length is None:
                    continue
                body = self._reader.read(length)
                return body if len(body) == length else None
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())

    def _read_loop(self) -> None:
        reason: BaseException = ConnectionClosed("connection closed")
        try:
            while (data := self._read_message()) is not None:
                try:
                    message = json.loads(data)
                except ValueError:
                    self._put(self.unmatched, data)
                    continue
                for item in message if isinstance(message, list) else [message]:
                    self._dispatch(item)
        except (OSError, ValueError) as error:
            reason = ConnectionClosed(f"connection lost: {error}")
        if self._last_word is not None:
            reason = ConnectionClosed(f"crmd closed the connection: {self._last_word}", self._last_word)
        with self._lock:
            self._closed = reason
            pending, self._pending = self._pending, {}
        for waiter in pending.values():
            waiter.reply = reason
            waiter.event.set()

    def _dispatch(self, item: Any) -> None:
        self._last_word = None
        if isinstance(item, dict) and item.get("id", 0) is None and isinstance(item.get("error"), dict):
            self._last_word = CrmdError.from_error(item["error"])
        if not isinstance(item, dict):
            self._put(self.unmatched, item)
        elif "id" not in item and "method" in item:
            self._put(self.notifications, item)
            for callback in list(self._callbacks):
                try:
                    callback(item)
                except Exception as error:  # a callback's bug must not stop the reader
                    print(f"crmd_client: notification callback failed: {error!r}", file=sys.stderr)
        elif item.get("id") is None and "error" in item:
            with self._lock:
                while self._batches and all(waiter.event.is_set() for waiter in self._batches[0]):
                    self._batches.popleft()
                refused = self._batches.popleft() if self._batches else []
            if not refused:
                self._put(self.unmatched, item)
            for waiter in refused:
                waiter.reply = item
                waiter.event.set()
        else:
            with self._lock:
                waiter = self._pending.get(item["id"]) if type(item.get("id")) is int else None
            if waiter is None:
                self._put(self.unmatched, item)
            else:
                waiter.reply = item
                waiter.event.set()

    @staticmethod
    def _put(q: queue.Queue, item: Any) -> None:
        """Queues `item`, dropping the oldest entry when nobody empties the queue."""
        while True:
            try:
                return q.put_nowait(item)
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    q.get_nowait()

    def _stop_process(self, timeout: float = 10.0) -> None:
        proc = self.process
        assert proc is not None
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            self.returncode = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            self.returncode = proc.wait()
        self._drain.join(timeout)


# ---------------------------------------------------------------------- command line
def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status: 0 result, 1 error reply, 2 usage, 3 no connection."""
    import argparse
    parser = argparse.ArgumentParser(prog="crmd_client.py", description="Call one crmd method and print its result.",
                                     epilog="Socket default: $CRMD_SOCKET, else $XDG_RUNTIME_DIR/crmd.sock, else next to "
                                            "the database. Exit status: 0 result, 1 error reply (on stderr), 2 usage, "
                                            "3 no connection.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--socket", metavar="PATH", help="Unix socket of `crmd serve`")
    where.add_argument("--spawn", metavar="COMMAND", help='e.g. "crmd serve --stdio --db /tmp/x.sqlite"')
    parser.add_argument("--lsp", action="store_true", help="Content-Length framing instead of one message per line")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    parser.add_argument("method")
    parser.add_argument("params", nargs="?", default="{}", help="a JSON object; - reads it from stdin")
    args = parser.parse_args(argv)
    try:
        params = json.loads(sys.stdin.read() if args.params == "-" else args.params)
        if not isinstance(params, dict):
            raise ValueError("not an object")
    except ValueError as error:
        parser.error(f"params must be a JSON object: {error}")
    framing = "lsp" if args.lsp else "ndjson"
    try:
        client = Client.spawn(args.spawn, framing=framing) if args.spawn else Client.connect(args.socket, framing)
    except OSError as error:
        print(f"crmd_client: cannot reach crmd: {error}", file=sys.stderr)
        return 3
    try:
        result = client.call(args.method, params, timeout=args.timeout)
    except CrmdError as error:
        print(json.dumps({"code": error.code, "message": error.message, "data": error.data}, ensure_ascii=False,
                         indent=2), file=sys.stderr)
        return 1
    except (ConnectionClosed, TimeoutError) as error:
        print(f"crmd_client: {error}", *client.stderr_lines, sep="\n", file=sys.stderr)
        return 3
    finally:
        client.close()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
