import CRMAPI
import Foundation
import JSONKit
import Testing

/// S18–S23 through the API, every result checked against its schema by the server.
@Suite struct InvoiceFlowTests {
    @Test func fromProductsToAPaidInvoice() throws {
        let server = try InProcessServer()
        let c = server.client
        let seller = try c.call("company.add", ["fields": ["title": "Видеосистемы", "isMyCompany": true]])
        let sellerRequisite = try c.call("requisite.add", ["entityType": "company", "entityId": seller["id"]!, "preset": "legal",
                                                           "fields": ["inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"]])
        let buyer = try c.call("company.add", ["fields": ["title": "ИП Петров"]])
        let deal = try c.call("deal.add", ["fields": ["title": "Камеры", "companyId": buyer["id"]!]])
        let missing = try server.error("invoice.createFromDeal", ["dealId": deal["id"]!])
        #expect(missing["code"] == 1001)
        #expect(missing["data"]?["missing"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
                == ["productRows", "payer.requisites", "seller.bank"])
        _ = try c.call("bankDetail.add", ["requisiteId": sellerRequisite["id"]!, "fields": ["bik": "044525593", "account": "40702810801400016513"]])
        _ = try c.call("requisite.add", ["entityType": "company", "entityId": buyer["id"]!, "preset": "ip",
                                         "fields": ["inn": "500100732259", "shortName": "ИП Петров И. С."]])
        let product = try c.call("product.add", ["fields": ["name": "Камера IP", "price": "4500", "vatRate": "22", "unit": ["code": "796"]]])
        #expect(product["price"] == "4500.00")
        #expect(product["unit"] == ["code": "796", "name": "шт"])
        let rows = try c.call("deal.productRows.set", ["id": deal["id"]!, "rows": [
            ["productId": product["id"]!, "quantity": "3"], ["name": "Монтаж", "price": "10000.50", "vatIncluded": false],
        ]])
        #expect(rows["totals"]?["total"] == "25700.61")
        #expect(try c.call("deal.productRows.get", ["id": deal["id"]!]) == rows)
        #expect(try server.error("deal.productRows.set", ["id": deal["id"]!, "rows": [["name": "x", "price": "1", "quantity": "0.0001"]]])["code"] == -32602)
        #expect(try server.error("deal.productRows.set", ["id": deal["id"]!, "rows": [["name": "x", "price": "1", "vatRate": "18"]]])["code"] == -32602)
        // VAT inside one row and on top of the other: one invoice has one meaning of its «Цена» column.
        let mixed = try server.error("invoice.createFromDeal", ["dealId": deal["id"]!])
        #expect(mixed["code"] == 1007)
        #expect(mixed["data"] == ["field": "productRows", "reason": "mixedVatModes"])
        let unmixed = try c.call("deal.productRows.set", ["id": deal["id"]!, "rows": [
            ["productId": product["id"]!, "quantity": "3"], ["name": "Монтаж", "price": "12200.61", "vatRate": "none", "vatIncluded": false],
        ]])
        #expect(unmixed["totals"]?["total"] == "25700.61")
        let settings = try c.call("settings.update", ["invoiceNumberFormat": "{YYYY}/{N:3}", "mail": ["transport": "smtp", "password": "p"]])
        #expect(settings["mail"]?["password"] == "********")
        #expect(try c.call("settings.get")["invoiceNumberFormat"] == "{YYYY}/{N:3}")
        let invoice = try c.call("invoice.createFromDeal", ["dealId": deal["id"]!, "date": "2026-03-05", "dueDate": "2026-03-06"])
        #expect(invoice["number"] == "2026/001")
        #expect(invoice["due"] == "25700.61")
        #expect(invoice["seller"]?["name"] == "ООО «Видеосистемы»")
        let sent = try c.call("invoice.setStatus", ["id": invoice["id"]!, "status": "sent"])
        #expect(sent["status"] == "overdue")
        let overdue = try c.call("invoice.list", ["filter": ["status": "overdue"], "count": true])
        #expect(overdue["total"] == 1)
        let paid = try c.call("invoice.addPayment", ["id": invoice["id"]!, "amount": "25700.61", "date": "2026-03-06", "reference": "п/п 7"])
        #expect(paid["status"] == "paid")
        #expect(try server.error("invoice.addPayment", ["id": invoice["id"]!, "amount": "1", "date": "2026-03-06"])["code"] == 1005)
        let listed = try c.call("invoice.list", ["filter": ["payerInn": "500100732259"], "select": ["number", "total", "status"]])
        #expect(listed["items"] == [["id": invoice["id"]!, "number": "2026/001", "total": "25700.61", "status": "paid"]])
        let pdf = try c.call("invoice.render", ["id": invoice["id"]!, "format": "pdf"])
        #expect(pdf["contentType"] == "application/pdf")
        #expect(Data(base64Encoded: pdf["data"]?.stringValue ?? "").map { Array($0.prefix(5)) } == Array("%PDF-".utf8))
        let html = try c.call("invoice.render", ["id": invoice["id"]!, "format": "html"])
        #expect(html["fileName"] == "Счет 2026-001.html")
        #expect(try server.error("invoice.render", ["id": 999, "format": "pdf"])["code"] == 1002)
        _ = try c.call("settings.update", ["publicBaseUrl": "https://crm.example.ru/i/"])
        let link = try c.call("invoice.publicLink", ["id": invoice["id"]!, "expiresAt": "2026-11-18T12:00:00Z"])
        let token = link["token"]?.stringValue ?? ""
        #expect(token.count == 64)
        #expect(link["url"] == .string("https://crm.example.ru/i/" + token))
        #expect(try c.call("invoice.getPublic", ["token": .string(token), "format": "html"])["contentType"] == "text/html; charset=utf-8")
        server.clock.advance(by: 3600)
        #expect(try server.error("invoice.getPublic", ["token": .string(token), "format": "pdf"])["data"] == ["reason": "expired"])
        let second = try c.call("invoice.publicLink", ["id": invoice["id"]!])
        #expect(try c.call("invoice.revokeLink", ["id": invoice["id"]!])["revoked"] == 2)
        #expect(try server.error("invoice.getPublic", ["token": second["token"]!, "format": "pdf"])["data"] == ["reason": "revoked"])
        #expect(try server.error("invoice.getPublic", ["token": "nope", "format": "pdf"])["code"] == 1002)
        let timeline = try c.call("timeline.list", ["entityType": "deal", "id": deal["id"]!])
        #expect(timeline["items"]?.arrayValue?.contains { $0["type"] == "document" } == true)
    }
}

