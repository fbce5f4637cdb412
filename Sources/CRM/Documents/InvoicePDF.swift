import JSONKit
import PDFWriter
import QRCode

/// The «Счет на оплату» as an A4 PDF written by crmd itself: the same layout as the HTML page,
/// bordered tables, Cyrillic text a reader can select (embedded TrueType subsets of DejaVu
/// Sans), the payment QR code drawn.
///
/// Rules: everything is measured before anything is drawn. Each part of the page is a function
/// that draws on a page when given one and returns where it ends, so one piece of code both
/// measures (no page) and draws; the pages are then planned from the heights
/// (`InvoicePagination`), so nothing crosses the bottom margin or the right edge and the final
/// block (totals to QR code) never sits alone on a page. An invoice of more than one page
/// carries «Счет № N от дата, стр. K из M» at the top of every page, and each page with rows
/// starts with the table's header.
struct InvoicePDF {
    let document: InvoiceDocument
    let regular: PDFFont
    let bold: PDFFont
    /// The payment QR code, made once: the layout is measured before it is drawn.
    let qr: QRCode?

    init(document: InvoiceDocument, regular: PDFFont, bold: PDFFont) {
        self.document = document
        self.regular = regular
        self.bold = bold
        qr = document.paymentQR
    }

    /// The page is A4, 595 × 842 pt; these are the margins' lines.
    static let left = 40.0, right = 555.0, top = 40.0, bottom = 800.0
    /// The space between the table's last row and the totals.
    static let gap = 4.0

    func render() throws -> [UInt8] {
        let table = InvoicePDFTable(document: document, regular: regular, bold: bold)
        let rowHeights = table.rows.indices.map(table.rowHeight)
        let headerHeight = header(nil, 0)
        let finalHeight = final(nil, 0)
        // The caption for a page count far beyond any invoice: as tall as any real one.
        let captionHeight = caption(nil, page: 9999, of: 9999) - Self.top
        func plan(captioned: Bool) -> [Range<Int>] {
            let top = Self.top + (captioned ? captionHeight : 0)
            return InvoicePagination(firstTop: top + headerHeight, nextTop: top, bottom: Self.bottom,
                                     tableHeader: table.headerHeight, final: Self.gap + finalHeight).plan(rowHeights: rowHeights)
        }
        // A caption on every page only when there are several; it pushes content down, never up, so a second plan stays multi-page.
        var pages = plan(captioned: false)
        if pages.count > 1 { pages = plan(captioned: true) }

        let pdf = PDFDocument(title: document.title, author: document.seller["name"]?.stringValue)
        for (index, rows) in pages.enumerated() {
            let page = pdf.addPage()
            var y = Self.top
            if pages.count > 1 { y = caption(page, page: index + 1, of: pages.count) }
            if index == 0 { y = header(page, y) }
            if !rows.isEmpty {
                y = table.drawHeader(page, y)
                for row in rows { y = table.drawRow(page, row, y) }
            }
            if index == pages.count - 1 { _ = final(page, y + Self.gap) }
        }
        return try pdf.data()
    }

    /// «Счет № N от 05.03.2026, стр. K из M», small, at the top of the page; returns where the page's content starts.
    private func caption(_ page: PDFPage?, page number: Int, of count: Int) -> Double {
        let text = "Счет № \(document.number) от \(InvoiceDocument.numericDate(document.invoice["date"]?.stringValue ?? "")), "
            + "стр. \(number) из \(count)"
        return paragraph(page, text, font: regular, size: 8, x: Self.left, width: Self.right - Self.left, top: Self.top, lineHeight: 10) + 6
    }

    /// Draws `text` wrapped to `width`, its first line's top at `top`; returns the bottom of the last line.
    @discardableResult
    func paragraph(_ page: PDFPage?, _ text: String, font: PDFFont, size: Double, x: Double, width: Double, top: Double,
                   lineHeight: Double) -> Double {
        let lines = PDFPage.wrap(text, font: font, size: size, width: width)
        for (number, line) in lines.enumerated() {
            page?.text(line, x: x, y: top + size + Double(number) * lineHeight, font: font, size: size)
        }
        return top + Double(lines.count) * lineHeight
    }

    func rightAligned(_ page: PDFPage?, _ text: String, x: Double, y: Double, font: PDFFont, size: Double) {
        page?.text(text, x: x - font.width(of: text, size: size), y: y, font: font, size: size)
    }
}
