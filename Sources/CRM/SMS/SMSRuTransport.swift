import Foundation
import JSONKit

/// SMS.ru's HTTP API: `POST {baseUrl}/sms/send` with the form fields `api_id`, `to`, `msg`,
/// `json=1` (and `from`, `test` when set). The answer is `{status, status_code, sms: {number:
/// {status, status_code, sms_id, status_text}}, balance}`: `OK`/100 for the request and for the
/// number means the gateway took the message.
///
/// Codes that mean "later" are temporary (220 service unavailable, 206 and 230–232 limits
/// reached, 500 and any HTTP 5xx); every other refusal is permanent and keeps the gateway's code
/// and text (200 wrong api_id, 201 insufficient funds, 202 wrong number, 207 no route, 209 stop
/// list…). An answer that is not SMS.ru's JSON fails the message rather than send it again: the
/// gateway may have taken it.
struct SMSRuTransport: SMSTransport {
    var name: String { "smsru" }
    let baseURL: String
    let apiID: String
    let from: String?
    let test: Bool
    let timeout: Duration

    static let defaultBaseURL = "https://sms.ru"
    static let temporaryCodes: Set<Int64> = [206, 220, 230, 231, 232, 500]

    func send(to number: String, text: String) throws(SMSDeliveryError) -> SMSReceipt {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: base + "/sms/send") else { throw .permanent("settings", "sms.baseUrl is not a URL") }
        var fields = [("api_id", apiID), ("to", number), ("msg", text), ("json", "1")]
        if let from { fields.append(("from", from)) }
        if test { fields.append(("test", "1")) }
        let answer = try GatewayHTTP.exchange(method: "POST", url: url, contentType: "application/x-www-form-urlencoded; charset=utf-8",
                                              body: Array(SMSTemplate.form(fields).utf8), timeout: timeout)
        return try Self.receipt(status: answer.status, body: answer.body, number: number)
    }

    /// What an answer of `sms/send` means for the message to `number`.
    static func receipt(status: Int, body: [UInt8], number: String) throws(SMSDeliveryError) -> SMSReceipt {
        if status >= 500 { throw .temporary("http\(status)", "SMS.ru answered HTTP \(status)") }
        guard (200..<300).contains(status) else { throw .permanent("http\(status)", "SMS.ru answered HTTP \(status)") }
        guard let json = try? JSON.parse(body), json.objectValue != nil else {
            throw .permanent("badResponse", "SMS.ru's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        if json["status"]?.stringValue != "OK" { throw refusal(json) }
        let entries = json["sms"]?.objectValue ?? [:]
        guard let entry = entries[number] ?? (entries.count == 1 ? entries.values.first : nil) else {
            throw .permanent("badResponse", "SMS.ru's answer has no entry for \(number)")
        }
        guard entry["status"]?.stringValue == "OK" else { throw refusal(entry) }
        return SMSReceipt(gatewayID: entry["sms_id"]?.stringValue ?? entry["sms_id"]?.int64Value.map(String.init))
    }

    /// The error an `ERROR` status stands for, temporary or not by its code.
    static func refusal(_ json: JSON) -> SMSDeliveryError {
        let code = json["status_code"]?.int64Value ?? json["status_code"]?.stringValue.flatMap { Int64($0) }
        let text = json["status_text"]?.stringValue ?? "SMS.ru refused the message"
        guard let code else { return .permanent("badResponse", text) }
        return SMSDeliveryError(code: String(code), reason: text, isTemporary: temporaryCodes.contains(code) || code >= 500)
    }

    /// What the phone network reported on a message SMS.ru took.
    enum Report: Equatable {
        /// Still on its way (100–102), or SMS.ru does not know yet.
        case pending
        /// 103 delivered, 110 read.
        case delivered
        /// 104 expired, 105 deleted by the operator, 106 phone failure, 107 unknown reason,
        /// 108 rejected, 150 no route: it will not arrive.
        case notDelivered(code: String, reason: String)
    }

    static let notDeliveredCodes: Set<Int64> = [104, 105, 106, 107, 108, 150]

    /// `POST {baseUrl}/sms/status` with `api_id`, `sms_id`, `json=1`.
    func report(gatewayID: String) throws(SMSDeliveryError) -> Report {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: base + "/sms/status") else { throw .permanent("settings", "sms.baseUrl is not a URL") }
        let form = SMSTemplate.form([("api_id", apiID), ("sms_id", gatewayID), ("json", "1")])
        let answer = try GatewayHTTP.exchange(method: "POST", url: url, contentType: "application/x-www-form-urlencoded; charset=utf-8",
                                              body: Array(form.utf8), timeout: timeout)
        return try Self.report(status: answer.status, body: answer.body, gatewayID: gatewayID)
    }

    /// What an answer of `sms/status` says of `gatewayID`.
    static func report(status: Int, body: [UInt8], gatewayID: String) throws(SMSDeliveryError) -> Report {
        if status >= 500 { throw .temporary("http\(status)", "SMS.ru answered HTTP \(status)") }
        guard (200..<300).contains(status) else { throw .permanent("http\(status)", "SMS.ru answered HTTP \(status)") }
        guard let json = try? JSON.parse(body), json.objectValue != nil else {
            throw .permanent("badResponse", "SMS.ru's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        if json["status"]?.stringValue != "OK" { throw refusal(json) }
        guard let entry = json["sms"]?[gatewayID], entry["status"]?.stringValue == "OK", let code = entry["status_code"]?.int64Value else {
            return .pending
        }
        if code == 103 || code == 110 { return .delivered }
        if notDeliveredCodes.contains(code) {
            return .notDelivered(code: String(code), reason: entry["status_text"]?.stringValue ?? "SMS.ru: not delivered")
        }
        return .pending
    }
}
