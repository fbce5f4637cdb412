/// A response to write: status, header fields and the whole body.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The reason phrase for `status` (RFC 9110 §15), "Unknown" for a code it does not name.
    package static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }

    /// Status line, header fields, empty line and body (left out when `headOnly`, for HEAD).
    /// `Content-Length` is always the body's (one the caller set is replaced), except for 1xx, 204
    /// and 304 and when the headers carry `Transfer-Encoding` (then the body is written as it is:
    /// see `chunkedBody`). `Connection: close` is set when `!keepAlive`; with `keepAlive` and no
    /// `Connection` of the caller's, `Connection: keep-alive` is added (HTTP/1.0 clients need it).
    package func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var headers = headers
        headers.remove("Content-Length")
        let hasNoBody = (100..<200).contains(status) || status == 204 || status == 304
        if !hasNoBody && headers["Transfer-Encoding"] == nil {
            headers.add("Content-Length", String(body.count))
        }
        if !keepAlive {
            headers.set("Connection", "close")
        } else if headers["Connection"] == nil {
            headers.add("Connection", "keep-alive")
        }
        let writesBody = !headOnly && !hasNoBody
        var bytes = [UInt8]()
        bytes.reserveCapacity(256 + (writesBody ? body.count : 0))
        bytes += "HTTP/1.1 ".utf8
        bytes += String(status).utf8
        bytes.append(UInt8(ascii: " "))
        bytes += Self.reasonPhrase(status).utf8
        bytes += [carriageReturn, lineFeed]
        for (name, value) in headers.pairs {
            bytes += name.utf8
            bytes += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            bytes += value.utf8
            bytes += [carriageReturn, lineFeed]
        }
        bytes += [carriageReturn, lineFeed]
        if writesBody {
            bytes += body
        }
        return bytes
    }

    /// `body` in HTTP/1.1 chunked form, pieces of `chunkSize` bytes then the last chunk; goes with
    /// `Transfer-Encoding: chunked`, which the caller sets. A `chunkSize` below 1 is one chunk of the whole body.
    package static func chunkedBody(_ body: [UInt8], chunkSize: Int) -> [UInt8] {
        let size = chunkSize >= 1 ? chunkSize : max(body.count, 1)
        var bytes = [UInt8]()
        bytes.reserveCapacity(body.count + (body.count / size + 1) * 12 + 5)
        var offset = 0
        while offset < body.count {
            let end = min(offset + size, body.count)
            bytes += String(end - offset, radix: 16).utf8
            bytes += [carriageReturn, lineFeed]
            bytes += body[offset..<end]
            bytes += [carriageReturn, lineFeed]
            offset = end
        }
        bytes += "0\r\n\r\n".utf8
        return bytes
    }
}

/// A refusal can be the failure of a `Result`: `WebSocketHandshake.response(to:)` answers
/// `Result<HTTPResponse, HTTPResponse>`, the 101 or the error response to send.
extension HTTPResponse: Error {}
