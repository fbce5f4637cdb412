#if canImport(Glibc)
import Glibc
#endif

/// JSON-RPC over a WebSocket opened by `WebSocketOpening`: each request one masked text frame
/// (RFC 6455 §5.3: a client masks every frame, with a fresh key each), each reply one
/// unmasked text frame from the server, in order.
///
/// crmd sends every message as a single frame and never pings a client, so a fragmented or
/// binary message, a masked server frame or a close frame ends the connection with the reason;
/// a ping or pong is skipped.
struct WebSocketFraming: MessageFraming {
    private let message = ByteBuffer(capacity: 4 << 10)
    /// xorshift64 state for the masking keys: unpredictable enough for a load generator.
    private var random: UInt64

    init() {
        random = UInt64.random(in: 1 ... .max)
    }

    @inline(__always)
    private mutating func nextKey() -> UInt32 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return UInt32(truncatingIfNeeded: random)
    }

    @inline(__always)
    mutating func appendRequest<Source: RequestSource>(_ source: Source, index: UInt64, id: UInt64, to buffer: ByteBuffer) {
        message.setMessage(source, index: index, id: id)
        let length = message.count
        buffer.reserve(14 + length)
        buffer.append(0x81)  // FIN, text
        if length < 126 {
            buffer.append(0x80 | UInt8(length))
        } else if length <= 0xFFFF {
            buffer.append(0x80 | 126)
            buffer.append(UInt8(length >> 8))
            buffer.append(UInt8(length & 0xFF))
        } else {
            buffer.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
        let key = nextKey()
        withUnsafeBytes(of: key) { buffer.append($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 4) }
        Self.mask(message.base, length, key: key, into: buffer.base + buffer.count)
        buffer.count += length
    }

    /// Writes `length` bytes at `source` XORed with `key`'s bytes in turn (as they lie in memory).
    @inline(__always)
    private static func mask(_ source: UnsafePointer<UInt8>, _ length: Int, key: UInt32, into target: UnsafeMutablePointer<UInt8>) {
        let wide = UInt64(key) | UInt64(key) << 32
        var i = 0
        while i + 8 <= length {
            let word = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self) ^ wide
            UnsafeMutableRawPointer(target + i).storeBytes(of: word, as: UInt64.self)
            i += 8
        }
        withUnsafeBytes(of: key) { keyBytes in
            while i < length {
                target[i] = source[i] ^ keyBytes[i & 3]
                i += 1
            }
        }
    }

    mutating func nextReply(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> FramedReply? {
        guard end - start >= 2 else { return nil }
        let first = base[start]
        let second = base[start + 1]
        guard second & 0x80 == 0 else { return .broken("a masked frame from the server (RFC 6455 §5.1 forbids it)") }
        var header = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard end - start >= 4 else { return nil }
            length = Int(base[start + 2]) << 8 | Int(base[start + 3])
            header = 4
        } else if length == 127 {
            guard end - start >= 10 else { return nil }
            var wide: UInt64 = 0
            for k in 2..<10 { wide = wide << 8 | UInt64(base[start + k]) }
            guard wide <= UInt64(Int32.max) else { return .broken("a frame of \(wide) bytes") }
            length = Int(wide)
            header = 10
        }
        let body = start + header
        guard end - body >= length else { return nil }
        let next = body + length
        switch (first & 0x80 != 0, first & 0x0F) {
        case (true, 0x1):
            return .message(body: body, length: length, next: next)
        case (true, 0x9), (true, 0xA):
            return .skip(next: next)
        case (_, 0x8):
            return .broken("the server closed the WebSocket: " + Self.closeReason(base + body, length))
        default:
            return .broken("an unexpected frame (first byte 0x\(String(first, radix: 16))): crmd sends each reply as one text frame")
        }
    }

    @inline(__always)
    mutating func consumed(_ count: Int) {}

    /// `code reason` of a close frame's payload.
    private static func closeReason(_ p: UnsafePointer<UInt8>, _ length: Int) -> String {
        guard length >= 2 else { return "no code" }
        return "\(Int(p[0]) << 8 | Int(p[1])) " + HTTPFraming.text(p + 2, length - 2)
    }
}
