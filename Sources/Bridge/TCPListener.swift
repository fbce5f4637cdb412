import Glibc
import Synchronization

/// A listening TCP socket (IPv4 or IPv6) and the wake pipe that interrupts its accept loop.
/// The accept thread owns the descriptors and closes them as it ends; `stop()` only wakes it.
final class TCPListener: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case badAddress(String)
        case system(String)

        var description: String {
            switch self {
            case .badAddress(let text): "not an address to listen on: \(text) (want HOST:PORT, e.g. 127.0.0.1:8080)"
            case .system(let text): text
            }
        }
    }

    let fd: Int32
    /// The port bound (the one the system chose for port 0).
    let port: Int
    /// The host as given (an IPv6 one without brackets).
    let host: String
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex((stopped: false, closed: false))

    /// Binds `address` (`HOST:PORT`, `[V6]:PORT`; HOST a numeric address or `localhost`) and listens.
    init(address: String, backlog: Int32 = 511) throws(Failure) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw .badAddress(address)
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { host = "127.0.0.1" }
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if host.contains(":") {
            var address6 = sockaddr_in6()
            address6.sin6_family = sa_family_t(AF_INET6)
            address6.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address6.sin6_addr) == 1 else { throw .badAddress(address) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: address6) { target.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            var address4 = sockaddr_in()
            address4.sin_family = sa_family_t(AF_INET)
            address4.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address4.sin_addr) == 1 else { throw .badAddress(address) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: address4) { target.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw .system("cannot listen on \(address): \(text)")
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        // sin_port and sin6_port both follow the 2-byte family.
        let boundPort = withUnsafeBytes(of: actual) { $0.load(fromByteOffset: 2, as: UInt16.self) }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw .system("pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: boundPort))
        self.host = host
        wake = (ends[0], ends[1])
    }

    /// The next client's socket (close-on-exec); nil once stopped. Passing failures (a client
    /// gone before it was accepted, out of descriptors for a moment) are waited out.
    func accept() -> Int32? {
        var entries = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            if state.withLock({ $0.stopped }) { return nil }
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || entries[1].revents != 0 { return nil }
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return client
            }
            if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                // Out of descriptors: wait a moment rather than spin; the client waits in the backlog.
                usleep(50_000)
            }
        }
    }

    /// Wakes the accept loop, which then ends; idempotent, from any thread.
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            guard !state.closed else { return }
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
        }
    }

    /// Called once by the accept thread as it ends.
    func closeDescriptors() {
        state.withLock { state in
            state.stopped = true
            guard !state.closed else { return }
            state.closed = true
            close(fd)
            close(wake.read)
            close(wake.write)
        }
    }
}
