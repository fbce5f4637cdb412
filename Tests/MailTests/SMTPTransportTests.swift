import Foundation
import Mail
import Testing

/// `SMTPTransport` against a real SMTP server (aiosmtpd, Tests/python/smtp_sink.py) on loopback.
@Suite struct SMTPTransportTests {
    typealias Support = MailTestSupport

    func transport(_ sink: SMTPSink, user: String? = nil, password: String? = nil) -> SMTPTransport {
        SMTPTransport(host: "127.0.0.1", port: sink.port, username: user, password: password, timeout: .seconds(10))
    }

    func expectError(_ expected: (MailError) -> Bool, _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as MailError {
            #expect(expected(error), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func deliversInvoiceWithAttachmentAndDotLines() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = Support.invoice()
        try transport(sink).send(message)
        let files = sink.messages
        #expect(files.count == 1)
        guard let file = files.first else { return }
        let parsed = try Support.parse(file: file)
        #expect(parsed.subject == message.subject)
        #expect(parsed.to.map(\.address) == ["buh@romashka.ru"])
        #expect(parsed.cc.map(\.address) == ["john@example.com"])
        #expect(parsed.text.trimmingCharacters(in: .newlines) == message.textBody)
        #expect(parsed.attachments.first?.hex == Support.hex(Support.pdfLike))
        #expect(parsed.attachments.first?.filename == message.attachments[0].fileName)
        #expect(parsed.defects == [])
    }

    @Test func dotLinesSurviveDotStuffing() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let body = ".\n.hidden line\n..two dots\n. \nend\n."
        let message = MailMessage(from: MailAddress("a@example.ru"), to: [MailAddress("b@example.ru")], subject: "dots",
                                  textBody: body, date: Date(timeIntervalSince1970: 1_700_000_000))
        try transport(sink).send(message)
        let received = try #require(sink.messages.first)
        #expect(try Support.parse(file: received).text == body + "\n")
        // The stored message is byte-for-byte the rendered one (modulo the server's line ends).
        let stored = try Data(contentsOf: received)
        #expect(String(decoding: stored, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                == String(decoding: message.rendered(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test(arguments: [["PLAIN", "LOGIN"], ["LOGIN"]])
    func authenticationSucceeds(_ mechanisms: [String]) throws {
        let sink = try SMTPSink(["--user", "crm", "--password", "пароль secret", "--mechanisms"] + mechanisms)
        defer { sink.stop() }
        try transport(sink, user: "crm", password: "пароль secret").send(Support.invoice())
        #expect(sink.messages.count == 1)
    }

    @Test func wrongPasswordIsAuthenticationFailure() throws {
        let sink = try SMTPSink(["--user", "crm", "--password", "right"])
        defer { sink.stop() }
        expectError({ if case .authenticationFailed = $0 { !$0.isTemporary } else { false } }) {
            try transport(sink, user: "crm", password: "wrong").send(Support.invoice())
        }
        #expect(sink.messages.isEmpty)
    }

    @Test func missingCredentialsArePermanentProtocolError() throws {
        let sink = try SMTPSink(["--user", "crm", "--password", "right"])
        defer { sink.stop() }
        expectError({ if case .protocolError(530, _) = $0 { true } else { false } }) {
            try transport(sink).send(Support.invoice())
        }
    }

    @Test func rejectedRecipientAbortsTheMessage() throws {
        let sink = try SMTPSink(["--reject", "nobody@example.ru"])
        defer { sink.stop() }
        let message = Support.invoice(to: [MailAddress("buh@romashka.ru"), MailAddress("nobody@example.ru")])
        expectError({ if case .rejected("nobody@example.ru", 550, _) = $0 { !$0.isTemporary } else { false } }) {
            try transport(sink).send(message)
        }
        #expect(sink.messages.isEmpty)
    }

    @Test func invalidRecipientIsRejectedLocally() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = Support.invoice(to: [MailAddress("a@b.ru>\r\nRSET")])
        expectError({ if case .rejected(_, 501, _) = $0 { true } else { false } }) {
            try transport(sink).send(message)
        }
    }

    @Test func temporaryFailureIsTemporary() throws {
        let sink = try SMTPSink(["--tempfail"])
        defer { sink.stop() }
        expectError({ if case .protocolError(451, _) = $0 { $0.isTemporary } else { false } }) {
            try transport(sink).send(Support.invoice())
        }
    }

    @Test func nothingListeningIsConnectionFailure() throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        expectError({ if case .connectionFailed = $0 { $0.isTemporary } else { false } }) {
            try SMTPTransport(host: "127.0.0.1", port: port, timeout: .seconds(5)).send(Support.invoice())
        }
    }

    @Test func silentServerTimesOut() throws {
        let sink = try SMTPSink(["--silent"])
        defer { sink.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        expectError({ $0 == .timeout && $0.isTemporary }) {
            try SMTPTransport(host: "127.0.0.1", port: sink.port, timeout: .milliseconds(700)).send(Support.invoice())
        }
        let elapsed = clock.now - started
        #expect(elapsed >= .milliseconds(650) && elapsed < .seconds(3), "\(elapsed)")
    }
}
