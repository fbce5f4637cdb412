import Testing
@testable import HTTP

/// How a test hands bytes to a parser: all at once, or one byte per `append` with `next()` after each.
enum Feeding: String, CaseIterable, CustomTestStringConvertible {
    case whole, bytewise

    var testDescription: String { rawValue }
}

extension Feeding {
    /// Every request the bytes hold, or the error the parser stops with.
    func requests(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Result<[HTTPRequest], HTTPParseError> {
        var parser = HTTPRequestParser(limits: limits)
        var requests = [HTTPRequest]()
        let pieces = self == .whole ? [bytes[...]] : bytes.indices.map { bytes[$0...$0] }
        do {
            for piece in pieces {
                parser.append(Array(piece))
                while let request = try parser.next() {
                    requests.append(request)
                }
            }
        } catch {
            return .failure(error)
        }
        return .success(requests)
    }

    func requests(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Result<[HTTPRequest], HTTPParseError> {
        requests(Array(text.utf8), limits: limits)
    }

    /// Every event the bytes make for a reader.
    func events(_ bytes: [UInt8], maxMessageBytes: Int = 16 << 20) -> [WebSocketEvent] {
        var reader = WebSocketReader(maxMessageBytes: maxMessageBytes)
        var events = [WebSocketEvent]()
        let pieces = self == .whole ? [bytes[...]] : bytes.indices.map { bytes[$0...$0] }
        for piece in pieces {
            reader.append(Array(piece))
            while let event = reader.next() {
                events.append(event)
            }
        }
        return events
    }
}

extension Result where Success == [HTTPRequest], Failure == HTTPParseError {
    var requests: [HTTPRequest] { (try? get()) ?? [] }
    var error: HTTPParseError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A masked client frame, built independently of the code under test.
func clientFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
    var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
    if payload.count < 126 {
        frame.append(0x80 | UInt8(payload.count))
    } else if payload.count < 65536 {
        frame += [0x80 | 126, UInt8(payload.count / 256), UInt8(payload.count % 256)]
    } else {
        frame.append(0x80 | 127)
        frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
    }
    frame += mask
    frame += payload.enumerated().map { $1 ^ mask[$0 % 4] }
    return frame
}
