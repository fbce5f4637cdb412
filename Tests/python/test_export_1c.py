"""Invoices to 1C (issue 14, item 1; S24) through the API of a real crmd:

- `exchange.export1C` gives a CommerceML 2 file in base64, Windows-1251 unless asked for
  UTF-8, read here by Python's own XML parser from its declared encoding;
- one `Документ` per invoice with the buyer's INN, KPP, legal address and bank account, each
  row's OKEI unit, price, quantity, sum and VAT (inside or on top), goods or service, and the
  order's requisites (paid, cancelled, status);
- `exchange.acknowledge {until}` moves the marker: the next export without `since` or `ids`
  holds only the invoices changed after it; `ids` exports just those;
- a character Windows-1251 cannot hold is 1007 naming the invoice, never a silent `?`;
- `path`: the file written under the config file's `exportDirs`, whole or not at all, with its
  size and SHA-256 in the reply; any other path refused before anything is written.
"""
from __future__ import annotations

import base64
import hashlib
import stat
import xml.etree.ElementTree as ET
from decimal import Decimal

from crmd_client import InvalidParams, InvalidValue, NotFound
from conftest import CheckedClient
from helpers import refused

BANK = {"bik": "044030653", "corrAccount": "30101810500000000653", "account": "40702810955230165464", "bankName": "ПАО «Банк»"}


def parties(crm) -> int:
    """Our company with a bank account, and a buyer (ООО) with INN, KPP, legal address and a bank account; the buyer's id."""
    seller = crm.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True}})
    requisite = crm.call("requisite.add", {"entityType": "company", "entityId": seller["id"], "preset": "legal",
                                           "fields": {"inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"}})
    crm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {"bik": "044525593", "account": "40702810801400016513"}})
    buyer = crm.call("company.add", {"fields": {"title": "Рога и копыта"}})
    buyer_requisite = crm.call("requisite.add", {"entityType": "company", "entityId": buyer["id"], "preset": "legal",
                                                 "fields": {"inn": "7736207543", "kpp": "770401001", "shortName": "ООО «Рога & Копыта»",
                                                            "legalAddress": "119021, г. Москва, ул. Льва Толстого, д. 16"}})
    crm.call("bankDetail.add", {"requisiteId": buyer_requisite["id"], "fields": BANK})
    return buyer["id"]


def invoice(crm, buyer, rows) -> dict:
    deal = crm.call("deal.add", {"fields": {"title": "Камеры", "companyId": buyer}})
    crm.call("deal.productRows.set", {"id": deal["id"], "rows": rows})
    return crm.call("invoice.createFromDeal", {"dealId": deal["id"], "date": "2026-11-20", "dueDate": "2030-01-31"})


def parse(result) -> ET.Element:
    """The file as 1C would read it: bytes, with the encoding its prolog declares."""
    data = base64.b64decode(result["data"])
    declared = "windows-1251" if result["encoding"] == "windows-1251" else "utf-8"
    assert data.startswith(f'<?xml version="1.0" encoding="{declared}"?>'.encode())
    return ET.fromstring(data)  # the parser decodes by the declaration


def documents(root) -> dict[str, ET.Element]:
    return {d.findtext("Номер"): d for d in root.findall("Документ")}


def requisites(element) -> dict[str, str]:
    return {r.findtext("Наименование"): r.findtext("Значение") for r in element.findall("ЗначенияРеквизитов/ЗначениеРеквизита")}


