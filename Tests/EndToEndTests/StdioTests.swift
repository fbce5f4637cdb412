import Foundation
import JSONKit
import Testing
import TestSupport

/// The built `crmd` over a real pipe: `crmd serve --stdio`.
@Suite struct StdioTests {
    @Test func answersNewlineDelimitedCallsAndExitsOnEOF() throws {
        let directory = try TemporaryDirectory()
        let child = try CrmdProcess(["serve", "--stdio", "--db", directory.file("crm.sqlite")])
        child.write(Array(#"{"jsonrpc":"2.0","id":1,"method":"server.info"}"#.utf8) + [0x0A])
        child.write(Array(#"{"jsonrpc":"2.0","id":"два","method":"lead.get","params":{"id":1}}"#.utf8) + [0x0A])
        let bytes = child.read { $0.filter { $0 == 0x0A }.count >= 2 }
        let lines = bytes.split(separator: 0x0A).map { try? JSON.parse(Array($0)) }
        #expect(lines.count == 2)
        #expect(lines.first??["result"]?["name"] == "crmd")
        #expect(lines.first??["result"]?["databasePath"] == .string(directory.file("crm.sqlite")))
        #expect(lines.last??["id"] == "два")
        #expect(lines.last??["error"]?["code"] == 1002)
        child.closeInput()
        #expect(child.wait() == 0)
    }

    @Test func answersInTheClientsContentLengthFraming() throws {
        let directory = try TemporaryDirectory()
        let child = try CrmdProcess(["serve", "--stdio", "--db", directory.file("crm.sqlite")])
        let body = Array(#"{"jsonrpc":"2.0","id":7,"method":"pipeline.list","params":{"entityType":"lead"}}"#.utf8)
        child.write(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        let reply = child.read { bytes in
            guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
            let header = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            guard let length = Int(header.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") else { return false }
            return bytes.count >= end.upperBound + length
        }
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.hasPrefix("Content-Length: "))
        let json = try JSON.parse(Array(reply[(reply.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound)...]))
        #expect(json["id"] == 7)
        #expect(json["result"]?["items"]?.arrayValue?.first?["stages"]?.arrayValue?.count == 10)
        child.closeInput()
        #expect(child.wait() == 0)
    }

    @Test func strayOutputNeverReachesTheProtocolStream() throws {
        let directory = try TemporaryDirectory()
        let child = try CrmdProcess(["serve", "--stdio", "--db", directory.file("crm.sqlite")])
        child.write(Array("{not json\n".utf8))
        let bytes = child.read { $0.contains(0x0A) }
        let reply = try JSON.parse(Array(bytes.split(separator: 0x0A)[0]))
        #expect(reply["error"]?["code"] == -32700)
        #expect(reply["id"] == .null)
        child.closeInput()
        #expect(child.wait() == 0)
    }

    @Test func damagedStoredDataIsAnInternalErrorLoggedWithItsTableAndRow() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("crm.sqlite")
        try Self.createThenAlter(path, "UPDATE stages SET required_fields = 'phones' WHERE entity_type = 'lead' AND id = 'NEW'")
        let second = try CrmdProcess(["serve", "--stdio", "--db", path])
        second.write(Array(#"{"jsonrpc":"2.0","id":1,"method":"pipeline.list","params":{"entityType":"lead"}}"#.utf8) + [0x0A])
        let reply = try JSON.parse(Array(second.read { $0.contains(0x0A) }.split(separator: 0x0A)[0]))
        #expect(reply["error"]?["code"] == -32603)
        #expect(reply["error"]?["message"]?.stringValue?.contains("stages") != true)   // the details go to the log, not the client
        second.closeInput()
        #expect(second.wait() == 0)
        #expect(second.stderr.contains("pipeline.list failed: unreadable stored data in stages lead/NEW: required_fields: not JSON"))
    }

    @Test func refusesADatabaseFromANewerRelease() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("crm.sqlite")
        try Self.createThenAlter(path, "PRAGMA user_version=999")
        let second = try CrmdProcess(["serve", "--stdio", "--db", path])
        #expect(second.wait() == 1)
        #expect(second.stderr.contains("newer"))
    }

    /// Lets crmd create the database at `path`, then runs `sql` on it with Python's sqlite3 (an
    /// outside tool, as a user with a damaged or newer file would have).
    static func createThenAlter(_ path: String, _ sql: String) throws {
        let first = try CrmdProcess(["serve", "--stdio", "--db", path])
        first.closeInput()
        #expect(first.wait() == 0)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", path, sql]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
    }
}
