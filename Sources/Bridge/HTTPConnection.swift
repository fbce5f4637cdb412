import HTTP

/// One client's keep-alive connection: reads requests within their deadlines, answers each
/// through the routes in order, and hands the socket to a WebSocket session after an upgrade.
struct HTTPConnection {
    /// Read in pieces of this size: a thousand idle clients hold a thousand of these.
    static let readSize = 16 << 10

    let socket: ClientSocket
    let routes: BridgeRoutes
    let configuration: BridgeConfiguration

    func run() {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = configuration.maxHeaderBytes
        limits.maxBodyBytes = configuration.maxBodyBytes
        var parser = HTTPRequestParser(limits: limits)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 16)
        defer { buffer.deallocate() }
        var partialSince: ContinuousClock.Instant?
        /// The request under way had its `Expect: 100-continue` answered.
        var continued = false
        while true {
            let request: HTTPRequest?
            do {
                request = try parser.next()
            } catch {
                _ = socket.write(HTTPResponse.plain(error.status, Self.explanation(error)).serialized(keepAlive: false))
                return
            }
            if let request {
                partialSince = nil
                continued = false
                switch routes.route(request) {
                case .response(let response):
                    let keepAlive = request.head.keepAlive && !socket.isStopRequested
                    guard socket.write(response.serialized(keepAlive: keepAlive, headOnly: request.head.method == "HEAD")),
                          keepAlive else { return }
                case .webSocket(let accept, let token):
                    guard socket.write(accept.serialized(keepAlive: true)) else { return }
                    WebSocketSession(socket: socket, handler: routes.handler, configuration: configuration)
                        .run(token: token, buffered: parser.takeBuffered(), readBuffer: buffer)
                    return
                }
                continue
            }
            if parser.hasPartialRequest && partialSince == nil { partialSince = .now }
            if !continued, let head = parser.headAwaitingBody, head.minorVersion == 1,
               head.headers["Expect"]?.lowercased() == "100-continue" {
                continued = true
                guard socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }
            let deadline = partialSince.map { $0 + configuration.requestTimeout } ?? .now + configuration.idleTimeout
            switch socket.read(into: buffer, deadline: deadline) {
            case .bytes(let count):
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .timedOut:
                if partialSince != nil {
                    _ = socket.write(HTTPResponse.plain(408, "The request took too long to arrive.").serialized(keepAlive: false))
                }
                return
            case .end, .stopped:
                return
            }
        }
    }

    private static func explanation(_ error: HTTPParseError) -> String {
        switch error {
        case .badRequest(let why): "Bad request: \(why)."
        case .headersTooLarge: "The request's headers are too large."
        case .bodyTooLarge: "The request's body is too large."
        case .notImplemented(let what): "Not implemented: \(what)."
        case .versionNotSupported: "Only HTTP/1.0 and HTTP/1.1 are served."
        }
    }
}
