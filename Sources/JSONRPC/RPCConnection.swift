import Glibc
import JSONKit
import Synchronization

/// A live client connection; thread-safe; lets the server push notifications (e.g. events,
/// progress) from any thread.
///
/// Every write — the connection's replies and pushed notifications alike — happens under one
/// per-connection lock, so messages never interleave on the wire. Only the connection's own
/// thread reads and closes its descriptors; closing happens under that lock and a second one
/// that guards interrupting the reader (taken in that order), so neither a write nor an
/// interruption can reach a descriptor number after it was closed and reused, and a stop
/// request never waits behind a slow write.
///
/// A socket connection waits for input within its `ReadDeadline`s: idle, or in the middle of a
/// message; one that pipelines work runs its calls through the server's `BulkLane`.
public final class RPCConnection: Sendable {
    /// Unique among the connections of one server.
    public let id: Int
    /// The uid of the process at the other end of a socket connection, as the kernel told it
    /// when the connection was accepted (`SO_PEERCRED`); nil for stdio, or when not told.
    public let peerUser: UInt32?

    enum Transport: Sendable {
        /// A socket the connection owns: read and written, closed at the end.
        case socket(Int32)
        /// Descriptors owned by the caller (left open); a pipe wakes the reader on shutdown.
        case stdio(input: Int32, output: Int32, wake: (read: Int32, write: Int32)?)
        /// Whole messages: the caller reads them and takes the replies (`RPCMessageChannel`);
        /// what the server pushes goes to the sink, one message at a time.
        case messages(any RPCMessageSink)
    }

    private struct WriterState {
        var closed = false
        var broken = false
        var framing: MessageFramer.Framing?
        /// True while a reply is partly written (a batch reply streamed element by element).
        var replyOpen = false
        /// Notifications sent before the client's first bytes told the framing, or while a
        /// reply was partly written.
        var pending: [[UInt8]] = []
        var pendingBytes = 0
    }

    /// Notifications beyond this many bytes, held while the framing is unknown or a reply is
    /// partly written, are dropped.
    static let maxPendingBytes = 1 << 20

    private let transport: Transport
    private let writer = Mutex(WriterState())
    /// True once the descriptors are closed.
    private let descriptorsClosed = Mutex(false)
    private let stopFlag = Atomic<Bool>(false)
    /// Mirrors of the writer state, readable without waiting for a write in progress.
    private let openFlag = Atomic<Bool>(true)
    private let framingCode = Atomic<UInt8>(0)
    /// What the handler keeps for this connection (who it acts as, its subscriptions).
    private let sessionSlot = Mutex<(any Sendable)?>(nil)
    /// Used by the connection's own thread only (the lock is never contended).
    private let readDeadline: Mutex<ReadDeadline>
    /// The server's lane for connections that pipeline work; nil for stdio.
    let lane: BulkLane?
    /// The connection thread's standing in `lane`; its own thread only.
    let pace = Mutex(Pace())

    init(id: Int, transport: Transport, readDeadline: ReadDeadline = ReadDeadline(idleTimeout: nil, partialMessageTimeout: nil),
         lane: BulkLane? = nil, peerUser: UInt32? = nil) {
        self.id = id
        self.peerUser = peerUser
        self.transport = transport
        self.readDeadline = Mutex(readDeadline)
        self.lane = lane
    }

    /// False once the connection is closed or its client is gone. Never blocks.
    public var isOpen: Bool {
        openFlag.load(ordering: .acquiring)
    }

    /// The framing the client chose; nil until its first bytes arrived. Never blocks.
    public var framing: MessageFramer.Framing? {
        switch framingCode.load(ordering: .acquiring) {
        case 1: .newlineDelimited
        case 2: .contentLength
        default: nil
        }
    }

    /// How the client reached the server: `stdio` or `socket`.
    public var transportName: String {
        switch transport {
        case .socket: "socket"
        case .stdio: "stdio"
        case .messages(let sink): sink.transportName
        }
    }

    /// Attaches the handler's session for this connection (see `RPCHandler.connectionOpened`).
    public func attachSession(_ session: any Sendable) {
        sessionSlot.withLock { $0 = session }
    }

    /// The session attached when the connection opened, if any.
    public var session: (any Sendable)? {
        sessionSlot.withLock { $0 }
    }

