import Foundation
import Storage

/// Invoice numbers from a configurable format (`{YYYY}-{N:5}` → `2026-00015`): a gapless
/// sequence per year when the format names the year, else one sequence. The counter moves in
/// the creating transaction, so a failed creation gives its number back and concurrent
/// creations (serialized by the writer) get consecutive numbers. The year is that of the
/// invoice's own date (by default today in the company's time zone), so a back-dated invoice in
/// a past year takes the next number of that year's sequence: numbers follow the order of
/// creation within a year, not the order of dates, and nothing is refused.
enum InvoiceNumbering {
    /// The next number in `format` for an invoice of `date`, and how a payment's purpose names
    /// it (`PaymentMatcher.NumberKey`: the sequence, and the year when the format holds one).
    static func next(_ db: Database, format: String, date: String) throws -> (number: String, key: PaymentMatcher.NumberKey) {
        let year = String(date.prefix(4))
        let yearly = format.contains("{YYYY}") || format.contains("{YY}")
        let sequence = try InvoiceStore.nextNumber(db, sequence: yearly ? "invoice:" + year : "invoice")
        return (render(format, number: sequence, year: year), PaymentMatcher.NumberKey(sequence: sequence, year: yearly ? Int(year) : nil))
    }

    static func render(_ format: String, number: Int64, year: String) -> String {
        var out = format.replacingAll("{YYYY}", with: year).replacingAll("{YY}", with: String(year.suffix(2)))
        while let open = out.range(of: "{N") , let close = out[open.upperBound...].firstIndex(of: "}") {
            let width = Self.width(out[open.upperBound..<close]) ?? 0
            let digits = String(number)
            out.replaceSubrange(open.lowerBound...close, with: String(repeating: "0", count: max(0, width - digits.count)) + digits)
        }
        return out
    }

    /// The width of a `{N…}` placeholder from what follows `{N`: 0 for `{N}`, w for `{N:w}`
    /// with one or two digits; nil for anything else.
    static func width(_ spec: Substring) -> Int? {
        if spec.isEmpty { return 0 }
        let digits = spec.dropFirst()
        guard spec.first == ":", (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// Why `format` cannot number invoices: it has no `{N}`, or a `{N…}` that is not `{N}` or `{N:w}` (w up to 99).
    static func problem(_ format: String) -> String? {
        var rest = Substring(format)
        var found = false
        while let open = rest.range(of: "{N") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}"), width(rest[open.upperBound..<close]) != nil else {
                return "each {N…} is {N} or {N:width} with a width of one or two digits"
            }
            found = true
            rest = rest[rest.index(after: close)...]
        }
        return found ? nil : "the number format needs {N} or {N:width}"
    }
}
