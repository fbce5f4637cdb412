/// Frame opcodes of RFC 6455 §5.2.
package enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10

    var isControl: Bool { rawValue >= 8 }
}

/// Frames the server sends: never masked, always whole (FIN set).
package enum WebSocketFrame {
    /// One frame of `opcode` with `payload`, its length in 7, 16 or 64 bits as it needs.
    package static func encode(_ opcode: WebSocketOpcode, _ payload: [UInt8]) -> [UInt8] {
        var frame = [UInt8]()
        frame.reserveCapacity(payload.count + 10)
        append(opcode, payload, to: &frame)
        return frame
    }

    /// Appends the same frame to `frame` (several frames written with one send).
    package static func append(_ opcode: WebSocketOpcode, _ payload: [UInt8], to frame: inout [UInt8]) {
        frame.append(0x80 | opcode.rawValue)
        switch payload.count {
        case ..<126:
            frame.append(UInt8(payload.count))
        case ..<65536:
            frame += [126, UInt8(payload.count >> 8), UInt8(truncatingIfNeeded: payload.count)]
        default:
            frame.append(127)
            for shift in stride(from: 56, through: 0, by: -8) {
                frame.append(UInt8(truncatingIfNeeded: UInt64(payload.count) >> UInt64(shift)))
            }
        }
        frame += payload
    }

    /// A close frame with `code` and `reason`, the reason cut at a character boundary to fit the
    /// 125 bytes a control frame may carry.
    package static func close(code: UInt16, reason: String = "") -> [UInt8] {
        var payload = [UInt8(code >> 8), UInt8(truncatingIfNeeded: code)]
        for character in reason {
            let bytes = character.utf8
            guard payload.count + bytes.count <= 125 else { break }
            payload += bytes
        }
        return encode(.close, payload)
    }
}

/// What `WebSocketReader` read from the client.
package enum WebSocketEvent: Sendable, Equatable {
    /// A whole message, fragments assembled, valid UTF-8.
    case text([UInt8])
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// The peer's close frame (code nil when its payload was empty); the server echoes a close and ends.
    case close(code: UInt16?, reason: String)
    /// A protocol violation: the server sends a close with this code and closes the connection.
    case failed(code: UInt16, reason: String)
}
