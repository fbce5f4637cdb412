/// Limits and timeouts of an `RPCServer`.
///
/// The connection limits and read timeouts apply to socket clients only: the one stdio client
/// is neither counted nor timed out.
public struct RPCServerConfiguration: Sendable {
    /// The largest message accepted, in bytes; larger ones are answered with an error.
    public var maxMessageSize: Int = 16 << 20
    /// How long a write to a socket client may make no progress before the client is
    /// considered gone and its connection closed.
    public var writeTimeout: Duration = .seconds(30)
    /// Socket clients served at once; a client past it gets one `tooManyConnections` error and
    /// is disconnected. Lowered when the process may not open enough descriptors: see
    /// `descriptorReserve`.
    public var maxConnections: Int = 256
    /// Socket clients of one user (the peer's uid) served at once. The socket is its owner's
    /// alone (mode 0600), so by default this is the same as `maxConnections`.
    public var maxConnectionsPerUser: Int = 256
    /// Descriptors kept for everything but socket clients (the database and its readers,
    /// files, child processes). The connection limit is at most `RLIMIT_NOFILE` minus this.
    public var descriptorReserve: Int = 64
    /// A socket connection with nothing received and no call running for this long is closed
    /// without a word; nil: never.
    public var idleTimeout: Duration? = .seconds(300)
    /// A socket connection whose message has begun but is not complete after this long gets
    /// a `messageTimeout` error and is closed; nil: never.
    public var partialMessageTimeout: Duration? = .seconds(30)
    /// How long `shutdown()` may take. Calls in flight may finish and have their replies
    /// written until then (while stopping, a write gives up after at most one second without
    /// progress); then every remaining connection is cut off and `shutdown()` returns, even if
    /// a call is still running.
    public var stopDeadline: Duration = .seconds(10)

    public init() {}
}
