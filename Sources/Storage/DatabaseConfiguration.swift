/// How a `DatabasePool` opens and prepares its connections.
///
/// Applied to every connection right after it opens, before migrations run on the writer.
public struct DatabaseConfiguration: Sendable {
    /// Read-only connections in the pool (at least one is opened).
    public var readerCount: Int = 4
    /// `PRAGMA synchronous=FULL` (every commit is fsynced), else `NORMAL`.
    public var synchronousFull: Bool = true
    public var busyTimeoutMilliseconds: Int32 = 5000
    /// The writer's page cache, in KiB (SQLite's default is 2 MiB). A large write — a bank
    /// statement's thousands of payments in one transaction, each touching invoices spread over
    /// a big table — dirties far more pages than 2 MiB hold; SQLite then spills them to the WAL
    /// before the commit and writes some again. The cache is a ceiling, filled only as pages are used.
    public var writerCacheKiB: Int = 64 << 10
    /// The WAL size, in pages, past which a commit wakes the background checkpointer
    /// (`Checkpointer`): SQLite's own automatic checkpoint threshold.
    public var checkpointWakePages: Int32 = 1_000
    /// The WAL size past which the writer, after its commit, checkpoints itself (64 MiB of 4 KiB pages).
    public var checkpointCeilingPages: Int32 = 16_000
    /// Runs on every connection after the pragmas, e.g. to register SQL functions.
    public var prepareConnection: (@Sendable (Database) throws -> Void)? = nil

    public init() {}
}

extension Database {
    /// Busy timeout, WAL and the page cache (writer only), foreign keys, synchronous, then `prepareConnection`.
    func configure(_ configuration: DatabaseConfiguration, isWriter: Bool) throws {
        try setBusyTimeout(milliseconds: configuration.busyTimeoutMilliseconds)
        if isWriter {
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA cache_size=-\(configuration.writerCacheKiB)")
            // A WAL that grew under a long run of writes is cut back to 64 MiB when it starts over.
            try execute("PRAGMA journal_size_limit=\(64 << 20)")
        }
        try execute("PRAGMA foreign_keys=ON")
        try execute(configuration.synchronousFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
        try configuration.prepareConnection?(self)
    }
}
