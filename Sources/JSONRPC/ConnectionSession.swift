import JSONKit

/// The read loop of one connection, run on that connection's dedicated thread: read a chunk,
/// answer every complete message in it in order, write their replies together (a reply
/// writer flushes earlier once enough is waiting). Ends at end of input, on a framing
/// failure, when the peer is gone, or when a stop was requested (then the call in flight
/// finishes and the replies produced so far are written).
struct ConnectionSession {
    static let chunkSize = 64 << 10

    let connection: RPCConnection
    let dispatcher: Dispatcher
    private var framer: MessageFramer
    private var framingAnnounced = false
    private var writer: ReplyWriter

    init(connection: RPCConnection, dispatcher: Dispatcher, maxMessageSize: Int) {
        self.connection = connection
        self.dispatcher = dispatcher
        self.framer = MessageFramer(maxMessageSize: maxMessageSize)
        self.writer = ReplyWriter(connection: connection)
    }

    mutating func run() {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = connection.read(into: chunk, pendingBytes: framer.pendingMessageBytes)
            // A read error or timeout ends the connection with no message taken from a partial one.
            if connection.isStopRequested || count < 0 { return }
            if count <= 0 {
                if drain(), let last = framer.finish() {
                    _ = handle(last)
                }
                writer.flush()
                return
            }
            framer.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            let keepReading = drain()
            writer.flush()
            guard writer.canWrite, keepReading else { return }
        }
    }

    /// Answers every complete message buffered; false when the connection must close.
    private mutating func drain() -> Bool {
        defer { announceFraming() }
        while let event = framer.next() {
            announceFraming()
            guard handle(event), writer.canWrite, !connection.isStopRequested else { return false }
        }
        return true
    }

    private mutating func announceFraming() {
        guard !framingAnnounced, let framing = framer.framing else { return }
        framingAnnounced = true
        writer.framing = framing
        connection.setFraming(framing)
    }

    /// Answers one framer event; false when the stream failed.
    private mutating func handle(_ event: MessageFramer.Event) -> Bool {
        switch event {
        case .message(let bytes):
            dispatcher.answer(bytes, connection: connection, to: &writer)
            return true
        case .skipped(let error):
            writer.reply(id: .null, result: .failure(error.rpcError))
            return true
        case .failed(let error):
            writer.reply(id: .null, result: .failure(error.rpcError))
            return false
        }
    }
}
