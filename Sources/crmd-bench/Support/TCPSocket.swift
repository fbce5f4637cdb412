#if canImport(Glibc)
import Glibc
#endif

/// Blocking TCP client sockets on raw file descriptors, for the HTTP bridge's transports.
enum TCPSocket {
    /// Connects to `host` (a numeric IPv4 or IPv6 address) at `port`, with Nagle's algorithm
    /// off: a request is one `write(2)` and must leave at once, as on the Unix socket.
    static func connect(host: String, port: UInt16) throws -> Int32 {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw SystemError(message: "not an IPv6 address: \(host)") }
            storage.copyIn(address)
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw SystemError(message: "not an IPv4 address: \(host)") }
            storage.copyIn(address)
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SystemError("connect \(host):\(port)", code: code)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}

private extension sockaddr_storage {
    /// Fills the front of the storage with `address`'s bytes.
    mutating func copyIn<Address>(_ address: Address) {
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &self) { $0.copyMemory(from: source) }
        }
    }
}
