import JSONKit

/// A well-formed call as handed to an `RPCHandler`: the envelope has been checked
/// (`"jsonrpc": "2.0"`, a string method, params absent, an object or an array).
public struct RPCRequest: Sendable {
    /// nil for a notification, which is never answered.
    public let id: RPCID?
    public let method: String
    /// An object (by-name) or an array (positional); nil when absent.
    public let params: JSON?

    public init(id: RPCID?, method: String, params: JSON?) {
        self.id = id
        self.method = method
        self.params = params
    }

    public var isNotification: Bool { id == nil }
}
