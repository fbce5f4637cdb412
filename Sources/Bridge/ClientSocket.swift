import Glibc
import Synchronization

/// One accepted TCP client: reads with deadlines that a stop can interrupt, and whole writes
/// that give up after a write timeout without progress (a client that does not read cannot
/// hold a thread forever). Only the connection's thread reads and closes; writes may come from
/// any thread (WebSocket notifications) and are serialised by the caller.
final class ClientSocket: Sendable {
    enum ReadResult {
        case bytes(Int)
        case end
        case timedOut
        case stopped
    }

    let fd: Int32
    private let stopFlag = Atomic<Bool>(false)
    private let closed = Mutex(false)

    init(fd: Int32, writeTimeout: Duration) {
        self.fd = fd
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let (seconds, attoseconds) = writeTimeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Reads what is there, waiting until `deadline` (forever when nil) for something.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant?) -> ReadResult {
        while true {
            if isStopRequested { return .stopped }
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return .bytes(count) }
            if count == 0 { return isStopRequested ? .stopped : .end }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { return .end }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let timeout: Int32
            if let deadline {
                let left = deadline - .now
                if left <= .zero { return .timedOut }
                timeout = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            } else {
                timeout = -1
            }
            let ready = poll(&entry, 1, timeout)
            if ready < 0 && errno != EINTR { return .end }
        }
    }

    /// Writes every byte; false when the client is gone or did not take them in time.
    func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard var next = raw.baseAddress else { return true }
            var remaining = raw.count
            while remaining > 0 {
                let sent = send(fd, next, remaining, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    next += sent
                    remaining -= sent
                    continue
                }
                if sent < 0 && errno == EINTR { continue }
                return false
            }
            return true
        }
    }

    /// Makes a blocked or later read return `.stopped`; from any thread.
    func requestStop() {
        stopFlag.store(true, ordering: .releasing)
        closed.withLock { closed in
            if !closed { _ = shutdown(fd, Int32(SHUT_RD)) }
        }
    }

    /// Shuts the socket both ways: a write waiting on it fails at once.
    func cutOff() {
        stopFlag.store(true, ordering: .releasing)
        closed.withLock { closed in
            if !closed { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Closes the descriptor; once, by the connection's thread.
    func close() {
        closed.withLock { closed in
            guard !closed else { return }
            closed = true
            _ = Glibc.close(fd)
        }
    }
}
