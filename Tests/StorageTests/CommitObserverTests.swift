import Foundation
import Storage
import Testing

/// Records every callback; `onCommit` (set before writing) runs inside `databaseDidCommit`.
private final class RecordingObserver: CommitObserver {
    enum Event: Sendable {
        case commit([ObservedWrite])
        case rollback([ObservedWrite])
    }

    let events = Locked<[Event]>([])
    /// Set when a callback starts while another is still running.
    let overlapped = Locked(false)
    private let inCallback = Locked(false)
    private let onCommit: (@Sendable ([ObservedWrite]) -> Void)?

    init(onCommit: (@Sendable ([ObservedWrite]) -> Void)? = nil) {
        self.onCommit = onCommit
    }

    func databaseDidCommit(_ writes: [ObservedWrite]) {
        enter()
        onCommit?(writes)
        events.update { $0.append(.commit(writes)) }
        leave()
    }

    func databaseDidRollback(_ writes: [ObservedWrite]) {
        enter()
        events.update { $0.append(.rollback(writes)) }
        leave()
    }

    private func enter() {
        inCallback.update { busy in
            if busy { overlapped.update { $0 = true } }
            busy = true
        }
    }

    private func leave() {
        inCallback.update { $0 = false }
    }

    var committed: [ObservedWrite] {
        events.value.flatMap { event -> [ObservedWrite] in
            if case .commit(let writes) = event { return writes }
            return []
        }
    }

    var rolledBack: [ObservedWrite] {
        events.value.flatMap { event -> [ObservedWrite] in
            if case .rollback(let writes) = event { return writes }
            return []
        }
    }

    /// Each event as "commit"/"rollback" followed by its writes' string notes.
    var summary: [String] {
        events.value.map { event in
            switch event {
            case .commit(let writes): "commit " + Self.describe(writes)
            case .rollback(let writes): "rollback " + Self.describe(writes)
            }
        }
    }

    private static func describe(_ writes: [ObservedWrite]) -> String {
        writes.map { write in write.notes.map { "\($0)" }.joined(separator: "+") }.joined(separator: ",")
    }
}

