/// One reason an instance does not satisfy a schema.
///
/// `path` is the JSON Pointer of the offending location in the *instance* ("" for the root);
/// for a missing required property or an unknown property it ends with that property's name,
/// so a client can highlight the field. `message` is a sentence for humans.
public struct SchemaValidationError: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
