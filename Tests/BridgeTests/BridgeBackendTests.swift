import Bridge
import CRM
import CRMAPI
import JSONKit
import JSONRPC
import Testing
import TestSupport

/// An in-process engine for the bridge's endpoints: a fresh database, every result checked
/// against its schema, and an API token of the administrator.
final class BridgeFixture: Sendable {
    let directory: TemporaryDirectory
    let crm: CRM
    let handler: CRMHandler
    let backend: HandlerBackend

    /// `spooled`: the engine has a spool directory (`spool` beside the database), as `crmd serve` gives it.
    init(spooled: Bool = false) throws {
        directory = try TemporaryDirectory(prefix: "crmd-bridge")
        var local = LocalConfiguration()
        if spooled { local.spoolDirectory = directory.file("spool") }
        crm = try CRM(path: directory.file("crm.sqlite"), synchronousFull: false, local: local)
        handler = try CRMHandler(crm: crm, validateResults: true)
        backend = HandlerBackend(handler: handler)
    }

    deinit { crm.close() }

    /// A new API token of `userID`, made by the administrator.
    func token(for userID: Int64 = 1) throws -> String {
        let made = try backend.administrator.call("token.add", ["userId": .int(userID), "name": "bridge test"]).get()
        return try #require(made["token"]?.stringValue)
    }
}

@Suite struct BridgeBackendTests {
    @Test func aTokenCallsAsItsUser() throws {
        let fixture = try BridgeFixture()
        let user = try fixture.backend.administrator.call("user.add", ["fields": ["name": "Мария", "email": "maria@example.ru"]]).get()
        let userID = try #require(user["id"]?.intValue)
        let caller = try fixture.backend.caller(token: try fixture.token(for: Int64(userID))).get()
        #expect(caller.userID == Int64(userID))
        let current = try caller.call("user.current", [:]).get()
        #expect(current["id"]?.intValue == userID)
    }

    @Test func aBadTokenIsRefused() throws {
        let fixture = try BridgeFixture()
        guard case .failure(let error) = fixture.backend.caller(token: "not-a-token") else {
            Issue.record("an unknown token was let in")
            return
        }
        #expect(error.code == 1006)
        #expect(error.data?["reason"]?.stringValue == "tokenUnknown")
    }

    @Test func aBridgeConnectionWithoutATokenIsNotTheAdministrator() throws {
        let fixture = try BridgeFixture()
        let channel = RPCMessageChannel(handler: fixture.handler, sink: NullSink())
        let refusal = try #require(channel.open())
        #expect(refusal.code == 1006)
        #expect(refusal.data?["reason"]?.stringValue == "notSignedIn")
        let reply = try JSON.parse(Array(#"{"jsonrpc":"2.0","id":1,"method":"lead.list","params":{}}"#.utf8)).serialized()
        let answer = try #require(channel.answer(reply))
        #expect(try JSON.parse(answer)["error"]?["code"]?.intValue == 1006)
        channel.close()
    }

    @Test func aRevokedTokenStopsTheCallerAtItsNextCall() throws {
        let fixture = try BridgeFixture()
        let made = try fixture.backend.administrator.call("token.add", ["userId": 1, "name": "short"]).get()
        let caller = try fixture.backend.caller(token: try #require(made["token"]?.stringValue)).get()
        #expect(throws: Never.self) { try caller.call("lead.list", [:]).get() }
        _ = try fixture.backend.administrator.call("token.revoke", ["id": try #require(made["id"])]).get()
        guard case .failure(let error) = caller.call("lead.list", [:]) else {
            Issue.record("a revoked token still calls")
            return
        }
        #expect(error.code == 1006)
    }
}

struct NullSink: RPCMessageSink {
    var transportName: String { "websocket" }
    func send(message: [UInt8]) -> Bool { true }
}
