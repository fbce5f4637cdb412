import Dispatch
import Foundation
import Glibc
import JSONKit
import JSONRPC
import Synchronization
import Testing

/// Connection limits, idle and partial-message timeouts, and the stop deadline, over a real
/// Unix socket with small limits and millisecond timeouts.
@Suite struct ConnectionLimitTests {
    /// A server listening in a fresh temporary directory with the given configuration.
    final class Fixture {
        let directory = makeTemporaryDirectory()
        let handler = TestHandler()
        let server: RPCServer
        var path: String { directory + "/crmd.sock" }

        init(_ configure: (inout RPCServerConfiguration) -> Void) throws {
            var configuration = RPCServerConfiguration()
            configure(&configuration)
            let server = RPCServer(handler: handler, configuration: configuration)
            self.server = server
            handler.server.withLock { $0 = server }
            try server.listen(socketPath: path)
        }

        /// A client served once, so surely admitted (not waiting in the listen backlog).
        func servedPeer() throws -> Peer {
            let peer = try connectPeer(path)
            peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":"hello"}"#)
            let reply = try peer.readJSON()
            guard reply["id"] == "hello" else { throw TestError.system("not served: \(reply.text)") }
            return peer
        }

        deinit {
            server.shutdown()
            removeDirectory(directory)
        }
    }

    /// Waits up to `timeout` seconds for `condition`.
    func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    // MARK: - Limits

