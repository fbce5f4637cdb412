import JSONKit
import JSONSchema
import Synchronization

/// The compiled schemas of one method's params and result, compiled on the method's first call
/// (start-up compiles nothing). Thread rule: each is made at most once, under this method's
/// own mutex, so a first call of one method never waits for another's compilation; calls
/// after it take the uncontended lock only to read the kept validator.
final class MethodSchema: Sendable {
    let uri: String
    private let registry: SchemaRegistry
    private let params = Mutex<SchemaValidator?>(nil)
    private let result = Mutex<SchemaValidator?>(nil)

    init(method: String, registry: SchemaRegistry) {
        uri = "https://schemas.crmd.dev/methods/\(method).json"
        self.registry = registry
    }

    /// The problems of a call's params; empty when they are valid.
    func paramsProblems(_ value: JSON) throws -> [SchemaValidationError] {
        try validator(params, fragment: "#/$defs/params").validate(value)
    }

    /// The problems of a method's result (checked when tests ask for it).
    func resultProblems(_ value: JSON) throws -> [SchemaValidationError] {
        try validator(result, fragment: "#/$defs/result").validate(value)
    }

    private func validator(_ slot: borrowing Mutex<SchemaValidator?>, fragment: String) throws -> SchemaValidator {
        try slot.withLock { kept in
            if let kept { return kept }
            let made = try registry.validator(at: uri + fragment)
            kept = made
            return made
        }
    }
}
