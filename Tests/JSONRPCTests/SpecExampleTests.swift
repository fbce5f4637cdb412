import JSONKit
import JSONRPC
import Testing

/// The examples section of the JSON-RPC 2.0 specification, sent over a real connection.
@Suite struct SpecExampleTests {
    let harness = StdioHarness()
    var peer: Peer { harness.peer }

    /// Sends `request` as one line and returns the reply line parsed.
    func call(_ request: String) throws -> JSON {
        peer.sendLine(request)
        return try peer.readJSON()
    }

    /// Sends `message`, then a probe request; the probe's reply must be the next line, so the
    /// message got no reply at all.
    func expectNoReply(_ message: String) throws {
        peer.sendLine(message)
        peer.sendLine(#"{"jsonrpc":"2.0","method":"echo","params":["probe"],"id":"probe"}"#)
        #expect(try peer.readJSON() == .from(#"{"jsonrpc":"2.0","result":["probe"],"id":"probe"}"#))
    }

    @Test func callWithPositionalParameters() throws {
        #expect(try call(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#)
            == .from(#"{"jsonrpc": "2.0", "result": 19, "id": 1}"#))
        #expect(try call(#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#)
            == .from(#"{"jsonrpc": "2.0", "result": -19, "id": 2}"#))
    }

    @Test func callWithNamedParameters() throws {
        #expect(try call(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#)
            == .from(#"{"jsonrpc": "2.0", "result": 19, "id": 3}"#))
        #expect(try call(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#)
            == .from(#"{"jsonrpc": "2.0", "result": 19, "id": 4}"#))
    }

    @Test func notificationsAreNeverAnswered() throws {
        try expectNoReply(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#)
        try expectNoReply(#"{"jsonrpc": "2.0", "method": "foobar"}"#)
        try expectNoReply(#"{"jsonrpc": "2.0", "method": "fail", "params": {}}"#)
    }

    @Test func nonExistentMethod() throws {
        let reply = try call(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
        #expect(reply["id"] == "1")
        #expect(reply["error"]?["code"] == -32601)
        #expect(reply["error"]?["message"] == "Method not found")
        #expect(reply["error"]?["data"] == ["method": "foobar"])
        #expect(reply["jsonrpc"] == "2.0")
        #expect(reply["result"] == nil)
    }

    @Test func invalidJSON() throws {
        let reply = try call(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        #expect(reply == .from(#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#))
    }

    @Test func invalidRequestObject() throws {
        let reply = try call(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
        #expect(reply["id"] == .null)
        #expect(reply["error"]?["code"] == -32600)
        #expect(reply["error"]?["message"] == "Invalid Request")
    }

    @Test func batchWithInvalidJSON() throws {
        let reply = try call(#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method" ]"#)
        #expect(reply == .from(#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#))
    }

    @Test func emptyBatchIsOneInvalidRequest() throws {
        let reply = try call("[]")
        #expect(reply["id"] == .null)
        #expect(reply["error"]?["code"] == -32600)
    }

    @Test func invalidBatchOfOne() throws {
        let reply = try call("[1]")
        #expect(reply.arrayValue?.count == 1)
        #expect(reply.arrayValue?.first?["error"]?["code"] == -32600)
        #expect(reply.arrayValue?.first?["id"] == .null)
    }

    @Test func invalidBatchOfThree() throws {
        let reply = try call("[1,2,3]")
        #expect(reply.arrayValue?.count == 3)
        for element in reply.arrayValue ?? [] {
            #expect(element["error"]?["code"] == -32600)
            #expect(element["id"] == .null)
        }
    }

    @Test func mixedBatch() throws {
        let reply = try call("""
            [{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\
            {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},\
            {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},\
            {"foo": "boo"},\
            {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},\
            {"jsonrpc": "2.0", "method": "get_data", "id": "9"}]
            """)
        let replies = try #require(reply.arrayValue)
        #expect(replies.count == 5)
        #expect(replies[0] == .from(#"{"jsonrpc": "2.0", "result": 7, "id": "1"}"#))
        #expect(replies[1] == .from(#"{"jsonrpc": "2.0", "result": 19, "id": "2"}"#))
        #expect(replies[2]["error"]?["code"] == -32600)
        #expect(replies[2]["id"] == .null)
        #expect(replies[3]["error"]?["code"] == -32601)
        #expect(replies[3]["id"] == "5")
        #expect(replies[4] == .from(#"{"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}"#))
    }

    @Test func batchOfNotificationsGetsNoReply() throws {
        try expectNoReply("""
            [{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},\
            {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]
            """)
    }

    @Test func multiLineBatchInContentLengthFraming() throws {
        peer.sendFrame("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """)
        #expect(JSON.from(try peer.readFrame())
            == .from(#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#))
        peer.sendFrame("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """)
        #expect(JSON.from(try peer.readFrame()) == .from("""
            [{"jsonrpc": "2.0", "result": 7, "id": "1"}, {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}]
            """))
    }
}
