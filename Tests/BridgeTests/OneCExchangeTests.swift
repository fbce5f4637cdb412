import Bridge
import CRM
import Foundation
import JSONKit
import RussianFormats
import Testing

/// The 1C site exchange driven the way 1C drives it — checkauth → init → query → success, and
/// file → import — against a real engine (a fresh database, schemas checked on every result).
@Suite struct OneCExchangeTests {
    /// With a spool directory (as `crmd serve` runs it) the export streams into a file there,
    /// which is gone once answered; without one it comes inside the call's result: the same answers.
    @Test(arguments: [false, true])
    func aSessionSendsTheUnacknowledgedInvoicesOnceAndTheirAcknowledgementEmptiesTheNextQuery(spooled: Bool) throws {
        let fixture = try BridgeFixture(spooled: spooled)
        let buyer = try OneCScenario.parties(fixture)
        let invoice = try OneCScenario.invoice(fixture, buyer: buyer)
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend, spool: fixture.crm.local.spoolDirectory))
        let auth = exchange.request("type=sale&mode=checkauth", authorization: try OneCScenario.exchangeUser(fixture))
        #expect(auth.status == 200 && auth.contentType == "text/plain; charset=windows-1251")
        let lines = auth.lines
        #expect(lines.count == 5 && lines[0] == "success" && lines[1] == OneCExchangeEndpoint.cookieName && lines[2].count == 64)
        #expect(lines[3].hasPrefix("sessid=") && lines[4].hasPrefix("timestamp="))
        exchange.cookie = lines[2]

        let initAnswer = exchange.request("type=sale&mode=init")
        #expect(initAnswer.lines == ["zip=no", "file_limit=\(4 << 20)", lines[3], "version=2.05"])

        let query = exchange.request("type=sale&mode=query&\(lines[3])")
        #expect(query.status == 200 && query.contentType == "application/xml; charset=windows-1251")
        #expect(query.body.starts(with: Array(#"<?xml version="1.0" encoding="windows-1251"?>"#.utf8)))
        let xml = LegacyEncoding.windows1251.decode(query.body)
        let number = try #require(invoice["number"]?.stringValue)
        #expect(xml.components(separatedBy: "<Документ>").count == 2 && xml.contains("<Номер>\(number)</Номер>"))

        #expect(exchange.request("type=sale&mode=success").lines == ["success"])
        let again = LegacyEncoding.windows1251.decode(exchange.request("type=sale&mode=query").body)
        #expect(again.contains("КоммерческаяИнформация") && !again.contains("<Документ>"))
        // Only what a query sent is acknowledged: a new invoice waits for the next query.
        let later = try OneCScenario.invoice(fixture, buyer: buyer)
        let next = LegacyEncoding.windows1251.decode(exchange.request("type=sale&mode=query").body)
        #expect(next.contains("<Номер>\(try #require(later["number"]?.stringValue))</Номер>") && !next.contains("<Номер>\(number)</Номер>"))
        if let spool = fixture.crm.local.spoolDirectory {
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool) == [])
            #expect(try FileManager.default.attributesOfItem(atPath: spool)[.posixPermissions] as? Int == 0o700)
        }
    }

    @Test func aFileUploadedInTwoChunksIsImportedAndPaysTheInvoiceAndAttachesTheAct() throws {
        let fixture = try BridgeFixture()
        let invoice = try OneCScenario.invoice(fixture, buyer: try OneCScenario.parties(fixture))
        let number = try #require(invoice["number"]?.stringValue)
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend))
        try exchange.signIn(try OneCScenario.exchangeUser(fixture))
        _ = exchange.request("type=sale&mode=init")

        let file = try #require(LegacyEncoding.windows1251.encode(OneCScenario.fromOneC(invoice: number)))
        let half = file.count / 2
        #expect(exchange.request("type=sale&mode=file&filename=orders.xml", method: "POST", body: Array(file[..<half])).lines == ["success"])
        #expect(exchange.request("type=sale&mode=file&filename=orders.xml", method: "POST", body: Array(file[half...])).lines == ["success"])
        let imported = exchange.request("type=sale&mode=import&filename=orders.xml")
        #expect(imported.lines == ["success", "documents 3, payments 1, attached 1, cancelled 0, not applied 1 (2026-99999 notFound)"])

        let id = try #require(invoice["id"])
        let paid = try fixture.backend.administrator.call("invoice.get", ["id": id]).get()
        #expect(paid["status"] == "paid")
        let documents = try fixture.backend.administrator.call("invoice.documents", ["id": id]).get()["items"]?.arrayValue ?? []
        #expect(documents.map { $0["kind"] } == ["act"] && documents.first?["number"] == "А-17")
        // The upload is gone once imported: importing it again needs it sent again.
        #expect(exchange.request("type=sale&mode=import&filename=orders.xml").lines.first == "failure")
        // A file the engine cannot read is refused with its reason, and dropped.
        _ = exchange.request("type=sale&mode=file&filename=broken.xml", method: "POST", body: Array("<КоммерческаяИнформация><Документ>".utf8))
        let broken = exchange.request("type=sale&mode=import&filename=broken.xml").lines
        #expect(broken.first == "failure" && broken.count == 2 && broken[1].contains("broken.xml"))
    }

    @Test func withoutTheSessionCookieOrWithAnotherSessidNothingIsAnswered() throws {
        let fixture = try BridgeFixture()
        let clock = ManualClock(1_800_000_000)
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend, limits: OneCExchangeLimits(sessionIdleSeconds: 600), clock: clock))
        let credentials = try OneCScenario.exchangeUser(fixture)
        let signedIn = try exchange.signIn(credentials)
        #expect(signedIn[4] == "timestamp=1800000000")

        for cookie in [nil, "0123", String(repeating: "0", count: 64)] {
            let stranger = OneCClient(exchange.endpoint)
            stranger.cookie = cookie
            for mode in ["init", "query", "success", "import&filename=a.xml"] {
                let answer = stranger.request("type=sale&mode=\(mode)")
                #expect(answer.status == 200 && answer.lines.first == "failure" && answer.lines.count == 2)
            }
        }
        #expect(exchange.request("type=sale&mode=init&sessid=0123").lines.first == "failure")
        #expect(exchange.request("type=sale&mode=init").lines.first == "zip=no")
        #expect(exchange.request("type=sale&mode=success").lines.first == "failure")  // no query yet

        clock.advance(by: 599)
        #expect(exchange.request("type=sale&mode=init").lines.first == "zip=no")
        clock.advance(by: 600)
        #expect(exchange.request("type=sale&mode=init").lines.first == "failure")
        try exchange.signIn(credentials)
        #expect(exchange.request("type=sale&mode=init").lines.first == "zip=no")
    }

    @Test func aFileNameMustBeAPlainName() throws {
        let fixture = try BridgeFixture()
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend))
        try exchange.signIn(try OneCScenario.exchangeUser(fixture))
        for name in ["../orders.xml", "..", "a/b.xml", "%2Fetc%2Fpasswd", "C:%5Cv8_1.xml", "a%00b.xml", "a%0Ab.xml", "", String(repeating: "x", count: 256)] {
            let answer = exchange.request("type=sale&mode=file&filename=\(name)", method: "POST", body: Array("<x/>".utf8))
            #expect(answer.lines.first == "failure" && answer.lines.count == 2, "filename=\(name)")
        }
        #expect(exchange.request("type=sale&mode=file", method: "POST", body: [1]).lines.first == "failure")
        #expect(exchange.request("type=sale&mode=file&filename=a.xml", method: "GET").lines.first == "failure")
        #expect(exchange.request("type=sale&mode=file&filename=a.xml", method: "POST").lines.first == "failure")  // no bytes
        #expect(exchange.request("type=sale&mode=file&filename=%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B.xml", method: "POST", body: [1]).lines == ["success"])
    }

    @Test func uploadsStayWithinTheirLimitsAndInitDropsWhatWasNotImported() throws {
        let fixture = try BridgeFixture()
        let limits = OneCExchangeLimits(fileLimit: 10, uploadLimit: 25, totalUploadLimit: 35, maxSessions: 2)
        let endpoint = OneCExchangeEndpoint(backend: fixture.backend, limits: limits)
        let credentials = try OneCScenario.exchangeUser(fixture)
        let first = OneCClient(endpoint), second = OneCClient(endpoint)
        try first.signIn(credentials)
        try second.signIn(credentials)
        #expect(first.request("type=sale&mode=init").lines[1] == "file_limit=10")
        let chunk = [UInt8](repeating: 0x41, count: 10)
        #expect(first.request("type=sale&mode=file&filename=a.xml", method: "POST", body: chunk + [0x41]).lines.first == "failure")
        #expect(first.request("type=sale&mode=file&filename=a.xml", method: "POST", body: chunk).lines == ["success"])
        #expect(first.request("type=sale&mode=file&filename=b.xml", method: "POST", body: chunk).lines == ["success"])
        #expect(first.request("type=sale&mode=file&filename=a.xml", method: "POST", body: chunk).lines.first == "failure")  // 30 > 25
        #expect(second.request("type=sale&mode=file&filename=a.xml", method: "POST", body: chunk).lines == ["success"])
        #expect(second.request("type=sale&mode=file&filename=b.xml", method: "POST", body: chunk).lines.first == "failure")  // 40 > 35 in all
        _ = first.request("type=sale&mode=init")
        #expect(first.request("type=sale&mode=import&filename=a.xml").lines.first == "failure")  // dropped by init
        #expect(second.request("type=sale&mode=file&filename=b.xml", method: "POST", body: chunk).lines == ["success"])

        // A third session drops the one used longest ago.
        let third = OneCClient(endpoint)
        try third.signIn(credentials)
        #expect(first.request("type=sale&mode=init").lines.first == "failure")
        #expect(second.request("type=sale&mode=init").lines.first == "zip=no")
    }

    @Test func checkauthRefusesMissingOrWrongCredentialsAUserWithoutExchangeRightsAndOtherExchanges() throws {
        let fixture = try BridgeFixture()
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend))
        let missing = exchange.request("type=sale&mode=checkauth")
        #expect(missing.status == 401 && missing.lines.first == "failure" && missing.header("WWW-Authenticate")?.hasPrefix("Basic ") == true)

        let credentials = try OneCScenario.exchangeUser(fixture)
        let token = try #require(credentials.split(separator: ":", maxSplits: 1).last)
        for wrong in ["1c@example.ru:crmd_1_AAAA", "1c@example.ru:", "other@example.ru:\(token)", "1:\(token)"] {
            let answer = exchange.request("type=sale&mode=checkauth", authorization: wrong)
            #expect(answer.status == 200 && answer.lines.first == "failure" && answer.lines.count == 2, "\(wrong)")
        }
        #expect(exchange.request("type=sale&mode=checkauth", rawAuthorization: "Bearer \(token)").lines.first == "failure")
        #expect(exchange.request("type=sale&mode=checkauth", rawAuthorization: "Basic !!!").lines.first == "failure")
        // The e-mail is matched whatever its case, and the user's id stands for it too.
        #expect(exchange.request("type=sale&mode=checkauth", authorization: "1C@Example.RU:\(token)").lines.first == "success")
        let userID = try fixture.backend.caller(token: String(token)).get().userID
        #expect(exchange.request("type=sale&mode=checkauth", authorization: "\(userID):\(token)").lines.first == "success")

        let manager = try OneCScenario.user(fixture, email: "manager@example.ru", role: "manager").credentials
        let refused = exchange.request("type=sale&mode=checkauth", authorization: manager).lines
        #expect(refused.first == "failure" && refused.last?.contains("exchange role") == true)

        for query in ["type=catalog&mode=checkauth", "mode=checkauth", "type=sale", "type=sale&mode=deactivate", "type=orders&mode=checkauth"] {
            let answer = exchange.request(query, authorization: credentials)
            #expect(answer.lines.first == "failure" && answer.lines.count == 2, "\(query)")
        }
        #expect(exchange.request("type=catalog&mode=checkauth", authorization: credentials).lines.last?.contains("catalog") == true)
    }

    @Test func aRevokedTokenEndsTheSessionsItOpened() throws {
        let fixture = try BridgeFixture()
        _ = try OneCScenario.invoice(fixture, buyer: try OneCScenario.parties(fixture))
        let exchange = OneCClient(OneCExchangeEndpoint(backend: fixture.backend))
        let user = try OneCScenario.user(fixture, email: "1c@example.ru", role: "exchange")
        try exchange.signIn(user.credentials)
        _ = try fixture.backend.administrator.call("token.revoke", ["id": user.tokenID]).get()
        let query = exchange.request("type=sale&mode=query")
        #expect(query.lines.first == "failure" && query.contentType.hasPrefix("text/plain"))
    }
}
