"""Robots on invoice status and the deal following its money (issue 12, item 5; S27, S28),
through the API of a real crmd:

- an invoice robot (`entityType: invoice, trigger: status, status`) acts when an invoice's
  status becomes that status, in the same transaction as the payment or status change;
- `moveDeal` moves the invoice's deal; with `whenAllPaid` only once every invoice of the deal
  that is not cancelled is paid; a stage whose required fields the deal lacks leaves it where
  it is, the payment stands, and the deal's timeline says what is missing;
- a condition (`totals.total >= 100000`) limits a robot to the invoices that meet it, compared
  as exact decimals;
- `deal.get` shows the deal's money: invoiced, paid, due, overdue.
"""
from __future__ import annotations

import datetime
import time
import zoneinfo

import pytest

from crmd_client import InvalidParams, InvalidValue
from helpers import invoice_deal, refused, timeline, uid


def deal_stage(crm, deal_id: int) -> str:
    return crm.call("deal.get", {"id": deal_id})["stageId"]


def ready(crm, deal_id: int) -> int:
    """Fills what the default deal stages past NEW require (S17: contract number and date)."""
    crm.call("deal.update", {"id": deal_id, "fields": {"contractNumber": f"Д-{deal_id}", "contractDate": "2026-03-01"}})
    return deal_id


def another_deal(crm, deal_id: int, rows: list) -> int:
    """A deal of the same client (and seller) as `deal_id`, with `rows`, ready for its stages."""
    company = crm.call("deal.get", {"id": deal_id})["companyId"]
    deal = crm.call("deal.add", {"fields": {"title": "Ещё камеры", "companyId": company}})
    crm.call("deal.productRows.set", {"id": deal["id"], "rows": rows})
    return ready(crm, deal["id"])


def invoice(crm, deal_id: int, due: str = "2030-01-31") -> dict:
    return crm.call("invoice.createFromDeal", {"dealId": deal_id, "date": "2026-03-02", "dueDate": due})


def test_a_payment_that_completes_an_invoice_moves_its_deal(crm):
    deal = ready(crm, invoice_deal(crm))
    rule = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                       "action": {"type": "moveDeal", "stageId": "EXECUTING"}, "title": "Оплачен — в работу"})
    assert (rule["status"], rule["stageId"], rule["condition"]) == ("paid", None, None)
    first = invoice(crm, deal)
    # A partial payment is not "paid": the deal stays.
    crm.call("invoice.addPayment", {"id": first["id"], "amount": "4000.00", "date": "2026-03-05"})
    assert deal_stage(crm, deal) == "NEW"
    paid = crm.call("invoice.addPayment", {"id": first["id"], "amount": "5000.00", "date": "2026-03-06"})
    assert paid["status"] == "paid"
    after = crm.call("deal.get", {"id": deal})
    assert after["stageId"] == "EXECUTING"
    assert after["money"] == {"invoiced": "9000.00", "paid": "9000.00", "due": "0.00", "overdue": "0.00", "invoices": 1, "allPaid": True}
    # The move is the robot's, on the deal's timeline, with the invoice that caused it.
    moves = [item for item in timeline(crm, "deal", deal) if item.get("type") == "stageChanged"]
    assert moves and moves[-1]["data"].get("invoiceId") == first["id"] and moves[-1]["data"].get("ruleId") == rule["id"]


def test_when_every_invoice_is_paid_the_deal_goes_to_its_success_stage(crm):
    deal = ready(crm, invoice_deal(crm))
    crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                "action": {"type": "moveDeal", "stageId": "WON", "whenAllPaid": True}})
    first, second, third = invoice(crm, deal), invoice(crm, deal), invoice(crm, deal)
    crm.call("invoice.setStatus", {"id": third["id"], "status": "cancelled"})
    crm.call("invoice.addPayment", {"id": first["id"], "amount": "9000.00", "date": "2026-03-05"})
    assert deal_stage(crm, deal) == "NEW"
    money = crm.call("deal.get", {"id": deal})["money"]
    assert money == {"invoiced": "18000.00", "paid": "9000.00", "due": "9000.00", "overdue": "0.00", "invoices": 2, "allPaid": False}
    crm.call("invoice.addPayment", {"id": second["id"], "amount": "9000.00", "date": "2026-03-06"})
    assert deal_stage(crm, deal) == "WON"


