import CRM
import JSONKit
import JSONRPC

/// Application error codes (API.md, "Errors").
enum ApplicationErrorCode {
    static let requiredFieldsMissing = 1001
    static let notFound = 1002
    static let duplicatesFound = 1003
    static let fieldsMissingInTarget = 1004
    static let conflict = 1005
    static let forbidden = 1006
    static let invalidValue = 1007
    static let registryUnavailable = 1008
}

extension RPCError {
    /// The JSON-RPC form of a domain refusal, with machine-readable `data`.
    init(_ error: CRMError) {
        switch error {
        case let .requiredFieldsMissing(entityType, id, stageId, missing):
            let titles = missing.map(\.title).joined(separator: ", ")
            self.init(code: ApplicationErrorCode.requiredFieldsMissing, message: "Required fields are missing: \(titles)", data: [
                "entityType": .string(entityType), "id": id.map(JSON.int) ?? .null, "stageId": stageId.map(JSON.string) ?? .null,
                "missing": .array(missing.map { ["field": .string($0.field), "title": .string($0.title)] }),
            ])
        case let .notFound(entityType, id):
            self.init(code: ApplicationErrorCode.notFound, message: "Not found: \(entityType) \(id.text)",
                      data: ["entityType": .string(entityType), "id": id])
        case let .conflict(reason, details):
            var data = details
            data["reason"] = .string(reason)
            self.init(code: ApplicationErrorCode.conflict, message: "Conflict: \(reason)", data: .object(data))
        case let .forbidden(reason):
            self.init(code: ApplicationErrorCode.forbidden, message: "Forbidden: \(reason)", data: ["reason": .string(reason)])
        case let .denied(permission, entityType, id):
            var data: [String: JSON] = ["reason": "denied", "permission": .string(permission), "entityType": .string(entityType)]
            if let id { data["id"] = .int(id) }
            let what = id.map { "\(entityType) \($0)" } ?? entityType
            self.init(code: ApplicationErrorCode.forbidden, message: "Forbidden: your roles do not allow \(permission) on \(what)",
                      data: .object(data))
        case let .accessRefused(reason, message, details):
            var data = details
            data["reason"] = .string(reason)
            self.init(code: ApplicationErrorCode.forbidden, message: "Forbidden: \(message)", data: .object(data))
        case let .invalidValue(field, reason, message):
            self.init(code: ApplicationErrorCode.invalidValue, message: "Invalid value: \(message)",
                      data: ["field": .string(field), "reason": .string(reason)])
        case let .invalidValueDetails(field, reason, message, details):
            self.init(code: ApplicationErrorCode.invalidValue, message: "Invalid value: \(message)",
                      data: .object(details.merging(["field": .string(field), "reason": .string(reason)]) { _, fixed in fixed }))
        case let .registryUnavailable(reason, detail):
            self.init(code: ApplicationErrorCode.registryUnavailable, message: "The company registry is unavailable: \(detail)",
                      data: ["reason": .string(reason)])
        case let .duplicatesFound(matches):
            self.init(code: ApplicationErrorCode.duplicatesFound, message: "Possible duplicates found: decide to create, use or merge",
                      data: .object(matches))
        case let .fieldsMissingInTarget(fields):
            self.init(code: ApplicationErrorCode.fieldsMissingInTarget, message: "Lead fields are missing in the conversion targets",
                      data: ["fields": .array(fields)])
        case let .invalidParams(problems):
            let list = problems.map { problem in
                var object = problem.details
                object["path"] = .string(problem.path)
                object["message"] = .string(problem.message)
                if let reason = problem.reason { object["reason"] = .string(reason) }
                return JSON.object(object)
            }
            self.init(code: -32602, message: "Invalid params", data: ["errors": .array(list)])
        }
    }
}
