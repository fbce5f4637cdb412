import Foundation
import JSONKit
import RussianFormats

/// Writes invoices as a CommerceML 2 document (`КоммерческаяИнформация`) for 1C: one
/// `Документ` per invoice, from the invoice as the API gives it (`crm.invoices.invoice`). Pure:
/// no database, no clock. Money is copied as the exact decimal text the invoice holds.
///
/// In Windows-1251 a character the code page lacks is written as its nearest form where there
/// is one (`₽` → `руб.`, `−` → `-`, `²` → `2`, `é` → `e`, thin spaces → a space); anything else
/// (emoji, CJK) throws ``Unrepresentable`` naming the text, never a silent `?`.
struct CommerceMLWriter {
    /// The file's encoding, as declared in the XML prolog.
    enum Encoding: String, Sendable {
        case windows1251 = "windows-1251"
        case utf8 = "utf-8"
    }

    /// One invoice to write, with the payer's bank account (not part of the invoice's snapshot).
    struct Invoice {
        let json: JSON
        let payerBank: JSON?
    }

    /// A text with a character Windows-1251 cannot hold and that has no nearer form.
    struct Unrepresentable: Error, Equatable {
        let text: String
        let character: String
    }

    let encoding: Encoding
    /// `2.05` or `2.10`.
    let version: String

    /// The whole file's bytes: prolog, root, and each invoice's `Документ`.
    /// Throws ``InvoiceUnrepresentable`` for a text 1251 cannot hold.
    func file(_ invoices: [Invoice], generatedAt: String) throws -> [UInt8] {
        var bytes = header(generatedAt: generatedAt)
        for invoice in invoices { try append(invoice, to: &bytes) }
        bytes += footer
        return bytes
    }

    /// The prolog and the root's start tag: what a file begins with before its documents.
    func header(generatedAt: String) -> [UInt8] {
        var out = XMLBytes(writer: self)
        out.markup("<?xml version=\"1.0\" encoding=\"\(encoding.rawValue)\"?>\n")
        out.markup("<КоммерческаяИнформация ВерсияСхемы=\"\(version)\" ДатаФормирования=\"\(Self.localTime(generatedAt))\">\n")
        return out.bytes
    }

    /// The root's end tag: what a file ends with after its documents.
    var footer: [UInt8] {
        var out = XMLBytes(writer: self)
        out.markup("</КоммерческаяИнформация>\n")
        return out.bytes
    }

    /// Appends one invoice's `Документ`, encoded, to `bytes`; on ``InvoiceUnrepresentable``
    /// `bytes` is left as it was.
    func append(_ invoice: Invoice, to bytes: inout [UInt8]) throws {
        var out = XMLBytes(writer: self, bytes: bytes)
        bytes = []
        let start = out.bytes.count
        do {
            try document(invoice, into: &out)
        } catch let error as Unrepresentable {
            out.bytes.removeSubrange(start...)
            bytes = out.bytes
            throw InvoiceUnrepresentable(invoiceID: invoice.json["id"]?.int64Value ?? 0, text: error.text, character: error.character)
        }
        bytes = out.bytes
    }

    /// ``Unrepresentable`` in the invoice it was found in.
    struct InvoiceUnrepresentable: Error, Equatable {
        let invoiceID: Int64
        let text: String
        let character: String
    }

