import Foundation
import JSONKit
import JSONRPC
import Testing

/// A batch has at most 1000 elements; a longer one gets one -32600 error and no call runs.
@Suite struct BatchLimitTests {
    let harness = StdioHarness()
    var peer: Peer { harness.peer }

    func request(_ id: Int) -> String { #"{"jsonrpc":"2.0","method":"echo","params":[\#(id)],"id":\#(id)}"# }

    func batch(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    func tooLong(_ length: Int) -> JSON {
        .from(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":{"reason":"batchTooLong","maxBatchLength":1000,"length":\#(length)}}}"#)
    }

    var handledCalls: Int { harness.handler.handledCalls.withLock { $0 } }

    @Test func aBatchOf1000IsAnsweredWhole() throws {
        peer.sendLine(batch((0..<1000).map(request)))
        let replies = try peer.readJSON().arrayValue ?? []
        #expect(replies.count == 1000)
        #expect(replies.map { $0["id"] } == (0..<1000).map { .int($0) })
        #expect(replies.allSatisfy { $0["result"] == [$0["id"] ?? .null] })
    }

    @Test func aBatchOf1001IsOneErrorAndNothingRuns() throws {
        peer.sendLine(batch((0..<1001).map(request)))
        #expect(try peer.readJSON() == tooLong(1001))
        peer.sendLine(request(7))
        #expect(try peer.readJSON()["id"] == 7)
        #expect(handledCalls == 1)
    }

    @Test func notificationsCountToo() throws {
        let notification = #"{"jsonrpc":"2.0","method":"update"}"#
        peer.sendLine(batch(Array(repeating: notification, count: 1001)))
        #expect(try peer.readJSON() == tooLong(1001))
        #expect(handledCalls == 0)
    }

    @Test func aMillionEmptyObjectsAreRefusedAtOnce() throws {
        peer.sendLine(batch(Array(repeating: "{}", count: 1_000_000)))
        #expect(try peer.readJSON(timeout: 30) == tooLong(1_000_000))
        #expect(handledCalls == 0)
    }

    @Test func onlyTheOuterArrayCounts() throws {
        let nested = #"{"jsonrpc":"2.0","method":"echo","params":[\#(Array(repeating: "[]", count: 5000).joined(separator: ","))],"id":1}"#
        peer.sendLine(batch([nested, nested]))
        let replies = try peer.readJSON().arrayValue ?? []
        #expect(replies.count == 2)
        #expect(replies.first?["result"]?.arrayValue?.count == 5000)
    }

    @Test func aLongBatchThatIsNotJSONIsAParseError() throws {
        peer.sendLine("[" + Array(repeating: "{}", count: 2000).joined(separator: ",") + ",{]")
        let reply = try peer.readJSON()
        #expect(reply["error"]?["code"] == -32700)
        #expect(reply["id"] == .null)
    }

    @Test func theLimitHoldsWithContentLengthFraming() throws {
        peer.sendFrame(batch((0..<1001).map(request)))
        #expect(JSON.from(try peer.readFrame()) == tooLong(1001))
        peer.sendFrame(batch((0..<1000).map(request)))
        #expect(JSON.from(try peer.readFrame()).arrayValue?.count == 1000)
    }
}
