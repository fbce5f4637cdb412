/// Incremental reader of the requests on one connection (RFC 9112): keep-alive and pipelined
/// requests come out one by one, in order.
///
/// Lines must end in CRLF: a bare LF (or a CR alone) anywhere in the head, a chunk-size line
/// or the trailers is a 400, so the parser and any proxy before it cannot disagree on where a
/// line ends. Empty lines before a request line are skipped (RFC 9112 §2.2). A request with
/// neither `Content-Length` nor `Transfer-Encoding` has an empty body, whatever its method.
///
/// Memory stays within the limits: head lines are consumed as they complete, and a head line
/// not ended within what is left of `maxHeaderBytes` fails as soon as `next()` sees it, so a
/// flood of header bytes is refused after one read past the limit. Call `next()` after every
/// `append`. After an error the parser answers that error forever and holds nothing more.
package struct HTTPRequestParser: Sendable {
    private enum State: Equatable {
        case requestLine
        case headerFields
        case fixedBody(Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    private let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// The first byte of `buffer` not yet consumed.
    private var start = 0
    /// Where the search for the next LF resumes: the bytes from `start` up to here hold none.
    private var scanned = 0
    private var state = State.requestLine
    /// Bytes of head lines (or of trailer lines) consumed for the request being read.
    private var lineBytes = 0
    private var requestLine: RequestLine?
    private var fields: [(String, String)] = []
    private var head: HTTPRequestHead?
    private var chunkedBody: [UInt8] = []
    private var failure: HTTPParseError?

    package init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    package mutating func append(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, nil when more bytes are needed. After an error the parser is
    /// unusable (the server answers `error.status` and closes).
    package mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        if let failure { throw failure }
        do throws(HTTPParseError) {
            return try step()
        } catch {
            failure = error
            buffer = []
            start = 0
            scanned = 0
            throw error
        }
    }

    /// True while bytes of a request not yet complete are buffered (the server times such a client out).
    package var hasPartialRequest: Bool {
        start < buffer.count || state != .requestLine || lineBytes > 0
    }

    /// The head of the request whose body is being read, nil at any other time: a server
    /// answers its `Expect: 100-continue` before the body comes.
    package var headAwaitingBody: HTTPRequestHead? {
        switch state {
        case .requestLine, .headerFields: nil
        default: head
        }
    }

    /// How many received bytes are held and not yet consumed.
    package var bufferedByteCount: Int { buffer.count - start }

    /// The bytes received after the last request returned (after an `Upgrade: websocket` they are
    /// the WebSocket's); empties the buffer.
    package mutating func takeBuffered() -> [UInt8] {
        let rest = Array(buffer[start...])
        buffer = []
        start = 0
        scanned = 0
        return rest
    }

    /// Drops consumed bytes before more are appended, when that is cheap or they are most of the buffer.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
        } else {
            return
        }
        scanned = max(0, scanned - start)
        start = 0
    }

    private mutating func step() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            switch state {
            case .requestLine:
                guard let line = try nextLine(allowance: limits.maxHeaderBytes - lineBytes) else { return nil }
                if line.isEmpty { continue }
                requestLine = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                    try RequestLine(UnsafeBufferPointer(rebasing: bytes[line]))
                }
                state = .headerFields
            case .headerFields:
                guard let line = try nextLine(allowance: limits.maxHeaderBytes - lineBytes) else { return nil }
                if !line.isEmpty {
                    guard fields.count < limits.maxHeaderCount else { throw .headersTooLarge }
                    fields.append(try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                        try Self.field(UnsafeBufferPointer(rebasing: bytes[line]))
                    })
                    continue
                }
                let (head, framing) = try makeHead()
                self.head = head
                switch framing {
                case .none: return finish(body: [])
                case .length(let length): state = .fixedBody(length)
                case .chunked: state = .chunkSize
                }
            case .fixedBody(let length):
                guard buffer.count - start >= length else { return nil }
                let body = Array(buffer[start..<(start + length)])
                start += length
                return finish(body: body)
            case .chunkSize:
                guard let line = try nextLine(allowance: limits.maxHeaderBytes) else { return nil }
                let size = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                    try Self.chunkSize(UnsafeBufferPointer(rebasing: bytes[line]))
                }
                if size == 0 {
                    lineBytes = 0
                    state = .trailers
                } else {
                    guard size <= limits.maxBodyBytes - chunkedBody.count else { throw .bodyTooLarge }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - start)
                guard available > 0 else { return nil }
                chunkedBody += buffer[start..<(start + available)]
                start += available
                state = remaining == available ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            case .chunkDataEnd:
                guard buffer.count - start >= 2 else {
                    if start < buffer.count && buffer[start] == lineFeed { throw .badRequest("bare LF after chunk data") }
                    return nil
                }
                guard buffer[start] == carriageReturn && buffer[start + 1] == lineFeed else {
                    throw .badRequest(buffer[start] == lineFeed ? "bare LF after chunk data" : "chunk data longer than its size")
                }
                start += 2
                state = .chunkSize
            case .trailers:
                guard let line = try nextLine(allowance: limits.maxHeaderBytes - lineBytes) else { return nil }
                if line.isEmpty {
                    let body = chunkedBody
                    chunkedBody = []
                    return finish(body: body)
                }
            }
        }
    }

    /// The next CRLF-ended line (without its CRLF) once it is whole; nil while it is not and fits `allowance`.
    private mutating func nextLine(allowance: Int) throws(HTTPParseError) -> Range<Int>? {
        let searchEnd = min(buffer.count, start + max(allowance, 0))
        let from = max(scanned, start)
        guard from < searchEnd, let lineFeedIndex = buffer[from..<searchEnd].firstIndex(of: lineFeed) else {
            if buffer.count - start >= allowance { throw .headersTooLarge }
            scanned = max(from, searchEnd)
            return nil
        }
        guard lineFeedIndex > start && buffer[lineFeedIndex - 1] == carriageReturn else { throw .badRequest("bare LF") }
        let line = start..<(lineFeedIndex - 1)
        lineBytes += lineFeedIndex + 1 - start
        start = lineFeedIndex + 1
        scanned = start
        return line
    }

    private mutating func finish(body: [UInt8]) -> HTTPRequest? {
        let request = head.map { HTTPRequest(head: $0, body: body) }
        state = .requestLine
        lineBytes = 0
        requestLine = nil
        fields = []
        head = nil
        return request
    }

    private func makeHead() throws(HTTPParseError) -> (HTTPRequestHead, BodyFraming) {
        guard let requestLine else { throw .badRequest("no request line") }
        let headers = HTTPHeaders(fields)
        let (path, query) = try requestLine.pathAndQuery()
        let hosts = headers.values("Host")
        if hosts.count > 1 { throw .badRequest("more than one Host") }
        if hosts.isEmpty && requestLine.minorVersion == 1 { throw .badRequest("HTTP/1.1 request without Host") }
        let head = HTTPRequestHead(method: requestLine.method, target: requestLine.target, path: path, query: query,
                                   minorVersion: requestLine.minorVersion, headers: headers)
        return (head, try BodyFraming(headers, limits: limits))
    }
}

let carriageReturn = UInt8(ascii: "\r")
let lineFeed = UInt8(ascii: "\n")
