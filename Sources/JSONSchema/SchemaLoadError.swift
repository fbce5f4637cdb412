/// Why a set of schema documents could not be compiled, or a schema URI could not be found.
///
/// `invalidSchema` names the schema location (absolute URI with a JSON Pointer fragment) that
/// breaks the draft 2020-12 rules; `duplicateID` names an `$id` (or `$id#anchor`) defined twice;
/// `unresolvedReference` names the absolute URI that no loaded document provides.
public enum SchemaLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSchema(uri: String, reason: String)
    case duplicateID(String)
    case unresolvedReference(String)

    public var description: String {
        switch self {
        case .invalidSchema(let uri, let reason): "invalid schema at \(uri): \(reason)"
        case .duplicateID(let id): "duplicate schema identifier \(id)"
        case .unresolvedReference(let uri): "unresolved schema reference \(uri)"
        }
    }
}