def test_a_stage_the_deal_cannot_enter_leaves_it_and_says_what_is_missing(crm):
    """«В работе» requires the contract's number and date (S17); a deal without them stays, the
    payment stands, and the deal's timeline says what is missing."""
    deal = invoice_deal(crm)
    rule = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                       "action": {"type": "moveDeal", "stageId": "EXECUTING"}})
    bill = invoice(crm, deal)
    paid = crm.call("invoice.addPayment", {"id": bill["id"], "amount": "9000.00", "date": "2026-03-05"})
    assert paid["status"] == "paid" and crm.call("invoice.get", {"id": bill["id"]})["status"] == "paid"
    assert deal_stage(crm, deal) == "NEW"
    said = [item for item in timeline(crm, "deal", deal) if item.get("type") == "comment" and item["data"].get("ruleId") == rule["id"]]
    assert len(said) == 1, timeline(crm, "deal", deal)
    assert "EXECUTING" in said[0]["data"]["text"] and "не заполнены" in said[0]["data"]["text"]
    assert said[0]["data"]["missing"] == ["contractNumber", "contractDate"] and said[0]["data"]["invoiceId"] == bill["id"]


def test_a_condition_limits_a_robot_to_the_invoices_that_meet_it(crm):
    crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "sent",
                                "condition": {"field": "totals.total", "op": ">=", "value": "100000"},
                                "action": {"type": "moveDeal", "stageId": "PREPARATION"}})
    small = ready(crm, invoice_deal(crm, rows=({"name": "Камера", "price": "99999.99", "quantity": "1"},)))
    large = another_deal(crm, small, [{"name": "Камера", "price": "50000", "quantity": "2"}])
    crm.call("invoice.setStatus", {"id": invoice(crm, small)["id"], "status": "sent"})
    crm.call("invoice.setStatus", {"id": invoice(crm, large)["id"], "status": "sent"})
    assert deal_stage(crm, small) == "NEW"
    assert deal_stage(crm, large) == "PREPARATION"


def test_overdue_money_counts_what_is_due_on_invoices_past_their_date(crm):
    deal = invoice_deal(crm)
    late = invoice(crm, deal, due="2020-01-31")
    crm.call("invoice.setStatus", {"id": late["id"], "status": "sent"})
    crm.call("invoice.addPayment", {"id": late["id"], "amount": "1000.00", "date": "2026-03-05"})
    invoice(crm, deal)  # a draft, not yet due
    money = crm.call("deal.get", {"id": deal})["money"]
    assert money == {"invoiced": "18000.00", "paid": "1000.00", "due": "17000.00", "overdue": "8000.00", "invoices": 2, "allPaid": False}


def test_invoice_robots_are_checked_when_added(crm):
    base = {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "moveDeal", "stageId": "WON"}}
    for change, field, reason in [
        ({"trigger": "enter"}, "trigger", "option"),
        ({"action": {"type": "moveDeal", "stageId": "NOWHERE"}}, "action.stageId", "unknownStage"),
        ({"condition": {"field": "totalz", "op": ">", "value": "1"}}, "condition.0.field", "unknownField"),
    ]:
        error = refused(crm, InvalidValue, "automation.add", base | change)
        assert (error.field, error.reason) == (field, reason), (change, error.data)
    error = refused(crm, InvalidValue, "automation.add", {"entityType": "deal", "trigger": "create",
                                                          "action": {"type": "moveDeal", "stageId": "WON"}})
    assert (error.field, error.reason) == ("action.type", "notApplicable")
    error = refused(crm, InvalidValue, "automation.add", {k: v for k, v in base.items() if k != "status"} | {"trigger": "dueIn"})
    assert (error.field, error.reason) == ("days", "required")
    error = refused(crm, InvalidValue, "automation.add", base | {"trigger": "status", "days": 3})
    assert (error.field, error.reason) == ("days", "notApplicable")
    refused(crm, InvalidParams, "automation.add", base | {"status": "late"})
    assert [r for r in crm.call("automation.list", {"entityType": "invoice"})["items"]] == []


