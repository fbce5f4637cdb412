import CSQLite
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

    /// Pages copied between two syncs of the copy (4 MiB at SQLite's default page size).
    static let pagesPerStep: Int32 = 1024

    /// Writes a consistent copy of the database at `path` to the new file `target` (mode 0600,
    /// without a WAL: a plain SQLite file that can replace the original).
    ///
    /// The copy is taken page by page from one snapshot (a read transaction held from start to
    /// end, so the server's commits in the meantime neither show in it nor restart it), a few
    /// MiB at a time, each piece synced before the next with a short pause. Writing a large
    /// copy in one go (as `VACUUM INTO` does) fills the disk's queue: the server's commits, whose
    /// fsync waits behind it, were held for up to half a second at the end of a 1 GiB copy.
    public static func backup(databaseAt path: String, to target: String) throws {
        // Create the copy empty, private, and only if new.
        let fd = open(target, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            throw code == EEXIST ? Failure.targetExists(target) : Failure.cannotCreate(target, errno: code)
        }
        defer { close(fd) }
        do {
            let source = try Database(path: path, readOnly: true)
            defer { source.close() }
            try source.execute("BEGIN")
            _ = try source.scalar("SELECT count(*) FROM sqlite_schema")  // the snapshot starts here
            let copy = try Database(path: target)
            _ = try copy.scalar("PRAGMA journal_mode = OFF")
            try copy.execute("PRAGMA synchronous = OFF")
            try copy.execute("PRAGMA cache_size = 64")
            try copyPages(from: source, to: copy, syncing: fd)
            copy.close()
            try source.execute("COMMIT")
            // The pages say WAL, as the original's do; a plain rollback-journal file restores
            // without companions.
            let plain = try Database(path: target)
            _ = try plain.scalar("PRAGMA journal_mode = DELETE")
            plain.close()
            guard fsync(fd) == 0 else { throw Failure.cannotCreate(target, errno: errno) }
        } catch {
            unlink(target)
            throw error
        }
    }

    private static func copyPages(from source: Database, to copy: Database, syncing fd: Int32) throws {
        let destination = try copy.openConnection(sql: nil)
        guard let backup = sqlite3_backup_init(destination, "main", try source.openConnection(sql: nil), "main") else {
            throw SQLiteError(connection: destination, sql: nil)
        }
        var result: Int32
        repeat {
            result = sqlite3_backup_step(backup, pagesPerStep)
            switch result {
            case SQLITE_OK:
                _ = fdatasync(fd)
                usleep(2_000)
            case SQLITE_BUSY, SQLITE_LOCKED:
                usleep(10_000)
            default:
                break
            }
        } while result == SQLITE_OK || result == SQLITE_BUSY || result == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE, finished == SQLITE_OK else { throw SQLiteError(connection: destination, sql: nil) }
    }

    /// What is wrong with the database at `path`: SQLite's integrity check and every row whose
    /// foreign key points nowhere; empty when it is sound.
    public static func problems(databaseAt path: String) throws -> [String] {
        let db = try Database(path: path, readOnly: true)
        defer { db.close() }
        var problems: [String] = []
        for row in try db.query("PRAGMA integrity_check") {
            let text = row["integrity_check"].string ?? ""
            if text != "ok" { problems.append("integrity: \(text)") }
        }
        for row in try db.query("PRAGMA foreign_key_check") {
            problems.append("foreign key: row \(row["rowid"].int64.map(String.init) ?? "?") of \(row["table"].string ?? "?") points to a missing row of \(row["parent"].string ?? "?")")
        }
        return problems
    }
}
