#!/usr/bin/env python3
"""The seed scenario from the first call to a paid invoice, with 1C and the bank (S1-S26, S28).

    seed_to_deal.py [SOCKET] --import-dir DIR   talk to a running `crmd serve` whose config file
                                                lists DIR in `importDirs` (S15 imports from there)
    seed_to_deal.py --spawn BIN                 start `BIN serve --stdio --db <temp file>` for the run

S1-S4   a lead is created (refused until phone, e-mail, city and topic are given) and moved
        through the lead funnel to "consent received".
S5      the demonstration is booked in the first free hour of the manager's work calendar when the
        demonstration stand is free too; the same hour again is refused (slotBusy).
S6      the client is reminded by SMS before the meeting, through a loopback gateway speaking
        SMS.ru's format (the rule is timed to fire during the run).
S7      after the meeting the lead waits: entering "meeting held" books a follow-up task, and an
        idle robot will add another if the lead stays quiet for three days.
S8      the client's requisites (a sole proprietor's INN and OGRNIP) are stored on the lead.
S9-S12  conversion: the lead has a custom field the targets lack (1004, then created with
        consent), and a contact with the same phone already exists (1003, then merged).
S13     the new deal carries the lead's data and the robot's "next steps" comment.
S14-S16 the company's requisites are looked up by INN in the offline registry (imported
        here from a small file in the tax service's format) and the company takes the
        registered name.
S17     "Contract signed" requires contract number and date plus the company's own fields;
        jumping there is refused until they are filled.
S18-S19 the deal gets its products: a catalog item and a fixed one-time payment.
S20-S21 "Create invoice" is refused until the seller (our company) has requisites and a bank
        account; then the invoice is created, numbered, with the amount in words.
S22     the invoice as HTML and as PDF (left on disk as invoice.pdf next to the script's
        working directory, or at --out PATH), a public link, and an e-mail queued in the outbox.
S23     the invoices list, filtered; an advance entered by hand leaves the invoice partially paid.
S24     the invoice goes to 1C: `exchange.export1C` writes CommerceML in windows-1251 (left on disk
        as invoice-1c.xml next to the PDF).
S26     the bank's statement (kl_to_1c.txt in 1CClientBankExchange format, windows-1251, written to
        the import directory) pays the rest: its purpose names the invoice, the payer's INN and
        the amount due match it, and the invoice becomes paid.
S25     1C sends back the act for the invoice in its CommerceML; it is attached to the invoice.
S28     the manager's view of the invoice (`invoice.get`): paid, nothing due, each payment with
        where it came from, the act; the deal's money.

Exits 1 on anything unexpected.
"""
from __future__ import annotations

import base64
import http.server
import json
import os
import sys
import tempfile
import threading
import urllib.parse
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Clients", "python"))
from crmd_client import (Client, Conflict, CrmdError, DuplicatesFound, FieldsMissingInTarget,  # noqa: E402
                         RequiredFieldsMissing)

# A sole proprietor from the tax service's published SME registry format (REFERENCE-ru.md).
REGISTRY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Файл ИдФайл="VO_RRMSPSV_demo" ВерсФорм="4.02" ТипИнф="РЕЕСТРМСП" КолДок="1">
<ИдОтпр><ФИООтв Фамилия="-" Имя="-"/></ИдОтпр>
<Документ ИдДок="demo-1" ДатаСост="10.01.2026" ДатаВклМСП="10.08.2016" ВидСубМСП="2" КатСубМСП="1" ПризНовМСП="2">
<ИПВклМСП ИННФЛ="500100732259" ОГРНИП="304500116000157"><ФИОИП Фамилия="ПЕТРОВ" Имя="ИВАН" Отчество="СЕРГЕЕВИЧ"/></ИПВклМСП>
<СведМН КодРегион="50"><Регион Тип="ОБЛАСТЬ" Наим="МОСКОВСКАЯ"/><Город Тип="ГОРОД" Наим="ХИМКИ"/></СведМН>
<СвОКВЭД><СвОКВЭДОсн КодОКВЭД="43.21" НаимОКВЭД="Производство электромонтажных работ" ВерсОКВЭД="2014"/></СвОКВЭД>
</Документ>
</Файл>
"""


PDF_OUT = "invoice.pdf"


class Unexpected(Exception):
    """The server did something this scenario does not expect."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Unexpected(what)


