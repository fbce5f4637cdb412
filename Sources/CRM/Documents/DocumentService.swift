import Foundation
import JSONKit
import PDFWriter
import Templates

/// Renders documents (S18, S22): the invoice as one self-contained HTML page or as a PDF that
/// crmd writes itself. Fonts come from `settings.documents.fontPath` / `boldFontPath`
/// (DejaVu Sans from the system's fonts-dejavu-core by default).
package struct DocumentService: Sendable {
    let crm: CRM

    package struct Rendered: Sendable {
        package let contentType: String
        package let fileName: String
        package let data: [UInt8]
    }

    static let defaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    static let defaultBoldFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    /// The built-in invoice template, compiled once.
    static let invoiceTemplate = Result { () throws(TemplateError) -> Template in try Template(InvoiceHTMLTemplate.source) }

    package func renderInvoice(id: Int64, format: String) throws -> Rendered {
        let invoice = try crm.invoices.get(id)
        try StoredData.read("invoices", id) { try InvoiceDocument.checkSnapshot(invoice) }
        let document = InvoiceDocument(invoice: invoice)
        let base = "Счет " + document.number.map { $0 == "/" ? "-" : $0 }.reduce("") { $0 + String($1) }
        switch format {
        case "html":
            let html = try Self.invoiceTemplate.get().render(document.context)
            return Rendered(contentType: "text/html; charset=utf-8", fileName: base + ".html", data: Array(html.utf8))
        case "pdf":
            let settings = try crm.settings.get()
            let documents = settings["documents"]
            let regular = try font(documents?["fontPath"]?.stringValue ?? Self.defaultFont, field: "documents.fontPath")
            let bold = try font(documents?["boldFontPath"]?.stringValue ?? Self.defaultBoldFont, field: "documents.boldFontPath")
            let data = try InvoicePDF(document: document, regular: regular, bold: bold).render()
            return Rendered(contentType: "application/pdf", fileName: base + ".pdf", data: data)
        default:
            throw CRMError.invalidValue(field: "format", reason: "option", message: "format is html or pdf")
        }
    }

    /// A deal document from a template (`document.render`): HTML from the template, or the
    /// template's text laid out on A4 pages as PDF.
    package func renderDeal(template code: String, dealID: Int64, format: String) throws -> Rendered {
        guard format == "html" || format == "pdf" else {
            throw CRMError.invalidValue(field: "format", reason: "option", message: "format is html or pdf")
        }
        guard code != "invoice" else {
            throw CRMError.invalidValue(field: "template", reason: "useInvoiceRender",
                                        message: "an invoice is made with invoice.createFromDeal and printed with invoice.render")
        }
        let context = try crm.pool.read { db in try DealDocumentContext.build(db, crm: crm, dealID: dealID) }
        let source = try crm.templates.source(code)
        let template: Template
        do {
            template = try Template(source)
        } catch {
            // Templates are compiled when saved: one that no longer compiles is damaged, not the caller's mistake.
            throw StoredDataError(table: "document_templates", id: code, problem: "body: \(error.description)")
        }
        let html: String
        do {
            html = try template.render(context)
        } catch {
            throw CRMError.invalidValue(field: "template", reason: "render", message: error.description)
        }
        let base = "\(code)-deal-\(dealID)"
        if format == "html" { return Rendered(contentType: "text/html; charset=utf-8", fileName: base + ".html", data: Array(html.utf8)) }
        let settings = try crm.settings.get()
        let regular = try font(settings["documents"]?["fontPath"]?.stringValue ?? Self.defaultFont, field: "documents.fontPath")
        let bold = try font(settings["documents"]?["boldFontPath"]?.stringValue ?? Self.defaultBoldFont, field: "documents.boldFontPath")
        let pdf = PDFDocument(title: HTMLText.blocks(html).first?.text, author: nil)
        var page = pdf.addPage()
        var y = 50.0
        for block in HTMLText.blocks(html) {
            let size = block.isHeading ? 13.0 : 10.0
            for line in PDFPage.wrap(block.text, font: block.isHeading ? bold : regular, size: size, width: 495) {
                if y > 800 {
                    page = pdf.addPage()
                    y = 50
                }
                page.text(line, x: 50, y: y, font: block.isHeading ? bold : regular, size: size)
                y += size + 4
            }
            y += 6
        }
        return Rendered(contentType: "application/pdf", fileName: base + ".pdf", data: try pdf.data())
    }

    private func font(_ path: String, field: String) throws -> PDFFont {
        do {
            return try PDFFont(path: path)
        } catch {
            throw CRMError.invalidValue(field: field, reason: "font", message: "cannot use the font \(path): \(error)")
        }
    }
}

extension CRM {
    package var documents: DocumentService { DocumentService(crm: self) }
}
