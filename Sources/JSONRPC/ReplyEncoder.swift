import JSONKit

/// Writes reply objects straight to bytes: `{"jsonrpc":"2.0","id":…,"result":…}` or
/// `{"jsonrpc":"2.0","id":…,"error":{…}}`.
enum ReplyEncoder {
    private static let head: [UInt8] = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    private static let resultKey: [UInt8] = Array(#","result":"#.utf8)
    private static let errorKey: [UInt8] = Array(#","error":"#.utf8)
    private static let notificationHead: [UInt8] = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    private static let paramsKey: [UInt8] = Array(#","params":"#.utf8)

    static func reply(id: RPCID, result: Result<EncodedJSON, RPCError>, into out: inout [UInt8]) {
        out.append(contentsOf: head)
        id.json.write(to: &out)
        switch result {
        case .success(let value):
            out.append(contentsOf: resultKey)
            out.append(contentsOf: value.bytes)
        case .failure(let error):
            out.append(contentsOf: errorKey)
            error.json.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func notification(method: String, params: JSON) -> [UInt8] {
        var out: [UInt8] = []
        params.write(to: &out)
        return notification(method: method, encodedParams: out)
    }

    /// A notification whose params are JSON text already written (one JSON value).
    static func notification(method: String, encodedParams: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedParams.count + 64)
        out.append(contentsOf: notificationHead)
        JSON.string(method).write(to: &out)
        out.append(contentsOf: paramsKey)
        out.append(contentsOf: encodedParams)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
