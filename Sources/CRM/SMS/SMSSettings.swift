import JSONKit

/// `settings.sms`: which transport delivers text messages, and how.
///
/// `transport` is `smsru` (`apiId` secret, `baseUrl` default `https://sms.ru`, `from`, `test`),
/// `http` (`url`, `method` GET or POST, `body`, `contentType`, `secret`), `command` (the program
/// is `sms.commandPath` of crmd's config file, never a setting) or `outbox` (keep messages, send
/// nothing); no transport is `outbox`. Each may set `timeoutSeconds` (1–120, default 15),
/// `retryAfterSeconds` (the first retry's delay, doubling up to an hour; 1–3600, default 30)
/// and `maxAttempts` (1–50, default 10). Other keys are left alone (`settings.update` took any
/// object here before there were transports; `settings.sms` itself takes only these).
enum SMSSettings {
    static let transports = ["smsru", "http", "command", "outbox"]

    /// The transport the settings name; nil for `outbox` or none (messages wait).
    static func transport(_ sms: JSON, local: LocalConfiguration) -> (any SMSTransport)? {
        let timeout = Duration.seconds(sms["timeoutSeconds"]?.int64Value ?? 15)
        switch sms["transport"]?.stringValue {
        case "smsru":
            guard let apiID = sms["apiId"]?.stringValue, !apiID.isEmpty else { return nil }
            return SMSRuTransport(baseURL: sms["baseUrl"]?.stringValue ?? SMSRuTransport.defaultBaseURL, apiID: apiID,
                                  from: sms["from"]?.stringValue, test: sms["test"]?.boolValue ?? false, timeout: timeout)
        case "http":
            guard let url = sms["url"]?.stringValue else { return nil }
            return HTTPGatewayTransport(url: url, method: sms["method"]?.stringValue ?? "GET", body: sms["body"]?.stringValue,
                                        contentType: sms["contentType"]?.stringValue ?? "application/x-www-form-urlencoded; charset=utf-8",
                                        secret: sms["secret"]?.stringValue, timeout: timeout)
        case "command":
            guard let path = local.smsCommandPath else { return nil }
            return CommandTransport(path: path, timeout: timeout)
        default:
            return nil
        }
    }

    static func retryAfter(_ sms: JSON) -> Int64 { sms["retryAfterSeconds"]?.int64Value ?? 30 }
    static func maxAttempts(_ sms: JSON) -> Int64 { sms["maxAttempts"]?.int64Value ?? 10 }

    /// The delay before attempt `attempts + 1`: the first delay doubled per attempt, at most an hour.
    static func backoff(_ sms: JSON, attempts: Int64) -> Int64 {
        min(3600, retryAfter(sms) << min(max(attempts - 1, 0), 12))
    }

    /// Refuses settings a transport cannot work with: 1007 `{field: "sms.<key>", reason}`.
    static func validate(_ sms: JSON, local: LocalConfiguration) throws {
        guard let object = sms.objectValue else { return }
        func refuse(_ key: String, _ reason: String, _ message: String) -> CRMError {
            .invalidValue(field: "sms." + key, reason: reason, message: message)
        }
        if object["commandPath"] != nil {
            throw refuse("commandPath", "configOnly", "the SMS program is set in crmd's config file (sms.commandPath), not through settings")
        }
        for (key, range) in [("timeoutSeconds", 1...120), ("retryAfterSeconds", 1...3600), ("maxAttempts", 1...50)] as [(String, ClosedRange<Int64>)] {
            if let value = object[key], !(value.int64Value.map(range.contains) ?? false) {
                throw refuse(key, "range", "\(key) is a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        guard let transport = object["transport"]?.stringValue else {
            if object["transport"] != nil { throw refuse("transport", "option", "transport is one of \(transports.joined(separator: ", "))") }
            return
        }
        switch transport {
        case "smsru":
            guard let apiID = object["apiId"]?.stringValue, !apiID.isEmpty else { throw refuse("apiId", "required", "SMS.ru needs apiId") }
            if let base = object["baseUrl"], !isWebURL(base.stringValue) {
                throw refuse("baseUrl", "format", "baseUrl is an http:// or https:// URL (default https://sms.ru)")
            }
        case "http":
            guard let url = object["url"]?.stringValue, isWebURL(url) else {
                throw refuse("url", "required", "the http transport needs url, an http:// or https:// URL template")
            }
            let method = object["method"]?.stringValue ?? "GET"
            guard method == "GET" || method == "POST" else { throw refuse("method", "option", "method is GET or POST") }
            guard let inURL = SMSTemplate.names(url) else {
                throw refuse("url", "template", "url names a placeholder other than {to}, {text}, {secret} (write {{ and }} for braces)")
            }
            var named = inURL
            if let body = object["body"] {
                guard method == "POST" else { throw refuse("body", "option", "a body is sent with method POST only") }
                guard let inBody = body.stringValue.flatMap(SMSTemplate.names) else {
                    throw refuse("body", "template", "body names a placeholder other than {to}, {text}, {secret}")
                }
                named.formUnion(inBody)
            } else if method == "POST" {
                named.formUnion(["to", "text"])
            }
            for name in ["to", "text"] where !named.contains(name) {
                throw refuse("url", "template", "the request must carry {\(name)} (in url or body)")
            }
            if named.contains("secret"), object["secret"]?.stringValue == nil {
                throw refuse("secret", "required", "the template names {secret} but no secret is set")
            }
        case "command":
            guard local.smsCommandPath != nil else {
                throw refuse("transport", "notConfigured", "the command transport runs sms.commandPath of crmd's config file, and none is set")
            }
        case "outbox":
            break
        default:
            throw refuse("transport", "option", "transport is one of \(transports.joined(separator: ", "))")
        }
    }

    private static func isWebURL(_ text: String?) -> Bool {
        guard let lower = text?.lowercased() else { return false }
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && lower.count > 8 && !lower.contains(" ")
    }
}
