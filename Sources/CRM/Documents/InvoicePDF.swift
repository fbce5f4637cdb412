import JSONKit
import PDFWriter

/// The «Счет на оплату» as a one-page (or longer) A4 PDF written by crmd itself: the same
/// layout as the HTML page, bordered tables, Cyrillic text a reader can select (embedded
/// TrueType subsets of DejaVu Sans), the payment QR code drawn.
struct InvoicePDF {
    let document: InvoiceDocument
    let regular: PDFFont
    let bold: PDFFont

    static let left = 40.0, right = 555.0, bottom = 800.0

    func render() throws -> [UInt8] {
        let pdf = PDFDocument(title: document.title, author: document.seller["name"]?.stringValue)
        var page = pdf.addPage()
        var y = 40.0
        y = bankBlock(page, y)
        page.text(document.title, x: Self.left, y: y + 28, font: bold, size: 13)
        page.line(from: (Self.left, y + 34), to: (Self.right, y + 34), width: 1.5)
        y += 50
        y = party(page, "Поставщик (Исполнитель):", partyText(document.seller, withPhone: true), y)
        y = party(page, "Покупатель (Заказчик):", partyText(document.payer, withPhone: false), y)
        if let basis = document.invoice["basis"]?.stringValue { y = party(page, "Основание:", basis, y) }
        y += 6
        let columns: [(String, Double, Bool)] = [("№", 25, true), ("Товары (работы, услуги)", 235, false), ("Кол-во", 55, true),
                                                 ("Ед.", 40, false), ("Цена", 80, true), ("Сумма", 80, true)]
        y = tableRow(page, columns.map(\.0), columns, y, header: true)
        for (index, row) in document.rows.enumerated() {
            if y > Self.bottom - 60 {
                page = pdf.addPage()
                y = 40
            }
            let cells = [String(index + 1), row["name"]?.stringValue ?? "",
                         InvoiceDocument.money(row["quantity"]?.stringValue ?? "0").replacingZeroFraction(),
                         row["unit"]?["name"]?.stringValue ?? "", InvoiceDocument.money(row["price"]?.stringValue ?? "0"),
                         InvoiceDocument.money(row["sum"]?.stringValue ?? "0")]
            y = tableRow(page, cells, columns, y, header: false)
        }
        y += 14
        let vat = document.totals["vatMode"] == "none" ? "—" : InvoiceDocument.money(document.totals["vat"]?.stringValue ?? "0")
        for (label, value) in [("Итого:", InvoiceDocument.money(document.subtotalText)), (document.vatLabel, vat),
                               ("Всего к оплате:", InvoiceDocument.money(document.invoice["total"]?.stringValue ?? "0"))] {
            rightAligned(page, value, x: Self.right, y: y, font: bold, size: 10)
            rightAligned(page, label, x: Self.right - 95, y: y, font: bold, size: 10)
            y += 14
        }
        y += 6
        page.text(document.itemsLine, x: Self.left, y: y, font: regular, size: 10)
        y += 16
        for line in PDFPage.wrap(document.invoice["amountInWords"]?.stringValue ?? "", font: bold, size: 10, width: Self.right - Self.left) {
            page.text(line, x: Self.left, y: y, font: bold, size: 10)
            y += 13
        }
        if let due = document.invoice["dueDate"]?.stringValue {
            page.text("Оплатить не позднее \(InvoiceDocument.numericDate(due))", x: Self.left, y: y + 4, font: regular, size: 9)
            y += 16
        }
        page.line(from: (Self.left, y + 4), to: (Self.right, y + 4), width: 1.5)
        y += 34
        if y > Self.bottom - 140 {
            page = pdf.addPage()
            y = 60
        }
        signatures(page, y)
        if let qr = document.paymentQR {
            let size = 110.0 / Double(qr.size)
            page.modules(qr.matrix, x: Self.right - 110, y: y + 30, moduleSize: size)
            page.text("Оплата по QR-коду", x: Self.right - 110, y: y + 152, font: regular, size: 7)
        }
        return try pdf.data()
    }