def test_invoices_as_commerceml_in_windows_1251(crm):
    buyer = parties(crm)
    included = invoice(crm, buyer, [{"name": "Камера <IP> №1 — «уличная»", "price": "4500", "quantity": "2", "vatRate": "22"}])
    on_top = invoice(crm, buyer, [
        {"name": "Монтаж", "price": "1000", "quantity": "3", "unit": {"code": "876"}, "vatRate": "22", "vatIncluded": False},
        {"name": "Кабель", "price": "25.50", "quantity": "10", "unit": {"code": "006"}, "vatRate": "none"}])
    result = crm.call("exchange.export1C", {})
    assert (result["encoding"], result["version"], result["count"]) == ("windows-1251", "2.05", 2)
    assert result["invoiceIds"] == [included["id"], on_top["id"]] and result["until"] > 0
    root = parse(result)
    assert root.tag == "КоммерческаяИнформация" and root.get("ВерсияСхемы") == "2.05" and root.get("ДатаФормирования")
    docs = documents(root)
    assert set(docs) == {included["number"], on_top["number"]}

    first = docs[included["number"]]
    assert (first.findtext("Дата"), first.findtext("ХозОперация"), first.findtext("Роль"), first.findtext("Валюта")) == \
        ("2026-11-20", "Заказ товара", "Продавец", "RUB")
    assert first.findtext("Сумма") == included["total"] == "9000.00"
    buyer_xml = first.find("Контрагенты/Контрагент")
    assert (buyer_xml.findtext("Наименование"), buyer_xml.findtext("Роль"), buyer_xml.findtext("ИНН"), buyer_xml.findtext("КПП")) == \
        ("ООО «Рога & Копыта»", "Покупатель", "7736207543", "770401001")
    assert buyer_xml.findtext("ЮридическийАдрес/Представление") == "119021, г. Москва, ул. Льва Толстого, д. 16"
    account = buyer_xml.find("РасчетныеСчета/РасчетныйСчет")
    assert (account.findtext("НомерСчета"), account.findtext("Банк/БИК"), account.findtext("Банк/Наименование")) == \
        (BANK["account"], BANK["bik"], BANK["bankName"])
    tax = first.find("Налоги/Налог")
    assert (tax.findtext("Наименование"), tax.findtext("УчтеноВСумме"), tax.findtext("Сумма")) == ("НДС", "true", included["totals"]["vat"])
    [camera] = first.findall("Товары/Товар")
    assert camera.findtext("Наименование") == "Камера <IP> №1 — «уличная»"
    unit = camera.find("БазоваяЕдиница")
    assert (unit.get("Код"), unit.get("НаименованиеПолное"), unit.text) == ("796", "Штука", "шт")
    assert (camera.findtext("ЦенаЗаЕдиницу"), camera.findtext("Количество"), camera.findtext("Сумма")) == ("4500.00", "2", "9000.00")
    assert camera.findtext("СтавкиНалогов/СтавкаНалога/Ставка") == "22"
    assert camera.findtext("Налоги/Налог/УчтеноВСумме") == "true"
    # VAT inside: 9000 × 22/122, rounded to kopecks.
    assert Decimal(camera.findtext("Налоги/Налог/Сумма")) == (Decimal("9000") * 22 / 122).quantize(Decimal("0.01"))
    assert requisites(camera)["ВидНоменклатуры"] == "Товар"
    assert requisites(first) == {"Заказ оплачен": "false", "Отменен": "false", "Статус заказа": "Черновик"}

    second = docs[on_top["number"]]
    assert second.findtext("Налоги/Налог/УчтеноВСумме") == "false"
    mounting, cable = second.findall("Товары/Товар")
    assert (mounting.findtext("Сумма"), mounting.findtext("Налоги/Налог/Сумма")) == ("3000.00", "660.00")
    assert requisites(mounting)["ВидНоменклатуры"] == "Услуга" and requisites(cable)["ТипНоменклатуры"] == "Товар"
    assert cable.findtext("СтавкиНалогов/СтавкаНалога/Ставка") == "Без НДС" and cable.find("Налоги") is None
    assert cable.find("БазоваяЕдиница").get("Код") == "006"
    # The rows' sums plus VAT on top are the document's sum.
    rows = sum(Decimal(t.findtext("Сумма")) for t in second.findall("Товары/Товар"))
    assert rows + Decimal("660.00") == Decimal(second.findtext("Сумма")) == Decimal(on_top["total"]) == Decimal("3915.00")