def refused(crm: Client, method: str, params: dict, error: type[CrmdError]) -> CrmdError:
    """Calls a method that must fail with `error` and returns the exception."""
    try:
        crm.call(method, params)
    except error as failure:
        return failure
    raise Unexpected(f"{method} was not refused with {error.__name__}")


class SmsRuGateway(http.server.ThreadingHTTPServer):
    """A loopback gateway answering as SMS.ru's `sms/send` does (json=1), keeping what it was sent."""

    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.arrived = threading.Event()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                fields = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                gateway.received.append(fields)
                gateway.arrived.set()
                answer = {"status": "OK", "status_code": 100, "balance": 100.5,
                          "sms": {fields.get("to", ""): {"status": "OK", "status_code": 100, "sms_id": f"demo-{len(gateway.received)}"}}}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def meetings_and_waiting(crm: Client, lead: dict) -> None:
    """S5-S7: the demonstration booked in a free slot, the client reminded by SMS, the lead
    waiting after the meeting without being forgotten."""
    me = crm.call("user.current")["id"]
    # S5: a free hour in the manager's working hours when the demonstration stand is free too.
    stand = crm.call("resource.add", {"name": "Демонстрационный стенд", "place": "Шоурум, 1 этаж"})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    slots = crm.call("calendar.freeSlots", {"userIds": [me], "resourceId": stand["id"], "from": iso(now + timedelta(minutes=30)),
                                            "to": iso(now + timedelta(days=21)), "duration": 60, "limit": 3})["slots"]
    expect(bool(slots), "no free hour in three weeks")
    slot = slots[0]
    meeting = crm.call("activity.add", {"fields": {
        "type": "meeting", "subject": "Демонстрация системы видеонаблюдения", "start": slot["start"], "end": slot["end"],
        "place": "Химки, Ленинградское ш., 1", "resourceId": stand["id"],
        "bindings": [{"entityType": "lead", "id": lead["id"]}], "clientContacts": [{"entityType": "lead", "id": lead["id"]}]}})
    print(f"S5  meeting #{meeting['id']} booked in the first free slot: {meeting['start']} - {meeting['end']}")
    taken = refused(crm, "activity.add", {"fields": {"type": "meeting", "subject": "Другая встреча", "start": slot["start"],
                                                     "end": slot["end"]}}, Conflict)
    print("S5  the same hour again:", taken.data["reason"], "with meeting", taken.data["activityId"])

    # S6: an SMS to the client before the meeting, through an SMS.ru-format gateway on loopback. The
    # rule is timed to go out three seconds from now, so this run sees it; a real one says "a day before".
    gateway = SmsRuGateway()
    crm.call("settings.sms", {"transport": "smsru", "apiId": "demo-api-id", "baseUrl": f"http://127.0.0.1:{gateway.server_address[1]}"})
    start = datetime.fromisoformat(meeting["start"].replace("Z", "+00:00"))
    before = int((start - datetime.now(timezone.utc)).total_seconds()) - 3
    crm.call("automation.add", {"entityType": "activity", "trigger": "beforeStart", "before": before, "activityType": "meeting",
                                "title": "SMS клиенту перед встречей", "action": {"type": "sms", "text":
                                "{{client.name}}, ждём вас {{activity.start}}: {{activity.place}}. {{responsible.name}}"}})
    expect(gateway.arrived.wait(20), "the reminder SMS did not reach the gateway")
    print(f"S6  SMS to {gateway.received[0]['to']}: {gateway.received[0]['msg']}")
    gateway.shutdown()

    # S7: after the meeting the lead waits for the client's decision. Entering "meeting held" books a
    # call for the manager in two days; a lead quiet there for three days gets another task.
    for rule in ({"trigger": "enter", "action": {"type": "activity", "activityType": "task",
                                                 "subject": "Позвонить клиенту о решении: {{lead.title}}", "in": 2 * 86400}},
                 {"trigger": "idle", "days": 3, "action": {"type": "activity", "subject": "Лид ждёт: напомнить о себе"}}):
        crm.call("automation.add", {"entityType": "lead", "stageId": "MEETING_HELD", **rule})
    crm.call("activity.complete", {"id": meeting["id"], "result": "Показали систему, клиент думает"})
    crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": "MEETING_HELD"}})
    tasks = crm.call("activity.list", {"filter": {"entityType": "lead", "entityId": lead["id"], "type": "task", "status": "planned"}})["items"]
    expect(len(tasks) == 1, "the robot did not book the follow-up")
    print(f"S7  follow-up task: {tasks[0]['subject']}, due {tasks[0]['deadline']}")


