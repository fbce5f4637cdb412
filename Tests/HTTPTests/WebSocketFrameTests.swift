import Testing
@testable import HTTP

/// Server frames and the opening handshake.
@Suite struct WebSocketFrameTests {
    @Test func encodesLengthsIn7_16And64Bits() {
        #expect(WebSocketFrame.encode(.text, Array("Hello".utf8)) == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrame.encode(.ping, Array("Hello".utf8)) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrame.encode(.binary, [UInt8](repeating: 0, count: 125)).prefix(2) == [0x82, 0x7D])
        let short = WebSocketFrame.encode(.binary, [UInt8](repeating: 7, count: 256))
        #expect(Array(short.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(short.count == 260)
        #expect(Array(WebSocketFrame.encode(.binary, [UInt8](repeating: 0, count: 65535)).prefix(4)) == [0x82, 0x7E, 0xFF, 0xFF])
        let long = WebSocketFrame.encode(.binary, [UInt8](repeating: 7, count: 65536))
        #expect(Array(long.prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
        #expect(long.count == 65546)
    }

    @Test func closeFramesFitTheirReasonAtACharacterBoundary() {
        #expect(WebSocketFrame.close(code: 1000) == [0x88, 0x02, 0x03, 0xE8])
        #expect(WebSocketFrame.close(code: 1009, reason: "big") == [0x88, 0x05, 0x03, 0xF1, 0x62, 0x69, 0x67])
        let cut = WebSocketFrame.close(code: 1011, reason: String(repeating: "я", count: 200))
        #expect(cut[1] == 124)
        #expect(String(validating: cut[4...], as: UTF8.self) == String(repeating: "я", count: 61))
    }

    @Test func acceptValueOfTheRFCExample() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    private func head(_ text: String) throws -> HTTPRequestHead {
        try #require(try Feeding.whole.requests(text).get().first).head
    }

    @Test func answersAnUpgradeWith101() throws {
        let request = try head("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                               + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let response = try WebSocketHandshake.response(to: request).get()
        #expect(String(decoding: response.serialized(keepAlive: true), as: UTF8.self)
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    }

    static let refusals: [(String, Int)] = [
        ("POST /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.0\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: not base64!\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426),
        ("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", 426),
    ]

    @Test(arguments: refusals)
    func refusesABadUpgrade(_ text: String, _ status: Int) throws {
        guard case .failure(let response) = WebSocketHandshake.response(to: try head(text)) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(response.status == status)
        #expect(response.headers["Sec-WebSocket-Version"] == (status == 426 ? "13" : nil))
    }
}
