"""Documents back from 1C (issue 14, item 3; S25, S26) through the API of a real crmd:

- `invoice.attachDocument` attaches a shipment or closing document (акт, накладная, УПД,
  счёт-фактура) to an invoice with its number, date and file; `invoice.documents` lists them,
  `invoice.getDocument` gives one with its file; the invoice's timeline tells it; the same
  kind, number and date again is 1005;
- `exchange.importPayments {format: "commerceml"}` reads 1C's CommerceML (windows-1251 by its
  declaration, UTF-8 with a BOM, a ZIP of XML files) and applies each document to the invoice
  its `Основание` or number names: paid by «Дата оплаты по 1С», paid in part by «Выплата
  безналичных денег» with `Оплачен`, cancelled by «ПометкаУдаления», given its shipment and
  closing documents; the same file again changes nothing.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest
from crmd_client import Conflict, InvalidParams, InvalidValue, NotFound
from helpers import refused, timeline
from test_export_1c import invoice, parties

ROWS = [{"name": "Камера", "price": "4500", "quantity": "2", "vatRate": "22"}]


def test_documents_attached_by_hand(crm):
    buyer = parties(crm)
    bill = invoice(crm, buyer, ROWS)
    pdf = "%PDF-1.4 Акт №А-17".encode()
    act = crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "act", "number": "А-17", "date": "2026-11-25",
                                              "data": base64.b64encode(pdf).decode(), "fileName": "act.pdf"})
    assert (act["invoiceId"], act["kind"], act["number"], act["date"], act["size"], act["source"]) == \
        (bill["id"], "act", "А-17", "2026-11-25", len(pdf), "manual")
    factura = crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "invoiceFactura", "number": "118", "date": "2026-11-25",
                                                  "source": "edo"})
    assert factura["fileName"] is None and factura["size"] is None and factura["source"] == "edo"

    listed = crm.call("invoice.documents", {"id": bill["id"]})["items"]
    assert [d["id"] for d in listed] == [act["id"], factura["id"]] and all("data" not in d for d in listed)
    got = crm.call("invoice.getDocument", {"id": bill["id"], "documentId": act["id"]})
    assert base64.b64decode(got["data"]) == pdf
    assert crm.call("invoice.getDocument", {"id": bill["id"], "documentId": factura["id"]})["data"] is None

    told = [e["data"] for e in timeline(crm, "invoice", bill["id"]) if e["type"] == "document"]
    assert {(d["action"], d["document"], d["number"], d["documentId"]) for d in told} == \
        {("attached", "act", "А-17", act["id"]), ("attached", "invoiceFactura", "118", factura["id"])}

    error = refused(crm, Conflict, "invoice.attachDocument", {"id": bill["id"], "kind": "act", "number": "А-17", "date": "2026-11-25"})
    assert error.data["reason"] == "duplicate" and error.data["documentId"] == act["id"]
    other = invoice(crm, buyer, ROWS)
    refused(crm, NotFound, "invoice.getDocument", {"id": other["id"], "documentId": act["id"]})
    refused(crm, NotFound, "invoice.documents", {"id": 9999})
    with pytest.raises(InvalidParams):
        crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "contract", "number": "1", "date": "2026-11-25"})


def test_a_document_keeps_its_digest_and_content_type_within_the_size_setting(crm):
    buyer = parties(crm)
    bill = invoice(crm, buyer, ROWS)
    pdf = "%PDF-1.4 УПД".encode()

    def attach(number, **more):
        return crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "upd", "number": number, "date": "2026-11-25", **more})

    named = attach("1", data=base64.b64encode(pdf).decode(), fileName="upd.PDF")
    assert (named["sha256"], named["contentType"]) == (hashlib.sha256(pdf).hexdigest(), "application/pdf")
    assert attach("2", data="AAEC", fileName="scan.tiff")["contentType"] == "application/octet-stream"
    assert attach("3", data="AAEC")["contentType"] == "application/octet-stream"
    assert attach("4", data="AAEC", fileName="upd.pdf", contentType="image/tiff")["contentType"] == "image/tiff"
    assert attach("5", data="AAEC", fileName="upd.zip")["contentType"] == "application/zip"
    bare = attach("6", fileName="upd.pdf")
    assert (bare["sha256"], bare["contentType"], bare["size"]) == (None, None, None)
    assert crm.call("invoice.getDocument", {"id": bill["id"], "documentId": named["id"]})["sha256"] == named["sha256"]

    assert crm.call("settings.get")["maxDocumentBytes"] == 20971520
    assert crm.call("settings.update", {"maxDocumentBytes": 10})["maxDocumentBytes"] == 10
    assert attach("7", data=base64.b64encode(b"0123456789").decode())["size"] == 10
    error = refused(crm, InvalidValue, "invoice.attachDocument", {"id": bill["id"], "kind": "upd", "number": "8", "date": "2026-11-25",
                                                                 "data": base64.b64encode(b"0123456789A").decode()})
    assert (error.data["field"], error.data["reason"], error.data["limit"], error.data["size"]) == ("data", "tooLarge", 10, 11)
    assert "10 bytes" in error.message
    assert [d["number"] for d in crm.call("invoice.documents", {"id": bill["id"]})["items"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert crm.call("settings.update", {"maxDocumentBytes": None})["maxDocumentBytes"] == 20971520
    with pytest.raises(InvalidParams):
        crm.call("settings.update", {"maxDocumentBytes": 0})
    with pytest.raises(InvalidParams):
        attach("9", data="AAEC", contentType="pdf")


def test_the_invoice_shows_its_documents_and_where_each_payment_came_from(crm):
    buyer = parties(crm)
    bill = invoice(crm, buyer, ROWS)
    crm.call("invoice.addPayment", {"id": bill["id"], "amount": "1000.00", "date": "2026-11-26"})
    act = crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "act", "number": "А-17", "date": "2026-11-25",
                                              "data": base64.b64encode(b"%PDF").decode(), "fileName": "act.pdf"})
    xml = commerceml([document("41", "Выплата безналичных денег", amount="2000.00", basis=f"Счет на оплату № {bill['number']}",
                               extra="<Оплачен>true</Оплачен>")], "UTF-8")
    crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(xml.encode()).decode()})
    shown = crm.call("invoice.get", {"id": bill["id"]})
    assert [p["source"] for p in shown["payments"]] == ["manual", "1c"]
    assert shown["documents"] == crm.call("invoice.documents", {"id": bill["id"]})["items"]
    assert [(d["id"], d["kind"], d["sha256"]) for d in shown["documents"]] == [(act["id"], "act", hashlib.sha256(b"%PDF").hexdigest())]
    assert all("data" not in d for d in shown["documents"])


def commerceml(documents: list[str], encoding: str) -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<КоммерческаяИнформация ВерсияСхемы="2.05" ДатаФормирования="2026-11-26T10:00:00">\n'
            + "\n".join(documents) + "\n</КоммерческаяИнформация>\n")


def document(number, operation, date="2026-11-25", amount="0.00", basis=None, extra="", requisites=()) -> str:
    values = "".join(f"<ЗначениеРеквизита><Наименование>{n}</Наименование><Значение>{v}</Значение></ЗначениеРеквизита>" for n, v in requisites)
    return (f"<Документ><Ид>1c-{number}</Ид><Номер>{number}</Номер><Дата>{date}</Дата><ХозОперация>{operation}</ХозОперация>"
            f"<Роль>Продавец</Роль><Валюта>руб</Валюта><Сумма>{amount}</Сумма>" + (f"<Основание>{basis}</Основание>" if basis else "")
            + extra + (f"<ЗначенияРеквизитов>{values}</ЗначенияРеквизитов>" if values else "") + "</Документ>")


def from_1c(bills) -> list[str]:
    """1C's answer about four invoices: the first paid, the second paid in part, the third deleted, the
    fourth shipped with a waybill, an act and an invoice-factura dated «T»; and one invoice we never made."""
    first, second, third, fourth = bills
    return [
        document(first["number"], "Заказ товара", requisites=[("Дата оплаты по 1С", "2026-11-26T00:00:00"), ("Номер оплаты по 1С", "88")]),
        document("41", "Выплата безналичных денег", amount="4000.00", basis=f"Счет на оплату № {second['number']} от 20.11.2026",
                 extra="<Оплачен>true</Оплачен>"),
        document(third["number"], "Заказ товара", extra="<ПометкаУдаления>true</ПометкаУдаления>"),
        document("ТН-5", "Отпуск товара", basis=f"Счет на оплату № {fourth['number']} от 20.11.2026"),
        document("А-5", "Акт", basis=fourth["number"]),
        document("СФ-5", "Счет-фактура", date="T", basis=fourth["number"]),
        document("2026-00077", "Заказ товара"),
    ]


def check_applied(crm, bills, result):
    first, second, third, fourth = bills
    assert result == {"documents": 7, "invoicesUpdated": 4, "payments": 2, "attached": 3, "cancelled": 1,
                      "unmatched": [{"number": "2026-00077", "reason": "notFound"}]}
    paid = crm.call("invoice.get", {"id": first["id"]})
    assert paid["status"] == "paid" and paid["due"] == "0.00"
    assert [(p["amount"], p["date"], p["reference"], p["source"]) for p in paid["payments"]] == \
        [("9000.00", "2026-11-26", "1С: оплата № 88 от 26.11.2026", "1c")]
    partly = crm.call("invoice.get", {"id": second["id"]})
    assert partly["status"] == "partiallyPaid" and partly["paid"] == "4000.00"
    assert partly["payments"][0]["reference"] == "1С: п/п № 41 от 25.11.2026"
    assert crm.call("invoice.get", {"id": third["id"]})["status"] == "cancelled"
    attached = crm.call("invoice.documents", {"id": fourth["id"]})["items"]
    assert [(d["kind"], d["number"], d["date"], d["source"]) for d in attached] == \
        [("waybill", "ТН-5", "2026-11-25", "1c"), ("act", "А-5", "2026-11-25", "1c"), ("invoiceFactura", "СФ-5", None, "1c")]


def four_invoices(crm) -> list[dict]:
    buyer = parties(crm)
    return [invoice(crm, buyer, ROWS) for _ in range(4)]


def test_commerceml_in_windows_1251_applied_once(crm):
    bills = four_invoices(crm)
    data = commerceml(from_1c(bills), "windows-1251").encode("cp1251")
    result = crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(data).decode()})
    check_applied(crm, bills, result)
    again = crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(data).decode()})
    assert again == {"documents": 7, "invoicesUpdated": 0, "payments": 0, "attached": 0, "cancelled": 0,
                     "unmatched": [{"number": "2026-00077", "reason": "notFound"}]}
    assert crm.call("invoice.get", {"id": bills[1]["id"]})["paid"] == "4000.00"
    assert len(crm.call("invoice.documents", {"id": bills[3]["id"]})["items"]) == 3


def test_commerceml_in_utf_8_with_a_bom(crm):
    bills = four_invoices(crm)
    data = b"\xef\xbb\xbf" + commerceml(from_1c(bills), "UTF-8").encode()
    check_applied(crm, bills, crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(data).decode()}))


def test_commerceml_in_a_zip_of_files(crm):
    bills = four_invoices(crm)
    documents = from_1c(bills)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("documents_1.xml", commerceml(documents[:3], "windows-1251").encode("cp1251"))
        z.writestr("documents_2.xml", b"\xef\xbb\xbf" + commerceml(documents[3:], "utf-8").encode())
        z.writestr("readme.txt", "не XML")
    result = crm.call("exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(archive.getvalue()).decode()})
    check_applied(crm, bills, result)


def test_a_file_that_is_not_commerceml_changes_nothing(crm):
    bills = four_invoices(crm)
    cut = commerceml(from_1c(bills), "utf-8").encode()[:-40]
    error = refused(crm, InvalidValue, "exchange.importPayments", {"format": "commerceml", "data": base64.b64encode(cut).decode()})
    assert error.data["field"] == "data" and error.data["reason"] == "xml"
    error = refused(crm, InvalidValue, "exchange.importPayments",
                    {"format": "commerceml", "data": base64.b64encode("<Файл/>".encode()).decode()})
    assert error.data["reason"] == "notCommerceML"
    assert all(crm.call("invoice.get", {"id": b["id"]})["payments"] == [] for b in bills)
