import Foundation

/// What one request of the 1C site exchange says: the query's `type`, `mode`, `filename` and
/// `sessid`, the HTTP Basic credentials and the session cookie.
struct OneCRequest {
    /// The query's parameters, percent-decoded (`+` is a space); the first of a repeated name wins.
    /// A value that is not UTF-8 once decoded is left out.
    let parameters: [String: String]
    /// The `Authorization` header, if any.
    let authorization: String?
    /// The `Cookie` header, if any.
    let cookies: String?

    init(query: String?, header: (String) -> String?) {
        var parameters: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decoded(parts[0]), parameters[name] == nil,
                  let value = parts.count > 1 ? Self.decoded(parts[1]) : "" else { continue }
            parameters[name] = value
        }
        self.parameters = parameters
        authorization = header("Authorization")
        cookies = header("Cookie")
    }

    var type: String? { parameters["type"] }
    var mode: String? { parameters["mode"] }
    var fileName: String? { parameters["filename"] }
    var sessid: String? { parameters["sessid"] }

    /// The user name and password of an HTTP Basic `Authorization` header (RFC 7617): nil when
    /// there is none, `.malformed` when it is not Basic or not base64 of UTF-8 `name:password`.
    var credentials: Credentials? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: parts[1].trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return .malformed }
        return .basic(name: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    enum Credentials: Equatable {
        case basic(name: String, password: String)
        case malformed
    }

    /// The value of cookie `name` in the `Cookie` header (`a=1; b=2`).
    func cookie(_ name: String) -> String? {
        guard let cookies else { return nil }
        for pair in cookies.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private static func decoded(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
