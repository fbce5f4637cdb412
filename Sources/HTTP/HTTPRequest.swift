/// The request line and header fields of one request, as read by `HTTPRequestParser`.
package struct HTTPRequestHead: Sendable {
    /// As sent, e.g. `GET` (methods are case-sensitive).
    package let method: String
    /// The request-target as sent: `/rest/1/abc/crm.lead.add.json?x=1`, or `*` for `OPTIONS`.
    package let target: String
    /// The target before `?`, percent-decoded as UTF-8; not normalized (`..` and `//` stay).
    package let path: String
    /// The raw text after `?`, nil when the target has none.
    package let query: String?
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    package let minorVersion: Int
    package let headers: HTTPHeaders

    package init(method: String, target: String, path: String, query: String?, minorVersion: Int, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
    }

    /// Whether the connection stays open after the response: in HTTP/1.1 unless `Connection: close`,
    /// in HTTP/1.0 only with `Connection: keep-alive`.
    package var keepAlive: Bool {
        if headers.containsToken("Connection", "close") { return false }
        return minorVersion >= 1 || headers.containsToken("Connection", "keep-alive")
    }
}

/// One whole request: its head and its body, de-chunked.
package struct HTTPRequest: Sendable {
    package let head: HTTPRequestHead
    package let body: [UInt8]

    package init(head: HTTPRequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

/// What one request may hold; the parser never buffers more than these for a request.
package struct HTTPLimits: Sendable {
    /// The request line and every header field line with their line ends (also the bound on a chunked body's trailers).
    package var maxHeaderBytes = 16 << 10
    package var maxHeaderCount = 100
    package var maxBodyBytes = 16 << 20

    package init() {}
}
