import Dispatch
import Foundation
import Glibc
import JSONKit
import JSONRPC
import Synchronization
import Testing

/// The Unix socket transport: file handling, concurrency, disconnects and shutdown.
@Suite struct SocketServerTests {
    /// A server listening in a fresh temporary directory; shut down and cleaned up at the end.
    final class Fixture {
        let directory = makeTemporaryDirectory()
        let handler = TestHandler()
        let server: RPCServer
        var path: String { directory + "/crmd.sock" }

        init(writeTimeout: Duration? = nil) throws {
            var configuration = RPCServerConfiguration()
            if let writeTimeout { configuration.writeTimeout = writeTimeout }
            let server = RPCServer(handler: handler, configuration: configuration)
            self.server = server
            handler.server.withLock { $0 = server }
            try server.listen(socketPath: path)
        }

        deinit {
            server.shutdown()
            removeDirectory(directory)
        }
    }

    @Test func everyConnectionGetsItsOwnSessionBeforeItsFirstCall() throws {
        let fixture = try Fixture()
        let first = try connectPeer(fixture.path)
        let second = try connectPeer(fixture.path)
        first.sendLine(#"{"jsonrpc":"2.0","method":"whoami","id":1}"#)
        second.sendLine(#"{"jsonrpc":"2.0","method":"whoami","id":2}"#)
        let a = try JSON.parse(first.readLine())["result"]?.stringValue ?? ""
        let b = try JSON.parse(second.readLine())["result"]?.stringValue ?? ""
        #expect(a.hasPrefix("session ") && a.hasSuffix(" over socket"))
        #expect(b.hasPrefix("session ") && b.hasSuffix(" over socket"))
        #expect(a != b)
        first.sendLine(#"{"jsonrpc":"2.0","method":"whoami","id":3}"#)
        #expect(try JSON.parse(first.readLine())["result"]?.stringValue == a)
    }

    /// The handler sees the peer's uid before anything is read and may refuse the client: it
    /// reads one error with `"id": null`, even after sending a call, then end of input.
    @Test func aRefusedClientReadsOneErrorAndTheEnd() throws {
        let fixture = try Fixture()
        let open = try connectPeer(fixture.path)
        open.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}"#)
        #expect(try open.readJSON()["result"] == [1])
        #expect(fixture.handler.admittedPeers.withLock { $0 } == [getuid()])
        fixture.handler.refusal.withLock { $0 = RPCError(code: 1006, message: "Forbidden: who are you", data: ["reason": "unmappedUnixUser"]) }
        let refused = try connectPeer(fixture.path)
        refused.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":[2],"id":2}"#)
        let reply = try refused.readJSON()
        #expect(reply["id"] == .null)
        #expect(reply["error"]?["code"] == 1006)
        #expect(reply["error"]?["data"] == ["reason": "unmappedUnixUser"])
        #expect(refused.readsEndOfInput())
        #expect(fixture.handler.openedConnections.withLock { $0 } == 1, "a refused client's connection is never opened")
        #expect(fixture.handler.handledCalls.withLock { $0 } == 1, "nothing a refused client sent was handled")
        // The clients let in before go on being served.
        open.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":[3],"id":3}"#)
        #expect(try open.readJSON()["result"] == [3])
    }

    @Test func socketFileHasMode0600() throws {
        let fixture = try Fixture()
        var info = stat()
        #expect(stat(fixture.path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o600)
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}"#)
        #expect(try peer.readJSON()["result"] == [1])
    }

    @Test func staleSocketIsReplaced() throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/stale.sock"
        let server = RPCServer(handler: TestHandler())
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)
        #expect(access(path, F_OK) == 0)
        try server.listen(socketPath: path)
        let peer = try connectPeer(path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(try peer.readJSON()["id"] == 1)
        server.shutdown()
        #expect(access(path, F_OK) != 0)
    }

