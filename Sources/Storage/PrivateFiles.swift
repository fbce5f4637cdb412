import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// Database files are readable by their owner only (0600), whatever the umask: the file is
/// created with that mode before SQLite opens it, and SQLite gives its `-wal`, `-shm` and
/// `-journal` the database file's mode when it creates them. Files left wider by an older
/// version are narrowed to 0600 when they are opened for writing.
enum PrivateFiles {
    static let mode: mode_t = 0o600

    /// Creates `path` (if missing) with mode 0600 and narrows it and its companions to 0600.
    static func prepare(databasePath path: String) throws(SQLiteError) {
        // In-memory and temporary databases and URI file names have no file of ours to create.
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, mode)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot open \(path): \(reason)")
        }
        let narrowed = narrow(fd)
        close(fd)
        guard narrowed else {
            let reason = String(cString: strerror(errno))
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot make \(path) private (mode 0600): \(reason)")
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            let companion = open(path + suffix, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard companion >= 0 else { continue }
            _ = narrow(companion)
            close(companion)
        }
    }

    /// Sets the mode of a regular file to 0600 if it grants anything to group or others.
    private static func narrow(_ fd: Int32) -> Bool {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        guard status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 != 0 else { return true }
        return fchmod(fd, mode) == 0
    }
}
