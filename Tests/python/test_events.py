"""The event log and subscriptions (issue 12, items 1-2), against the real crmd on a real socket.

- every acknowledged write has exactly one event, with a gapless seq, the actor, the cause and,
  for updates, the changed fields with old and new values; a refused write leaves none;
- `event.list` replays the log from any point, filtered by topic patterns and by record;
- a subscriber gets the backlog after `after` and then live events while several writers keep
  writing: every seq once, in order, no gap between the two;
- a manager sees only events about records they may read, in the log and in a subscription;
- bad input is 1007 with a reason: unknown topics, `after` past the end;
- a subscriber that never reads does not hold writers back: it is told `event.overflow
  {lastSeq}` and can resume from there with nothing lost.
"""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from conftest import CheckedClient, CrmdServer, RawConnection
from crmd_client import InvalidValue, RequiredFieldsMissing
from helpers import write_until_killed

LEAD = {"title": "Монтаж", "phones": [{"value": "+7 916 123-45-67"}], "emails": [{"value": "a@b.ru"}],
        "city": "Москва", "topic": "Камеры"}


def checked(server):
    return CheckedClient(server.client())


def all_events(crm, **query):
    events, after = [], 0
    while True:
        page = crm.call("event.list", {"after": after, "limit": 1000, **query})
        events += page["items"]
        if page["last"] == after or not page["items"]:
            return events
        after = page["last"]


def test_every_write_has_one_event_with_its_actor_and_fields_and_a_refused_one_none(server):
    crm = checked(server)
    lead = crm.call("lead.add", {"fields": LEAD})
    crm.call("lead.update", {"id": lead["id"], "fields": {"city": "Тверь"}})
    with pytest.raises(RequiredFieldsMissing):
        crm.call("lead.add", {"fields": {"title": "без телефона"}})
    crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": "QUALIFICATION"}})
    events = all_events(crm)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["topic"] for e in events] == ["lead.created", "lead.updated", "lead.stageMoved"]
    created, updated, moved = events
    assert (created["entityType"], created["id"], created["actor"], created["cause"]) == ("lead", lead["id"], 1, "call:lead.add")
    assert updated["data"]["fields"] == [{"field": "city", "old": "Москва", "new": "Тверь"}]
    assert (moved["data"]["from"], moved["data"]["to"]) == ("NEW", "QUALIFICATION")
    # Topic patterns and one record's events.
    assert [e["seq"] for e in crm.call("event.list", {"topics": ["*.stageMoved"]})["items"]] == [3]
    assert [e["seq"] for e in crm.call("event.list", {"topics": ["lead.*"], "after": 1})["items"]] == [2, 3]
    other = crm.call("lead.add", {"fields": LEAD})
    assert [e["topic"] for e in crm.call("event.list", {"entityType": "lead", "id": other["id"]})["items"]] == ["lead.created"]
    # A comment and a requisite are events of their record.
    crm.call("comment.add", {"entityType": "lead", "id": other["id"], "text": "Перезвонить"})
    assert [e["topic"] for e in crm.call("event.list", {"entityType": "lead", "id": other["id"]})["items"]] == \
        ["lead.created", "lead.commented"]


def test_bad_queries_are_refused_with_a_reason(server):
    crm = checked(server)
    crm.call("lead.add", {"fields": LEAD})
    for topics in (["lead"], ["lead.flew"], ["*.*"], ["meeting.created"]):
        with pytest.raises(InvalidValue) as refused:
            crm.call("event.list", {"topics": topics})
        assert (refused.value.field, refused.value.reason) == ("topics.0", "unknownTopic")
    with pytest.raises(InvalidValue) as refused:
        crm.call("event.list", {"after": 99})
    assert (refused.value.field, refused.value.reason) == ("after", "beyondEnd")
    with pytest.raises(InvalidValue) as refused:
        crm.call("event.subscribe", {"after": 99})
    assert refused.value.reason == "beyondEnd"
    with pytest.raises(InvalidValue):
        crm.call("event.subscribe", {"topics": ["x.y"]})
    assert crm.call("event.unsubscribe") == {"unsubscribed": False}