    @Test func liveSocketIsRefusedAndLeftAlone() throws {
        let fixture = try Fixture()
        let second = RPCServer(handler: TestHandler())
        #expect {
            try second.listen(socketPath: fixture.path)
        } throws: { error in
            guard case RPCTransportError.addressInUse(let path)? = error as? RPCTransportError else { return false }
            return path == fixture.path
        }
        second.shutdown()
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(try peer.readJSON()["id"] == 1)
    }

    @Test func regularFileIsNotReplaced() throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/file"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        let server = RPCServer(handler: TestHandler())
        #expect(throws: RPCTransportError.self) { try server.listen(socketPath: path) }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
        server.shutdown()
    }

    @Test func tooLongPathThrows() {
        let server = RPCServer(handler: TestHandler())
        #expect(throws: RPCTransportError.self) {
            try server.listen(socketPath: "/tmp/" + String(repeating: "x", count: 200))
        }
        server.shutdown()
    }

    @Test func shutdownWaitsForTheCallInFlightAndItsReply() throws {
        let fixture = try Fixture()
        let peer = try connectPeer(fixture.path)
        let idle = try connectPeer(fixture.path)
        // Served once, so accepted: a client still in the listen backlog at the stop is never served.
        idle.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":0}"#)
        _ = try idle.readJSON()
        peer.sendLine(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":300},"id":"slow"}"#)
        #expect(fixture.handler.sleepStarted.wait(timeout: .now() + 5) == .success)
        let started = ContinuousClock.now
        fixture.server.shutdown()
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(try peer.readJSON(timeout: 0.1) == .from(#"{"jsonrpc":"2.0","result":"slept","id":"slow"}"#))
        #expect(peer.readsEndOfInput(timeout: 1))
        #expect(idle.readsEndOfInput(timeout: 1))
        #expect(access(fixture.path, F_OK) != 0)
        #expect(throws: TestError.self) { try connectPeer(fixture.path) }
        #expect(fixture.handler.closedConnections.withLock { $0.count } == 2)
        fixture.server.waitUntilStopped()
    }

    @Test func aStoppedServerServesNothing() throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let server = RPCServer(handler: TestHandler())
        server.shutdown()
        server.waitUntilStopped()
        #expect(throws: RPCTransportError.self) { try server.listen(socketPath: directory + "/late.sock") }
        #expect(access(directory + "/late.sock", F_OK) != 0)
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        server.serveStdio(input: fds[0], output: fds[1])
        close(fds[0])
        close(fds[1])
    }

    @Test func shutdownIsIdempotentFromManyThreads() throws {
        let fixture = try Fixture()
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        _ = try peer.readLine()
        let group = DispatchGroup()
        let server = fixture.server
        for _ in 0..<4 {
            group.enter()
            Thread {
                server.shutdown()
                group.leave()
            }.start()
        }
        #expect(group.wait(timeout: .now() + 5) == .success)
        server.shutdown()
        server.waitUntilStopped()
        #expect(peer.readsEndOfInput(timeout: 1))
    }

    @Test func shutdownFromAHandlerDoesNotDeadlock() throws {
        let fixture = try Fixture()
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"stop","id":1}"#)
        #expect(try peer.readJSON()["result"] == "stopping")
        let stopped = DispatchSemaphore(value: 0)
        let server = fixture.server
        Thread {
            server.waitUntilStopped()
            stopped.signal()
        }.start()
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }

    @Test func halfSentMessagesThenDisconnectDoNotHurt() throws {
        let fixture = try Fixture()
        for fragment in [#"{"jsonrpc":"2.0","met"#, "Content-Length: 100\r\n\r\n{\"jsonrpc\"", "Content-Len"] {
            let peer = try connectPeer(fixture.path)
            peer.send(fragment)
            peer.close()
        }
        let slow = try connectPeer(fixture.path)
        slow.sendLine(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":50},"id":1}"#)
        #expect(fixture.handler.sleepStarted.wait(timeout: .now() + 5) == .success)
        slow.close()
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":2}"#)
        #expect(try peer.readJSON()["id"] == 2)
    }

    @Test func aClientThatStopsReadingIsDroppedAfterTheWriteTimeout() throws {
        let fixture = try Fixture(writeTimeout: .milliseconds(200))
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"notifyMe","params":{"count":20000},"id":1}"#)
        let deadline = ContinuousClock.now + .seconds(5)
        while fixture.handler.closedConnections.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            usleep(20_000)
        }
        #expect(fixture.handler.closedConnections.withLock { $0.count } == 1)
        let other = try connectPeer(fixture.path)
        other.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":2}"#)
        #expect(try other.readJSON()["id"] == 2)
    }

    @Test func serverNotificationsReachSocketClients() throws {
        let fixture = try Fixture()
        let peer = try connectPeer(fixture.path)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"notifyMe","params":{"count":2},"id":7}"#)
        #expect(try peer.readJSON()["params"] == ["index": 0])
        #expect(try peer.readJSON()["params"] == ["index": 1])
        #expect(try peer.readJSON()["result"] == "done")
        let connection = try #require(fixture.handler.lastConnection.withLock { $0 })
        connection.notify(method: "later", params: [:])
        #expect(try peer.readJSON() == .from(#"{"jsonrpc":"2.0","method":"later","params":{}}"#))
    }

    @Test func concurrentClientsPipeliningAllGetTheirReplies() throws {
        let fixture = try Fixture()
        let clients = 200
        let callsPerClient = 25
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        let path = fixture.path
        for client in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let peer = try connectPeer(path)
                    var text = ""
                    for call in 0..<callsPerClient {
                        text += #"{"jsonrpc":"2.0","method":"echo","params":{"c":\#(client)},"id":\#(call)}"# + "\n"
                    }
                    peer.send(text)
                    for call in 0..<callsPerClient {
                        let reply = try peer.readJSON()
                        if reply != .from(#"{"jsonrpc":"2.0","result":{"c":\#(client)},"id":\#(call)}"#) {
                            failures.withLock { $0.append("client \(client): \(reply.text)") }
                            return
                        }
                    }
                } catch {
                    failures.withLock { $0.append("client \(client): \(error)") }
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        #expect(failures.withLock { $0 } == [])
    }
}
