#!/usr/bin/env python3
"""An invoice from creation to paid, watched two ways (standard library and the client only).

    invoice_to_paid.py SOCKET        talk to a running `crmd serve --socket SOCKET`

1. A webhook (`webhook.add`) on invoice and payment events points at a receiver on
   127.0.0.1 that this script runs; crmd makes the `whsec_` secret and shows it once.
2. A second process, examples/event_listener.py, subscribes to the same events from the
   webhook's starting point and prints each as a line, which this script reads.
3. Our company with requisites and a bank account, a payer company with requisites, a deal
   with product rows; `invoice.createFromDeal`, then `sent` (`invoice.setStatus`), a part
   payment and the rest (`invoice.addPayment`): partiallyPaid, then paid.
4. Every event of the invoice must reach both the listener and the receiver; the receiver
   checks each Standard Webhooks signature itself (HMAC-SHA256 of `id.timestamp.body`,
   key the base64 after `whsec_`) and refuses a forged one with 401.

The webhook is deleted at the end. Prints a summary and OK; exits 1 on anything unexpected.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Clients", "python"))
from crmd_client import Client, ConnectionClosed, CrmdError  # noqa: E402

TOPICS = ["invoice.*", "payment.*"]
WAIT = 30.0  # seconds to wait for events to arrive


class Unexpected(Exception):
    """The server did something this scenario does not expect."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Unexpected(what)


# ---------------------------------------------------------------------------- the receiver

def signature_ok(secret: str, headers: Any, body: bytes) -> bool:
    """Standard Webhooks 1.0: `webhook-signature` holds space-separated `v1,<base64>` entries,
    one of which must be the HMAC-SHA256 of `webhook-id.webhook-timestamp.body`."""
    msg_id, stamp, signatures = (headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (msg_id and stamp and signatures and stamp.isdigit()) or abs(time.time() - int(stamp)) > 300:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    wanted = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(wanted, given) for given in signatures.split())


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps each event whose signature holds, once per
    `webhook-id`, and answers 401 to any other."""

    def __init__(self) -> None:
        self.secret = ""
        self.events: dict[str, dict[str, Any]] = {}
        self.refused = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = signature_ok(receiver.secret, self.headers, body)
                with receiver.lock:
                    if ok:
                        receiver.events.setdefault(self.headers["webhook-id"], json.loads(body))
                    else:
                        receiver.refused += 1
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crmd-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seqs(self) -> set[int]:
        with self.lock:
            return {e["seq"] for e in self.events.values()}


# ---------------------------------------------------------------------------- the listener

def start_listener(socket_path: str, after: int) -> tuple[subprocess.Popen[str], queue.Queue[Any]]:
    """examples/event_listener.py as a child; its lines (events) arrive in the queue."""
    child = subprocess.Popen([sys.executable, os.path.join(HERE, "event_listener.py"), socket_path,
                              "--after", str(after), *TOPICS], stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[Any] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(json.loads(line))
    threading.Thread(target=read, daemon=True).start()
    return child, lines


def wait_for(what: str, seqs: set[int], have: Any) -> None:
    deadline = time.monotonic() + WAIT
    while not seqs <= have():
        expect(time.monotonic() < deadline, f"{what} did not get events {sorted(seqs - have())} within {WAIT} s")
        time.sleep(0.05)


# ---------------------------------------------------------------------------- the invoice

def parties(crm: Client) -> int:
    """Our company (requisites, bank account: made unless there is one) and a payer with
    requisites; the payer's id."""
    if not crm.call("company.list", {"filter": {"isMyCompany": True}, "limit": 1})["items"]:
        seller(crm)
    payer = crm.call("company.add", {"fields": {"title": "ИП Петров"}})
    crm.call("requisite.add", {"entityType": "company", "entityId": payer["id"], "preset": "ip",
                               "fields": {"inn": "500100732259", "shortName": "ИП Петров И. С."}})
    return int(payer["id"])


def seller(crm: Client) -> None:
    ours = crm.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True}})
    requisite = crm.call("requisite.add", {"entityType": "company", "entityId": ours["id"], "preset": "legal", "fields": {
        "inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"}})
    crm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {"bik": "044525593",
                                                                          "account": "40702810801400016513"}})


