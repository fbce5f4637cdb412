import JSONKit

/// The read loop of one connection, run on that connection's dedicated thread: read a chunk,
/// answer every complete message in it in order, write their replies with one `write(2)`.
/// Ends at end of input, on a framing failure, when the peer is gone, or when a stop was
/// requested (then the call in flight finishes and the replies produced so far are written).
struct ConnectionSession {
    static let chunkSize = 64 << 10
    /// Replies accumulated past this size are written before the next message is handled.
    static let flushThreshold = 64 << 10
    /// Output buffers grown past this by a large reply are released after it is written.
    static let retainedCapacity = 1 << 20

    let connection: RPCConnection
    let dispatcher: Dispatcher
    private var framer: MessageFramer
    private var framingAnnounced = false
    private var out: [UInt8] = []
    /// A reply body waiting for its Content-Length header.
    private var body: [UInt8] = []

    init(connection: RPCConnection, dispatcher: Dispatcher, maxMessageSize: Int) {
        self.connection = connection
        self.dispatcher = dispatcher
        self.framer = MessageFramer(maxMessageSize: maxMessageSize)
    }

    mutating func run() {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = connection.read(into: chunk, pendingBytes: framer.bufferedByteCount)
            // A read error or timeout ends the connection with no message taken from a partial one.
            if connection.isStopRequested || count < 0 { return }
            out.removeAll(keepingCapacity: true)
            if count <= 0 {
                if drain(), let last = framer.finish() {
                    _ = handle(last)
                }
                _ = connection.send(out)
                return
            }
            framer.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            let keepReading = drain()
            guard connection.send(out), keepReading else { return }
            if out.capacity > Self.retainedCapacity { out = [] }
            if body.capacity > Self.retainedCapacity { body = [] }
        }
    }

    /// Answers every complete message buffered; false when the connection must close.
    private mutating func drain() -> Bool {
        defer { announceFraming() }
        while let event = framer.next() {
            announceFraming()
            guard handle(event) else { return false }
            if connection.isStopRequested { return false }
            if out.count >= Self.flushThreshold {
                guard connection.send(out) else { return false }
                out.removeAll(keepingCapacity: true)
            }
        }
        return true
    }

    private mutating func announceFraming() {
        guard !framingAnnounced, let framing = framer.framing else { return }
        framingAnnounced = true
        connection.setFraming(framing)
    }

    /// Appends the reply to one framer event, if any; false when the stream failed.
    private mutating func handle(_ event: MessageFramer.Event) -> Bool {
        let framing = framer.framing ?? .newlineDelimited
        switch event {
        case .message(let bytes):
            switch framing {
            case .newlineDelimited:
                if dispatcher.reply(to: bytes, connection: connection, into: &out) { out.append(0x0A) }
            case .contentLength:
                body.removeAll(keepingCapacity: true)
                if dispatcher.reply(to: bytes, connection: connection, into: &body) {
                    MessageFramer.frame(body, as: .contentLength, into: &out)
                }
            }
            return true
        case .skipped(let error):
            MessageFramer.frame(ReplyEncoder.reply(id: .null, result: .failure(error.rpcError)), as: framing, into: &out)
            return true
        case .failed(let error):
            MessageFramer.frame(ReplyEncoder.reply(id: .null, result: .failure(error.rpcError)), as: framing, into: &out)
            return false
        }
    }
}
