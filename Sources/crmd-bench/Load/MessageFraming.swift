#if canImport(Glibc)
import Glibc
#endif

/// What a framing found at the front of the received bytes.
enum FramedReply {
    /// One JSON-RPC message at `body..<body + length`; its framing ends at `next`.
    case message(body: Int, length: Int, next: Int)
    /// Bytes that carry no message (an empty line, a WebSocket ping); they end at `next`.
    case skip(next: Int)
    /// The stream cannot go on: a refusal status, a close frame, bytes that are no reply.
    case broken(String)
}

/// How one transport wraps each request and delimits each reply: newline-delimited JSON on
/// the Unix socket, HTTP/1.1 requests and responses, or WebSocket frames.
///
/// Used in the load generator's hot loop, one value per connection thread: implementations
/// work on raw bytes and never parse JSON.
protocol MessageFraming {
    /// Appends request number `index` of `source`, with JSON-RPC id `id`, framed for the wire.
    mutating func appendRequest<Source: RequestSource>(_ source: Source, index: UInt64, id: UInt64, to buffer: ByteBuffer)

    /// The reply at `base[start..<end]`, nil while it is incomplete.
    mutating func nextReply(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> FramedReply?

    /// The first `count` bytes were dropped from the front of the received bytes.
    mutating func consumed(_ count: Int)
}

/// The Unix socket's framing: one message per line, as the source writes it.
struct LineFraming: MessageFraming {
    /// Where the search for the next newline resumes: the bytes before it hold none.
    private var searched = 0

    @inline(__always)
    mutating func appendRequest<Source: RequestSource>(_ source: Source, index: UInt64, id: UInt64, to buffer: ByteBuffer) {
        source.append(index: index, id: id, to: buffer)
    }

    @inline(__always)
    mutating func nextReply(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> FramedReply? {
        let from = max(start, searched)
        guard from < end, let newline = memchr(base + from, 0x0A, end - from) else {
            searched = end
            return nil
        }
        let lineEnd = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) - base
        searched = lineEnd + 1
        if lineEnd == start { return .skip(next: lineEnd + 1) }
        return .message(body: start, length: lineEnd - start, next: lineEnd + 1)
    }

    @inline(__always)
    mutating func consumed(_ count: Int) {
        searched = max(0, searched - count)
    }
}

extension ByteBuffer {
    /// The bytes `source` writes for one request, without the newline that ends them (the
    /// HTTP and WebSocket framings carry the message's length instead).
    @inline(__always)
    func setMessage<Source: RequestSource>(_ source: Source, index: UInt64, id: UInt64) {
        clear()
        source.append(index: index, id: id, to: self)
        if count > 0 && base[count - 1] == 0x0A { count -= 1 }
    }
}
