/// How the bridge serves: where, for whom, and within what limits.
package struct BridgeConfiguration: Sendable {
    /// `HOST:PORT` to listen on; loopback unless configured otherwise (port 0: any free port).
    package var address = "127.0.0.1:8080"
    /// Origins (`scheme://host[:port]`) besides the bridge's own whose pages may make
    /// state-changing requests (POST, the WebSocket upgrade).
    package var allowedOrigins: Set<String> = []
    /// Origins given CORS headers (they are allowed origins too); none by default.
    package var corsOrigins: Set<String> = []
    /// A directory whose files are served as the web client (development); nil: the copy
    /// embedded in the executable.
    package var webRoot: String?
    /// The longest request head (request line and headers), in bytes.
    package var maxHeaderBytes = 16 << 10
    /// The longest request body, and the longest WebSocket message, in bytes.
    package var maxBodyBytes = 16 << 20
    /// A keep-alive connection with no request under way is closed after this long.
    package var idleTimeout = Duration.seconds(60)
    /// A request (or a WebSocket frame) begun must be complete within this long: a client
    /// that trickles bytes (slowloris) is cut off.
    package var requestTimeout = Duration.seconds(15)
    /// A write that makes no progress for this long ends the connection.
    package var writeTimeout = Duration.seconds(15)
    /// Clients served at once; one more is answered 503 and closed.
    package var maxConnections = 4096
    /// A stop waits this long for requests in flight before cutting connections off.
    package var stopDeadline = Duration.seconds(5)
    /// How long a sign-in (`POST /login`) lasts without use.
    package var sessionLifetime = Duration.seconds(12 * 3600)

    package init() {}
}