def run(crm: Client, import_dir: str) -> None:
    # S1-S2: the lead and its required fields.
    missing = refused(crm, "lead.add", {"fields": {"title": "Видеонаблюдение на складе"}}, RequiredFieldsMissing)
    print("S2  refused, fill:", ", ".join(m["title"] for m in missing.missing))
    crm.call("field.add", {"entityType": "lead", "code": "site_area", "title": "Площадь объекта, м²", "type": "decimal"})
    lead = crm.call("lead.add", {"fields": {
        "title": "Видеонаблюдение на складе", "name": "Иван", "lastName": "Петров", "secondName": "Сергеевич",
        "phones": [{"value": "8 (916) 555-12-34", "type": "MOBILE"}], "emails": [{"value": "petrov@example.ru"}],
        "city": "Химки", "topic": "Видеонаблюдение", "clientType": "ip", "companyTitle": "ИП Петров",
        "custom": {"site_area": "850"}}})
    print(f"S1  lead #{lead['id']} in {lead['stageId']}")

    # S3: through the funnel (stages may be skipped).
    for stage in ["QUALIFICATION", "OFFER_SENT", "MEETING_SCHEDULED"]:
        lead = crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": stage}, "expectedVersion": lead["version"]})
    print("S3  lead moved to", lead["stageId"])
    meetings_and_waiting(crm, lead)
    for stage in ["MEETING_HELD", "CONSENT"]:
        lead = crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": stage}})
    expect(lead["stageId"] == "CONSENT", "the lead did not reach CONSENT")
    print("S3  lead moved to", lead["stageId"])

    # S8: requisites on the lead.
    lead = crm.call("lead.update", {"id": lead["id"], "fields": {
        "requisites": {"inn": "500100732259", "ogrnip": "304500116000157"}}})
    print("S8  requisites stored on the lead:", lead["requisites"])

    # S9-S12: conversion, with the refusals a manager has to answer.
    existing = crm.call("contact.add", {"fields": {"name": "Иван", "phones": [{"value": "+79165551234"}]}})
    fields_missing = refused(crm, "lead.convert", {"id": lead["id"]}, FieldsMissingInTarget)
    print("S10 fields the targets lack:", [(f["field"], f["missingIn"]) for f in fields_missing.fields])
    duplicates = refused(crm, "lead.convert", {"id": lead["id"], "createMissingFields": True}, DuplicatesFound)
    matches = duplicates.data["contact"]
    expect([m["id"] for m in matches] == [existing["id"]], "the existing contact was not found as a duplicate")
    print("S11 duplicate contact found by", matches[0]["matchedBy"])
    result = crm.call("lead.convert", {"id": lead["id"], "createMissingFields": True,
                                       "contact": {"action": "merge", "id": existing["id"]}})
    print(f"S12 converted: deal #{result['dealId']}, contact #{result['contactId']} (merged), company #{result['companyId']}")
    contact = crm.call("contact.get", {"id": result["contactId"]})
    expect(contact["lastName"] == "Петров" and contact["emails"], "the merge did not fill the contact from the lead")

    # S13: the deal and the robot's comment.
    deal = crm.call("deal.get", {"id": result["dealId"]})
    expect(deal["custom"].get("site_area") == "850", "the deal lacks the lead's custom value")
    comments = [e for e in crm.call("timeline.list", {"entityType": "deal", "id": deal["id"]})["items"] if e["type"] == "comment"]
    expect(comments, "no robot comment on the new deal")
    print("S13 robot:", comments[0]["data"]["text"])

    # S14-S16: requisites looked up by INN, company renamed.
    registry_file = os.path.join(import_dir, "rsmp.xml")
    with open(registry_file, "w", encoding="utf-8") as out:
        out.write(REGISTRY_XML)
    summary = crm.call("registry.import", {"path": registry_file, "format": "rsmp"})
    print("    registry imported:", summary)
    company_id = result["companyId"]
    for requisite in crm.call("requisite.list", {"entityType": "company", "entityId": company_id})["items"]:
        crm.call("requisite.delete", {"id": requisite["id"]})
    requisite = crm.call("requisite.add", {"entityType": "company", "entityId": company_id, "preset": "ip",
                                           "fields": {"inn": "500100732259"}, "lookup": True})
    print("S15 registry filled:", {k: requisite["fields"][k] for k in ("fullName", "ogrnip", "okved") if k in requisite["fields"]})
    company = crm.call("company.get", {"id": company_id})
    expect(company["title"] == requisite["fields"]["shortName"], "the company was not renamed to its registered name")
    print("S16 company renamed to", company["title"])
    bank = crm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {
        "bik": "044525593", "bankName": "АО «Альфа-Банк»", "account": "40702810801400016513"}})
    print("    bank account added:", bank["account"])

    # S17: "Contract signed" with the company's own requirements.
    for code, title, kind in [("acceptance_days", "Срок подписания акта, дней", "integer"),
                              ("premises", "Технические параметры помещения", "text"),
                              ("site_address", "Адрес объекта", "address")]:
        crm.call("field.add", {"entityType": "deal", "code": code, "title": title, "type": kind})
    pipeline = next(p for p in crm.call("pipeline.list", {"entityType": "deal"})["items"] if p["isDefault"])
    crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "CONTRACT_SIGNED", "requiredFields": [
        "contractNumber", "contractDate", "custom.acceptance_days", "custom.premises", "custom.site_address"]})
    missing = refused(crm, "deal.update", {"id": deal["id"], "fields": {"stageId": "CONTRACT_SIGNED"}}, RequiredFieldsMissing)
    print("S17 refused, fill:", ", ".join(m["title"] for m in missing.missing))
    deal = crm.call("deal.update", {"id": deal["id"], "fields": {
        "stageId": "CONTRACT_SIGNED", "contractNumber": "15", "contractDate": "2026-03-01",
        "custom": {"acceptance_days": 5, "premises": "Склад 850 м², высота 6 м, периметр 120 м",
                   "site_address": "Химки, Ленинградское ш., 1"}}})
    expect(deal["stageId"] == "CONTRACT_SIGNED", "the deal did not reach CONTRACT_SIGNED")
    print("S17 deal moved to", deal["stageId"])

    # S18-S19: products on the deal.
    camera = crm.call("product.add", {"fields": {"name": "Камера IP 4 Мп уличная", "price": "4500", "vatRate": "22",
                                                 "unit": {"code": "796"}}})
    rows = crm.call("deal.productRows.set", {"id": deal["id"], "rows": [
        {"productId": camera["id"], "quantity": "8"},
        {"name": "Монтаж и настройка системы (разовый платёж)", "price": "45000", "unit": {"code": "876"}}]})
    print("S19 products:", len(rows["rows"]), "rows, total", rows["totals"]["total"], "VAT", rows["totals"]["vat"])

    # S20-S21: the invoice, once the seller is complete.
    missing = refused(crm, "invoice.createFromDeal", {"dealId": deal["id"]}, RequiredFieldsMissing)
    print("S21 refused, fill:", ", ".join(m["title"] for m in missing.missing))
    seller = crm.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True,
                                                 "phones": [{"value": "+7 495 123-45-67"}]}})
    seller_requisite = crm.call("requisite.add", {"entityType": "company", "entityId": seller["id"], "preset": "legal", "fields": {
        "inn": "7736207543", "kpp": "773601001", "shortName": "ООО «Видеосистемы»",
        "legalAddress": "125009, Москва, ул. Тверская, д. 1", "directorName": "Смирнов А. А.", "accountantName": "Кузнецова Е. В."}})
    crm.call("bankDetail.add", {"requisiteId": seller_requisite["id"], "fields": {
        "bik": "044525593", "bankName": "АО «Альфа-Банк»", "bankCity": "г. Москва", "account": "40702810801400016513"}})
    invoice = crm.call("invoice.createFromDeal", {"dealId": deal["id"]})
    print(f"S21 invoice № {invoice['number']} for {invoice['total']} ({invoice['amountInWords']})")

    # S22: open, download, print, send.
    html = crm.call("invoice.render", {"id": invoice["id"], "format": "html"})
    pdf = crm.call("invoice.render", {"id": invoice["id"], "format": "pdf"})
    with open(PDF_OUT, "wb") as out:
        out.write(base64.b64decode(pdf["data"]))
    print(f"S22 HTML {len(base64.b64decode(html['data']))} bytes; PDF written to {PDF_OUT}")
    crm.call("settings.update", {"publicBaseUrl": "https://crm.example.ru/invoice/"})
    link = crm.call("invoice.publicLink", {"id": invoice["id"]})
    print("S22 public link:", link["url"])
    sent = crm.call("invoice.send", {"id": invoice["id"], "to": "petrov@example.ru", "mode": "attachment"})
    print("S22 e-mail", sent["status"], "(the outbox delivers it once settings.mail names SMTP or sendmail)")

    # S23: the invoices list; an advance the accountant entered by hand.
    listed = crm.call("invoice.list", {"filter": {"payerInn": "500100732259"}, "select": ["number", "total", "status"]})
    print("S23 invoices of the client:", listed["items"])
    advance = crm.call("invoice.addPayment", {"id": invoice["id"], "amount": "30000.00", "date": invoice["date"],
                                              "reference": "аванс, п/п 42"})
    expect(advance["status"] == "partiallyPaid", "the invoice is not partially paid after the advance")
    print(f"S23 advance entered: {advance['status']}, due {advance['due']}")
    through_1c_and_the_bank(crm, invoice, deal, import_dir)


