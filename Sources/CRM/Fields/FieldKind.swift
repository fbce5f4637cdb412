/// What a field holds; decides validation, storage and the filter operators it accepts.
/// The first group are the types a user can give a custom field (`field.add`); the rest
/// exist only as built-in fields.
package enum FieldKind: String, Sendable, CaseIterable {
    case string, text, integer, decimal, money, date, datetime, boolean
    case enumeration = "enum"
    case url, address
    case phones, emails, requisites, user, stage, pipeline, id, semantic
    /// An OKEI unit of measure `{code, name}`.
    case unit
    /// A structured value kept as JSON (an invoice's payer, seller, rows and totals).
    case json
    /// A reference to another record (`contactId`, `companyId`, `leadId`); the target type is on the definition.
    case link

    /// The types `field.add` accepts.
    package static let customTypes: [FieldKind] = [.string, .text, .integer, .decimal, .money, .date, .datetime, .boolean, .enumeration, .url, .address]

    /// True for kinds compared as text (and so searchable with `%`).
    package var isTextual: Bool {
        switch self {
        case .string, .text, .url, .address, .enumeration, .phones, .emails, .stage, .semantic: true
        default: false
        }
    }

    /// True for kinds with a meaningful order (`>`, `<`, sorting).
    package var isOrdered: Bool {
        switch self {
        case .phones, .emails, .requisites, .boolean, .unit, .json: false
        default: true
        }
    }
}