class Subscriber:
    """A raw socket client collecting `event` notifications on a thread of its own."""

    def __init__(self, path: str):
        self.conn = RawConnection(str(path), timeout=30)
        self.events: list[dict] = []
        self.other: list[dict] = []
        self.replies: list[dict] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def start(self, params):
        self.conn.send_json({"jsonrpc": "2.0", "id": 1, "method": "event.subscribe", "params": params})
        self.thread.start()

    def _read(self):
        while not self.done.is_set():
            try:
                message = self.conn.recv_json()
            except (socket.timeout, OSError):
                return
            if message is None:
                return
            with self.lock:
                if message.get("method") == "event":
                    self.events.append(message["params"])
                elif "id" in message:
                    self.replies.append(message)
                else:
                    self.other.append(message)

    def wait_for(self, seq: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.events and self.events[-1]["seq"] >= seq:
                    return list(self.events)
            time.sleep(0.01)
        with self.lock:
            raise AssertionError(f"waited for seq {seq}, got up to {self.events[-1]['seq'] if self.events else None}")

    def close(self):
        self.done.set()
        self.conn.close()


def test_a_subscriber_gets_the_backlog_then_live_events_each_once_in_order_while_others_write(server):
    crm = checked(server)
    for _ in range(30):
        crm.call("lead.add", {"fields": LEAD})
    subscriber = Subscriber(server.socket_path)
    subscriber.start({"after": 10})
    writers = [server.client() for _ in range(4)]

    def write(client):
        for index in range(50):
            lead = client.call("lead.add", {"fields": LEAD})
            client.call("lead.update", {"id": lead["id"], "fields": {"city": f"Город {index}"}})

    threads = [threading.Thread(target=write, args=(c,)) for c in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end = all_events(crm)[-1]["seq"]
    assert end == 30 + 4 * 50 * 2
    received = subscriber.wait_for(end)
    assert [e["seq"] for e in received] == list(range(11, end + 1))
    assert received == all_events(crm)[10:]
    assert subscriber.replies[0]["result"]["subscribed"] is True
    subscriber.close()
    for client in writers:
        client.close()


def test_a_manager_sees_only_events_of_what_they_may_read(server):
    admin = checked(server)
    manager_role = next(r["id"] for r in admin.call("role.list")["items"] if r["code"] == "manager")
    anna = admin.call("user.add", {"fields": {"name": "Анна"}})
    admin.call("user.setRoles", {"id": anna["id"], "roleIds": [manager_role]})
    secret = admin.call("token.add", {"userId": anna["id"], "name": "t"})["token"]
    subscriber = Subscriber(server.socket_path)
    subscriber.conn.send_json({"jsonrpc": "2.0", "id": 0, "method": "session.login", "params": {"token": secret}})
    assert "result" in subscriber.conn.recv_json()
    subscriber.start({"after": 0})
    hidden = admin.call("lead.add", {"fields": {**LEAD, "title": "Чужой секрет"}})
    admin.call("lead.update", {"id": hidden["id"], "fields": {"city": "Секретск"}})
    own = admin.call("lead.add", {"fields": {**LEAD, "assignedTo": anna["id"]}})
    opened = admin.call("lead.add", {"fields": {**LEAD, "opened": True}})
    admin.call("user.update", {"id": anna["id"], "fields": {"position": "Менеджер"}})
    marker = admin.call("lead.add", {"fields": {**LEAD, "assignedTo": anna["id"], "title": "последний"}})
    received = subscriber.wait_for(all_events(admin)[-1]["seq"])
    seen = {(e["topic"], e["id"]) for e in received}
    assert ("lead.created", own["id"]) in seen and ("lead.created", opened["id"]) in seen and ("lead.created", marker["id"]) in seen
    assert ("user.updated", anna["id"]) in seen  # a manager reads colleagues
    assert all(e["id"] != hidden["id"] or e["entityType"] != "lead" for e in received)
    assert "Секрет" not in json.dumps(received, ensure_ascii=False)
    # The log says the same to her.
    login = CheckedClient(server.client())
    login.call("session.login", {"token": secret})
    listed = all_events(login)
    assert [e["seq"] for e in listed] == [e["seq"] for e in received]
    assert login.call("event.list", {"entityType": "lead", "id": hidden["id"]})["items"] == []
    subscriber.close()


def test_a_subscriber_that_never_reads_is_told_it_overflowed_and_resumes_without_loss(server):
    crm = checked(server)
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(str(server.socket_path))
    stalled.sendall(b'{"jsonrpc":"2.0","id":1,"method":"event.subscribe","params":{}}\n')
    time.sleep(0.3)
    # Writers keep their pace while it does not read: 12,000 events through 8 connections.
    writers = [server.client() for _ in range(8)]
    started = time.monotonic()

    def write(client):
        for _ in range(1500):
            client.call("comment.add", {"entityType": "lead", "id": lead["id"], "text": "x" * 200})

    lead = crm.call("lead.add", {"fields": LEAD})
    threads = [threading.Thread(target=write, args=(c,)) for c in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert elapsed < 60
    # Now read everything it was sent: events in order, then the overflow, and nothing after.
    stalled.settimeout(10)
    buffer = b""
    messages = []
    while True:
        try:
            chunk = stalled.recv(1 << 20)
        except socket.timeout:
            break
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        messages += [json.loads(line) for line in lines if line.strip()]
        if any(m.get("method") == "event.overflow" for m in messages):
            break
    events = [m["params"] for m in messages if m.get("method") == "event"]
    overflow = [m["params"] for m in messages if m.get("method") == "event.overflow"]
    assert len(overflow) == 1, messages[-3:]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True
    last = overflow[0]["lastSeq"]
    assert last == (seqs[-1] if seqs else last)
    # Resuming from lastSeq gives the rest, every one once.
    stalled.close()
    subscriber = Subscriber(server.socket_path)
    subscriber.start({"after": last})
    end = all_events(crm)[-1]["seq"]
    rest = subscriber.wait_for(end, timeout=60)
    assert [e["seq"] for e in rest] == list(range(last + 1, end + 1))
    subscriber.close()
    for client in writers:
        client.close()


def test_the_python_client_iterates_over_a_subscription(server):
    writer = checked(server)
    first = writer.call("lead.add", {"fields": LEAD})
    listener = server.client()
    events = listener.subscribe(["lead.*"], after=0, timeout=5)
    assert next(events)["id"] == first["id"]
    second = writer.call("lead.add", {"fields": LEAD})
    writer.call("lead.update", {"id": second["id"], "fields": {"city": "Тверь"}})
    following = [next(events), next(events)]
    assert [(e["topic"], e["id"]) for e in following] == [("lead.created", second["id"]), ("lead.updated", second["id"])]
    assert [e["seq"] for e in following] == [2, 3]
    events.close()
    listener.close()


def test_after_kill_9_every_acknowledged_write_has_exactly_one_event_and_replay_fills_the_gap(make_server, crmd_bin, workdir):
    first = CrmdServer(crmd_bin, workdir).start()  # not make_server's: it is killed
    subscriber = Subscriber(first.socket_path)
    subscriber.start({"topics": ["lead.created"]})
    time.sleep(0.2)
    acknowledged = write_until_killed(first, LEAD)
    subscriber.close()
    assert len(acknowledged) > 50

    second = make_server()  # the same database
    crm = checked(second)
    events = all_events(crm)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    created = [e["id"] for e in events if e["topic"] == "lead.created"]
    assert len(created) == len(set(created))
    # Every acknowledged write has its event (a write cut off before its reply may have one too).
    assert set(acknowledged) <= set(created)
    leads = crm.call("lead.list", {"limit": 1, "count": True})["total"]
    assert leads == len(created)
    # What the subscriber saw is a prefix of the log; a new subscription after its last seq gives the rest.
    seen = [e["seq"] for e in subscriber.events]
    assert seen == [e["seq"] for e in events if e["topic"] == "lead.created"][:len(seen)]
    resumed = Subscriber(second.socket_path)
    resumed.start({"topics": ["lead.created"], "after": seen[-1] if seen else 0})
    rest = resumed.wait_for(events[-1]["seq"]) if created[len(seen):] else []
    assert [e["seq"] for e in rest] == [e["seq"] for e in events if e["topic"] == "lead.created"][len(seen):]
    resumed.close()