    private func bankBlock(_ page: PDFPage, _ top: Double) -> Double {
        let bank = document.seller["bank"] ?? .null
        let a = Self.left, b = Self.left + 150, c = Self.left + 300, d = Self.left + 350, e = Self.right
        let row = 17.0, height = row * 3 + 26
        page.rect(x: a, y: top, width: e - a, height: height)
        page.line(from: (c, top), to: (c, top + height))
        page.line(from: (d, top), to: (d, top + height))
        page.line(from: (c, top + row), to: (e, top + row))
        page.line(from: (a, top + row * 2), to: (e, top + row * 2))
        page.line(from: (a, top + row * 3), to: (c, top + row * 3))
        page.line(from: (b, top + row * 2), to: (b, top + row * 3))
        let bankName = [bank["bankName"]?.stringValue, bank["bankCity"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
        page.text(bankName, x: a + 3, y: top + 12, font: regular, size: 9)
        page.text("Банк получателя", x: a + 3, y: top + row * 2 - 4, font: regular, size: 7)
        page.text("БИК", x: c + 3, y: top + 12, font: regular, size: 9)
        page.text(bank["bik"]?.stringValue ?? "", x: d + 3, y: top + 12, font: regular, size: 9)
        page.text("Сч. №", x: c + 3, y: top + row + 12, font: regular, size: 9)
        page.text(bank["corrAccount"]?.stringValue ?? "", x: d + 3, y: top + row + 12, font: regular, size: 9)
        page.text("ИНН \(document.seller["inn"]?.stringValue ?? "")", x: a + 3, y: top + row * 2 + 12, font: regular, size: 9)
        page.text("КПП \(document.seller["kpp"]?.stringValue ?? "")", x: b + 3, y: top + row * 2 + 12, font: regular, size: 9)
        page.text("Сч. №", x: c + 3, y: top + row * 2 + 12, font: regular, size: 9)
        page.text(bank["account"]?.stringValue ?? "", x: d + 3, y: top + row * 2 + 12, font: regular, size: 9)
        page.text(document.seller["name"]?.stringValue ?? "", x: a + 3, y: top + row * 3 + 11, font: regular, size: 9)
        page.text("Получатель", x: a + 3, y: top + height - 3, font: regular, size: 7)
        return top + height
    }

    private func partyText(_ party: JSON, withPhone: Bool) -> String {
        var parts = [party["name"]?.stringValue].compactMap { $0 }
        if let inn = party["inn"]?.stringValue { parts.append("ИНН \(inn)") }
        if let kpp = party["kpp"]?.stringValue { parts.append("КПП \(kpp)") }
        if let address = party["address"]?.stringValue { parts.append(address) }
        if withPhone, let phone = party["phone"]?.stringValue { parts.append("тел.: \(phone)") }
        return parts.joined(separator: ", ")
    }

    private func party(_ page: PDFPage, _ label: String, _ text: String, _ top: Double) -> Double {
        let labelLines = PDFPage.wrap(label, font: regular, size: 9, width: 95)
        let lines = PDFPage.wrap(text, font: bold, size: 9, width: Self.right - Self.left - 105)
        for (index, line) in labelLines.enumerated() { page.text(line, x: Self.left, y: top + 10 + Double(index) * 11, font: regular, size: 9) }
        for (index, line) in lines.enumerated() { page.text(line, x: Self.left + 105, y: top + 10 + Double(index) * 11, font: bold, size: 9) }
        return top + Double(max(lines.count, labelLines.count)) * 11 + 6
    }

    private func tableRow(_ page: PDFPage, _ cells: [String], _ columns: [(String, Double, Bool)], _ top: Double, header: Bool) -> Double {
        let font = header ? bold : regular
        let wrapped = zip(cells, columns).map { cell, column in PDFPage.wrap(cell, font: font, size: 9, width: column.1 - 6) }
        let height = Double(max(1, wrapped.map(\.count).max() ?? 1)) * 11 + 6
        if header { page.rect(x: Self.left, y: top, width: Self.right - Self.left, height: height, fill: PDFColor(gray: 0.92)) }
        var x = Self.left
        for (index, column) in columns.enumerated() {
            page.rect(x: x, y: top, width: column.1, height: height)
            for (line, text) in wrapped[index].enumerated() {
                let baseline = top + 12 + Double(line) * 11
                if column.2 && !header {
                    rightAligned(page, text, x: x + column.1 - 3, y: baseline, font: font, size: 9)
                } else {
                    page.text(text, x: x + 3, y: baseline, font: font, size: 9)
                }
            }
            x += column.1
        }
        return top + height
    }

    private func signatures(_ page: PDFPage, _ top: Double) {
        if document.isSoleProprietor {
            let label = "Индивидуальный предприниматель"
            let lineStart = Self.left + bold.width(of: label, size: 10) + 8
            page.text(label, x: Self.left, y: top, font: bold, size: 10)
            page.line(from: (lineStart, top + 2), to: (lineStart + 100, top + 2))
            page.text(document.soleProprietorSigner, x: lineStart + 106, y: top, font: regular, size: 10)
        } else {
            page.text("Руководитель", x: Self.left, y: top, font: bold, size: 10)
            page.line(from: (Self.left + 85, top + 2), to: (Self.left + 175, top + 2))
            page.text(document.seller["director"]?.stringValue ?? "", x: Self.left + 180, y: top, font: regular, size: 9)
            page.text("Бухгалтер", x: Self.left, y: top + 26, font: bold, size: 10)
            page.line(from: (Self.left + 85, top + 28), to: (Self.left + 175, top + 28))
            page.text(document.seller["accountant"]?.stringValue ?? "", x: Self.left + 180, y: top + 26, font: regular, size: 9)
        }
    }

    private func rightAligned(_ page: PDFPage, _ text: String, x: Double, y: Double, font: PDFFont, size: Double) {
        page.text(text, x: x - font.width(of: text, size: size), y: y, font: font, size: size)
    }
}

private extension String {
    /// Quantities print without a kopeck-like fraction: `"3,00"` → `"3"`, `"1,50"` → `"1,5"`.
    func replacingZeroFraction() -> String {
        guard let comma = lastIndex(of: ",") else { return self }
        var fraction = self[index(after: comma)...]
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(self[..<comma]) : String(self[..<comma]) + "," + fraction
    }
}
