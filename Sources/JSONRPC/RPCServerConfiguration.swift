/// Limits and timeouts of an `RPCServer`.
public struct RPCServerConfiguration: Sendable {
    /// The largest message accepted, in bytes; larger ones are answered with an error.
    public var maxMessageSize: Int = 16 << 20
    /// How long a write to a socket client may make no progress before the client is
    /// considered gone and its connection closed.
    public var writeTimeout: Duration = .seconds(30)

    public init() {}
}