def test_acknowledged_changes_are_not_exported_again(crm):
    buyer = parties(crm)
    first = invoice(crm, buyer, [{"name": "Камера", "price": "4500", "quantity": "1"}])
    second = invoice(crm, buyer, [{"name": "Объектив", "price": "1200", "quantity": "1"}])
    everything = crm.call("exchange.export1C", {"encoding": "utf-8"})
    assert everything["invoiceIds"] == [first["id"], second["id"]]
    assert crm.call("exchange.acknowledge", {"until": everything["until"]}) == {"acknowledged": everything["until"], "previous": 0}
    nothing = crm.call("exchange.export1C", {})
    assert (nothing["count"], nothing["invoiceIds"], len(documents(parse(nothing)))) == (0, [], 0)

    # A payment on the second invoice: it alone is in the next export, paid, with its date.
    crm.call("invoice.addPayment", {"id": second["id"], "amount": second["total"], "date": "2026-11-25", "reference": "п/п № 7"})
    changed = crm.call("exchange.export1C", {"version": "2.10"})
    assert changed["invoiceIds"] == [second["id"]] and changed["until"] > everything["until"]
    root = parse(changed)
    assert root.get("ВерсияСхемы") == "2.10"
    [paid] = root.findall("Документ")
    assert requisites(paid) == {"Заказ оплачен": "true", "Отменен": "false", "Статус заказа": "Оплачен", "Дата оплаты": "2026-11-25",
                                "Номер платежного документа": "п/п № 7"}
    # An export 1C did not acknowledge is given again; `since` reads from any seq.
    assert crm.call("exchange.export1C", {})["invoiceIds"] == [second["id"]]
    assert crm.call("exchange.export1C", {"since": 0})["invoiceIds"] == [first["id"], second["id"]]
    # A late acknowledgement of an older export does not move the marker back.
    assert crm.call("exchange.acknowledge", {"until": changed["until"]})["acknowledged"] == changed["until"]
    assert crm.call("exchange.acknowledge", {"until": everything["until"]}) == {"acknowledged": changed["until"], "previous": changed["until"]}
    assert crm.call("exchange.export1C", {})["count"] == 0
    error = refused(crm, InvalidValue, "exchange.acknowledge", {"until": changed["until"] + 1000})
    assert (error.data["field"], error.data["reason"]) == ("until", "beyondEnd")

    # `ids`: just those, changed or not, and nothing to acknowledge.
    chosen = crm.call("exchange.export1C", {"ids": [first["id"]]})
    assert (chosen["invoiceIds"], chosen["until"]) == ([first["id"]], None)
    assert list(documents(parse(chosen))) == [first["number"]]
    refused(crm, NotFound, "exchange.export1C", {"ids": [first["id"], 999999]})


def test_text_1251_cannot_hold(crm):
    buyer = parties(crm)
    near = invoice(crm, buyer, [{"name": "Плитка 60×60, 2 м² за 1 500 ₽", "price": "1500", "quantity": "2"}])
    root = parse(crm.call("exchange.export1C", {"ids": [near["id"]]}))
    assert root.findtext("Документ/Товары/Товар/Наименование") == "Плитка 60x60, 2 м2 за 1 500 руб."

    emoji = invoice(crm, buyer, [{"name": "Камера 📷", "price": "10", "quantity": "1"}])
    error = refused(crm, InvalidValue, "exchange.export1C", {"ids": [near["id"], emoji["id"]]})
    assert (error.data["field"], error.data["reason"], error.data["invoiceId"], error.data["text"]) == \
        ("encoding", "unrepresentable", emoji["id"], "Камера 📷")
    # In UTF-8 it is written as it is.
    root = parse(crm.call("exchange.export1C", {"ids": [emoji["id"]], "encoding": "utf-8"}))
    assert root.findtext("Документ/Товары/Товар/Наименование") == "Камера 📷"


