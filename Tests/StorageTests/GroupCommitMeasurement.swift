import Foundation
import Storage
import Testing

/// The group-commit measurement from the design brief; run with `CRMD_STORAGE_MEASURE=1 swift test`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CRMD_STORAGE_MEASURE"] != nil))
struct GroupCommitMeasurement {
    @Test func sixteenThreadsWriting500RowsEach() async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let pool = try DatabasePool(
            path: temporary.path,
            migrations: [Migration(version: 1, name: "schema", sql: "CREATE TABLE item(writer INTEGER, n INTEGER)")])
        defer { pool.close() }
        let threads = 16, writesPerThread = 500
        let started = Date()
        await onThreads(threads) { writer in
            for n in 0..<writesPerThread {
                try? pool.write { database in
                    try database.execute("INSERT INTO item VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        let rows = try pool.read { try $0.scalar("SELECT count(*) FROM item") }
        print("group commit: \(threads * writesPerThread) writes, \(rows) rows, \(pool.commitCount) commits, \(String(format: "%.2f", elapsed)) s")
        #expect(rows == .integer(Int64(threads * writesPerThread)))

        let serialStarted = Date()
        let before = pool.commitCount
        for n in 0..<500 {
            try pool.write { try $0.execute("INSERT INTO item VALUES (99, ?)", [.integer(Int64(n))]) }
        }
        print("one thread: 500 writes, \(pool.commitCount - before) commits, \(String(format: "%.2f", Date().timeIntervalSince(serialStarted))) s")
    }
}
