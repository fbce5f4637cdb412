#!/usr/bin/env python3
"""A client for crmd, the headless CRM engine (JSON-RPC 2.0 over a Unix socket or a child's stdio).

Standard library only. As a module::

    with Client.connect("/run/user/1000/crmd.sock") as crm:
        lead = crm.call("lead.get", {"id": 1})

As a program::

    python3 crmd_client.py [--socket PATH | --spawn "crmd serve --stdio --db X"] [--lsp] METHOD [JSON|-]

Money and quantities are decimal strings in the API and stay strings here: nothing is
converted to float, and a `decimal.Decimal` in params is sent as its decimal string
(`Decimal("12.30")` -> `"12.30"`). Replies are matched to calls by id; notifications from the
server (messages without an id) go to the callbacks given to `on_notification` and to the
`notifications` queue, never to a caller waiting for a reply.

A call waits at most `call_timeout` seconds (`DEFAULT_CALL_TIMEOUT`, 30, unless the client or
the call says otherwise; `None` waits forever) and then raises `TimeoutError`. An error reply
raises the `CrmdError` subclass of its code (`NotFound` for 1002, ...; `ApplicationError` for
an application code this client does not know yet).
"""
from __future__ import annotations

import collections
import contextlib
import decimal
import enum
import itertools
import json
import os
import queue
import shlex
import socket
import subprocess
import sys
import threading
import time
from typing import IO, Any, Callable, Final, Iterable, Iterator, Literal, Mapping, Sequence, Union

__all__ = ["Client", "CrmdError", "ConnectionClosed", "ParseError", "InvalidRequest", "MethodNotFound",
           "InvalidParams", "InternalError", "ServerError", "ApplicationError", "RequiredFieldsMissing", "NotFound",
           "DuplicatesFound", "FieldsMissingInTarget", "Conflict", "Forbidden", "InvalidValue", "RegistryUnavailable",
           "SubscriptionOverflow", "DEFAULT_CALL_TIMEOUT", "default_socket_path"]

DEFAULT_CALL_TIMEOUT: Final = 30.0
"""Seconds a call waits for its reply unless the client or the call says otherwise."""

JSONObject = dict[str, Any]


class _Default(enum.Enum):
    """The type of `CLIENT_DEFAULT`."""
    TIMEOUT = "the client's call_timeout"


CLIENT_DEFAULT: Final = _Default.TIMEOUT
"""A call's `timeout` when it is not given: the client's `call_timeout`."""

Timeout = Union[float, None, Literal[_Default.TIMEOUT]]


class CrmdError(Exception):
    """An error reply: JSON-RPC `code`, `message` and `data` (None when absent). `from_error`
    makes the subclass registered for the code, so `except NotFound:` catches 1002 only."""

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
        """The exception for a reply's `error` object: of the subclass for its code; for a code
        with none, `ApplicationError` (1000 and up), `ServerError` (-32099 to -32000) or
        `CrmdError` itself."""
        code = error.get("code")
        if not isinstance(code, int) or isinstance(code, bool):
            return CrmdError(0, str(error.get("message", "")), error.get("data"))
        cls = CrmdError._by_code.get(code)
        if cls is None:
            cls = ApplicationError if code >= 1000 else ServerError if -32099 <= code <= -32000 else CrmdError
        return cls(code, str(error.get("message", "")), error.get("data"))

    def _datum(self, key: str, default: Any = None) -> Any:
        """`data[key]`, or `default` when `data` is no object or lacks it."""
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def _text(self, key: str) -> str | None:
        """`data[key]` if it is a string, else None."""
        value = self._datum(key)
        return value if isinstance(value, str) else None

    def _list(self, key: str) -> list[Any]:
        """`data[key]` if it is a list, else an empty list."""
        value = self._datum(key)
        return value if isinstance(value, list) else []


# Protocol faults (JSON-RPC 2.0), then the application errors of API.md ("Errors", and the
# `x-errorCodes` of Schemas/common.json) with their `data` keys as attributes.
class ParseError(CrmdError):
    code = -32700


class InvalidRequest(CrmdError):
    code = -32600


class MethodNotFound(CrmdError):
    code = -32601


class InvalidParams(CrmdError):
    code = -32602

    @property
    def errors(self) -> list[Any]:
        """`[{path, message}]`: what the schema found wrong."""
        return self._list("errors")


