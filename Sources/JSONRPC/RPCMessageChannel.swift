import JSONKit
import Synchronization

/// Where a message transport (the HTTP bridge: a WebSocket, a `POST /rpc`) writes what the
/// server pushes to its client between replies: one whole JSON-RPC message per call.
public protocol RPCMessageSink: Sendable {
    /// How the client reached the server (`websocket`, `http`): the session's transport.
    var transportName: String { get }
    /// Sends one whole message (a notification); false once the client cannot be written to.
    func send(message: [UInt8]) -> Bool
}

/// A JSON-RPC connection whose transport carries whole messages rather than a byte stream:
/// the caller reads each message its own way, `answer` makes its calls through the handler
/// (in order, on the caller's thread) and returns the reply as one message; notifications
/// the server pushes meanwhile go to the sink. Calls go through the same handler — sessions,
/// schemas, permissions, events — as on the socket and stdio.
public final class RPCMessageChannel: Sendable {
    /// Ids of message connections, apart from those an `RPCServer` gives its own.
    private static let nextID = Atomic<Int>(1 << 40)

    public let connection: RPCConnection
    private let dispatcher: Dispatcher

    public init(handler: any RPCHandler, sink: any RPCMessageSink) {
        let id = Self.nextID.add(1, ordering: .relaxed).newValue
        connection = RPCConnection(id: id, transport: .messages(sink))
        dispatcher = Dispatcher(handler: handler)
    }

    /// Lets the handler admit the client and attach its session (`RPCHandler.admit`, then
    /// `connectionOpened`); the refusal when it does not.
    public func open() -> RPCError? {
        if let refusal = dispatcher.handler.admit(connection) { return refusal }
        dispatcher.handler.connectionOpened(connection)
        return nil
    }

    /// Answers one message (a call or a batch): the reply, nil when nothing is to be answered
    /// (notifications only). A reply longer than `ReplyWriter.maxReplyBytes` is replaced by a
    /// `replyTooLarge` error, as with `Content-Length` framing.
    public func answer(_ message: [UInt8]) -> [UInt8]? {
        var reply = MessageReply()
        dispatcher.answer(message, connection: connection, to: &reply)
        return reply.bytes
    }

    /// Ends the connection: nothing more is pushed to the sink; the handler is told.
    public func close() {
        connection.close()
        dispatcher.handler.connectionClosed(connection)
    }
}

/// Collects the reply to one message as a single body.
struct MessageReply: ReplySink {
    private var body: [UInt8] = []
    private var answered = false
    private var batchElements = 0
    private var batchTooLarge = false

    /// The reply; nil when nothing was answered.
    var bytes: [UInt8]? { answered ? body : nil }

    mutating func reply(id: RPCID, result: Result<EncodedJSON, RPCError>) {
        body = []
        ReplyEncoder.reply(id: id, result: result, into: &body)
        if body.count > ReplyWriter.maxReplyBytes {
            body = []
            ReplyEncoder.reply(id: id, result: .failure(.replyTooLarge(limit: ReplyWriter.maxReplyBytes)), into: &body)
        }
        answered = true
    }

    mutating func beginBatch() {
        body = []
        answered = false
        batchElements = 0
        batchTooLarge = false
    }

    mutating func element(id: RPCID, result: Result<EncodedJSON, RPCError>) {
        guard !batchTooLarge else { return }
        body.append(UInt8(ascii: batchElements == 0 ? "[" : ","))
        batchElements += 1
        ReplyEncoder.reply(id: id, result: result, into: &body)
        if body.count + 1 > ReplyWriter.maxReplyBytes {
            batchTooLarge = true
            body = []
        }
    }

    mutating func endBatch() {
        guard batchElements > 0 else { return }
        if batchTooLarge {
            body = []
            ReplyEncoder.reply(id: .null, result: .failure(.replyTooLarge(limit: ReplyWriter.maxReplyBytes)), into: &body)
        } else {
            body.append(UInt8(ascii: "]"))
        }
        answered = true
    }
}
