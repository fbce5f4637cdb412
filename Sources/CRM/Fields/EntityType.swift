/// The kinds of record crmd keeps. The raw value is the name used in the API and in storage.
package enum EntityType: String, Sendable, CaseIterable {
    case lead, contact, company, deal, product, invoice

    /// The built-in shape of records of this type.
    package var descriptor: EntityDescriptor {
        switch self {
        case .lead: .lead
        case .contact: .contact
        case .company: .company
        case .deal: .deal
        case .product: .product
        case .invoice: .invoice
        }
    }
}
