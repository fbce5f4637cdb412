"""Robots' actions on invoices and the robot log (issue 12, items 5 and 6), through a real crmd:

- an invoice robot on `paid` texts the payer through SMS.ru (a loopback stub), POSTs the run to a
  loopback receiver signed per Standard Webhooks (checked with the `standardwebhooks` package),
  and creates a task (`task`, the issue's name for it) that `activity.list` shows;
  `automation.log {entityType, id}` shows each run, and `{ruleId}` a rule's;
- a receiver answering 500 and then 200 gets the same webhook again, and the log shows both
  attempts;
- an action that fails (a payer's number no gateway can take) is logged `failed` with when it
  will be tried again, and the payment that woke it stands.
"""
from __future__ import annotations

import json
import time

from standardwebhooks.webhooks import Webhook as Verifier

from conftest import CheckedClient
from helpers import invoice_deal
from smsru_stub import API_ID, SmsRuStub
from test_webhooks import Receiver


def paid_invoice(crm, deal_id: int) -> dict:
    invoice = crm.call("invoice.createFromDeal", {"dealId": deal_id, "date": "2026-03-02", "dueDate": "2030-01-31"})
    paid = crm.call("invoice.addPayment", {"id": invoice["id"], "amount": invoice["total"], "date": "2026-03-05"})
    assert paid["status"] == "paid"
    return invoice


def wait_log(crm, params: dict, predicate, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = crm.call("automation.log", params)["items"]
        if predicate(items):
            return items
        time.sleep(0.05)
    raise AssertionError(f"the robot log is still {crm.call('automation.log', params)['items']}")


def payer_of(crm, deal_id: int) -> int:
    return crm.call("deal.get", {"id": deal_id})["companyId"]


def test_a_paid_invoice_texts_posts_and_sets_a_task_and_the_log_shows_each_run(server):
    stub, receiver = SmsRuStub(), Receiver()
    try:
        crm = CheckedClient(server.client())
        crm.call("settings.sms", {"transport": "smsru", "apiId": API_ID, "baseUrl": stub.base_url, "timeoutSeconds": 1})
        deal = invoice_deal(crm)
        crm.call("company.update", {"id": payer_of(crm, deal), "fields": {"phones": [{"value": "8 (916) 555-44-33"}]}})
        crm.call("deal.update", {"id": deal, "fields": {"assignedTo": 1}})
        sms = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                          "action": {"type": "sms", "to": "client", "text": "Счёт {{invoice.number}} оплачен, спасибо!"}})
        hook = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                           "action": {"type": "webhook", "url": receiver.url}})
        secret = hook["action"]["secret"]
        assert secret.startswith("whsec_")
        assert crm.call("automation.get", {"id": hook["id"]})["action"]["secret"] == "********"
        task = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                           "action": {"type": "task", "subject": "Отгрузить по счёту {{invoice.number}}"}})
        assert crm.call("automation.get", {"id": task["id"]})["action"]["type"] == "task"

        invoice = paid_invoice(crm, deal)
        sent = stub.wait_for(lambda calls: any(c.get("sent") for c in calls), what="the SMS")
        assert [c["fields"]["to"] for c in sent if c.get("sent")] == ["79165554433"]
        [request] = receiver.wait_for(1)
        body = Verifier(secret).verify(request["body"], {k.lower(): v for k, v in request["headers"].items()})
        assert (body["ruleId"], body["entityType"], body["id"], body["trigger"]) == (hook["id"], "invoice", invoice["id"], "status")
        assert body["record"]["status"] == "paid" and body["record"]["number"] == invoice["number"]
        tasks = crm.call("activity.list", {"filter": {"entityType": "deal", "entityId": deal}})["items"]
        assert [t["subject"] for t in tasks] == [f"Отгрузить по счёту {invoice['number']}"]

        runs = wait_log(crm, {"entityType": "invoice", "id": invoice["id"]},
                        lambda items: any(i["action"] == "webhook" and i["result"] == "done" for i in items))
        by_rule = {}
        for run in runs:
            by_rule.setdefault(run["ruleId"], []).append(run["result"])
        assert by_rule == {sms["id"]: ["queued"], hook["id"]: ["done", "queued"], task["id"]: ["done"]}
        assert all(run["trigger"] == "status" and run["entityId"] == invoice["id"] for run in runs)
        delivered = next(run for run in runs if run["action"] == "webhook" and run["result"] == "done")
        assert delivered["data"]["status"] == 200 and delivered["attempt"] == 1
        assert [run["result"] for run in crm.call("automation.log", {"ruleId": sms["id"]})["items"]] == ["queued"]
    finally:
        stub.close()
        receiver.close()


def test_a_receiver_answering_500_gets_the_webhook_again_and_the_log_shows_both_attempts(server):
    receiver = Receiver(script=[500])
    try:
        crm = CheckedClient(server.client())
        deal = invoice_deal(crm)
        hook = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                           "action": {"type": "webhook", "url": receiver.url}})
        invoice = paid_invoice(crm, deal)
        first, second = receiver.wait_for(2)
        assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
        assert json.loads(first["body"]) == json.loads(second["body"])
        Verifier(hook["action"]["secret"]).verify(second["body"], {k.lower(): v for k, v in second["headers"].items()})
        runs = wait_log(crm, {"ruleId": hook["id"]}, lambda items: len(items) == 3)
        assert [(r["result"], r["attempt"], r["data"].get("status")) for r in runs] == [("done", 2, 200), ("failed", 1, 500), ("queued", 1, None)]
        assert runs[1]["reason"] == "HTTP 500" and "retryAt" in runs[1]["data"]
        assert all(r["entityId"] == invoice["id"] for r in runs)
    finally:
        receiver.close()


def test_a_failing_action_does_not_undo_the_payment_that_woke_it(server):
    crm = CheckedClient(server.client())
    deal = invoice_deal(crm)
    # A seven-digit local number: no gateway can take it.
    crm.call("company.update", {"id": payer_of(crm, deal), "fields": {"phones": [{"value": "123-45-67"}]}})
    rule = crm.call("automation.add", {"entityType": "invoice", "trigger": "status", "status": "paid",
                                       "action": {"type": "sms", "text": "Оплачено"}})
    invoice = paid_invoice(crm, deal)
    shown = crm.call("invoice.get", {"id": invoice["id"]})
    assert shown["status"] == "paid" and shown["paid"] == invoice["total"]
    [run] = crm.call("automation.log", {"entityType": "invoice", "id": invoice["id"]})["items"]
    assert (run["ruleId"], run["action"], run["result"], run["attempt"]) == (rule["id"], "sms", "failed", 1)
    assert "retryAt" in run["data"] and run["reason"]
    assert crm.call("sms.list", {})["items"] == []
