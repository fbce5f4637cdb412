import JSONKit

/// One row of the invoice's table as printed, every cell as text. The PDF and the HTML page
/// print the same texts, so they cannot disagree.
struct InvoicePrintedRow {
    let number: String
    let name: String
    let quantity: String
    let unit: String
    /// The price per unit before the discount.
    let price: String
    /// The row's discount in money, «—» when it has none.
    let discount: String
    /// «22 %», «0 %» or «Без НДС».
    let vatRate: String
    /// The row's amount after the discount («Сумма»).
    let sum: String
}

/// The table and totals of the «Счет на оплату»: which columns it has, the rows' texts, and
/// the totals' lines with one VAT line per rate (REFERENCE-ru.md, "VAT").
///
/// Rule: the VAT lines and the QR code's VAT phrase are sums of the rows' own VAT, grouped by
/// rate, so they match the rows to the kopeck and need nothing beyond what every invoice
/// snapshot has always kept.
extension InvoiceDocument {
    /// Whether the table has a «Скидка» column: some row has a discount.
    var showsDiscount: Bool { rows.contains { Self.kopecks($0["discountAmount"]) > 0 } }

    /// Whether the table has a «НДС» column: the rows' rates differ.
    var showsVATRate: Bool { Set(rows.compactMap { $0["vatRate"]?.stringValue }).count > 1 }

    var printedRows: [InvoicePrintedRow] {
        rows.enumerated().map { index, row in
            let discount = Self.kopecks(row["discountAmount"])
            return InvoicePrintedRow(
                number: String(index + 1), name: row["name"]?.stringValue ?? "",
                quantity: Self.quantity(row["quantity"]?.stringValue ?? "0"), unit: row["unit"]?["name"]?.stringValue ?? "",
                price: Self.money(row["price"]?.stringValue ?? "0"),
                discount: discount > 0 ? Self.money(DecimalScaled.format(discount, scale: 2)) : "—",
                vatRate: Self.rateText(row["vatRate"]?.stringValue.flatMap(VATRate.init(rawValue:)) ?? .none),
                sum: Self.money(row["sum"]?.stringValue ?? "0"))
        }
    }

    /// The VAT of the rows with a rate (not «Без НДС»), summed per rate, highest rate first.
    var vatByRate: [(rate: VATRate, amount: Int64)] {
        var sums: [VATRate: Int64] = [:]
        for row in rows {
            guard let rate = row["vatRate"]?.stringValue.flatMap(VATRate.init(rawValue:)), rate != .none else { continue }
            sums[rate, default: 0] += Self.kopecks(row["vat"])
        }
        return VATRate.allCases.compactMap { rate in sums[rate].map { (rate, $0) } }
    }

    /// A line per VAT rate: «В том числе НДС 22 %:» when VAT is inside the prices, «Сумма НДС 22 %:»
    /// when it is added on top; «Без налога (НДС)» and a dash only when no row has a rate.
    var vatLines: [(label: String, value: String)] {
        let byRate = vatByRate
        guard !byRate.isEmpty else { return [("Без налога (НДС)", "—")] }
        let prefix = totals["vatMode"] == "onTop" ? "Сумма НДС" : "В том числе НДС"
        return byRate.map { rate, amount in ("\(prefix) \(Self.rateText(rate)):", Self.money(DecimalScaled.format(amount, scale: 2))) }
    }

    /// The totals under the table, top to bottom. With discounts: the amount before them and the
    /// discount first. «Итого» is the «Сумма» column's sum; with VAT on top «Всего к оплате» is
    /// «Итого» plus the VAT lines, else «Итого» itself.
    var totalsLines: [(label: String, value: String)] {
        let discount = rows.reduce(Int64(0)) { $0 + Self.kopecks($1["discountAmount"]) }
        let subtotal = Money.parse(subtotalText)?.minor ?? 0
        var lines: [(label: String, value: String)] = []
        if discount > 0 {
            lines.append(("Сумма без скидки:", Self.money(DecimalScaled.format(subtotal + discount, scale: 2))))
            lines.append(("Скидка:", Self.money(DecimalScaled.format(discount, scale: 2))))
        }
        lines.append(("Итого:", Self.money(subtotalText)))
        lines += vatLines
        lines.append(("Всего к оплате:", Self.money(invoice["total"]?.stringValue ?? "0")))
        return lines
    }

    /// The payment purpose's VAT phrase, as a payment order needs it: «В т.ч. НДС 22 % – 1 234,56 руб.»
    /// (each rate, separated by commas) or «НДС не облагается». Plain spaces, for banks' software.
    var vatPhrase: String {
        let byRate = vatByRate
        guard !byRate.isEmpty else { return "НДС не облагается" }
        let parts = byRate.map { rate, amount in "НДС \(Self.rateText(rate)) – \(Self.money(DecimalScaled.format(amount, scale: 2))) руб." }
        return String(("В т.ч. " + parts.joined(separator: ", ")).map { $0 == "\u{00A0}" ? " " : $0 })
    }

    static func rateText(_ rate: VATRate) -> String { rate == .none ? "Без НДС" : "\(rate.percent) %" }

    /// An amount kept in a snapshot in kopecks; 0 when absent (a row without a discount).
    static func kopecks(_ value: JSON?) -> Int64 { value?.stringValue.flatMap { Money.parse($0)?.minor } ?? 0 }

    /// Quantities print without a kopeck-like fraction: `"3"` → «3», `"1.500"` → «1,5», `"1200"` → «1 200».
    static func quantity(_ text: String) -> String {
        let printed = money(text)
        guard let comma = printed.lastIndex(of: ",") else { return printed }
        var fraction = printed[printed.index(after: comma)...]
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(printed[..<comma]) : String(printed[..<comma]) + "," + fraction
    }
}
