import CRM
import JSONKit
import JSONRPC

/// One call: the connection it came on, the session of that connection, and the method.
struct CallContext {
    let connection: RPCConnection
    let session: Session
    let method: String

    /// Who makes the call's changes: the session's user, because of this method.
    var caller: Caller { session.caller(for: method) }
}

/// One JSON-RPC method: its name and what it does with params already validated against
/// `Schemas/methods/<name>.json#/$defs/params`.
struct Method: Sendable {
    let name: String
    let run: @Sendable (Params, CallContext) throws -> JSON

    init(_ name: String, _ run: @escaping @Sendable (Params, CallContext) throws -> JSON) {
        self.name = name
        self.run = run
    }
}
