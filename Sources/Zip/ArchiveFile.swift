#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read by absolute offset (`pread`), so several readers may share it without a
/// shared file position. Closed when the last reference goes away.
final class ArchiveFile: Sendable {
    let descriptor: Int32
    let size: Int64

    /// Opens `path`, non-blocking so that a FIFO or a device cannot hold the caller in `open`;
    /// anything but a regular file is refused, and the flag is cleared for reading.
    init(path: String) throws(ZipError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .io("\(path): \(Self.lastError())") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw .io("\(path): \(reason)")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .io("\(path): not a regular file")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(ZipError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, base + done, buffer.count - done, off_t(offset + Int64(done)))
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(Self.lastError())
            }
            if count == 0 { break }
            done += count
        }
        return done
    }

    /// Exactly `count` bytes at `offset`, else `corrupt(what)`.
    func bytes(at offset: Int64, count: Int, what: String) throws(ZipError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= size else {
            throw .corrupt("\(what) lies outside the file")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        let read: Int
        do {
            read = try bytes.withUnsafeMutableBytes { try self.read(into: $0, at: offset) }
        } catch {
            throw error as? ZipError ?? .io("\(error)")
        }
        guard read == count else { throw .corrupt("\(what) is cut short") }
        return bytes
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