def invoice_flow(crm: Client) -> dict[str, Any]:
    deal = crm.call("deal.add", {"fields": {"title": "Камеры на склад", "companyId": parties(crm)}})
    crm.call("deal.productRows.set", {"id": deal["id"], "rows": [
        {"name": "Камера IP 4 Мп", "price": Decimal("4500.00"), "quantity": Decimal("4")},
        {"name": "Монтаж", "price": Decimal("2500"), "quantity": Decimal("1")}]})
    invoice = crm.call("invoice.createFromDeal", {"dealId": deal["id"]})
    expect(invoice["status"] == "draft", f"a new invoice is {invoice['status']}")
    print(f"invoice № {invoice['number']} for {invoice['total']} {invoice['currency']} ({invoice['amountInWords']})")
    invoice = crm.call("invoice.setStatus", {"id": invoice["id"], "status": "sent"})
    expect(invoice["status"] == "sent", f"the invoice is {invoice['status']}, not sent")
    print("  status: sent")
    total = Decimal(invoice["total"])
    first = (total / 2).quantize(Decimal("0.01"))
    for amount, status in ((first, "partiallyPaid"), (total - first, "paid")):
        invoice = crm.call("invoice.addPayment", {"id": invoice["id"], "amount": amount, "date": invoice["date"],
                                                  "reference": f"п/п {status}"})
        expect(invoice["status"] == status, f"after paying {amount} the invoice is {invoice['status']}, not {status}")
        print(f"  paid {amount}: {status}")
    return dict(invoice)


def all_events(crm: Client, after: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = crm.call("event.list", {"after": after, "topics": TOPICS, "limit": 1000})
        events += page["items"]
        if not page["items"]:
            return events
        after = page["last"]


def run(crm: Client, socket_path: str) -> None:
    receiver = Receiver()
    hook = crm.call("webhook.add", {"url": receiver.url, "topics": TOPICS})
    receiver.secret = hook["secret"]
    expect(hook["secret"].startswith("whsec_"), "webhook.add gave no whsec_ secret")
    print(f"webhook {hook['id']} -> {receiver.url}, from event {hook['cursor']}")
    listener, lines = start_listener(socket_path, hook["cursor"])
    heard: dict[int, dict[str, Any]] = {}
    try:
        invoice = invoice_flow(crm)
        events = [e for e in all_events(crm, hook["cursor"])
                  if e["id"] == invoice["id"] or (e.get("data", {}).get("owner") or {}).get("id") == invoice["id"]]
        topics = [e["topic"] for e in events]
        expect(topics[:1] == ["invoice.created"] and topics.count("payment.created") == 2,
               f"the invoice's events are {topics}")
        expect("invoice.statusChanged" in topics, f"no invoice.statusChanged among {topics}")
        seqs = {e["seq"] for e in events}

        def listened() -> set[int]:
            while not lines.empty():
                event = lines.get_nowait()
                heard[event["seq"]] = event
            return set(heard)
        wait_for("the listener", seqs, listened)
        wait_for("the webhook receiver", seqs, receiver.seqs)
        expect(all(heard[s] == e for s, e in zip(sorted(seqs), sorted(events, key=lambda e: e["seq"]))),
               "the listener printed events other than the log's")
        forged = urllib.request.Request(receiver.url, data=b'{"seq": 1}', method="POST", headers={
            "webhook-id": "evt_1", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,AAAA"})
        try:
            urllib.request.urlopen(forged, timeout=10)
            raise Unexpected("the receiver took a forged webhook")
        except urllib.error.HTTPError as refusal:
            expect(refusal.code == 401, f"a forged webhook got {refusal.code}")
        print(f"\nevents of invoice {invoice['id']}:")
        for event in sorted(events, key=lambda e: e["seq"]):
            print(f"  {event['seq']:>6} {event['topic']:<22} listener ✓  webhook ✓ signed")
        print(f"summary: {len(events)} events, heard by the listener and delivered with valid signatures; "
              f"{receiver.refused} forged request refused; invoice {invoice['status']}")
    finally:
        listener.terminate()
        status = listener.wait(30)
        crm.call("webhook.delete", {"id": hook["id"]})
        receiver.server.shutdown()
    expect(status == 0, f"the listener exited with {status}")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        crm = Client.connect(argv[0])
    except OSError as error:
        print(f"cannot reach crmd: {error}", file=sys.stderr)
        return 1
    try:
        run(crm, argv[0])
    except (Unexpected, CrmdError, ConnectionClosed, TimeoutError) as error:
        print(f"\nUNEXPECTED: {type(error).__name__}: {error}", file=sys.stderr)
        if isinstance(error, CrmdError):
            print(f"  data: {error.data}", file=sys.stderr)
        return 1
    finally:
        crm.close()
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
