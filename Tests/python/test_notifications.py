"""Notifications to people (issue 12, item 4), against the real crmd on a real socket.

- an accountant pays a manager's invoice in full: the manager's open connection is sent a
  `notification` (invoicePaid), `notification.list` shows it unread; nobody else is told;
- the one who makes the change is never told of it; a rule switched off tells nothing;
- a partial payment tells the deal's responsible (paymentForMyDeal) and nothing else;
- `notification.markRead` marks the caller's own only; then `unreadOnly` is empty;
- a robot's `notify` action makes a notification for the responsible or a given user.

Nothing-was-sent is checked with a barrier, not a sleep: a robot notifies the same user after
the write under test, and what the connection got before that marker is all it got.
"""
from __future__ import annotations

import queue
import time
from types import SimpleNamespace

import pytest

from conftest import CheckedClient
from crmd_client import InvalidValue
from helpers import invoice_deal, uid

MARKER = "Маркер"
LEAD = {"phones": [{"value": "+7 916 000-00-00"}], "emails": [{"value": "a@b.ru"}], "city": "Москва", "topic": "Камеры"}


def role_ids(admin) -> dict[str, int]:
    return {r["code"]: r["id"] for r in admin.call("role.list")["items"] if r["code"]}


def add_user(admin, name: str, role: int) -> int:
    user = admin.call("user.add", {"fields": {"name": name}})["id"]
    admin.call("user.setRoles", {"id": user, "roleIds": [role]})
    return user


def login(server, admin, user_id: int) -> CheckedClient:
    secret = admin.call("token.add", {"userId": user_id, "name": f"n-{uid()}"})["token"]
    client = CheckedClient(server.client())
    assert client.call("session.login", {"token": secret})["user"]["id"] == user_id
    return client


@pytest.fixture
def office(make_server):
    """The administrator, managers «Анна» and «Борис», accountant «Вера», each on a connection of
    their own; a robot that notifies a lead's responsible when a lead is made (the barrier)."""
    server = make_server()
    admin = CheckedClient(server.client())
    roles = role_ids(admin)
    anna = add_user(admin, "Анна", roles["manager"])
    boris = add_user(admin, "Борис", roles["manager"])
    vera = add_user(admin, "Вера", roles["accountant"])
    admin.call("automation.add", {"entityType": "lead", "trigger": "create",
                                  "action": {"type": "notify", "to": "responsible", "text": MARKER + " {{lead.title}}"}})
    office = SimpleNamespace(server=server, admin=admin, anna=anna, boris=boris, vera=vera,
                             a=login(server, admin, anna), b=login(server, admin, boris), v=login(server, admin, vera))
    yield office
    for client in (office.a, office.b, office.v, admin):
        client.close()


def received_until_marker(office, client, user_id: int, timeout: float = 10) -> list[dict]:
    """Makes the barrier for `user_id` and returns the `notification` params `client` got before it."""
    title = f"barrier-{uid()}"
    office.admin.call("lead.add", {"fields": {"title": title, "assignedTo": user_id, **LEAD}})
    got, deadline = [], time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no marker; got {got}"
        message = client.raw.notifications.get(timeout=remaining)
        assert message["method"] == "notification", message
        if message["params"]["text"] == f"{MARKER} {title}":
            assert message["params"]["kind"] == "robot"
            return got
        got.append(message["params"])


def managers_invoice(office, owner: int, rows=({"name": "Камера", "price": "4500", "quantity": "2"},)) -> dict:
    """An invoice of a deal whose responsible (and so the invoice's) is `owner`."""
    if getattr(office, "buyer", None) is None:  # the seller and the payer, once
        deal = invoice_deal(office.admin, rows)
        office.buyer = office.admin.call("deal.get", {"id": deal})["companyId"]
    else:
        deal = office.admin.call("deal.add", {"fields": {"title": "Камеры", "companyId": office.buyer}})["id"]
        office.admin.call("deal.productRows.set", {"id": deal, "rows": list(rows)})
    office.admin.call("deal.update", {"id": deal, "fields": {"assignedTo": owner}})
    invoice = office.admin.call("invoice.createFromDeal", {"dealId": deal})
    assert invoice["assignedTo"] == owner
    return invoice


def own_notifications(client, **params) -> list[dict]:
    return client.call("notification.list", params)["items"]