def bank_statement(invoice: dict, amount: str, seller_account: str) -> bytes:
    """The client's payment of the rest as the bank hands it to 1C: a 1CClientBankExchange file
    (kl_to_1c.txt), CRLF lines in windows-1251."""
    day = datetime.strptime(invoice["date"], "%Y-%m-%d").strftime("%d.%m.%Y")
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=Бухгалтерия",
             f"ДатаНачала={day}", f"ДатаКонца={day}", f"РасчСчет={seller_account}", "Документ=Платежное поручение",
             "СекцияДокумент=Платежное поручение", "Номер=57", f"Дата={day}", f"Сумма={amount}",
             "ПлательщикСчет=40802810500000000001", "ПлательщикИНН=500100732259", "Плательщик1=ИП Петров Иван Сергеевич",
             f"ПолучательСчет={seller_account}", "ПолучательИНН=7736207543", "Получатель1=ООО «Видеосистемы»",
             f"ДатаПоступило={day}", f"НазначениеПлатежа=Оплата по счету № {invoice['number']} от {day}, в т.ч. НДС",
             "ВидОплаты=01", "Очередность=5", "КонецДокумента", "КонецФайла"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def act_from_1c(invoice: dict) -> bytes:
    """1C's answer after the work was accepted: the act for the invoice, in CommerceML (windows-1251)."""
    xml = ('<?xml version="1.0" encoding="windows-1251"?>\n'
           f'<КоммерческаяИнформация ВерсияСхемы="2.05" ДатаФормирования="{invoice["date"]}T18:00:00">\n'
           f'<Документ><Ид>act-{invoice["number"]}</Ид><Номер>А-15</Номер><Дата>{invoice["date"]}</Дата><ХозОперация>Акт</ХозОперация>'
           f'<Роль>Продавец</Роль><Валюта>руб</Валюта><Сумма>{invoice["total"]}</Сумма>'
           f'<Основание>Счет на оплату № {invoice["number"]}</Основание></Документ>\n'
           '</КоммерческаяИнформация>\n')
    return xml.encode("cp1251")


