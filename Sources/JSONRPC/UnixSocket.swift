import Glibc

/// Unix-domain stream socket system calls, with errors as `RPCTransportError`.
enum UnixSocket {
    /// Fills a `sockaddr_un` for `path` and calls `body` with it.
    static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) throws(RPCTransportError) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw .system("socket path must be 1 to \(capacity - 1) bytes: \(path)", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size
        let length = socklen_t(pathOffset + bytes.count + 1)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    static func makeSocket() throws(RPCTransportError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno: errno) }
        return fd
    }

    /// Connects to `path`; the connected descriptor, or the errno of the failure.
    static func connect(to path: String) throws(RPCTransportError) -> Result<Int32, Errno> {
        let fd = try makeSocket()
        let result: Int32
        do throws(RPCTransportError) {
            result = try withAddress(path) { address, length -> Int32 in
                while true {
                    let status = Glibc.connect(fd, address, length)
                    if status == 0 || errno != EINTR { return status == 0 ? 0 : errno }
                }
            }
        } catch {
            close(fd)
            throw error
        }
        if result == 0 { return .success(fd) }
        close(fd)
        return .failure(Errno(result))
    }

    /// Removes a socket file nobody accepts on; throws `addressInUse` when someone does, and
    /// refuses to remove anything that is not a socket.
    static func removeStaleSocket(at path: String) throws(RPCTransportError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw .system("\(path) exists and is not a socket", errno: EEXIST)
        }
        switch try connect(to: path) {
        case .success(let fd):
            close(fd)
            throw .addressInUse(path)
        case .failure(let failure) where failure.code == ECONNREFUSED:
            if unlink(path) != 0 && errno != ENOENT { throw .system("unlink \(path)", errno: errno) }
        case .failure(let failure):
            throw .system("probing \(path)", errno: failure.code)
        }
    }

    /// A listening socket at `path` with mode 0600: bound, restricted, then listening, so no
    /// client can connect while the mode is still the umask's.
    static func listen(at path: String) throws(RPCTransportError) -> (fd: Int32, device: UInt64, inode: UInt64) {
        try removeStaleSocket(at: path)
        let fd = try makeSocket()
        do throws(RPCTransportError) {
            let bound = try withAddress(path) { address, length in bind(fd, address, length) }
            guard bound == 0 else {
                throw errno == EADDRINUSE ? RPCTransportError.addressInUse(path) : .system("bind \(path)", errno: errno)
            }
            guard chmod(path, 0o600) == 0 else { throw RPCTransportError.system("chmod \(path)", errno: errno) }
            var info = stat()
            guard stat(path, &info) == 0 else { throw RPCTransportError.system("stat \(path)", errno: errno) }
            guard Glibc.listen(fd, SOMAXCONN) == 0 else { throw RPCTransportError.system("listen \(path)", errno: errno) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            return (fd, UInt64(info.st_dev), UInt64(info.st_ino))
        } catch {
            close(fd)
            throw error
        }
    }

    /// The next waiting client of listening socket `fd`, close-on-exec; -1 with `errno` set.
    static func accept(_ fd: Int32) -> Int32 {
        let client = Glibc.accept(fd, nil, nil)
        if client >= 0 { FileDescriptorIO.setCloseOnExec(client) }
        return client
    }

    /// The uid of the process at the other end of connected socket `fd` (`SO_PEERCRED`: who
    /// connected), or nil when the system does not say.
    static func peerUser(of fd: Int32) -> UInt32? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }, which Glibc does not export to Swift.
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
              Int(length) == MemoryLayout.size(ofValue: credentials) else { return nil }
        return credentials.uid
    }

    /// Removes `path` if it is still the socket file created as (device, inode).
    static func unlinkIfSame(_ path: String, device: UInt64, inode: UInt64) {
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return }
        unlink(path)
    }

    struct Errno: Error {
        let code: Int32
        init(_ code: Int32) { self.code = code }
    }
}
