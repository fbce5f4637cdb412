#if canImport(Glibc)
import Glibc
#endif

/// A file written whole or not at all: the bytes go to a new temporary file beside the target,
/// which replaces the target (`rename`) only once all of them are on disk (`fsync`, then the
/// directory's). A reader of the target — 1C polling an exchange folder — sees the old file or
/// the new one, never a part. The SHA-256 and size are counted as the bytes pass.
struct ExportFile {
    let path: String
    private let directory: String
    private let temporary: String
    private var descriptor: Int32
    private var hasher = SHA256.Hasher()
    private var size: Int64 = 0

    /// Creates the temporary file, mode 0640 whatever crmd's umask (0077): the owner writes, and
    /// a group the directory's owner chose — 1C's — may read the file it becomes.
    init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")!
        let name = path[path.index(after: slash)...]
        directory = slash == path.startIndex ? "/" : String(path[..<slash])
        temporary = String(path[...slash]) + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Self.failure(errno, "cannot create a file in the directory of \(path)") }
        _ = fchmod(descriptor, 0o640)
    }

    mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure(errno, "cannot write \(path)")
                }
                offset += written
            }
            hasher.update(buffer)
        }
        size += Int64(bytes.count)
    }

    /// Puts the file in place; its size and SHA-256 (lowercase hex).
    mutating func commit() throws -> (bytes: Int64, sha256: String) {
        guard fsync(descriptor) == 0 else { throw Self.failure(errno, "cannot write \(path)") }
        close(descriptor)
        descriptor = -1
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Self.failure(code, "cannot put the file at \(path)")
        }
        let parent = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if parent >= 0 {
            _ = fsync(parent)
            close(parent)
        }
        return (size, SHA256.hexText(hasher.finish()))
    }

    /// Removes the temporary file after a failure; the target stays as it was.
    mutating func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporary)
    }

    private static func failure(_ code: Int32, _ what: String) -> CRMError {
        .invalidValue(field: "path", reason: "cannotWrite", message: "\(what): \(String(cString: strerror(code)))")
    }
}