    /// Writes a JSON-RPC notification in the connection's framing; a no-op once closed.
    /// Before the client has sent anything the framing is unknown, and while a reply is partly
    /// written the notification would land inside it: then it is held (up to 1 MiB) and
    /// written as soon as it can be.
    public func notify(method: String, params: JSON) {
        send(notification: ReplyEncoder.notification(method: method, params: params))
    }

    /// `notify` with params already written as JSON text (one value, e.g. an object); returns
    /// whether the connection took it (false once it is closed or broken, or its pending
    /// notifications are full before the client has sent anything).
    @discardableResult
    public func notify(method: String, encodedParams: [UInt8]) -> Bool {
        send(notification: ReplyEncoder.notification(method: method, encodedParams: encodedParams))
    }

    /// Several notifications of `method` (params already written), framed and written together:
    /// one write for many events.
    @discardableResult
    public func notify(method: String, encodedParams list: [[UInt8]]) -> Bool {
        guard list.count > 1 else { return list.first.map { notify(method: method, encodedParams: $0) } ?? isOpen }
        let bodies = list.map { ReplyEncoder.notification(method: method, encodedParams: $0) }
        if case .messages = transport { return bodies.allSatisfy { send(notification: $0) } }
        return writer.withLock { state in
            guard !state.closed && !state.broken else { return false }
            guard let framing = state.framing, !state.replyOpen else {
                let size = bodies.reduce(0) { $0 + $1.count }
                guard state.pendingBytes + size <= Self.maxPendingBytes else { return false }
                state.pending += bodies
                state.pendingBytes += size
                return true
            }
            var out: [UInt8] = []
            out.reserveCapacity(bodies.reduce(0) { $0 + $1.count + 32 })
            for body in bodies { MessageFramer.frame(body, as: framing, into: &out) }
            writeLocked(out, state: &state)
            return !state.broken
        }
    }

    @discardableResult
    private func send(notification body: [UInt8]) -> Bool {
        writer.withLock { state in
            guard !state.closed && !state.broken else { return false }
            if case .messages(let sink) = transport {
                if !sink.send(message: body) {
                    state.broken = true
                    openFlag.store(false, ordering: .releasing)
                }
                return !state.broken
            }
            guard let framing = state.framing, !state.replyOpen else {
                guard state.pendingBytes + body.count <= Self.maxPendingBytes else { return false }
                state.pending.append(body)
                state.pendingBytes += body.count
                return true
            }
            var out: [UInt8] = []
            out.reserveCapacity(body.count + 32)
            MessageFramer.frame(body, as: framing, into: &out)
            writeLocked(out, state: &state)
            return !state.broken
        }
    }

    // MARK: - Used by the connection's own thread

    var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Records the framing and writes the notifications held until now.
    func setFraming(_ framing: MessageFramer.Framing) {
        writer.withLock { state in
            guard state.framing == nil else { return }
            state.framing = framing
            framingCode.store(framing == .newlineDelimited ? 1 : 2, ordering: .releasing)
            writePendingLocked(state: &state)
        }
    }

    /// Writes already framed bytes; false once the connection cannot be written to. `partial`
    /// says the bytes end inside a reply that the next `send` continues: notifications wait
    /// until a send that is not partial has finished it.
    func send(_ framed: [UInt8], partial: Bool = false) -> Bool {
        leaveLane()
        return writer.withLock { state in
            guard !state.closed && !state.broken else { return false }
            if !framed.isEmpty { writeLocked(framed, state: &state) }
            state.replyOpen = partial
            if !partial { writePendingLocked(state: &state) }
            return !state.broken
        }
    }

