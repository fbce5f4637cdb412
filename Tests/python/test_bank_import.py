"""Bank statements (issue 14, item 4; S26) through the API of a real crmd:

- `exchange.importPayments` reads a 1CClientBankExchange file in Windows-1251 (CP866 when it
  says `Кодировка=DOS`, UTF-8 after a byte order mark), keeps the incoming payments to our
  accounts and adds each to the invoice its purpose names with the payer's INN or the amount due;
- the others wait in `payment.unmatched` with ranked candidates, for `payment.match` or
  `payment.ignore`; outgoing payments are skipped;
- a statement imported again adds nothing again (`duplicates`).
"""
from __future__ import annotations

import base64

from conftest import CheckedClient
from crmd_client import Conflict, InvalidValue
from helpers import invoice_deal, refused

OUR_ACCOUNT = "40702810801400016513"  # invoice_parties' seller account
PAYER_ACCOUNT = "40802810500000000001"
PAYER_INN = "500100732259"


def document(number, amount, purpose, payer_inn=PAYER_INN, payer_account=PAYER_ACCOUNT, recipient=OUR_ACCOUNT, incoming=True):
    return ["СекцияДокумент=Платежное поручение", f"Номер={number}", "Дата=20.11.2026", f"Сумма={amount}",
            f"ПлательщикСчет={payer_account}", f"ПлательщикИНН={payer_inn}", "Плательщик1=ИП Петров И. С.",
            f"ПолучательСчет={recipient}", "ПолучательИНН=7707083893", "Получатель1=ООО Видеосистемы",
            "ДатаПоступило=21.11.2026" if incoming else "ДатаСписано=20.11.2026",
            f"НазначениеПлатежа={purpose}", "ВидОплаты=01", "Очередность=5", "КонецДокумента"]


def statement(documents, encoding="cp1251"):
    """The file's bytes: CRLF lines in `encoding` (`cp866` says so in its header, `utf-8-sig` has a BOM)."""
    header = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=" + ("DOS" if encoding == "cp866" else "Windows"),
              "Отправитель=Бухгалтерия", "ДатаНачала=20.11.2026", "ДатаКонца=21.11.2026", f"РасчСчет={OUR_ACCOUNT}",
              "Документ=Платежное поручение"]
    lines = header + [line for d in documents for line in d] + ["КонецФайла"]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def two_invoices(crm):
    """Two invoices of the same payer: 9000.00 and 4500.00 (numbered 2026-00001, 2026-00002)."""
    deal = invoice_deal(crm)
    first = crm.call("invoice.createFromDeal", {"dealId": deal, "date": "2026-11-20", "dueDate": "2030-01-31"})
    second = crm.call("invoice.createFromDeal", {"dealId": deal, "date": "2026-11-20", "dueDate": "2030-01-31"})
    crm.call("deal.productRows.set", {"id": deal, "rows": [{"name": "Камера", "price": "4500", "quantity": "1"}]})
    third = crm.call("invoice.createFromDeal", {"dealId": deal, "date": "2026-11-20", "dueDate": "2030-01-31"})
    return first, second, third


def test_a_statement_pays_invoices_waits_for_review_and_imports_once(crm):
    first, second, third = two_invoices(crm)
    assert (first["number"], second["number"], third["number"], third["total"]) == ("2026-00001", "2026-00002", "2026-00003", "4500.00")
    short = str(int(third["number"].split("-")[1]))  # «сч.3»
    data = statement([
        document("118", "9000.00", f"Оплата по счету № {first['number']} от 20.11.2026, в т.ч. НДС"),
        document("119", "1000.00", f"Аванс по сч.{short} за камеры"),
        document("120", "700.00", "Оплата по договору", payer_inn="7736207543", payer_account="40702810000000000002"),
        document("121", "250.00", "Возврат займа", payer_inn="7736207543", payer_account="40702810000000000002"),
        document("7", "100.00", "Аренда за ноябрь", payer_inn="7707083893", payer_account=OUR_ACCOUNT,
                 recipient="40702810900000000777", incoming=False),
    ])
    result = crm.call("exchange.importPayments", {"format": "1c-bank", "data": b64(data)})
    assert (result["payments"], result["matched"], result["unmatched"], result["duplicates"]) == (5, 2, 2, 0)
    assert result["encoding"] == "windows1251"
    statuses = [(i["number"], i["status"], i.get("invoiceId")) for i in result["items"]]
    assert statuses == [("118", "matched", first["id"]), ("119", "matched", third["id"]), ("120", "unmatched", None),
                        ("121", "unmatched", None), ("7", "skipped", None)]

    paid = crm.call("invoice.get", {"id": first["id"]})
    assert (paid["status"], paid["paid"], paid["due"]) == ("paid", "9000.00", "0.00")
    assert [(p["amount"], p["date"], p["source"], p["reference"]) for p in paid["payments"]] == \
        [("9000.00", "2026-11-21", "bank", "п/п № 118 от 20.11.2026")]
    partly = crm.call("invoice.get", {"id": third["id"]})
    assert (partly["status"], partly["paid"], partly["due"]) == ("partiallyPaid", "1000.00", "3500.00")
    assert crm.call("invoice.get", {"id": second["id"]})["status"] == "draft"

    # The same statement again: every incoming payment is a duplicate, nothing is added.
    again = crm.call("exchange.importPayments", {"format": "1c-bank", "data": b64(data)})
    assert (again["matched"], again["unmatched"], again["duplicates"]) == (0, 0, 4)
    assert [i["paymentId"] for i in again["items"]] == [i["paymentId"] for i in result["items"]]
    assert len(crm.call("invoice.get", {"id": third["id"]})["payments"]) == 1

    review = crm.call("payment.unmatched", {})
    assert [p["number"] for p in review["items"]] == ["120", "121"] and review["next"] is None
    loan = review["items"][1]
    assert (loan["amount"], loan["payerInn"], loan["purpose"], loan["status"]) == ("250.00", "7736207543", "Возврат займа", "unmatched")
    # No number and another payer's INN: only amounts could rank; 700.00 is no invoice's due.
    assert review["items"][0]["candidates"] == []

    matched = crm.call("payment.match", {"paymentId": review["items"][0]["id"], "invoiceId": second["id"]})
    assert (matched["payment"]["status"], matched["payment"]["invoiceId"]) == ("matched", second["id"])
    assert (matched["invoice"]["status"], matched["invoice"]["paid"]) == ("partiallyPaid", "700.00")
    error = refused(crm, Conflict, "payment.match", {"paymentId": review["items"][0]["id"], "invoiceId": second["id"]})
    assert error.data["reason"] == "matched"

    ignored = crm.call("payment.ignore", {"paymentId": loan["id"], "reason": "заём, не оплата"})
    assert (ignored["status"], ignored["ignoreReason"]) == ("ignored", "заём, не оплата")
    assert refused(crm, Conflict, "payment.ignore", {"paymentId": loan["id"]}).data["reason"] == "ignored"
    assert crm.call("payment.unmatched", {})["items"] == []


