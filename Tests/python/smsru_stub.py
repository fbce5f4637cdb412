"""A loopback stand-in for SMS.ru's HTTP API, speaking its real request and answer formats.

`POST /sms/send` (or GET) with `api_id`, `to`, `msg`, `json=1` as form fields or query
parameters answers as SMS.ru does with `json=1`:

    {"status": "OK", "status_code": 100, "balance": 10.5,
     "sms": {"79161234567": {"status": "OK", "status_code": 100, "sms_id": "000000-10000001"}}}

A wrong `api_id` is `{"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}`.
What the next requests get can be scripted, in order (`script`) or by number (`by_number`):

- `"ok"`: taken;
- `("error", code, text)`: the whole request refused (`status: ERROR`), e.g. 201 no funds, 220 unavailable;
- `("number", code, text)`: the request is OK but that number is refused, e.g. 202 wrong number;
- an int: that HTTP status with an HTML body (503);
- `"timeout"`: no answer for `hold_seconds`, then the connection closes;
- `"hold"`: no answer until `release()` (to kill crmd while SMS.ru has the message);
- `"garbage"`: 200 with a body that is not JSON.

`POST /sms/status` with `api_id`, `sms_id` (comma-separated) and `json=1` answers each id's
report from `reports` (sms_id → (status_code, status_text)); an id it gave out and has no report
for is 103 «Сообщение доставлено», any other `{"status": "ERROR", "status_code": -1}`.

Every request is recorded (`requests`) with its fields and what it was answered; a message
counts as sent (`sent`) only when it was answered OK. Run as a script it prints its port and
serves until killed.
"""
from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse

API_ID = "A3CA597E-3ACF-4E7D-82EE-CF82B52B1A8B"


class SmsRuStub:
    def __init__(self, api_id: str = API_ID, script=(), by_number=None, hold_seconds: float = 3.0):
        self.api_id = api_id
        self.script = list(script)
        self.by_number = dict(by_number or {})
        self.hold_seconds = hold_seconds
        self.requests: list[dict] = []
        self.reports: dict[str, tuple[int, str]] = {}
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.holding = threading.Event()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self.handle_call(b"")

            def do_POST(self):
                self.handle_call(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def handle_call(self, body: bytes):
                url = urllib.parse.urlsplit(self.path)
                fields = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                if body:
                    fields.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
                request = {"method": self.command, "path": url.path, "fields": fields,
                           "content_type": self.headers.get("Content-Type"), "at": time.monotonic()}
                with stub.lock:
                    stub.requests.append(request)
                    to = fields.get("to", "")
                    if to in stub.by_number and stub.by_number[to]:
                        action = stub.by_number[to].pop(0)
                    elif stub.script:
                        action = stub.script.pop(0)
                    else:
                        action = "ok"
                    serial = len(stub.requests)
                if url.path == "/sms/status":
                    return self.status(fields)
                request["action"] = action
                if action == "timeout":
                    time.sleep(stub.hold_seconds)
                    self.close_connection = True
                    return
                if action == "hold":
                    stub.holding.set()
                    stub.released.wait(60)
                    self.close_connection = True
                    return
                if isinstance(action, int):
                    return self.answer(action, b"<html><body>Service Unavailable</body></html>", "text/html")
                if action == "garbage":
                    return self.answer(200, b"<html>maintenance</html>", "text/html")
                if url.path != "/sms/send" or fields.get("json") != "1" or not to or "msg" not in fields:
                    return self.reply({"status": "ERROR", "status_code": 211, "status_text": "Метод не найден"})
                if fields.get("api_id") != stub.api_id:
                    return self.reply({"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"})
                if isinstance(action, tuple) and action[0] == "error":
                    return self.reply({"status": "ERROR", "status_code": action[1], "status_text": action[2]})
                if isinstance(action, tuple) and action[0] == "number":
                    entry = {"status": "ERROR", "status_code": action[1], "status_text": action[2]}
                else:
                    entry = {"status": "OK", "status_code": 100, "sms_id": f"000000-{10000000 + serial}"}
                    request["sent"] = True
                self.reply({"status": "OK", "status_code": 100, "sms": {to: entry}, "balance": 10.5})

            def status(self, fields: dict):
                if fields.get("api_id") != stub.api_id:
                    return self.reply({"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"})
                given = {f"000000-{10000000 + n}" for n, r in enumerate(stub.calls(), 1) if r.get("sent")}
                answer = {}
                for sms_id in fields.get("sms_id", "").split(","):
                    if sms_id in stub.reports:
                        code, text = stub.reports[sms_id]
                        answer[sms_id] = {"status": "OK", "status_code": code, "cost": 1.5, "status_text": text}
                    elif sms_id in given:
                        answer[sms_id] = {"status": "OK", "status_code": 103, "cost": 1.5, "status_text": "Сообщение доставлено"}
                    else:
                        answer[sms_id] = {"status": "ERROR", "status_code": -1, "status_text": "Передан неправильный идентификатор"}
                self.reply({"status": "OK", "status_code": 100, "sms": answer, "balance": 10.5})

            def reply(self, answer: dict):
                self.answer(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

            def answer(self, status: int, body: bytes, content_type: str):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls(self) -> list[dict]:
        with self.lock:
            return list(self.requests)

    def sent(self) -> list[dict]:
        """The fields of each request answered OK for its number, in order."""
        return [r["fields"] for r in self.calls() if r.get("sent")]

    def wait_for(self, predicate, timeout: float = 30, what: str = "the stub's requests"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.calls()):
                return self.calls()
            time.sleep(0.02)
        raise AssertionError(f"waited for {what}; got {self.calls()}")

    def release(self):
        self.released.set()

    def close(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    stub = SmsRuStub()
    print(stub.port, flush=True)
    threading.Event().wait()
