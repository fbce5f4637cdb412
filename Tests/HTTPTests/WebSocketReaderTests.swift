import Testing
@testable import HTTP

/// Client frames as RFC 6455 §5.7 shows them, fed whole and a byte at a time, and every violation with its close code.
@Suite struct WebSocketReaderTests {
    private static let hello = Array("Hello".utf8)
    private var hello: [UInt8] { Self.hello }

    @Test(arguments: Feeding.allCases)
    func readsTheRFCExamples(_ feeding: Feeding) {
        #expect(feeding.events([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]) == [.text(hello)])
        #expect(feeding.events([0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]) == [.pong(hello)])
        #expect(feeding.events(clientFrame(0x1, Array("Hel".utf8), fin: false) + clientFrame(0x0, Array("lo".utf8))) == [.text(hello)])
        #expect(feeding.events(clientFrame(0x9, hello, mask: [1, 2, 3, 4])) == [.ping(hello)])
        let short = (0..<256).map { UInt8($0) }
        #expect(Array(clientFrame(0x2, short).prefix(4)) == [0x82, 0xFE, 0x01, 0x00])
        #expect(feeding.events(clientFrame(0x2, short)) == [.binary(short)])
    }

    @Test func readsA64KiBFrame() {
        let long = (0..<65536).map { UInt8($0 % 253) }
        let frame = clientFrame(0x2, long)
        #expect(Array(frame.prefix(10)) == [0x82, 0xFF, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
        #expect(Feeding.whole.events(frame) == [.binary(long)])
        var reader = WebSocketReader()
        for byte in frame.dropLast() {
            reader.append([byte])
            #expect(reader.next() == nil)
        }
        #expect(reader.hasPartialFrame)
        reader.append([frame.last!])
        #expect(reader.next() == .binary(long))
        #expect(!reader.hasPartialFrame)
    }

    @Test(arguments: Feeding.allCases)
    func controlFramesComeBetweenFragments(_ feeding: Feeding) {
        let bytes = clientFrame(0x1, [0xD0], fin: false) + clientFrame(0x9, [7]) + clientFrame(0x0, [0xBF, 0x21], fin: false)
            + clientFrame(0xA, []) + clientFrame(0x0, []) + clientFrame(0x2, [1, 2])
        #expect(feeding.events(bytes) == [.ping([7]), .pong([]), .text(Array("п!".utf8)), .binary([1, 2])])
    }

    @Test(arguments: Feeding.allCases)
    func readsCloses(_ feeding: Feeding) {
        #expect(feeding.events(clientFrame(0x8, [])) == [.close(code: nil, reason: "")])
        #expect(feeding.events(clientFrame(0x8, [0x03, 0xE8] + Array("пока".utf8)) + clientFrame(0x1, hello)) == [.close(code: 1000, reason: "пока")])
        for code: UInt16 in [1000, 1001, 1003, 1007, 1011, 1012, 1014, 3000, 4999] {
            #expect(feeding.events(clientFrame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)])) == [.close(code: code, reason: "")])
        }
    }

    static let violations: [(String, [UInt8], UInt16)] = [
        ("unmasked", [0x81, 0x05] + Array("Hello".utf8), 1002),
        ("reserved bit", [0xC1] + clientFrame(0x1, []).dropFirst(), 1002),
        ("unknown opcode", clientFrame(0x3, []), 1002),
        ("unknown control opcode", clientFrame(0xB, []), 1002),
        ("long control frame", clientFrame(0x9, [UInt8](repeating: 0, count: 126)), 1002),
        ("fragmented control frame", clientFrame(0x9, [], fin: false), 1002),
        ("64-bit length with the top bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1], 1002),
        ("continuation without a message", clientFrame(0x0, Self.hello), 1002),
        ("new message while fragmenting", clientFrame(0x1, Self.hello, fin: false) + clientFrame(0x1, Self.hello), 1002),
        ("binary while fragmenting text", clientFrame(0x1, Self.hello, fin: false) + clientFrame(0x2, Self.hello), 1002),
        ("text not UTF-8", clientFrame(0x1, [0x48, 0xFF]), 1007),
        ("overlong form", clientFrame(0x1, [0xC0, 0xAF]), 1007),
        ("surrogate", clientFrame(0x1, [0xED, 0xA0, 0x80]), 1007),
        ("past U+10FFFF", clientFrame(0x1, [0xF4, 0x90, 0x80, 0x80]), 1007),
        ("text ends inside a character", clientFrame(0x1, [0x41, 0xD0]), 1007),
        ("bad UTF-8 in a first fragment", clientFrame(0x1, [0xFF], fin: false), 1007),
        ("bad UTF-8 across fragments", clientFrame(0x1, [0xE2, 0x82], fin: false) + clientFrame(0x0, [0x41]), 1007),
        ("close of one byte", clientFrame(0x8, [0x03]), 1002),
        ("close reason not UTF-8", clientFrame(0x8, [0x03, 0xE8, 0xFF]), 1002),
    ] + [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535].map { (code: Int) in
        ("close code \(code)", clientFrame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)]), UInt16(1002))
    }

    @Test(arguments: violations, Feeding.allCases)
    func fails(_ violation: (String, [UInt8], UInt16), _ feeding: Feeding) throws {
        let (name, bytes, expected) = violation
        let events = feeding.events(bytes + clientFrame(0x1, hello))
        try #require(events.count == 1, "\(name): \(events)")
        guard case .failed(let code, _) = events[0] else {
            Issue.record("\(name): \(events[0])")
            return
        }
        #expect(code == expected, "\(name)")
    }

    @Test func refusesAnOversizedFrameFromItsHeaderAlone() {
        var reader = WebSocketReader(maxMessageBytes: 1000)
        reader.append([0x82, 0xFE, 0x03, 0xE9])            // 1001 bytes announced, no mask nor payload yet
        #expect(reader.next() == .failed(code: 1009, reason: "message too big"))
        reader.append(clientFrame(0x1, hello))
        #expect(reader.next() == nil)
        #expect(!reader.hasPartialFrame)
        #expect(reader.bufferedByteCount == 0)
    }

    @Test func refusesAMessageWhoseFragmentsPassTheLimit() {
        let bytes = clientFrame(0x2, [UInt8](repeating: 1, count: 600), fin: false) + clientFrame(0x0, [UInt8](repeating: 2, count: 401))
        #expect(Feeding.whole.events(bytes, maxMessageBytes: 1000) == [.failed(code: 1009, reason: "message too big")])
        let fitting = clientFrame(0x2, [UInt8](repeating: 1, count: 600), fin: false) + clientFrame(0x0, [UInt8](repeating: 2, count: 400))
        #expect(Feeding.whole.events(fitting, maxMessageBytes: 1000).count == 1)
    }

    @Test func nothingAfterAClose() {
        var reader = WebSocketReader()
        reader.append(clientFrame(0x8, [0x03, 0xE8]) + clientFrame(0x1, hello))
        #expect(reader.next() == .close(code: 1000, reason: ""))
        #expect(reader.next() == nil)
        reader.append(clientFrame(0x1, hello))
        #expect(reader.next() == nil)
    }
}
