import Foundation
import Storage

/// Invoice numbers from a configurable format (`{YYYY}-{N:5}` → `2026-00015`): a gapless
/// sequence per year when the format names the year, else one sequence. The counter moves in
/// the creating transaction, so a failed creation gives its number back and concurrent
/// creations (serialized by the writer) get consecutive numbers.
enum InvoiceNumbering {
    static func next(_ db: Database, format: String, date: String) throws -> String {
        let year = String(date.prefix(4))
        let key = format.contains("{YYYY}") || format.contains("{YY}") ? "invoice:" + year : "invoice"
        return render(format, number: try InvoiceStore.nextNumber(db, sequence: key), year: year)
    }

    static func render(_ format: String, number: Int64, year: String) -> String {
        var out = format.replacingAll("{YYYY}", with: year).replacingAll("{YY}", with: String(year.suffix(2)))
        while let open = out.range(of: "{N") , let close = out[open.upperBound...].firstIndex(of: "}") {
            let spec = out[open.upperBound..<close]
            let width = spec.hasPrefix(":") ? Int(spec.dropFirst()) ?? 0 : 0
            let digits = String(number)
            out.replaceSubrange(open.lowerBound...close, with: String(repeating: "0", count: max(0, width - digits.count)) + digits)
        }
        return out
    }
}
