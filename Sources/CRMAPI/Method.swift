import CRM
import JSONKit
import JSONRPC

/// One call: the connection it came on, the session of that connection, who the session is
/// as checked for this call, and the method.
struct CallContext {
    let connection: RPCConnection
    let session: Session
    let identity: Identity
    let method: String

    /// What the call may do and reach: reads filter by it.
    var access: Access { identity.access }

    /// Who makes the call's changes: the session's user, because of this method, limited by
    /// their access (the change funnel checks every change against it).
    var caller: Caller { .session(identity.access, method: method) }
}

/// One JSON-RPC method: its name and what it does with params already validated against
/// `Schemas/methods/<name>.json#/$defs/params`.
///
/// A method whose result can be written straight to text (a record read) also has `encode`,
/// which the server uses for replies; it must give exactly the bytes of `run`'s value as
/// JSONKit writes it (the handler checks that when it checks results).
struct Method: Sendable {
    let name: String
    let run: @Sendable (Params, CallContext) throws -> JSON
    let encode: (@Sendable (Params, CallContext) throws -> EncodedJSON)?

    init(_ name: String, _ run: @escaping @Sendable (Params, CallContext) throws -> JSON) {
        self.name = name
        self.run = run
        encode = nil
    }

    init(_ name: String, run: @escaping @Sendable (Params, CallContext) throws -> JSON,
         encode: @escaping @Sendable (Params, CallContext) throws -> EncodedJSON) {
        self.name = name
        self.run = run
        self.encode = encode
    }
}