    /// One invoice's `Документ`.
    private func document(_ invoice: Invoice, into out: inout XMLBytes) throws {
        let json = invoice.json
        let id = json["id"]?.int64Value ?? 0
        let totals = json["totals"] ?? .null
        let vatMode = totals["vatMode"]?.stringValue ?? "none"
        let status = json["status"]?.stringValue ?? ""
        out.open("Документ", 1)
        try out.element("Ид", "crmd-invoice-\(id)", 2)
        try out.element("Номер", json["number"]?.stringValue, 2)
        try out.element("Дата", json["date"]?.stringValue, 2)
        try out.element("ХозОперация", "Заказ товара", 2)
        try out.element("Роль", "Продавец", 2)
        try out.element("Валюта", json["currency"]?.stringValue, 2)
        try out.element("Курс", "1", 2)
        try out.element("Сумма", json["total"]?.stringValue, 2)
        try counterparty(json["payer"] ?? .null, bank: invoice.payerBank, into: &out)
        if vatMode != "none" {
            out.open("Налоги", 2)
            try tax(included: vatMode == "included", sum: totals["vat"]?.stringValue, into: &out, level: 3)
            out.close("Налоги", 2)
        }
        out.open("Товары", 2)
        for (index, row) in (json["rows"]?.arrayValue ?? []).enumerated() {
            try product(row, id: row["productId"]?.int64Value.map { "crmd-product-\($0)" } ?? "crmd-invoice-\(id)-row-\(index + 1)", into: &out)
        }
        out.close("Товары", 2)
        out.open("ЗначенияРеквизитов", 2)
        try out.requisite("Заказ оплачен", status == "paid" ? "true" : "false", 3)
        try out.requisite("Отменен", status == "cancelled" ? "true" : "false", 3)
        try out.requisite("Статус заказа", Self.statusNames[status] ?? status, 3)
        if status == "paid", let last = json["payments"]?.arrayValue?.last {
            try out.requisite("Дата оплаты", last["date"]?.stringValue ?? "", 3)
            if let reference = last["reference"]?.stringValue { try out.requisite("Номер платежного документа", reference, 3) }
        }
        out.close("ЗначенияРеквизитов", 2)
        out.close("Документ", 1)
    }

    /// The invoice's statuses as 1C's order statuses read.
    static let statusNames = ["draft": "Черновик", "sent": "Выставлен", "partiallyPaid": "Оплачен частично", "paid": "Оплачен",
                              "cancelled": "Отменен", "overdue": "Просрочен"]

    /// The payer as `Контрагенты/Контрагент`, role «Покупатель».
    private func counterparty(_ payer: JSON, bank: JSON?, into out: inout XMLBytes) throws {
        let type = payer["entityType"]?.stringValue ?? "company"
        let name = payer["name"]?.stringValue ?? ""
        out.open("Контрагенты", 2)
        out.open("Контрагент", 3)
        try out.element("Ид", "crmd-\(type)-\(payer["id"]?.int64Value ?? 0)", 4)
        try out.element("Наименование", name, 4)
        // A person is named in full; an organisation or a sole proprietor by its official name.
        try out.element(payer["preset"]?.stringValue == "person" || type == "contact" ? "ПолноеНаименование" : "ОфициальноеНаименование", name, 4)
        try out.element("Роль", "Покупатель", 4)
        try out.element("ИНН", payer["inn"]?.stringValue, 4)
        try out.element("КПП", payer["kpp"]?.stringValue, 4)
        if let address = payer["address"]?.stringValue, !address.isEmpty {
            out.open("ЮридическийАдрес", 4)
            try out.element("Представление", address, 5)
            out.close("ЮридическийАдрес", 4)
        }
        if let bank, let account = bank["account"]?.stringValue, !account.isEmpty {
            out.open("РасчетныеСчета", 4)
            out.open("РасчетныйСчет", 5)
            try out.element("НомерСчета", account, 6)
            out.open("Банк", 6)
            try out.element("Наименование", bank["bankName"]?.stringValue, 7)
            try out.element("БИК", bank["bik"]?.stringValue, 7)
            try out.element("СчетКорреспондентский", bank["corrAccount"]?.stringValue, 7)
            out.close("Банк", 6)
            out.close("РасчетныйСчет", 5)
            out.close("РасчетныеСчета", 4)
        }
        out.close("Контрагент", 3)
        out.close("Контрагенты", 2)
    }

