import Foundation
import JSONKit
import Storage
import Synchronization
import Testing
import TestSupport
@testable import CRM

/// Secrets stay put: whoever can call `settings.update` cannot send the stored SMTP password or
/// registry token to a listener of its own, nor make crmd run a program of its choosing.
@Suite struct SettingsSecretTests {
    static let password = "s3cret-Pa55"

    func stored(_ fixture: CRMFixture) throws -> [String: JSON] {
        try fixture.crm.pool.read { try SettingsService.load($0) }
    }

    func configureMail(_ fixture: CRMFixture, host: String, port: Int) throws {
        _ = try fixture.crm.settings.update(["mail": ["transport": "smtp", "host": .string(host), "port": .int(port),
                                                      "username": "billing", "password": .string(Self.password),
                                                      "from": "Видеосистемы <billing@example.ru>", "timeoutSeconds": 5]], by: .user(1))
        #expect(try stored(fixture)["mail"]?["password"] == .string(Self.password))
    }

    /// The attack of the issue: the mail host pointed at the caller's own listener (the masked
    /// password given back as shown), then `invoice.send`. The listener gets the mail and no AUTH.
    @Test func aNewMailHostDropsTheStoredCredentialsSoAListenerReceivesNone() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        let directory = fixture.directory.appendingPathComponent("stolen")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let record = directory.appendingPathComponent("auth.txt")
        let listener = try InvoiceSendTests.Sink(directory: directory, arguments: ["--record-auth", record.path])
        try configureMail(fixture, host: "smtp.example.invalid", port: listener.port)

        let answer = try fixture.crm.settings.update(["mail": ["host": "127.0.0.1", "password": "********"]], by: .user(1))
        #expect(answer["mail"]?["password"] == nil)
        #expect(answer["mail"]?["username"] == nil)
        #expect(try stored(fixture)["mail"]?["password"] == nil)
        #expect(try stored(fixture)["mail"]?["from"] == "Видеосистемы <billing@example.ru>")

