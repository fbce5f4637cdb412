import JSONKit

/// Handles calls. Called synchronously on the connection's own thread (a dedicated OS thread
/// per connection, never the Swift concurrency pool), so it may block (e.g. on SQLite).
///
/// Calls on one connection are made one at a time, in the order they arrived; calls on
/// different connections run concurrently (socket connections that pipeline processor-heavy
/// work take turns, a few at a time: see `BulkLane`). The returned value is the call's only reply:
/// the server writes it once for a request and drops it for a notification.
public protocol RPCHandler: Sendable {
    func handle(_ request: RPCRequest, connection: RPCConnection) -> Result<JSON, RPCError>
    /// The call's result as JSON text: what the transport writes into the reply. A handler that
    /// can write a result straight from where it is kept answers here; the default writes the
    /// value of `handle`.
    func encodedResult(_ request: RPCRequest, connection: RPCConnection) -> Result<EncodedJSON, RPCError>
    /// Called once by the transport, on the connection's thread, before anything else: nil lets
    /// the client in; an error refuses it (who it is may not call: `RPCConnection.peerUser`).
    /// A refused client is sent the error as a reply with `"id": null`, newline-framed, before
    /// it has sent anything, and the connection is closed; `connectionOpened` is not called.
    func admit(_ connection: RPCConnection) -> RPCError?
    /// Called once by the transport, on the connection's thread, before its first message is
    /// read: the place to attach the connection's session (`RPCConnection.attachSession`).
    func connectionOpened(_ connection: RPCConnection)
    /// Called once, on the connection's thread, after the connection is closed.
    func connectionClosed(_ connection: RPCConnection)
}

extension RPCHandler {
    public func encodedResult(_ request: RPCRequest, connection: RPCConnection) -> Result<EncodedJSON, RPCError> {
        handle(request, connection: connection).map(EncodedJSON.init)
    }

    public func admit(_ connection: RPCConnection) -> RPCError? { nil }

    public func connectionOpened(_ connection: RPCConnection) {}

    public func connectionClosed(_ connection: RPCConnection) {}
}
