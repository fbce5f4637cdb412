import Testing
@testable import HTTP

/// Each malformed request gets its status, fed whole and a byte at a time; limits hold without buffering past them.
@Suite struct HTTPRequestParserErrorTests {
    static let refused: [(String, Int)] = [
        ("GET / HTTP/1.1\nHost: h\n\n", 400),                                   // bare LF
        ("GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400),                  // bare CR
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /\r\nHost: h\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTQ/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\n\r\n", 505),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),                            // whitespace before the colon
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400),               // obs-fold
        ("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),                                        // 1.1 without Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),                     // absolute-form
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%4 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%00 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%FF HTTP/1.1\r\nHost: h\r\n\r\n", 400),                          // not UTF-8
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3a\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 16777217\r\n\r\n", 413),  // refused before any body byte
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1000001\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\n\r\n", 400),
    ]

    @Test(arguments: refused, Feeding.allCases)
    func refuses(_ request: (String, Int), _ feeding: Feeding) {
        let (text, status) = request
        #expect(feeding.requests(text).error?.status == status)
    }

    @Test func chunksPastTheBodyLimitAreRefusedAsTheirSizeArrives() {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 10
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Feeding.whole.requests(head + "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n", limits: limits).requests.map(\.body) == [Array("abcdefghij".utf8)])
        #expect(Feeding.whole.requests(head + "5\r\nabcde\r\n6\r\n", limits: limits).error == .bodyTooLarge)
        #expect(Feeding.whole.requests("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits).error == .bodyTooLarge)
    }

    @Test func tooManyHeaderFields() {
        var limits = HTTPLimits()
        limits.maxHeaderCount = 3
        #expect(Feeding.whole.requests("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).requests.count == 1)
        #expect(Feeding.whole.requests("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits).error == .headersTooLarge)
    }

    @Test func headBytesUpToTheLimitAreServedAndOneMoreIsNot() {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 100
        let start = "GET / HTTP/1.1\r\nHost: h\r\nX: "
        let fitting = start + String(repeating: "a", count: 100 - start.utf8.count - 4) + "\r\n\r\n"
        #expect(fitting.utf8.count == 100)
        #expect(Feeding.whole.requests(fitting, limits: limits).requests.count == 1)
        let over = start + String(repeating: "a", count: 100 - start.utf8.count - 3) + "\r\n\r\n"
        #expect(Feeding.whole.requests(over, limits: limits).error == .headersTooLarge)
    }

    /// 10 MB of header bytes in 1 KiB reads: refused once the 16 KiB limit is passed, never holding much more.
    @Test(arguments: [false, true])
    func refusesAHeaderFloodWithoutBufferingIt(_ withLineEnds: Bool) {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8))
        let piece = withLineEnds ? Array(repeating: Array("X-Flood: \(String(repeating: "a", count: 11))\r\n".utf8), count: 1024 / 22 + 1).flatMap { $0 }
                                 : [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        var error: HTTPParseError?
        var sent = 0
        var largestBuffer = 0
        while sent < 10_000_000 && error == nil {
            parser.append(piece)
            sent += piece.count
            largestBuffer = max(largestBuffer, parser.bufferedByteCount)
            do { _ = try parser.next() } catch let refusal { error = refusal }
        }
        #expect(error == .headersTooLarge)
        #expect(sent <= (16 << 10) + 2 * piece.count)
        #expect(largestBuffer <= (16 << 10) + piece.count)
    }

    @Test func anErrorIsFinal() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/3.0\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.versionNotSupported) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.versionNotSupported) { try parser.next() }
    }

    @Test func statusCodes() {
        #expect([HTTPParseError.badRequest("x"), .headersTooLarge, .bodyTooLarge, .notImplemented("gzip"), .versionNotSupported].map(\.status)
                == [400, 431, 413, 501, 505])
    }
}