    /// Reads the next chunk: its size, 0 at end of input or once a stop was requested, -1 on an
    /// error or when a socket connection's read deadline passed (then it closes: after a partial
    /// message the client was sent a `messageTimeout` error). `pendingBytes`: what the framer
    /// holds of a message not complete yet.
    func read(into buffer: UnsafeMutableRawBufferPointer, pendingBytes: Int) -> Int {
        switch transport {
        case .socket(let fd):
            return readSocket(fd, into: buffer, pendingBytes: pendingBytes)
        case .stdio(let input, _, let wake):
            guard let wake else { return FileDescriptorIO.read(input, into: buffer) }
            var entries = [pollfd(fd: input, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            while true {
                let ready = poll(&entries, 2, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 { return -1 }
                if entries[1].revents != 0 { return 0 }
                if entries[0].revents & Int16(POLLNVAL) != 0 { return -1 }
                return FileDescriptorIO.read(input, into: buffer)
            }
        case .messages:
            return 0
        }
    }

    private func readSocket(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, pendingBytes: Int) -> Int {
        let wait = readDeadline.withLock { $0.next(pendingBytes: pendingBytes, now: .now) }
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count >= 0 {
                readDeadline.withLock { $0.record(received: count) }
                return count
            }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { return -1 }
            leaveLane()
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, wait.map { Self.pollMilliseconds($0.deadline - .now) } ?? -1)
            waitedForInput()
            if ready > 0 || (ready < 0 && errno == EINTR) { continue }
            if ready < 0 { return -1 }
            guard let wait, ContinuousClock.now >= wait.deadline else { continue }
            if wait.kind == .partialMessage, let timeout = readDeadline.withLock({ $0.partialMessageTimeout }) {
                var body: [UInt8] = []
                ReplyEncoder.reply(id: .null, result: .failure(.messageTimeout(after: timeout)), into: &body)
                writer.withLock { state in
                    guard !state.closed && !state.broken else { return }
                    var out: [UInt8] = []
                    MessageFramer.frame(body, as: state.framing ?? .newlineDelimited, into: &out)
                    writeLocked(out, state: &state)
                }
            }
            return -1
        }
    }

    /// A poll(2) timeout that lasts at least `duration` (never negative: -1 would wait forever).
    private static func pollMilliseconds(_ duration: Duration) -> Int32 {
        duration <= .zero ? 0 : Int32(clamping: duration.milliseconds + 1)
    }

    /// Asks the connection's thread to stop reading: it finishes the call in flight, writes
    /// the replies it has, then closes. Safe from any thread, any number of times.
    func requestStop() {
        stopFlag.store(true, ordering: .releasing)
        interruptReader()
    }

    /// While the server stops: a write to the socket gives up after `timeout` without progress
    /// (a write already waiting keeps the timeout it started with, until `cutOff()`).
    func shortenWriteTimeout(to timeout: Duration) {
        descriptorsClosed.withLock { closed in
            guard !closed, case .socket(let fd) = transport else { return }
            FileDescriptorIO.setSendTimeout(fd, timeout)
        }
    }

    /// When the stop deadline has passed: a socket is shut down both ways, so a write or read
    /// waiting on it fails at once and no further reply reaches the client. Stdio descriptors
    /// belong to the caller and are left as they are.
    func cutOff() {
        requestStop()
        descriptorsClosed.withLock { closed in
            guard !closed, case .socket(let fd) = transport else { return }
            _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    /// Closes the connection (the descriptors it owns); called once, by its own thread.
    func close() {
        writer.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            openFlag.store(false, ordering: .releasing)
            descriptorsClosed.withLock { closed in
                closed = true
                switch transport {
                case .socket(let fd):
                    _ = Glibc.close(fd)
                case .stdio(_, _, let wake):
                    if let wake {
                        _ = Glibc.close(wake.read)
                        _ = Glibc.close(wake.write)
                    }
                case .messages:
                    break
                }
            }
        }
    }

    /// Writes the notifications held until now, if they can be.
    private func writePendingLocked(state: inout WriterState) {
        guard let framing = state.framing, !state.replyOpen, !state.pending.isEmpty,
              !state.closed, !state.broken else { return }
        var out: [UInt8] = []
        for body in state.pending { MessageFramer.frame(body, as: framing, into: &out) }
        state.pending = []
        state.pendingBytes = 0
        writeLocked(out, state: &state)
    }

    private func writeLocked(_ bytes: [UInt8], state: inout WriterState) {
        let written: Bool
        switch transport {
        case .socket(let fd):
            written = FileDescriptorIO.writeAll(fd, bytes, waitWhenBlocked: false)
        case .stdio(_, let output, _):
            written = FileDescriptorIO.writeAll(output, bytes, waitWhenBlocked: true)
        case .messages(let sink):
            written = sink.send(message: bytes)
        }
        if !written {
            state.broken = true
            openFlag.store(false, ordering: .releasing)
            interruptReader()
        }
    }

    /// Makes the connection thread's blocked or next read return end of input.
    private func interruptReader() {
        descriptorsClosed.withLock { closed in
            guard !closed else { return }
            switch transport {
            case .socket(let fd):
                _ = Glibc.shutdown(fd, Int32(SHUT_RD))
            case .stdio(_, _, let wake):
                if let wake {
                    var byte: UInt8 = 1
                    _ = Glibc.write(wake.write, &byte, 1)
                }
            case .messages:
                break
            }
        }
    }
}
