import JSONKit
import JSONRPC

/// An error as Bitrix24's REST API answers it: an HTTP status and the body
/// `{"error": code, "error_description": text}`. The CRM methods of Bitrix24 answer their own
/// failures (a missing record, a refused write, a bad value) with HTTP 400 and an empty `error`
/// code, the reason being only in `error_description`; the facade does the same, and uses
/// Bitrix24's named codes where Bitrix24 has them (an unknown method, a bad token, a batch
/// too long).
struct BitrixError: Error, Sendable, Equatable {
    var status: Int
    var code: String
    var description: String

    init(status: Int, code: String, description: String) {
        self.status = status
        self.code = code
        self.description = description
    }

    var json: JSON { ["error": .string(code), "error_description": .string(description)] }

    /// 400 with an empty code: how Bitrix24's CRM methods refuse a call.
    static func core(_ description: String) -> BitrixError {
        BitrixError(status: 400, code: "", description: description)
    }

    static let notFound = BitrixError.core("Not found")
    static let invalidID = BitrixError.core("ID is not defined or invalid.")
    static let accessDenied = BitrixError(status: 403, code: "", description: "Access denied.")
    static let methodNotFound = BitrixError(status: 404, code: "ERROR_METHOD_NOT_FOUND", description: "Method not found!")
    static let noAuth = BitrixError(status: 401, code: "NO_AUTH_FOUND", description: "Wrong authorization data")
    static let expiredToken = BitrixError(status: 401, code: "expired_token", description: "The access token provided has expired")
    static let internalError = BitrixError(status: 500, code: "INTERNAL_SERVER_ERROR", description: "Internal server error")

    /// The request itself cannot be read (its body, its query string).
    static func invalidRequest(_ description: String) -> BitrixError {
        BitrixError(status: 400, code: "INVALID_REQUEST", description: description)
    }

    /// What a crmd method's JSON-RPC error becomes. `names` turns a crmd field name in the
    /// error's data into the Bitrix24 name the caller used (`phones` → `PHONE`).
    init(_ error: RPCError, names: (String) -> String = { $0 }) {
        let data = error.data
        switch error.code {
        case 1002:
            self = .notFound
        case 1006:
            switch data?["reason"]?.stringValue {
            case "tokenExpired": self = .expiredToken
            case "tokenUnknown", "tokenRevoked", "userInactive", "notSignedIn": self = .noAuth
            default: self = .accessDenied
            }
        case 1001:
            let missing = (data?["missing"]?.arrayValue ?? []).compactMap { item -> String? in
                guard let field = item["field"]?.stringValue else { return nil }
                let title = item["title"]?.stringValue.map { " (\($0))" } ?? ""
                return names(field) + title
            }
            let stage = data?["stageId"]?.stringValue.map { " at stage \($0)" } ?? ""
            self = .core("Required fields missing\(stage): \(missing.joined(separator: ", "))")
        case 1007:
            let field = data?["field"]?.stringValue.map(names) ?? "value"
            let reason = data?["reason"]?.stringValue ?? "invalid"
            self = .core("Invalid value of \(field): \(reason). \(error.message)")
        case 1005:
            self = .core("Conflict: \(data?["reason"]?.stringValue ?? error.message)")
        case -32602:
            let messages = (data?["errors"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
            self = .core(messages.isEmpty ? error.message : messages.joined(separator: "; "))
        case -32601:
            self = .methodNotFound
        case -32603:
            self = .internalError
        default:
            self = .core(error.message)
        }
    }
}
