import Testing
@testable import HTTP

/// Requests read whole, a byte at a time, and pipelined.
@Suite struct HTTPRequestParserTests {
    @Test(arguments: Feeding.allCases)
    func readsAGet(_ feeding: Feeding) throws {
        let requests = try feeding.requests("GET /rest/1/abc/%D0%BF%20x.json?a=%20b&c HTTP/1.1\r\nHost: crm.local\r\nX-Empty:\r\nAccept:  */* \t\r\n\r\n").get()
        try #require(requests.count == 1)
        let head = requests[0].head
        #expect(head.method == "GET")
        #expect(head.target == "/rest/1/abc/%D0%BF%20x.json?a=%20b&c")
        #expect(head.path == "/rest/1/abc/п x.json")
        #expect(head.query == "a=%20b&c")
        #expect(head.minorVersion == 1)
        #expect(head.headers == HTTPHeaders([("Host", "crm.local"), ("X-Empty", ""), ("Accept", "*/*")]))
        #expect(head.headers["host"] == "crm.local")
        #expect(head.keepAlive)
        #expect(requests[0].body.isEmpty)
    }

    @Test(arguments: Feeding.allCases)
    func readsABodyByContentLength(_ feeding: Feeding) throws {
        let requests = try feeding.requests("POST /rpc HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\nhello").get()
        try #require(requests.count == 1)
        #expect(requests[0].body == Array("hello".utf8))
        #expect(requests[0].head.query == nil)
    }

    @Test(arguments: Feeding.allCases)
    func readsPipelinedRequests(_ feeding: Feeding) throws {
        let text = "\r\nPOST /rpc HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /a HTTP/1.0\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\n\r\n"
        var parser = HTTPRequestParser()
        var requests = [HTTPRequest]()
        for piece in feeding == .whole ? [Array(text.utf8)] : text.utf8.map({ [$0] }) {
            parser.append(piece)
            while let request = try parser.next() { requests.append(request) }
        }
        #expect(requests.map(\.head.path) == ["/rpc", "/a", "/b"])
        #expect(requests.map(\.body) == [Array("abc".utf8), [], []])
        #expect(requests.map(\.head.keepAlive) == [true, false, true])
        #expect(!parser.hasPartialRequest)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test(arguments: Feeding.allCases)
    func readsAChunkedBodyWithExtensionsAndTrailers(_ feeding: Feeding) throws {
        let text = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5 ; quoted=\"a;b\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n000\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let requests = try feeding.requests(text).get()
        #expect(requests.map(\.body) == [Array("Wikipedia in\r\n\r\nchunks.".utf8), []])
        #expect(requests.map(\.head.path) == ["/upload", "/next"])
    }

    @Test func readsWhatHTTPResponseChunks() throws {
        let body = (0..<1000).map { UInt8($0 % 251) }
        let bytes = Array("PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + HTTPResponse.chunkedBody(body, chunkSize: 77)
        #expect(try Feeding.whole.requests(bytes).get().map(\.body) == [body])
    }

    @Test func keepAliveFollowsTheVersionAndConnection() throws {
        func keepAlive(_ text: String) throws -> Bool {
            try #require(try Feeding.whole.requests(text).get().first).head.keepAlive
        }
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, close\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.0\r\n\r\n"))
        #expect(try keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
    }

    @Test func servesOptionsStarAndLeavesThePathUnnormalized() throws {
        let requests = try Feeding.whole.requests("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nGET /a/../b//c HTTP/1.1\r\nHost: h\r\n\r\n").get()
        #expect(requests.map(\.head.path) == ["*", "/a/../b//c"])
    }

    @Test func handsOverTheBytesAfterAnUpgrade() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n".utf8) + [0x81, 0x85, 0x37])
        #expect(try parser.next()?.head.path == "/ws")
        #expect(parser.hasPartialRequest)
        #expect(parser.takeBuffered() == [0x81, 0x85, 0x37])
        #expect(!parser.hasPartialRequest)
    }

    @Test func tellsAPartialRequest() throws {
        var parser = HTTPRequestParser()
        #expect(!parser.hasPartialRequest)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest)
        [UInt8(ascii: "1"), UInt8(ascii: "2")].withUnsafeBytes { parser.append($0) }
        #expect(try parser.next()?.body == Array("12".utf8))
        #expect(!parser.hasPartialRequest)
    }
}