@pytest.mark.parametrize("actual,op,expected,holds", [
    ("100000.00", ">=", "100000", True), ("99999.99", ">=", "100000", False), ("-5", "<", "0", True),
    ("0.10", "=", "0.1", True), ("12", ">", "9", True), ("2026-03-02", "<", "2026-10-01", True), ("a", ">", 1, False),
])
def test_conditions_compare_amounts_as_exact_decimals(crm, actual, op, expected, holds):
    """The comparison a condition makes, seen through a deal robot's comment: `comments` holds
    the value and the robot comments only when the clause holds."""
    pipeline = crm.call("pipeline.add", {"entityType": "deal", "title": f"Сравнение {actual}{op}{expected}",
                                         "stages": [{"id": f"C{abs(hash((actual, op, expected))) % 10**8}", "title": "Один"}]})
    rule = crm.call("automation.add", {"entityType": "deal", "trigger": "create", "pipelineId": pipeline["id"],
                                       "condition": [{"field": "comments", "op": op, "value": expected}],
                                       "action": {"type": "comment", "text": "сработал"}})
    assert rule["condition"] == [{"field": "comments", "op": op, "value": expected}]
    deal = crm.call("deal.add", {"fields": {"title": "x", "pipelineId": pipeline["id"], "comments": actual}})
    fired = [item for item in timeline(crm, "deal", deal["id"]) if item.get("type") == "comment" and item["data"].get("ruleId") == rule["id"]]
    assert bool(fired) == holds


def test_a_payment_that_completes_an_invoice_moves_the_deal_and_notifies_its_manager(make_server):
    """S27 and S28 end to end: the accountant enters the payment that completes the manager's
    invoice; the deal moves to «В работе» by the robot, and the manager, on a connection of her
    own, is told both that the invoice is paid and (a robot's notify) that the deal moved on."""
    from conftest import CheckedClient
    from helpers import uid
    server = make_server()
    admin = CheckedClient(server.client())
    roles = {r["code"]: r["id"] for r in admin.call("role.list")["items"] if r["code"]}
    users = {}
    for name, role in [("Анна", "manager"), ("Вера", "accountant")]:
        users[name] = admin.call("user.add", {"fields": {"name": name}})["id"]
        admin.call("user.setRoles", {"id": users[name], "roleIds": [roles[role]]})
    sessions = {}
    for name, user in users.items():
        secret = admin.call("token.add", {"userId": user, "name": f"t-{uid()}"})["token"]
        sessions[name] = CheckedClient(server.client())
        sessions[name].call("session.login", {"token": secret})
    deal = ready(admin, invoice_deal(admin))
    admin.call("deal.update", {"id": deal, "fields": {"assignedTo": users["Анна"]}})
    admin.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                  "action": {"type": "moveDeal", "stageId": "EXECUTING"}})
    admin.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                  "action": {"type": "notify", "to": "responsible", "text": "Счёт оплачен — сделка в работе"}})
    bill = admin.call("invoice.createFromDeal", {"dealId": deal, "date": "2026-03-02", "dueDate": "2030-01-31"})
    assert bill["assignedTo"] == users["Анна"]
    sessions["Вера"].call("invoice.addPayment", {"id": bill["id"], "amount": "9000.00", "date": "2026-03-05"})
    assert admin.call("deal.get", {"id": deal})["stageId"] == "EXECUTING"
    mine = sessions["Анна"].call("notification.list", {"unreadOnly": True})["items"]
    assert {n["kind"] for n in mine} == {"invoicePaid", "robot"}, mine
    assert any(n["text"] == "Счёт оплачен — сделка в работе" for n in mine)
    # The live copies reached her open connection.
    live = [sessions["Анна"].raw.notifications.get(timeout=10)["params"] for _ in range(2)]
    assert sorted(n["id"] for n in live) == sorted(n["id"] for n in mine)
    assert sessions["Вера"].call("notification.list", {})["items"] == []
    for client in (*sessions.values(), admin):
        client.close()


