import Dispatch
import Foundation
import Glibc
import JSONKit
import JSONRPC
import Testing

/// `serveStdio` over pipes and socketpairs: framing, limits, bad input, notifications.
@Suite struct StdioTransportTests {
    @Test func servesPipesUntilEndOfInput() throws {
        var toServer: [Int32] = [-1, -1]
        var fromServer: [Int32] = [-1, -1]
        #expect(pipe(&toServer) == 0 && pipe(&fromServer) == 0)
        let server = RPCServer(handler: TestHandler())
        let finished = DispatchSemaphore(value: 0)
        let input = toServer[0], output = fromServer[1]
        Thread {
            server.serveStdio(input: input, output: output)
            finished.signal()
        }.start()
        let peer = Peer(fd: fromServer[0], writeFD: toServer[1])
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}"#)
        #expect(try peer.readJSON() == .from(#"{"jsonrpc":"2.0","result":[1],"id":1}"#))
        peer.sendLine(#"{"jsonrpc":"2.0","method":"whoami","id":"s"}"#)
        #expect(try peer.readJSON()["result"]?.stringValue?.hasSuffix(" over stdio") == true)
        peer.send(#"{"jsonrpc":"2.0","method":"echo","params":[2],"id":2}"#)
        peer.finishSending()
        #expect(try peer.readJSON() == .from(#"{"jsonrpc":"2.0","result":[2],"id":2}"#))
        #expect(finished.wait(timeout: .now() + 5) == .success)
        close(input)
        close(output)
        #expect(peer.readsEndOfInput())
    }

    @Test func shutdownInterruptsAStdioRead() {
        let harness = StdioHarness()
        harness.peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        _ = try? harness.peer.readLine()
        harness.server.shutdown()
        #expect(harness.waitForServeToReturn())
        harness.server.waitUntilStopped()
    }

    @Test func contentLengthFramingIsAnsweredInKind() throws {
        let harness = StdioHarness()
        let body = #"{"jsonrpc":"2.0","method":"echo","params":{"text":"a\nb"},"id":"x"}"#
        harness.peer.send("Content-Length: \(body.utf8.count)\r\nContent-Type: application/json\r\n\r\n\(body)")
        harness.peer.sendFrame(#"{"jsonrpc":"2.0","method":"echo","params":[2],"id":2}"#)
        #expect(JSON.from(try harness.peer.readFrame()) == .from(#"{"jsonrpc":"2.0","result":{"text":"a\nb"},"id":"x"}"#))
        #expect(JSON.from(try harness.peer.readFrame()) == .from(#"{"jsonrpc":"2.0","result":[2],"id":2}"#))
    }

    @Test func oversizedLineIsAnsweredAndSkipped() throws {
        let harness = StdioHarness(maxMessageSize: 64)
        let big = #"{"jsonrpc":"2.0","method":"echo","params":[""# + String(repeating: "x", count: 200_000) + #""],"id":1}"#
        harness.peer.sendLine(big)
        let reply = try harness.peer.readJSON()
        #expect(reply == .from(#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"reason":"messageTooLarge","limit":64}},"id":null}"#))
        harness.peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","id":2}"#)
        #expect(try harness.peer.readJSON()["id"] == 2)
    }

    @Test func oversizedFrameIsAnsweredThenClosed() throws {
        let harness = StdioHarness(maxMessageSize: 64)
        harness.peer.send("Content-Length: 65\r\n\r\n")
        let reply = JSON.from(try harness.peer.readFrame())
        #expect(reply["error"]?["data"] == .from(#"{"reason":"messageTooLarge","limit":64}"#))
        #expect(reply["id"] == .null)
        #expect(harness.waitForServeToReturn())
        #expect(harness.handler.closedConnections.withLock { $0.count } == 1)
    }

    @Test func malformedHeaderIsAnsweredThenClosed() throws {
        let harness = StdioHarness()
        harness.peer.send("Content-Length: twelve\r\n\r\n")
        let reply = JSON.from(try harness.peer.readFrame())
        #expect(reply["error"]?["code"] == -32700)
        #expect(reply["error"]?["data"]?["reason"] == "malformedHeader")
        #expect(harness.waitForServeToReturn())
    }

    @Test func garbageBytesGetParseErrorsAndTheConnectionLives() throws {
        let harness = StdioHarness()
        harness.peer.sendBytes([0xFF, 0xFE, 0x00, 0x01, 0x0A])
        harness.peer.sendBytes(Array(#"{"jsonrpc":"2.0","method":"echo","params":["\#u{FF}"],"id":1"#.utf8) + [0xC3, 0x28, 0x0A])
        harness.peer.sendBytes(Array("\"unterminated\n".utf8))
        for _ in 0..<3 {
            let reply = try harness.peer.readJSON()
            #expect(reply["error"]?["code"] == -32700)
            #expect(reply["id"] == .null)
        }
        harness.peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":["ok"],"id":4}"#)
        #expect(try harness.peer.readJSON()["result"] == ["ok"])
    }

    @Test func pipelinedRequestsAreAllAnsweredInOrder() throws {
        let harness = StdioHarness()
        var text = ""
        for index in 0..<2000 {
            text += #"{"jsonrpc":"2.0","method":"echo","params":{"i":\#(index)},"id":\#(index)}"# + "\n"
        }
        harness.peer.send(text)
        for index in 0..<2000 {
            let reply = try harness.peer.readJSON()
            #expect(reply["id"] == .int(index))
            if reply["id"] != .int(index) { return }
        }
    }

    @Test func handlerNotificationsReachTheClient() throws {
        let harness = StdioHarness()
        harness.peer.sendLine(#"{"jsonrpc":"2.0","method":"notifyMe","params":{"count":3},"id":1}"#)
        for index in 0..<3 {
            #expect(try harness.peer.readJSON() == .from(#"{"jsonrpc":"2.0","method":"progress","params":{"index":\#(index)}}"#))
        }
        #expect(try harness.peer.readJSON() == .from(#"{"jsonrpc":"2.0","result":"done","id":1}"#))
    }

    @Test func notificationsFromAnotherThreadUseTheConnectionsFraming() throws {
        let harness = StdioHarness()
        harness.peer.sendFrame(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        _ = try harness.peer.readFrame()
        let connection = try #require(harness.handler.lastConnection.withLock { $0 })
        #expect(connection.isOpen)
        #expect(connection.framing == .contentLength)
        let done = DispatchSemaphore(value: 0)
        Thread {
            connection.notify(method: "event", params: ["n": 1])
            done.signal()
        }.start()
        done.wait()
        #expect(JSON.from(try harness.peer.readFrame()) == .from(#"{"jsonrpc":"2.0","method":"event","params":{"n":1}}"#))
        harness.peer.close()
        #expect(harness.waitForServeToReturn())
        #expect(!connection.isOpen)
        connection.notify(method: "event", params: ["n": 2])
    }

    @Test func connectionClosedIsCalledOnce() {
        let harness = StdioHarness()
        harness.peer.close()
        #expect(harness.waitForServeToReturn())
        #expect(harness.handler.closedConnections.withLock { $0.count } == 1)
    }
}
