import Glibc

/// Why a transport could not be set up.
public enum RPCTransportError: Error, Sendable {
    /// Another process is accepting connections on this socket path.
    case addressInUse(String)
    /// A system call failed: what was being done, and its errno.
    case system(String, errno: Int32)
}

extension RPCTransportError: CustomStringConvertible {
    /// For a person: "socket in use: /run/crmd.sock", "bind /run/crmd.sock: permission denied".
    public var description: String {
        switch self {
        case .addressInUse(let path):
            return "socket in use: \(path)"
        case .system(let what, let code):
            let reason = String(cString: strerror(code))
            return "\(what): \(reason.prefix(1).lowercased() + reason.dropFirst())"
        }
    }
}
