import JSONKit

extension RPCError {
    /// Which connection limit refused a client.
    public enum ConnectionLimitScope: String, Sendable {
        /// `maxConnections`: the server as a whole.
        case total
        /// `maxConnectionsPerUser`: the connecting user's connections.
        case user
        /// The process could not open one more descriptor (`RLIMIT_NOFILE`) at all.
        case descriptors
    }

    /// -32000 (the spec's range for server errors), sent with `"id": null` to a client past a
    /// connection limit just before it is disconnected:
    /// `data: {"reason": "tooManyConnections", "scope": …, "limit": …}`.
    public static func tooManyConnections(limit: Int, scope: ConnectionLimitScope) -> RPCError {
        RPCError(code: -32000, message: "Too many connections",
                 data: ["reason": "tooManyConnections", "scope": .string(scope.rawValue), "limit": .int(limit)])
    }

    /// -32600 with `"id": null` for a message begun but not completed within the partial
    /// message timeout, just before the connection is closed:
    /// `data: {"reason": "messageTimeout", "timeoutMs": …}`.
    public static func messageTimeout(after timeout: Duration) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request",
                 data: ["reason": "messageTimeout", "timeoutMs": .int(Int(timeout.milliseconds))])
    }
}
