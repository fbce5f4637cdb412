"""Text messages (issue 13, item 4) against the real crmd and loopback gateways.

- `sms.send` to a lead's first phone through SMS.ru's API (a stub speaking its request and
  answer formats): the request carries api_id, to (normalized), msg, json=1; the message is
  queued in the call, then sent once, with its segments, gateway id and timeline entries; the
  api_id never comes back;
- bad days: a number SMS.ru refuses (202), a wrong api_id (200) and no funds (201) fail the
  message with the gateway's code and text; 220, HTTP 503, an answer that never comes and an
  unreachable gateway are retried until it goes through, each sent exactly once;
- the `http` transport's URL template (GET and POST) with percent-encoded values, the
  `command` transport with the config file's program, the `outbox` transport keeping messages;
- `sms.status` asks SMS.ru's `sms/status`: delivered, not delivered (104) with its reason, still
  on its way (102), each on the record's timeline;
- bad numbers are 1007 with machine-readable data and write nothing;
- kill -9 during a burst of sends, and kill -9 while SMS.ru holds a message: after restart
  nothing acknowledged is lost, nothing is sent twice silently (a message sent again after an
  interruption says so).
"""
from __future__ import annotations

import itertools
import os
import stat
import time

import pytest

from conftest import CheckedClient, CrmdServer
from crmd_client import Forbidden, InvalidValue
from helpers import timeline, write_until_killed
from smsru_stub import API_ID, SmsRuStub

LEAD = {"title": "Монтаж", "phones": [{"value": "8 (916) 123-45-67"}], "emails": [{"value": "a@b.ru"}],
        "city": "Москва", "topic": "Камеры"}


def checked(server):
    return CheckedClient(server.client())


def use_smsru(crm, stub, **extra):
    return crm.call("settings.sms", {"transport": "smsru", "apiId": API_ID, "baseUrl": stub.base_url,
                                     "timeoutSeconds": 1, "retryAfterSeconds": 1, **extra})


