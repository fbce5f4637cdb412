#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, with its errno text.
struct SystemError: Error, CustomStringConvertible {
    let description: String

    init(_ what: String, code: Int32 = errno) {
        description = "\(what): \(String(cString: strerror(code)))"
    }

    init(message: String) { description = message }
}

/// Blocking `AF_UNIX` stream sockets on raw file descriptors.
enum UnixSocket {
    private static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw SystemError(message: "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Connects to the server at `path`; the descriptor is blocking.
    static func connect(path: String) throws -> Int32 {
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SystemError("connect \(path)", code: code)
        }
        return fd
    }

    /// Binds and listens at `path`, replacing a stale socket file.
    static func listen(path: String, backlog: Int32 = 512) throws -> Int32 {
        var address = try address(path)
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw SystemError("bind \(path)") }
        guard Glibc.listen(fd, backlog) == 0 else { throw SystemError("listen \(path)") }
        return fd
    }

    /// A read timeout (`SO_RCVTIMEO`): a `read` that waits longer fails with `EAGAIN`.
    static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all `length` bytes, retrying partial writes and `EINTR`.
    @inline(__always)
    static func writeAll(_ fd: Int32, _ pointer: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var offset = 0
        while offset < length {
            let n = write(fd, pointer + offset, length - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// One `read(2)`, retried on `EINTR`: bytes read, 0 at end of stream, -1 on error
    /// (`errno` set, `EAGAIN` after a receive timeout).
    @inline(__always)
    static func readSome(_ fd: Int32, _ pointer: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        while true {
            let n = read(fd, pointer, capacity)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }
}
