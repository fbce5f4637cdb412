import Foundation
@testable import Storage
import Testing

@Suite struct RowTests {
    private func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> Row {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        return try #require(try database.queryOne(sql, arguments))
    }

    @Test func typedValuesByName() throws {
        let row = try row("SELECT 'Иван' AS name, 42 AS n, 1 AS yes, 0 AS no, 2.5 AS r, x'0102' AS b, NULL AS empty")
        #expect(try row.text("name") == "Иван")
        #expect(try row.int64("n") == 42)
        #expect(try row.int("n") == 42)
        #expect(try row.bool("yes") == true)
        #expect(try row.bool("no") == false)
        #expect(try row.double("r") == 2.5)
        #expect(try row.double("n") == 42)
        #expect(try row.blob("b") == [1, 2])
        #expect(try row.value("empty") == .null)
        #expect(try row.value("n") == .integer(42))
        #expect(try row.optionalText("empty") == nil)
        #expect(try row.optionalInt64("empty") == nil)
        #expect(try row.optionalInt("empty") == nil)
        #expect(try row.optionalBool("empty") == nil)
        #expect(try row.optionalDouble("empty") == nil)
        #expect(try row.optionalBlob("empty") == nil)
        #expect(try row.optionalText("name") == "Иван")
        #expect(try row.optionalInt64("n") == 42)
        #expect(try row.optionalBool("yes") == true)
        #expect(row.hasColumn("name") && !row.hasColumn("Name"))
    }

    @Test func aMissingColumnNamesItAndTheColumnsPresent() throws {
        let row = try row("SELECT 1 AS id, 'x' AS title")
        #expect(throws: StorageError.noSuchColumn("titel", columns: ["id", "title"])) { try row.text("titel") }
        #expect(throws: StorageError.noSuchColumn("ID", columns: ["id", "title"])) { try row.int64("ID") }
        #expect(throws: StorageError.noSuchColumn("title2", columns: ["id", "title"])) { try row.optionalText("title2") }
        #expect(throws: StorageError.noSuchColumn("gone", columns: ["id", "title"])) { try row.value("gone") }
        let error = StorageError.noSuchColumn("titel", columns: ["id", "title"])
        #expect(error.description.contains("titel") && error.description.contains("id, title"))
    }

    @Test func aValueOfAnotherStorageClassNamesColumnExpectedAndFound() throws {
        let row = try row("SELECT '12' AS n, 7 AS t, 1.5 AS r, x'00' AS b, 2 AS flag, 'true' AS word")
        #expect(throws: StorageError.columnType("n", expected: "integer", found: "text")) { try row.int64("n") }
        #expect(throws: StorageError.columnType("n", expected: "integer", found: "text")) { try row.optionalInt64("n") }
        #expect(throws: StorageError.columnType("t", expected: "text", found: "integer")) { try row.text("t") }
        #expect(throws: StorageError.columnType("r", expected: "text", found: "real")) { try row.optionalText("r") }
        #expect(throws: StorageError.columnType("r", expected: "integer", found: "real")) { try row.int64("r") }
        #expect(throws: StorageError.columnType("b", expected: "text", found: "blob")) { try row.text("b") }
        #expect(throws: StorageError.columnType("n", expected: "real", found: "text")) { try row.double("n") }
        #expect(throws: StorageError.columnType("t", expected: "blob", found: "integer")) { try row.blob("t") }
        #expect(throws: StorageError.columnType("flag", expected: "boolean (integer 0 or 1)", found: "integer 2")) { try row.bool("flag") }
        #expect(throws: StorageError.columnType("word", expected: "boolean (integer 0 or 1)", found: "text")) { try row.optionalBool("word") }
        let error = StorageError.columnType("n", expected: "integer", found: "text")
        #expect(error.description == "column 'n' holds text, expected integer")
    }

    @Test func intReadsEveryInt64OnSixtyFourBitPlatforms() throws {
        // Int is 64-bit on the platforms crmd builds for, so every Int64 fits; the check stays for 32-bit ones.
        let row = try row("SELECT 9223372036854775807 AS big")
        #expect(try row.int("big") == Int(exactly: Int64.max))
    }

    @Test func nullWhereAValueIsAskedIsAnError() throws {
        let row = try row("SELECT NULL AS title")
        #expect(throws: StorageError.unexpectedNull("title", expected: "text")) { try row.text("title") }
        #expect(throws: StorageError.unexpectedNull("title", expected: "integer")) { try row.int64("title") }
        #expect(throws: StorageError.unexpectedNull("title", expected: "integer")) { try row.int("title") }
        #expect(throws: StorageError.unexpectedNull("title", expected: "boolean")) { try row.bool("title") }
        #expect(throws: StorageError.unexpectedNull("title", expected: "real")) { try row.double("title") }
        #expect(throws: StorageError.unexpectedNull("title", expected: "blob")) { try row.blob("title") }
        #expect(StorageError.unexpectedNull("title", expected: "text").description == "column 'title' is NULL, expected text")
    }

    @Test func aliasesAndTableColumnsAreReadByTheirResultNames() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY, second_name TEXT); INSERT INTO t VALUES (1, 'Иванович');")
        let row = try #require(try database.queryOne("SELECT id, second_name, id * 10 AS tens FROM t"))
        #expect(try row.int64("id") == 1 && row.text("second_name") == "Иванович" && row.int64("tens") == 10)
        var seen: [String] = []
        try database.forEach("SELECT second_name AS name FROM t") { seen.append(try $0.text("name")) }
        #expect(seen == ["Иванович"])
    }

    @Test func wideRowsFindEveryColumnAndTheFirstOfDuplicates() throws {
        let names = (0..<30).map { "c\($0)" } + ["c3"]
        let row = Row(columns: names, values: (0..<31).map { SQLValue.integer(Int64($0)) })
        for index in 0..<30 { #expect(try row.int64("c\(index)") == Int64(index)) }
        #expect(try row.int64("c3") == 3)
        #expect(throws: StorageError.noSuchColumn("c30", columns: names)) { try row.int64("c30") }
        let narrow = Row(columns: ["a", "a"], values: [1, 2])
        #expect(try narrow.int64("a") == 1)
    }

    @Test func rowsOfOneQueryShareTheirColumns() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        let rows = try database.query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n")
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.layout === rows[0].layout })
    }

    @Test func aCachedStatementKeepsItsColumnsUntilTheSchemaChangesThem() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let database = try Database(path: temporary.path)
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x');")
        let first = try #require(try database.queryOne("SELECT * FROM t"))
        let second = try #require(try database.queryOne("SELECT * FROM t"))
        #expect(first.layout === second.layout)
        try database.execute("ALTER TABLE t RENAME COLUMN b TO title")
        let renamed = try #require(try database.queryOne("SELECT * FROM t"))
        #expect(renamed.columns == ["a", "title"])
        #expect(try renamed.text("title") == "x")
        #expect(throws: StorageError.noSuchColumn("b", columns: ["a", "title"])) { try renamed.text("b") }
        try database.execute("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT 7")
        var streamed: [Row] = []
        try database.forEach("SELECT * FROM t") { streamed.append($0) }
        #expect(try streamed.first?.int64("c") == 7)
    }
}
