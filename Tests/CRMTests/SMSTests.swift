import Foundation
import JSONKit
import Storage
import Testing
import TestSupport
@testable import CRM

/// Text messages: how many parts a text takes, which numbers can be sent to, how a gateway URL
/// is filled, what SMS.ru's answers mean, and the outbox delivering through the command
/// transport (retries, failures, interrupted claims) with the record's timeline told.
@Suite struct SMSTests {
    // MARK: - Segments

    @Test(arguments: [
        ("Hello", "gsm7", 5, 1),
        (String(repeating: "a", count: 160), "gsm7", 160, 1),
        (String(repeating: "a", count: 161), "gsm7", 161, 2),
        (String(repeating: "a", count: 306), "gsm7", 306, 2),
        (String(repeating: "a", count: 307), "gsm7", 307, 3),
        ("^{}\\[~]|€", "gsm7", 18, 1),
        (String(repeating: "€", count: 80), "gsm7", 160, 1),
        (String(repeating: "€", count: 81), "gsm7", 162, 2),
        // 306 septets, but the € cannot straddle the first two parts: three.
        (String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152), "gsm7", 306, 3),
        ("@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", "gsm7", 43, 1),
        ("ç", "ucs2", 1, 1),
        ("Привет", "ucs2", 6, 1),
        (String(repeating: "я", count: 70), "ucs2", 70, 1),
        (String(repeating: "я", count: 71), "ucs2", 71, 2),
        (String(repeating: "я", count: 134), "ucs2", 134, 2),
        (String(repeating: "я", count: 135), "ucs2", 135, 3),
        (String(repeating: "😀", count: 35), "ucs2", 70, 1),
        // 134 units, but the pair cannot be split at 67: three parts.
        (String(repeating: "я", count: 66) + "😀" + String(repeating: "я", count: 66), "ucs2", 134, 3),
        ("Hi 😀", "ucs2", 5, 1),
    ])
    func segments(_ text: String, _ encoding: String, _ units: Int, _ count: Int) {
        let segments = SMSSegments(text)
        #expect(segments.encoding.rawValue == encoding)
        #expect(segments.units == units)
        #expect(segments.count == count)
    }

    // MARK: - Numbers

    @Test(arguments: [
        ("8 (916) 123-45-67", "79161234567"), ("+7 916 123 45 67", "79161234567"), ("89161234567", "79161234567"),
        ("9161234567", "79161234567"), ("+7 (916) 123-45-67 доб. 12", "79161234567"), ("8-916-123-45-67 ext 5", "79161234567"),
        ("810 7 916 123 45 67", "79161234567"), ("+7 495 123-45-67", "74951234567"), ("+380 44 123 4567", "380441234567"),
    ])
    func numbersAreNormalized(_ raw: String, _ number: String) {
        #expect(SMSNumber.normalized(raw) == number)
    }

    @Test(arguments: ["123-45-67", "abc", "", "+", "380 44 123 4567", "+01234567", "+1234567", "+1234567890123456"])
    func whatCannotBeAPhoneIsRefusedWithItsReason(_ raw: String) {
        #expect(SMSNumber.normalized(raw) == nil)
        #expect(throws: CRMError.invalidValue(field: "to", reason: "phone",
                                              message: "'\(raw)' is not a phone number an SMS can go to (e.g. +7 916 123-45-67)")) {
            try SMSNumber.required(raw, field: "to")
        }
    }

    // MARK: - The http transport's template

    @Test func placeholdersArePercentEncodedSoAValueAddsNoParameter() {
        let url = SMSTemplate.fill("https://gw/send?to={to}&text={text}&key={secret}",
                                   ["to": "79161234567", "text": "Привет & до встречи", "secret": "a/b=c"])
        #expect(url == "https://gw/send?to=79161234567&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%26%20%D0%B4%D0%BE%20%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B8&key=a%2Fb%3Dc")
        #expect(SMSTemplate.percentEncoded("A-z_0.9~ +?#%") == "A-z_0.9~%20%2B%3F%23%25")
        #expect(SMSTemplate.fill("{{\"to\": \"{to}\"}}", ["to": "7916"]) == "{\"to\": \"7916\"}")
        #expect(SMSTemplate.form([("msg", "a b&c=d")]) == "msg=a%20b%26c%3Dd")
    }

    @Test func aTemplateNamingAnythingElseIsRefused() {
        #expect(SMSTemplate.fill("https://gw/{phone}", [:]) == nil)
        #expect(SMSTemplate.fill("https://gw/{to", [:]) == nil)
        #expect(SMSTemplate.fill("https://gw/}", [:]) == nil)
        #expect(SMSTemplate.names("https://gw/?a={to}&b={text}") == ["to", "text"])
        #expect(SMSTemplate.names("https://gw/{x}") == nil)
    }

    // MARK: - SMS.ru's answers

    static func answer(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func smsRuTakingTheMessageGivesItsId() throws {
        let body = #"{"status":"OK","status_code":100,"sms":{"79161234567":{"status":"OK","status_code":100,"sms_id":"000000-10000000"}},"balance":10}"#
        #expect(try SMSRuTransport.receipt(status: 200, body: Self.answer(body), number: "79161234567").gatewayID == "000000-10000000")
    }

    @Test(arguments: [
        (200, #"{"status":"OK","status_code":100,"sms":{"79161234567":{"status":"ERROR","status_code":202,"status_text":"Неправильно указан номер"}}}"#,
         "202", false),
        (200, #"{"status":"ERROR","status_code":200,"status_text":"Неправильный api_id"}"#, "200", false),
        (200, #"{"status":"ERROR","status_code":201,"status_text":"Не хватает средств"}"#, "201", false),
        (200, #"{"status":"ERROR","status_code":220,"status_text":"Сервис временно недоступен"}"#, "220", true),
        (200, #"{"status":"ERROR","status_code":500,"status_text":"Ошибка на сервере"}"#, "500", true),
        (200, #"{"status":"OK","status_code":100,"sms":{"79161234567":{"status":"ERROR","status_code":231,"status_text":"limit"}}}"#, "231", true),
        (503, "Service Unavailable", "http503", true),
        (404, "Not Found", "http404", false),
        (200, "<html>maintenance</html>", "badResponse", false),
    ] as [(Int, String, String, Bool)])
    func smsRuRefusalsKeepTheGatewaysCodeAndTellWhetherToRetry(_ status: Int, _ body: String, _ code: String, _ temporary: Bool) {
        do {
            _ = try SMSRuTransport.receipt(status: status, body: Self.answer(body), number: "79161234567")
            Issue.record("\(body) was taken as sent")
        } catch {
            #expect(error.code == code)
            #expect(error.isTemporary == temporary)
            if code == "202" { #expect(error.reason == "Неправильно указан номер") }
        }
    }

    @Test func smsRuStatusReportsAreReadByTheirCodes() throws {
        func report(_ code: Int, _ text: String = "t") throws -> SMSRuTransport.Report {
            let body = #"{"status":"OK","status_code":100,"sms":{"000000-1":{"status":"OK","status_code":\#(code),"status_text":"\#(text)"}}}"#
            return try SMSRuTransport.report(status: 200, body: Self.answer(body), gatewayID: "000000-1")
        }
        #expect(try report(103) == .delivered)
        #expect(try report(110) == .delivered)
        #expect(try report(102) == .pending)
        #expect(try report(104, "истекло") == .notDelivered(code: "104", reason: "истекло"))
        #expect(try report(150, "нет маршрута") == .notDelivered(code: "150", reason: "нет маршрута"))
        let unknown = #"{"status":"OK","status_code":100,"sms":{"000000-1":{"status":"ERROR","status_code":-1}}}"#
        #expect(try SMSRuTransport.report(status: 200, body: Self.answer(unknown), gatewayID: "000000-1") == .pending)
        #expect(throws: SMSDeliveryError(code: "http502", reason: "SMS.ru answered HTTP 502", isTemporary: true)) {
            try SMSRuTransport.report(status: 502, body: [], gatewayID: "000000-1")
        }
    }

    @Test func httpGatewayStatuses() throws {
        #expect(try HTTPGatewayTransport.receipt(status: 204, body: []) == SMSReceipt(gatewayID: nil))
        for (status, temporary) in [(500, true), (429, true), (408, true), (400, false), (403, false)] {
            #expect(throws: SMSDeliveryError(code: "http\(status)", reason: "the gateway answered HTTP \(status): no", isTemporary: temporary)) {
                try HTTPGatewayTransport.receipt(status: status, body: Array("no".utf8))
            }
        }
    }

    // MARK: - Settings

    @Test func settingsAreCheckedAndTheApiIdNeverComesBack() throws {
        let fixture = try CRMFixture()
        let shown = try fixture.crm.sms.configure(["transport": "smsru", "apiId": "A3CA597E-secret", "baseUrl": "http://127.0.0.1:9"], by: .user(1))
        #expect(shown["apiId"] == "********")
        #expect(try fixture.crm.settings.get()["sms"]?["apiId"] == "********")
        // Given back masked, it stays; a new baseUrl without it drops it (a listener of the caller's gets nothing).
        _ = try fixture.crm.sms.configure(["apiId": "********", "from": "Shop"], by: .user(1))
        #expect(try fixture.crm.pool.read { try SettingsService.load($0) }["sms"]?["apiId"] == "A3CA597E-secret")
        #expect(throws: CRMError.invalidValue(field: "sms.apiId", reason: "required", message: "SMS.ru needs apiId")) {
            try fixture.crm.sms.configure(["baseUrl": "http://127.0.0.1:10", "apiId": "********"], by: .user(1))
        }
        let events = try fixture.crm.pool.read { db in try db.query("SELECT body FROM events").map { try $0.text("body") } }
        #expect(!events.joined().contains("A3CA597E"), "the api_id reached the event log")
    }

    @Test(arguments: [
        (["transport": "command"], "sms.transport", "notConfigured"),
        (["transport": "smsru"], "sms.apiId", "required"),
        (["transport": "http", "url": "https://gw/send?to={to}"], "sms.url", "template"),
        (["transport": "http", "url": "https://gw/send?to={to}&text={text}&x={phone}"], "sms.url", "template"),
        (["transport": "http", "url": "https://gw/send?to={to}&text={text}&k={secret}"], "sms.secret", "required"),
        (["transport": "http", "url": "ftp://gw/{to}/{text}"], "sms.url", "required"),
        (["transport": "pigeon"], "sms.transport", "option"),
        (["commandPath": "/bin/sh"], "sms.commandPath", "configOnly"),
        (["retryAfterSeconds": 0], "sms.retryAfterSeconds", "range"),
    ] as [([String: JSON], String, String)])
    func settingsATransportCannotWorkWithAreRefused(_ patch: [String: JSON], _ field: String, _ reason: String) throws {
        let fixture = try CRMFixture()
        do {
            _ = try fixture.crm.sms.configure(patch, by: .user(1))
            Issue.record("\(patch) was accepted")
        } catch CRMError.invalidValue(let refused, let why, _) {
            #expect(refused == field)
            #expect(why == reason)
        }
    }

    // MARK: - The outbox and its delivery

    /// A command transport whose program writes `<number>|<text>` to `sent.txt`, and fails for
    /// numbers ending in 99 (temporarily, status 75) and 98 (for good, with a reason).
    static func commandFixture() throws -> CRMFixture {
        try CRMFixture { directory in
            let script = directory.appendingPathComponent("send-sms")
            let text = """
                #!/bin/sh
                text=$(cat)
                case "$1" in
                  *99) echo "modem busy" >&2; exit 75 ;;
                  *98) echo "no route to $1" >&2; exit 1 ;;
                esac
                printf '%s|%s\\n' "$1" "$text" >> "\(directory.path)/sent.txt"
                """
            try? writeExecutable(text, to: script)
            return LocalConfiguration(smsCommandPath: script.path)
        }
    }

    func sent(_ fixture: CRMFixture) -> [String] {
        ((try? String(contentsOf: fixture.directory.appendingPathComponent("sent.txt"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    @Test func aMessageToALeadIsQueuedInTheCallAndSentOnceWithItsTimeline() throws {
        let fixture = try Self.commandFixture()
        let lead = try fixture.addLead()
        let queued = try fixture.crm.sms.send(to: nil, record: RecordRef(.lead, lead.id), text: "Ваш заказ готов", by: .user(1))
        #expect(queued["to"] == "79161234567")
        #expect(queued["status"] == "queued")
        #expect(queued["segments"] == 1)
        #expect(queued["encoding"] == "ucs2")
        // Outbox: kept, nothing sent.
        #expect(try fixture.crm.sms.deliverDue() == 0)
        _ = try fixture.crm.sms.configure(["transport": "command"], by: .user(1))
        #expect(try fixture.crm.sms.deliverDue() == 1)
        #expect(try fixture.crm.sms.deliverDue() == 0)
        #expect(sent(fixture) == ["79161234567|Ваш заказ готов"])
        let message = try fixture.crm.sms.get(queued.id, access: nil)
        #expect(message["status"] == "sent")
        #expect(message["attempts"] == 1)
        #expect(message["transport"] == "command")
        let timeline = try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)["items"]?.arrayValue ?? []
        let messages = timeline.filter { $0["type"] == "message" }.map { $0["data"]?["status"]?.stringValue ?? "queued" }
        #expect(messages.sorted() == ["queued", "sent"])
    }

    @Test func aTemporaryFailureIsRetriedAfterItsDelayAndAPermanentOneFailsWithTheReason() throws {
        let fixture = try Self.commandFixture()
        _ = try fixture.crm.sms.configure(["transport": "command", "retryAfterSeconds": 60, "maxAttempts": 3], by: .user(1))
        let busy = try fixture.crm.pool.write { db in
            try fixture.crm.sms.enqueue(db, to: "+7 916 000-00-99", text: "one", record: nil, by: .user(1))
        }
        let lead = try fixture.addLead(["phones": [["value": "+7 916 000-00-98"]]])
        let refused = try fixture.crm.sms.send(to: nil, record: RecordRef(.lead, lead.id), text: "two", by: .user(1))
        #expect(try fixture.crm.sms.deliverDue() == 0)
        var message = try fixture.crm.sms.get(busy.id, access: nil)
        #expect(message["status"] == "queued")
        #expect(message["errorCode"] == "exit75")
        #expect(message["error"] == "modem busy")
        // The temporary failure ended the pass: the next message waited for the next one.
        #expect(try fixture.crm.sms.get(refused.id, access: nil)["attempts"] == 0)
        #expect(try fixture.crm.sms.deliverDue() == 0)
        let failed = try fixture.crm.sms.get(refused.id, access: nil)
        #expect(failed["status"] == "failed")
        #expect(failed["errorCode"] == "exit1")
        #expect(failed["error"] == "no route to 79160000098")
        // Not due before its delay; then again, and after the last attempt failed.
        fixture.clock.advance(by: 59)
        _ = try fixture.crm.sms.deliverDue()
        #expect(try fixture.crm.sms.get(busy.id, access: nil)["attempts"] == 1)
        fixture.clock.advance(by: 1)
        _ = try fixture.crm.sms.deliverDue()
        #expect(try fixture.crm.sms.get(busy.id, access: nil)["attempts"] == 2)
        fixture.clock.advance(by: 120)
        _ = try fixture.crm.sms.deliverDue()
        message = try fixture.crm.sms.get(busy.id, access: nil)
        #expect(message["attempts"] == 3)
        #expect(message["status"] == "failed")
        #expect(sent(fixture).isEmpty)
        let timeline = try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)["items"]?.arrayValue ?? []
        #expect(timeline.contains { $0["type"] == "message" && $0["data"]?["status"] == "failed" && $0["data"]?["errorCode"] == "exit1" })
    }

    @Test func aClaimLeftByACrashIsSentAgainAndMarked() throws {
        let fixture = try Self.commandFixture()
        _ = try fixture.crm.sms.configure(["transport": "command"], by: .user(1))
        let message = try fixture.crm.pool.write { db in
            try fixture.crm.sms.enqueue(db, to: "89161234567", text: "once", record: nil, by: .user(1))
        }
        // The process died after claiming: nobody else takes it, until the next start releases it.
        #expect(try fixture.crm.pool.write { db in try SMSStore.claim(db, id: message.id, at: fixture.clock.now()) })
        #expect(try fixture.crm.sms.get(message.id, access: nil)["status"] == "sending")
        #expect(try fixture.crm.sms.deliverDue() == 0)
        #expect(try fixture.crm.sms.releaseClaims() == 1)
        #expect(try fixture.crm.sms.deliverDue() == 1)
        let after = try fixture.crm.sms.get(message.id, access: nil)
        #expect(after["status"] == "sent")
        #expect(after["interruptedAttempts"] == 1)
        #expect(sent(fixture) == ["79161234567|once"])
    }

    @Test func aBadNumberOrARecordWithoutAPhoneWritesNothing() throws {
        let fixture = try Self.commandFixture()
        let contact = try fixture.crm.records(.contact).add(fields: ["name": "Без телефона"], idempotencyKey: nil, by: .user(1))
        #expect(throws: CRMError.invalidValue(field: "to", reason: "noPhone", message: "contact \(contact.id) has no phone: give `to`")) {
            try fixture.crm.sms.send(to: nil, record: RecordRef(.contact, contact.id), text: "x", by: .user(1))
        }
        #expect(throws: CRMError.self) { try fixture.crm.sms.send(to: "12345", record: nil, text: "x", by: .user(1)) }
        let count = try fixture.crm.pool.read { db in try db.scalar("SELECT count(*) FROM sms_messages").int64 ?? -1 }
        #expect(count == 0)
    }
}
