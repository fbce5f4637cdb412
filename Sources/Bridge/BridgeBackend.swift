import CRMAPI
import JSONKit
import JSONRPC

/// What the bridge's endpoints reach the engine through.
package protocol BridgeBackend: Sendable {
    /// A caller acting as the user of API token `token` (`token.add`); the 1006 refusal when
    /// the token is unknown, revoked or expired or its user inactive.
    func caller(token: String) -> Result<BridgeCaller, RPCError>
}

/// Makes JSON-RPC calls as one signed-in user, through the same handler — schemas,
/// permissions, events — as the Unix socket. Its connection takes no pushed notifications.
package final class BridgeCaller: Sendable {
    package let userID: Int64
    private let channel: RPCMessageChannel
    private let handler: any RPCHandler

    init(userID: Int64, channel: RPCMessageChannel, handler: any RPCHandler) {
        self.userID = userID
        self.channel = channel
        self.handler = handler
    }

    deinit { channel.close() }

    /// One call: the method's result, or the JSON-RPC error it gave.
    package func call(_ method: String, _ params: JSON) -> Result<JSON, RPCError> {
        handler.handle(RPCRequest(id: .null, method: method, params: params), connection: channel.connection)
    }

    /// Answers one JSON-RPC message (a call or a batch) as it came: the reply, nil when
    /// nothing is to be answered.
    package func answer(_ message: [UInt8]) -> [UInt8]? {
        channel.answer(message)
    }
}

/// The backend of `crmd serve --http`: the server's own `CRMHandler`, in process.
package final class HandlerBackend: BridgeBackend {
    let handler: CRMHandler
    /// A caller acting as the administrator (user 1), as a local client on stdio would: for the
    /// public invoice pages and the API document, which answer to no user.
    package let administrator: BridgeCaller

    package init(handler: CRMHandler) {
        self.handler = handler
        let channel = RPCMessageChannel(handler: handler, sink: DroppingSink(transportName: "stdio"))
        _ = channel.open()
        administrator = BridgeCaller(userID: handler.userID(of: channel.connection) ?? 0, channel: channel, handler: handler)
    }

    package func caller(token: String) -> Result<BridgeCaller, RPCError> {
        let channel = RPCMessageChannel(handler: handler, sink: DroppingSink())
        if let refusal = handler.admit(channel.connection, token: token) ?? channel.open() {
            channel.close()
            return .failure(refusal)
        }
        return .success(BridgeCaller(userID: handler.userID(of: channel.connection) ?? 0, channel: channel, handler: handler))
    }
}

/// The sink of a connection that takes no notifications (one HTTP request's calls).
struct DroppingSink: RPCMessageSink {
    var transportName = "http"
    func send(message: [UInt8]) -> Bool { true }
}
