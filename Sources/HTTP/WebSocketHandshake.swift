import Foundation

/// The server side of the WebSocket opening handshake (RFC 6455 §4.2).
package enum WebSocketHandshake {
    private static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// base64(SHA-1(key + the RFC 6455 GUID)), the `Sec-WebSocket-Accept` for `Sec-WebSocket-Key` `key`.
    package static func acceptValue(forKey key: String) -> String {
        Data(SHA1.hash(Array((key + acceptGUID).utf8))).base64EncodedString()
    }

    /// Checks an upgrade request (GET, HTTP/1.1, `Upgrade: websocket`, `Connection` holding `Upgrade`,
    /// `Sec-WebSocket-Version: 13`, a `Sec-WebSocket-Key` that is base64 of 16 bytes) and returns
    /// the 101 to send, or the refusal: 400 naming what is wrong, or 426 with
    /// `Sec-WebSocket-Version: 13` for another version. No subprotocol or extension is agreed.
    package static func response(to head: HTTPRequestHead) -> Result<HTTPResponse, HTTPResponse> {
        guard head.method == "GET" else { return .failure(badRequest("a WebSocket upgrade must be GET")) }
        guard head.minorVersion == 1 else { return .failure(badRequest("a WebSocket upgrade must be HTTP/1.1")) }
        guard head.headers.containsToken("Upgrade", "websocket") else { return .failure(badRequest("no Upgrade: websocket")) }
        guard head.headers.containsToken("Connection", "Upgrade") else { return .failure(badRequest("no Connection: Upgrade")) }
        let versions = head.headers.values("Sec-WebSocket-Version")
        guard versions.count == 1, versions[0].trimmingCharacters(in: .whitespaces) == "13" else {
            var refusal = HTTPResponse(status: 426, headers: HTTPHeaders([("Sec-WebSocket-Version", "13"), ("Content-Type", "text/plain; charset=utf-8")]))
            refusal.body = Array("Sec-WebSocket-Version must be 13\n".utf8)
            return .failure(refusal)
        }
        let keys = head.headers.values("Sec-WebSocket-Key")
        guard keys.count == 1, let key = Data(base64Encoded: keys[0]), key.count == 16 else {
            return .failure(badRequest("Sec-WebSocket-Key must be base64 of 16 bytes"))
        }
        return .success(HTTPResponse(status: 101, headers: HTTPHeaders([
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", acceptValue(forKey: keys[0])),
        ])))
    }

    private static func badRequest(_ reason: String) -> HTTPResponse {
        HTTPResponse(status: 400, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]), body: Array((reason + "\n").utf8))
    }
}
