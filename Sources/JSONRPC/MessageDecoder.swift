import JSONKit

/// Turns one framed message into the calls it holds, following JSON-RPC 2.0: a single
/// Request object, a non-empty batch of at most `maxBatchLength` of them, or an error to
/// answer with `"id": null`.
enum MessageDecoder {
    enum Message {
        case single(Call)
        case batch([Call])
        /// The message as a whole is rejected (not JSON, an empty or too long batch, not an
        /// object or array).
        case rejected(RPCError)
    }

    /// One element of a message: a valid call, or an invalid Request object that is answered
    /// with an error even when it has no id.
    enum Call {
        case request(RPCRequest)
        case invalid(id: RPCID, error: RPCError)
    }

    static let maxDepth = 256
    /// The most elements a batch may have; a longer one is refused whole.
    static let maxBatchLength = 1000

    /// A batch is first checked and counted without building its values, so a message of
    /// millions of tiny elements is refused at the cost of one pass over its bytes (and one
    /// that is not JSON is still a parse error, however long).
    static func decode(_ bytes: [UInt8]) -> Message {
        let json: JSON
        do {
            let opensArray = bytes.first { !MessageFramer.isWhitespace($0) } == UInt8(ascii: "[")
            if opensArray, let length = try JSON.topLevelArrayLength(of: bytes, maxDepth: maxDepth),
               length > maxBatchLength {
                return .rejected(.batchTooLong(length: length, limit: maxBatchLength))
            }
            json = try JSON.parse(bytes, maxDepth: maxDepth)
        } catch {
            return .rejected(.parseError)
        }
        switch json {
        case .object(let object):
            return .single(call(from: object))
        case .array(let elements):
            guard !elements.isEmpty else { return .rejected(.invalidRequest(reason: "emptyBatch")) }
            return .batch(elements.map { element in
                guard case .object(let object) = element else {
                    return .invalid(id: .null, error: .invalidRequest(reason: "notAnObject"))
                }
                return call(from: object)
            })
        case .null, .bool, .number, .string:
            return .rejected(.invalidRequest(reason: "notAnObject"))
        }
    }

    static func call(from object: [String: JSON]) -> Call {
        var id: RPCID?
        if let rawID = object["id"] {
            guard let parsed = RPCID(json: rawID) else {
                return .invalid(id: .null, error: .invalidRequest(reason: "invalidId"))
            }
            id = parsed
        }
        guard case .string("2.0")? = object["jsonrpc"] else {
            return .invalid(id: id ?? .null, error: .invalidRequest(reason: "invalidVersion"))
        }
        guard case .string(let method)? = object["method"] else {
            return .invalid(id: id ?? .null, error: .invalidRequest(reason: "invalidMethod"))
        }
        let params = object["params"]
        switch params {
        case nil, .object?, .array?:
            return .request(RPCRequest(id: id, method: method, params: params))
        default:
            return .invalid(id: id ?? .null, error: .invalidRequest(reason: "invalidParams"))
        }
    }
}