def test_paid_in_full_by_the_accountant_the_manager_is_told_live_and_nobody_else(office):
    invoice = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "9000.00", "date": "2026-12-01"})
    got = received_until_marker(office, office.a, office.anna)
    assert len(got) == 1, got  # one payment, one notification: invoicePaid covers the payment
    told = got[0]
    assert told["kind"] == "invoicePaid" and told["readAt"] is None
    assert told["text"] == f"Счёт № {invoice['number']} оплачен: 9000.00 RUB"
    assert (told["entityType"], told["entityId"]) == ("invoice", invoice["id"])
    assert told["data"]["amount"] == "9000.00" and isinstance(told["data"]["amount"], str)
    assert (told["data"]["invoiceId"], told["data"]["dealId"]) == (invoice["id"], invoice["dealId"])
    listed = office.a.call("notification.list", {"unreadOnly": True})
    assert listed["unread"] == 2  # and the barrier's
    assert told in listed["items"]
    # Nobody else: not another manager, not the accountant who paid.
    assert received_until_marker(office, office.b, office.boris) == []
    assert received_until_marker(office, office.v, office.vera) == []
    assert [n["kind"] for n in own_notifications(office.b)] == ["robot"]
    assert [n["kind"] for n in own_notifications(office.v)] == ["robot"]


def test_who_pays_is_not_told_of_their_own_payment(office):
    invoice = managers_invoice(office, office.anna)
    # The administrator pays an invoice of their own deal: not told, on any of their connections.
    own = managers_invoice(office, 1)
    watcher = CheckedClient(office.server.client())  # another connection of the administrator
    watcher.call("user.current")  # (what a server sends before a client's first bytes waits for them: the framing)
    office.admin.call("invoice.addPayment", {"id": own["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert received_until_marker(office, watcher, 1) == []
    assert [n["kind"] for n in own_notifications(office.admin)] == ["robot"]
    # The same payment by someone else does tell.
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert [n["kind"] for n in received_until_marker(office, office.a, office.anna)] == ["invoicePaid"]
    watcher.close()


def test_rules_switched_off_tell_nothing(office):
    a = office.a
    assert a.call("notification.rules") == {"rules": {"invoicePaid": True, "paymentForMyDeal": True, "meetingMoved": True}}
    with pytest.raises(InvalidValue) as refused:
        a.call("notification.setRules", {"rules": {"meetingBooked": False, "invoicePaid": False}})
    assert (refused.value.field, refused.value.reason) == ("rules.meetingBooked", "unknownRule")
    assert a.call("notification.rules")["rules"]["invoicePaid"] is True  # nothing changed
    # invoicePaid off: the full payment tells of the payment instead.
    assert a.call("notification.setRules", {"rules": {"invoicePaid": False}}) == \
        {"rules": {"invoicePaid": False, "paymentForMyDeal": True, "meetingMoved": True}}
    first = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": first["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert [n["kind"] for n in received_until_marker(office, a, office.anna)] == ["paymentForMyDeal"]
    # Both off: nothing at all; another user's rules are theirs.
    a.call("notification.setRules", {"rules": {"paymentForMyDeal": False}})
    assert office.b.call("notification.rules")["rules"] == {"invoicePaid": True, "paymentForMyDeal": True, "meetingMoved": True}
    second = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": second["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert received_until_marker(office, a, office.anna) == []
    assert {n["kind"] for n in own_notifications(a)} == {"robot", "paymentForMyDeal"}
    # On again: told again.
    a.call("notification.setRules", {"rules": {"invoicePaid": True, "paymentForMyDeal": True}})
    third = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": third["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert [n["kind"] for n in received_until_marker(office, a, office.anna)] == ["invoicePaid"]


def test_a_partial_payment_tells_the_deals_responsible_of_the_payment_only(office):
    invoice = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "1000.50", "date": "2026-12-01"})
    got = received_until_marker(office, office.a, office.anna)
    assert [n["kind"] for n in got] == ["paymentForMyDeal"]
    told = got[0]
    assert told["text"] == f"Поступила оплата 1000.50 RUB по сделке «Камеры» (счёт № {invoice['number']})"
    assert (told["entityType"], told["entityId"]) == ("deal", invoice["dealId"])
    assert told["data"]["amount"] == "1000.50" and told["data"]["dealId"] == invoice["dealId"]
    assert told["data"]["invoiceId"] == invoice["id"] and isinstance(told["data"]["paymentId"], int)
    # The rest pays it: now it is paid, and she is told that once.
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "7999.50", "date": "2026-12-02"})
    assert [n["kind"] for n in received_until_marker(office, office.a, office.anna)] == ["invoicePaid"]


