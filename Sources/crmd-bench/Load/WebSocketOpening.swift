import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The client's side of the WebSocket opening handshake (RFC 6455 §4.1) on a connected TCP
/// socket: `GET` with the upgrade headers and the bearer token, then the server's `101`.
///
/// It reads the response head with `MSG_PEEK` and then takes exactly its bytes, so that nothing
/// the server sends after it is lost to the framing that follows. `Sec-WebSocket-Accept` is
/// checked to be present, not recomputed (that needs SHA-1, which the bridge's own tests cover).
enum WebSocketOpening {
    static func open(_ fd: Int32, url: BridgeURL, token: String, timeout: Double) throws {
        let keyBytes = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let request = "GET \(url.path) HTTP/1.1\r\nHost: \(url.authority)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(Data(keyBytes).base64EncodedString())\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer \(token)\r\n\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBufferPointer({ UnixSocket.writeAll(fd, $0.baseAddress!, $0.count) }) else {
            throw SystemError("WebSocket handshake: write")
        }
        UnixSocket.setReceiveTimeout(fd, seconds: timeout)
        let head = try responseHead(fd, timeout: timeout)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first.map(String.init) ?? ""
        func header(_ name: String) -> String? {
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name { return parts[1].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
        guard statusLine.hasPrefix("HTTP/1.1 101") else {
            throw SystemError(message: "WebSocket handshake refused: \(statusLine)" + body(fd, length: header("content-length")))
        }
        guard header("upgrade")?.lowercased() == "websocket", header("sec-websocket-accept") != nil else {
            throw SystemError(message: "WebSocket handshake: a 101 without Upgrade: websocket and Sec-WebSocket-Accept")
        }
    }

    /// The response head up to the blank line, consumed from the socket (the blank line too).
    private static func responseHead(_ fd: Int32, timeout: Double) throws -> String {
        var peeked = [UInt8](repeating: 0, count: HTTPFraming.maxHeadBytes)
        let deadline = MonotonicClock.now() + UInt64(timeout * 1e9)
        while true {
            let n = recv(fd, &peeked, peeked.count, Int32(MSG_PEEK))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw SystemError("WebSocket handshake: read") }
            if n == 0 { throw SystemError(message: "WebSocket handshake: the server closed the connection") }
            if let blank = peeked[0..<n].firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A]) {
                var taken = [UInt8](repeating: 0, count: blank.upperBound)
                guard recv(fd, &taken, taken.count, Int32(MSG_WAITALL)) == taken.count else {
                    throw SystemError("WebSocket handshake: read")
                }
                return String(decoding: taken[0..<blank.lowerBound], as: UTF8.self)
            }
            if n == peeked.count { throw SystemError(message: "WebSocket handshake: a response head over \(n) bytes") }
            // A part of the head is there: a peek returns at once, so wait a little for the rest.
            guard MonotonicClock.now() < deadline else {
                throw SystemError(message: "WebSocket handshake: no complete response within \(timeout) s")
            }
            MonotonicClock.sleep(seconds: 0.001)
        }
    }

    /// `: ` and the start of a refusal's body, when it has one.
    private static func body(_ fd: Int32, length: String?) -> String {
        guard let length = length.flatMap(Int.init), length > 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: min(length, 300))
        let n = recv(fd, &bytes, bytes.count, Int32(MSG_WAITALL))
        return n > 0 ? ": " + String(decoding: bytes[0..<n], as: UTF8.self) : ""
    }
}
