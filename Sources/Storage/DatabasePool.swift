/// The process's access to one database file: one writer connection with group commit, a pool
/// of read-only connections, and a connection that checkpoints the WAL in the background
/// (`Checkpointer`). Thread-safe.
///
/// `read` and `write` run their closure on the caller's thread (callers are dedicated OS
/// threads, not the Swift concurrency pool), so the closures need not be `Sendable` and the
/// `Database` never leaves the calling thread. Do not call `write` inside a `write` body (it
/// throws `SQLITE_MISUSE`); a `read` inside a `write` body does not see the uncommitted write;
/// do not nest `read` calls (with every reader taken, the inner one would wait forever).
public final class DatabasePool: Sendable {
    public let path: String
    fileprivate let writer: GroupCommitWriter
    private let readers: ReaderPool
    /// Checkpoints the WAL off the writer's thread; nil for a database in memory.
    private let checkpointer: Checkpointer?
    private let appliedVersion: Int

    /// Opens the writer (creating the file), switches it to WAL, applies pending `migrations`,
    /// then opens `configuration.readerCount` read-only connections.
    public init(path: String, configuration: DatabaseConfiguration = .init(), migrations: [Migration]) throws {
        self.path = path
        let writerConnection = try Database(path: path)
        try writerConnection.configure(configuration, isWriter: true)
        appliedVersion = try writerConnection.migrate(migrations)
        var readerConnections: [Database] = []
        for _ in 0..<max(1, configuration.readerCount) {
            let reader = try Database(path: path, readOnly: true)
            try reader.configure(configuration, isWriter: false)
            readerConnections.append(reader)
        }
        if path.isEmpty || path == ":memory:" {
            checkpointer = nil
        } else {
            let checkpointConnection = try Database(path: path)
            try checkpointConnection.configure(configuration, isWriter: false)
            let checkpointer = Checkpointer(connection: checkpointConnection, wakeFrames: configuration.checkpointWakePages,
                                            ceilingFrames: configuration.checkpointCeilingPages)
            checkpointer.watch(writerConnection)
            self.checkpointer = checkpointer
        }
        writer = GroupCommitWriter(connection: writerConnection)
        readers = ReaderPool(readerConnections)
    }

    /// The highest migration applied to the file.
    public var schemaVersion: Int { appliedVersion }

    /// Runs `body` on a reader inside one read transaction (a consistent snapshot that includes
    /// every write that returned before the call), on the caller's thread. Blocks while all
    /// readers are busy.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let reader = try readers.checkout()
        defer { readers.checkin(reader) }
        try reader.execute("BEGIN")
        do {
            let value = try body(reader)
            try reader.execute("COMMIT")
            return value
        } catch {
            // A reader left inside a transaction would pin an old snapshot forever.
            if !reader.isAutocommit { try? reader.execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body`, which makes exactly one query, on a reader without an explicit
    /// transaction: a single statement is its own read transaction in SQLite (one consistent
    /// snapshot that includes every write that returned before the call), so a point read
    /// skips the BEGIN and COMMIT around it. Use `read` for anything that runs two statements.
    public func readStatement<T>(_ body: (Database) throws -> T) throws -> T {
        let reader = try readers.checkout()
        defer { readers.checkin(reader) }
        return try body(reader)
    }

    /// Runs `body` as its own all-or-nothing unit on the writer's thread (the caller waits), and
    /// returns once its changes are committed and durable. If `body` throws, exactly its own
    /// changes are rolled back and its error is rethrown unchanged; if the shared commit fails,
    /// the commit's `SQLiteError` is thrown and nothing of this write was kept.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.write(body)
    }

    /// Refuses new calls, waits for the calls in flight, then closes every connection (and lets
    /// the commit observers go).
    public func close() {
        // Readers first: the last connection to close checkpoints the WAL and removes it,
        // which a read-only reader cannot do.
        readers.close()
        checkpointer?.stop()
        writer.close()
    }

    /// Checkpoints the background checkpointer has run so far.
    package var backgroundCheckpointCount: Int { checkpointer?.checkpointCount ?? 0 }

    /// `COMMIT`s run by the writer so far (one per commit group).
    package var commitCount: Int { writer.commitCount }

    /// Writes queued for the writer and not yet begun.
    package var queuedWriterCount: Int { writer.queuedWriterCount }
}

extension DatabasePool {
    /// Observers are kept (strong references) until the pool closes; add them before writing.
    ///
    /// An observer is told about the transactions that begin after it was added (it waits for
    /// the writes queued ahead); added to a closed pool it is dropped. Calling this inside a
    /// write body or an observer callback is a precondition failure (it would deadlock).
    public func addCommitObserver(_ observer: any CommitObserver) {
        writer.addObserver(observer)
    }
}
