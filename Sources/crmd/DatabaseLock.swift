import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a second `crmd serve` off a database: an exclusive `flock` on `<database>.lock`
/// (mode 0600), which holds the pid of the server that has it.
///
/// The lock lasts as long as the process: the descriptor is never closed, and the kernel
/// releases the lock however the process ends, so a crashed server leaves no stale lock (the
/// file itself stays; the next server takes it over). The descriptor is close-on-exec, so a
/// program crmd runs cannot keep the lock alive after crmd is gone. `crmd backup` and
/// `crmd check` do not take it: they read beside a running server.
enum DatabaseLock {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func path(for database: String) -> String { database + ".lock" }

    /// Takes the lock for this process, or says who has it.
    static func acquire(database: String) throws(Failure) {
        let lockPath = path(for: database)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot open the lock file: \(SystemError.text(errno)): \(lockPath)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else {
                throw Failure(description: "cannot lock \(lockPath): \(SystemError.text(code))")
            }
            let holder = holderPid(fd).map { " (pid \($0))" } ?? ""
            throw Failure(description: "the database \(database) is in use by another crmd\(holder)")
        }
        _ = fchmod(fd, 0o600)
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.count, 0) == text.count else {
            let code = errno
            close(fd)
            throw Failure(description: "cannot write the lock file: \(SystemError.text(code)): \(lockPath)")
        }
    }

    /// The pid the holder wrote. It writes it right after taking the lock, so an empty file is
    /// read again for a moment; nil if it stays empty.
    private static func holderPid(_ fd: Int32) -> Int32? {
        for _ in 0..<50 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            if count > 0, let pid = Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            usleep(2_000)
        }
        return nil
    }
}
