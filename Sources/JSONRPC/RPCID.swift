import JSONKit

/// The id of a JSON-RPC request, echoed unchanged in its reply.
///
/// Numbers keep their literal text (`9007199254740993`, `1.5`, `-0`), so a reply carries
/// exactly the bytes the client sent.
public enum RPCID: Sendable, Hashable {
    case string(String)
    case number(JSONNumber)
    case null

    /// The id read from a request's `id` member; nil for a value the spec does not allow
    /// (boolean, array, object).
    public init?(json: JSON) {
        switch json {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .null: self = .null
        case .bool, .array, .object: return nil
        }
    }

    public var json: JSON {
        switch self {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .null: .null
        }
    }
}
