import JSONKit

/// A JSON-RPC error object: what a handler returns to fail a call, and what the server
/// answers with for messages it cannot accept. The codes below are the spec's reserved ones.
public struct RPCError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String
    public let data: JSON?

    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32700: the message is not JSON.
    public static let parseError = RPCError(code: -32700, message: "Parse error")

    /// -32600: the JSON is not a valid Request object.
    public static let invalidRequest = RPCError(code: -32600, message: "Invalid Request")

    /// -32601, with `data: {"method": …}`.
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "Method not found", data: ["method": .string(method)])
    }

    /// -32602, with `data: {"errors": [{"path": …, "message": …}]}`.
    public static func invalidParams(_ errors: [(path: String, message: String)]) -> RPCError {
        let list = errors.map { JSON.object(["path": .string($0.path), "message": .string($0.message)]) }
        return RPCError(code: -32602, message: "Invalid params", data: ["errors": .array(list)])
    }

    /// -32603: a failure inside the server; says nothing about its cause.
    public static let internalError = RPCError(code: -32603, message: "Internal error")

    /// -32600 for a message longer than `limit` bytes: `data: {"reason": "messageTooLarge", "limit": …}`.
    public static func messageTooLarge(limit: Int) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request", data: ["reason": "messageTooLarge", "limit": .int(limit)])
    }

    /// -32600 for a batch of more than `limit` elements, refused whole before any call runs:
    /// `data: {"reason": "batchTooLong", "maxBatchLength": …, "length": …}`.
    public static func batchTooLong(length: Int, limit: Int) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request",
                 data: ["reason": "batchTooLong", "maxBatchLength": .int(limit), "length": .int(length)])
    }

    /// -32603 in place of a reply that would be longer than `limit` bytes (the call itself
    /// ran): `data: {"reason": "replyTooLarge", "maxReplyBytes": …}`.
    public static func replyTooLarge(limit: Int) -> RPCError {
        RPCError(code: -32603, message: "Internal error", data: ["reason": "replyTooLarge", "maxReplyBytes": .int(limit)])
    }

    /// -32600 with a machine-readable `data: {"reason": …}` saying what is wrong with the envelope.
    public static func invalidRequest(reason: String) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request", data: ["reason": .string(reason)])
    }

    /// -32700 for LSP-style headers that cannot be read: `data: {"reason": "malformedHeader", "detail": …}`.
    public static func malformedHeader(_ detail: String) -> RPCError {
        RPCError(code: -32700, message: "Parse error", data: ["reason": "malformedHeader", "detail": .string(detail)])
    }

    public var json: JSON {
        var object: [String: JSON] = ["code": .int(code), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}
