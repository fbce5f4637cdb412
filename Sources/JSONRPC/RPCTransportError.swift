/// Why a transport could not be set up.
public enum RPCTransportError: Error, Sendable {
    /// Another process is accepting connections on this socket path.
    case addressInUse(String)
    /// A system call failed: what was being done, and its errno.
    case system(String, errno: Int32)
}
