#if canImport(Glibc)
import Glibc
#endif

/// How one load connection's run went.
struct ConnectionOutcome {
    var histogram = LatencyHistogram()
    /// Successful replies received inside the measurement window.
    var windowReplies: UInt64 = 0
    var totalReplies: UInt64 = 0
    /// Replies with `error` (or without `result`).
    var errorReplies: UInt64 = 0
    /// Replies whose id matches no request in flight.
    var unexpectedReplies: UInt64 = 0
    var firstErrorReply: String?
    /// Why the connection ended early (stall, closed by the server, I/O error, a refusal).
    var failure: String?
    var stalled = false
}

/// A load connection as `LoadDriver` sees it, whatever its transport.
protocol LoadWorker: AnyObject, Sendable {
    var descriptor: Int32 { get }
    /// Read after the thread that ran `run` was joined.
    var outcome: ConnectionOutcome { get }
    func run()
}

/// One client connection driven by its own thread: keeps up to `depth` requests in flight,
/// writes every request that fits in one `write(2)`, reads replies in chunks, delimits them
/// with its `Framing` (lines on the Unix socket, HTTP responses, WebSocket frames), and
/// matches each reply to its request by the id alone.
///
/// The JSON-RPC id carries the in-flight slot in its low 16 bits and a per-connection
/// sequence number above, so replies may come back in any order and a stray or repeated id
/// is detected. Latency is send → receipt of the chunk holding the reply.
///
/// Only its own thread touches it until `run` returns; the caller reads `outcome` after
/// joining the thread (hence `@unchecked Sendable`).
final class PipelinedConnection<Source: RequestSource, Framing: MessageFraming>: LoadWorker, @unchecked Sendable {
    let descriptor: Int32
    private let depth: Int
    private let source: Source
    private let control: RunControl
    private let firstIndex: UInt64
    private let readTimeout: Double
    private var framing: Framing
    private(set) var outcome = ConnectionOutcome()

    /// `firstIndex`: where this connection's own request numbering starts (without a limit).
    init(fd: Int32, framing: Framing, depth: Int, source: Source, control: RunControl, firstIndex: UInt64, readTimeout: Double) {
        precondition(depth >= 1 && depth <= LoadDriver.maxDepth)
        descriptor = fd
        self.framing = framing
        self.depth = depth
        self.source = source
        self.control = control
        self.firstIndex = firstIndex
        self.readTimeout = readTimeout
    }

    func run() {
        UnixSocket.setReceiveTimeout(descriptor, seconds: readTimeout)
        let sendTimes = UnsafeMutablePointer<UInt64>.allocate(capacity: depth)
        let slotSequence = UnsafeMutablePointer<UInt64>.allocate(capacity: depth)  // 0: slot free
        let freeSlots = UnsafeMutablePointer<Int>.allocate(capacity: depth)
        defer {
            sendTimes.deallocate()
            slotSequence.deallocate()
            freeSlots.deallocate()
        }
        for slot in 0..<depth {
            freeSlots[slot] = depth - 1 - slot
            slotSequence[slot] = 0
        }
        var freeCount = depth
        var inFlight = 0
        var sequence: UInt64 = 0
        var ownIndex = firstIndex
        var exhausted = false
        let send = ByteBuffer(capacity: 64 << 10)
        let receive = ByteBuffer(capacity: 256 << 10)
        var result = ConnectionOutcome()
        let limit = control.limit

        while true {
            if !exhausted && control.stopSending.load(ordering: .relaxed) { exhausted = true }
            if !exhausted && inFlight < depth {
                send.clear()
                let now = MonotonicClock.now()
                while inFlight < depth {
                    let index: UInt64
                    if let limit {
                        guard let ticket = control.claimTicket(limit: limit) else { exhausted = true; break }
                        index = ticket
                    } else {
                        index = ownIndex
                        ownIndex &+= 1
                    }
                    freeCount -= 1
                    let slot = freeSlots[freeCount]
                    sequence &+= 1
                    slotSequence[slot] = sequence
                    sendTimes[slot] = now
                    inFlight += 1
                    framing.appendRequest(source, index: index, id: sequence << 16 | UInt64(slot), to: send)
                }
                if send.count > 0 && !UnixSocket.writeAll(descriptor, send.base, send.count) {
                    result.failure = SystemError("write").description
                    break
                }
            }
            if inFlight == 0 {
                if exhausted { break }
                continue
            }

            let tail = receive.writableTail(minimum: 64 << 10)
            let n = UnixSocket.readSome(descriptor, tail, receive.freeSpace)
            if n == 0 {
                result.failure = "the server closed the connection with \(inFlight) request(s) in flight"
                break
            }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    result.stalled = true
                    result.failure = "no reply for \(readTimeout) s with \(inFlight) request(s) in flight"
                } else {
                    result.failure = SystemError("read").description
                }
                break
            }
            let received = MonotonicClock.now()
            let windowStart = control.windowStart.load(ordering: .relaxed)
            let windowEnd = control.windowEnd.load(ordering: .relaxed)
            receive.count += n
            let base = receive.base
            var start = 0
            var chunkReplies: UInt64 = 0
            var chunkErrors: UInt64 = 0
            replies: while let framed = framing.nextReply(base, from: start, to: receive.count) {
                let line: UnsafePointer<UInt8>
                let length: Int
                switch framed {
                case .message(let body, let bodyLength, let next):
                    line = UnsafePointer(base + body)
                    length = bodyLength
                    start = next
                case .skip(let next):
                    start = next
                    continue replies
                case .broken(let reason):
                    result.failure = reason
                    break replies
                }
                let keys = MessageScanner.scan(line, length)
                guard let id = MessageScanner.unsignedID(line, keys) else {
                    noteUnexpected(&result, line, length)
                    continue
                }
                let slot = Int(id & 0xFFFF)
                guard slot < depth, slotSequence[slot] == id >> 16, id >> 16 != 0 else {
                    noteUnexpected(&result, line, length)
                    continue
                }
                slotSequence[slot] = 0
                freeSlots[freeCount] = slot
                freeCount += 1
                inFlight -= 1
                chunkReplies += 1
                if !keys.hasResult || keys.hasError {
                    chunkErrors += 1
                    if result.firstErrorReply == nil { result.firstErrorReply = Self.text(line, length) }
                    continue
                }
                if received >= windowStart && received <= windowEnd {
                    result.windowReplies += 1
                    if sendTimes[slot] >= windowStart { result.histogram.record(received - sendTimes[slot]) }
                }
            }
            receive.consume(start)
            framing.consumed(start)
            result.totalReplies += chunkReplies
            result.errorReplies += chunkErrors
            control.replies.wrappingAdd(chunkReplies, ordering: .relaxed)
            if chunkErrors > 0 { control.errorReplies.wrappingAdd(chunkErrors, ordering: .relaxed) }
            if result.failure != nil { break }
        }
        outcome = result
    }

    private func noteUnexpected(_ result: inout ConnectionOutcome, _ line: UnsafePointer<UInt8>, _ length: Int) {
        result.unexpectedReplies += 1
        if result.firstErrorReply == nil { result.firstErrorReply = "unexpected reply: " + Self.text(line, length) }
    }

    private static func text(_ line: UnsafePointer<UInt8>, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: line, count: min(length, 600)), as: UTF8.self)
    }
}
