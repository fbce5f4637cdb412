import Foundation
import Storage
import Testing

@Suite struct ReadTests {
    private func withPool(readers: Int, _ body: (DatabasePool) async throws -> Void) async throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        var configuration = DatabaseConfiguration()
        configuration.readerCount = readers
        configuration.prepareConnection = { database in
            try database.registerFunction("crmd_lower", argumentCount: 1) { arguments in
                arguments.first?.string.map { .text($0.lowercased()) } ?? .null
            }
        }
        let pool = try DatabasePool(
            path: temporary.path, configuration: configuration,
            migrations: [Migration(version: 1, name: "schema", sql: "CREATE TABLE item(n INTEGER NOT NULL)")])
        defer { pool.close() }
        try await body(pool)
    }

    @Test func moreConcurrentReadsThanReadersDoNotDeadlock() async throws {
        try await withPool(readers: 2) { pool in
            let reads = Locked(0)
            await onThreads(12) { thread in
                for n in 0..<25 {
                    if thread % 4 == 0 {
                        _ = try? pool.write { try $0.execute("INSERT INTO item(n) VALUES (?)", [.integer(Int64(n))]) }
                    }
                    if (try? pool.read({ try $0.scalar("SELECT count(*) FROM item") })) != nil {
                        reads.update { $0 += 1 }
                    }
                }
            }
            #expect(reads.value == 12 * 25)
            let rows = try pool.read { try $0.scalar("SELECT count(*) FROM item") }
            #expect(rows == .integer(3 * 25))
        }
    }

    /// A read transaction keeps its snapshot while a write commits in the middle of it.
    @Test func readSeesOneSnapshot() async throws {
        try await withPool(readers: 2) { pool in
            try pool.write { try $0.execute("INSERT INTO item(n) VALUES (1)") }
            let firstCountDone = DispatchSemaphore(value: 0), writeDone = DispatchSemaphore(value: 0)
            let counts = Locked<[SQLValue]>([])
            let reader = onThread {
                _ = try? pool.read { database in
                    counts.update { $0.append((try? database.scalar("SELECT count(*) FROM item")) ?? .null) }
                    firstCountDone.signal()
                    writeDone.wait()
                    counts.update { $0.append((try? database.scalar("SELECT count(*) FROM item")) ?? .null) }
                }
            }
            await wait(firstCountDone)
            try pool.write { try $0.execute("INSERT INTO item(n) VALUES (2)") }
            writeDone.signal()
            await wait(reader)
            #expect(counts.value == [1, 1])
            #expect(try pool.read { try $0.scalar("SELECT count(*) FROM item") } == 2)
        }
    }

    @Test func everyConnectionIsPrepared() async throws {
        try await withPool(readers: 3) { pool in
            try pool.write { database in
                try database.execute("INSERT INTO item(n) VALUES (length(crmd_lower('ÄБВ')))")
            }
            let lowered = Locked<Set<String>>([])
            await onThreads(6) { _ in
                let value = try? pool.read { try $0.scalar("SELECT crmd_lower('ЖУРНАЛ')") }
                lowered.update { $0.insert(value?.string ?? "failed") }
            }
            #expect(lowered.value == ["журнал"])
        }
    }
}
