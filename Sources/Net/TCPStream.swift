#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a TCP exchange failed.
public enum NetError: Error, Sendable, Equatable {
    /// Name resolution, connect, send or receive failed (the text says which and why).
    case connectionFailed(String)
    /// A connect, read or write waited past its deadline.
    case timeout
}

/// A blocking TCP connection with a deadline on every connect, read and write.
///
/// The rule it keeps: the socket is non-blocking and every wait goes through `poll`, so no call
/// waits longer than it was given; writes use MSG_NOSIGNAL, so a closed peer is an error, never
/// SIGPIPE.
public final class TCPStream {
    private var fd: Int32 = -1

    /// Connects to `host:port`, trying each address, within `timeout` for each.
    public init(host: String, port: Int, timeout: Duration) throws(NetError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connectionFailed("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var timedOut = false
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socketFD < 0 { lastError = Self.errnoText("socket"); continue }
            _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)
            _ = fcntl(socketFD, F_SETFD, FD_CLOEXEC)
            if connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { fd = socketFD; return }
            guard errno == EINPROGRESS else { lastError = Self.errnoText("connect to \(host):\(port)"); Glibc.close(socketFD); continue }
            switch Self.wait(socketFD, for: Int16(POLLOUT), milliseconds: Self.milliseconds(timeout)) {
            case .ready:
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { fd = socketFD; return }
                lastError = "connect to \(host):\(port): \(String(cString: strerror(error)))"
            case .timedOut:
                timedOut = true
                lastError = "connect to \(host):\(port) timed out"
            case .failed(let text):
                lastError = text
            }
            Glibc.close(socketFD)
        }
        if timedOut { throw .timeout }
        throw .connectionFailed(lastError)
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    /// Writes all bytes, waiting at most `timeout` for each chunk to be accepted.
    public func write(_ bytes: [UInt8], timeout: Duration) throws(NetError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBufferPointer { buffer in
                send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 { offset += sent; continue }
            if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                throw .connectionFailed(Self.errnoText("send"))
            }
            switch Self.wait(fd, for: Int16(POLLOUT), milliseconds: Self.milliseconds(timeout)) {
            case .ready: continue
            case .timedOut: throw .timeout
            case .failed(let text): throw .connectionFailed(text)
            }
        }
    }

    /// Up to `maximum` bytes as soon as some arrive before `deadline`; empty at the end of the stream.
    public func read(maximum: Int = 65_536, deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8] {
        while true {
            var chunk = [UInt8](repeating: 0, count: maximum)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[..<count]) }
            if count == 0 { return [] }
            if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { throw .connectionFailed(Self.errnoText("recv")) }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timeout }
            switch Self.wait(fd, for: Int16(POLLIN), milliseconds: Self.milliseconds(remaining)) {
            case .ready: continue
            case .timedOut: throw .timeout
            case .failed(let text): throw .connectionFailed(text)
            }
        }
    }

    private enum WaitResult { case ready, timedOut, failed(String) }

    /// Polls one descriptor, retrying on EINTR with the time that is left.
    private static func wait(_ fd: Int32, for events: Int16, milliseconds: Int32) -> WaitResult {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        var left = milliseconds
        while true {
            let result = poll(&descriptor, 1, left)
            if result > 0 { return .ready }   // errors and hang-ups surface in the next send/recv
            if result == 0 { return .timedOut }
            if errno != EINTR { return .failed(errnoText("poll")) }
            left = max(0, self.milliseconds(deadline - ContinuousClock.now))
        }
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    private static func errnoText(_ operation: String) -> String {
        "\(operation): \(String(cString: strerror(errno)))"
    }
}