    /// One `Товар`: a row with its unit, price, quantity, sum and VAT.
    private func product(_ row: JSON, id: String, into out: inout XMLBytes) throws {
        let code = row["unit"]?["code"]?.stringValue ?? "796"
        let short = row["unit"]?["name"]?.stringValue ?? ""
        let known = Self.units[code]
        let rate = row["vatRate"]?.stringValue ?? "none"
        let kind = code == Self.serviceUnit ? "Услуга" : "Товар"
        out.open("Товар", 3)
        try out.element("Ид", id, 4)
        try out.element("Наименование", row["name"]?.stringValue, 4)
        var attributes = [("Код", code), ("НаименованиеПолное", known?.full ?? short)]
        if let international = known?.international { attributes.append(("МеждународноеСокращение", international)) }
        try out.element("БазоваяЕдиница", short, 4, attributes: attributes)
        try out.element("ЦенаЗаЕдиницу", row["price"]?.stringValue, 4)
        try out.element("Количество", row["quantity"]?.stringValue, 4)
        try out.element("Сумма", row["sum"]?.stringValue, 4)
        out.open("СтавкиНалогов", 4)
        out.open("СтавкаНалога", 5)
        try out.element("Наименование", "НДС", 6)
        try out.element("Ставка", rate == "none" ? "Без НДС" : rate, 6)
        out.close("СтавкаНалога", 5)
        out.close("СтавкиНалогов", 4)
        if rate != "none" {
            out.open("Налоги", 4)
            try tax(included: row["vatIncluded"]?.boolValue ?? true, sum: row["vat"]?.stringValue, into: &out, level: 5)
            out.close("Налоги", 4)
        }
        out.open("ЗначенияРеквизитов", 4)
        try out.requisite("ВидНоменклатуры", kind, 5)
        try out.requisite("ТипНоменклатуры", kind, 5)
        out.close("ЗначенияРеквизитов", 4)
        out.close("Товар", 3)
    }

    private func tax(included: Bool, sum: String?, into out: inout XMLBytes, level: Int) throws {
        out.open("Налог", level)
        try out.element("Наименование", "НДС", level + 1)
        try out.element("УчтеноВСумме", included ? "true" : "false", level + 1)
        try out.element("Сумма", sum ?? "0.00", level + 1)
        out.close("Налог", level)
    }

    /// OKEI 876, «условная единица»: the unit 1C gives services; a row in it is a service (Услуга).
    static let serviceUnit = "876"

    /// Full names and international abbreviations of common OKEI units.
    static let units: [String: (full: String, international: String?)] = [
        "796": ("Штука", "PCE"), "876": ("Условная единица", nil), "166": ("Килограмм", "KGM"), "163": ("Грамм", "GRM"),
        "006": ("Метр", "MTR"), "055": ("Квадратный метр", "MTK"), "113": ("Кубический метр", "MTQ"), "112": ("Литр", "LTR"),
        "356": ("Час", "HUR"), "839": ("Комплект", "SET"), "778": ("Упаковка", "NMP"),
    ]

    /// `2026-12-06T03:42:33Z` as 1C writes it, without the zone.
    static func localTime(_ timestamp: String) -> String {
        timestamp.hasSuffix("Z") ? String(timestamp.dropLast()) : timestamp
    }

    // MARK: Text

    /// Characters outside Windows-1251 that have a nearest form people accept in 1C.
    static let nearest: [Unicode.Scalar: String] = [
        "\u{20BD}": "руб.", "\u{2212}": "-", "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "–", "\u{2015}": "—",
        "\u{00D7}": "x", "\u{00B2}": "2", "\u{00B3}": "3", "\u{2009}": " ", "\u{202F}": " ", "\u{2007}": " ", "\u{200B}": "",
        "\u{2032}": "'", "\u{2033}": "\"", "\u{00BC}": "1/4", "\u{00BD}": "1/2", "\u{00BE}": "3/4",
    ]

    /// The text as it will be written: in 1251, each missing character replaced by its nearest
    /// form (a table, else the letter without its accents); ``Unrepresentable`` when there is none.
    func text(_ value: String) throws -> String {
        guard encoding == .windows1251, LegacyEncoding.windows1251.encode(value) == nil else { return value }
        var result = ""
        for character in value {
            let single = String(character)
            if LegacyEncoding.windows1251.encode(single) != nil {
                result += single
                continue
            }
            if character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, let form = Self.nearest[scalar] {
                result += form
                continue
            }
            // A Latin letter with accents (é, ü, ñ): the letter alone.
            let base = String(String.UnicodeScalarView(single.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
                !(0x0300...0x036F).contains($0.value)
            }))
            if !base.isEmpty, base != single, LegacyEncoding.windows1251.encode(base) != nil {
                result += base
                continue
            }
            throw Unrepresentable(text: value, character: single)
        }
        return result
    }
}

