import JSONKit
import JSONRPC
import Testing

/// Request validation, id echoing and error objects beyond the spec's examples.
@Suite struct EnvelopeTests {
    let harness = StdioHarness()
    var peer: Peer { harness.peer }

    func rawReply(_ request: String) throws -> String {
        peer.sendLine(request)
        return try peer.readLine()
    }

    @Test(arguments: [#""abc""#, "0", "-7", "9007199254740993", "1.5", "null", "1E+2", #""""#, #""\u00e9\n""#])
    func idsAreEchoedExactly(id: String) throws {
        let reply = try rawReply(#"{"jsonrpc":"2.0","method":"echo","params":{"x":1},"id":\#(id)}"#)
        let expectedID = String(decoding: JSON.from(id).serialized(), as: UTF8.self)
        #expect(reply.contains(#""id":\#(expectedID)"#), "\(reply)")
        #expect(JSON.from(reply)["result"] == ["x": 1])
    }

    @Test func bigIntegerIdKeepsItsDigits() throws {
        let reply = try rawReply(#"{"jsonrpc":"2.0","method":"echo","id":9007199254740993}"#)
        #expect(reply.contains("9007199254740993"))
        #expect(!reply.contains("9007199254740992"))
    }

    @Test func nullIdIsARequest() throws {
        let reply = JSON.from(try rawReply(#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":null}"#))
        #expect(reply == .from(#"{"jsonrpc":"2.0","result":[1],"id":null}"#))
    }

    @Test(arguments: [
        #"{"jsonrpc":"1.0","method":"echo","id":7}"#,
        #"{"method":"echo","id":7}"#,
        #"{"jsonrpc":2.0,"method":"echo","id":7}"#,
        #"{"jsonrpc":"2.0","id":7}"#,
        #"{"jsonrpc":"2.0","method":null,"id":7}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":"x","id":7}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":3,"id":7}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":null,"id":7}"#,
    ])
    func invalidRequestWithReadableIdEchoesIt(request: String) throws {
        let reply = JSON.from(try rawReply(request))
        #expect(reply["id"] == 7)
        #expect(reply["error"]?["code"] == -32600)
        #expect(reply["error"]?["message"] == "Invalid Request")
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","method":"echo","id":true}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":[1]}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":{"a":1}}"#,
        #"{"jsonrpc":"2.0","method":1}"#,
        "42", #""text""#, "null", "true",
    ])
    func invalidRequestWithoutReadableIdAnswersNull(request: String) throws {
        let reply = JSON.from(try rawReply(request))
        #expect(reply["id"] == .null)
        #expect(reply["error"]?["code"] == -32600)
    }

    @Test func extraMembersAreIgnored() throws {
        let reply = JSON.from(try rawReply(#"{"jsonrpc":"2.0","method":"echo","params":[],"id":1,"extra":true}"#))
        #expect(reply == .from(#"{"jsonrpc":"2.0","result":[],"id":1}"#))
    }

    @Test func handlerErrorsPassThrough() throws {
        let reply = JSON.from(try rawReply(#"{"jsonrpc":"2.0","method":"fail","id":"f"}"#))
        #expect(reply == .from(#"{"jsonrpc":"2.0","error":{"code":42,"message":"failed on purpose","data":{"why":"test"}},"id":"f"}"#))
    }

    @Test func invalidParamsShape() throws {
        let reply = JSON.from(try rawReply(#"{"jsonrpc":"2.0","method":"subtract","params":{"minuend":"x"},"id":1}"#))
        #expect(reply["error"] == .from(#"{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"","message":"two integers expected"}]}}"#))
    }

    @Test func deeplyNestedJSONIsAParseErrorNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let reply = JSON.from(try rawReply(deep))
        #expect(reply["error"]?["code"] == -32700)
    }

    @Test func errorConstants() {
        #expect(RPCError.parseError == RPCError(code: -32700, message: "Parse error"))
        #expect(RPCError.invalidRequest == RPCError(code: -32600, message: "Invalid Request"))
        #expect(RPCError.internalError == RPCError(code: -32603, message: "Internal error"))
        #expect(RPCError.internalError.data == nil)
        #expect(RPCError.methodNotFound("m").data == ["method": "m"])
        #expect(RPCError.invalidParams([(path: "/a", message: "bad"), (path: "/b", message: "worse")]).data
            == .from(#"{"errors":[{"path":"/a","message":"bad"},{"path":"/b","message":"worse"}]}"#))
        #expect(RPCError.invalidParams([]).code == -32602)
    }

    @Test func rpcIDFromJSON() {
        #expect(RPCID(json: "a") == .string("a"))
        #expect(RPCID(json: .null) == .null)
        #expect(RPCID(json: 3)?.json == 3)
        #expect(RPCID(json: true) == nil)
        #expect(RPCID(json: [1]) == nil)
    }
}
