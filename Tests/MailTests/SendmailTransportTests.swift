import Foundation
import Mail
import Testing
import TestSupport

/// `SendmailTransport` with small shell scripts standing in for sendmail.
@Suite struct SendmailTransportTests {
    typealias Support = MailTestSupport

    func script(_ body: String) throws -> (script: URL, directory: URL) {
        let directory = try Support.temporaryDirectory()
        let url = directory.appendingPathComponent("sendmail")
        try writeExecutable("#!/bin/sh\n" + body + "\n", to: url)
        return (url, directory)
    }

    @Test func pipesTheRenderedMessage() throws {
        let (url, directory) = try script("echo \"$@\" > \"$(dirname \"$0\")/args\"\ncat > \"$(dirname \"$0\")/message\"\nexit 0")
        let message = Support.invoice()
        try SendmailTransport(path: url.path).send(message)
        let stored = try Data(contentsOf: directory.appendingPathComponent("message"))
        #expect([UInt8](stored) == message.rendered())
        let args = try String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8)
        #expect(args == "-t -i\n")
    }

    @Test func failureCarriesStatusAndStderr() throws {
        let (url, _) = try script("echo 'queue directory full' >&2\nexit 75")
        do {
            try SendmailTransport(path: url.path).send(Support.invoice())
            Issue.record("expected sendmailFailed")
        } catch {
            #expect(error == .sendmailFailed(status: 75, stderr: "queue directory full"))
            #expect(error.isTemporary)
        }
    }

    @Test func commandThatStopsReadingEarlyDoesNotKillUs() throws {
        let (url, _) = try script("head -c 10 > /dev/null\nexit 1")
        var message = Support.invoice()
        message.attachments[0].data = [UInt8](repeating: 0x41, count: 2_000_000)
        #expect(throws: MailError.sendmailFailed(status: 1, stderr: "")) {
            try SendmailTransport(path: url.path).send(message)
        }
    }

    @Test(arguments: ["exec sleep 30", "sleep 30"])   // the second leaves a grandchild holding the pipes
    func aCommandThatNeverFinishesIsKilledAtTheTimeout(body: String) throws {
        let (url, _) = try script("cat > /dev/null\n" + body)
        let started = ContinuousClock.now
        #expect {
            try SendmailTransport(path: url.path, timeout: .seconds(1)).send(Support.invoice())
        } throws: { error in
            guard case .sendmailFailed(75, let text) = error as? MailError else { return false }
            return text.contains("did not finish within 1 s") && (error as? MailError)?.isTemporary == true
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func missingCommandIsStatus127() {
        #expect {
            try SendmailTransport(path: "/nonexistent/sendmail").send(Support.invoice())
        } throws: { error in
            if case .sendmailFailed(127, _) = error as? MailError { true } else { false }
        }
    }
}
