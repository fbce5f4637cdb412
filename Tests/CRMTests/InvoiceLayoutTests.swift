import Foundation
import JSONKit
import Testing
@testable import CRM

/// The PDF invoice's layout read back by poppler (`pdftotext -bbox`): long names wrap inside
/// their cells, nothing overprints anything or leaves the page, a long invoice repeats its
/// table header and numbers its pages, and the totals never leave the last rows.
@Suite struct InvoiceLayoutTests {
    /// The checks every printed invoice passes: words inside the margins, no two words overprinting.
    func expectClean(_ layout: PDFLayout, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in layout.words {
            let inside = word.xMin >= InvoicePDF.left - 0.5 && word.xMax <= InvoicePDF.right + 0.5
                && word.yMin >= InvoicePDF.top - 12 && word.yMax <= InvoicePDF.bottom + 3
            #expect(inside, "\(word) is outside the margins", sourceLocation: sourceLocation)
        }
        for page in 1...max(1, layout.pages) {
            let words = layout.words.filter { $0.page == page }
            for (index, word) in words.enumerated() {
                for other in words[(index + 1)...] where word.overlaps(other) {
                    Issue.record("\(word) overprints \(other)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func theBankBlockAndThePartiesWrapInsideTheirCells() throws {
        let fixture = try CRMFixture()
        var cases = InvoiceCases(fixture)
        cases.payee = InvoiceCases.longPayee
        cases.bank = InvoiceCases.vtb
        cases.sellerAddress = "123456, г. Москва, вн. тер. г. муниципальный округ Хамовники, ул. Льва Толстого, д. 16, стр. 2, помещ. 1/3, этаж 4"
        cases.buyerName = "Общество с ограниченной ответственностью «Торгово-монтажная компания «Северные системы видеонаблюдения и контроля доступа»»"
        cases.contractNumber = "ДП-2026/0147-НПП-ТБ-Поставка-оборудования-и-выполнение-пусконаладочных-работ-на-объектах-заказчика"
        let invoice = try cases.invoice([["name": .string(String(repeating: "Видеорегистратор сетевой ", count: 40)), "price": "1000"],
                                         ["name": .string(String(repeating: "Ж", count: 300)), "price": "10"]])
        let layout = try cases.layout(invoice)
        expectClean(layout)
        let bik = try #require(layout.words.first { $0.text == "044525411" })
        let columnOfCodes = InvoicePDF.left + 300
        #expect(bik.xMin > columnOfCodes)
        for name in [InvoiceCases.longBank + ", г. Москва", InvoiceCases.longPayee] {
            let words = name.split(separator: " ").map(String.init)
            let placed = words.map { text in layout.words.first { $0.text == text && $0.yMin < bik.yMin + 120 } }
            #expect(placed.allSatisfy { $0 != nil }, "\(name) is not all in the bank block")
            let boxes = placed.compactMap { $0 }
            #expect(boxes.allSatisfy { $0.xMax < columnOfCodes - 2 }, "\(boxes) reach the BIK and accounts column")
            #expect(Set(boxes.map(\.yMin)).count >= 2, "\(name) is not wrapped")
        }
        let html = try cases.html(invoice)
        for css in [".bank { table-layout: fixed; }", "overflow-wrap: anywhere; }", ".bank td.code { white-space: nowrap; }",
                    ".parties td { padding: 3px 0; vertical-align: top; overflow-wrap: anywhere; }"] {
            #expect(html.contains(css), "\(css)")
        }
        #expect(html.contains("<td class=\"code\">044525411</td>"))
        #expect(html.contains(InvoiceCases.longPayee.replacingOccurrences(of: "\"", with: "&quot;")))
    }

    @Test func theHTMLRepeatsItsTableHeaderAndKeepsTheFinalBlockTogether() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let html = try cases.html(try cases.invoice(InvoiceCases.manyRows(120)))
        #expect(html.contains("<thead><tr><th>№</th><th>Товары (работы, услуги)</th><th>Кол-во</th><th>Ед.</th><th>Цена</th><th>Сумма</th></tr></thead>"))
        #expect(html.contains(".items thead { display: table-header-group; }") && html.contains(".items tr { break-inside: avoid; }"))
        #expect(html.contains(".final { break-inside: avoid; }"))
        let body = try #require(html.range(of: "<tbody>")), end = try #require(html.range(of: "</tbody>"))
        #expect(html[body.upperBound..<end.lowerBound].components(separatedBy: "<tr>").count - 1 == 120)
        let final = try #require(html.range(of: "<div class=\"final\">"))
        for text in ["Всего к оплате:", "Всего наименований 120", "Руководитель", "Бухгалтер"] {
            #expect(html.range(of: text).map { $0.lowerBound > final.upperBound } == true, "\(text)")
        }
    }

    @Test func aLongInvoiceRepeatsTheTableHeaderAndNumbersEveryPage() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let layout = try cases.layout(try cases.invoice(InvoiceCases.manyRows(120)))
        expectClean(layout)
        #expect(layout.pages >= 3)
        for page in 1...layout.pages {
            let lines = layout.lines(page: page)
            #expect(lines.contains("Счет № 2026-00001 от 05.03.2026, стр. \(page) из \(layout.pages)"), "page \(page): \(lines)")
            #expect(lines.contains("№ Товары (работы, услуги) Кол-во Ед. Цена Сумма"), "page \(page): \(lines)")
        }
        let rows = layout.words.filter { $0.text.hasPrefix("Позиция-") }.sorted { ($0.page, $0.yMin) < ($1.page, $1.yMin) }
        #expect(rows.map(\.text) == (1...120).map { "Позиция-\($0)" })
        #expect(layout.pages(containing: "Позиция-120") == [layout.pages])
        for text in ["Итого:", "В том числе НДС 22 %:", "Всего к оплате:", "Всего наименований 120", "Руководитель", "Бухгалтер", "Оплата по QR-коду"] {
            #expect(layout.pages(containing: text) == [layout.pages], "\(text)")
        }
    }

    /// Whatever the number of rows, the totals, the amount in words and the signatures are on the
    /// page of the last row and inside the margins; when they do not fit under it, the last row
    /// moves to the next page with them.
    @Test func theFinalBlockNeverLeavesTheLastRows() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let invoice = try cases.invoice(InvoiceCases.manyRows(75))
        let regular = try PDFFontForTests.regular(), bold = try PDFFontForTests.bold()
        var moved = 0
        for count in 15...60 {
            guard case .object(var object) = invoice else { Issue.record("not an object"); return }
            object["rows"] = .array(Array(invoice["rows"]!.arrayValue!.prefix(count)))
            let pdf = try InvoicePDF(document: InvoiceDocument(invoice: .object(object)), regular: regular, bold: bold).render()
            let layout = try PDFLayout(pdf: pdf, directory: fixture.directory)
            expectClean(layout)
            let last = layout.pages(containing: "Позиция-\(count)")
            #expect(last == [layout.pages], "\(count) rows")
            for text in ["Итого:", "Всего к оплате:", "Всего наименований", "копе", "Руководитель", "Бухгалтер", "Оплата по QR-коду"] {
                #expect(layout.pages(containing: text) == last, "\(count) rows: \(text)")
            }
            if layout.pages > 1 && count > 1 && layout.pages(containing: "Позиция-\(count - 1)") != last { moved += 1 }
        }
        #expect(moved > 0, "no row count made the last row move with the totals")
    }

    @Test func everyPageRendersToAnImage() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let pdf = try cases.pdf(try cases.invoice(InvoiceCases.manyRows(120)))
        let pages = try PDFLayout(pdf: pdf, directory: fixture.directory).pages
        let images = try InvoiceGallery.render(pdf, name: "long", into: fixture.directory)
        #expect(pages >= 3 && images.count == pages, "\(images)")
    }
}
