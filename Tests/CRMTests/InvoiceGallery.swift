import Foundation
import JSONKit
import PDFWriter
import Testing
@testable import CRM

/// The fonts the invoice PDF uses by default (fonts-dejavu-core).
enum PDFFontForTests {
    static func regular() throws -> PDFFont { try PDFFont(path: DocumentService.defaultFont) }
    static func bold() throws -> PDFFont { try PDFFont(path: DocumentService.defaultBoldFont) }
}

/// The invoices of issue 9's cases as PDFs and page images a person can look at.
///
/// `scripts/invoice-gallery` runs this suite with `CRMD_INVOICE_GALLERY` set to
/// `examples/invoices`, which keeps the files; otherwise they go to the test's temporary
/// directory and are checked, then removed.
@Suite struct InvoiceGallery {
    /// Writes `pdf` as `name.pdf` in `directory` and renders its pages as `name-N.png` at 60 dpi
    /// with pdftoppm; returns the images' paths in page order.
    static func render(_ pdf: [UInt8], name: String, into directory: URL) throws -> [String] {
        let path = directory.appendingPathComponent(name + ".pdf").path
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        let prefix = directory.appendingPathComponent(name).path
        try PrintTools.run("pdftoppm", ["-r", "60", "-png", path, prefix])
        let images = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(name + "-") && $0.hasSuffix(".png") }
        return images.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }.map { directory.appendingPathComponent($0).path }
    }

    @Test func theCasesOfIssue9RenderToImages() throws {
        let fixture = try CRMFixture()
        let directory = ProcessInfo.processInfo.environment["CRMD_INVOICE_GALLERY"].map { URL(fileURLWithPath: $0) }
            ?? fixture.directory.appendingPathComponent("gallery")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cases: [(String, (inout InvoiceCases) -> [JSON])] = [
            ("long-names", { cases in
                cases.payee = InvoiceCases.longPayee
                cases.bank = InvoiceCases.vtb
                cases.buyerName = "Общество с ограниченной ответственностью «Торгово-монтажная компания «Северные системы»»"
                return [["name": .string("Видеорегистратор сетевой 32-канальный с поддержкой 8 HDD, 4K, PoE, H.265+, RAID 0/1/5/10"), "price": "184900"]]
            }),
            ("120-rows", { _ in InvoiceCases.manyRows(120) }),
            ("vat-rates", { _ in InvoiceVATCases.mixedRates }),
            ("vat-on-top", { _ in InvoiceVATCases.onTop }),
            ("discounts", { _ in InvoiceVATCases.discounted }),
        ]
        for (name, make) in cases {
            let caseFixture = try CRMFixture()
            var invoiceCases = InvoiceCases(caseFixture)
            let rows = make(&invoiceCases)
            let pdf = try invoiceCases.pdf(try invoiceCases.invoice(rows))
            for old in try FileManager.default.contentsOfDirectory(atPath: directory.path) where old.hasPrefix(name + "-") {
                try FileManager.default.removeItem(at: directory.appendingPathComponent(old))
            }
            let images = try Self.render(pdf, name: name, into: directory)
            let pages = try PDFLayout(pdf: pdf, directory: caseFixture.directory).pages
            #expect(images.count == pages && pages > 0, "\(name): \(images.count) images of \(pages) pages")
        }
    }
}