class InternalError(CrmdError):
    code = -32603


class ServerError(CrmdError):
    """-32000, and the fallback for the rest of JSON-RPC's server range (-32099 to -32000):
    crmd sends -32000 `tooManyConnections` with `"id": null` before closing the connection."""
    code = -32000

    @property
    def reason(self) -> str | None:
        return self._text("reason")

    @property
    def scope(self) -> str | None:
        """`total` or `user`: which limit of connections was reached."""
        return self._text("scope")

    @property
    def limit(self) -> int | None:
        value = self._datum("limit")
        return value if isinstance(value, int) else None


class ApplicationError(CrmdError):
    """The base of the application errors (1001 and up), and the exception for an
    application code this client does not know yet (its `code` is the one received)."""

    @property
    def reason(self) -> str | None:
        """`data.reason`, which most application errors carry."""
        return self._text("reason")


class RequiredFieldsMissing(ApplicationError):
    """1001 REQUIRED_FIELDS_MISSING `{entityType, id, stageId, missing: [{field, title}]}`."""
    code = 1001

    @property
    def missing(self) -> list[Any]:
        return self._list("missing")

    @property
    def stage_id(self) -> str | None:
        return self._text("stageId")


class NotFound(ApplicationError):
    """1002 NOT_FOUND `{entityType, id}`."""
    code = 1002

    @property
    def entity_type(self) -> str | None:
        return self._text("entityType")

    @property
    def id(self) -> Any:
        return self._datum("id")


class DuplicatesFound(ApplicationError):
    """1003 DUPLICATES_FOUND `{contact: [match], company: [match]}`."""
    code = 1003


class FieldsMissingInTarget(ApplicationError):
    """1004 FIELDS_MISSING_IN_TARGET `{fields: [{field, title, type, missingIn}]}`."""
    code = 1004

    @property
    def fields(self) -> list[Any]:
        return self._list("fields")


class Conflict(ApplicationError):
    """1005 CONFLICT `{reason}`: `version`, `converted`, `slotBusy`, `paid`, ..."""
    code = 1005


class Forbidden(ApplicationError):
    """1006 FORBIDDEN `{reason}`: `denied` (with `permission`), `tokenRevoked`, ..."""
    code = 1006


class InvalidValue(ApplicationError):
    """1007 INVALID_VALUE `{field, reason}`."""
    code = 1007

    @property
    def field(self) -> str | None:
        return self._text("field")


class RegistryUnavailable(ApplicationError):
    """1008 REGISTRY_UNAVAILABLE `{reason}`: the online registry could not be read or reached."""
    code = 1008


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
    """A caller waiting for the reply with its id: the reply (a message, or the exception that
    ended the connection) is set once, then `event`."""
    def __init__(self) -> None:
        self.event = threading.Event()
        self.reply: JSONObject | BaseException | None = None


