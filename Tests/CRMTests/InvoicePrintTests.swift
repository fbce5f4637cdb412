import Foundation
import JSONKit
import Testing
@testable import CRM
import QRCode

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

    /// What zbarimg (Debian package zbar-tools) reads from `code`, drawn as a PGM image.
    func zbarDecode(_ fixture: CRMFixture, _ code: QRCode) throws -> [UInt8] {
        let scale = 4, side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code[x, y] {
                for dy in 0..<scale { for dx in 0..<scale { pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0 } }
            }
        }
        let path = fixture.directory.appendingPathComponent("qr-\(UUID().uuidString).pgm").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)))
        let reader = Process()
        let output = Pipe()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
        reader.standardOutput = output
        try reader.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0, "zbarimg (zbar-tools) must be installed and find the symbol")
        return bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes
    }

    @Test func qrFieldsAreCutToTheStandardsLengthsOnCharacterBoundaries() throws {
        let fixture = try CRMFixture()
        // 300 characters, two- and four-byte UTF-8 sequences straddling the 160-character limit.
        let name = String(repeating: "Ромашка|", count: 19) + "ёёёёёёё🦀🦀" + String(repeating: "я", count: 139)
        let number = String(repeating: "№Ж", count: 150)
        let document = InvoiceDocument(invoice: [
            "number": .string(number), "date": "2026-03-05", "total": "1000.00",
            "seller": ["name": .string(name), "inn": "500100732259",
                       "bank": ["bik": "044525593", "account": "40702810801400016513", "corrAccount": "30101810200000000593",
                                "bankName": .string(String(repeating: "Банк «Восток» ", count: 10))]],
        ])
        let text = document.paymentQRText
        var fields: [String: String] = [:]
        for part in text.split(separator: "|").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            fields[String(pair[0])] = String(pair[1])
        }
        #expect(text.hasPrefix("ST00012|Name="))
        #expect(Set(fields.keys) == ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc", "PayeeINN", "Sum", "Purpose"])
        let limits = ["Name": 160, "PersonalAcc": 20, "BankName": 45, "BIC": 9, "CorrespAcc": 20, "PayeeINN": 12, "Sum": 18, "Purpose": 210]
        for (key, value) in fields { #expect(value.unicodeScalars.count <= limits[key]!, "\(key) is \(value.unicodeScalars.count) long") }
        #expect(name.unicodeScalars.count == 300)
        #expect(fields["Name"] == String(repeating: "Ромашка/", count: 19) + "ёёёёёёё🦀")
        #expect(fields["Purpose"]?.unicodeScalars.count == 210)
        #expect(fields["Purpose"]?.hasPrefix("Оплата по счету № №Ж№Ж") == true)
        #expect(fields["Sum"] == "100000")
        let qr = try #require(document.paymentQR)
        let decoded = try zbarDecode(fixture, qr)
        #expect(String(validating: decoded, as: UTF8.self) == text)
    }

    @Test func charactersTheFontLacksPrintAsAFallback() throws {
        let fixture = try CRMFixture()
        let invoice = try soleProprietorInvoice(fixture, itemName: "Кабель\tUTP 🦀 電線")
        let text = try pdfText(fixture, try fixture.crm.documents.renderInvoice(id: invoice.id, format: "pdf").data)
        #expect(text.contains("Кабель UTP ? ??"), "\(text)")
    }

    @Test func anItemNameOfAnyLengthWrapsInTheHTMLTable() throws {
        let fixture = try CRMFixture()
        let name = String(repeating: "Видеорегистратор", count: 20)
        let invoice = try soleProprietorInvoice(fixture, itemName: name)
        let html = String(decoding: try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html").data, as: UTF8.self)
        #expect(html.contains(".items td { overflow-wrap: anywhere; }"))
        #expect(html.contains("<td>\(name)</td>"))
    }
}
