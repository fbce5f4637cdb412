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
                CREATE VIRTUAL TABLE other_fts USING fts5 (body);
                INSERT INTO item_fts(item_fts, rank) VALUES ('automerge', 0);
                INSERT INTO other_fts(other_fts, rank) VALUES ('automerge', 0);
                CREATE TABLE item_text(id INTEGER PRIMARY KEY, body TEXT);
                CREATE TRIGGER item_text_fts AFTER INSERT ON item_text BEGIN INSERT INTO item_fts(rowid, body) VALUES (new.id, new.body); END;
                CREATE TABLE other_text(id INTEGER PRIMARY KEY, body TEXT);
                CREATE TRIGGER other_text_fts AFTER INSERT ON other_text BEGIN INSERT INTO other_fts(rowid, body) VALUES (new.id, new.body); END;
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
                try db.executeBeforeCommit("INSERT INTO log(n) VALUES (1)", on: "log")
                // Not yet: it runs only when the group commits.
                #expect(try db.scalar("SELECT count(*) FROM log") == .integer(0))
                try db.executeBeforeCommit("INSERT INTO item_fts(rowid, body) VALUES (1, 'Ромашка')", on: "item_fts")
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
                    try db.executeBeforeCommit("INSERT INTO log(n) VALUES (7)", on: "log")
                    throw Refused()
                }
            }
            try pool.write { try $0.executeBeforeCommit("INSERT INTO log(n) VALUES (8)", on: "log") }
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
                        try db.executeBeforeCommit("INSERT INTO log(n) VALUES (0)", on: "log")
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
                            try db.executeBeforeCommit("INSERT INTO log(n) VALUES (?)", [.integer(writer == 2 ? 0 : Int64(writer))], on: "log")
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
            try pool.write { try $0.executeBeforeCommit("INSERT INTO log(n) VALUES (3)", on: "log") }
            #expect(try logged(pool) == [3])
        }
    }

    @Test func aGroupsRowsForOneTableGoInAsOneStatementSoFTS5WritesOneSegment() async throws {
        try await withPool { pool in
            let words = (0..<12).map { "слово\($0)" }
            try pool.write { db in
                for (n, word) in words.enumerated() {
                    try db.insertBeforeCommit(into: "item_text", columns: ["id", "body"], values: [.integer(Int64(n + 1)), .text(word)])
                    try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(Int64(n))])
                    try db.executeBeforeCommit("INSERT INTO other_text(id, body) VALUES (?, ?)", [.integer(Int64(n + 1)), .text(word)],
                                               on: "other_text")
                }
            }
            #expect(try logged(pool) == Array(0..<12))
            for table in ["item_fts", "other_fts"] {
                #expect(try pool.read { try $0.scalar("SELECT count(*) FROM \(table) WHERE \(table) MATCH 'слово7'") } == .integer(1))
            }
            // Rows reaching FTS5 through a trigger: a statement per row writes a segment per row
            // (the trigger's statement journal makes FTS5 flush its pending terms as each one
            // begins; automerge is off to keep them apart); the coalesced rows write one.
            let segments = { (table: String) throws -> Int64? in
                try pool.read { try $0.scalar("SELECT count(*) FROM \(table)_data WHERE id > 10").int64 }
            }
            #expect(try segments("item_fts") == 1)
            #expect(try segments("other_fts") == 12)
        }
    }

    @Test func statementsOnOneTableKeepTheirOrderAroundCoalescedRows() async throws {
        try await withPool { pool in
            try pool.write { db in
                try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(1)])
                try db.insertBeforeCommit(into: "item", columns: ["n"], values: [.integer(100)])
                try db.executeBeforeCommit("UPDATE log SET n = n + 10", on: "log")
                try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(2)])
                try db.insertBeforeCommit(into: "item", columns: ["n"], values: [.integer(200)])
            }
            // Rows 1 and 2 cannot share a statement: the update between them applies to 1 only.
            #expect(try logged(pool) == [11, 2])
            #expect(try pool.read { try $0.query("SELECT n FROM item ORDER BY id").compactMap { $0[0].int64 } } == [100, 200])
        }
    }

    @Test func manyRowsAreSplitIntoStatementsOfBoundedSize() async throws {
        try await withPool { pool in
            try pool.write { db in
                for n in 0..<75 { try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(Int64(n))]) }
            }
            #expect(try logged(pool) == Array(0..<75))
            // The duplicate in the third statement fails the group, the first two included.
            #expect(throws: SQLiteError.self) {
                try pool.write { db in
                    for n in 100..<170 { try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(Int64(n))]) }
                    try db.insertBeforeCommit(into: "log", columns: ["n"], values: [.integer(0)])
                }
            }
            #expect(try logged(pool) == Array(0..<75))
        }
    }

    @Test func outsideAWriteItRunsAtOnce() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let db = try Database(path: temporary.path)
        defer { db.close() }
        try db.execute("CREATE TABLE log(n INTEGER)")
        try db.executeBeforeCommit("INSERT INTO log(n) VALUES (5)", on: "log")
        #expect(try db.scalar("SELECT n FROM log") == .integer(5))
    }
}
