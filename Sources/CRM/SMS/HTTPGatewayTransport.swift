import Foundation

/// Any gateway reached by one HTTP request: `url` (and, for POST, `body`) are `SMSTemplate`s
/// with `{to}`, `{text}` and `{secret}`; a POST without a body template sends the form
/// `to=…&text=…`. A 2xx answer means sent; 408, 429 and 5xx are temporary; any other status is
/// a permanent failure with the start of the answer as the reason.
struct HTTPGatewayTransport: SMSTransport {
    var name: String { "http" }
    let url: String
    let method: String
    let body: String?
    let contentType: String
    let secret: String?
    let timeout: Duration

    static let defaultBody = "to={to}&text={text}"

    func send(to number: String, text: String) throws(SMSDeliveryError) -> SMSReceipt {
        let values = ["to": number, "text": text, "secret": secret ?? ""]
        guard let filled = SMSTemplate.fill(url, values), let target = URL(string: filled) else {
            throw .permanent("settings", "sms.url does not make a URL")
        }
        var payload: [UInt8]?
        if method == "POST" {
            guard let text = SMSTemplate.fill(body ?? Self.defaultBody, values) else { throw .permanent("settings", "sms.body is not a template") }
            payload = Array(text.utf8)
        }
        let answer = try GatewayHTTP.exchange(method: method, url: target, contentType: payload == nil ? nil : contentType, body: payload,
                                              timeout: timeout)
        return try Self.receipt(status: answer.status, body: answer.body)
    }

    static func receipt(status: Int, body: [UInt8]) throws(SMSDeliveryError) -> SMSReceipt {
        if (200..<300).contains(status) { return SMSReceipt(gatewayID: nil) }
        let start = String(decoding: body.prefix(200), as: UTF8.self).trimmingSpaces()
        let reason = "the gateway answered HTTP \(status)" + (start.isEmpty ? "" : ": \(start)")
        if status == 408 || status == 429 || status >= 500 { throw .temporary("http\(status)", reason) }
        throw .permanent("http\(status)", reason)
    }
}