@Suite struct DocumentTemplateTests {
    @Test func dealDocumentsFromBuiltInAndUserTemplatesS18() throws {
        let server = try InProcessServer()
        let c = server.client
        let seller = try c.call("company.add", ["fields": ["title": "Видеосистемы", "isMyCompany": true]])
        _ = try c.call("requisite.add", ["entityType": "company", "entityId": seller["id"]!, "preset": "legal",
                                         "fields": ["inn": "7707083893", "shortName": "ООО «Видеосистемы»", "directorName": "Смирнов А. А."]])
        let buyer = try c.call("company.add", ["fields": ["title": "ИП Петров"]])
        _ = try c.call("requisite.add", ["entityType": "company", "entityId": buyer["id"]!, "preset": "ip",
                                         "fields": ["inn": "500100732259", "shortName": "ИП Петров И. С."]])
        _ = try c.call("field.add", ["entityType": "deal", "code": "site_address", "title": "Адрес объекта", "type": "address"])
        let deal = try c.call("deal.add", ["fields": ["title": "Камеры", "companyId": buyer["id"]!, "contractNumber": "15",
                                                      "contractDate": "2026-03-01", "custom": ["site_address": "Химки, склад 3"]]])
        _ = try c.call("deal.productRows.set", ["id": deal["id"]!, "rows": [["name": "Монтаж <камер>", "price": "15000"]]])
        #expect(try c.call("template.list")["items"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["invoice", "contract", "offer", "act"])
        let contract = try c.call("document.render", ["template": "contract", "dealId": deal["id"]!, "format": "html"])
        let html = String(decoding: Data(base64Encoded: contract["data"]?.stringValue ?? "") ?? Data(), as: UTF8.self)
        for expected in ["Договор № 15", "1 марта 2026 г.", "ООО «Видеосистемы»", "ИП Петров И. С.", "Монтаж &lt;камер&gt;",
                         "Адрес объекта: Химки, склад 3", "Пятнадцать тысяч рублей 00 копеек"] {
            #expect(html.contains(expected), "missing \(expected)")
        }
        let pdf = try c.call("document.render", ["template": "act", "dealId": deal["id"]!, "format": "pdf"])
        #expect(Data(base64Encoded: pdf["data"]?.stringValue ?? "").map { Array($0.prefix(5)) } == Array("%PDF-".utf8))
        let broken = try server.error("template.add", ["code": "broken", "title": "x", "body": "{{#each rows as row}}"])
        #expect(broken["data"] == ["field": "body", "reason": "template"])
        #expect(broken["message"]?.stringValue?.contains("line 1") == true)
        _ = try c.call("template.add", ["code": "note", "title": "Записка", "body": "<p>{{ deal.title | upper }} для {{ payer.name }}</p>"])
        let note = try c.call("document.render", ["template": "note", "dealId": deal["id"]!, "format": "html"])
        #expect(Data(base64Encoded: note["data"]?.stringValue ?? "").map { String(decoding: $0, as: UTF8.self) } == "<p>КАМЕРЫ для ИП Петров И. С.</p>")
        let updated = try c.call("template.update", ["code": "note", "title": "Записка 2"])
        #expect(updated["version"] == 2)
        #expect(try server.error("template.add", ["code": "contract", "title": "x", "body": "x"])["data"]?["reason"] == "builtin")
        #expect(try server.error("document.render", ["template": "invoice", "dealId": deal["id"]!, "format": "html"])["code"] == 1007)
        #expect(try server.error("document.render", ["template": "nope", "dealId": deal["id"]!, "format": "html"])["code"] == 1002)
    }
}
