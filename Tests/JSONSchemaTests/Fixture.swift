import JSONKit
import JSONSchema

/// Builds registries and runs validations from JSON text; a root schema without `$id` gets
/// `https://test.example/schema.json`.
enum Fixture {
    static let defaultID = "https://test.example/schema.json"

    static func json(_ text: String) throws -> JSON { try JSON.parse(text) }

    static func registry(_ documents: String...) throws -> SchemaRegistry {
        try SchemaRegistry(documents: documents.map(document))
    }

    static func document(_ text: String) throws -> JSON {
        var value = try JSON.parse(text)
        if case .object(var object) = value, object["$id"] == nil {
            object["$id"] = .string(defaultID)
            value = .object(object)
        }
        return value
    }

    static func errors(_ schema: String, _ instance: String) throws -> [SchemaValidationError] {
        try registry(schema).validate(try JSON.parse(instance), against: defaultID)
    }

    static func isValid(_ schema: String, _ instance: String) throws -> Bool {
        try errors(schema, instance).isEmpty
    }

    static func loadError(_ documents: String...) -> SchemaLoadError? {
        do {
            _ = try SchemaRegistry(documents: documents.map(document))
            return nil
        } catch {
            return error as? SchemaLoadError
        }
    }
}
