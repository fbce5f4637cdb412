#if canImport(Glibc)
import Glibc
#endif

/// `POST /rpc` on one keep-alive HTTP/1.1 connection: each request carries one JSON-RPC
/// message with its bearer token; each `200` response's body (framed by `Content-Length`) is
/// the reply. Requests may be pipelined: the server answers them in order.
///
/// Any other status (401 for a bad token, 503 when the bridge is full), a response without
/// `Content-Length` or one with `Transfer-Encoding` ends the connection, with the status line
/// and the start of the body as the reason.
struct HTTPFraming: MessageFraming {
    /// The request line and headers up to `Content-Length: `, serialized once.
    private let head: [UInt8]
    private let message = ByteBuffer(capacity: 4 << 10)
    /// A response head longer than this is not crmd's.
    static let maxHeadBytes = 64 << 10

    init(url: BridgeURL, token: String) {
        head = Array(("POST \(url.path) HTTP/1.1\r\nHost: \(url.authority)\r\nAuthorization: Bearer \(token)\r\n"
                      + "Content-Type: application/json\r\nContent-Length: ").utf8)
    }

    @inline(__always)
    mutating func appendRequest<Source: RequestSource>(_ source: Source, index: UInt64, id: UInt64, to buffer: ByteBuffer) {
        message.setMessage(source, index: index, id: id)
        buffer.append(head)
        buffer.appendDecimal(UInt64(message.count))
        buffer.append(0x0D)
        buffer.append(0x0A)
        buffer.append(0x0D)
        buffer.append(0x0A)
        buffer.append(message.base, message.count)
    }

    mutating func nextReply(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> FramedReply? {
        guard let headEnd = Self.blankLine(base, from: start, to: end) else {
            return end - start > Self.maxHeadBytes ? .broken("a response head over \(Self.maxHeadBytes) bytes") : nil
        }
        let response = ResponseHead(base, from: start, to: headEnd)
        guard let status = response.status else {
            return .broken("not an HTTP response: " + Self.text(base + start, min(headEnd - start, 200)))
        }
        if response.hasTransferEncoding { return .broken("a response with Transfer-Encoding (crmd sends Content-Length)") }
        guard let length = response.contentLength else { return .broken("a response without Content-Length") }
        let body = headEnd + 4
        guard end - body >= length else { return nil }
        guard status == 200 else {
            return .broken(Self.text(base + start, response.statusLineLength) + ": " + Self.text(base + body, min(length, 300)))
        }
        return .message(body: body, length: length, next: body + length)
    }

    @inline(__always)
    mutating func consumed(_ count: Int) {}

    /// Where the `\r\n\r\n` that ends a head starts in `p[start..<end]`.
    private static func blankLine(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var from = start + 3
        while from < end, let found = memchr(p + from, 0x0A, end - from) {
            let newline = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - p
            if p[newline - 1] == 0x0D && p[newline - 2] == 0x0A && p[newline - 3] == 0x0D { return newline - 3 }
            from = newline + 1
        }
        return nil
    }

    static func text(_ p: UnsafePointer<UInt8>, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: max(0, length)), as: UTF8.self)
    }
}

/// The fields of a response head the load generator needs, read without copying.
struct ResponseHead {
    /// The status code; nil when the head does not start `HTTP/1.x NNN`.
    var status: Int?
    var statusLineLength = 0
    var contentLength: Int?
    var hasTransferEncoding = false

    /// Reads the head at `p[start..<end]` (the status line and headers, without the blank line).
    init(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        var lineStart = start
        var first = true
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end && p[lineEnd] != 0x0D { lineEnd += 1 }
            if first {
                statusLineLength = lineEnd - lineStart
                status = Self.statusCode(p + lineStart, lineEnd - lineStart)
                first = false
            } else if let value = Self.value(of: "content-length", p, lineStart, lineEnd) {
                contentLength = Self.decimal(p, value, lineEnd)
            } else if Self.value(of: "transfer-encoding", p, lineStart, lineEnd) != nil {
                hasTransferEncoding = true
            }
            lineStart = lineEnd + 2
        }
    }

    /// `NNN` of `HTTP/1.x NNN ...`.
    private static func statusCode(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        let prefix: StaticString = "HTTP/1."
        guard length >= 12, memcmp(p, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0, p[8] == 0x20 else { return nil }
        var code = 0
        for k in 9..<12 {
            let digit = Int(p[k]) - 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            code = code * 10 + digit
        }
        return code
    }

    /// Where the value of header `name` (lowercase) starts on the line `p[start..<end]`, after
    /// the colon and blanks; nil when the line is another header.
    private static func value(of name: StaticString, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let count = name.utf8CodeUnitCount
        guard end - start > count, p[start + count] == UInt8(ascii: ":") else { return nil }
        let letters = name.utf8Start
        for k in 0..<count {
            let byte = p[start + k]
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
            if lower != letters[k] { return nil }
        }
        var i = start + count + 1
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        return i
    }

    /// The decimal number at `p[start..<end]` (trailing blanks allowed); nil when it is not one.
    private static func decimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var value = 0
        var i = start
        while i < end, p[i] >= 0x30, p[i] <= 0x39, value < Int.max / 10 - 9 {
            value = value * 10 + Int(p[i] - 0x30)
            i += 1
        }
        guard i > start else { return nil }
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        return i == end ? value : nil
    }
}
