import Foundation
import RussianFormats

/// A bank statement in the 1CClientBankExchange format (`kl_to_1c.txt`): the lines
/// `Key=Value` between `1CClientBankExchange` and `КонецФайла`, with one
/// `СекцияДокумент=… КонецДокумента` section per payment. Parsing is pure: bytes in, a
/// statement or a `BankStatement.Problem` (with the line it is on) out.
///
/// The encoding is found from the bytes: a UTF-8 byte order mark means UTF-8; otherwise the file
/// is Windows-1251 unless it says `Кодировка=DOS` (in CP866 bytes), which means CP866. Lines end
/// in CRLF or LF.
package struct BankStatement: Sendable, Equatable {
    /// How the file's bytes were read.
    package enum Encoding: String, Sendable {
        case utf8, windows1251, cp866
    }

    /// One payment document (`СекцияДокумент`).
    package struct Document: Sendable, Equatable {
        /// The section's kind, as `СекцияДокумент=` names it (`Платежное поручение`).
        package var kind: String
        /// `Номер`.
        package var number: String
        /// `Дата`, as `YYYY-MM-DD`.
        package var date: String
        /// `Сумма` in kopecks.
        package var amount: Int64
        /// `ПлательщикСчет`, `ПлательщикИНН`, `Плательщик1` (else `Плательщик`).
        package var payerAccount: String
        package var payerINN: String?
        package var payerName: String?
        /// `ПолучательСчет`, `ПолучательИНН`.
        package var recipientAccount: String
        package var recipientINN: String?
        /// `НазначениеПлатежа`.
        package var purpose: String
        /// `ДатаПоступило` (as `YYYY-MM-DD`): when it reached the recipient's account.
        package var receivedOn: String?
        /// `ДатаСписано` (as `YYYY-MM-DD`): when it left the payer's account.
        package var writtenOffOn: String?
        /// The line of its `СекцияДокумент`.
        package var line: Int
    }

    /// Why the bytes are not a statement that can be read; `line` is 1-based.
    package struct Problem: Error, Sendable, Equatable {
        /// `notBankExchange`, `noEndOfFile`, `unclosedDocument`, `amount`, `date`, `missingField`, `encoding`.
        package let reason: String
        package let line: Int
        package let message: String
    }

    package var encoding: Encoding
    /// `ВерсияФормата`, if given.
    package var version: String?
    /// The accounts the statement is for (`РасчСчет` of the header, one line each).
    package var accounts: [String]
    package var documents: [Document]

    /// Reads a statement from the file's bytes.
    package static func parse(_ bytes: [UInt8]) throws(Problem) -> BankStatement {
        let (lines, encoding) = try decode(bytes)
        return try parse(lines: lines, encoding: encoding)
    }

    /// One line of the file: the text before its first `=` and the text after it (nil for a
    /// line without one), each trimmed of spaces.
    struct Line {
        let key: String
        let value: String?

        var isEmpty: Bool { key.isEmpty && value == nil }
    }

    /// The file's lines, decoded, and the encoding they were in. Lines are split on the bytes
    /// (LF, a CR before it dropped), and each at its first `=`: line ends and `=` are ASCII in
    /// every encoding a statement comes in, and a UTF-8 sequence holds no ASCII byte, so no
    /// text is decoded twice or as a whole file.
    static func decode(_ bytes: [UInt8]) throws(Problem) -> ([Line], Encoding) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if bytes.starts(with: bom) {
            let body = bytes.dropFirst(3)
            guard String(validating: body, as: UTF8.self) != nil else {
                throw Problem(reason: "encoding", line: 1, message: "the file starts with a UTF-8 byte order mark but is not UTF-8")
            }
            return (lineRanges(body).map { line(body[$0]) { String(decoding: $0, as: UTF8.self) } }, .utf8)
        }
        let ranges = lineRanges(bytes[...])
        let encoding: Encoding = ranges.contains { isDOSMark(bytes[$0]) } ? .cp866 : .windows1251
        let table: LegacyEncoding = encoding == .cp866 ? .cp866 : .windows1251
        return (ranges.map { line(bytes[$0], decoding: table.decode) }, encoding)
    }

    private static func line(_ bytes: ArraySlice<UInt8>, decoding decode: (ArraySlice<UInt8>) -> String) -> Line {
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return Line(key: trimmed(decode(bytes)), value: nil) }
        return Line(key: trimmed(decode(bytes[..<equals])), value: trimmed(decode(bytes[(equals + 1)...])))
    }

    /// `Кодировка=DOS` in CP866 bytes, as the line that says so holds it.
    private static let dosMark = LegacyEncoding.cp866.encode("Кодировка=DOS")!

    private static func isDOSMark(_ line: ArraySlice<UInt8>) -> Bool {
        var line = line
        while let first = line.first, first == 0x20 || first == 0x09 { line.removeFirst() }
        while let last = line.last, last == 0x20 || last == 0x09 { line.removeLast() }
        return line.elementsEqual(dosMark)
    }

    /// Each line's bytes without its LF and the CR before it.
    private static func lineRanges(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == 0x0A {
            ranges.append(start..<(index > start && bytes[index - 1] == 0x0D ? index - 1 : index))
            start = index + 1
        }
        ranges.append(start..<(bytes.endIndex > start && bytes[bytes.endIndex - 1] == 0x0D ? bytes.endIndex - 1 : bytes.endIndex))
        return ranges
    }

    /// The text without the spaces (tabs, Unicode space separators — the no-break space among
    /// them — and a stray CR, as in a line ended CR CR LF) around it.
    static func trimmed(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\r" || (scalar.value >= 0x80 && scalar.properties.generalCategory == .spaceSeparator)
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }), let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }

    private static func parse(lines: [Line], encoding: Encoding) throws(Problem) -> BankStatement {
        var statement = BankStatement(encoding: encoding, version: nil, accounts: [], documents: [])
        var index = 0
        while index < lines.count, lines[index].isEmpty { index += 1 }
        guard index < lines.count, lines[index].value == nil, lines[index].key == "1CClientBankExchange" else {
            throw Problem(reason: "notBankExchange", line: min(index, max(lines.count - 1, 0)) + 1,
                          message: "a 1CClientBankExchange file starts with the line 1CClientBankExchange")
        }
        index += 1
        var open: (line: Int, kind: String, fields: [String: (value: String, line: Int)])?
        var inBalance = false
        while index < lines.count {
            let number = index + 1
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            let (key, value) = (line.key, line.value)
            // Taken out while it changes, so that its fields are not copied for each one added.
            if var document = open.take() {
                if value == nil, key == "КонецДокумента" {
                    statement.documents.append(try self.document(kind: document.kind, line: document.line, fields: document.fields))
                    continue
                }
                if key == "КонецФайла" || key == "СекцияДокумент" {
                    throw Problem(reason: "unclosedDocument", line: document.line, message: "the document that starts here has no КонецДокумента")
                }
                if let value { document.fields[key] = (value, number) }
                open = document
                continue
            }
            if inBalance {
                if value == nil, key == "КонецРасчСчет" { inBalance = false }
                continue
            }
            switch key {
            case "КонецФайла":
                return statement
            case "СекцияДокумент":
                open = (number, value ?? "", Dictionary(minimumCapacity: 32))
            case "СекцияРасчСчет":
                inBalance = true
            case "РасчСчет":
                if let value, !value.isEmpty { statement.accounts.append(value) }
            case "ВерсияФормата":
                statement.version = value
            default:
                break
            }
        }
        if let open {
            throw Problem(reason: "unclosedDocument", line: open.line, message: "the document that starts here has no КонецДокумента")
        }
        throw Problem(reason: "noEndOfFile", line: lines.count, message: "the file ends without КонецФайла: it may be cut short")
    }

    private static func document(kind: String, line: Int, fields: [String: (value: String, line: Int)]) throws(Problem) -> Document {
        func required(_ key: String) throws(Problem) -> (value: String, line: Int) {
            guard let field = fields[key], !field.value.isEmpty else {
                throw Problem(reason: "missingField", line: line, message: "the document that starts here has no \(key)")
            }
            return field
        }
        func date(_ key: String) throws(Problem) -> String? {
            guard let field = fields[key], !field.value.isEmpty else { return nil }
            guard let parsed = RussianDate.parseNumeric(field.value) else {
                throw Problem(reason: "date", line: field.line, message: "\(key) '\(field.value)' is not a date dd.mm.yyyy")
            }
            return isoDate(parsed)
        }
        func text(_ key: String) -> String? {
            guard let value = fields[key]?.value, !value.isEmpty else { return nil }
            return value
        }
        let amount = try required("Сумма")
        guard let money = Money.parse(amount.value), money.minor > 0 else {
            throw Problem(reason: "amount", line: amount.line, message: "Сумма '\(amount.value)' is not a positive amount like 12354.00")
        }
        _ = try required("Дата")
        guard let documentDate = try date("Дата") else { throw Problem(reason: "missingField", line: line, message: "no Дата") }
        return Document(kind: kind, number: try required("Номер").value, date: documentDate, amount: money.minor,
                        payerAccount: text("ПлательщикСчет") ?? "", payerINN: text("ПлательщикИНН"),
                        payerName: text("Плательщик1") ?? text("Плательщик"),
                        recipientAccount: text("ПолучательСчет") ?? "", recipientINN: text("ПолучательИНН"),
                        purpose: text("НазначениеПлатежа") ?? "", receivedOn: try date("ДатаПоступило"),
                        writtenOffOn: try date("ДатаСписано"), line: line)
    }

    /// `YYYY-MM-DD` of a parsed date.
    static func isoDate(_ date: (year: Int, month: Int, day: Int)) -> String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))"
    }
}
