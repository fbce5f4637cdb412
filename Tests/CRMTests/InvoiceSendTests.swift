import Foundation
import JSONKit
import Testing
import TestSupport
@testable import CRM

/// `invoice.send` delivered to a real SMTP server on loopback (aiosmtpd, `Tests/python/smtp_sink.py`).
@Suite struct InvoiceSendTests {
    /// The sink as a child process; its messages land in `directory` as N.eml.
    final class Sink {
        let process = Process()
        let port: Int
        let directory: URL

        init(directory: URL, arguments: [String] = []) throws {
            self.directory = directory
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("python/smtp_sink.py").path
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, directory.path] + arguments
            process.standardOutput = output
            try process.run()
            var line = ""
            while !line.hasSuffix("\n") {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                line += String(decoding: byte, as: UTF8.self)
            }
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "smtp_sink.py did not start (is aiosmtpd installed?)"])
            }
            self.port = port
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        var messages: [URL] {
            ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []).filter { $0.pathExtension == "eml" }
        }
    }

    /// A port nothing listens on.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aQueuedInvoiceSurvivesAnUnreachableServerAndArrivesWithItsPDF() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
        _ = try fixture.crm.settings.update(["mail": ["transport": "smtp", "host": "127.0.0.1", "port": .int(Self.closedPort()),
                                                      "from": "Видеосистемы <billing@example.ru>", "timeoutSeconds": 5]], by: .user(1))
        #expect(throws: CRMError.self) { try fixture.crm.invoices.send(id: invoice.id, to: [], mode: "attachment", subject: nil, body: nil, by: .user(1)) }
        let queued = try fixture.crm.invoices.send(id: invoice.id, to: ["ip.petrov@example.ru"], mode: "attachment", subject: nil, body: nil, by: .user(1))
        #expect(queued["status"] == "queued")
        #expect(try fixture.crm.invoices.get(invoice.id)["status"] == "overdue")   // sent, and its due date has passed
        #expect(try fixture.crm.outbox.deliverDue() == 0)
        let waiting = try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first
        #expect(waiting?["status"] == "queued")
        #expect(waiting?["attempts"] == 1)
        #expect(waiting?["lastError"] != .null)

        let directory = fixture.directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sink = try Sink(directory: directory)
        _ = try fixture.crm.settings.update(["mail": ["port": .int(sink.port)]], by: .user(1))
        #expect(try fixture.crm.outbox.deliverDue() == 0)   // not due yet: the retry waits
        fixture.clock.advance(by: 31)
        #expect(try fixture.crm.outbox.deliverDue() == 1)
        #expect(try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first?["status"] == "sent")
        let files = sink.messages
        #expect(files.count == 1)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import email, email.policy, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            assert m['Subject'] == 'Счет на оплату № 2026-00001 от 5 марта 2026 г.', m['Subject']
            assert m['To'].addresses[0].addr_spec == 'ip.petrov@example.ru'
            parts = [p for p in m.iter_attachments()]
            assert len(parts) == 1 and parts[0].get_filename().endswith('.pdf'), [p.get_filename() for p in parts]
            assert parts[0].get_content().startswith(b'%PDF-')
            assert '31\\u00a0500,00' in m.get_body(('plain',)).get_content(), m.get_body(('plain',)).get_content()
            """, files.first?.path ?? ""]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test func aLinkNeedsAPublicBaseURL() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        #expect(throws: CRMError.invalidValue(field: "publicBaseUrl", reason: "required", message: "a link needs settings.publicBaseUrl")) {
            try fixture.crm.invoices.send(id: invoice.id, to: ["a@example.ru"], mode: "link", subject: nil, body: nil, by: .user(1))
        }
        _ = try fixture.crm.settings.update(["publicBaseUrl": "https://crm.example.ru/i/"], by: .user(1))
        _ = try fixture.crm.invoices.send(id: invoice.id, to: ["a@example.ru"], mode: "link", subject: "Счет", body: nil, by: .user(1))
        let messages = try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["mode"] } == ["link"])
        #expect(try fixture.crm.outbox.deliverDue() == 0)   // transport "outbox": kept, not sent
    }
}

@Suite struct OutboxWakeTests {
    /// The delivery thread polls once a minute here, yet a committed message is delivered at
    /// once: the commit of `invoice.send` wakes it.
    @Test func aCommittedMessageWakesTheDeliveryThread() throws {
        let fixture = try CRMFixture { directory in LocalConfiguration(sendmailPath: directory.appendingPathComponent("sendmail.sh").path) }
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        let script = fixture.directory.appendingPathComponent("sendmail.sh")
        let delivered = fixture.directory.appendingPathComponent("delivered.eml")
        try writeExecutable("#!/bin/sh\ncat > '\(delivered.path)'\n", to: script)
        _ = try fixture.crm.settings.update(["publicBaseUrl": "https://crm.example.ru/i/",
                                             "mail": ["transport": "sendmail"]], by: .user(1))
        let jobs = BackgroundJobs(crm: fixture.crm, interval: .seconds(60)) { _ in }
        defer { jobs.stop() }
        Thread.sleep(forTimeInterval: 0.2)   // the thread's first round finds nothing and sleeps
        _ = try fixture.crm.invoices.send(id: invoice.id, to: ["buh@example.ru"], mode: "link", subject: "Счет", body: nil, by: .user(1))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first?["status"] != "sent" {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first?["status"] == "sent")
        #expect(FileManager.default.fileExists(atPath: delivered.path))
        // The delivery itself is a change of the invoice's, made by the system.
        let entries = try fixture.crm.timeline.list(entityType: .invoice, id: invoice.id, limit: 10, cursor: nil)["items"]?.arrayValue ?? []
        #expect(entries.contains { $0["type"] == "message" && $0["data"]?["status"] == "delivered" && $0["authorId"] == .null })
    }
}

@Suite struct InvoiceRecipientsTests {
    /// `to` takes a list, `cc` copies: both reach the message's headers and its envelope, and
    /// `invoice.get` shows them.
    @Test func severalRecipientsAndCopies() throws {
        let fixture = try CRMFixture { directory in LocalConfiguration(sendmailPath: directory.appendingPathComponent("sendmail.sh").path) }
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        let script = fixture.directory.appendingPathComponent("sendmail.sh")
        let delivered = fixture.directory.appendingPathComponent("delivered.eml")
        try writeExecutable("#!/bin/sh\necho \"$@\" > '\(delivered.path).args'\ncat > '\(delivered.path)'\n", to: script)
        _ = try fixture.crm.settings.update(["publicBaseUrl": "https://crm.example.ru/i/",
                                             "mail": ["transport": "sendmail"]], by: .user(1))
        #expect(throws: CRMError.invalidValue(field: "cc", reason: "format", message: "'not an address' is not an e-mail address")) {
            try fixture.crm.invoices.send(id: invoice.id, to: ["buh@example.ru"], cc: ["not an address"], mode: "link", subject: nil,
                                          body: nil, by: .user(1))
        }
        _ = try fixture.crm.invoices.send(id: invoice.id, to: ["buh@example.ru", "director@example.ru"], cc: ["manager@example.ru"],
                                          mode: "link", subject: "Счет", body: nil, by: .user(1))
        let message = try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first
        #expect(message?["to"] == "buh@example.ru, director@example.ru")
        #expect(message?["cc"] == "manager@example.ru")
        #expect(try fixture.crm.outbox.deliverDue() == 1)
        let text = try String(contentsOf: delivered, encoding: .utf8)
        #expect(text.contains("To: buh@example.ru, director@example.ru\r\n"))
        #expect(text.contains("Cc: manager@example.ru\r\n"))
        // sendmail -t takes the envelope from the To and Cc headers.
        let arguments = try String(contentsOf: URL(fileURLWithPath: delivered.path + ".args"), encoding: .utf8)
        #expect(arguments.split(separator: " ").contains("-t"))
    }
}

@Suite struct OutboxAtLeastOnceTests {
    /// A message whose hand-off was interrupted (claimed, never recorded: the process died) is
    /// neither taken by another delivery run nor lost: after `releaseClaims` it goes out again
    /// with the Message-ID it was queued with.
    @Test func anInterruptedHandOffIsSentAgainWithTheSameMessageID() throws {
        let fixture = try CRMFixture { directory in LocalConfiguration(sendmailPath: directory.appendingPathComponent("sendmail.sh").path) }
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        let script = fixture.directory.appendingPathComponent("sendmail.sh")
        let delivered = fixture.directory.appendingPathComponent("delivered.eml")
        try writeExecutable("#!/bin/sh\ncat >> '\(delivered.path)'\n", to: script)
        _ = try fixture.crm.settings.update(["publicBaseUrl": "https://crm.example.ru/i/",
                                             "mail": ["transport": "sendmail"]], by: .user(1))
        let queued = try fixture.crm.invoices.send(id: invoice.id, to: ["buh@example.ru"], mode: "link", subject: "Счет", body: nil, by: .user(1))
        let messageID = try #require(queued["messageId"]?.int64Value)
        let stored = try fixture.crm.pool.read { db in try db.scalar("SELECT message FROM outbox WHERE id = ?", [.integer(messageID)]).string }
        let header = try #require(JSONText.parse(stored)?["messageId"]?.stringValue)
        // The crash: claimed for delivery, never recorded.
        #expect(try fixture.crm.pool.write { db in try OutboxStore.claim(db, id: messageID, at: fixture.clock.now()) })
        #expect(try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first?["status"] == "sending")
        #expect(try fixture.crm.outbox.deliverDue() == 0)
        #expect(!FileManager.default.fileExists(atPath: delivered.path))
        // The restart.
        #expect(try fixture.crm.outbox.releaseClaims() == 1)
        #expect(try fixture.crm.outbox.deliverDue() == 1)
        #expect(try fixture.crm.outbox.deliverDue() == 0)
        let text = try String(contentsOf: delivered, encoding: .utf8)
        #expect(text.contains("Message-ID: \(header)\r\n"))
        #expect(try fixture.crm.invoices.get(invoice.id)["messages"]?.arrayValue?.first?["status"] == "sent")
    }
}