/// XML as it is written, already in the file's encoding, indented by level. Markup is ours
/// (ASCII and Cyrillic, which both encodings hold); a value goes through the writer's
/// `text(_:)` (nearest forms) only when the code page lacks one of its characters, and is
/// escaped byte by byte: `&<>"'` are ASCII, and in both encodings a byte below 0x80 is always
/// the ASCII character itself.
struct XMLBytes {
    let writer: CommerceMLWriter
    var bytes: [UInt8] = []

    /// Text the code page is known to hold: tag names, fixed attribute text.
    mutating func markup(_ text: String) {
        switch writer.encoding {
        case .utf8: bytes += text.utf8
        case .windows1251:
            let held = LegacyEncoding.windows1251.encode(text, appendingTo: &bytes)
            assert(held, "markup outside windows-1251: \(text)")
        }
    }

    mutating func indent(_ level: Int) {
        for _ in 0..<level { bytes.append(0x09) }
    }

    mutating func open(_ name: String, _ level: Int) {
        indent(level)
        bytes.append(UInt8(ascii: "<"))
        markup(name)
        bytes += [UInt8(ascii: ">"), 0x0A]
    }

    mutating func close(_ name: String, _ level: Int) {
        indent(level)
        bytes += [UInt8(ascii: "<"), UInt8(ascii: "/")]
        markup(name)
        bytes += [UInt8(ascii: ">"), 0x0A]
    }

    /// `<name attributes>value</name>`; nothing when the value is nil.
    mutating func element(_ name: String, _ value: String?, _ level: Int, attributes: [(String, String)] = []) throws {
        guard let value else { return }
        indent(level)
        bytes.append(UInt8(ascii: "<"))
        markup(name)
        for (key, attribute) in attributes {
            bytes.append(UInt8(ascii: " "))
            markup(key)
            bytes += [UInt8(ascii: "="), UInt8(ascii: "\"")]
            try escaped(attribute)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
        try escaped(value)
        bytes += [UInt8(ascii: "<"), UInt8(ascii: "/")]
        markup(name)
        bytes += [UInt8(ascii: ">"), 0x0A]
    }

    /// A `ЗначениеРеквизита` with its `Наименование` and `Значение`.
    mutating func requisite(_ name: String, _ value: String, _ level: Int) throws {
        open("ЗначениеРеквизита", level)
        try element("Наименование", name, level + 1)
        try element("Значение", value, level + 1)
        close("ЗначениеРеквизита", level)
    }

    /// The value encoded and escaped for XML content and attribute values.
    mutating func escaped(_ value: String) throws {
        let start = bytes.count
        switch writer.encoding {
        case .utf8: bytes += value.utf8
        case .windows1251:
            if !LegacyEncoding.windows1251.encode(value, appendingTo: &bytes) {
                let nearest = try writer.text(value)
                // `text(_:)` keeps only characters 1251 holds; were it not to, refuse rather than drop one.
                guard LegacyEncoding.windows1251.encode(nearest, appendingTo: &bytes) else {
                    let character = nearest.first { LegacyEncoding.windows1251.encode(String($0)) == nil }.map(String.init) ?? ""
                    throw CommerceMLWriter.Unrepresentable(text: value, character: character)
                }
            }
        }
        guard bytes[start...].contains(where: Self.isSpecial) else { return }
        let raw = Array(bytes[start...])
        bytes.removeSubrange(start...)
        for byte in raw {
            switch byte {
            case UInt8(ascii: "&"): bytes += "&amp;".utf8
            case UInt8(ascii: "<"): bytes += "&lt;".utf8
            case UInt8(ascii: ">"): bytes += "&gt;".utf8
            case UInt8(ascii: "\""): bytes += "&quot;".utf8
            case UInt8(ascii: "'"): bytes += "&apos;".utf8
            default: bytes.append(byte)
            }
        }
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
