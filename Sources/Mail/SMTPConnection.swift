import Net

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

    private let stream: TCPStream
    private var buffer: [UInt8] = []
    private let timeout: Duration

    init(host: String, port: Int, timeout: Duration) throws(MailError) {
        self.timeout = timeout
        do {
            stream = try TCPStream(host: host, port: port, timeout: timeout)
        } catch {
            throw Self.mailError(error)
        }
    }

    func disconnect() {
        stream.close()
    }

    /// Sends a command line (CRLF is appended) and reads the reply.
    func command(_ line: String) throws(MailError) -> Reply {
        try write(Array((line + "\r\n").utf8))
        return try readReply()
    }

    /// Writes all bytes, waiting at most `timeout` for each chunk to be accepted.
    func write(_ bytes: [UInt8]) throws(MailError) {
        do {
            try stream.write(bytes, timeout: timeout)
        } catch {
            throw Self.mailError(error)
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
            let chunk: [UInt8]
            do {
                chunk = try stream.read(maximum: 4096, deadline: deadline)
            } catch {
                throw Self.mailError(error)
            }
            if chunk.isEmpty { throw .connectionFailed("connection closed by server") }
            buffer += chunk
        }
    }

    private static func mailError(_ error: NetError) -> MailError {
        switch error {
        case .timeout: .timeout
        case .connectionFailed(let text): .connectionFailed(text)
        }
    }
}
