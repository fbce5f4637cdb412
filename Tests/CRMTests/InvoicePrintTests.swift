import Foundation
import JSONKit
import Testing
@testable import CRM

/// Printed details an accountant checks on an invoice: a sole proprietor's signature line,
/// the payment QR code's field lengths, characters the embedded font lacks.
@Suite struct InvoicePrintTests {
    /// An invoice whose seller is a sole proprietor (requisite preset `ip`, his name in the
    /// person fields), with one row named `itemName`.
    func soleProprietorInvoice(_ fixture: CRMFixture, sellerName: String = "ИП Соколов А. П.", itemName: String = "Консультация") throws -> JSON {
        let crm = fixture.crm
        let seller = try crm.records(.company).add(fields: ["title": "Соколов", "isMyCompany": true], idempotencyKey: nil, by: .user(1))
        let requisite = try crm.requisites.add(.init(entityType: .company, entityID: seller.id, preset: "ip", name: nil, fields: [
            "inn": "500100732259", "ogrnip": "304500116000157", "shortName": .string(sellerName),
            "lastName": "Соколов", "firstName": "Андрей", "middleName": "Петрович",
        ], lookup: false, renameEntity: nil), by: .user(1))
        _ = try crm.bankDetails.add(requisiteID: requisite.id, fields: [
            "bik": "044525593", "account": "40702810801400016513", "bankName": "АО «Альфа-Банк»",
        ], by: .user(1))
        let buyer = try crm.records(.company).add(fields: ["title": "ООО «Покупатель»"], idempotencyKey: nil, by: .user(1))
        _ = try crm.requisites.add(.init(entityType: .company, entityID: buyer.id, preset: "legal", name: nil, fields: [
            "inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Покупатель»",
        ], lookup: false, renameEntity: nil), by: .user(1))
        let deal = try crm.records(.deal).add(fields: ["title": "Услуги", "companyId": .int(buyer.id)], idempotencyKey: nil, by: .user(1))
        _ = try crm.productRows.set(dealID: deal.id, rows: [["name": .string(itemName), "price": "1000", "unit": ["code": "876"]]], by: .user(1))
        return try crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
    }

    /// The text poppler's pdftotext reads from `pdf`.
    func pdfText(_ fixture: CRMFixture, _ pdf: [UInt8]) throws -> String {
        let path = fixture.directory.appendingPathComponent("invoice-\(UUID().uuidString).pdf").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(pdf)))
        let reader = Process()
        let output = Pipe()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["pdftotext", "-layout", path, "-"]
        reader.standardOutput = output
        try reader.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0, "pdftotext (poppler-utils) must be installed")
        return text
    }

    @Test func aSoleProprietorSignsOnceWithHisInitials() throws {
        let fixture = try CRMFixture()
        let invoice = try soleProprietorInvoice(fixture)
        let html = String(decoding: try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html").data, as: UTF8.self)
        #expect(html.contains("<td>Индивидуальный предприниматель</td><td class=\"line\"></td><td>Соколов А. П.</td>"))
        #expect(!html.contains("Руководитель") && !html.contains("Бухгалтер"))
        let text = try pdfText(fixture, try fixture.crm.documents.renderInvoice(id: invoice.id, format: "pdf").data)
        #expect(text.range(of: #"Индивидуальный предприниматель\s+Соколов А\. П\."#, options: .regularExpression) != nil, "\(text)")
        #expect(!text.contains("Руководитель") && !text.contains("Бухгалтер"))
    }
}
