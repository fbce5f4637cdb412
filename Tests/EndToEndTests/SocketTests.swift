import Foundation
import JSONKit
import Synchronization
import Testing
import TestSupport

/// The built `crmd` on a real Unix socket: many clients, signals, durability.
@Suite struct SocketTests {
    static func lead(_ n: Int) -> JSON {
        ["fields": ["title": .string("Лид \(n)"), "phones": [["value": .string("+7916\(1_000_000 + n)")]],
                    "emails": [["value": "a@example.ru"]], "city": "Тверь", "topic": "Тест"]]
    }

    @Test func manyConcurrentClientsAllGetTheirReplies() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("crmd.sock")
        let server = try CrmdProcess(["serve", "--socket", socket, "--db", directory.file("crm.sqlite")])
        #expect(CrmdProcess.waitForSocket(socket))
        var attributes = stat()
        #expect(stat(socket, &attributes) == 0 && attributes.st_mode & 0o777 == 0o600)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for client in 0..<16 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try SocketClient(path: socket)
                    defer { connection.close() }
                    for n in 0..<25 {
                        let lead = try connection.call("lead.add", Self.lead(client * 100 + n))
                        let again = try connection.call("lead.get", ["id": lead["id"] ?? .null])
                        if again != lead { failures.withLock { $0.append("lead \(client)/\(n) read back differently") } }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        let check = try SocketClient(path: socket)
        let page = try check.call("lead.list", ["count": true, "limit": 1])
        #expect(page["total"] == 400)
        check.close()
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
        // A clean stop checkpoints: the database file alone holds the data.
        #expect(!FileManager.default.fileExists(atPath: directory.file("crm.sqlite-wal")))
    }

    @Test func aLiveSocketIsRefusedAndAStaleOneReplaced() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("crmd.sock")
        let first = try CrmdProcess(["serve", "--socket", socket, "--db", directory.file("a.sqlite")])
        #expect(CrmdProcess.waitForSocket(socket))
        let second = try CrmdProcess(["serve", "--socket", socket, "--db", directory.file("b.sqlite")])
        #expect(second.wait() != 0)
        first.signal(SIGKILL)
        first.wait()
        #expect(FileManager.default.fileExists(atPath: socket))
        let third = try CrmdProcess(["serve", "--socket", socket, "--db", directory.file("a.sqlite")])
        #expect(CrmdProcess.waitForSocket(socket))
        let client = try SocketClient(path: socket)
        #expect(try client.call("server.info")["name"] == "crmd")
        client.close()
        third.signal(SIGINT)
        #expect(third.wait() == 0)
    }

    @Test func killDuringWritesLosesNoAcknowledgedWrite() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("crmd.sock")
        let database = directory.file("crm.sqlite")
        let server = try CrmdProcess(["serve", "--socket", socket, "--db", database])
        #expect(CrmdProcess.waitForSocket(socket))
        let acknowledged = Mutex<[JSON]>([])
        let group = DispatchGroup()
        for client in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? SocketClient(path: socket) else { return }
                for n in 0..<10_000 {
                    guard let lead = try? connection.call("lead.add", Self.lead(client * 100_000 + n)) else { return }
                    acknowledged.withLock { $0.append(lead["id"] ?? .null) }
                }
            }
        }
        while acknowledged.withLock({ $0.count }) < 200 { usleep(2_000) }
        server.signal(SIGKILL)
        server.wait()
        group.wait()
        let ids = acknowledged.withLock { $0 }
        let restarted = try CrmdProcess(["serve", "--socket", socket, "--db", database])
        #expect(CrmdProcess.waitForSocket(socket))
        let client = try SocketClient(path: socket)
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let chunk = Array(ids[start..<min(start + 1000, ids.count)])
            let present = try client.call("lead.list", ["filter": ["@id": .array(chunk)], "count": true, "limit": 1])
            #expect(present["total"] == .int(chunk.count))
        }
        client.close()
        restarted.signal(SIGTERM)
        #expect(restarted.wait() == 0)
        let check = Process()
        let pipe = Pipe()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", database]
        check.standardOutput = pipe
        try check.run()
        check.waitUntilExit()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}
