import JSONKit
import Storage

/// A record as stored: built-in columns by field name and custom values by code. Changes are
/// applied to a state, checked against its stage, then written in one statement.
struct RecordState {
    var columns: [String: SQLValue]
    var custom: [String: JSON]
    /// JSON columns as parsed when the state was read, reused for output while a column still
    /// holds the text they were parsed from.
    private var decoded: [String: (text: String, json: JSON)] = [:]

    init(columns: [String: SQLValue] = [:], custom: [String: JSON] = [:]) {
        self.columns = columns
        self.custom = custom
    }

    /// Reads the state from a row selected with the descriptor's `columnList`, column by name.
    /// Throws `StoredDataError` when a column holds what its field cannot (another storage
    /// class, JSON that does not parse, an unknown option) or `custom` is not a JSON object.
    init(row: Row, descriptor: EntityDescriptor) throws {
        var columns: [String: SQLValue] = [:]
        columns.reserveCapacity(descriptor.storedFields.count)
        var decoded: [String: (text: String, json: JSON)] = [:]
        let custom = try StoredData.read(descriptor.table, row["id"].int64.map(String.init) ?? "?") { () throws -> [String: JSON] in
            for field in descriptor.storedFields {
                let column = field.column ?? field.name
                let value = try row.value(column)
                if let json = try Self.decode(value, field, column: column), case .text(let text) = value {
                    decoded[field.name] = (text, json)
                }
                columns[field.name] = value
            }
            return try StoredData.object(try row.text("custom"), "custom")
        }
        self.columns = columns
        self.custom = custom
        self.decoded = decoded
    }

    /// Checks a stored column against its field's kind; the parsed value of a JSON column.
    static func decode(_ value: SQLValue, _ field: FieldDefinition, column: String) throws -> JSON? {
        switch (field.kind, value) {
        case (_, .null):
            return nil
        case (.id, .integer), (.integer, .integer), (.user, .integer), (.pipeline, .integer), (.link, .integer),
             (.boolean, .integer(0)), (.boolean, .integer(1)):
            return nil
        case (.string, .text), (.text, .text), (.url, .text), (.address, .text), (.date, .text), (.datetime, .text),
             (.money, .text), (.decimal, .text), (.stage, .text):
            return nil
        case (.enumeration, .text(let text)):
            guard field.options.contains(text) else {
                throw StoredData.Problem("\(column): '\(text)' is not one of \(field.options.joined(separator: ", "))")
            }
            return nil
        case (.semantic, .text(let text)):
            _ = try StoredData.enumCase(text, column, as: StageSemantic.self)
            return nil
        case (.phones, .text(let text)), (.emails, .text(let text)):
            let json = try StoredData.json(text, column)
            guard case .array = json else { throw StoredData.Problem("\(column): not a JSON array") }
            return json
        case (.requisites, .text(let text)), (.unit, .text(let text)):
            return .object(try StoredData.object(text, column))
        case (.json, .text(let text)):
            return try StoredData.json(text, column)
        default:
            throw StoredData.Problem("\(column): \(value.storageClass) value for a field of kind \(field.kind.rawValue)")
        }
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
            object[field.name] = output(field)
        }
        object["custom"] = .object(custom)
        return .object(object)
    }

    /// The API value of one field, built-in or `custom.code`.
    func value(_ name: String, _ descriptor: EntityDescriptor) -> JSON {
        if name.hasPrefix("custom.") { return custom[String(name.dropFirst("custom.".count))] ?? .null }
        guard let field = descriptor.field(name) else { return .null }
        return output(field)
    }

    private func output(_ field: FieldDefinition) -> JSON {
        let value = columns[field.name] ?? .null
        if let cached = decoded[field.name], case .text(let text) = value, text == cached.text { return cached.json }
        return FieldValueCodec.output(value, for: field)
    }
}
