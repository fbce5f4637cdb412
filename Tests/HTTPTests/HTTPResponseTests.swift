import Testing
@testable import HTTP

/// Responses as bytes on the wire, and header fields.
@Suite struct HTTPResponseTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func serializesStatusHeadersAndBody() {
        var response = HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "99")]), body: Array("{}".utf8))
        #expect(text(response.serialized(keepAlive: true))
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")
        #expect(text(response.serialized(keepAlive: false, headOnly: true))
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n")
        response.status = 404
        response.body = []
        #expect(text(response.serialized(keepAlive: false)) == "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func leavesOutTheLengthWhereThereIsNoBodyOrAChunkedOne() {
        #expect(text(HTTPResponse(status: 204, body: [1]).serialized(keepAlive: true)) == "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")
        #expect(text(HTTPResponse(status: 304).serialized(keepAlive: true)) == "HTTP/1.1 304 Not Modified\r\nConnection: keep-alive\r\n\r\n")
        let body = HTTPResponse.chunkedBody(Array("Hello, world!".utf8), chunkSize: 5)
        #expect(text(body) == "5\r\nHello\r\n5\r\n, wor\r\n3\r\nld!\r\n0\r\n\r\n")
        let chunked = HTTPResponse(status: 200, headers: HTTPHeaders([("Transfer-Encoding", "chunked")]), body: body)
        #expect(text(chunked.serialized(keepAlive: true)) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n" + text(body))
        #expect(text(HTTPResponse.chunkedBody([], chunkSize: 5)) == "0\r\n\r\n")
        #expect(text(HTTPResponse.chunkedBody(Array("abc".utf8), chunkSize: 0)) == "3\r\nabc\r\n0\r\n\r\n")
    }

    @Test func reasonPhrases() {
        #expect([101, 200, 400, 404, 413, 426, 431, 505, 599].map(HTTPResponse.reasonPhrase)
                == ["Switching Protocols", "OK", "Bad Request", "Not Found", "Content Too Large", "Upgrade Required",
                    "Request Header Fields Too Large", "HTTP Version Not Supported", "Unknown"])
    }

    @Test func headersKeepOrderAndIgnoreNameCase() {
        var headers = HTTPHeaders([("Set-Cookie", "a=1"), ("Vary", "Origin"), ("set-cookie", "b=2")])
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["Missing"] == nil)
        headers.add("Connection", "keep-alive,  Upgrade ")
        #expect(headers.containsToken("connection", "upgrade"))
        #expect(headers.containsToken("Connection", "Keep-Alive"))
        #expect(!headers.containsToken("Connection", "close"))
        #expect(!headers.containsToken("Connection", "keep"))
        headers.set("SET-COOKIE", "c=3")
        #expect(headers.pairs.map(\.name) == ["Set-Cookie", "Vary", "Connection"])
        #expect(headers.values("set-cookie") == ["c=3"])
        headers.set("X-New", "1")
        #expect(headers.pairs.last?.value == "1")
        #expect(headers != HTTPHeaders())
    }
}