def test_the_manager_is_told_when_the_deal_could_not_follow_its_money(crm):
    deal = invoice_deal(crm)
    crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                "action": {"type": "moveDeal", "stageId": "EXECUTING"}})
    bill = invoice(crm, deal)
    crm.call("invoice.addPayment", {"id": bill["id"], "amount": "9000.00", "date": "2026-03-05"})
    # The administrator (user 1) is the deal's responsible; a robot's notification is not a
    # change of the administrator's own, so it is kept for them.
    told = [n for n in crm.call("notification.list", {})["items"] if n["kind"] == "robot"]
    assert len(told) == 1 and "не заполнены" in told[0]["text"] and told[0]["entityType"] == "deal" and told[0]["entityId"] == deal
    assert told[0]["data"]["missing"] == ["contractNumber", "contractDate"]


def company_today() -> datetime.date:
    """Today on the company's clock (crmd's default time zone, Europe/Moscow)."""
    return datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()


def wait_for(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "the robot did not act in time"
        time.sleep(0.05)
    return result


def test_date_robots_act_once_on_unpaid_invoices_due_soon_or_overdue(crm):
    """`dueIn: 3` acts on an unpaid invoice due within three days (not on one due in ten, a
    draft or a paid one); `status: overdue` on one whose due date passed yesterday; each once.
    The background thread checks every second."""
    today = company_today()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()
    deal = ready(crm, invoice_deal(crm))
    soon = invoice(crm, deal, due=day(2))
    later = invoice(crm, deal, due=day(10))
    draft = invoice(crm, deal, due=day(1))
    paid = invoice(crm, deal, due=day(1))
    late = invoice(crm, deal, due=day(-1))
    for bill in (soon, later, paid, late):
        crm.call("invoice.setStatus", {"id": bill["id"], "status": "sent"})
    crm.call("invoice.addPayment", {"id": paid["id"], "amount": "9000.00", "date": day(0)})
    reminder = crm.call("automation.add", {"entityType": "invoice", "trigger": "dueIn", "days": 3,
                                           "action": {"type": "notify", "to": "responsible", "text": "Напомнить об оплате"}})
    assert (reminder["trigger"], reminder["days"], reminder["status"]) == ("dueIn", 3, None)
    overdue = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "overdue",
                                          "action": {"type": "moveDeal", "stageId": "PREPARATION"}})

    def told():
        return [n for n in crm.call("notification.list", {})["items"] if n["data"].get("ruleId") == reminder["id"]]
    reminded = wait_for(told)
    wait_for(lambda: deal_stage(crm, deal) == "PREPARATION")
    # One pass handles every invoice a rule has due: give it one more tick, then nothing more comes.
    time.sleep(1.5)
    assert [n["entityId"] for n in told()] == [soon["id"]] == [n["entityId"] for n in reminded]
    moves = [t for t in timeline(crm, "deal", deal) if t.get("type") == "stageChanged" and t["data"].get("ruleId") == overdue["id"]]
    assert [m["data"]["invoiceId"] for m in moves] == [late["id"]]


