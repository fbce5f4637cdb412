import JSONKit

/// What `lead.convert` is asked to do (S9–S12).
package struct ConversionRequest: Sendable {
    /// What to do about a contact or company: make a new one, link an existing one, or link an
    /// existing one and fill its empty fields from the lead.
    package enum Decision: Sendable, Equatable {
        case create
        case use(Int64)
        case merge(Int64)
    }

    package enum Scheme: String, Sendable {
        case auto, dealContactCompany, dealContact
    }

    package var leadID: Int64
    package var scheme: Scheme = .auto
    package var createMissingFields = false
    package var contact: Decision?
    package var company: Decision?
    package var dealPipelineID: Int64?
    package var dealFields: [String: JSON] = [:]

    package init(leadID: Int64) { self.leadID = leadID }
}
