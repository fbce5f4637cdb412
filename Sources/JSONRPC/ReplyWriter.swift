import JSONKit

/// Where the replies on one connection go: frames them, keeps each within `maxReplyBytes`,
/// and writes them out whenever `flushThreshold` bytes are waiting, so the output a
/// connection holds stays near one reply plus the threshold however long a batch is.
///
/// A batch reply in newline-delimited framing is streamed: `[`, each element as its call
/// completes, `]`; no single element may exceed `maxReplyBytes` (a longer one is replaced
/// by a `replyTooLarge` error with its id), the whole line has no limit. While it is partly
/// written the connection holds notifications back so they cannot land inside it.
///
/// With `Content-Length` framing the length comes before the body, so a batch reply is built
/// in memory, up to `maxReplyBytes`: one that would be longer is dropped as soon as it is,
/// and the batch is answered with a single `replyTooLarge` error with `"id": null` (its calls
/// all still run). A single reply over the limit is replaced by that error with its own id.
struct ReplyWriter: ReplySink {
    /// The longest reply (a batch reply with `Content-Length` framing, an element of one
    /// streamed line by line, or the reply to a single request), in bytes.
    static let maxReplyBytes = 16 << 20
    /// Buffered output past this size is written at once.
    static let flushThreshold = 64 << 10
    /// Buffers grown past this by a large reply are released after it is written.
    static let retainedCapacity = 1 << 20

    let connection: RPCConnection
    /// The client's framing, which every reply uses.
    var framing = MessageFramer.Framing.newlineDelimited
    /// False once a write failed: the client is gone and output is dropped.
    private(set) var canWrite = true
    /// Framed bytes waiting to be written.
    private var out: [UInt8] = []
    /// The body of a `Content-Length` reply, built before its header can be written; empty
    /// between replies.
    private var body: [UInt8] = []
    /// The batch reply under way, if any.
    private var batch: Batch?

    private struct Batch {
        var elements = 0
        /// `Content-Length` framing: the body outgrew `maxReplyBytes` and was dropped.
        var tooLarge = false
        /// Newline-delimited framing: its start has been written.
        var partlyWritten = false
    }

    init(connection: RPCConnection) {
        self.connection = connection
    }

    /// Writes the reply to a single request, or an error that answers a whole message.
    mutating func reply(id: RPCID, result: Result<EncodedJSON, RPCError>) {
        switch framing {
        case .newlineDelimited:
            Self.encode(id: id, result: result, into: &out)
            out.append(0x0A)
            if out.count >= Self.flushThreshold { flush() }
        case .contentLength:
            Self.encode(id: id, result: result, into: &body)
            writeFrame()
        }
    }

    /// Starts a batch reply: `element` then adds the replies of its requests, and `endBatch`
    /// finishes it. A batch whose calls were all notifications gets no reply at all.
    mutating func beginBatch() {
        batch = Batch()
    }

    /// Adds the reply to one request of the batch begun last.
    mutating func element(id: RPCID, result: Result<EncodedJSON, RPCError>) {
        guard var batch else { preconditionFailure("a batch element outside a batch") }
        defer { self.batch = batch }
        let separator = UInt8(ascii: batch.elements == 0 ? "[" : ",")
        batch.elements += 1
        switch framing {
        case .newlineDelimited:
            out.append(separator)
            Self.encode(id: id, result: result, into: &out)
            if out.count >= Self.flushThreshold {
                flush(partial: true)
                batch.partlyWritten = true
            }
        case .contentLength:
            guard !batch.tooLarge else { return }
            body.append(separator)
            ReplyEncoder.reply(id: id, result: result, into: &body)
            if body.count + 1 > Self.maxReplyBytes {
                batch.tooLarge = true
                body = []
            }
        }
    }

    /// Finishes the batch reply, writing it out if part of it already was.
    mutating func endBatch() {
        guard let batch else { preconditionFailure("the end of a batch that was not begun") }
        self.batch = nil
        guard batch.elements > 0 else { return }
        switch framing {
        case .newlineDelimited:
            out.append(UInt8(ascii: "]"))
            out.append(0x0A)
            if batch.partlyWritten || out.count >= Self.flushThreshold { flush() }
        case .contentLength:
            if batch.tooLarge {
                ReplyEncoder.reply(id: .null, result: .failure(.replyTooLarge(limit: Self.maxReplyBytes)), into: &body)
            } else {
                body.append(UInt8(ascii: "]"))
            }
            writeFrame()
        }
    }

    /// Writes everything buffered. `partial`: the bytes end inside a reply.
    mutating func flush(partial: Bool = false) {
        if canWrite && !connection.send(out, partial: partial) { canWrite = false }
        out.removeAll(keepingCapacity: out.capacity <= Self.retainedCapacity)
    }

    /// Appends `body` framed by its header to the output; a large body is written from where
    /// it is rather than copied.
    private mutating func writeFrame() {
        MessageFramer.appendHeader(contentLength: body.count, into: &out)
        if body.count < Self.flushThreshold {
            out.append(contentsOf: body)
            if out.count >= Self.flushThreshold { flush() }
        } else {
            flush(partial: true)
            if canWrite && !connection.send(body) { canWrite = false }
        }
        body.removeAll(keepingCapacity: body.capacity <= Self.retainedCapacity)
    }

    /// Appends the reply, or the `replyTooLarge` error with the same id in its place.
    private static func encode(id: RPCID, result: Result<EncodedJSON, RPCError>, into buffer: inout [UInt8]) {
        let start = buffer.count
        ReplyEncoder.reply(id: id, result: result, into: &buffer)
        guard buffer.count - start > maxReplyBytes else { return }
        buffer.removeSubrange(start...)
        ReplyEncoder.reply(id: id, result: .failure(.replyTooLarge(limit: maxReplyBytes)), into: &buffer)
    }
}
