/// An `http://` URL split into what a request needs.
public struct HTTPURL: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// The path with its query, at least `/`.
    public let target: String

    /// Nil unless `text` is `http://host[:port][/path][?query]` (no user info, no fragment).
    public init?(_ text: String) {
        guard text.lowercased().hasPrefix("http://") else { return nil }
        let rest = text.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains("#"), !target.contains(" ") else { return nil }
        var host = String(authority)
        var port = 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65_535).contains(value) else { return nil }
                port = value
            } else if !after.isEmpty { return nil }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65_535).contains(value) else { return nil }
            port = value
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
        self.target = target
    }
}

/// What a server answered.
public struct HTTPResponse: Sendable, Equatable {
    public let status: Int
    /// The start of the body (up to the limit `post` was given).
    public let body: [UInt8]
}

/// A small HTTP/1.1 client for webhook deliveries: one POST per connection (`Connection:
/// close`), the whole exchange within one deadline, redirects not followed (a 3xx is an answer
/// like any other), an answer cut short of its `Content-Length` an error, and at most
/// `bodyLimit` bytes of the answer kept.
public enum HTTPClient {
    public static func post(_ url: HTTPURL, headers: [(String, String)], body: [UInt8], timeout: Duration,
                            bodyLimit: Int = 1024) throws(NetError) -> HTTPResponse {
        let deadline = ContinuousClock.now + timeout
        let stream = try TCPStream(host: url.host, port: url.port, timeout: timeout)
        defer { stream.close() }
        let hostHeader = url.host.contains(":") ? "[\(url.host)]" : url.host
        var head = "POST \(url.target) HTTP/1.1\r\nHost: \(hostHeader)\(url.port == 80 ? "" : ":\(url.port)")\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\nUser-Agent: crmd\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try stream.write(Array(head.utf8) + body, timeout: max(.zero, deadline - ContinuousClock.now))
        // The status line and headers, then as much of the body as is kept.
        var received: [UInt8] = []
        var headerEnd: Int?
        while headerEnd == nil {
            let chunk = try stream.read(deadline: deadline)
            if chunk.isEmpty { throw .connectionFailed("the server closed the connection before its answer was complete") }
            received += chunk
            headerEnd = find([13, 10, 13, 10], in: received)
            if headerEnd == nil && received.count > 65_536 { throw .connectionFailed("the answer's headers are too long") }
        }
        let headText = String(decoding: received[..<headerEnd!], as: UTF8.self)
        let statusLine = headText.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status) else {
            throw .connectionFailed("not an HTTP answer: \(statusLine.prefix(100))")
        }
        var bodyBytes = Array(received[(headerEnd! + 4)...])
        let length = headText.split(separator: "\r\n").dropFirst().compactMap { line -> Int? in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "content-length" else { return nil }
            return Int(String(pair[1]).trimmingCharacters(in: " \t"))
        }.first
        // Read the body to its end (its length, or the close when none is given; at most a MiB is
        // read): an answer cut short of its length is no answer, as the receiver may not have
        // finished with the request either.
        var read = bodyBytes.count
        bodyBytes = Array(bodyBytes.prefix(bodyLimit))
        while read < min(length ?? Int.max, 1 << 20) {
            let chunk = try stream.read(deadline: deadline)
            if chunk.isEmpty {
                if let length { throw .connectionFailed("the server closed the connection \(read) bytes into an answer of \(length)") }
                break
            }
            read += chunk.count
            if bodyBytes.count < bodyLimit { bodyBytes += chunk.prefix(bodyLimit - bodyBytes.count) }
        }
        return HTTPResponse(status: status, body: bodyBytes)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