def test_export_to_a_file_under_export_dirs(make_server, workdir):
    """`path`: the file is written under `exportDirs`, put in place whole, and the reply tells
    its size and SHA-256; its documents are those the same export gives in the reply, over more
    than one page of invoices (crmd reads 256 at a time)."""
    exports = workdir / "1c"
    exports.mkdir()
    server = make_server(config={"exportDirs": [str(exports)]})
    with server.client() as client:
        crm = CheckedClient(client)
        buyer = parties(crm)
        made = [invoice(crm, buyer, [{"name": f"Камера {n} & кронштейн", "price": f"{100 + n}.50", "quantity": "2"}])
                for n in range(260)]
        paid = made[7]
        crm.call("invoice.addPayment", {"id": paid["id"], "amount": paid["total"], "date": "2026-11-25", "reference": "п/п 118"})
        target = exports / "orders.xml"
        written = crm.call("exchange.export1C", {"since": 0, "path": str(target)})
        assert set(written) == {"encoding", "version", "count", "until", "path", "bytes", "sha256"}
        assert (written["count"], written["path"], written["encoding"]) == (260, str(target), "windows-1251")
        data = target.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (written["bytes"], written["sha256"])
        assert sorted(p.name for p in exports.iterdir()) == ["orders.xml"]  # no temporary file left
        assert stat.S_IMODE(target.stat().st_mode) == 0o640  # crmd's umask is 077; the export is meant for 1C's group
        root = ET.fromstring(data)
        found = documents(root)
        assert set(found) == {m["number"] for m in made}
        assert requisites(found[paid["number"]])["Заказ оплачен"] == "true"
        assert requisites(found[paid["number"]])["Номер платежного документа"] == "п/п 118"
        assert found[made[3]["number"]].findtext("Товары/Товар/Наименование") == "Камера 3 & кронштейн"
        # The same export in the reply: the same bytes but the time it was made.
        inline = crm.call("exchange.export1C", {"since": 0})
        assert inline["invoiceIds"] == sorted(m["id"] for m in made) and inline["until"] == written["until"]
        strip = lambda b: b.split(b"\n", 2)[2]  # noqa: E731  (the prolog and the root's start tag with ДатаФормирования)
        assert strip(base64.b64decode(inline["data"])) == strip(data)

        # The file is replaced whole by the next export to the same path.
        one = crm.call("exchange.export1C", {"ids": [made[0]["id"]], "path": str(target), "encoding": "utf-8"})
        assert one["count"] == 1 and list(documents(ET.fromstring(target.read_bytes()))) == [made[0]["number"]]
        assert hashlib.sha256(target.read_bytes()).hexdigest() == one["sha256"]

        # A text 1251 cannot hold: refused, the file there left as it was, nothing left behind.
        before = target.read_bytes()
        emoji = invoice(crm, buyer, [{"name": "Камера 📷", "price": "10", "quantity": "1"}])
        error = refused(crm, InvalidValue, "exchange.export1C", {"ids": [made[1]["id"], emoji["id"]], "path": str(target)})
        assert (error.data["reason"], error.data["invoiceId"]) == ("unrepresentable", emoji["id"])
        assert target.read_bytes() == before and sorted(p.name for p in exports.iterdir()) == ["orders.xml"]

        # Paths crmd will not write.
        outside = workdir / "elsewhere"
        outside.mkdir()
        (exports / "link").symlink_to(outside)
        for path, reason in [(workdir / "orders.xml", "outsideExportDirs"), (exports / ".." / "orders.xml", "outsideExportDirs"),
                             (exports / "link" / "orders.xml", "outsideExportDirs"),
                             (exports / "missing" / "orders.xml", "noSuchDirectory"), (exports / "link", "notAFile")]:
            error = refused(crm, InvalidValue, "exchange.export1C", {"ids": [made[0]["id"]], "path": str(path)})
            assert (error.data["field"], error.data["reason"]) == ("path", reason), path
        refused(crm, InvalidParams, "exchange.export1C", {"ids": [made[0]["id"]], "path": "orders.xml"})  # not absolute: the schema
        (exports / "sub").mkdir()
        error = refused(crm, InvalidValue, "exchange.export1C", {"ids": [made[0]["id"]], "path": str(exports / "sub")})
        assert error.data["reason"] == "notAFile"
        assert list(outside.iterdir()) == []


def test_no_export_dirs_no_files(crm, workdir):
    """Without `exportDirs` in the config file, no path is written."""
    buyer = parties(crm)
    made = invoice(crm, buyer, [{"name": "Камера", "price": "10", "quantity": "1"}])
    error = refused(crm, InvalidValue, "exchange.export1C", {"ids": [made["id"]], "path": str(workdir / "orders.xml")})
    assert error.data == {"field": "path", "reason": "outsideExportDirs"}
    assert not (workdir / "orders.xml").exists()
