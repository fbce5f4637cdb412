import Foundation
import RussianFormats

/// Matches an incoming bank payment to the open invoices it may pay: by the invoice number
/// written in its purpose in the forms people write it («Оплата по счету № 2026-00015 от
/// 20.11.2026», «сч.15», «по сч 2026-15», «счёт-оферта №15»), the payer's INN, and the amount
/// still due. Pure: the invoices come in, the ranked candidates and the verdict go out.
///
/// A match is confident when the number matches and so does the INN or the amount due; a
/// payment is applied only when exactly one open invoice matches confidently and it is not
/// more than that invoice's due.
package enum PaymentMatcher {
    /// An open invoice as the matcher sees it.
    package struct Invoice: Sendable, Equatable {
        package var id: Int64
        package var number: String
        /// `YYYY-MM-DD`.
        package var date: String
        package var payerINN: String?
        /// What is still due, in kopecks.
        package var due: Int64
        /// Its number read with the numbering format (`NumberFormat.key(ofInvoice:date:)`), when known.
        package var key: NumberKey?

        package init(id: Int64, number: String, date: String, payerINN: String?, due: Int64, key: NumberKey? = nil) {
            self.id = id
            self.number = number
            self.date = date
            self.payerINN = payerINN
            self.due = due
            self.key = key
        }
    }

    /// An invoice the payment may pay, with why.
    package struct Candidate: Sendable, Equatable {
        package var invoice: Invoice
        /// `number`, `inn`, `amount`, in that order, those that hold.
        package var reasons: [String]
        package var score: Int

        var confident: Bool { reasons.contains("number") && (reasons.contains("inn") || reasons.contains("amount")) }
    }

    /// An invoice number as written in a purpose: its sequence number, and the year when the
    /// text gives one (in the number, or as the year of «от dd.mm.yyyy»).
    package struct NumberKey: Sendable, Equatable, Hashable {
        package var sequence: Int64
        package var year: Int?

        /// Whether this number, as written, names an invoice whose own number reads as `key`:
        /// the same sequence, and the same year when both say one.
        func names(_ key: NumberKey) -> Bool {
            sequence == key.sequence && (year == nil || key.year == nil || year == key.year)
        }
    }

    /// The ranked candidates (best first, at most `limit`) and the one invoice to apply the
    /// payment to, if the match is unique and confident. Invoices without a `key` have theirs
    /// read with `format`.
    package static func match(purpose: String, payerINN: String?, amount: Int64, invoices: [Invoice], format: String,
                              limit: Int = 5) -> (candidates: [Candidate], apply: Invoice?) {
        let numbering = NumberFormat(format)
        let keyed = invoices.map { invoice in
            var invoice = invoice
            if invoice.key == nil { invoice.key = numbering.key(ofInvoice: invoice.number, date: invoice.date) }
            return invoice
        }
        return match(written: numbers(in: purpose), payerINN: payerINN, amount: amount, invoices: keyed, limit: limit)
    }

    /// As above, with the numbers the purpose names already read and each invoice's `key` given
    /// (an invoice without one never matches by number).
    package static func match(written: [NumberKey], payerINN: String?, amount: Int64, invoices: [Invoice],
                              limit: Int = 5) -> (candidates: [Candidate], apply: Invoice?) {
        var candidates: [Candidate] = []
        for invoice in invoices {
            var reasons: [String] = []
            if let key = invoice.key, written.contains(where: { $0.names(key) }) {
                reasons.append("number")
            }
            if let payerINN, !payerINN.isEmpty, invoice.payerINN == payerINN { reasons.append("inn") }
            if amount == invoice.due { reasons.append("amount") }
            guard !reasons.isEmpty else { continue }
            let score = (reasons.contains("number") ? 60 : 0) + (reasons.contains("inn") ? 25 : 0) + (reasons.contains("amount") ? 15 : 0)
            candidates.append(Candidate(invoice: invoice, reasons: reasons, score: score))
        }
        candidates.sort { ($0.score, $0.invoice.id) > ($1.score, $1.invoice.id) }
        let confident = candidates.filter(\.confident)
        let apply = confident.count == 1 && amount <= confident[0].invoice.due ? confident[0].invoice : nil
        return (Array(candidates.prefix(limit)), apply)
    }

    /// The invoice numbers a purpose names: what follows «счет», «счёт», «счету», «сч.», «сч»,
    /// «счет-оферта», «счет на оплату» (with or without «№»); each with the year of the «от
    /// dd.mm.yyyy» after it when the number itself has none. A bare «№» is not taken: it is as
    /// often a contract's number.
    package static func numbers(in purpose: String) -> [NumberKey] {
        let text = TextFolding.fold(purpose)
        // Every form starts with «сч»: a purpose without it names no invoice (and costs no matching).
        guard mentionsSch(text) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        var keys: [NumberKey] = []
        for found in purposePattern.matches(in: text, range: range) {
            guard let numberRange = Range(found.range(at: 1), in: text) else { continue }
            let dateYear = Range(found.range(at: 2), in: text).flatMap { RussianDate.parseNumeric(String(text[$0]))?.year }
            guard var key = writtenKey(String(text[numberRange])) else { continue }
            if key.year == nil { key.year = dateYear }
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// Whether the text holds «сч» (D1 81 D1 87 in UTF-8), read on its bytes.
    private static func mentionsSch(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count >= 4 && (0...(bytes.count - 4)).contains { bytes[$0] == 0xD1 && bytes[$0 + 1] == 0x81 && bytes[$0 + 2] == 0xD1 && bytes[$0 + 3] == 0x87 }
        }
    }

    /// The words that introduce an invoice's number in a purpose, compiled once: matching does
    /// not change the expression, and Foundation's matching is safe from any thread.
    private static let purposePattern = try! NSRegularExpression(
        pattern: #"(?<![а-яa-z])сч(?:ет[а-я]*)?(?:-оферт[а-я]*)?\.?(?:\s+на\s+оплату)?\s*(?:№|n|no\.?|номер)?\s*([0-9][0-9a-zа-я/\-]*)(?:\s*от\s*(\d{2}\.\d{2}\.\d{4}))?"#)

    /// A number as written: its last run of digits is the sequence, an earlier four-digit run
    /// from 2000 to 2099 the year («2026-15», «2026-00015», «15»).
    static func writtenKey(_ text: String) -> NumberKey? {
        let runs = digitRuns(text)
        guard let last = runs.last, let sequence = Int64(last.prefix(18)) else { return nil }
        let year = runs.dropLast().last { $0.count == 4 }.flatMap { Int($0) }.flatMap { (2000...2099).contains($0) ? $0 : nil }
        return NumberKey(sequence: sequence, year: year)
    }

    /// A numbering format compiled once, to read many invoices' numbers with it.
    struct NumberFormat {
        let format: String
        /// The format as a regular expression with the first `{N…}` captured as `n`; nil for a
        /// format without `{N…}` or with a placeholder it cannot read.
        private let regex: NSRegularExpression?

        init(_ format: String) {
            self.format = format
            self.regex = Self.regex(format)
        }

        /// An invoice's own number read with this format (`{YYYY}-{N:5}`): its `{N}` is the
        /// sequence, its `{YYYY}`/`{YY}` (else the invoice date's year) the year. A number the
        /// format does not describe (made under an earlier format) is read as written.
        func key(ofInvoice number: String, date: String) -> NumberKey? {
            let dateYear = Int(date.prefix(4))
            let range = NSRange(number.startIndex..., in: number)
            guard let regex, let found = regex.firstMatch(in: number, range: range),
                  let sequenceRange = Range(found.range(withName: "n"), in: number), let sequence = Int64(number[sequenceRange].prefix(18)) else {
                return writtenKey(number).map { NumberKey(sequence: $0.sequence, year: $0.year ?? dateYear) }
            }
            return NumberKey(sequence: sequence, year: format.contains("{YY") ? dateYear : nil)
        }

        private static func regex(_ format: String) -> NSRegularExpression? {
            var pattern = "^"
            var rest = Substring(format)
            var named = false
            while let open = rest.firstIndex(of: "{") {
                pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
                guard let close = rest[open...].firstIndex(of: "}") else { rest = rest[open...]; break }
                let token = rest[rest.index(after: open)..<close]
                switch token {
                case "YYYY": pattern += "[0-9]{4}"
                case "YY": pattern += "[0-9]{2}"
                default:
                    guard token.hasPrefix("N") else { return nil }
                    pattern += named ? "[0-9]+" : "(?<n>[0-9]+)"
                    named = true
                }
                rest = rest[rest.index(after: close)...]
            }
            pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
            return named ? try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) : nil
        }
    }

    private static func digitRuns(_ text: String) -> [Substring] {
        // On the bytes: splitting the text into characters finds their boundaries first.
        text.utf8.split { $0 < 0x30 || $0 > 0x39 }.map { Substring($0) }
    }
}
