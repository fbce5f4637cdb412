import JSONKit
import QRCode
import RussianFormats
import Templates

/// What an invoice prints: the invoice's own snapshot plus the words and lines of the
/// «Счет на оплату» layout (REFERENCE-ru.md): long date, the item count, the signatures an
/// organisation or a sole proprietor needs, the payment QR code; the table's columns and the
/// totals with a VAT line per rate are in `InvoiceDocument+Table.swift`.
struct InvoiceDocument {
    let invoice: JSON

    var number: String { invoice["number"]?.stringValue ?? "" }
    var seller: JSON { invoice["seller"] ?? .null }
    var payer: JSON { invoice["payer"] ?? .null }
    var totals: JSON { invoice["totals"] ?? .null }
    var rows: [JSON] { invoice["rows"]?.arrayValue ?? [] }
    var isSoleProprietor: Bool { seller["preset"] == "ip" }

    /// A sole proprietor's signature name, «Фамилия И. О.»: the surname, then the initials of the
    /// given names (words already written as initials stay as they are).
    var soleProprietorSigner: String {
        let words = (seller["director"]?.stringValue ?? "").split(whereSeparator: \.isWhitespace)
        guard let surname = words.first else { return "" }
        return ([String(surname)] + words.dropFirst().map { "\($0.first!)." }).joined(separator: " ")
    }

    var title: String {
        "Счет на оплату № \(number) от \(Self.longDate(invoice["date"]?.stringValue ?? ""))"
    }

    /// «Итого»: the goods' amount before VAT on top, else the total.
    var subtotalText: String {
        let total = Money.parse(invoice["total"]?.stringValue ?? "0")?.minor ?? 0
        let vat = Money.parse(totals["vat"]?.stringValue ?? "0")?.minor ?? 0
        return DecimalScaled.format(totals["vatMode"] == "onTop" ? total - vat : total, scale: 2)
    }

    var itemsLine: String {
        "Всего наименований \(rows.count), на сумму \(Self.money(invoice["total"]?.stringValue ?? "0")) руб."
    }

    /// The payment QR code's text, ГОСТ Р 56042-2014 (Sum in kopecks), UTF-8 (the `2` of
    /// `ST00012`). Each value is cut to the standard's length for its field, counted in
    /// characters (Unicode scalars, so no UTF-8 sequence is split), with `|` replaced by `/`.
    /// The purpose ends with the VAT phrase (`vatPhrase`), which a too long invoice number never
    /// pushes out: the words before it are cut instead.
    var paymentQRText: String {
        let bank = seller["bank"] ?? .null
        let kopecks = Money.parse(invoice["due"]?.stringValue ?? invoice["total"]?.stringValue ?? "0")?.minor ?? 0
        let fields: [(String, String?, Int)] = [
            ("Name", seller["name"]?.stringValue, 160), ("PersonalAcc", bank["account"]?.stringValue, 20),
            ("BankName", bank["bankName"]?.stringValue, 45), ("BIC", bank["bik"]?.stringValue, 9),
            ("CorrespAcc", bank["corrAccount"]?.stringValue ?? "0", 20), ("PayeeINN", seller["inn"]?.stringValue, 12),
            ("KPP", seller["kpp"]?.stringValue, 9), ("Sum", String(kopecks), 18),
            ("Purpose", purpose, 210),
        ]
        return "ST00012|" + fields.compactMap { key, value, limit in value.map { "\(key)=\($0.qrFieldValue(limit: limit))" } }.joined(separator: "|")
    }

    /// «Оплата по счету № N от 05.03.2026. В т.ч. НДС 22 % – 180,33 руб.», at most 210 characters.
    private var purpose: String {
        let phrase = ". " + vatPhrase
        let head = "Оплата по счету № \(number) от \(Self.numericDate(invoice["date"]?.stringValue ?? ""))"
        return head.qrFieldValue(limit: 210 - phrase.unicodeScalars.count) + phrase
    }

    var paymentQR: QRCode? { try? QRCode(text: paymentQRText, correction: .medium) }

    /// The template context: the invoice itself under `invoice`, and the computed texts under `print`.
    var context: TemplateValue {
        var qrSVG = ""
        if let qr = paymentQR {
            var path = ""
            for y in 0..<qr.size { for x in 0..<qr.size where qr[x, y] { path += "M\(x + 4) \(y + 4)h1v1h-1z" } }
            let side = qr.size + 8
            qrSVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"120\" height=\"120\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
        }
        let rows: [TemplateValue] = printedRows.map { row in
            ["number": .string(row.number), "name": .string(row.name), "quantity": .string(row.quantity), "unit": .string(row.unit),
             "price": .string(row.price), "discount": .string(row.discount), "vatRate": .string(row.vatRate), "sum": .string(row.sum)]
        }
        let totals: [TemplateValue] = totalsLines.map { ["label": .string($0.label), "value": .string($0.value)] }
        return [
            "invoice": Self.value(invoice),
            "print": [
                "title": .string(title), "itemsLine": .string(itemsLine), "rows": .array(rows), "totals": .array(totals),
                "showsDiscount": .bool(showsDiscount), "showsVATRate": .bool(showsVATRate),
                "soleProprietor": .bool(isSoleProprietor), "soleProprietorSigner": .string(soleProprietorSigner), "qrSVG": .string(qrSVG),
                "dueDate": .string(invoice["dueDate"]?.stringValue.map(Self.numericDate) ?? ""),
            ],
        ]
    }

