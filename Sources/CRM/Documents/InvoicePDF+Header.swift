import JSONKit
import PDFWriter

/// The top of the invoice's first page: the bank block, the title, the parties and the basis.
/// Every text wraps inside its cell and the cells grow to fit; with no page they only measure.
extension InvoicePDF {
    /// Draws the header with its top at `top` (on `page`, if any); returns its bottom.
    func header(_ page: PDFPage?, _ top: Double) -> Double {
        var y = bankBlock(page, top)
        let title = paragraph(page, document.title, font: bold, size: 13, x: Self.left, width: Self.right - Self.left,
                              top: y + 15, lineHeight: 16)
        page?.line(from: (Self.left, title + 3), to: (Self.right, title + 3), width: 1.5)
        y = title + 19
        y = party(page, "Поставщик (Исполнитель):", partyText(document.seller, withPhone: true), y)
        y = party(page, "Покупатель (Заказчик):", partyText(document.payer, withPhone: false), y)
        if let basis = document.invoice["basis"]?.stringValue { y = party(page, "Основание:", basis, y) }
        return y + 6
    }

    /// The bank block, 1C's bordered table: bank name (and city) over «Банк получателя» beside БИК
    /// and the correspondent account; ИНН, КПП, the payee's name over «Получатель» beside the
    /// settlement account. Columns at fixed x; every row as tall as its tallest cell.
    private func bankBlock(_ page: PDFPage?, _ top: Double) -> Double {
        let bank = document.seller["bank"] ?? .null
        let a = Self.left, b = Self.left + 150, c = Self.left + 300, d = Self.left + 350, e = Self.right
        let bankName = [bank["bankName"]?.stringValue, bank["bankCity"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
        let bik = bank["bik"]?.stringValue ?? "", corrAccount = bank["corrAccount"]?.stringValue ?? ""
        let account = bank["account"]?.stringValue ?? "", payee = document.seller["name"]?.stringValue ?? ""
        let inn = "ИНН \(document.seller["inn"]?.stringValue ?? "")", kpp = "КПП \(document.seller["kpp"]?.stringValue ?? "")"

        // Row heights: the bank's cell spans the БИК and correspondent account rows; the payee's
        // cell and the ИНН/КПП row are spanned by the settlement account's.
        let bikRow = max(17, cell(nil, "БИК", c, d, top), cell(nil, bik, d, e, top))
        let corrRow = max(17, cell(nil, "Сч. №", c, d, top), cell(nil, corrAccount, d, e, top))
        let upper = max(bikRow + corrRow, captioned(nil, bankName, "Банк получателя", a, c, top))
        let innRow = max(17, cell(nil, inn, a, b, top), cell(nil, kpp, b, c, top))
        let lower = max(26, captioned(nil, payee, "Получатель", a, c, top), cell(nil, account, d, e, top) - innRow)
        let height = upper + innRow + lower
        guard let page else { return top + height }

        page.rect(x: a, y: top, width: e - a, height: height)
        page.line(from: (c, top), to: (c, top + height))
        page.line(from: (d, top), to: (d, top + height))
        page.line(from: (c, top + bikRow), to: (e, top + bikRow))
        page.line(from: (a, top + upper), to: (e, top + upper))
        page.line(from: (a, top + upper + innRow), to: (c, top + upper + innRow))
        page.line(from: (b, top + upper), to: (b, top + upper + innRow))
        _ = captioned(page, bankName, "Банк получателя", a, c, top)
        _ = cell(page, "БИК", c, d, top)
        _ = cell(page, bik, d, e, top)
        _ = cell(page, "Сч. №", c, d, top + bikRow)
        _ = cell(page, corrAccount, d, e, top + bikRow)
        _ = cell(page, inn, a, b, top + upper)
        _ = cell(page, kpp, b, c, top + upper)
        _ = cell(page, "Сч. №", c, d, top + upper)
        _ = cell(page, account, d, e, top + upper)
        _ = captioned(page, payee, "Получатель", a, c, top + upper + innRow)
        return top + height
    }

    /// A bank block cell's text between the borders at `x0` and `x1`; returns the height the cell needs.
    private func cell(_ page: PDFPage?, _ text: String, _ x0: Double, _ x1: Double, _ top: Double) -> Double {
        paragraph(page, text, font: regular, size: 9, x: x0 + 3, width: x1 - x0 - 6, top: top + 3, lineHeight: 11) + 3 - top
    }

    /// A cell's text with a small caption under it («Банк получателя», «Получатель»); returns the height it needs.
    private func captioned(_ page: PDFPage?, _ text: String, _ caption: String, _ x0: Double, _ x1: Double, _ top: Double) -> Double {
        let textBottom = paragraph(page, text, font: regular, size: 9, x: x0 + 3, width: x1 - x0 - 6, top: top + 3, lineHeight: 11)
        return paragraph(page, caption, font: regular, size: 7, x: x0 + 3, width: x1 - x0 - 6, top: textBottom + 1, lineHeight: 9) + 3 - top
    }

    private func partyText(_ party: JSON, withPhone: Bool) -> String {
        var parts = [party["name"]?.stringValue].compactMap { $0 }
        if let inn = party["inn"]?.stringValue { parts.append("ИНН \(inn)") }
        if let kpp = party["kpp"]?.stringValue { parts.append("КПП \(kpp)") }
        if let address = party["address"]?.stringValue { parts.append(address) }
        if withPhone, let phone = party["phone"]?.stringValue { parts.append("тел.: \(phone)") }
        return parts.joined(separator: ", ")
    }

    /// «Поставщик (Исполнитель):» and the like in a narrow column, the party's details in bold beside it.
    private func party(_ page: PDFPage?, _ label: String, _ text: String, _ top: Double) -> Double {
        let labelBottom = paragraph(page, label, font: regular, size: 9, x: Self.left, width: 95, top: top + 1, lineHeight: 11)
        let textBottom = paragraph(page, text, font: bold, size: 9, x: Self.left + 105, width: Self.right - Self.left - 105,
                                   top: top + 1, lineHeight: 11)
        return max(labelBottom, textBottom) + 5
    }
}