def through_1c_and_the_bank(crm: Client, invoice: dict, deal: dict, import_dir: str) -> None:
    """S24-S26, S28: the invoice to 1C, the bank statement that pays it, the act back from 1C, and
    what the manager sees without asking the accountant."""
    # S24: the invoice to 1C, as the accountant's 1C takes it (CommerceML 2, windows-1251).
    export = crm.call("exchange.export1C", {"ids": [invoice["id"]]})
    xml_out = os.path.join(os.path.dirname(os.path.abspath(PDF_OUT)), "invoice-1c.xml")
    with open(xml_out, "wb") as out:
        out.write(base64.b64decode(export["data"]))
    expect(export["invoiceIds"] == [invoice["id"]], "the export does not hold the invoice")
    print(f"S24 {export['count']} invoice exported to 1C ({export['encoding']}, CommerceML {export['version']}): {xml_out}")

    # S26: the bank statement pays what is still due; the purpose names the invoice.
    seller_account = invoice["seller"]["bank"]["account"]
    statement_file = os.path.join(import_dir, "kl_to_1c.txt")
    with open(statement_file, "wb") as out:
        out.write(bank_statement(invoice, crm.call("invoice.get", {"id": invoice["id"]})["due"], seller_account))
    imported = crm.call("exchange.importPayments", {"format": "1c-bank", "path": statement_file})
    expect((imported["matched"], imported["unmatched"]) == (1, 0), f"the statement did not pay the invoice: {imported}")
    print(f"S26 bank statement {statement_file}: {imported['payments']} payment, {imported['matched']} matched to an invoice")

    # S25: the act comes back from 1C.
    answer = crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(act_from_1c(invoice)).decode()})
    expect(answer["attached"] == 1, f"the act was not attached: {answer}")
    print("S25 from 1C:", answer["attached"], "document attached")

    # S28: what the manager sees.
    shown = crm.call("invoice.get", {"id": invoice["id"]})
    expect(shown["status"] == "paid" and shown["due"] == "0.00", "the invoice is not paid after the bank statement")
    expect([p["source"] for p in shown["payments"]] == ["manual", "bank"], "the payments do not say where they came from")
    expect([(d["kind"], d["number"]) for d in shown["documents"]] == [("act", "А-15")], "the invoice does not show the act")
    print(f"S28 invoice № {shown['number']}: {shown['status']}, paid {shown['paid']}, due {shown['due']}")
    for payment in shown["payments"]:
        print(f"S28   payment {payment['amount']} on {payment['date']} from {payment['source']}: {payment['reference']}")
    for document in shown["documents"]:
        print(f"S28   {document['kind']} № {document['number']} of {document['date']} from {document['source']}")
    money = crm.call("deal.get", {"id": deal["id"]})["money"]
    print(f"S28 deal: invoiced {money['invoiced']}, paid {money['paid']}, due {money['due']}")


def main(argv: list[str]) -> int:
    global PDF_OUT
    if "--out" in argv:
        at = argv.index("--out")
        PDF_OUT = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    import_dir = None
    if "--import-dir" in argv:
        at = argv.index("--import-dir")
        import_dir = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    with tempfile.TemporaryDirectory(prefix="crmd-seed-") as workdir:
        if len(argv) >= 2 and argv[0] == "--spawn":
            # crmd reads files only from the directories its config file lists (importDirs).
            import_dir = workdir
            config = os.path.join(workdir, "crmd.json")
            with open(config, "w", encoding="utf-8") as out:
                json.dump({"importDirs": [workdir]}, out)
            client = Client.spawn([argv[1], "serve", "--stdio", "--db", os.path.join(workdir, "crm.sqlite"), "--config", config])
        else:
            client = Client.connect(argv[0] if argv else None)
        try:
            with client as crm:
                run(crm, import_dir or workdir)
        except (Unexpected, CrmdError) as failure:
            print("FAILED:", failure, file=sys.stderr)
            return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
