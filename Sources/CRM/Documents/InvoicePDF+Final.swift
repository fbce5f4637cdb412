import PDFWriter
import QRCode

/// The end of the invoice, kept together on the page of the table's last row: the totals (a
/// VAT line per rate, the discount), the item count, the amount in words, the due date, the
/// signatures and, on their right, the payment QR code. With no page it only measures.
extension InvoicePDF {
    /// The QR code's side in points, and the room the signatures leave it.
    static let qrSide = 110.0, qrColumn = 125.0

    /// Draws the final block with its top at `top` (on `page`, if any); returns its bottom.
    func final(_ page: PDFPage?, _ top: Double) -> Double {
        var y = top
        let lines = document.totalsLines
        let valueWidth = lines.map { bold.width(of: $0.value, size: 10) }.max() ?? 0
        let labelRight = Self.right - max(95, valueWidth + 12)
        for line in lines {
            y += 14
            rightAligned(page, line.value, x: Self.right, y: y, font: bold, size: 10)
            rightAligned(page, line.label, x: labelRight, y: y, font: bold, size: 10)
        }
        let width = Self.right - Self.left
        y = paragraph(page, document.itemsLine, font: regular, size: 10, x: Self.left, width: width, top: y + 10, lineHeight: 13)
        y = paragraph(page, document.invoice["amountInWords"]?.stringValue ?? "", font: bold, size: 10, x: Self.left, width: width,
                      top: y + 3, lineHeight: 13)
        if let due = document.invoice["dueDate"]?.stringValue {
            y = paragraph(page, "Оплатить не позднее \(InvoiceDocument.numericDate(due))", font: regular, size: 9, x: Self.left,
                          width: width, top: y + 4, lineHeight: 12)
        }
        y += 6
        page?.line(from: (Self.left, y), to: (Self.right, y), width: 1.5)
        y += 14
        var bottom = signatures(page, y, right: qr == nil ? Self.right : Self.right - Self.qrColumn)
        if let qr {
            page?.modules(qr.matrix, x: Self.right - Self.qrSide, y: y, moduleSize: Self.qrSide / Double(qr.size))
            bottom = max(bottom, paragraph(page, "Оплата по QR-коду", font: regular, size: 7, x: Self.right - Self.qrSide,
                                           width: Self.qrSide, top: y + Self.qrSide + 3, lineHeight: 9))
        }
        return bottom
    }

    /// An organisation's «Руководитель» and «Бухгалтер» lines, or a sole proprietor's one line
    /// with his name as «Фамилия И. О.»; names wrap before `right`. Returns the bottom.
    private func signatures(_ page: PDFPage?, _ top: Double, right: Double) -> Double {
        if document.isSoleProprietor {
            let label = "Индивидуальный предприниматель"
            let lineStart = Self.left + bold.width(of: label, size: 10) + 8
            // The line for the signature shortens (to 60 pt) before the name has to wrap.
            let room = right - lineStart - 6
            let lineLength = max(60, min(100, room - regular.width(of: document.soleProprietorSigner, size: 10)))
            page?.text(label, x: Self.left, y: top + 10, font: bold, size: 10)
            page?.line(from: (lineStart, top + 12), to: (lineStart + lineLength, top + 12))
            let name = paragraph(page, document.soleProprietorSigner, font: regular, size: 10, x: lineStart + lineLength + 6,
                                 width: room - lineLength, top: top, lineHeight: 13)
            return max(top + 16, name)
        }
        var y = top
        for (label, name) in [("Руководитель", document.seller["director"]?.stringValue), ("Бухгалтер", document.seller["accountant"]?.stringValue)] {
            page?.text(label, x: Self.left, y: y + 10, font: bold, size: 10)
            page?.line(from: (Self.left + 85, y + 12), to: (Self.left + 175, y + 12))
            let nameBottom = paragraph(page, name ?? "", font: regular, size: 9, x: Self.left + 180, width: right - Self.left - 180,
                                       top: y + 1, lineHeight: 11)
            y = max(y + 26, nameBottom + 12)
        }
        return y - 10
    }
}