private func insertItem(_ database: Database, writer: Int = 0, n: Int = 0) throws -> Int64 {
    try database.execute("INSERT INTO item(writer, n) VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
    return database.lastInsertRowID
}

@Suite struct CommitObserverTests {
    private func withPool(_ body: (DatabasePool, TemporaryDatabase) async throws -> Void) async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        var configuration = DatabaseConfiguration()
        configuration.readerCount = 2
        let pool = try DatabasePool(
            path: temporary.path, configuration: configuration,
            migrations: [
                Migration(version: 1, name: "schema", sql: """
                    CREATE TABLE item(id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, n INTEGER NOT NULL);
                    CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
                    INSERT INTO counter(id, n) VALUES (1, 0);
                    CREATE TABLE parent(id INTEGER PRIMARY KEY);
                    CREATE TABLE child(parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    CREATE TABLE audit(item_id INTEGER NOT NULL);
                    CREATE TABLE audited(id INTEGER PRIMARY KEY);
                    CREATE TRIGGER audited_insert AFTER INSERT ON audited BEGIN
                        INSERT INTO audit(item_id) VALUES (new.id);
                    END;
                    """)
            ])
        defer { pool.close() }
        try await body(pool, temporary)
    }

    /// The observer looks for each committed row through the pool's readers and through a
    /// connection of its own: both must already see it. A write inside the callback must throw
    /// instead of deadlocking. Each write returns only after its commit was reported.
    @Test func commitIsReportedOnceTheDataIsVisible() async throws {
        try await withPool { pool, temporary in
            let separate = Locked<[Int64]>([])
            let pooled = Locked<[Int64]>([])
            let nestedWriteCodes = Locked<[Int32]>([])
            let observer = RecordingObserver { writes in
                // Opened here so the connection never leaves this (the committing) thread.
                guard let connection = try? Database(path: temporary.path, readOnly: true) else { return }
                for id in writes.flatMap(\.notes).compactMap({ $0 as? Int64 }) {
                    let own = try? connection.scalar("SELECT count(*) FROM item WHERE id = ?", [.integer(id)]).int64
                    let read = try? pool.read { try $0.scalar("SELECT count(*) FROM item WHERE id = ?", [.integer(id)]).int64 }
                    if own == 1 { separate.update { $0.append(id) } }
                    if read == 1 { pooled.update { $0.append(id) } }
                }
                connection.close()
                do {
                    try pool.write { _ in }
                    nestedWriteCodes.update { $0.append(0) }
                } catch let error as SQLiteError {
                    nestedWriteCodes.update { $0.append(error.code) }
                } catch {
                    nestedWriteCodes.update { $0.append(-1) }
                }
            }
            let second = RecordingObserver()
            pool.addCommitObserver(observer)
            pool.addCommitObserver(second)

            var ids: [Int64] = []
            for n in 0..<5 {
                let id = try pool.write { database in
                    let id = try insertItem(database, n: n)
                    database.attachCommitNote(id)
                    return id
                }
                ids.append(id)
                #expect(observer.committed.flatMap(\.notes).compactMap { $0 as? Int64 } == ids)
            }
            #expect(separate.value == ids)
            #expect(pooled.value == ids)
            #expect(nestedWriteCodes.value == Array(repeating: SQLiteCode.misuse, count: 5))
            #expect(second.committed.flatMap(\.notes).compactMap { $0 as? Int64 } == ids)
            #expect(observer.rolledBack.isEmpty)
            #expect(!observer.overlapped.value)
        }
    }

    @Test func throwingBodyIsReportedRolledBackWithItsNotes() async throws {
        try await withPool { pool, _ in
            let observer = RecordingObserver()
            pool.addCommitObserver(observer)
            #expect(throws: Boom(id: 1)) {
                try pool.write { database in
                    _ = try insertItem(database)
                    database.attachCommitNote("lost")
                    _ = try insertItem(database)
                    throw Boom(id: 1)
                }
            }
            try pool.write { database in
                _ = try insertItem(database)
                database.attachCommitNote("kept")
            }
            #expect(observer.summary == ["rollback lost", "commit kept"])
            #expect(observer.rolledBack.map(\.rowsChanged) == [2])
            #expect(observer.committed.map(\.rowsChanged) == [1])
            #expect(try pool.read { try $0.scalar("SELECT count(*) FROM item") } == 1)
        }
    }

    /// Writer 0 holds the writer until writers 1...3 are queued behind it, so all four share one
    /// transaction; writer 2 throws. Its rollback is reported at once, the others' commit after.
    @Test func throwingBodyInAGroupIsReportedAloneAndTheRestCommits() async throws {
        try await withPool { pool, _ in
            let observer = RecordingObserver()
            pool.addCommitObserver(observer)
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let first = onThread {
                _ = try? pool.write { database in
                    _ = try insertItem(database)
                    database.attachCommitNote("w0")
                    started.signal()
                    release.wait()
                }
            }
            await wait(started)
            let others = (1...3).map { writer in
                onThread {
                    _ = try? pool.write { database in
                        _ = try insertItem(database, writer: writer)
                        database.attachCommitNote("w\(writer)")
                        if writer == 2 { throw Boom(id: writer) }
                    }
                }
            }
            try await eventually { pool.queuedWriterCount == 3 }
            #expect(pool.queuedWriterCount == 3)
            release.signal()
            for finished in [first] + others { await wait(finished) }

            let events = observer.events.value
            try #require(events.count == 2)
            guard case .rollback(let rolledBack) = events[0], case .commit(let committed) = events[1] else {
                Issue.record("expected a rollback then a commit, got \(observer.summary)")
                return
            }
            #expect(rolledBack.map { $0.notes.map { "\($0)" } } == [["w2"]])
            let committedNotes = committed.flatMap(\.notes).map { "\($0)" }
            #expect(committedNotes.first == "w0")
            #expect(Set(committedNotes) == ["w0", "w1", "w3"] && committedNotes.count == 3)
            #expect(pool.commitCount == 1)
        }
    }

    /// A deferred foreign-key violation fails the group's COMMIT: every write of the group is
    /// reported rolled back, none committed.
    @Test func failedCommitReportsTheWholeGroupRolledBack() async throws {
        try await withPool { pool, _ in
            let observer = RecordingObserver()
            pool.addCommitObserver(observer)
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let failures = Locked(0)
            let first = onThread {
                do {
                    try pool.write { database in
                        try database.execute("INSERT INTO child(parent_id) VALUES (42)")
                        database.attachCommitNote("w0")
                        started.signal()
                        release.wait()
                    }
                } catch {
                    failures.update { $0 += 1 }
                }
            }
            await wait(started)
            let others = (1...2).map { writer in
                onThread {
                    do {
                        try pool.write { database in
                            _ = try insertItem(database, writer: writer)
                            database.attachCommitNote("w\(writer)")
                        }
                    } catch {
                        failures.update { $0 += 1 }
                    }
                }
            }
            try await eventually { pool.queuedWriterCount == 2 }
            release.signal()
            for finished in [first] + others { await wait(finished) }

            #expect(failures.value == 3)
            #expect(observer.committed.isEmpty)
            let events = observer.events.value
            #expect(events.count == 1)
            let notes = observer.rolledBack.flatMap(\.notes).map { "\($0)" }
            #expect(notes.first == "w0")
            #expect(Set(notes) == ["w0", "w1", "w2"] && notes.count == 3)

            try pool.write { database in
                _ = try insertItem(database, writer: 9)
                database.attachCommitNote("after")
            }
            #expect(observer.summary.last == "commit after")
        }
    }

    /// Every write takes the next number from a counter row inside its body and attaches it:
    /// the numbers reported committed must be 1...N in order, each once, and each write returns
    /// only after its number was reported.
    @Test func concurrentWritesAreReportedOnceInCommitOrder() async throws {
        try await withPool { pool, _ in
            let delivered = Locked<[Int64]>([])
            let observer = RecordingObserver { writes in
                let numbers = writes.flatMap(\.notes).compactMap { $0 as? Int64 }
                // A slow observer widens the window in which a misplaced call would overlap the
                // next group's, or let the members return first.
                usleep(300)
                delivered.update { $0 += numbers }
            }
            pool.addCommitObserver(observer)
            let threads = 16, writesPerThread = 50
            let failures = Locked(0), returnedBeforeReported = Locked(0)
            await onThreads(threads) { writer in
                for n in 0..<writesPerThread {
                    do {
                        let number = try pool.write { database in
                            try database.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
                            let number = try database.scalar("SELECT n FROM counter WHERE id = 1").int64 ?? -1
                            _ = try insertItem(database, writer: writer, n: n)
                            database.attachCommitNote(number)
                            return number
                        }
                        if delivered.value.last.map({ $0 < number }) ?? true {
                            returnedBeforeReported.update { $0 += 1 }
                        }
                    } catch {
                        failures.update { $0 += 1 }
                    }
                }
            }
            let writes = threads * writesPerThread
            #expect(failures.value == 0)
            #expect(returnedBeforeReported.value == 0)
            #expect(delivered.value == Array(1...Int64(writes)))
            #expect(observer.committed.allSatisfy { $0.rowsChanged == 2 && $0.notes.count == 1 })
            #expect(observer.rolledBack.isEmpty)
            #expect(observer.events.value.count == pool.commitCount)
            #expect(pool.commitCount < writes, "the writes should have been grouped")
            #expect(!observer.overlapped.value)
        }
    }

    /// Inserts, updates, deletes and trigger rows all count; a write that changed nothing is
    /// still reported, with 0.
    @Test func rowsChangedCountsTheBodysChanges() async throws {
        try await withPool { pool, _ in
            let observer = RecordingObserver()
            pool.addCommitObserver(observer)
            try pool.write { database in
                for n in 0..<3 { _ = try insertItem(database, n: n) }
            }
            try pool.write { try $0.execute("UPDATE item SET n = n + 10 WHERE n < 2") }
            try pool.write { try $0.execute("INSERT INTO audited(id) VALUES (1)") }
            try pool.write { try $0.execute("DELETE FROM item") }
            try pool.write { database in
                _ = try database.scalar("SELECT count(*) FROM item")
            }
            #expect(observer.committed.map(\.rowsChanged) == [3, 2, 2, 3, 0])
            #expect(observer.committed.allSatisfy { $0.notes.isEmpty })
        }
    }

    /// A transaction that began with no observer collects nothing and reports nothing; notes
    /// attached meanwhile are dropped.
    @Test func writesBeforeTheObserverWasAddedAreNotReported() async throws {
        try await withPool { pool, _ in
            try pool.write { database in
                _ = try insertItem(database)
                database.attachCommitNote("unobserved")
            }
            let observer = RecordingObserver()
            pool.addCommitObserver(observer)
            try pool.write { database in
                _ = try insertItem(database)
                database.attachCommitNote("observed")
            }
            #expect(observer.summary == ["commit observed"])
        }
    }
}
