import CRM
import JSONKit
import JSONRPC

/// Who is calling and over which connection.
struct CallContext {
    let connection: RPCConnection
    /// The user the call acts as (recorded as `createdBy`, `updatedBy`, timeline author).
    let actor: Int64
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
