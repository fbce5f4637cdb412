import Foundation
import Storage
import Testing

@Suite struct WriteTests {
    private func withPool(
        readers: Int = 2, _ body: (DatabasePool) async throws -> Void
    ) async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        var configuration = DatabaseConfiguration()
        configuration.readerCount = readers
        let pool = try DatabasePool(
            path: temporary.path, configuration: configuration,
            migrations: [
                Migration(version: 1, name: "schema", sql: """
                    CREATE TABLE item(id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, n INTEGER NOT NULL);
                    CREATE TABLE parent(id INTEGER PRIMARY KEY);
                    CREATE TABLE child(parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    """)
            ])
        defer { pool.close() }
        try await body(pool)
    }

    private func count(_ pool: DatabasePool, _ table: String = "item") throws -> Int64 {
        try pool.read { try $0.scalar("SELECT count(*) FROM \(table)").int64 ?? -1 }
    }

    @Test func writeIsVisibleToReadRightAfter() async throws {
        try await withPool { pool in
            for n in 0..<20 {
                let id = try pool.write { database in
                    try database.execute("INSERT INTO item(writer, n) VALUES (0, ?)", [.integer(Int64(n))])
                    return database.lastInsertRowID
                }
                #expect(try pool.read { try $0.scalar("SELECT n FROM item WHERE id = ?", [.integer(id)]) } == .integer(Int64(n)))
            }
        }
    }

    /// Writer 0 holds the writer connection until writers 1...3 are queued, so all four land in
    /// one commit group; writer 2 throws.
    @Test func throwingBodyRollsBackOnlyItsOwnChanges() async throws {
        try await withPool { pool in
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let outcomes = Locked<[Int: String]>([:])
            let first = onThread {
                do {
                    try pool.write { database in
                        try database.execute("INSERT INTO item(writer, n) VALUES (0, 0)")
                        started.signal()
                        release.wait()
                    }
                    outcomes.update { $0[0] = "ok" }
                } catch {
                    outcomes.update { $0[0] = "\(error)" }
                }
            }
            await wait(started)
            let others = (1...3).map { writer in
                onThread {
                    do {
                        try pool.write { database in
                            try database.execute("INSERT INTO item(writer, n) VALUES (?, 0)", [.integer(Int64(writer))])
                            if writer == 2 { throw Boom(id: writer) }
                        }
                        outcomes.update { $0[writer] = "ok" }
                    } catch let error as Boom {
                        outcomes.update { $0[writer] = "boom \(error.id)" }
                    } catch {
                        outcomes.update { $0[writer] = "\(error)" }
                    }
                }
            }
            try await eventually { pool.queuedWriterCount == 3 }
            #expect(pool.queuedWriterCount == 3)
            release.signal()
            for finished in [first] + others { await wait(finished) }

            #expect(outcomes.value == [0: "ok", 1: "ok", 2: "boom 2", 3: "ok"])
            let writers = try pool.read { try $0.query("SELECT writer FROM item ORDER BY writer").compactMap { $0[0].int64 } }
            #expect(writers == [0, 1, 3])
            #expect(pool.commitCount == 1)
        }
    }

    /// A deferred foreign-key violation only fails at COMMIT: every member of the group gets the
    /// error and none of their rows survive.
    @Test func failedCommitFailsTheWholeGroup() async throws {
        try await withPool { pool in
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let codes = Locked<[Int: Int32]>([:])
            let record: @Sendable (Int, () throws -> Void) -> Void = { writer, work in
                do {
                    try work()
                    codes.update { $0[writer] = 0 }
                } catch let error as SQLiteError {
                    codes.update { $0[writer] = error.code }
                } catch {
                    codes.update { $0[writer] = -1 }
                }
            }
            let first = onThread {
                record(0) {
                    try pool.write { database in
                        try database.execute("INSERT INTO child(parent_id) VALUES (42)")
                        started.signal()
                        release.wait()
                    }
                }
            }
            await wait(started)
            let others = (1...2).map { writer in
                onThread {
                    record(writer) {
                        try pool.write { try $0.execute("INSERT INTO item(writer, n) VALUES (?, 0)", [.integer(Int64(writer))]) }
                    }
                }
            }
            try await eventually { pool.queuedWriterCount == 2 }
            release.signal()
            for finished in [first] + others { await wait(finished) }

            #expect(codes.value == [0: SQLiteCode.constraintForeignKey, 1: SQLiteCode.constraintForeignKey, 2: SQLiteCode.constraintForeignKey])
            #expect(try count(pool) == 0)
            #expect(try count(pool, "child") == 0)
            try pool.write { try $0.execute("INSERT INTO item(writer, n) VALUES (9, 9)") }
            #expect(try count(pool) == 1)
        }
    }

    @Test func concurrentWritesAreGroupCommitted() async throws {
        try await withPool { pool in
            let threads = 16, writesPerThread = 60
            let failures = Locked(0)
            await onThreads(threads) { writer in
                for n in 0..<writesPerThread {
                    do {
                        try pool.write { database in
                            try database.execute(
                                "INSERT INTO item(writer, n) VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
                        }
                    } catch {
                        failures.update { $0 += 1 }
                    }
                }
            }
            let writes = threads * writesPerThread
            #expect(failures.value == 0)
            let rows = try count(pool)
            #expect(rows == Int64(writes))
            #expect(pool.commitCount < writes / 2, "\(pool.commitCount) commits for \(writes) writes")
        }
    }

    @Test func connectionsAreConfigured() async throws {
        try await withPool { pool in
            let writer = try pool.write { database in
                try ["PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA foreign_keys"].map { try database.scalar($0) }
            }
            #expect(writer == ["wal", 2, 1])
            let reader = try pool.read { database in
                try ["PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA foreign_keys"].map { try database.scalar($0) }
            }
            #expect(reader == ["wal", 2, 1])
        }
    }

    @Test func nestedWriteThrowsInsteadOfDeadlocking() async throws {
        try await withPool { pool in
            let error = #expect(throws: SQLiteError.self) {
                try pool.write { _ in try pool.write { _ in } }
            }
            #expect(error?.code == SQLiteCode.misuse)
            try pool.write { try $0.execute("INSERT INTO item(writer, n) VALUES (1, 1)") }
            #expect(try count(pool) == 1)
        }
    }

    @Test func readersAreReadOnly() async throws {
        try await withPool { pool in
            let error = #expect(throws: SQLiteError.self) {
                try pool.read { try $0.execute("INSERT INTO item(writer, n) VALUES (1, 1)") }
            }
            #expect(error?.primaryCode == SQLiteCode.readOnly)
        }
    }

    @Test func closedPoolRefusesCalls() async throws {
        try await withPool { pool in
            try pool.write { try $0.execute("INSERT INTO item(writer, n) VALUES (1, 1)") }
            pool.close()
            #expect(throws: SQLiteError.self) { try pool.write { _ in } }
            #expect(throws: SQLiteError.self) { try pool.read { _ in } }
        }
    }
}

/// Waits for a thread started with `onThread` without blocking the concurrency pool.
func wait(_ finished: DispatchSemaphore) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            finished.wait()
            continuation.resume()
        }
    }
}
