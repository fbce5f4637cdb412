import Storage
import Testing

@Suite struct DatabaseTests {
    private func withDatabase(_ body: (Database) throws -> Void) throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        try body(database)
    }

    @Test func roundTripsEveryValueKind() throws {
        try withDatabase { database in
            try database.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
            let values: [SQLValue] = [
                .null, .integer(.min), .integer(.max), 0, .real(3.25), .real(-0.5),
                "Привет, мир", "", "e\u{301} 🎉 ё", .blob([0, 1, 127, 128, 255]), .blob([]),
            ]
            for value in values {
                try database.execute("INSERT INTO t(v) VALUES (?)", [value])
            }
            let read = try database.query("SELECT v FROM t ORDER BY id").map { $0[0] }
            #expect(read == values)
            let kinds = try database.query("SELECT typeof(v) FROM t ORDER BY id").compactMap { $0[0].string }
            #expect(kinds == ["null", "integer", "integer", "integer", "real", "real",
                              "text", "text", "text", "blob", "blob"])
            #expect(try database.scalar("SELECT length(v) FROM t WHERE v = ?", ["Привет, мир"]) == 11)
        }
    }

    @Test func rowsReadByIndexAndName() throws {
        try withDatabase { database in
            let row = try #require(try database.queryOne("SELECT 1 AS a, 'x' AS b, NULL AS c"))
            #expect(row.columns == ["a", "b", "c"])
            #expect(row["a"] == 1 && row["b"] == "x" && row["c"].isNull)
            #expect(row["missing"] == .null && row[7] == .null)
            #expect(try database.queryOne("SELECT 1 WHERE 0") == nil)
            #expect(try database.scalar("SELECT 1 WHERE 0") == .null)
            var streamed: [Int64] = []
            try database.forEach("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n", [5]) {
                streamed.append($0[0].int64 ?? -1)
            }
            #expect(streamed == [1, 2, 3, 4, 5])
        }
    }

    @Test func valueConveniences() {
        #expect(SQLValue(nil as String?) == .null && SQLValue("a" as String?) == .text("a"))
        #expect(SQLValue(42 as Int?) == .integer(42) && SQLValue(nil as Int64?) == .null)
        #expect(SQLValue(true) == .integer(1) && SQLValue(false) == .integer(0))
        #expect(SQLValue.integer(2).bool == true && SQLValue.integer(0).bool == false)
        #expect(SQLValue.text("1").int64 == nil && SQLValue.integer(1).string == nil)
        #expect(SQLValue.integer(3).double == 3 && SQLValue.real(1.5).int64 == nil)
        let literals: [SQLValue] = [nil, 7, "s", 2.5]
        #expect(literals == [.null, .integer(7), .text("s"), .real(2.5)])
    }

    @Test func cachedStatementsAreReused() throws {
        try withDatabase { database in
            try database.execute("CREATE TABLE t(k TEXT UNIQUE)")
            let insert = "INSERT INTO t(k) VALUES (?)"
            try database.execute(insert, ["a"])
            let cached = database.cachedStatementCount
            try database.execute(insert, ["b"])
            #expect(throws: SQLiteError.self) { try database.execute(insert, ["a"]) }
            try database.execute(insert, ["c"])
            #expect(database.cachedStatementCount == cached)
            #expect(try database.scalar("SELECT count(*) FROM t") == 3)
            // A nested use of the same SQL text gets its own statement.
            let select = "SELECT k FROM t ORDER BY k"
            var pairs = 0
            try database.forEach(select) { _ in
                pairs += try database.query(select).count
            }
            #expect(pairs == 9)
        }
    }

    @Test func constraintErrorKeepsExtendedCodeAndHidesArguments() throws {
        try withDatabase { database in
            try database.execute("CREATE TABLE person(email TEXT UNIQUE)")
            let sql = "INSERT INTO person(email) VALUES (?)"
            try database.execute(sql, ["secret.person@example.com"])
            let error = #expect(throws: SQLiteError.self) {
                try database.execute(sql, ["secret.person@example.com"])
            }
            #expect(error?.code == SQLiteCode.constraintUnique)
            #expect(error?.isConstraintViolation == true)
            #expect(error?.sql == sql)
            #expect(error?.description.contains("UNIQUE constraint failed: person.email") == true)
            #expect(error?.description.contains("secret") == false)
        }
    }

    @Test func misuseIsReportedNotIgnored() throws {
        try withDatabase { database in
            let wrongCount = #expect(throws: SQLiteError.self) { try database.execute("SELECT ?, ?", [1]) }
            #expect(wrongCount?.code == SQLiteCode.range)
            let twoStatements = #expect(throws: SQLiteError.self) { try database.execute("SELECT 1; SELECT 2") }
            #expect(twoStatements?.code == SQLiteCode.misuse)
            try database.execute("SELECT 1; -- a trailing comment is fine")
            #expect(throws: SQLiteError.self) { try database.execute("SELEC 1") }
            database.close()
            let closed = #expect(throws: SQLiteError.self) { try database.execute("SELECT 1") }
            #expect(closed?.code == SQLiteCode.misuse)
        }
    }

    @Test func registeredFunctionLowercasesCyrillic() throws {
        try withDatabase { database in
            try database.registerFunction("crmd_lower", argumentCount: 1) { arguments in
                arguments.first?.string.map { .text($0.lowercased()) } ?? .null
            }
            #expect(try database.scalar("SELECT crmd_lower(?)", ["ПРИВЕТ, Мир Ёж"]) == "привет, мир ёж")
            #expect(try database.scalar("SELECT crmd_lower(NULL)") == .null)
            // SQLite's own lower() only folds ASCII, which is why crmd registers its own.
            #expect(try database.scalar("SELECT lower('ПРИВЕТ')") == "ПРИВЕТ")
        }
    }
}
