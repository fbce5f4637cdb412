import Storage
import Testing

@Suite struct MigrationTests {
    private let first = [
        Migration(version: 1, name: "log", sql: """
            CREATE TABLE log(step TEXT NOT NULL);
            INSERT INTO log VALUES ('one');
            """),
        Migration(version: 2, name: "two", sql: "INSERT INTO log VALUES ('two')"),
        Migration(version: 3, name: "three") { database in
            try database.execute("INSERT INTO log VALUES (?)", ["three"])
        },
    ]

    private func steps(_ pool: DatabasePool) throws -> [String] {
        try pool.read { try $0.query("SELECT step FROM log ORDER BY rowid").compactMap { $0[0].string } }
    }

    @Test func migrationsApplyInOrderOnce() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let pool = try DatabasePool(path: temporary.path, migrations: first)
        #expect(pool.schemaVersion == 3)
        #expect(try steps(pool) == ["one", "two", "three"])
        pool.close()

        let reopened = try DatabasePool(path: temporary.path, migrations: first)
        #expect(reopened.schemaVersion == 3)
        #expect(try steps(reopened) == ["one", "two", "three"])
        reopened.close()

        let extended = try DatabasePool(
            path: temporary.path,
            migrations: first + [Migration(version: 4, name: "four", sql: "INSERT INTO log VALUES ('four')")])
        #expect(extended.schemaVersion == 4)
        #expect(try steps(extended) == ["one", "two", "three", "four"])
        extended.close()
    }

    @Test func newerDatabaseIsRefused() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        try DatabasePool(path: temporary.path, migrations: first).close()
        let database = try Database(path: temporary.path)
        try database.execute("PRAGMA user_version = 9")
        database.close()

        let error = #expect(throws: StorageError.self) {
            try DatabasePool(path: temporary.path, migrations: first)
        }
        guard case .databaseNewerThanBinary(let found, let supported) = error else {
            Issue.record("expected databaseNewerThanBinary, got \(String(describing: error))")
            return
        }
        #expect(found == 9 && supported == 3)
    }

    @Test func failingMigrationLeavesVersionUnchanged() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        try DatabasePool(path: temporary.path, migrations: first).close()
        let failing = Migration(version: 4, name: "fails halfway") { database in
            try database.execute("CREATE TABLE half(x)")
            try database.execute("INSERT INTO log VALUES ('four')")
            throw Boom(id: 4)
        }
        #expect(throws: Boom(id: 4)) {
            try DatabasePool(path: temporary.path, migrations: first + [failing])
        }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        #expect(try database.userVersion() == 3)
        #expect(try database.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'half'") == 0)
        #expect(try database.scalar("SELECT count(*) FROM log") == 3)
    }
}
