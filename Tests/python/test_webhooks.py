"""Webhooks (issue 12, item 3) against the real crmd and a real HTTP receiver on loopback.

- deliveries are signed per Standard Webhooks 1.0 and verified by an independent
  implementation (the `standardwebhooks` package), carry `webhook-id: evt_<seq>`, come in seq
  order and only for the topics named;
- 5xx, a redirect and a connection closed mid-answer are retried with backoff, in order (the
  next event waits); a 4xx gives the event up and the next goes on; a webhook failing for
  longer than `webhookDisableAfterSeconds` is turned off, and on again goes on from its cursor;
- `webhook.deliveries` shows every attempt and answer, `webhook.redeliver` posts an event again;
- bad URLs (not http, https) and a caller without settings rights are refused;
- kill -9 during a burst with a webhook attached: after restart every event is delivered, at
  least once and in order.
"""
from __future__ import annotations

import http.server
import json
import socket
import threading
import time

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from conftest import CheckedClient, CrmdServer
from crmd_client import Forbidden, InvalidValue
from helpers import write_until_killed

LEAD = {"title": "Монтаж", "phones": [{"value": "+7 916 123-45-67"}], "emails": [{"value": "a@b.ru"}],
        "city": "Москва", "topic": "Камеры"}


class Receiver:
    """A loopback HTTP server recording each POST; `script` says how to answer each one in turn
    (an int status, "close" to drop the connection mid-answer, "redirect"), then 200."""

    def __init__(self, script=()):
        self.requests: list[dict] = []
        self.script = list(script)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body})
                    action = receiver.script.pop(0) if receiver.script else 200
                if action == "close":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "redirect":
                    self.send_response(307)
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                answer = json.dumps({"seen": len(receiver.requests)}).encode()
                self.send_response(action)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/crm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self) -> list[dict]:
        with self.lock:
            return list(self.requests)

    def wait_for(self, count: int, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            requests = self.delivered()
            if len(requests) >= count:
                return requests
            time.sleep(0.02)
        raise AssertionError(f"waited for {count} deliveries, got {len(self.delivered())}")

    def close(self):
        self.server.shutdown()


def checked(server):
    return CheckedClient(server.client())


def events_of(requests):
    return [json.loads(r["body"]) for r in requests]


def test_deliveries_are_signed_in_order_and_only_of_their_topics(server):
    receiver = Receiver()
    crm = checked(server)
    crm.call("lead.add", {"fields": LEAD})  # before the webhook: not delivered
    hook = crm.call("webhook.add", {"url": receiver.url, "topics": ["lead.*"]})
    assert hook["secret"].startswith("whsec_") and hook["cursor"] == 1
    assert "secret" not in crm.call("webhook.list")["items"][0]
    lead = crm.call("lead.add", {"fields": LEAD})
    crm.call("lead.update", {"id": lead["id"], "fields": {"city": "Тверь"}})
    crm.call("product.add", {"fields": {"name": "Камера", "price": "100.00"}})  # another topic
    crm.call("lead.update", {"id": lead["id"], "fields": {"city": "Омск"}})
    requests = receiver.wait_for(3)
    time.sleep(0.5)
    assert len(receiver.delivered()) == 3
    verifier = Verifier(hook["secret"])
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        payload = verifier.verify(request["body"], headers)  # raises on a bad signature or an old timestamp
        assert headers["webhook-id"] == f"evt_{payload['seq']}"
        assert headers["content-type"] == "application/json"
    events = events_of(requests)
    assert [e["topic"] for e in events] == ["lead.created", "lead.updated", "lead.updated"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert events == crm.call("event.list", {"after": 1, "topics": ["lead.*"]})["items"]
    # A tampered body does not verify.
    with pytest.raises(Exception):
        Verifier(hook["secret"]).verify(requests[0]["body"].replace(b"lead", b"deal"),
                                        {k.lower(): v for k, v in requests[0]["headers"].items()})
    attempts = crm.call("webhook.deliveries", {"id": hook["id"]})["items"]
    assert [a["outcome"] for a in attempts] == ["delivered"] * 3 and all(a["status"] == 200 for a in attempts)
    assert crm.call("webhook.list")["items"][0]["cursor"] == crm.call("event.list", {"after": 0, "limit": 1000})["last"]
    receiver.close()


def test_failures_are_retried_in_order_and_a_4xx_gives_the_event_up(server):
    receiver = Receiver([503, "redirect", "close", 400])
    crm = checked(server)
    hook = crm.call("webhook.add", {"url": receiver.url, "topics": ["lead.created"]})
    first = crm.call("lead.add", {"fields": LEAD})
    second = crm.call("lead.add", {"fields": LEAD})
    # 503, 307, a cut answer: the first is tried again 1, 2 and 4 s later, and its fourth try's 400 gives it up;
    # the second waits for it, then goes through.
    requests = receiver.wait_for(5, timeout=30)
    ids = [e["id"] for e in events_of(requests)]
    assert ids == [first["id"]] * 4 + [second["id"]]
    third = crm.call("lead.add", {"fields": LEAD})
    requests = receiver.wait_for(6)
    assert events_of(requests)[-1]["id"] == third["id"]
    # The deliverer records a batch's attempts once it has posted them: wait for the last one.
    deadline = time.monotonic() + 10
    while len(attempts := crm.call("webhook.deliveries", {"id": hook["id"]})["items"]) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    attempts = list(reversed(attempts))
    assert [(a["attempt"], a["status"], a["outcome"]) for a in attempts] == [
        (1, 503, "retry"), (2, 307, "retry"), (3, None, "retry"), (4, 400, "failed"), (1, 200, "delivered"), (1, 200, "delivered")]
    assert "closed the connection 4 bytes into an answer of 100" in attempts[2]["error"]
    gaps = [time.mktime(time.strptime(b["at"], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.strptime(a["at"], "%Y-%m-%dT%H:%M:%SZ"))
            for a, b in zip(attempts[:4], attempts[1:4])]
    assert gaps[1] >= 1 and gaps[2] >= 2, gaps  # backoff grows
    # Redelivery posts an event again and is kept as attempt 0.
    again = crm.call("webhook.redeliver", {"id": hook["id"], "seq": events_of(requests)[4]["seq"]})
    assert (again["attempt"], again["outcome"]) == (0, "delivered")
    assert len(receiver.wait_for(7)) == 7
    receiver.close()


def test_a_webhook_failing_too_long_is_turned_off_and_on_again_goes_on_from_its_cursor(server):
    receiver = Receiver([500] * 5)
    crm = checked(server)
    crm.call("settings.update", {"webhookDisableAfterSeconds": 2})
    hook = crm.call("webhook.add", {"url": receiver.url, "topics": ["lead.created"]})
    lead = crm.call("lead.add", {"fields": LEAD})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = crm.call("webhook.list")["items"][0]
        if not state["active"]:
            break
        time.sleep(0.2)
    assert state["active"] is False and state["disabledReason"].startswith("failing since") and state["attempts"] >= 2
    tried = len(receiver.delivered())
    time.sleep(2)
    assert len(receiver.delivered()) == tried  # off: nothing more is tried
    receiver.script = []
    crm.call("webhook.update", {"id": hook["id"], "active": True})
    requests = receiver.wait_for(tried + 1)
    assert events_of(requests)[-1]["id"] == lead["id"]
    assert crm.call("webhook.list")["items"][0]["failingSince"] is None
    receiver.close()


def test_bad_webhooks_are_refused(server):
    crm = checked(server)
    for url, reason in (("https://example.ru/hook", "httpsUnsupported"), ("ftp://example.ru/", "format"),
                        ("http://user@h/", "format"), ("http://h:99999/", "format")):
        with pytest.raises(InvalidValue) as refused:
            crm.call("webhook.add", {"url": url})
        assert (refused.value.field, refused.value.reason) == ("url", reason)
    with pytest.raises(InvalidValue) as refused:
        crm.call("webhook.add", {"url": "http://127.0.0.1:9/", "topics": ["lead.flew"]})
    assert refused.value.reason == "unknownTopic"
    with pytest.raises(InvalidValue) as refused:
        crm.call("webhook.add", {"url": "http://127.0.0.1:9/", "secret": "whsec_c2hvcnQ="})
    assert (refused.value.field, refused.value.reason) == ("secret", "format")
    assert crm.call("webhook.list")["items"] == []
    # A manager may not.
    role = next(r["id"] for r in crm.call("role.list")["items"] if r["code"] == "manager")
    anna = crm.call("user.add", {"fields": {"name": "Анна"}})
    crm.call("user.setRoles", {"id": anna["id"], "roleIds": [role]})
    manager = checked(server)
    manager.call("session.login", {"token": crm.call("token.add", {"userId": anna["id"], "name": "t"})["token"]})
    with pytest.raises(Forbidden) as refused:
        manager.call("webhook.add", {"url": "http://127.0.0.1:9/"})
    assert refused.value.data["permission"] == "settings.update"


def test_after_kill_9_every_event_is_delivered_at_least_once_and_in_order(make_server, crmd_bin, workdir):
    receiver = Receiver()
    first = CrmdServer(crmd_bin, workdir).start()  # not make_server's: it is killed
    setup = first.client()
    setup.call("webhook.add", {"url": receiver.url, "topics": ["lead.created"]})
    write_until_killed(first, LEAD)
    second = make_server()
    crm = checked(second)
    wanted, after = [], 0
    while True:
        page = crm.call("event.list", {"topics": ["lead.created"], "limit": 1000, "after": after})
        wanted += [e["seq"] for e in page["items"]]
        if not page["items"]:
            break
        after = page["last"]
    assert len(wanted) > 20
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seqs = [e["seq"] for e in events_of(receiver.delivered())]
        if set(wanted) <= set(seqs):
            break
        time.sleep(0.1)
    seqs = [e["seq"] for e in events_of(receiver.delivered())]
    assert set(seqs) == set(wanted)
    firsts = list(dict.fromkeys(seqs))  # each seq where it first came
    assert firsts == sorted(firsts)
    receiver.close()