def _json_default(value: object) -> str:
    """Encodes what `json` cannot: a `Decimal` as its decimal string, in positional notation
    (`Decimal("12.30")` -> `"12.30"`, `Decimal("1E+2")` -> `"100"`), never through a float."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a decimal number crmd accepts")
        return format(value, "f")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class Client:
    """One connection to crmd. `call` is safe from many threads: a reader thread hands each
    reply to the caller waiting for its id. A call that is not answered within its timeout, or
    whose message cannot be sent, leaves nothing behind in the table of calls waiting."""

    def __init__(self, reader: IO[bytes], write: Callable[[bytes], None], framing: str = "ndjson",
                 on_close: Callable[[], None] | None = None, process: subprocess.Popen[bytes] | None = None,
                 call_timeout: float | None = DEFAULT_CALL_TIMEOUT):
        """Low level: use `connect` or `spawn`. `reader` yields the server's bytes, `write` sends.
        `call_timeout`: seconds a call waits for its reply unless it says otherwise (None: forever)."""
        if framing not in ("ndjson", "lsp"):
            raise ValueError("framing must be 'ndjson' or 'lsp'")
        self.framing, self.process = framing, process
        self.call_timeout = call_timeout
        self.returncode: int | None = None
        self.notifications: queue.Queue[JSONObject] = queue.Queue(maxsize=10000)  # server notifications, oldest dropped
        self.unmatched: queue.Queue[Any] = queue.Queue(maxsize=1000)  # replies whose id is no call of ours
        self.stderr_lines: collections.deque[str] = collections.deque(maxlen=200)  # a spawned server's last log lines
        self._reader, self._write, self._on_close = reader, write, on_close
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        # Batches sent and not yet answered, oldest first: a batch refused as a whole (too long,
        # reply too large) is answered by one error with id null, which belongs to the oldest.
        self._batches: collections.deque[list[_Pending]] = collections.deque()
        self._lock, self._write_lock = threading.Lock(), threading.Lock()
        self._callbacks: list[Callable[[JSONObject], None]] = []
        self._closed: BaseException | None = None
        self._last_word: CrmdError | None = None  # an error with id null, if it is the last message so far
        self._drain: threading.Thread | None = None
        self._thread = threading.Thread(target=self._read_loop, name="crmd-client-reader", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def connect(cls, socket_path: str | None = None, framing: str = "ndjson", timeout: float = 10.0,
                call_timeout: float | None = DEFAULT_CALL_TIMEOUT) -> Client:
        """Connects to `crmd serve --socket PATH` (default: `default_socket_path()`) within
        `timeout` seconds; calls then wait `call_timeout` seconds each (None: forever)."""
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
        return cls(sock.makefile("rb"), sock.sendall, framing, on_close=close, call_timeout=call_timeout)

    @classmethod
    def spawn(cls, argv: Sequence[str] | str, env: Mapping[str, str] | None = None, framing: str = "ndjson",
              call_timeout: float | None = DEFAULT_CALL_TIMEOUT) -> Client:
        """Starts a server as a child (`crmd serve --stdio ...`) and talks over its stdin/stdout.
        Its stderr is drained by a thread into `stderr_lines`, so it can never block."""
        args = shlex.split(argv) if isinstance(argv, str) else list(argv)
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=None if env is None else dict(env))
        stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
        assert stdin is not None and stdout is not None and stderr is not None

        def write(data: bytes) -> None:
            try:
                stdin.write(data)
                stdin.flush()
            except ValueError as error:  # the pipe was closed by `close`
                raise BrokenPipeError(str(error)) from error
        client = cls(stdout, write, framing, process=proc, call_timeout=call_timeout)
        client._on_close = client._stop_process

        def drain() -> None:
            for line in iter(stderr.readline, b""):
                client.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
        client._drain = threading.Thread(target=drain, name="crmd-client-stderr", daemon=True)
        client._drain.start()
        return client

    # ------------------------------------------------------------------ calls
    def call(self, method: str, params: Mapping[str, Any] | None = None, timeout: Timeout = CLIENT_DEFAULT) -> Any:
        """Calls `method` and returns its result; raises `CrmdError` (or a subclass) on an error
        reply, `TimeoutError` after `timeout` seconds (default: the client's `call_timeout`;
        None waits forever), `ConnectionClosed` if the connection ends or the call cannot be sent."""
        (outcome,) = self._exchange([(method, params)], timeout, as_batch=False)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def notify(self, method: str, params: Mapping[str, Any] | None = None) -> None:
        """Sends a notification: no id, no reply."""
        self._send([self._message(method, params, None)])

    def batch(self, calls: Iterable[tuple[str, Mapping[str, Any] | None]], timeout: Timeout = CLIENT_DEFAULT) -> list[Any]:
        """Sends the calls as one JSON-RPC batch; returns, in order, each result or exception
        instance. `timeout` bounds the wait for all of them, as for `call`."""
        return self._exchange(list(calls), timeout, as_batch=True)

    def pipeline(self, calls: Iterable[tuple[str, Mapping[str, Any] | None]], timeout: Timeout = CLIENT_DEFAULT) -> list[Any]:
        """Sends the calls as separate messages at once, then waits for all the replies; returns,
        in order, each result or exception instance. `timeout` bounds the wait, as for `call`."""
        return self._exchange(list(calls), timeout, as_batch=False)

    def subscribe(self, topics: Sequence[str] | None = None, after: int | None = None,
                  timeout: float | None = None) -> Iterator[JSONObject]:
        """Subscribes this connection to the event log (`event.subscribe`) and yields each event
        (`{seq, topic, entityType, id, actor, cause, at, data}`) as it comes: those after `after`
        first, then live ones. Stops after `timeout` seconds without an event (None: never) or
        when the connection ends; raises `SubscriptionOverflow` (with `.last_seq`, to subscribe
        again from) if the server dropped the subscription because it fell behind."""
        events: queue.Queue[JSONObject] = queue.Queue()

        def forward(message: JSONObject) -> None:
            if message.get("method") in ("event", "event.overflow"):
                events.put(message)
        self.on_notification(forward)
        params: JSONObject = {"topics": list(topics or [])}
        if after is not None:
            params["after"] = after
        try:
            self.call("event.subscribe", params)
        except BaseException:
            self._callbacks.remove(forward)
            raise
        return self._events(events, forward, timeout)

    def _events(self, events: queue.Queue[JSONObject], forward: Callable[[JSONObject], None],
                timeout: float | None) -> Iterator[JSONObject]:
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
                event: JSONObject = message["params"]
                yield event
        finally:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(forward)

    def on_notification(self, callback: Callable[[JSONObject], None]) -> None:
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

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _message(method: str, params: Mapping[str, Any] | None, id_: int | None) -> JSONObject:
        message: JSONObject = {"jsonrpc": "2.0", "method": method, "params": dict(params or {})}
        if id_ is not None:
            message["id"] = id_
        return message

    def _exchange(self, calls: list[tuple[str, Mapping[str, Any] | None]], timeout: Timeout,
                  as_batch: bool) -> list[Any]:
        if not calls:
            return []
        wait = self.call_timeout if timeout is CLIENT_DEFAULT else timeout
        waiters: list[tuple[int, _Pending]] = []
        messages: list[JSONObject] = []
        with self._lock:
            if self._closed:
                raise ConnectionClosed(str(self._closed), getattr(self._closed, "error", None))
            for method, params in calls:
                id_ = next(self._ids)
                waiters.append((id_, self._pending.setdefault(id_, _Pending())))
                messages.append(self._message(method, params, id_))
            if as_batch:
                self._batches.append([waiter for _, waiter in waiters])
        # Whatever happens from here (a reply, an error reply, a timeout, a failed send, params
        # that are not JSON, an interrupt), the waiters are forgotten on the way out.
        try:
            try:
                self._send([messages] if as_batch else messages)
            except OSError as error:
                self._broken(error)
                raise ConnectionClosed(f"cannot send: {error}", getattr(self._closed, "error", None)) from error
            deadline = None if wait is None else time.monotonic() + wait
            outcomes = []
            for id_, waiter in waiters:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not waiter.event.wait(left):
                    raise TimeoutError(f"no reply to id {id_} within {wait} s")
                outcomes.append(self._outcome(waiter.reply))
            return outcomes
        finally:
            self._forget(waiters)

    def _broken(self, error: OSError) -> None:
        """After a failed send: the stream may hold part of a message, so nothing more is sent on
        it. The reader is given a moment to meet the end too and keep crmd's last word if any."""
        if threading.current_thread() is not self._thread:
            self._thread.join(1.0)
        with self._lock:
            if self._closed is None:
                self._closed = ConnectionClosed(f"cannot send: {error}", self._last_word)

    def _forget(self, waiters: list[tuple[int, _Pending]]) -> None:
        with self._lock:
            for id_, _ in waiters:
                self._pending.pop(id_, None)
            mine = {id(waiter) for _, waiter in waiters}
            self._batches = collections.deque(b for b in self._batches if id(b[0]) not in mine)

    @staticmethod
    def _outcome(reply: JSONObject | BaseException | None) -> Any:
        if isinstance(reply, BaseException):
            return reply
        if reply is None:
            return ConnectionClosed("no reply")
        if "error" in reply:
            error = reply["error"]
            return CrmdError.from_error(error if isinstance(error, dict) else {"code": 0, "message": str(error)})
        return reply.get("result")

    def _send(self, messages: Sequence[Any]) -> None:
        out = bytearray()
        for message in messages:
            body = json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode("utf-8")
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
        reason: ConnectionClosed = ConnectionClosed("connection closed")
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
                found = self._pending.get(item["id"]) if type(item.get("id")) is int else None
            if found is None:
                self._put(self.unmatched, item)
            else:
                found.reply = item
                found.event.set()

    @staticmethod
    def _put(q: queue.Queue[Any], item: Any) -> None:
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
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            self.returncode = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            self.returncode = proc.wait()
        if self._drain is not None:
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