def test_mark_read_marks_only_the_callers_own(office):
    invoice = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "100.00", "date": "2026-12-01"})
    received_until_marker(office, office.a, office.anna)
    received_until_marker(office, office.b, office.boris)
    annas = own_notifications(office.a, unreadOnly=True)
    boris = own_notifications(office.b, unreadOnly=True)
    assert len(annas) == 2 and len(boris) == 1
    # Boris cannot mark Anna's.
    assert office.b.call("notification.markRead", {"ids": [n["id"] for n in annas]}) == {"marked": 0}
    assert len(own_notifications(office.a, unreadOnly=True)) == 2
    # Anna marks one, then all.
    assert office.a.call("notification.markRead", {"ids": [annas[0]["id"], annas[0]["id"]]}) == {"marked": 1}
    listed = office.a.call("notification.list", {"unreadOnly": True})
    assert listed["unread"] == 1 and [n["id"] for n in listed["items"]] == [annas[1]["id"]]
    assert office.a.call("notification.markRead") == {"marked": 1}
    assert office.a.call("notification.list", {"unreadOnly": True}) == {"items": [], "unread": 0}
    everything = own_notifications(office.a)
    assert len(everything) == 2 and all(n["readAt"] for n in everything)
    # Boris's are his.
    assert office.b.call("notification.list", {"unreadOnly": True})["unread"] == 1
    # Pages: newest first, `before` goes on.
    first = office.a.call("notification.list", {"limit": 1})["items"]
    rest = office.a.call("notification.list", {"before": first[0]["id"]})["items"]
    assert [n["id"] for n in first + rest] == [n["id"] for n in everything]
    assert first[0]["id"] > rest[0]["id"]


def test_a_robot_notifies_the_responsible_or_a_given_user(office):
    admin = office.admin
    admin.call("automation.add", {"entityType": "deal", "trigger": "create",
                                  "action": {"type": "notify", "to": "responsible", "text": "Новая сделка «{{deal.title}}»"}})
    admin.call("automation.add", {"entityType": "deal", "trigger": "create",
                                  "action": {"type": "notify", "to": office.boris, "text": "Сделка для Анны: {{deal.title}}"}})
    with pytest.raises(InvalidValue) as refused:
        admin.call("automation.add", {"entityType": "deal", "trigger": "create",
                                      "action": {"type": "notify", "to": 999, "text": "x"}})
    assert (refused.value.field, refused.value.reason) == ("action.to", "unknownUser")
    deal = admin.call("deal.add", {"fields": {"title": "Видеонаблюдение", "assignedTo": office.anna}})
    got = received_until_marker(office, office.a, office.anna)
    assert [(n["kind"], n["text"]) for n in got] == [("robot", "Новая сделка «Видеонаблюдение»")]
    assert (got[0]["entityType"], got[0]["entityId"]) == ("deal", deal["id"])
    assert isinstance(got[0]["data"]["ruleId"], int)
    assert [n["text"] for n in received_until_marker(office, office.b, office.boris)] == ["Сделка для Анны: Видеонаблюдение"]


def test_a_login_moves_the_connection_to_its_new_user(office):
    """A connection is told the notifications of the user it acts as now, not of whom it was."""
    client = CheckedClient(office.server.client())  # the administrator's
    secret = office.admin.call("token.add", {"userId": office.anna, "name": "again"})["token"]
    client.call("session.login", {"token": secret})
    invoice = managers_invoice(office, office.anna)
    office.v.call("invoice.addPayment", {"id": invoice["id"], "amount": "9000.00", "date": "2026-12-01"})
    assert [n["kind"] for n in received_until_marker(office, client, office.anna)] == ["invoicePaid"]
    with pytest.raises(queue.Empty):
        client.raw.notifications.get_nowait()
    client.close()


def test_a_connection_that_never_reads_holds_nobody_back_and_loses_nothing_of_the_list(make_server):
    """Live delivery is best effort per connection: a client that does not read gets at most
    what its queue (1,000) and the socket buffers hold, writers keep their pace, and every
    notification is still in `notification.list`."""
    import json
    import socket
    import threading

    server = make_server()
    admin = CheckedClient(server.client())
    admin.call("automation.add", {"entityType": "lead", "trigger": "create",
                                  "action": {"type": "notify", "to": "responsible", "text": "Лид {{lead.title}} " + "я" * 400}})
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(str(server.socket_path))
    stalled.sendall(b'{"jsonrpc":"2.0","id":1,"method":"user.current","params":{}}\n')  # the administrator's, like the writers
    time.sleep(0.3)
    writers = [server.client() for _ in range(4)]
    per_writer = 750
    started = time.monotonic()

    def write(client):
        for i in range(per_writer):
            client.call("lead.add", {"fields": {"title": f"{i}", **LEAD}})

    threads = [threading.Thread(target=write, args=(c,)) for c in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started < 60
    total = per_writer * len(writers)
    assert admin.call("notification.list", {"limit": 1})["unread"] == total
    # What the stalled connection was sent: in order, each once, and not everything.
    stalled.settimeout(3)
    buffer, received = b"", []
    while True:
        try:
            chunk = stalled.recv(1 << 20)
        except (socket.timeout, ConnectionError):
            break
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        received += [json.loads(line) for line in lines if line.strip()]
    ids = [m["params"]["id"] for m in received if m.get("method") == "notification"]
    assert ids == sorted(set(ids))
    assert 0 < len(ids) < total
    stalled.close()
    for client in writers + [admin]:
        client.close()
