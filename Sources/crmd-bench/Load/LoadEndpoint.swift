#if canImport(Glibc)
import Glibc
#endif

/// Where `crmd-bench load` sends its calls: crmd's Unix socket, or its HTTP bridge as
/// `POST /rpc` or a WebSocket. The bridge answers only a signed-in caller, so its transports
/// take an API token (`token.add`); on the socket a token is optional (`session.login`).
enum LoadEndpoint {
    case socket(path: String)
    case http(BridgeURL)
    case webSocket(BridgeURL)

    /// `socket`, `http` or `websocket`, as in the `--json` report.
    var transport: String {
        switch self {
        case .socket: "socket"
        case .http: "http"
        case .webSocket: "websocket"
        }
    }

    /// Opens one connection, signed in with `token`, ready to be run on a thread of its own.
    func openWorker<Source: RequestSource>(
        source: Source, depth: Int, control: RunControl, firstIndex: UInt64, readTimeout: Double, token: String?
    ) throws -> any LoadWorker {
        switch self {
        case .socket(let path):
            let fd = try UnixSocket.connect(path: path)
            if let token { try RPCClient(connected: fd, timeout: readTimeout, owns: false).login(token: token) }
            return PipelinedConnection(fd: fd, framing: LineFraming(), depth: depth, source: source, control: control,
                                       firstIndex: firstIndex, readTimeout: readTimeout)
        case .http(let url):
            let token = try Self.bridgeToken(token)
            let fd = try TCPSocket.connect(host: url.host, port: url.port)
            return PipelinedConnection(fd: fd, framing: HTTPFraming(url: url, token: token), depth: depth, source: source,
                                       control: control, firstIndex: firstIndex, readTimeout: readTimeout)
        case .webSocket(let url):
            let token = try Self.bridgeToken(token)
            let fd = try TCPSocket.connect(host: url.host, port: url.port)
            do {
                try WebSocketOpening.open(fd, url: url, token: token, timeout: readTimeout)
            } catch {
                close(fd)
                throw error
            }
            return PipelinedConnection(fd: fd, framing: WebSocketFraming(), depth: depth, source: source,
                                       control: control, firstIndex: firstIndex, readTimeout: readTimeout)
        }
    }

    private static func bridgeToken(_ token: String?) throws -> String {
        guard let token else { throw Options.UsageError(description: "the bridge needs --token (an API token from token.add)") }
        return token
    }
}
