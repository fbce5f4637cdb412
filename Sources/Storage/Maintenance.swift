import Glibc

/// Backups and checks of a database file, run beside a live server: both read one consistent
/// snapshot through their own read-only connection, so in WAL mode they never block writers.
public enum Maintenance {
    public enum Failure: Error, CustomStringConvertible {
        case targetExists(String)
        case cannotCreate(String, errno: Int32)

        public var description: String {
            switch self {
            case .targetExists(let path): "\(path) already exists; a backup never overwrites a file"
            case .cannotCreate(let path, let code): "cannot create \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Writes a consistent copy of the database at `path` to the new file `target` (mode 0600,
    /// compacted, without a WAL: a plain SQLite file that can replace the original).
    public static func backup(databaseAt path: String, to target: String) throws {
        // VACUUM INTO writes into a missing or empty file; create it empty, private, and only if new.
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            throw code == EEXIST ? Failure.targetExists(target) : Failure.cannotCreate(target, errno: code)
        }
        close(fd)
        do {
            let source = try Database(path: path, readOnly: true)
            defer { source.close() }
            try source.execute("VACUUM INTO ?", [.text(target)])
        } catch {
            unlink(target)
            throw error
        }
    }

    /// What is wrong with the database at `path`: SQLite's integrity check and every row whose
    /// foreign key points nowhere; empty when it is sound.
    public static func problems(databaseAt path: String) throws -> [String] {
        let db = try Database(path: path, readOnly: true)
        defer { db.close() }
        var problems: [String] = []
        for row in try db.query("PRAGMA integrity_check") {
            let text = row[0].string ?? ""
            if text != "ok" { problems.append("integrity: \(text)") }
        }
        for row in try db.query("PRAGMA foreign_key_check") {
            problems.append("foreign key: row \(row[1].int64.map(String.init) ?? "?") of \(row[0].string ?? "?") points to a missing row of \(row[2].string ?? "?")")
        }
        return problems
    }
}
