"""Reminders before a meeting (issue 13, S6) against the real crmd and a loopback gateway
speaking SMS.ru's request and answer formats:

- `automation.add {entityType: activity, trigger: beforeStart}` plans an SMS to the meeting's
  client before its start; the text tells the time in the client's zone, the Russian way;
- the reminder goes out within a second of its time, once; moving the meeting moves it,
  cancelling drops it;
- crmd killed with SIGKILL between booking and the reminder's time: after a restart the
  reminder is sent once, on time (it is a row of the durable job queue, taken in the same
  transaction that queues the SMS).
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from conftest import CheckedClient, CrmdServer
from smsru_stub import API_ID, SmsRuStub

LEAD = {"title": "Демонстрация", "name": "Иван", "phones": [{"value": "8 (916) 123-45-67"}], "emails": [{"value": "ivan@example.ru"}],
        "city": "Москва", "topic": "Камеры"}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prepare(crm, stub):
    crm.call("settings.sms", {"transport": "smsru", "apiId": API_ID, "baseUrl": stub.base_url, "timeoutSeconds": 2, "retryAfterSeconds": 1})
    rule = crm.call("automation.add", {"entityType": "activity", "trigger": "beforeStart", "before": 3600, "activityType": "meeting",
                                       "action": {"type": "sms", "text": "{{client.name}}, напоминаем: {{activity.subject}} {{activity.start}}, {{activity.place}}"}})
    assert (rule["entityType"], rule["trigger"], rule["before"], rule["ifLate"]) == ("activity", "beforeStart", 3600, "send")
    assert rule["id"] in [r["id"] for r in crm.call("automation.list", {})["items"]]
    return rule


def book(crm, lead, start: datetime):
    return crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Демонстрация", "place": "ул. Ленина, 1",
                                                "start": iso(start), "end": iso(start + timedelta(hours=1)),
                                                "bindings": [{"entityType": "lead", "id": lead["id"]}],
                                                "clientContacts": [{"entityType": "lead", "id": lead["id"]}],
                                                "clientTimeZone": "Asia/Yekaterinburg"}, "allowOutsideHours": True})


def local_text(moment: datetime) -> str:
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
    ekb = moment.astimezone(timezone(timedelta(hours=5)))
    return f"{ekb.day} {months[ekb.month - 1]} {ekb.year} г. в {ekb:%H:%M}"


def test_a_reminder_goes_out_once_within_a_second_of_its_time_and_follows_the_meeting(server):
    stub = SmsRuStub()
    crm = CheckedClient(server.client())
    prepare(crm, stub)
    lead = crm.call("lead.add", {"fields": LEAD})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    # Booked for 1 h 4 s from now, then moved 2 s later: the reminder is due 6 s from now.
    meeting = book(crm, lead, now + timedelta(hours=1, seconds=4))
    start = now + timedelta(hours=1, seconds=6)
    crm.call("activity.update", {"id": meeting["id"], "fields": {"start": iso(start), "end": iso(start + timedelta(hours=1))}, "allowOutsideHours": True})
    cancelled = book(crm, lead, now + timedelta(hours=3))
    crm.call("activity.update", {"id": cancelled["id"], "fields": {"status": "cancelled"}})
    calls = stub.wait_for(lambda c: len(c) >= 1, timeout=20, what="the reminder")
    arrived = time.time()
    due = (start - timedelta(hours=1)).timestamp()
    assert due - 0.5 <= arrived <= due + 1.5, (arrived - due)
    assert calls[0]["fields"]["to"] == "79161234567"
    assert calls[0]["fields"]["msg"] == f"Иван, напоминаем: Демонстрация {local_text(start)}, ул. Ленина, 1"
    time.sleep(2.5)
    assert len(stub.calls()) == 1
    sent = crm.call("sms.list", {"entityType": "lead", "id": lead["id"]})["items"]
    assert [m["status"] for m in sent] == ["sent"] and sent[0]["data"]["activityId"] == meeting["id"]
    stub.close()
    crm.close()


def test_a_reminder_planned_before_a_kill_9_is_sent_once_after_the_restart(make_server, crmd_bin, workdir):
    stub = SmsRuStub()
    first = CrmdServer(crmd_bin, workdir).start()  # not make_server's: it is killed
    crm = CheckedClient(first.client())
    prepare(crm, stub)
    lead = crm.call("lead.add", {"fields": LEAD})
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1, seconds=4)
    book(crm, lead, start)
    first.stop(9)
    time.sleep(1)
    again = CheckedClient(make_server().client())
    stub.wait_for(lambda c: len(c) >= 1, timeout=20, what="the reminder after the restart")
    assert time.time() <= (start - timedelta(hours=1)).timestamp() + 1.5
    time.sleep(2.5)
    assert [c["fields"]["msg"].split(",")[0] for c in stub.calls()] == ["Иван"]
    assert [m["status"] for m in again.call("sms.list", {"entityType": "lead", "id": lead["id"]})["items"]] == ["sent"]
    stub.close()
    again.close()