    @Test func aClientPastTheLimitIsToldSoAndTheOthersAreStillServed() throws {
        let fixture = try Fixture { $0.maxConnections = 2 }
        #expect(fixture.server.connectionLimit == 2)
        let first = try fixture.servedPeer()
        let second = try fixture.servedPeer()
        let third = try connectPeer(fixture.path)
        #expect(try third.readJSON() == .from(#"""
            {"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Too many connections",
             "data":{"reason":"tooManyConnections","scope":"total","limit":2}}}
            """#))
        #expect(third.readsEndOfInput(timeout: 2))
        first.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(try first.readJSON()["id"] == 1)
        second.close()
        #expect(eventually { fixture.handler.closedConnections.withLock { $0.count } == 1 })
        let fourth = try fixture.servedPeer()
        fourth.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":4}"#)
        #expect(try fourth.readJSON()["id"] == 4)
    }

    @Test func theLimitPerUserRefusesTheSameUsersNextClient() throws {
        let fixture = try Fixture {
            $0.maxConnections = 10
            $0.maxConnectionsPerUser = 1
        }
        let first = try fixture.servedPeer()
        let second = try connectPeer(fixture.path)
        let refusal = try second.readJSON()
        #expect(refusal["error"]?["data"] == .from(#"{"reason":"tooManyConnections","scope":"user","limit":1}"#))
        #expect(second.readsEndOfInput(timeout: 2))
        first.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(try first.readJSON()["id"] == 1)
    }

    @Test func refusingManyClientsAtOnceNeverStallsTheAcceptLoop() throws {
        let fixture = try Fixture { $0.maxConnections = 4 }
        let held = try (0..<4).map { _ in try fixture.servedPeer() }
        let started = ContinuousClock.now
        for _ in 0..<200 {
            let peer = try connectPeer(fixture.path)
            #expect(try peer.readJSON()["error"]?["code"] == -32000)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        for peer in held {
            peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
            #expect(try peer.readJSON()["id"] == 1)
        }
    }

    // MARK: - Timeouts

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let fixture = try Fixture { $0.idleTimeout = .milliseconds(200) }
        let idle = try connectPeer(fixture.path)
        let started = ContinuousClock.now
        #expect(idle.readsEndOfInput(timeout: 5))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(150) && waited < .seconds(3))
        #expect(eventually { fixture.handler.closedConnections.withLock { $0.count } == 1 })
    }

    @Test func aConnectionInUseOrWaitingForALongCallIsNotIdle() throws {
        let fixture = try Fixture { $0.idleTimeout = .milliseconds(200) }
        let busy = try fixture.servedPeer()
        for id in 0..<8 {
            usleep(100_000)
            busy.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":\#(id)}"#)
            #expect(try busy.readJSON()["id"] == .int(id))
        }
        busy.sendLine(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":600},"id":"slow"}"#)
        #expect(try busy.readJSON()["result"] == "slept")
    }

    @Test func aMessageLeftHalfSentGetsAnErrorAndTheConnectionCloses() throws {
        let fixture = try Fixture {
            $0.idleTimeout = .seconds(60)
            $0.partialMessageTimeout = .milliseconds(200)
        }
        let peer = try fixture.servedPeer()
        let started = ContinuousClock.now
        peer.send(#"{"jsonrpc":"2.0","method":"ec"#)
        #expect(try peer.readJSON() == .from(#"""
            {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request",
             "data":{"reason":"messageTimeout","timeoutMs":200}}}
            """#))
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        #expect(peer.readsEndOfInput(timeout: 2))
    }

    @Test func aMessageTrickledInByteByByteStillTimesOut() throws {
        let fixture = try Fixture {
            $0.idleTimeout = .seconds(60)
            $0.partialMessageTimeout = .milliseconds(300)
        }
        let peer = try connectPeer(fixture.path)
        let started = ContinuousClock.now
        let message = Array(#"{"jsonrpc":"2.0","method":"echo","params":{"padding":"\#(String(repeating: ".", count: 200))"},"id":1}"#.utf8)
        for byte in message {
            peer.sendBytes([byte])
            usleep(20_000)
            if fixture.handler.closedConnections.withLock({ !$0.isEmpty }) { break }
        }
        #expect(fixture.handler.closedConnections.withLock { $0.count } == 1)
        #expect(ContinuousClock.now - started < .seconds(2), "sending the whole message would take 5 s")
        #expect(try peer.readJSON()["error"]?["data"]?["reason"] == "messageTimeout")
    }

    @Test func theTimeoutErrorUsesTheClientsFraming() throws {
        let fixture = try Fixture { $0.partialMessageTimeout = .milliseconds(200) }
        let peer = try connectPeer(fixture.path)
        peer.sendFrame(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(try JSON.parse(peer.readFrame())["id"] == 1)
        peer.send("Content-Length: 100\r\n\r\n{\"jsonrpc\"")
        #expect(try JSON.parse(peer.readFrame())["error"]?["data"]?["reason"] == "messageTimeout")
    }

    @Test func aClientPipeliningForLongerThanTheTimeoutsIsNeverCutOff() throws {
        let fixture = try Fixture {
            $0.idleTimeout = .milliseconds(100)
            $0.partialMessageTimeout = .milliseconds(100)
        }
        let peer = try fixture.servedPeer()
        let fd = peer.fd
        let sender = Thread {
            let line = #"{"jsonrpc":"2.0","method":"echo","params":{"padding":"\#(String(repeating: "x", count: 500))"},"id":7}"# + "\n"
            let block = Array(String(repeating: line, count: 100).utf8)
            let end = ContinuousClock.now + .milliseconds(400)
            while ContinuousClock.now < end { writeAll(fd, block) }
            writeAll(fd, Array(#"{"jsonrpc":"2.0","method":"echo","id":"last"}"#.utf8 + [0x0A]))
        }
        sender.start()
        var replies = 0
        while true {
            let reply = try peer.readJSON()
            if reply["id"] == "last" { break }
            #expect(reply["id"] == 7)
            replies += 1
        }
        #expect(replies > 100)
    }

    // MARK: - Stopping

    @Test func stoppingEndsWithinTheDeadlineWhenAClientNeverReads() throws {
        let fixture = try Fixture { $0.stopDeadline = .milliseconds(500) }
        let peer = try fixture.servedPeer()
        // Replies far beyond what the socket buffers hold: the connection's thread blocks
        // writing (and this sender, once the server stops reading, until the connection is cut).
        let fd = peer.fd
        Thread {
            let line = #"{"jsonrpc":"2.0","method":"echo","params":{"padding":"\#(String(repeating: "x", count: 8000))"},"id":1}"# + "\n"
            writeAll(fd, Array(String(repeating: line, count: 1000).utf8))
        }.start()
        usleep(300_000)
        let started = ContinuousClock.now
        fixture.server.shutdown()
        #expect(ContinuousClock.now - started < .seconds(2), "without the deadline: the 30 s write timeout")
        #expect(fixture.server.stoppedCleanly)
        #expect(fixture.handler.closedConnections.withLock { $0.count } == 1)
    }

    @Test func stoppingEndsWithinTheDeadlineWhenACallRunsOn() throws {
        let fixture = try Fixture { $0.stopDeadline = .milliseconds(300) }
        let peer = try fixture.servedPeer()
        peer.sendLine(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":3000},"id":1}"#)
        #expect(fixture.handler.sleepStarted.wait(timeout: .now() + 5) == .success)
        let started = ContinuousClock.now
        fixture.server.shutdown()
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(!fixture.server.stoppedCleanly)
        #expect(peer.readsEndOfInput(timeout: 1))
        // The abandoned call ends by itself later, and nothing breaks.
        #expect(eventually(timeout: 8) { fixture.handler.closedConnections.withLock { $0.count } == 1 })
    }

    @Test func aReplyFinishedBeforeTheDeadlineIsStillWritten() throws {
        let fixture = try Fixture { $0.stopDeadline = .seconds(5) }
        let peer = try fixture.servedPeer()
        peer.sendLine(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":300},"id":"slow"}"#)
        #expect(fixture.handler.sleepStarted.wait(timeout: .now() + 5) == .success)
        fixture.server.shutdown()
        #expect(fixture.server.stoppedCleanly)
        #expect(try peer.readJSON(timeout: 1)["result"] == "slept")
    }

    @Test func stdioStopsWithinTheDeadlineWhenItsClientNeverReads() throws {
        var configuration = RPCServerConfiguration()
        configuration.stopDeadline = .milliseconds(300)
        let handler = TestHandler()
        let server = RPCServer(handler: handler, configuration: configuration)
        var fds: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let peer = Peer(fd: fds[0])
        let serverFD = fds[1]
        let returned = DispatchSemaphore(value: 0)
        Thread {
            server.serveStdio(input: serverFD, output: serverFD)
            returned.signal()
        }.start()
        peer.sendLine(#"{"jsonrpc":"2.0","method":"notifyMe","params":{"count":20000},"id":1}"#)
        usleep(200_000)
        let started = ContinuousClock.now
        server.shutdown()
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(!server.stoppedCleanly)
        #expect(returned.wait(timeout: .now() + 1) == .success)
        // The abandoned thread is still writing; the client going away ends it.
        peer.close()
        #expect(eventually { handler.closedConnections.withLock { $0.count } == 1 })
        close(serverFD)
    }
}

/// Writes every byte to `fd` (a client's socket), from any thread.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
    }
}