@pytest.fixture
def smtp_sink(tmp_path):
    """The loopback SMTP sink (aiosmtpd) the mail tests use: (port, directory of received .eml)."""
    import subprocess
    import sys
    from pathlib import Path
    sink = subprocess.Popen([sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    port = int(sink.stdout.readline())
    yield port, tmp_path
    sink.kill()
    sink.wait()


def test_an_email_robot_reminds_the_payer_through_the_outbox(crm, smtp_sink):
    """`email {to: payer}` on `status: sent`: the message is queued with the status change and
    delivered by SMTP to the payer; a payer without an e-mail gets nothing, and the invoice's
    timeline says why."""
    import email
    from email import policy
    port, inbox = smtp_sink
    crm.call("settings.update", {"mail": {"transport": "smtp", "host": "127.0.0.1", "port": port, "from": "crm@videosystems.ru"}})
    rule = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "sent",
                                       "action": {"type": "email", "to": "payer", "subject": "Счёт № {{invoice.number}}",
                                                  "text": "Напоминаем об оплате счёта № {{invoice.number}} по сделке «{{deal.title}}»."}})
    deal = invoice_deal(crm)
    company = crm.call("deal.get", {"id": deal})["companyId"]
    silent = invoice(crm, deal)
    crm.call("invoice.setStatus", {"id": silent["id"], "status": "sent"})
    said = [t for t in timeline(crm, "invoice", silent["id"]) if t.get("type") == "comment" and t["data"].get("ruleId") == rule["id"]]
    assert len(said) == 1 and "нет адреса e-mail" in said[0]["data"]["text"], said
    crm.call("company.update", {"id": company, "fields": {"emails": [{"value": "buh@petrov.ru"}]}})
    bill = invoice(crm, deal)
    crm.call("invoice.setStatus", {"id": bill["id"], "status": "sent"})
    messages = crm.call("invoice.get", {"id": bill["id"]})["messages"]
    assert [(m["mode"], m["to"]) for m in messages] == [("robot", "buh@petrov.ru")]
    deadline = time.monotonic() + 15
    while not list(inbox.glob("*.eml")):
        assert time.monotonic() < deadline, "the robot's e-mail never reached the SMTP sink"
        time.sleep(0.05)
    received = email.message_from_bytes(next(inbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert received["To"].addresses[0].addr_spec == "buh@petrov.ru"
    assert received["Subject"] == f"Счёт № {bill['number']}"
    assert f"Напоминаем об оплате счёта № {bill['number']} по сделке «Камеры»." in received.get_body().get_content()
    error = refused(crm, InvalidValue, "automation.add", {"entityType": "deal", "trigger": "create",
                                                          "action": {"type": "email", "to": "payer", "subject": "x", "text": "y"}})
    assert (error.field, error.reason) == ("action.to", "notApplicable")


def test_set_field_robots_change_the_record_or_say_why_not(crm):
    """A paid invoice marks its deal (`setField` on the invoice's deal); a deal robot fills a
    field of a new deal; a value the field refuses leaves the deal and says why; stages and
    unknown fields are refused when the robot is added."""
    crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                "action": {"type": "setField", "field": "comments", "value": "Оплачено полностью"}})
    deal = invoice_deal(crm)
    bill = invoice(crm, deal)
    crm.call("invoice.addPayment", {"id": bill["id"], "amount": "9000.00", "date": "2026-03-05"})
    assert crm.call("deal.get", {"id": deal})["comments"] == "Оплачено полностью"
    pipeline = crm.call("pipeline.add", {"entityType": "deal", "title": f"Поля {uid()}", "stages": [{"id": f"F{uid()}", "title": "Один"}]})
    bad = crm.call("automation.add", {"entityType": "deal", "trigger": "create", "pipelineId": pipeline["id"],
                                      "action": {"type": "setField", "field": "opportunity", "value": "много"}})
    made = crm.call("deal.add", {"fields": {"title": "Без суммы", "pipelineId": pipeline["id"]}})
    assert crm.call("deal.get", {"id": made["id"]})["opportunity"] is None
    said = [t for t in timeline(crm, "deal", made["id"]) if t.get("type") == "comment" and t["data"].get("ruleId") == bad["id"]]
    assert len(said) == 1 and "opportunity" in said[0]["data"]["text"], said
    for field in ["stageId", "nonsense", "createdAt", "custom.nothing"]:
        error = refused(crm, InvalidValue, "automation.add", {"entityType": "deal", "trigger": "create",
                                                              "action": {"type": "setField", "field": field, "value": "x"}})
        assert (error.field, error.reason) == ("action.field", "unknownField"), field
