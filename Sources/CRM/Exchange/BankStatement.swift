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

    /// The keys the reader acts on: the file's markers and the fields of a document it keeps.
    /// A line with any other key is skipped without its text being decoded.
    enum Key: CaseIterable {
        case start, endOfFile, documentSection, endOfDocument, accountSection, endOfAccountSection, account, version
        case amount, date, number, payerAccount, payerINN, payer1, payer, recipientAccount, recipientINN, purpose, receivedOn, writtenOffOn

        var name: String {
            switch self {
            case .start: "1CClientBankExchange"
            case .endOfFile: "КонецФайла"
            case .documentSection: "СекцияДокумент"
            case .endOfDocument: "КонецДокумента"
            case .accountSection: "СекцияРасчСчет"
            case .endOfAccountSection: "КонецРасчСчет"
            case .account: "РасчСчет"
            case .version: "ВерсияФормата"
            case .amount: "Сумма"
            case .date: "Дата"
            case .number: "Номер"
            case .payerAccount: "ПлательщикСчет"
            case .payerINN: "ПлательщикИНН"
            case .payer1: "Плательщик1"
            case .payer: "Плательщик"
            case .recipientAccount: "ПолучательСчет"
            case .recipientINN: "ПолучательИНН"
            case .purpose: "НазначениеПлатежа"
            case .receivedOn: "ДатаПоступило"
            case .writtenOffOn: "ДатаСписано"
            }
        }

        static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
    }

    /// One line of the file: its key when the reader acts on it (nil for any other, and for an
    /// empty line), whether it has a `=`, and for a known key the text after its first `=`;
    /// keys and values are trimmed of spaces.
    struct Line {
        let key: Key?
        let hasValue: Bool
        let value: String?
        let isEmpty: Bool
    }

    /// How one encoding's lines are read: the known keys in its bytes, and the byte sequences
    /// of the spaces beyond ASCII that `trimmed` takes off (a key that may start or end with one
    /// is decoded and trimmed as text instead of being matched on its bytes).
    private struct Reader: Sendable {
        let decode: @Sendable (ArraySlice<UInt8>) -> String
        let keys: [(bytes: [UInt8], key: Key)]
        let spaces: [[UInt8]]
        /// Whether a byte starts, or ends, one of `spaces`: most keys are told apart by these alone.
        let startsSpace: [Bool]
        let endsSpace: [Bool]

        init(_ encode: (String) -> [UInt8], decode: @escaping @Sendable (ArraySlice<UInt8>) -> String) {
            self.decode = decode
            keys = Key.allCases.map { (encode($0.name), $0) }
            // Every space separator beyond ASCII (the no-break space, the en and em spaces, …)
            // that the encoding can hold.
            spaces = (UInt32(0x80)...0x3000).compactMap(Unicode.Scalar.init).filter { $0.properties.generalCategory == .spaceSeparator }
                .map { encode(String($0)) }.filter { !$0.isEmpty && $0 != [UInt8(ascii: "?")] }
            var starts = [Bool](repeating: false, count: 256), ends = starts
            for space in spaces {
                starts[Int(space[0])] = true
                ends[Int(space[space.count - 1])] = true
            }
            (startsSpace, endsSpace) = (starts, ends)
        }

        /// Whether the key's bytes may start or end with a space beyond ASCII.
        private func mayHaveSpaceAround(_ key: ArraySlice<UInt8>) -> Bool {
            guard let first = key.first, let last = key.last, startsSpace[Int(first)] || endsSpace[Int(last)] else { return false }
            return spaces.contains { space in
                key.count >= space.count && (key.prefix(space.count).elementsEqual(space) || key.suffix(space.count).elementsEqual(space))
            }
        }

        func line(_ bytes: ArraySlice<UInt8>) -> Line {
            let equals = bytes.firstIndex(of: UInt8(ascii: "="))
            let key = BankStatement.trimmingASCIISpaces(bytes[..<(equals ?? bytes.endIndex)])
            let known: Key?
            let isEmpty: Bool
            if mayHaveSpaceAround(key) {
                let text = trimmed(decode(key))
                (known, isEmpty) = (Key.byName[text], text.isEmpty)
            } else {
                known = keys.first { $0.bytes.count == key.count && $0.bytes.elementsEqual(key) }?.key
                isEmpty = key.isEmpty
            }
            guard let equals else { return Line(key: known, hasValue: false, value: nil, isEmpty: isEmpty) }
            return Line(key: known, hasValue: true, value: known == nil ? nil : trimmed(decode(bytes[(equals + 1)...])), isEmpty: false)
        }
    }

    private static let utf8Reader = Reader({ Array($0.utf8) }, decode: { String(decoding: $0, as: UTF8.self) })
    private static let windows1251Reader = Reader({ LegacyEncoding.windows1251.encode($0, replacingWith: UInt8(ascii: "?")) },
                                                  decode: { LegacyEncoding.windows1251.decode($0) })
    private static let cp866Reader = Reader({ LegacyEncoding.cp866.encode($0, replacingWith: UInt8(ascii: "?")) },
                                            decode: { LegacyEncoding.cp866.decode($0) })

    /// The file's lines, read, and the encoding they were in. Lines are split on the bytes (LF,
    /// a CR before it dropped), and each at its first `=`: line ends and `=` are ASCII in every
    /// encoding a statement comes in, and a UTF-8 sequence holds no ASCII byte. Keys are matched
    /// on their bytes, and only the values of known keys are decoded.
    static func decode(_ bytes: [UInt8]) throws(Problem) -> ([Line], Encoding) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if bytes.starts(with: bom) {
            let body = bytes.dropFirst(3)
            guard String(validating: body, as: UTF8.self) != nil else {
                throw Problem(reason: "encoding", line: 1, message: "the file starts with a UTF-8 byte order mark but is not UTF-8")
            }
            return (lineRanges(body).map { utf8Reader.line(body[$0]) }, .utf8)
        }
        let ranges = lineRanges(bytes[...])
        let encoding: Encoding = ranges.contains { isDOSMark(bytes[$0]) } ? .cp866 : .windows1251
        let reader = encoding == .cp866 ? cp866Reader : windows1251Reader
        return (ranges.map { reader.line(bytes[$0]) }, encoding)
    }

    /// `Кодировка=DOS` in CP866 bytes, as the line that says so holds it.
    private static let dosMark = LegacyEncoding.cp866.encode("Кодировка=DOS")!

    private static func isDOSMark(_ line: ArraySlice<UInt8>) -> Bool {
        trimmingASCIISpaces(line).elementsEqual(dosMark)
    }

    /// The bytes without the spaces, tabs and stray CRs around them (ASCII in every encoding).
    private static func trimmingASCIISpaces(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[start...end]
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
        guard index < lines.count, !lines[index].hasValue, lines[index].key == .start else {
            throw Problem(reason: "notBankExchange", line: min(index, max(lines.count - 1, 0)) + 1,
                          message: "a 1CClientBankExchange file starts with the line 1CClientBankExchange")
        }
        index += 1
        var open: (line: Int, kind: String, fields: [Key: (value: String, line: Int)])?
        var inBalance = false
        while index < lines.count {
            let number = index + 1
            let line = lines[index]
            index += 1
            guard let key = line.key else { continue }
            // Taken out while it changes, so that its fields are not copied for each one added.
            if var document = open.take() {
                if !line.hasValue, key == .endOfDocument {
                    statement.documents.append(try self.document(kind: document.kind, line: document.line, fields: document.fields))
                    continue
                }
                if key == .endOfFile || key == .documentSection {
                    throw Problem(reason: "unclosedDocument", line: document.line, message: "the document that starts here has no КонецДокумента")
                }
                if let value = line.value { document.fields[key] = (value, number) }
                open = document
                continue
            }
            if inBalance {
                if !line.hasValue, key == .endOfAccountSection { inBalance = false }
                continue
            }
            switch key {
            case .endOfFile:
                return statement
            case .documentSection:
                open = (number, line.value ?? "", Dictionary(minimumCapacity: 16))
            case .accountSection:
                inBalance = true
            case .account:
                if let value = line.value, !value.isEmpty { statement.accounts.append(value) }
            case .version:
                statement.version = line.value
            default:
                break
            }
        }
        if let open {
            throw Problem(reason: "unclosedDocument", line: open.line, message: "the document that starts here has no КонецДокумента")
        }
        throw Problem(reason: "noEndOfFile", line: lines.count, message: "the file ends without КонецФайла: it may be cut short")
    }

    private static func document(kind: String, line: Int, fields: [Key: (value: String, line: Int)]) throws(Problem) -> Document {
        func required(_ key: Key) throws(Problem) -> (value: String, line: Int) {
            guard let field = fields[key], !field.value.isEmpty else {
                throw Problem(reason: "missingField", line: line, message: "the document that starts here has no \(key.name)")
            }
            return field
        }
        func date(_ key: Key) throws(Problem) -> String? {
            guard let field = fields[key], !field.value.isEmpty else { return nil }
            guard let parsed = RussianDate.parseNumeric(field.value) else {
                throw Problem(reason: "date", line: field.line, message: "\(key.name) '\(field.value)' is not a date dd.mm.yyyy")
            }
            return isoDate(parsed)
        }
        func text(_ key: Key) -> String? {
            guard let value = fields[key]?.value, !value.isEmpty else { return nil }
            return value
        }
        let amount = try required(.amount)
        guard let money = Money.parse(amount.value), money.minor > 0 else {
            throw Problem(reason: "amount", line: amount.line, message: "Сумма '\(amount.value)' is not a positive amount like 12354.00")
        }
        _ = try required(.date)
        guard let documentDate = try date(.date) else { throw Problem(reason: "missingField", line: line, message: "no Дата") }
        return Document(kind: kind, number: try required(.number).value, date: documentDate, amount: money.minor,
                        payerAccount: text(.payerAccount) ?? "", payerINN: text(.payerINN),
                        payerName: text(.payer1) ?? text(.payer),
                        recipientAccount: text(.recipientAccount) ?? "", recipientINN: text(.recipientINN),
                        purpose: text(.purpose) ?? "", receivedOn: try date(.receivedOn),
                        writtenOffOn: try date(.writtenOffOn), line: line)
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
