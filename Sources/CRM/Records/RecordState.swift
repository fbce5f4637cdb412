import JSONKit
import Storage

/// A record as stored: built-in columns by field name and custom values by code. Changes are
/// applied to a state, checked against its stage, then written in one statement.
struct RecordState {
    var columns: [String: SQLValue]
    var custom: [String: JSON]

    init(columns: [String: SQLValue] = [:], custom: [String: JSON] = [:]) {
        self.columns = columns
        self.custom = custom
    }

    /// Reads the state from a row selected with the descriptor's `columnList`.
    init(row: Row, descriptor: EntityDescriptor) {
        columns = [:]
        for (index, field) in descriptor.storedFields.enumerated() { columns[field.name] = row[index] }
        custom = JSONText.parse(row[descriptor.storedFields.count].string)?.objectValue ?? [:]
    }

    /// Whether the record has no value for `field` (absent, empty text, empty list).
    func isEmpty(_ field: String) -> Bool {
        if field.hasPrefix("custom.") {
            let value = custom[String(field.dropFirst("custom.".count))]
            return value == nil || value == .null || value == .string("") || value == .array([])
        }
        switch columns[field] ?? .null {
        case .null: return true
        case .text(let text): return text.isEmpty || text == "[]" || text == "{}"
        default: return false
        }
    }

    /// The API form of the whole record (every built-in field, plus `custom`).
    func json(_ descriptor: EntityDescriptor) -> JSON {
        var object: [String: JSON] = [:]
        object.reserveCapacity(descriptor.storedFields.count + 1)
        for field in descriptor.storedFields {
            object[field.name] = FieldValueCodec.output(columns[field.name] ?? .null, for: field)
        }
        object["custom"] = .object(custom)
        return .object(object)
    }

    /// The API value of one field, built-in or `custom.code`.
    func value(_ name: String, _ descriptor: EntityDescriptor) -> JSON {
        if name.hasPrefix("custom.") { return custom[String(name.dropFirst("custom.".count))] ?? .null }
        guard let field = descriptor.field(name) else { return .null }
        return FieldValueCodec.output(columns[name] ?? .null, for: field)
    }
}
