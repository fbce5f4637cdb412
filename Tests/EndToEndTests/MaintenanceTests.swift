import Foundation
import Glibc
import JSONKit
import Testing
import TestSupport

/// `crmd backup` and `crmd check` beside a running server.
@Suite struct MaintenanceTests {
    static let lead = #"{"fields":{"title":"Лид","phones":[{"value":"+79160000001"}],"emails":[{"value":"a@b.ru"}],"city":"Москва","topic":"Камеры"}}"#

    /// Runs a Python snippet on a database file with the standard sqlite3 module; its stdout.
    static func python(_ code: String, _ path: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); " + code, path]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aBackupWhileTheServerRunsIsAConsistentPrivateCopyAndCheckFindsDamage() throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("crm.sqlite")
        let server = try CrmdProcess(["serve", "--stdio", "--db", database])
        for id in 1...3 {
            server.write(Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"lead.add","params":\#(Self.lead)}"#.utf8) + [0x0A])
        }
        #expect(server.read { $0.filter { $0 == 0x0A }.count >= 3 }.split(separator: 0x0A).count == 3)

        let copy = directory.file("backup.sqlite")
        let backup = try CrmdProcess(["backup", "--to", copy, "--db", database])
        #expect(backup.wait() == 0)
        var info = stat()
        #expect(stat(copy, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try Self.python("print(c.execute('SELECT count(*) FROM leads').fetchone()[0])", copy) == "3")
        // The server goes on writing; the copy keeps the moment it was taken.
        server.write(Array(#"{"jsonrpc":"2.0","id":4,"method":"lead.add","params":\#(Self.lead)}"#.utf8) + [0x0A])
        #expect(!server.read { $0.contains(0x0A) }.isEmpty)
        #expect(try Self.python("print(c.execute('SELECT count(*) FROM leads').fetchone()[0])", copy) == "3")

        let again = try CrmdProcess(["backup", "--to", copy, "--db", database])
        #expect(again.wait() == 1)
        #expect(again.stderr.contains("already exists"))

        let sound = try CrmdProcess(["check", "--db", copy])
        #expect(sound.wait() == 0)
        _ = try Self.python("c.execute('INSERT INTO invoice_payments (invoice_id, amount, date, source, created_at) VALUES (999, \"1.00\", \"2026-01-01\", \"manual\", \"2026-01-01T00:00:00Z\")'); c.commit()", copy)
        let damaged = try CrmdProcess(["check", "--db", copy])
        #expect(damaged.wait() == 1)
        #expect(damaged.stderr.contains("foreign key: row 1 of invoice_payments points to a missing row of invoices"))

        let missing = try CrmdProcess(["backup", "--to", directory.file("x.sqlite"), "--db", directory.file("nothing.sqlite")])
        #expect(missing.wait() == 1)
        #expect(missing.stderr.contains("no database at"))
        server.closeInput()
        #expect(server.wait() == 0)
    }
}
