#!/usr/bin/env python3
"""Webhook deliveries to a loopback receiver (issue 12): how many signed POSTs crmd's outbox
delivers per second.

    bench/webhooks.py                 # 5,000 events
    EVENTS=20000 bench/webhooks.py

crmd (`$CRMD_BIN`, else .build/release/crmd) runs on a temporary database. A webhook for
`lead.created` is added and turned off, EVENTS leads are added (so the outbox holds them
all), then the webhook is turned on and the receiver, a threaded `http.server` on 127.0.0.1,
counts until every event has arrived. The receiver checks each request's Standard Webhooks
signature (HMAC-SHA256 of `id.timestamp.body` with the secret crmd generated) and that the
events come in `seq` order, once each. Prints the deliveries per second (target >= 1,000/s)
and one JSON line. Standard library only.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Clients" / "python"))
from crmd_client import Client  # noqa: E402

CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
EVENTS = int(os.environ.get("EVENTS", "5000"))
LEAD = {"title": "bench", "phones": [{"value": "+7 916 000-00-00"}], "emails": [{"value": "b@e.ru"}], "city": "М", "topic": "т"}


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.key = b""
        self.lock = threading.Lock()
        self.seqs: list[int] = []
        self.ids: set[str] = set()
        self.bad: list[str] = []
        self.first = self.last = 0.0
        self.done = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        id_, stamp = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "")
        expected = base64.b64encode(hmac.new(self.server.key, f"{id_}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
        signatures = [part.split(",", 1)[1] for part in self.headers.get("webhook-signature", "").split() if part.startswith("v1,")]
        now = time.perf_counter()
        with self.server.lock:
            if not any(hmac.compare_digest(expected, s) for s in signatures):
                self.server.bad.append(f"bad signature on {id_}")
            if id_ not in self.server.ids:
                self.server.ids.add(id_)
                self.server.seqs.append(json.loads(body)["seq"])
            self.server.first = self.server.first or now
            self.server.last = now
            if len(self.server.ids) >= EVENTS:
                self.server.done.set()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="crmd-webhooks-bench-") as directory:
        sock = f"{directory}/crm.sock"
        server = subprocess.Popen([CRMD, "serve", "--db", f"{directory}/crm.sqlite", "--socket", sock], stderr=subprocess.DEVNULL)
        receiver = Receiver()
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        try:
            for _ in range(500):
                if os.path.exists(sock):
                    break
                time.sleep(0.02)
            with Client.connect(sock) as crm:
                hook = crm.call("webhook.add", {"url": f"http://127.0.0.1:{receiver.server_port}/hook", "topics": ["lead.created"]})
                receiver.key = base64.b64decode(hook["secret"].removeprefix("whsec_"))
                crm.call("webhook.update", {"id": hook["id"], "active": False})
                print(f"adding {EVENTS} leads with the webhook off", flush=True)
                for start in range(0, EVENTS, 500):
                    replies = crm.pipeline([("lead.add", {"fields": LEAD})] * min(500, EVENTS - start), timeout=120)
                    failed = [reply for reply in replies if isinstance(reply, BaseException)]
                    if failed:
                        sys.exit(f"lead.add failed ({len(failed)} of {len(replies)}): {failed[0]!r}")
                print("turning the webhook on", flush=True)
                started = time.perf_counter()
                crm.call("webhook.update", {"id": hook["id"], "active": True})
                if not receiver.done.wait(600):
                    sys.exit(f"only {len(receiver.ids)} of {EVENTS} deliveries within 600 s")
                elapsed = receiver.last - started
        finally:
            server.terminate()
            server.wait()
            receiver.shutdown()
    in_order = receiver.seqs == sorted(receiver.seqs)
    rate = EVENTS / elapsed
    print(f"{EVENTS} deliveries in {elapsed:.2f} s: {rate:.0f}/s   (target >= 1000)   {'PASS' if rate >= 1000 else 'MISS'}")
    print(f"signatures checked: {EVENTS - len(receiver.bad)} good, {len(receiver.bad)} bad; in seq order: {in_order}")
    print(json.dumps({"deliveries": EVENTS, "seconds": round(elapsed, 3), "perSecond": round(rate), "badSignatures": len(receiver.bad),
                      "inOrder": in_order}))
    if receiver.bad or not in_order:
        sys.exit(1)


if __name__ == "__main__":
    main()
