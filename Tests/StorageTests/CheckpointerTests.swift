import Foundation
import Storage
import Testing

/// The WAL is copied back into the database file by the background checkpointer, not inside
/// the writer's commits; under writes it cannot keep up with, the writer checkpoints past the
/// ceiling, so the WAL does not grow without end.
@Suite struct CheckpointerTests {
    private static let schema = Migration(version: 1, name: "schema", sql: "CREATE TABLE blob(id INTEGER PRIMARY KEY, data BLOB NOT NULL);")

    private func walSize(_ temporary: TemporaryDatabase) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: temporary.path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// `pages` pages of 4 KiB blobs in one write.
    private func write(_ pool: DatabasePool, pages: Int) throws {
        try pool.write { db in
            for _ in 0..<pages {
                try db.execute("INSERT INTO blob (data) VALUES (randomblob(3900))")
            }
        }
    }

    @Test func aWritePastTheThresholdIsCheckpointedInTheBackground() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        var configuration = DatabaseConfiguration()
        configuration.checkpointWakePages = 100
        let pool = try DatabasePool(path: temporary.path, configuration: configuration, migrations: [Self.schema])
        try write(pool, pages: 150)
        let deadline = Date().addingTimeInterval(20)
        while pool.backgroundCheckpointCount == 0 && Date() < deadline {
            usleep(10_000)
        }
        #expect(pool.backgroundCheckpointCount >= 1)
        // The pages are in the database file itself now, while the WAL is still there.
        let fileSize = (try FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(fileSize >= 150 * 4096)
        // A write after it starts the WAL over instead of appending to it.
        let grown = walSize(temporary)
        for _ in 0..<5 { try write(pool, pages: 20) }
        #expect(walSize(temporary) <= grown)
        pool.close()
        let reopened = try DatabasePool(path: temporary.path, migrations: [Self.schema])
        defer { reopened.close() }
        #expect(try reopened.read { try $0.scalar("SELECT count(*) FROM blob").int64 } == 250)
    }

    @Test func pastTheCeilingTheWriterCheckpointsItself() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        var configuration = DatabaseConfiguration()
        configuration.checkpointWakePages = .max   // the background checkpointer is never woken
        configuration.checkpointCeilingPages = 60
        let pool = try DatabasePool(path: temporary.path, configuration: configuration, migrations: [Self.schema])
        defer { pool.close() }
        for _ in 0..<30 { try write(pool, pages: 20) }
        // With no checkpoint at all the WAL would hold some 600 pages; the writer's own checkpoints
        // past 60 let it start over, so it never holds much more than the ceiling and a write.
        #expect(walSize(temporary) < 120 * (4096 + 24))
        #expect(pool.backgroundCheckpointCount == 0)
        #expect(try pool.read { try $0.scalar("SELECT count(*) FROM blob").int64 } == 600)
    }
}
