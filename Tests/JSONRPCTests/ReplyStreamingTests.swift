import Foundation
import JSONKit
import JSONRPC
import Testing

/// Replies are written as they complete and never grow without bound: a batch reply line is
/// streamed element by element, a `Content-Length` reply and every single reply stay within
/// 16 MiB (beyond it they become a -32603 `replyTooLarge` error).
@Suite struct ReplyStreamingTests {
    static let maxReplyBytes = 16 << 20
    let harness = StdioHarness()
    var peer: Peer { harness.peer }

    func blob(_ bytes: Int, id: Int) -> String {
        #"{"jsonrpc":"2.0","method":"blob","params":{"bytes":\#(bytes)},"id":\#(id)}"#
    }

    func batch(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    func replyTooLarge(id: JSON) -> JSON {
        ["jsonrpc": "2.0", "id": id, "error": .from(#"{"code":-32603,"message":"Internal error","data":{"reason":"replyTooLarge","maxReplyBytes":\#(Self.maxReplyBytes)}}"#)]
    }

    var handledCalls: Int { harness.handler.handledCalls.withLock { $0 } }

    @Test func aBatchReplyLineIsWrittenAsItsElementsComplete() throws {
        defer { harness.handler.release.signal() }
        peer.sendLine(batch([blob(200_000, id: 1), #"{"jsonrpc":"2.0","method":"wait","id":2}"#]))
        #expect(harness.handler.waitStarted.wait(timeout: .now() + 5) == .success)
        // The batch cannot end before `wait` is released: these bytes were streamed.
        try peer.waitForBytes(64 << 10)
        harness.handler.release.signal()
        let replies = try peer.readJSON().arrayValue ?? []
        #expect(replies.map { $0["id"] } == [1, 2])
        #expect(replies.first?["result"]?.stringValue?.utf8.count == 200_000)
        #expect(replies.last?["result"] == "released")
    }

    @Test func aStreamedBatchLineMayBeLongerThanTheReplyLimit() throws {
        peer.sendLine(batch((1...17).map { blob(1 << 20, id: $0) }))
        let line = try peer.readLine(timeout: 60)
        #expect(line.utf8.count > Self.maxReplyBytes)
        let replies = JSON.from(line).arrayValue ?? []
        #expect(replies.map { $0["id"] } == (1...17).map { .int($0) })
        #expect(replies.allSatisfy { $0["result"]?.stringValue?.utf8.count == 1 << 20 })
    }

    @Test func anOversizedElementOfAStreamedBatchIsReplacedByAnError() throws {
        peer.sendLine(batch([blob(Self.maxReplyBytes, id: 1), blob(3, id: 2)]))
        let replies = try peer.readJSON(timeout: 60).arrayValue ?? []
        #expect(replies.count == 2)
        #expect(replies.first == replyTooLarge(id: 1))
        #expect(replies.last?["result"] == "xxx")
    }

    @Test func aContentLengthBatchReplyComesWhole() throws {
        peer.sendFrame(batch([blob(200_000, id: 1), #"{"jsonrpc":"2.0","method":"update"}"#, blob(3, id: 2)]))
        let replies = JSON.from(try peer.readFrame()).arrayValue ?? []
        #expect(replies.map { $0["id"] } == [1, 2])
        #expect(replies.first?["result"]?.stringValue?.utf8.count == 200_000)
    }

    @Test func anOversizedContentLengthBatchReplyIsOneErrorAndEveryCallRuns() throws {
        let calls = (1...17).map { blob(1 << 20, id: $0) } + [#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":18}"#]
        peer.sendFrame(batch(calls))
        #expect(JSON.from(try peer.readFrame(timeout: 60)) == replyTooLarge(id: .null))
        #expect(handledCalls == 18)
        peer.sendFrame(#"{"jsonrpc":"2.0","method":"echo","params":[2],"id":19}"#)
        #expect(JSON.from(try peer.readFrame())["result"] == [2])
    }

    @Test func anOversizedSingleReplyIsAnErrorWithItsIdInEitherFraming() throws {
        peer.sendLine(blob(Self.maxReplyBytes, id: 1))
        #expect(try peer.readJSON(timeout: 60) == replyTooLarge(id: 1))
        peer.sendLine(blob(Self.maxReplyBytes - 64, id: 2))
        #expect(try peer.readJSON(timeout: 60)["result"]?.stringValue?.utf8.count == Self.maxReplyBytes - 64)

        let lsp = StdioHarness()
        lsp.peer.sendFrame(blob(Self.maxReplyBytes, id: 3))
        #expect(JSON.from(try lsp.peer.readFrame(timeout: 60)) == replyTooLarge(id: 3))
        lsp.peer.sendFrame(blob(3, id: 4))
        #expect(JSON.from(try lsp.peer.readFrame())["result"] == "xxx")
    }

    @Test func notificationsNeverLandInsideAStreamedReply() throws {
        let notifyMe = #"{"jsonrpc":"2.0","method":"notifyMe","params":{"count":3},"id":2}"#
        peer.sendLine(batch([blob(200_000, id: 1), notifyMe, blob(200_000, id: 3)]))
        var batches: [JSON] = []
        var notifications: [JSON] = []
        for _ in 0..<4 {
            let message = try JSON.parse(peer.readLine())
            if message.arrayValue != nil { batches.append(message) } else { notifications.append(message) }
        }
        #expect(batches.first?.arrayValue?.map { $0["id"] } == [1, 2, 3])
        #expect(notifications.map { $0["params"]?["index"] } == [0, 1, 2])
        #expect(notifications.allSatisfy { $0["method"] == "progress" })
    }
}
