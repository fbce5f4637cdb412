import Glibc

/// Splits one connection's byte stream into messages: a pure state machine, fed arbitrary
/// chunks with `append`, drained with `next()` until it returns nil.
///
/// The framing is detected from the first non-whitespace bytes: a `Content-Length:` header
/// (name case-insensitive) means LSP-style framing (headers, an empty line, then exactly that
/// many bytes); anything else means newline-delimited JSON (`\n` or `\r\n`, blank lines
/// ignored). A newline-delimited message over the limit is skipped up to its newline without
/// being buffered; an oversized or unreadable LSP frame fails the stream, since it cannot be
/// resynchronised. Memory stays within the limit plus one appended chunk.
public struct MessageFramer: Sendable {
    public enum Framing: Sendable, Equatable {
        case newlineDelimited
        case contentLength
    }

    public enum FramingError: Error, Sendable, Equatable {
        case messageTooLarge(limit: Int)
        case malformedHeader(String)
    }

    public enum Event: Sendable, Equatable {
        case message([UInt8])
        /// The offending message was dropped; the stream goes on after it.
        case skipped(FramingError)
        /// The stream cannot be resynchronised: answer, then close. No event follows.
        case failed(FramingError)
    }

    private enum State: Sendable {
        case detecting
        case lines(discarding: Bool)
        case headers
        case body(length: Int)
        case stopped
    }

    /// The most bytes a header block may have, its closing blank line included, however
    /// the bytes arrive (in one read or many).
    public static let maxHeaderSize = 16 << 10
    static let retainedCapacity = 1 << 20

    public let maxMessageSize: Int
    /// nil until the first non-whitespace bytes have decided it.
    public private(set) var framing: Framing?

    private var state = State.detecting
    private var buffer: [UInt8] = []
    /// Bytes before it are consumed.
    private var readIndex = 0
    /// Bytes of the message under way already consumed: its headers, or the part of an
    /// oversized line skipped so far.
    private var consumedOfMessage = 0
    /// Bytes before it (and after `readIndex`) are known not to hold the delimiter looked for.
    private var scanIndex = 0

    public init(maxMessageSize: Int) {
        self.maxMessageSize = max(0, maxMessageSize)
    }

    /// Bytes held while waiting for the rest of a message.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Bytes received of a message that is not complete yet — buffered, or already consumed as
    /// its headers or as the skipped part of an oversized line; 0 between messages.
    public var pendingMessageBytes: Int { isStopped ? 0 : consumedOfMessage + bufferedByteCount }

