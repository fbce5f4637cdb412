import Foundation
import Storage
import Testing

/// Statements a write leaves for its group's commit (`executeBeforeCommit`): run once, in
/// order, just before `COMMIT`; gone with a write that is rolled back; a failing one fails the
/// whole group and leaves nothing behind.
@Suite struct DeferredStatementTests {
    private func withPool(_ body: (DatabasePool) async throws -> Void) async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let pool = try DatabasePool(path: temporary.path, migrations: [
            Migration(version: 1, name: "schema", sql: """
                CREATE TABLE item(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
                CREATE TABLE log(id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE);
                CREATE VIRTUAL TABLE item_fts USING fts5 (body);
                """),
        ])
        defer { pool.close() }
        try await body(pool)
    }

    private func logged(_ pool: DatabasePool) throws -> [Int64] {
        try pool.read { try $0.query("SELECT n FROM log ORDER BY id").compactMap { $0[0].int64 } }
    }

    @Test func aDeferredStatementRunsAtCommitAfterTheBodysOwn() async throws {
        try await withPool { pool in
            try pool.write { db in
                try db.execute("INSERT INTO item(n) VALUES (1)")
                try db.executeBeforeCommit("INSERT INTO log(n) VALUES (1)")
                // Not yet: it runs only when the group commits.
                #expect(try db.scalar("SELECT count(*) FROM log") == .integer(0))
                try db.executeBeforeCommit("INSERT INTO item_fts(rowid, body) VALUES (1, 'Ромашка')")
            }
            #expect(try logged(pool) == [1])
            #expect(try pool.read { try $0.scalar("SELECT rowid FROM item_fts WHERE item_fts MATCH 'ромашка'") } == .integer(1))
        }
    }

    @Test func aWriteThatThrowsTakesItsDeferredStatementsAlong() async throws {
        try await withPool { pool in
            struct Refused: Error {}
            #expect(throws: Refused.self) {
                try pool.write { db in
                    try db.executeBeforeCommit("INSERT INTO log(n) VALUES (7)")
                    throw Refused()
                }
            }
            try pool.write { try $0.executeBeforeCommit("INSERT INTO log(n) VALUES (8)") }
            #expect(try logged(pool) == [8])
        }
    }

    /// Writer 0 holds the writer until writers 1 and 2 are queued, so the three share one
    /// group; writer 2's deferred insert breaks `UNIQUE` at commit time, failing all three.
    @Test func aDeferredStatementThatFailsFailsTheWholeGroup() async throws {
        try await withPool { pool in
            let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let outcomes = Locked<[Int: String]>([:])
            let first = onThread {
                do {
                    try pool.write { db in
                        try db.execute("INSERT INTO item(n) VALUES (0)")
                        try db.executeBeforeCommit("INSERT INTO log(n) VALUES (0)")
                        started.signal()
                        release.wait()
                    }
                    outcomes.update { $0[0] = "ok" }
                } catch {
                    outcomes.update { $0[0] = "failed" }
                }
            }
            await wait(started)
            let others = (1...2).map { writer in
                onThread {
                    do {
                        try pool.write { db in
                            try db.execute("INSERT INTO item(n) VALUES (?)", [.integer(Int64(writer))])
                            try db.executeBeforeCommit("INSERT INTO log(n) VALUES (?)", [.integer(writer == 2 ? 0 : Int64(writer))])
                        }
                        outcomes.update { $0[writer] = "ok" }
                    } catch {
                        outcomes.update { $0[writer] = "failed" }
                    }
                }
            }
            try await eventually { pool.queuedWriterCount == 2 }
            release.signal()
            for finished in [first] + others { await wait(finished) }
            #expect(outcomes.value == [0: "failed", 1: "failed", 2: "failed"])
            #expect(try pool.read { try $0.scalar("SELECT count(*) FROM item") } == .integer(0))
            #expect(try logged(pool).isEmpty)
            // The writer goes on with the next group.
            try pool.write { try $0.executeBeforeCommit("INSERT INTO log(n) VALUES (3)") }
            #expect(try logged(pool) == [3])
        }
    }

    @Test func outsideAWriteItRunsAtOnce() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let db = try Database(path: temporary.path)
        defer { db.close() }
        try db.execute("CREATE TABLE log(n INTEGER)")
        try db.executeBeforeCommit("INSERT INTO log(n) VALUES (5)")
        #expect(try db.scalar("SELECT n FROM log") == .integer(5))
    }
}