    /// Checks that an invoice's snapshot has the shape it was written with: the parties as
    /// objects with text where text is kept, rows with a name, a unit and amounts, totals with
    /// amounts and a VAT mode. A damaged snapshot is reported, not printed with blanks or zeros.
    static func checkSnapshot(_ invoice: JSON) throws(StoredData.Problem) {
        func object(_ value: JSON?, _ path: String) throws(StoredData.Problem) -> JSON {
            guard let value, case .object = value else { throw StoredData.Problem("\(path): not an object") }
            return value
        }
        func text(_ value: JSON?, _ path: String, required: Bool = false) throws(StoredData.Problem) {
            if value?.stringValue != nil || (!required && (value == nil || value == .null)) { return }
            throw StoredData.Problem("\(path): \(value?.text ?? "missing") is not text")
        }
        func decimal(_ value: JSON?, _ path: String) throws(StoredData.Problem) {
            guard let text = value?.stringValue, DecimalText.canonical(text) != nil else {
                throw StoredData.Problem("\(path): \(value?.text ?? "missing") is not a decimal")
            }
        }
        let seller = try object(invoice["seller"], "seller")
        for key in ["preset", "name", "fullName", "inn", "kpp", "address", "phone", "director", "directorTitle", "accountant"] {
            try text(seller[key], "seller.\(key)")
        }
        let bank = try object(seller["bank"], "seller.bank")
        for key in ["bik", "bankName", "bankCity", "corrAccount", "account"] { try text(bank[key], "seller.bank.\(key)") }
        let payer = try object(invoice["payer"], "payer")
        for key in ["preset", "name", "inn", "kpp", "address", "phone"] { try text(payer[key], "payer.\(key)") }
        guard let rows = invoice["rows"]?.arrayValue else { throw StoredData.Problem("rows: not an array") }
        for (index, row) in rows.enumerated() {
            let path = "rows[\(index)]"
            _ = try object(row, path)
            try text(row["name"], path + ".name", required: true)
            try text(try object(row["unit"], path + ".unit")["name"], path + ".unit.name", required: true)
            for key in ["quantity", "price", "discountAmount", "sum", "vat"] { try decimal(row[key], "\(path).\(key)") }
            guard let rate = row["vatRate"]?.stringValue, VATRate(rawValue: rate) != nil else {
                throw StoredData.Problem("\(path).vatRate: \(row["vatRate"]?.text ?? "missing") is not a VAT rate")
            }
        }
        let totals = try object(invoice["totals"], "totals")
        for key in ["vat", "total"] { try decimal(totals[key], "totals.\(key)") }
        guard let mode = totals["vatMode"]?.stringValue, ["none", "included", "onTop"].contains(mode) else {
            throw StoredData.Problem("totals.vatMode: \(totals["vatMode"]?.text ?? "missing") is not none, included or onTop")
        }
    }

    static func value(_ json: JSON) -> TemplateValue {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): .number(number.text)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(value))
        case .object(let object): .object(object.mapValues(value))
        }
    }

    /// `2026-03-05` → «5 марта 2026 г.».
    static func longDate(_ text: String) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return text }
        return RussianDate.long(year: parts[0], month: parts[1], day: parts[2])
    }

    static func numericDate(_ text: String) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        return RussianDate.numeric(year: parts[0], month: parts[1], day: parts[2])
    }

    /// `"12345.60"` → `"12 345,60"` (no-break space between thousands).
    static func money(_ text: String) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts.first ?? "0")
        let negative = whole.hasPrefix("-")
        if negative { whole.removeFirst() }
        var grouped = ""
        for (index, digit) in whole.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append("\u{00A0}") }
            grouped.append(digit)
        }
        let fraction = parts.count > 1 ? String(parts[1]) : "00"
        return (negative ? "-" : "") + String(grouped.reversed()) + "," + fraction
    }
}

private extension String {
    /// A payment QR field's value: at most `limit` Unicode scalars (whole UTF-8 sequences), and
    /// `|`, which separates the payload's fields and would end the value early, written as `/`.
    func qrFieldValue(limit: Int) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: unicodeScalars.prefix(limit).map { $0 == "|" ? "/" : $0 })
        return String(scalars)
    }
}
