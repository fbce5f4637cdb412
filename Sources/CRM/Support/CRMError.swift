import JSONKit

/// A field a stage requires and the record lacks, with the title a client shows.
package struct MissingField: Sendable, Equatable {
    package let field: String
    package let title: String
}

/// A problem with one parameter, located by JSON Pointer within the call's params.
package struct ParamProblem: Sendable, Equatable {
    package let path: String
    package let message: String
    package init(path: String, message: String) {
        self.path = path
        self.message = message
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
    /// 1007: a value that has the right JSON type but is not acceptable (checksum, unknown option…).
    case invalidValue(field: String, reason: String, message: String)
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

    package static func invalidParam(_ path: String, _ message: String) -> CRMError {
        .invalidParams([ParamProblem(path: path, message: message)])
    }
}