def test_candidates_are_ranked_for_review(crm):
    first, second, _ = two_invoices(crm)
    # «сч.2» for more than the invoice has due: a number and INN match, but it cannot be added.
    data = statement([document("300", "9000.01", "Оплата по сч.2")])
    assert crm.call("exchange.importPayments", {"format": "1c-bank", "data": b64(data)})["unmatched"] == 1
    [waiting] = crm.call("payment.unmatched", {"limit": 5})["items"]
    ranked = [(c["invoiceId"], c["reasons"], c["score"]) for c in waiting["candidates"]]
    assert ranked[0] == (second["id"], ["number", "inn"], 85)
    assert (first["id"], ["inn"], 25) in ranked
    refused(crm, InvalidValue, "payment.match", {"paymentId": waiting["id"], "invoiceId": second["id"]})


def test_cp866_and_utf8_with_a_bom_read_the_same(crm):
    first, _, _ = two_invoices(crm)
    docs = [document("1", "10.00", f"Оплата по счёту №{first['number']}"), document("2", "20.00", "Без номера", payer_inn="7736207543")]
    results = {}
    for encoding, expected in [("cp866", "cp866"), ("utf-8-sig", "utf8"), ("cp1251", "windows1251")]:
        result = crm.call("exchange.importPayments", {"format": "1c-bank", "data": b64(statement(docs, encoding))})
        assert result["encoding"] == expected
        results[encoding] = [(i["number"], i["paymentId"]) for i in result["items"]]
    # The first import adds both; the others, the same payments read from other bytes, are duplicates of them.
    assert results["cp866"] == results["utf-8-sig"] == results["cp1251"]
    assert crm.call("invoice.get", {"id": first["id"]})["paid"] == "10.00"
    [waiting] = crm.call("payment.unmatched", {})["items"]
    assert (waiting["purpose"], waiting["payerName"]) == ("Без номера", "ИП Петров И. С.")


def test_a_file_that_is_not_a_statement_is_refused_with_its_line(crm):
    two_invoices(crm)
    xml = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\r\n<КоммерческаяИнформация/>\r\n".encode("cp1251")
    error = refused(crm, InvalidValue, "exchange.importPayments", {"format": "1c-bank", "data": b64(xml)})
    assert error.data == {"field": "data", "reason": "notBankExchange"} and "line 1" in error.message
    cut = statement([document("5", "1.00", "x")])[:-len("КонецФайла\r\n")]
    assert refused(crm, InvalidValue, "exchange.importPayments", {"format": "1c-bank", "data": b64(cut)}).data["reason"] == "noEndOfFile"
    bad = statement([document("5", "1,00", "x")])
    error = refused(crm, InvalidValue, "exchange.importPayments", {"format": "1c-bank", "data": b64(bad)})
    assert error.data["reason"] == "amount" and "line 12" in error.message
    assert crm.call("payment.unmatched", {})["items"] == []


def test_a_path_is_read_only_under_import_dirs(make_server, workdir):
    imports = workdir / "imports"
    imports.mkdir()
    server = make_server(config={"importDirs": [str(imports)]})
    with server.client() as client:
        crm = CheckedClient(client)
        first, _, _ = two_invoices(crm)
        path = imports / "kl_to_1c.txt"
        path.write_bytes(statement([document("1", "9000.00", f"Оплата по счету № {first['number']}")]))
        result = crm.call("exchange.importPayments", {"format": "1c-bank", "path": str(path)})
        assert (result["matched"], crm.call("invoice.get", {"id": first["id"]})["status"]) == (1, "paid")
        outside = workdir / "kl_to_1c.txt"
        outside.write_bytes(path.read_bytes())
        error = refused(crm, InvalidValue, "exchange.importPayments", {"format": "1c-bank", "path": str(outside)})
        assert error.data == {"field": "path", "reason": "outsideImportDirs"}
