import JSONKit

/// An error found during a validation run, before its path is rendered. `kind` lets
/// `anyOf`/`oneOf` reporting tell a wrong-type branch from a near miss.
struct PendingError {
    enum Kind {
        case type(expected: TypeSet)
        case mismatch
        case other
    }

    var path: [PathComponent]
    var message: String
    var kind: Kind

    var rendered: SchemaValidationError {
        SchemaValidationError(path: PathComponent.render(path), message: message)
    }

    /// A value quoted for a message: strings in single quotes, anything else as JSON; long text is cut.
    static func describe(_ value: JSON) -> String {
        switch value {
        case .string(let text): "'" + shortened(text) + "'"
        default: shortened(value.text)
        }
    }

    static func shortened(_ text: String, limit: Int = 60) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    static func plural(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
    }
}