    /// True once the stream failed or `finish()` was called: nothing more will come out.
    public var isStopped: Bool {
        if case .stopped = state { return true }
        return false
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if isStopped || bytes.isEmpty { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete message or framing error, or nil when more input is needed.
    public mutating func next() -> Event? {
        while true {
            switch state {
            case .detecting:
                guard detectFraming() else { return nil }
            case .lines(let discarding):
                return nextLine(discarding: discarding)
            case .headers, .body:
                return nextFrame()
            case .stopped:
                return nil
            }
        }
    }

    /// At the end of input, after `next()` returned nil: a last newline-delimited message
    /// without its newline is still a message; an incomplete LSP frame is dropped.
    public mutating func finish() -> Event? {
        defer {
            state = .stopped
            buffer = []
            readIndex = 0
            scanIndex = 0
            consumedOfMessage = 0
        }
        switch state {
        case .detecting, .lines(discarding: false):
            return lineEvent(readIndex..<buffer.count)
        case .lines(discarding: true), .headers, .body, .stopped:
            return nil
        }
    }

    /// Appends `body` to `out` framed for the wire.
    public static func frame(_ body: [UInt8], as framing: Framing, into out: inout [UInt8]) {
        switch framing {
        case .newlineDelimited:
            out.append(contentsOf: body)
            out.append(0x0A)
        case .contentLength:
            appendHeader(contentLength: body.count, into: &out)
            out.append(contentsOf: body)
        }
    }

    /// Appends the header block that announces a body of `contentLength` bytes.
    static func appendHeader(contentLength: Int, into out: inout [UInt8]) {
        out.append(contentsOf: "Content-Length: \(contentLength)\r\n\r\n".utf8)
    }

    // MARK: - Detection

    private static let headerPrefix: [UInt8] = Array("content-length:".utf8)

    private mutating func detectFraming() -> Bool {
        while readIndex < buffer.count, Self.isWhitespace(buffer[readIndex]) { readIndex += 1 }
        let available = min(buffer.count - readIndex, Self.headerPrefix.count)
        for offset in 0..<available where Self.lowercased(buffer[readIndex + offset]) != Self.headerPrefix[offset] {
            framing = .newlineDelimited
            state = .lines(discarding: false)
            scanIndex = readIndex
            return true
        }
        guard available == Self.headerPrefix.count else { return false }
        framing = .contentLength
        state = .headers
        scanIndex = readIndex
        return true
    }

    // MARK: - Newline-delimited

    private mutating func nextLine(discarding: Bool) -> Event? {
        var discarding = discarding
        while true {
            guard let newline = find(0x0A, from: max(scanIndex, readIndex)) else {
                if discarding || buffer.count - readIndex - 1 > maxMessageSize {
                    consumedOfMessage += buffer.count - readIndex
                    readIndex = buffer.count
                    scanIndex = readIndex
                    state = .lines(discarding: true)
                    return discarding ? nil : .skipped(.messageTooLarge(limit: maxMessageSize))
                }
                scanIndex = buffer.count
                return nil
            }
            let start = readIndex
            readIndex = newline + 1
            scanIndex = readIndex
            if discarding {
                discarding = false
                consumedOfMessage = 0
                state = .lines(discarding: false)
                continue
            }
            if let event = lineEvent(start..<newline) { return event }
        }
    }

    private func lineEvent(_ range: Range<Int>) -> Event? {
        var end = range.upperBound
        if end > range.lowerBound && buffer[end - 1] == 0x0D { end -= 1 }
        let line = range.lowerBound..<end
        if line.count > maxMessageSize { return .skipped(.messageTooLarge(limit: maxMessageSize)) }
        if line.isEmpty || (Self.isWhitespace(buffer[line.lowerBound]) && buffer[line].allSatisfy(Self.isWhitespace)) {
            return nil
        }
        return .message(Array(buffer[line]))
    }

    // MARK: - Content-Length

    private mutating func nextFrame() -> Event? {
        if case .body(let length) = state {
            guard buffer.count - readIndex >= length else { return nil }
            let message = Array(buffer[readIndex..<readIndex + length])
            readIndex += length
            scanIndex = readIndex
            consumedOfMessage = 0
            state = .headers
            return .message(message)
        }
        if scanIndex <= readIndex {
            while readIndex < buffer.count, Self.isWhitespace(buffer[readIndex]) { readIndex += 1 }
            scanIndex = readIndex
        }
        while let newline = find(0x0A, from: scanIndex) {
            let lineStart = scanIndex
            scanIndex = newline + 1
            if scanIndex - readIndex > Self.maxHeaderSize { return failHeadersTooLong() }
            let isBlank = newline == lineStart || (newline == lineStart + 1 && buffer[lineStart] == 0x0D)
            guard isBlank else { continue }
            switch HeaderParser.contentLength(of: buffer[readIndex..<lineStart], limit: maxMessageSize) {
            case .success(let length):
                consumedOfMessage = scanIndex - readIndex
                readIndex = scanIndex
                state = .body(length: length)
                return nextFrame()
            case .failure(let error):
                return fail(error)
            }
        }
        if buffer.count - readIndex > Self.maxHeaderSize { return failHeadersTooLong() }
        return nil
    }

    private mutating func failHeadersTooLong() -> Event {
        fail(.malformedHeader("headers longer than \(Self.maxHeaderSize) bytes"))
    }

    private mutating func fail(_ error: FramingError) -> Event {
        consumedOfMessage = 0
        state = .stopped
        buffer = []
        readIndex = 0
        scanIndex = 0
        return .failed(error)
    }

    // MARK: - Buffer

    /// Drops consumed bytes; gives back the memory of a large message once it is consumed.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        let remaining = buffer.count - readIndex
        if buffer.capacity > Self.retainedCapacity && remaining < Self.retainedCapacity / 2 {
            buffer = Array(buffer[readIndex...])
        } else if remaining == 0 {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeSubrange(0..<readIndex)
        }
        scanIndex = max(0, scanIndex - readIndex)
        readIndex = 0
    }

    private func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base + start, Int32(byte), raw.count - start) else {
                return nil
            }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }
}

extension MessageFramer.FramingError {
    /// The error answered for it, with `"id": null`.
    public var rpcError: RPCError {
        switch self {
        case .messageTooLarge(let limit): .messageTooLarge(limit: limit)
        case .malformedHeader(let detail): .malformedHeader(detail)
        }
    }
}
