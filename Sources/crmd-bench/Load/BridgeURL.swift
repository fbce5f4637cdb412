/// The address of the bridge's JSON-RPC endpoint as `--http` or `--websocket` gives it:
/// `http://127.0.0.1:8080/rpc`, `ws://[::1]:8080/rpc`. The host is a numeric address or
/// `localhost`; the path (default `/`) is sent as given.
struct BridgeURL {
    let scheme: String
    let host: String
    let port: UInt16
    let path: String

    /// The `Host` header's value: the authority as the URL spelled it.
    let authority: String

    /// Parses `text`, whose scheme must be one of `schemes`.
    init(_ text: String, schemes: [String]) throws {
        let usage = Options.UsageError(description: "not a URL such as \(schemes[0])://127.0.0.1:8080/rpc: '\(text)'")
        guard let separator = text.range(of: "://"), schemes.contains(String(text[..<separator.lowerBound])) else { throw usage }
        scheme = String(text[..<separator.lowerBound])
        let rest = text[separator.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        authority = String(rest[..<slash])
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        let hostPart: Substring
        let portPart: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw usage }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let afterClose = authority[authority.index(after: close)...]
            guard afterClose.hasPrefix(":") else { throw usage }
            portPart = afterClose.dropFirst()
        } else {
            guard let colon = authority.lastIndex(of: ":") else { throw usage }
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = UInt16(portPart), port > 0 else { throw usage }
        host = hostPart == "localhost" ? "127.0.0.1" : String(hostPart)
        self.port = port
    }
}
