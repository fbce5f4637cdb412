import JSONKit

/// A field a stage requires and the record lacks, with the title a client shows.
package struct MissingField: Sendable, Equatable {
    package let field: String
    package let title: String
}

/// A problem with one parameter, located by JSON Pointer within the call's params; `reason`
/// and `details`, when set, tell a program what to do about it (`notSortable` with the fields
/// that do sort).
package struct ParamProblem: Sendable, Equatable {
    package let path: String
    package let message: String
    package let reason: String?
    package let details: [String: JSON]
    package init(path: String, message: String, reason: String? = nil, details: [String: JSON] = [:]) {
        self.path = path
        self.message = message
        self.reason = reason
        self.details = details
    }
}

/// Everything the domain refuses, as typed values carrying what a client needs to react.
/// The API layer maps each case to its JSON-RPC code (API.md, "Errors").
package enum CRMError: Error, Sendable, Equatable {
    /// 1001: the target stage (or the first stage on creation) requires fields the record lacks.
    case requiredFieldsMissing(entityType: String, id: Int64?, stageId: String?, missing: [MissingField])
    /// 1002.
    case notFound(entityType: String, id: JSON)
    /// 1005: `reason` is machine-readable (`version`, `converted`, `slotBusy`, `exists`, `inUse`…).
    case conflict(reason: String, details: [String: JSON])
    /// 1006.
    case forbidden(reason: String)
    /// 1006: the caller's roles do not allow `permission` (`lead.read`) on that type, or on
    /// record `id`. Nothing of the record is told.
    case denied(permission: String, entityType: String, id: Int64?)
    /// 1006 for a caller who cannot act at all: `reason` is `unmappedUnixUser`, `userInactive`,
    /// `tokenUnknown`, `tokenRevoked`, `tokenExpired`…; `details` go into `data` beside it.
    case accessRefused(reason: String, message: String, details: [String: JSON])
    /// 1007: a value that has the right JSON type but is not acceptable (checksum, unknown option…).
    case invalidValue(field: String, reason: String, message: String)
    /// 1007 with facts beside `field` and `reason` in `data` (the invoice and the text 1251 cannot hold).
    case invalidValueDetails(field: String, reason: String, message: String, details: [String: JSON])
    /// 1008: the company registry could not answer (`reason`: unreachable, timeout, unauthorized, httpStatus, badResponse, badFile…).
    case registryUnavailable(reason: String, detail: String)
    /// 1003: possible duplicates of the records a call would create, for the caller to decide (S12).
    case duplicatesFound(matches: [String: JSON])
    /// 1004: lead fields the conversion targets lack (S10).
    case fieldsMissingInTarget(fields: [JSON])
    /// -32602: names or shapes the schema cannot know about (unknown custom field, unknown filter field).
    case invalidParams([ParamProblem])

    package static func notFound(_ entityType: String, _ id: Int64) -> CRMError {
        .notFound(entityType: entityType, id: .int(id))
    }

    /// -32602 for an `order` key a list cannot sort by: `{path, message, reason: "notSortable",
    /// field, sortable}`, `sortable` being every field it can.
    package static func notSortable(_ path: String, field: String, sortable: [String]) -> CRMError {
        .invalidParams([ParamProblem(path: path, message: "cannot sort by '\(field)'; sortable fields: \(sortable.joined(separator: ", "))",
                                     reason: "notSortable", details: ["field": .string(field), "sortable": .array(sortable.map(JSON.string))])])
    }

    package static func invalidParam(_ path: String, _ message: String) -> CRMError {
        .invalidParams([ParamProblem(path: path, message: message)])
    }
}