def wait_status(crm, sms_id, statuses, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = crm.call("sms.get", {"id": sms_id})
        if message["status"] in statuses:
            return message
        time.sleep(0.05)
    raise AssertionError(f"sms {sms_id} is still {crm.call('sms.get', {'id': sms_id})}")


def test_a_message_to_a_lead_goes_through_smsru_once_and_its_timeline_tells(server):
    stub = SmsRuStub()
    crm = checked(server)
    shown = use_smsru(crm, stub, **{"from": "Shop"})
    assert shown["apiId"] == "********" and shown["baseUrl"] == stub.base_url
    assert crm.call("settings.get")["sms"]["apiId"] == "********"
    lead = crm.call("lead.add", {"fields": LEAD})
    queued = crm.call("sms.send", {"entityType": "lead", "id": lead["id"], "text": "Ваш заказ готов, ждём вас!"})
    assert queued["to"] == "79161234567" and queued["status"] in ("queued", "sending")
    assert (queued["segments"], queued["encoding"]) == (1, "ucs2")
    assert (queued["entityType"], queued["entityId"]) == ("lead", lead["id"])
    sent = wait_status(crm, queued["id"], {"sent"})
    assert sent["attempts"] == 1 and sent["transport"] == "smsru" and sent["gatewayId"].startswith("000000-")
    assert sent["errorCode"] is None and sent["sentAt"] is not None
    time.sleep(0.5)
    calls = stub.calls()
    assert len(calls) == 1
    assert calls[0]["method"] == "POST" and calls[0]["path"] == "/sms/send"
    assert calls[0]["fields"] == {"api_id": API_ID, "to": "79161234567", "msg": "Ваш заказ готов, ждём вас!", "json": "1", "from": "Shop"}
    messages = [e for e in timeline(crm, "lead", lead["id"]) if e["type"] == "message"]
    assert sorted(e["data"].get("status", "queued") for e in messages) == ["queued", "sent"]
    assert all(e["data"]["smsId"] == queued["id"] for e in messages)
    # The api_id is nowhere an API client can read.
    events = crm.call("event.list", {"after": 0, "limit": 1000})["items"]
    assert API_ID not in repr(events) and API_ID not in repr(crm.call("settings.get"))
    # A long Latin text is counted in GSM-7 parts; `to` given with a record goes to `to`.
    long = crm.call("sms.send", {"to": "+7 916 765-43-21", "entityType": "lead", "id": lead["id"], "text": "x" * 161 + "€"})
    assert (long["segments"], long["encoding"], long["to"]) == (2, "gsm7", "79167654321")
    wait_status(crm, long["id"], {"sent"})
    listed = crm.call("sms.list", {"entityType": "lead", "id": lead["id"]})
    assert [m["id"] for m in listed["items"]] == [queued["id"], long["id"]] and listed["next"] is None
    page = crm.call("sms.list", {"limit": 1})
    assert page["items"][0]["id"] == queued["id"] and page["next"] == queued["id"]
    assert [m["id"] for m in crm.call("sms.list", {"after": page["next"], "status": "sent"})["items"]] == [long["id"]]
    stub.close()


def test_permanent_refusals_fail_with_the_gateways_reason_and_temporary_ones_are_retried_once_sent(server):
    stub = SmsRuStub(hold_seconds=2.5, by_number={
        "79160000202": [("number", 202, "Неправильно указан номер мобильного телефона получателя")],
        "79160000201": [("error", 201, "Не хватает средств на лицевом счету")],
        "79160000220": [("error", 220, "Сервис временно недоступен, попробуйте чуть позже"), ("error", 220, "Сервис временно недоступен")],
        "79160000503": [503],
        "79160000999": ["timeout"],
        "79160000666": ["garbage"],
    })
    crm = checked(server)
    use_smsru(crm, stub)
    sms = {number: crm.call("sms.send", {"to": "+7" + number[1:], "text": f"to {number}"})["id"]
           for number in ["79160000202", "79160000201", "79160000220", "79160000503", "79160000999", "79160000666"]}
    refused = wait_status(crm, sms["79160000202"], {"failed"})
    assert (refused["errorCode"], refused["error"]) == ("202", "Неправильно указан номер мобильного телефона получателя")
    assert refused["attempts"] == 1
    funds = wait_status(crm, sms["79160000201"], {"failed"})
    assert (funds["errorCode"], funds["error"]) == ("201", "Не хватает средств на лицевом счету")
    # An answer that is not SMS.ru's: SMS.ru may have taken it, so it is not sent again.
    garbage = wait_status(crm, sms["79160000666"], {"failed"})
    assert garbage["errorCode"] == "badResponse"
    for number in ["79160000220", "79160000503", "79160000999"]:
        message = wait_status(crm, sms[number], {"sent"}, timeout=45)
        assert message["attempts"] >= 2, message
    time.sleep(1)
    per_number = {}
    for fields in stub.sent():
        per_number[fields["to"]] = per_number.get(fields["to"], 0) + 1
    assert per_number == {"79160000220": 1, "79160000503": 1, "79160000999": 1}
    tried = [c["fields"]["to"] for c in stub.calls()]
    assert tried.count("79160000220") == 3 and tried.count("79160000503") == 2 and tried.count("79160000999") == 2
    assert tried.count("79160000202") == 1 and tried.count("79160000201") == 1 and tried.count("79160000666") == 1
    waited = crm.call("sms.get", {"id": sms["79160000999"]})
    assert waited["errorCode"] is None and waited["error"] is None
    assert [m["id"] for m in crm.call("sms.list", {"status": "failed"})["items"]] == sorted(
        [sms["79160000202"], sms["79160000201"], sms["79160000666"]])
    stub.close()


def test_a_wrong_api_id_fails_and_an_unreachable_gateway_is_retried_until_it_is_back(server):
    stub = SmsRuStub()
    crm = checked(server)
    crm.call("settings.sms", {"transport": "smsru", "apiId": "wrong", "baseUrl": stub.base_url, "retryAfterSeconds": 1})
    wrong = crm.call("sms.send", {"to": "89161234567", "text": "hello"})
    failed = wait_status(crm, wrong["id"], {"failed"})
    assert (failed["errorCode"], failed["error"]) == ("200", "Неправильный api_id")
    # Nobody listens on this port: retried, not failed.
    closed = SmsRuStub()
    closed.close()
    crm.call("settings.sms", {"baseUrl": closed.base_url, "apiId": API_ID, "timeoutSeconds": 2})
    waiting = crm.call("sms.send", {"to": "89161234567", "text": "are you there?"})
    deadline = time.monotonic() + 20
    while crm.call("sms.get", {"id": waiting["id"]})["attempts"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    message = crm.call("sms.get", {"id": waiting["id"]})
    assert message["status"] in ("queued", "sending") and message["attempts"] >= 2 and message["errorCode"] == "unreachable"
    # A new baseUrl without the api_id drops it: it is refused until given again.
    with pytest.raises(InvalidValue) as refused:
        crm.call("settings.sms", {"baseUrl": stub.base_url})
    assert (refused.value.field, refused.value.reason) == ("sms.apiId", "required")
    crm.call("settings.sms", {"baseUrl": stub.base_url, "apiId": API_ID})
    wait_status(crm, waiting["id"], {"sent"})
    assert [f["msg"] for f in stub.sent()] == ["are you there?"]
    stub.close()


def test_sms_status_records_what_smsru_reports_from_the_phone(server):
    stub = SmsRuStub()
    crm = checked(server)
    use_smsru(crm, stub)
    lead = crm.call("lead.add", {"fields": LEAD})
    ids = [crm.call("sms.send", {"entityType": "lead", "id": lead["id"], "text": f"n{n}"})["id"] for n in range(3)]
    sent = [wait_status(crm, i, {"sent"}) for i in ids]
    stub.reports[sent[1]["gatewayId"]] = (104, "Не может быть доставлено: истекло время жизни")
    stub.reports[sent[2]["gatewayId"]] = (102, "Сообщение отправлено (в пути)")
    delivered = crm.call("sms.status", {"id": ids[0]})
    assert delivered["status"] == "delivered" and delivered["deliveredAt"] is not None
    lost = crm.call("sms.status", {"id": ids[1]})
    assert (lost["status"], lost["errorCode"], lost["error"]) == ("failed", "104", "Не может быть доставлено: истекло время жизни")
    assert crm.call("sms.status", {"id": ids[2]})["status"] == "sent"
    # Asked again: nothing more to record.
    assert crm.call("sms.status", {"id": ids[0]}) == crm.call("sms.get", {"id": ids[0]})
    calls = [c for c in stub.calls() if c["path"] == "/sms/status"]
    assert len(calls) == 3 and calls[0]["fields"] == {"api_id": API_ID, "sms_id": sent[0]["gatewayId"], "json": "1"}
    reports = [e["data"] for e in timeline(crm, "lead", lead["id"]) if e["type"] == "message" and e["data"].get("status") in ("delivered", "failed")]
    assert sorted((r["smsId"], r["status"]) for r in reports) == [(ids[0], "delivered"), (ids[1], "failed")]
    # A message kept in the outbox has nothing to ask.
    crm.call("settings.sms", {"transport": "outbox"})
    kept = crm.call("sms.send", {"to": "89161234567", "text": "kept"})
    assert crm.call("sms.status", {"id": kept["id"]})["status"] == "queued"
    stub.close()


def test_bad_numbers_are_refused_with_machine_readable_data_and_write_nothing(server):
    crm = checked(server)
    for to in ["123-45-67", "позвоните мне", "380 44 123 4567"]:
        with pytest.raises(InvalidValue) as refused:
            crm.call("sms.send", {"to": to, "text": "x"})
        assert (refused.value.field, refused.value.reason) == ("to", "phone")
    contact = crm.call("contact.add", {"fields": {"name": "Без телефона"}})
    with pytest.raises(InvalidValue) as refused:
        crm.call("sms.send", {"entityType": "contact", "id": contact["id"], "text": "x"})
    assert (refused.value.field, refused.value.reason) == ("to", "noPhone")
    assert crm.call("sms.list")["items"] == []
    assert [e for e in timeline(crm, "contact", contact["id"]) if e["type"] == "message"] == []
    with pytest.raises(InvalidValue) as refused:
        crm.call("settings.sms", {"transport": "command"})
    assert (refused.value.field, refused.value.reason) == ("sms.transport", "notConfigured")
    with pytest.raises(InvalidValue) as refused:
        crm.call("settings.update", {"sms": {"commandPath": "/bin/sh"}})
    assert (refused.value.field, refused.value.reason) == ("sms.commandPath", "configOnly")


def test_outbox_keeps_messages_until_a_transport_is_chosen(server):
    stub = SmsRuStub()
    crm = checked(server)
    crm.call("settings.sms", {"transport": "outbox"})
    kept = crm.call("sms.send", {"to": "9161234567", "text": "later"})
    time.sleep(2.5)
    assert crm.call("sms.get", {"id": kept["id"]})["status"] == "queued" and stub.calls() == []
    use_smsru(crm, stub)
    wait_status(crm, kept["id"], {"sent"})
    assert [f["msg"] for f in stub.sent()] == ["later"]
    stub.close()


def test_the_http_transport_fills_its_template_with_percent_encoded_values(server):
    stub = SmsRuStub()
    crm = checked(server)
    crm.call("settings.sms", {"transport": "http", "url": stub.base_url + "/gw/send?to={to}&text={text}&key={secret}",
                              "secret": "k&y=1", "retryAfterSeconds": 1})
    assert crm.call("settings.get")["sms"]["secret"] == "********"
    text = "Счёт №5 & оплата=100% ?#"
    got = crm.call("sms.send", {"to": "+7 916 123 45 67", "text": text})
    wait_status(crm, got["id"], {"sent"})
    call = stub.calls()[-1]
    assert call["method"] == "GET" and call["path"] == "/gw/send"
    assert call["fields"] == {"to": "79161234567", "text": text, "key": "k&y=1"}
    # POST with a body template; a 503 is retried.
    stub.script = [503]
    crm.call("settings.sms", {"method": "POST", "url": stub.base_url + "/gw/post", "body": "phone={to}&message={text}"})
    posted = crm.call("sms.send", {"to": "+7 916 123 45 67", "text": "второе"})
    message = wait_status(crm, posted["id"], {"sent"})
    assert message["attempts"] == 2
    call = stub.calls()[-1]
    assert call["method"] == "POST" and call["path"] == "/gw/post" and call["fields"] == {"phone": "79161234567", "message": "второе"}
    assert call["content_type"].startswith("application/x-www-form-urlencoded")
    stub.close()


def test_the_command_transport_runs_the_config_files_program(make_server, workdir):
    record = workdir / "sent.txt"
    program = workdir / "send-sms"
    program.write_text(f"""#!/bin/sh
text=$(cat)
case "$1" in
  *99) echo "modem: no network" >&2; exit 1 ;;
esac
printf '%s|%s\\n' "$1" "$text" >> {record}
""")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    server = make_server(config={"sms": {"commandPath": str(program)}})
    crm = checked(server)
    crm.call("settings.sms", {"transport": "command"})
    ok = crm.call("sms.send", {"to": "8 916 123-45-67", "text": "Привет; $(rm -rf /) `id`"})
    bad = crm.call("sms.send", {"to": "8 916 123-45-99", "text": "x"})
    wait_status(crm, ok["id"], {"sent"})
    failed = wait_status(crm, bad["id"], {"failed"})
    assert (failed["errorCode"], failed["error"]) == ("exit1", "modem: no network")
    assert record.read_text() == "79161234567|Привет; $(rm -rf /) `id`\n"


def test_sending_about_a_record_needs_access_to_it(server):
    crm = checked(server)
    theirs = crm.call("lead.add", {"fields": LEAD})
    roles = {r["code"]: r["id"] for r in crm.call("role.list")["items"] if r["code"]}
    user = crm.call("user.add", {"fields": {"name": "Менеджер"}})["id"]
    crm.call("user.setRoles", {"id": user, "roleIds": [roles["manager"]]})
    manager = checked(server)
    manager.call("session.login", {"token": crm.call("token.add", {"userId": user, "name": "sms"})["token"]})
    mine = manager.call("lead.add", {"fields": LEAD})
    sent = manager.call("sms.send", {"entityType": "lead", "id": mine["id"], "text": "Добрый день"})
    assert manager.call("sms.get", {"id": sent["id"]})["createdBy"] == user
    assert [m["id"] for m in manager.call("sms.list", {"entityType": "lead", "id": mine["id"]})["items"]] == [sent["id"]]
    for params in [{"entityType": "lead", "id": theirs["id"], "text": "x"}, {"to": "89161234567", "text": "x"}]:
        with pytest.raises(Forbidden):
            manager.call("sms.send", params)
    with pytest.raises(Forbidden):
        manager.call("sms.list")
    bare = crm.call("sms.send", {"to": "89161234567", "text": "from the administrator"})
    with pytest.raises(Forbidden):
        manager.call("sms.get", {"id": bare["id"]})
    assert [m["id"] for m in crm.call("sms.list")["items"]] == [sent["id"], bare["id"]]


def test_after_kill_9_every_acknowledged_message_is_sent_and_none_twice_silently(make_server, crmd_bin, workdir):
    stub = SmsRuStub()
    first = CrmdServer(crmd_bin, workdir).start()  # not make_server's: it is killed
    use_smsru(checked(first), stub)
    counter = itertools.count(1)

    def send_one(client):
        return client.call("sms.send", {"to": "+7 916 123-45-67", "text": f"burst {next(counter)}"}, timeout=10)["id"]

    acknowledged = write_until_killed(first, None, write_one=send_one)
    assert len(acknowledged) > 20
    second = make_server()
    crm = checked(second)
    def every_message() -> dict:
        found, after = {}, 0
        while True:
            page = crm.call("sms.list", {"after": after, "limit": 500})
            found.update({m["id"]: m for m in page["items"]})
            if page["next"] is None:
                return found
            after = page["next"]

    messages = every_message()
    assert set(acknowledged) <= set(messages)
    # The burst's size follows the machine's write rate (some 2,500 messages here), and the
    # gateway stand-in answers one at a time: allow a minute, and more for a larger burst.
    deadline = time.monotonic() + max(60, len(messages) / 20)
    while time.monotonic() < deadline and any(m["status"] != "sent" for m in messages.values()):
        time.sleep(0.5)
        messages = every_message()
    final = {i: crm.call("sms.get", {"id": i}) for i in messages}
    assert all(m["status"] == "sent" for m in final.values()), {i: m["status"] for i, m in final.items() if m["status"] != "sent"}
    received = {}
    for fields in stub.sent():
        received[fields["msg"]] = received.get(fields["msg"], 0) + 1
    assert set(received) == {m["text"] for m in final.values()}
    twice = {m["text"] for m in final.values() if received[m["text"]] > 1}
    assert all(m["interruptedAttempts"] >= 1 for m in final.values() if m["text"] in twice)
    stub.close()


def test_a_message_sms_ru_had_when_crmd_was_killed_is_sent_again_and_says_so(make_server, crmd_bin, workdir):
    stub = SmsRuStub(by_number={"79161112233": ["hold"]})
    first = CrmdServer(crmd_bin, workdir).start()
    crm = checked(first)
    use_smsru(crm, stub, timeoutSeconds=30)
    held = crm.call("sms.send", {"to": "+7 916 111-22-33", "text": "held"})
    assert stub.holding.wait(20)
    assert crm.call("sms.get", {"id": held["id"]})["status"] == "sending"
    first.stop(9)
    stub.release()
    crm = checked(make_server())
    message = wait_status(crm, held["id"], {"sent"})
    assert message["interruptedAttempts"] == 1 and message["attempts"] == 1
    assert [c["fields"]["msg"] for c in stub.calls()] == ["held", "held"]
    stub.close()
