import Foundation
import Storage
import Testing

/// A step of a write in its own savepoint (`withSavepoint`): when it throws, its rows, notes and
/// deferred statements are gone and the write around it commits what it did itself.
@Suite struct SavepointTests {
    private final class Notes: CommitObserver, @unchecked Sendable {
        let seen = Locked<[String]>([])
        func databaseDidCommit(_ writes: [ObservedWrite]) { seen.update { $0 += writes.flatMap { $0.notes.compactMap { $0 as? String } } } }
        func databaseDidRollback(_ writes: [ObservedWrite]) {}
    }

    @Test func aFailingStepIsUndoneAndTheWriteAroundItStands() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let pool = try DatabasePool(path: temporary.path, migrations: [
            Migration(version: 1, name: "schema", sql: "CREATE TABLE item(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); CREATE TABLE log(n INTEGER);"),
        ])
        defer { pool.close() }
        let notes = Notes()
        pool.addCommitObserver(notes)
        struct Refused: Error {}
        try pool.write { db in
            try db.execute("INSERT INTO item(n) VALUES (1)")
            db.attachCommitNote("before")
            #expect(throws: Refused.self) {
                try db.withSavepoint {
                    try db.execute("INSERT INTO item(n) VALUES (2)")
                    try db.executeBeforeCommit("INSERT INTO log(n) VALUES (2)", on: "log")
                    db.attachCommitNote("undone")
                    throw Refused()
                }
            }
            let kept = try db.withSavepoint {
                try db.execute("INSERT INTO item(n) VALUES (3)")
                db.attachCommitNote("kept")
                return 3
            }
            #expect(kept == 3)
        }
        #expect(try pool.read { try $0.query("SELECT n FROM item ORDER BY n").compactMap { $0[0].int64 } } == [1, 3])
        #expect(try pool.read { try $0.scalar("SELECT count(*) FROM log") } == .integer(0))
        #expect(notes.seen.value == ["before", "kept"])
    }
}
