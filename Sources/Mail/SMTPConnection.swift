#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking TCP connection that speaks SMTP lines and replies, with a deadline on every
/// connect, read and write.
///
/// The rule it keeps: the socket is non-blocking and every wait goes through `poll`, so no call
/// waits longer than `timeout`; writes use MSG_NOSIGNAL, so a closed peer is an error, never SIGPIPE.
final class SMTPConnection {
    /// One SMTP reply: the three-digit code and the text of each line.
    struct Reply {
        var code: Int
        var lines: [String]
        var message: String { lines.joined(separator: " ") }
    }

    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private let timeout: Duration

    init(host: String, port: Int, timeout: Duration) throws(MailError) {
        self.timeout = timeout
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
            guard errno == EINPROGRESS else { lastError = Self.errnoText("connect to \(host):\(port)"); close(socketFD); continue }
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
            close(socketFD)
        }
        if timedOut { throw .timeout }
        throw .connectionFailed(lastError)
    }

    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { _ = close(fd); fd = -1 }
    }

    /// Sends a command line (CRLF is appended) and reads the reply.
    func command(_ line: String) throws(MailError) -> Reply {
        try write(Array((line + "\r\n").utf8))
        return try readReply()
    }

    /// Writes all bytes, waiting at most `timeout` for each chunk to be accepted.
    func write(_ bytes: [UInt8]) throws(MailError) {
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

    /// Reads one (possibly multi-line, RFC 5321 §4.2.1) reply within `timeout`.
    func readReply() throws(MailError) -> Reply {
        let deadline = ContinuousClock.now + timeout
        var lines: [String] = []
        while true {
            let line = try readLine(deadline: deadline)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
                  bytes.count == 3 || bytes[3] == 0x20 || bytes[3] == 0x2D
            else { throw .protocolError(code: 0, message: "not an SMTP reply: \(line.prefix(200))") }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            if bytes.count == 3 || bytes[3] == 0x20 { return Reply(code: code, lines: lines) }
        }
    }

    private func readLine(deadline: ContinuousClock.Instant) throws(MailError) -> String {
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                var end = lf
                if end > 0 && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(lf + 1)
                return line
            }
            if buffer.count > 65_536 { throw .protocolError(code: 0, message: "reply line too long") }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timeout }
            switch Self.wait(fd, for: Int16(POLLIN), milliseconds: Self.milliseconds(remaining)) {
            case .ready: break
            case .timedOut: throw .timeout
            case .failed(let text): throw .connectionFailed(text)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 {
                throw .connectionFailed("connection closed by server")
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                throw .connectionFailed(Self.errnoText("recv"))
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

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    private static func errnoText(_ operation: String) -> String {
        "\(operation): \(String(cString: strerror(errno)))"
    }
}
