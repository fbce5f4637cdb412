import JSONKit
import Storage

/// Writes a record's API form straight from its row in SQLite's memory: the bytes
/// `RecordState.json` gives when written by JSONKit (keys in order, values as
/// `FieldValueCodec.output` makes them), without strings, dictionaries or a JSON tree in
/// between, so a point read's reply costs one pass over the row's columns.
///
/// The keys are sorted once, when the entity is described. Each value is taken only when it
/// is what its field keeps (an integer, well-formed UTF-8 text, one of the options, JSON text
/// already in the writer's form); anything else makes `write` give up, and the caller reads
/// the record through `RecordState`, which writes the same bytes or reports the damage.
struct RecordEncoder: Sendable {
    /// How a column's value is taken.
    private enum Mode: Sendable {
        case integer, boolean, text
        /// Text that must be one of these (an enumeration's options, a stage's semantics).
        case option([[UInt8]])
        /// JSON text of this kind; what NULL is written as (`[]` for phones and e-mails).
        case json(CanonicalJSON.Kind?, null: [UInt8])
        /// The `custom` column: a JSON object, never NULL.
        case custom
    }

    private struct Slot: Sendable {
        /// `"name":`, preceded by `{` for the first key and a comma for the others.
        let key: [UInt8]
        /// Position in the row selected with the descriptor's `columnList`.
        let position: Int
        let mode: Mode
    }

    private let slots: [Slot]
    /// `SELECT <columnList> FROM <table> WHERE id = ?`.
    let selectByID: String

    init(table: String, storedFields: [FieldDefinition], columnList: String) {
        selectByID = "SELECT \(columnList) FROM \(table) WHERE id = ?"
        var named: [(name: String, position: Int, mode: Mode)] = storedFields.enumerated().map { ($1.name, $0, Self.mode(of: $1)) }
        named.append(("custom", storedFields.count, .custom))
        // JSONKit orders keys by `String <`, which for the ASCII names of fields is byte order.
        named.sort { $0.name < $1.name }
        slots = named.enumerated().map { index, entry in
            var key = [UInt8(ascii: index == 0 ? "{" : ",")]
            JSON.writeString(entry.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return Slot(key: key, position: entry.position, mode: entry.mode)
        }
    }

    private static func mode(of field: FieldDefinition) -> Mode {
        switch field.kind {
        case .id, .integer, .user, .pipeline, .link: .integer
        case .boolean: .boolean
        case .string, .text, .url, .address, .date, .datetime, .money, .decimal, .stage: .text
        case .enumeration: .option(field.options.map { Array($0.utf8) })
        case .semantic: .option([StageSemantic.process, .success, .failure].map { Array($0.rawValue.utf8) })
        case .phones, .emails: .json(.array, null: Array("[]".utf8))
        case .requisites, .unit: .json(.object, null: Array("null".utf8))
        case .json: .json(nil, null: Array("null".utf8))
        }
    }

    /// Appends the record in `row` as a JSON object and returns true; false, with `out` as it
    /// was, when a value is not one this path vouches for.
    func write(_ row: RawRow, into out: inout [UInt8]) -> Bool {
        let start = out.count
        for slot in slots {
            out.append(contentsOf: slot.key)
            guard Self.write(row, slot, into: &out) else {
                out.removeSubrange(start...)
                return false
            }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }

    private static let null = Array("null".utf8), `true` = Array("true".utf8), `false` = Array("false".utf8)

    private static func write(_ row: RawRow, _ slot: Slot, into out: inout [UInt8]) -> Bool {
        let storage = row.storageClass(slot.position)
        if storage == .null {
            switch slot.mode {
            case .json(_, let null): out.append(contentsOf: null)
            case .custom: return false
            default: out.append(contentsOf: Self.null)
            }
            return true
        }
        switch (slot.mode, storage) {
        case (.integer, .integer):
            out.append(contentsOf: String(row.int64(slot.position)).utf8)
        case (.boolean, .integer):
            switch row.int64(slot.position) {
            case 0: out.append(contentsOf: Self.false)
            case 1: out.append(contentsOf: Self.true)
            default: return false
            }
        case (.text, .text):
            let text = row.textBytes(slot.position)
            guard UTF8Validation.isValid(text) else { return false }
            JSON.writeString(validUTF8: text, to: &out)
        case (.option(let options), .text):
            let text = row.textBytes(slot.position)
            guard options.contains(where: { $0.elementsEqual(text) }) else { return false }
            JSON.writeString(validUTF8: text, to: &out)
        case (.json(let expected, _), .text):
            let text = row.textBytes(slot.position)
            guard let kind = CanonicalJSON.kind(of: text), expected == nil || kind == expected else { return false }
            out.append(contentsOf: text)
        case (.custom, .text):
            let text = row.textBytes(slot.position)
            guard CanonicalJSON.kind(of: text) == .object else { return false }
            out.append(contentsOf: text)
        default:
            return false
        }
        return true
    }
}
