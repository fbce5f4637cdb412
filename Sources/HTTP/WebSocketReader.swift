/// Server-side reader of client frames (RFC 6455 §5), one event per `next()`.
///
/// Client frames must be masked, carry no reserved bits and a known opcode; control frames are
/// whole and at most 125 bytes and may come between the fragments of a message. A frame or a
/// message longer than `maxMessageBytes` fails with 1009 as soon as its header says so, before
/// its payload is held; text is checked as UTF-8 fragment by fragment (1007). Every other
/// violation is 1002. After `.failed` or `.close` the reader returns nil forever and drops
/// whatever else arrives.
package struct WebSocketReader: Sendable {
    private let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// The opcode of the fragmented message being assembled, nil between messages.
    private var messageOpcode: WebSocketOpcode?
    private var message: [UInt8] = []
    private var utf8 = UTF8Validator()
    private var ended = false

    package init(maxMessageBytes: Int = 16 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !ended else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    package mutating func append(_ bytes: [UInt8]) {
        guard !ended else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// True while a frame is partly received or a fragmented message is unfinished.
    package var hasPartialFrame: Bool {
        !ended && (start < buffer.count || messageOpcode != nil)
    }

    /// How many received bytes are held and not yet consumed.
    package var bufferedByteCount: Int { buffer.count - start }

    /// The next event, nil when more bytes are needed.
    package mutating func next() -> WebSocketEvent? {
        guard !ended else { return nil }
        while true {
            let event: WebSocketEvent?
            switch readFrame() {
            case .needMore:
                return nil
            case .failure(let code, let reason):
                event = .failed(code: code, reason: reason)
            case .frame(let header, let payload):
                event = handle(header, payload)
            }
            guard let event else { continue }
            switch event {
            case .failed, .close:
                ended = true
                buffer = []
                start = 0
                message = []
            default:
                break
            }
            return event
        }
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private struct FrameHeader {
        let fin: Bool
        let opcode: WebSocketOpcode
    }

    private enum FrameRead {
        case needMore
        case failure(UInt16, String)
        case frame(FrameHeader, [UInt8])
    }

    /// The next whole frame, unmasked; every check its header allows is made before its payload is awaited.
    private mutating func readFrame() -> FrameRead {
        let available = buffer.count - start
        guard available >= 2 else { return .needMore }
        let first = buffer[start], second = buffer[start + 1]
        guard first & 0x70 == 0 else { return .failure(1002, "reserved bits set") }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { return .failure(1002, "unknown opcode") }
        let fin = first & 0x80 != 0
        let shortLength = Int(second & 0x7F)
        guard second & 0x80 != 0 else { return .failure(1002, "client frame not masked") }
        if opcode.isControl {
            guard fin else { return .failure(1002, "fragmented control frame") }
            guard shortLength <= 125 else { return .failure(1002, "control frame longer than 125 bytes") }
        } else if opcode == .continuation {
            guard messageOpcode != nil else { return .failure(1002, "continuation without a message") }
        } else if messageOpcode != nil {
            return .failure(1002, "new message before the fragmented one ended")
        }
        let lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        guard available >= 2 + lengthBytes else { return .needMore }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = buffer[(start + 2)..<(start + 2 + lengthBytes)].reduce(0) { $0 << 8 | UInt64($1) }
            guard length >> 63 == 0 else { return .failure(1002, "64-bit length with the top bit set") }
        }
        let soFar = opcode.isControl ? 0 : message.count
        guard length <= UInt64(maxMessageBytes - soFar) else { return .failure(1009, "message too big") }
        let payloadStart = start + 2 + lengthBytes + 4
        let payloadLength = Int(length)
        guard buffer.count - payloadStart >= payloadLength else { return .needMore }
        let mask = Array(buffer[(payloadStart - 4)..<payloadStart])
        var payload = Array(buffer[payloadStart..<(payloadStart + payloadLength)])
        payload.withUnsafeMutableBufferPointer { bytes in
            for index in bytes.indices {
                bytes[index] ^= mask[index & 3]
            }
        }
        start = payloadStart + payloadLength
        return .frame(FrameHeader(fin: fin, opcode: opcode), payload)
    }

    /// The event a whole frame makes, nil for a fragment that does not end its message.
    private mutating func handle(_ header: FrameHeader, _ payload: [UInt8]) -> WebSocketEvent? {
        switch header.opcode {
        case .ping: return .ping(payload)
        case .pong: return .pong(payload)
        case .close: return Self.closeEvent(payload)
        case .text, .binary, .continuation:
            let opcode = header.opcode == .continuation ? messageOpcode ?? .binary : header.opcode
            if opcode == .text {
                guard utf8.feed(payload) else { return .failed(code: 1007, reason: "text is not UTF-8") }
            }
            guard header.fin else {
                messageOpcode = opcode
                message += payload
                return nil
            }
            let whole = messageOpcode == nil ? payload : message + payload
            messageOpcode = nil
            message = []
            if opcode == .text {
                defer { utf8 = UTF8Validator() }
                guard utf8.isComplete else { return .failed(code: 1007, reason: "text ends inside a character") }
                return .text(whole)
            }
            return .binary(whole)
        }
    }

    private static func closeEvent(_ payload: [UInt8]) -> WebSocketEvent {
        guard !payload.isEmpty else { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { return .failed(code: 1002, reason: "close payload of one byte") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isValidCloseCode(code) else { return .failed(code: 1002, reason: "invalid close code \(code)") }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else {
            return .failed(code: 1002, reason: "close reason is not UTF-8")
        }
        return .close(code: code, reason: reason)
    }

    /// RFC 6455 §7.4: the registered codes that may be sent (1004 is reserved; 1005, 1006 and 1015
    /// never go on the wire) and the ranges for libraries (3000-3999) and applications (4000-4999).
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