        _ = try fixture.crm.invoices.send(id: invoice.id, to: ["ip.petrov@example.ru"], mode: "attachment", subject: nil, body: nil, by: .user(1))
        #expect(try fixture.crm.outbox.deliverDue() == 1)
        #expect(listener.messages.count == 1)
        let received = (try? String(contentsOf: record, encoding: .utf8)) ?? ""
        #expect(received.isEmpty, "the listener received credentials: \(received)")
    }

    @Test(arguments: [
        ["port": JSON.int(2525)], ["transport": "sendmail"], ["transport": "outbox"], ["host": "mail.example.net"],
    ] as [[String: JSON]])
    func aNewPortTransportOrHostDropsTheCredentials(_ patch: [String: JSON]) throws {
        let fixture = try CRMFixture()
        try configureMail(fixture, host: "smtp.example.ru", port: 587)
        _ = try fixture.crm.settings.update(["mail": .object(patch)], by: .user(1))
        #expect(try stored(fixture)["mail"]?["password"] == nil)
        #expect(try stored(fixture)["mail"]?["username"] == nil)
    }

    @Test func credentialsStayWhenTheDestinationStaysOrComeAlongWithTheNewOne() throws {
        let fixture = try CRMFixture()
        try configureMail(fixture, host: "smtp.example.ru", port: 587)
        // The same destination given again, and other keys: nothing moves.
        _ = try fixture.crm.settings.update(["mail": ["host": "smtp.example.ru", "port": 587, "transport": "smtp",
                                                      "from": "info@example.ru", "password": "********"]], by: .user(1))
        #expect(try stored(fixture)["mail"]?["password"] == .string(Self.password))
        #expect(try stored(fixture)["mail"]?["username"] == "billing")
        // A new host with new credentials in the same call keeps the new ones.
        _ = try fixture.crm.settings.update(["mail": ["host": "smtp.example.net", "username": "other", "password": "new-secret"]], by: .user(1))
        #expect(try stored(fixture)["mail"]?["password"] == "new-secret")
        #expect(try stored(fixture)["mail"]?["username"] == "other")
        // A new host with only a new password: the old username goes.
        _ = try fixture.crm.settings.update(["mail": ["host": "smtp.example.org", "password": "third"]], by: .user(1))
        #expect(try stored(fixture)["mail"]?["password"] == "third")
        #expect(try stored(fixture)["mail"]?["username"] == nil)
    }

    @Test func aNewRegistryURLDropsTheStoredToken() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.settings.update(["registry": ["source": "online", "url": "https://registry.example.ru/", "token": "tok-1"]], by: .user(1))
        #expect(try stored(fixture)["registry"]?["token"] == "tok-1")
        // Online without a token is refused, so the stolen-token URL is not even stored.
        #expect(throws: CRMError.self) {
            try fixture.crm.settings.update(["registry": ["url": "http://127.0.0.1:9/", "token": "********"]], by: .user(1))
        }
        #expect(try stored(fixture)["registry"]?["token"] == "tok-1")
        #expect(try stored(fixture)["registry"]?["url"] == "https://registry.example.ru/")
        _ = try fixture.crm.settings.update(["registry": ["source": "offline"]], by: .user(1))
        #expect(try stored(fixture)["registry"]?["token"] == nil)
    }

    /// Secrets never appear in a change (what listeners, the timeline and an event log see).
    @Test func changesOfSettingsCarryNoSecret() throws {
        let fixture = try CRMFixture()
        let recorder = ChangePathTests.Recorder()
        fixture.crm.changes.add(recorder)
        try configureMail(fixture, host: "smtp.example.ru", port: 587)
        _ = try fixture.crm.settings.update(["mail": ["password": "another-secret"], "sms": ["token": "sms-secret"]], by: .user(1))
        _ = try fixture.crm.settings.update(["mail": ["host": "smtp.example.net"]], by: .user(1))
        let changes = recorder.applied.withLock { $0 }.filter { $0.entity == .settings }
        #expect(changes.count == 3)
        let text = changes.map { change in
            change.fields.map { "\($0.field) \($0.old.text) \($0.new.text)" }.joined() + JSON.object(change.data).text
        }.joined(separator: "\n")
        for secret in [Self.password, "another-secret", "sms-secret"] {
            #expect(!text.contains(secret), "a change carries \(secret): \(text)")
        }
        #expect(text.contains("********"))
    }

    /// Font paths name files crmd reads: only under the config file's font directories, with the
    /// same answer whether or not the file exists.
    @Test func fontsAreReadOnlyFromTheConfiguredDirectories() throws {
        let fixture = try CRMFixture { directory in LocalConfiguration(fontDirectories: [directory.appendingPathComponent("fonts").path]) }
        var answers: [String] = []
        for path in ["/etc/passwd", "/nonexistent/font.ttf", fixture.directory.appendingPathComponent("fonts/../crm.sqlite").path, "fonts/a.ttf"] {
            do {
                _ = try fixture.crm.settings.update(["documents": ["boldFontPath": .string(path)]], by: .user(1))
                Issue.record("\(path) was accepted")
            } catch let error as CRMError {
                guard case .invalidValue(let field, let reason, let message) = error else { Issue.record("\(error)"); continue }
                #expect(field == "documents.boldFontPath" && reason == "outsideFontDirs")
                answers.append(message)
            }
        }
        #expect(Set(answers).count == 1)
        let inside = fixture.directory.appendingPathComponent("fonts/My.ttf").path
        let settings = try fixture.crm.settings.update(["documents": ["fontPath": .string(inside)]], by: .user(1))
        #expect(settings["documents"]?["fontPath"] == .string(inside))
    }

    /// The socket is not a shell: the sendmail program comes from the config file only.
    @Test func theSendmailProgramIsRefusedThroughSettingsAndAStoredOneIsIgnored() throws {
        let fixture = try CRMFixture { directory in LocalConfiguration(sendmailPath: directory.appendingPathComponent("sendmail.sh").path) }
        #expect(throws: CRMError.invalidValue(field: "mail.sendmailPath", reason: "configOnly",
                                              message: "the sendmail program is set in crmd's config file (mail.sendmailPath), not through settings")) {
            try fixture.crm.settings.update(["mail": ["transport": "sendmail", "sendmailPath": "/bin/sh"]], by: .user(1))
        }
        #expect(try stored(fixture)["mail"]?["transport"] == "outbox")
        // A program stored by an older version is neither shown nor run: the configured one is.
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        let planted = fixture.directory.appendingPathComponent("planted")
        let evil = fixture.directory.appendingPathComponent("evil.sh")
        let delivered = fixture.directory.appendingPathComponent("delivered.eml")
        try writeExecutable("#!/bin/sh\ntouch '\(planted.path)'\ncat >/dev/null\n", to: evil, mode: 0o700)
        try writeExecutable("#!/bin/sh\ncat > '\(delivered.path)'\n", to: fixture.directory.appendingPathComponent("sendmail.sh"), mode: 0o700)
        try fixture.crm.pool.write { db in
            try SettingsStore.save(db, ["mail": ["transport": "sendmail", "sendmailPath": .string(evil.path)]])
        }
        #expect(try fixture.crm.settings.get()["mail"] == ["transport": "sendmail"])
        _ = try fixture.crm.invoices.send(id: invoice.id, to: ["ip.petrov@example.ru"], mode: "attachment", subject: nil, body: nil, by: .user(1))
        #expect(try fixture.crm.outbox.deliverDue() == 1)
        #expect(FileManager.default.fileExists(atPath: delivered.path))
        #expect(!FileManager.default.fileExists(atPath: planted.path))
    }
}
