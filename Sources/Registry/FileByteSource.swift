#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A whole file read from the start with `read(2)`; closed when released.
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private(set) var bytesRead: Int64 = 0

    init(path: String) throws(RegistryError) {
        descriptor = try Self.openRegularFile(path).descriptor
    }

    /// Opens `path` for reading, refusing anything but a regular file with `notAFile`. The open
    /// itself is non-blocking, so a FIFO without a writer (or a device) cannot hold the caller,
    /// nor a server stopping behind it; the flag is cleared again before anything is read.
    static func openRegularFile(_ path: String) throws(RegistryError) -> (descriptor: Int32, size: Int64) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .badFile(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .badFile(reason: "cannot open \(path): \(reason)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .notAFile(path: path, kind: kind(of: status.st_mode))
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return (descriptor, Int64(status.st_size))
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let count = systemRead(descriptor, base, buffer.count)
            if count >= 0 {
                bytesRead += Int64(count)
                return count
            }
            if errno != EINTR {
                throw .badFile(reason: "cannot read the file: \(String(cString: strerror(errno)))")
            }
        }
    }
}
