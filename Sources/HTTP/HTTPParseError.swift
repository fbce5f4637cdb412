/// Why a request could not be read; `status` is the response the server sends before closing.
package enum HTTPParseError: Error, Equatable, Sendable {
    /// Malformed request line, header field, chunk or framing (bare LF, both `Content-Length`
    /// and `Transfer-Encoding`, no `Host` in HTTP/1.1, …); the text says which.
    case badRequest(String)
    /// The request line and header fields (or a chunked body's trailers) pass `HTTPLimits.maxHeaderBytes`
    /// or `maxHeaderCount`.
    case headersTooLarge
    /// The body passes `HTTPLimits.maxBodyBytes`: a `Content-Length` as soon as the head is read,
    /// a chunked body as soon as a chunk size takes the sum past it.
    case bodyTooLarge
    /// A transfer coding other than `chunked` (the text names it).
    case notImplemented(String)
    /// A well-formed HTTP version other than 1.0 and 1.1.
    case versionNotSupported

    package var status: Int {
        switch self {
        case .badRequest: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .notImplemented: 501
        case .versionNotSupported: 505
        }
    }
}
